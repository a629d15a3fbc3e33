"""The related-request flag (responders/related.py): its precision and recall on the public requests with the
synthetic campaign among them (`tests/corpus/related/campaign.json`, one request reworded by ten senders, and
three requests on nearby subjects), at several thresholds; and its cost per new request against a case log of
10,000 requests received over the last year.

Each request is read as the intake reads it: the classifier (rules, blank pipeline) finds its questions, and the
case's description is the subject and the questions. A pair is flagged when the later request is at least the
threshold alike to the earlier one; the truth is "both in the campaign".

    .venv/bin/python bench/related.py [--cases 10000] [--queries 200]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpora import FOI_ADDRESS, REPO, load_public
from classifier import Classifier
from classifier.similar import rank, terms
from intake.app import build
from intake.app.intake_pass import describe
from intake.caselog import Case, add_event
from intake.cli import demo_settings
from intake.mailbox import parse
from intake.vocabulary import EventType, MessageKind, Regime
from responders.related import related_requests

CAMPAIGN = REPO / "tests" / "corpus" / "related" / "campaign.json"


def _message(sender: str, subject: str, body: str) -> bytes:
    msg = EmailMessage(policy=default)
    msg["From"], msg["To"], msg["Subject"] = sender, FOI_ADDRESS, subject
    msg.set_content(f"Dear FOI team,\n\n{body}\n\nRegards,\n{sender.split(' <')[0]}\n")
    return msg.as_bytes()


def requests() -> list[tuple[str, str | None]]:
    """(what the case log holds of the request, its campaign or None): public requests, the campaign among them."""
    clf = Classifier(own_addresses=(FOI_ADDRESS,), model=None)
    public = [e.raw for e in load_public() if e.expected.get("kind") == "foi_request"]
    campaign = json.loads(CAMPAIGN.read_text())["messages"]
    raws: list[tuple[bytes, str | None]] = [(raw, None) for raw in public]
    for i, m in enumerate(campaign):  # spread through the public ones, in their order
        raws.insert(min(len(raws), 2 + 3 * i), (_message(m["sender"], m["subject"], m["body"]), m["related"]))
    out = []
    for raw, group in raws:
        parsed = parse(raw)
        triage = clf.classify(parsed)
        description = describe(parsed.subject, triage.questions) or ""
        out.append((description, group))
    return out


def quality(items: list[tuple[str, str | None]], thresholds: list[float]) -> None:
    docs = [terms(text) for text, _ in items]
    truth = {(i, j) for i, j in itertools.combinations(range(len(items)), 2)
             if items[i][1] is not None and items[i][1] == items[j][1]}
    members = [i for i, (_, g) in enumerate(items) if g is not None]
    print(f"{len(items)} requests ({len(members)} in the campaign), {len(truth)} related pairs")
    print("threshold  pairs flagged  precision  recall  | campaign requests after the first flagged  "
          "| others flagged")
    for t in thresholds:
        flagged = {(j, i) for i in range(1, len(docs)) for _, j in rank(docs[i], docs[:i], t)}
        tp = len(flagged & truth)
        precision = tp / len(flagged) if flagged else 1.0
        later = members[1:]
        found = sum(any((j, i) in truth for j, k in flagged if k == i) for i in later)
        others = len({i for _, i in flagged if items[i][1] is None})
        print(f"  {t:.2f}     {len(flagged):>5}         {precision:.3f}     {tp / len(truth):.3f}  "
              f"| {found}/{len(later)}{'':38}| {others}")


def cost(texts: list[str], n_cases: int, n_queries: int) -> None:
    """Seconds per new request for `related_requests` against a log of `n_cases` received over a year."""
    root = Path(tempfile.mkdtemp(prefix="foi-related-bench-"))
    settings = demo_settings(root)
    app = build(replace(settings, classifier=replace(settings.classifier, model="")), create=True)
    rng = random.Random(7)
    sentences = [s for t in texts for s in t.split("; ") if len(s) > 20]
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    with app.sessions() as s:
        for k in range(n_cases):
            at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            s.add(Case(reference=f"BENCH-{k:06d}", kind=MessageKind.FOI_REQUEST, regime=Regime.FOI, flags=[],
                       initial_received_at=at, received_at=at, requester_email=f"r{rng.randrange(3000)}@example.org",
                       description="; ".join(rng.sample(sentences, 3)), questions=[], valid=True, missing=[],
                       reasons=[], status="open"))
        s.commit()
        queries = []
        for k in range(n_queries):
            case = Case(reference=f"NEW-{k:04d}", kind=MessageKind.FOI_REQUEST, regime=Regime.FOI, flags=[],
                        initial_received_at=now, received_at=now, requester_email="new@example.org",
                        description="; ".join(rng.sample(sentences, 3)), questions=[], valid=True, missing=[],
                        reasons=[])
            s.add(case)
            add_event(s, case, EventType.RECEIVED, now)
            queries.append(case)
        s.flush()
        for label, batch in (("first request (words of the log not yet cached)", queries[:1]),
                             ("each later request", queries[1:])):
            times, flagged = [], 0
            for case in batch:
                start = time.perf_counter()
                flagged += bool(related_requests(s, case, app.settings))
                times.append(time.perf_counter() - start)
            print(f"  {label}: median {1000 * statistics.median(times):.0f} ms, "
                  f"max {1000 * max(times):.0f} ms ({flagged} of {len(batch)} flagged)")
    app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    items = requests()
    quality(items, [0.3, 0.35, 0.4, 0.45, 0.5, 0.6])
    print(f"cost against a log of {args.cases} requests received over the last year:")
    cost([t for t, _ in items], args.cases, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
