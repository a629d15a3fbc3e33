"""Measure the classifier: per-label precision/recall/F1 on our corpus and the public requests, the kind
confusion matrix, throughput, and the targets with PASS/FAIL.

    .venv/bin/python bench/classifier_eval.py [--model NAME | --blank] [--mistakes] [--public]

Exit status 0 when every target passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpora import BLIND_DIR, CORPUS_DIR, PUBLIC_DIR, load_corpus, load_public
from bench.evaluation import (
    DEFAULT_MODEL,
    Mistake,
    Report,
    SupportsClassify,
    Throughput,
    build_classifier,
    check_targets,
    default_model,
    evaluate,
    supports_model,
    throughput,
)

SHORT = {"foi_request": "foi", "internal_review": "review", "clarification_reply": "clarif",
         "reuse_request": "reuse", "general_enquiry": "enquiry", "auto_reply": "auto", "bounce": "bounce"}


def fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def label_table(report: Report) -> list[str]:
    lines = [f"  {'label':<27} {'TP':>4} {'FP':>4} {'FN':>4} {'pos':>4} {'n':>4}  "
             f"{'precision':>9} {'recall':>7} {'F1':>7}"]
    for s in report.binary.values():
        if s.total == 0:
            continue
        lines.append(f"  {s.label:<27} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.support:>4} {s.total:>4}  "
                     f"{fmt(s.precision):>9} {fmt(s.recall):>7} {fmt(s.f1):>7}")
    lines.append("")
    for a in report.accuracy.values():
        if a.total:
            lines.append(f"  {a.label + ' accuracy':<27} {fmt(a.accuracy)}  ({a.correct}/{a.total})")
    return lines


def confusion_table(report: Report) -> list[str]:
    kinds = report.confusion.kinds
    heads = [SHORT.get(k, k[:8]) for k in kinds]
    width = max(7, *(len(h) for h in heads))
    lines = ["  expected ↓ / predicted →".ljust(27) + "".join(h.rjust(width + 1) for h in heads)]
    for exp in kinds:
        row = [report.confusion.count(exp, pred) for pred in kinds]
        if not any(row) and exp not in SHORT:
            continue
        cells = "".join((str(n) if n else ".").rjust(width + 1) for n in row)
        lines.append(f"  {exp:<25}{cells}")
    return lines


def mistakes_list(report: Report) -> list[str]:
    by_file: dict[str, list[Mistake]] = {}
    for m in report.mistakes:
        by_file.setdefault(m.file, []).append(m)
    lines = []
    for file, ms in by_file.items():
        lines.append(f"  {file}")
        for m in ms:
            lines.append(f"      ✗ {m.label}: expected {m.expected!r}, predicted {m.predicted!r}")
        for r in ms[0].reasons:
            lines.append(f"        · {r.rule}: {r.decision} — {r.evidence}")
    return lines or ["  (none)"]


def section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--model", metavar="NAME",
                       help=f"spaCy model package (default: {DEFAULT_MODEL} if installed, else blank)")
    group.add_argument("--blank", action="store_true", help="blank English pipeline (no statistical model)")
    ap.add_argument("--mistakes", action="store_true", help="list every mistake with the triage's reasons")
    ap.add_argument("--public", action="store_true",
                    help="also show the public corpus's confusion matrix (and mistakes, with --mistakes)")
    ap.add_argument("-n", type=int, default=500, help="synthetic messages for the throughput run")
    return ap


def _classifier(model: str | None) -> tuple[SupportsClassify, list[str]]:
    """The classifier to measure, and the heading lines that say which one it really is."""
    note = ""
    if model is not None and not supports_model():
        note = f"  (asked for {model}, but Classifier() takes no model= yet: measured its own pipeline)"
        classifier: SupportsClassify = build_classifier(None)
    else:
        classifier = build_classifier(model)
    batched = "classify_many" if hasattr(classifier, "classify_many") else "classify() loop"
    loaded = getattr(classifier, "model_name", None)
    if model is not None and not note and hasattr(classifier, "model_name") and loaded is None:
        note = f"  (asked for {model}, but the Classifier loaded no model: measured rules only)"
    shown = f"{model} ({loaded})" if loaded and loaded != model else (model or "blank English")
    return classifier, [f"Classifier evaluation — model: {shown}; {batched}", *([note] if note else [])]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    classifier, out = _classifier(None if args.blank else (args.model or default_model()))
    batched = "classify_many" if hasattr(classifier, "classify_many") else "classify() loop"

    corpus = evaluate(classifier, load_corpus(CORPUS_DIR))
    out += section(f"Our corpus: {CORPUS_DIR} ({corpus.examples} messages)")
    out += label_table(corpus)

    blind = evaluate(classifier, load_corpus(BLIND_DIR))
    out += section(f"Blind corpus, written without reading the rules: {BLIND_DIR} ({blind.examples} messages)")
    out += label_table(blind)

    public: Report | None = None
    if PUBLIC_DIR.is_dir():
        public = evaluate(classifier, load_public(PUBLIC_DIR))
        out += section(f"Public corpus: {PUBLIC_DIR} ({public.examples} messages)")
        out += label_table(public)
    else:
        out += section(f"Public corpus: {PUBLIC_DIR} not found — skipped")

    out += section("Kind confusion matrix, our corpus (rows expected, columns predicted)")
    out += confusion_table(corpus)
    kind = corpus.accuracy["kind"]
    out.append(f"  kind accuracy {fmt(kind.accuracy)} ({kind.correct}/{kind.total})")
    if args.public:
        out += section("Kind confusion matrix, blind corpus")
        out += confusion_table(blind)
    if args.public and public is not None:
        out += section("Kind confusion matrix, public corpus")
        out += confusion_table(public)
        pk = public.accuracy["kind"]
        out.append(f"  kind accuracy {fmt(pk.accuracy)} ({pk.correct}/{pk.total})")

    speed: Throughput = throughput(classifier, n=args.n)
    out += section("Throughput (one process)")
    out.append(f"  {speed.messages} synthetic requests, {speed.mean_words:.0f} words on average, "
               f"{speed.seconds:.2f} s: {speed.per_second:.0f} messages/s ({batched})")

    results = check_targets(corpus, speed)
    out += section("Targets (our corpus)")
    for r in results:
        value = fmt(r.value, 0 if r.target.metric == "per_second" else 3)
        cmp = f"≥ {r.target.threshold:g}"
        out.append(f"  {'PASS' if r.passed else 'FAIL'}  {r.target.name:<30} {value:>8}  (target {cmp})")

    if args.mistakes:
        out += section(f"Mistakes, our corpus ({len(corpus.mistakes)})")
        out += mistakes_list(corpus)
        if args.public:
            out += section(f"Mistakes, blind corpus ({len(blind.mistakes)})")
            out += mistakes_list(blind)
        if args.public and public is not None:
            out += section(f"Mistakes, public corpus ({len(public.mistakes)})")
            out += mistakes_list(public)

    print("\n".join(out))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
