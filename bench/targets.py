"""Issue 10's targets, measured on each corpus: the two figures that matter to people, the kind macro-recall, the
recall of subject access and media requests, the precision of "invalid", and the throughput."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.evaluation import Report, Throughput
from bench.notices import Figures

__all__ = ["ISSUE_TARGETS", "IssueTarget", "Measured", "kind_macro_recall", "measure"]


def kind_macro_recall(report: Report) -> float | None:
    """The mean over kinds present in the labels of the share of that kind's messages given that kind."""
    rows = report.confusion.counts
    recalls = [row.get(kind, 0) / sum(row.values()) for kind, row in rows.items() if sum(row.values())]
    return sum(recalls) / len(recalls) if recalls else None


@dataclass(frozen=True)
class IssueTarget:
    name: str
    threshold: float
    at_most: bool = False  # a ceiling (wrong notices, left for a person) rather than a floor
    digits: int = 3

    def passed(self, value: float | None) -> bool:
        if value is None:
            return False
        return value <= self.threshold + 1e-9 if self.at_most else value >= self.threshold - 1e-9


ISSUE_TARGETS: tuple[IssueTarget, ...] = (
    IssueTarget("wrong automatic notices / 100", 1.0, at_most=True, digits=1),
    IssueTarget("left for a person / 100", 15.0, at_most=True, digits=1),
    IssueTarget("kind macro-recall", 0.85),
    IssueTarget("subject access recall", 0.95),
    IssueTarget("media recall", 0.85),
    IssueTarget("invalid precision", 0.9),
    IssueTarget("throughput (msg/s, 300 words)", 100.0, digits=0),
)


@dataclass(frozen=True)
class Measured:
    target: IssueTarget
    value: float | None  # None: undefined on this corpus (no positives, nothing predicted) or not measured

    @property
    def passed(self) -> bool:
        return self.target.passed(self.value)


def measure(report: Report, figures: Figures, speed: Throughput | None = None) -> list[Measured]:
    values: Sequence[float | None] = (
        figures.wrong_per_100, figures.person_per_100, kind_macro_recall(report),
        report.binary["subject_access"].recall, report.binary["media"].recall, report.binary["invalid"].precision,
        speed.per_second if speed else None)
    return [Measured(t, v) for t, v in zip(ISSUE_TARGETS, values, strict=True)]
