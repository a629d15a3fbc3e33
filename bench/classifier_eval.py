"""Measure the classifier on each labelled set apart — our corpus, the blind-written corpus and the public set:
per-label precision/recall/F1, the kind macro-recall, the two figures that matter to people (wrong automatic
notices and messages left for a person, per 100 messages), issue 10's targets, the kind confusion matrix and the
throughput; and the rules alone, the learned model alone and both side by side. Our corpus and the public set, which
the model is trained on, are cross-validated (bench/compare.py); the blind corpus meets the committed model.

    .venv/bin/python bench/classifier_eval.py [--model NAME | --blank] [--mistakes] [--public]

`--mistakes` lists the mistakes and wrong notices on our corpus and the public set. The blind corpus is held out:
only its figures are printed (its mistakes only with `--blind-mistakes`, for whoever may read them).
Exit status 0 when every target on our corpus passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.calibrate import reliability
from bench.compare import CONFIGS, Measured, measure_sets
from bench.corpora import BLIND_DIR, CORPUS_DIR, PUBLIC_DIR, Example, load_corpus, load_public
from bench.evaluation import (
    DEFAULT_MODEL,
    Mistake,
    Report,
    SupportsClassify,
    Throughput,
    build_classifier,
    check_targets,
    default_model,
    supports_model,
    throughput,
)
from bench.notices import Figures
from bench.targets import kind_macro_recall, measure

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


def figures_lines(report: Report, figs: Figures, speed: Throughput | None) -> list[str]:
    lines = [f"  kind macro-recall           {fmt(kind_macro_recall(report))}",
             f"  wrong automatic notices     {figs.wrong_per_100:5.1f} per 100  ({len(figs.wrong)}/{figs.messages})",
             f"  left for a person           {figs.person_per_100:5.1f} per 100  ({len(figs.person)}/{figs.messages})",
             "  issue 10 targets:"]
    for m in measure(report, figs, speed):
        t = m.target
        value = "—" if m.value is None else f"{m.value:.{t.digits}f}"
        mark = "PASS" if m.passed else ("n/a " if m.value is None else "FAIL")
        lines.append(f"    {mark}  {t.name:<32} {value:>7}  (target {'≤' if t.at_most else '≥'} {t.threshold:g})")
    return lines


def wrong_lines(figs: Figures) -> list[str]:
    return [f"  {file}: {why}" for file, why in figs.wrong] or ["  (none)"]


def person_lines(figs: Figures) -> list[str]:
    return [f"  {file}: {why}" for file, why in figs.person] or ["  (none)"]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--model", metavar="NAME",
                       help=f"spaCy model package (default: {DEFAULT_MODEL} if installed, else blank)")
    group.add_argument("--blank", action="store_true", help="blank English pipeline (no statistical model)")
    ap.add_argument("--mistakes", action="store_true",
                    help="list every mistake, wrong notice and message left for a person (our corpus, public set)")
    ap.add_argument("--blind-mistakes", action="store_true",
                    help="also list the blind corpus's mistakes (it is held out: do not tune on them)")
    ap.add_argument("--public", action="store_true", help="also show the blind and public confusion matrices")
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
    opinion = "learned second opinion" if getattr(classifier, "opinion", None) is not None else "rules alone"
    policy = getattr(classifier, "policy", None)
    said = f"; policy {policy}" if policy is not None else ""
    heading = f"Classifier evaluation — model: {shown}; {batched}; {opinion}{said}"
    return classifier, [heading, *([note] if note else [])]


def _sets() -> list[tuple[str, str, list[Example], bool]]:
    """(key, title, examples, whether the model was trained on it) for each labelled set that is there."""
    out = [("ours", f"Our corpus: {CORPUS_DIR}", load_corpus(CORPUS_DIR), True),
           ("blind", f"Blind corpus, written without reading the rules: {BLIND_DIR}", load_corpus(BLIND_DIR), False)]
    if PUBLIC_DIR.is_dir():
        out.append(("public", f"Public corpus: {PUBLIC_DIR}", load_public(PUBLIC_DIR), True))
    return out


def compare_lines(results: dict[str, dict[str, Measured]]) -> list[str]:
    """Rules alone, model alone and both, side by side for each set."""
    lines = section("Rules alone, model alone, both (cross-validated on our corpus and the public set)")
    lines.append(f"  {'set':<7} {'':<6} {'kind m-rec':>10} {'SAR rec':>8} {'media rec':>9} {'EIR F1':>7} "
                 f"{'wrong/100':>9} {'person/100':>10}")
    for key, configs in results.items():
        for config in CONFIGS:
            m = configs.get(config)
            if m is None:
                continue
            b = m.report.binary
            wrong = f"{m.figures.wrong_per_100:.1f}" if m.figures else "—"
            person = f"{m.figures.person_per_100:.1f}" if m.figures else "—"
            lines.append(f"  {key:<7} {config:<6} {fmt(kind_macro_recall(m.report)):>10} "
                         f"{fmt(b['subject_access'].recall):>8} {fmt(b['media'].recall):>9} {fmt(b['eir'].f1):>7} "
                         f"{wrong:>9} {person:>10}")
    return lines


def reliability_lines(reports: dict[str, tuple[Report, Figures]], sets: dict[str, list[Example]]) -> list[str]:
    """Whether the confidences mean what they say: within each band, how often the decisions were right."""
    lines = section("Calibration: every decision's stated confidence against how often it was right")
    lines.append(f"  {'set':<7} " + "  ".join(f"{'band':>9} {'n':>5} {'right':>6}" for _ in range(2)))
    for key, (report, _figs) in reports.items():
        examples = sets[key]
        bands = [b for b in reliability(examples, [report.triages[ex.name] for ex in examples]) if b.decisions]
        cells = [f"{b.low:.2f}-{b.high:.2f} {b.decisions:>5} {fmt(b.accuracy):>6}" for b in bands]
        for i in range(0, len(cells), 2):
            lines.append(f"  {key if i == 0 else '':<7} " + "  ".join(cells[i:i + 2]))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    model = None if args.blank else (args.model or default_model())
    classifier, out = _classifier(model)
    batched = "classify_many" if hasattr(classifier, "classify_many") else "classify() loop"
    speed: Throughput = throughput(classifier, n=args.n)
    sets = _sets()
    measured = measure_sets([(k, ex, trained) for k, _, ex, trained in sets], model,
                            getattr(classifier, "policy", None))
    shown = "both" if getattr(classifier, "opinion", None) is not None else "rules"
    out.append(f"  Figures below: {'rules and learned model' if shown == 'both' else 'rules alone'}; our corpus "
               "and the public set cross-validated (each fold judged by a model and calibration from the others)")
    reports: dict[str, tuple[Report, Figures]] = {}
    for key, title, _examples, _trained in sets:
        m = measured[key][shown] if shown in measured[key] else measured[key]["rules"]
        assert m.figures is not None
        reports[key] = (m.report, m.figures)
        out += section(f"{title} ({m.report.examples} messages)")
        out += label_table(m.report)
        out += figures_lines(m.report, m.figures, speed)
    if not PUBLIC_DIR.is_dir():
        out += section(f"Public corpus: {PUBLIC_DIR} not found — skipped")
    out += compare_lines(measured)
    out += reliability_lines(reports, {key: examples for key, _t, examples, _tr in sets})

    for key, title in (("ours", "our corpus"), ("blind", "blind corpus"), ("public", "public corpus")):
        if key in reports and (key == "ours" or args.public):
            out += section(f"Kind confusion matrix, {title} (rows expected, columns predicted)")
            out += confusion_table(reports[key][0])

    out += section("Throughput (one process)")
    out.append(f"  {speed.messages} synthetic requests, {speed.mean_words:.0f} words on average, "
               f"{speed.seconds:.2f} s: {speed.per_second:.0f} messages/s ({batched})")

    corpus = reports["ours"][0]
    results = check_targets(corpus, speed)
    out += section("Targets (our corpus)")
    for r in results:
        value = fmt(r.value, 0 if r.target.metric == "per_second" else 3)
        cmp = f"≥ {r.target.threshold:g}"
        out.append(f"  {'PASS' if r.passed else 'FAIL'}  {r.target.name:<30} {value:>8}  (target {cmp})")

    listed = [k for k in ("ours", "public") if args.mistakes and k in reports]
    listed += ["blind"] if args.blind_mistakes else []
    for key in listed:
        report, figs = reports[key]
        out += section(f"Mistakes, {key} ({len(report.mistakes)})")
        out += mistakes_list(report)
        out += section(f"Wrong automatic notices, {key} ({len(figs.wrong)})")
        out += wrong_lines(figs)
        out += section(f"Left for a person, {key} ({len(figs.person)})")
        out += person_lines(figs)

    print("\n".join(out))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
