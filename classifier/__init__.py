"""Classifier: decides kind, regime, validity and flags of each message, with reasons."""

from classifier.pipeline import Classifier, build_classifier
from classifier.triage import Reason, Triage

__all__ = ["Classifier", "Reason", "Triage", "build_classifier"]
