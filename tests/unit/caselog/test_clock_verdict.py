"""The clock gives its verdict without its day-by-day explanation unless asked (issue 12 item 4: `cases list`,
`report` and `daily` built and threw away 600,000 lines of it at 20,000 cases)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import intake.caselog.clock.explain as explain
from intake.caselog.clock import ClockEvent, compute

RECEIVED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
EVENTS = (ClockEvent("clarification_requested", datetime(2026, 11, 5, 9, 0, tzinfo=UTC)),
          ClockEvent("clarification_received", datetime(2026, 11, 12, 9, 0, tzinfo=UTC)))


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every step rendered into a line of the explanation."""
    seen: list[object] = []
    real = explain.render

    def counting(step: object) -> str:
        seen.append(step)
        return real(step)  # type: ignore[arg-type]

    monkeypatch.setattr(explain, "render", counting)
    return seen


@pytest.mark.parametrize("kind", ["foi", "sar"])
def test_the_verdict_alone_is_the_verdict_with_the_explanation(kind: str, rendered: list[object]) -> None:
    full = compute(kind, RECEIVED, EVENTS, today=date(2026, 12, 20))
    assert full.explanation and rendered  # asked (the default of the pure function): built
    rendered.clear()
    verdict = compute(kind, RECEIVED, EVENTS, today=date(2026, 12, 20), explaining=False)
    assert rendered == [] and verdict.explanation == []  # not asked: not one line built
    assert {**verdict.to_json(), "explanation": []} == {**full.to_json(), "explanation": []}
