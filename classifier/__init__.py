"""Classifier: decides kind, regime, validity and flags of each message, with reasons.

The rules (`rules/`) run as a chain named by a table (config/chain.toml, `chain.py`); every rule
records a hit or a miss with its evidence on the Triage (`triage.py`).
"""

from classifier.chain import Row, load_chain
from classifier.pipeline import Classifier, build_classifier
from classifier.triage import Decision, Reason, Triage

__all__ = ["Classifier", "Decision", "Reason", "Row", "Triage", "build_classifier", "load_chain"]
