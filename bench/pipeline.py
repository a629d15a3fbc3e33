"""The whole pass against its limits, on realistic mail, in one run; then memory at a backlog and the commands at a
grown case log. Prints the README's table (markdown).

    .venv/bin/python bench/pipeline.py [-n 1000] [--runs 2] [--backlog 1000 5000 [50000]] [--cases 20000]
                                       [--skip-imap] [--latency N]

- Limits: each part alone on the same mail (bench/limits.py): IMAP fetch, mail-parser, the classifier, a batched
  SQLite insert, a Jinja2 render, a MIME build, one SMTP session, the file outbox, a Maildir rename.
- The pass (bench/paths.py): one `poll_and_flush` over all of it on the embedded default (Maildir, SQLite, file
  outbox) and against real Dovecot and aiosmtpd, stage by stage, and end to end as a fraction of the classifier's
  rate (the issue's target: at least 0.7).
- Memory (bench/backlog.py): the peak resident memory of one pass over a backlog of each size, each in its own
  process (target: under 500 MB, the same at every size).
- Commands (bench/commands.py): `cases list`, `report`, `status`, `daily` at 20,000 cases (target: each under 2 s
  and 250 MB).
- Latency (bench/latency.py, with --latency N): APPEND to acknowledgement under `run` with IDLE, N requests.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import backlog, commands, limits
from bench.mailmix import MIX, Mail, mails
from bench.paths import ORGANISATION, PathResult, embedded, real_servers, smtp_process
from config.settings import parse

Cells = dict[str, list[str]]


def _add(cells: Cells, key: str, value: str) -> None:
    cells.setdefault(key, []).append(value)


def one_run(n: int, seed: int, imap: bool, cells: Cells) -> None:
    """Limits and both paths once; every figure is added to `cells` under its row."""
    at = datetime.now(UTC) - timedelta(hours=1)
    generated: list[Mail] = list(mails(n, seed, at))
    raws = [m.raw for m in generated]
    with tempfile.TemporaryDirectory(prefix="foi-bench-pipeline-") as d:
        work = Path(d)
        settings = parse({"organisation": ORGANISATION, "mailbox": {"kind": "maildir", "path": "m"},
                          "smtp": {"kind": "file", "path": "o"}}, work)
        from classifier import build_classifier

        classifier = build_classifier(settings)
        offline, notices = limits.measure_offline(raws, classifier, settings, work)
        del classifier
        extra = [limits.file_outbox(notices), limits.maildir_rename(n)]
        results: list[PathResult] = []
        (work / "embedded").mkdir()
        results.append(embedded(raws, at, work / "embedded"))
        if imap:
            from tests.servers import Dovecot

            with tempfile.TemporaryDirectory(prefix="foi-dovecot-") as mail_dir:  # its own: Dovecot runs as nobody
                dovecot = Dovecot(Path(mail_dir))
                dovecot.start()
                try:
                    with smtp_process() as port:
                        extra.append(limits.smtp_session("127.0.0.1", port, ORGANISATION["foi_address"], notices))
                        (work / "imap").mkdir()
                        results.append(real_servers(raws, at, work / "imap", dovecot, port))
                finally:
                    dovecot.stop()
    classify = next(lim for lim in offline if lim.name.startswith("classifier alone (classify"))
    for lim in [*offline, *extra, *(lim for r in results for lim in r.limits)]:
        _add(cells, f"limit | {lim.name} | {lim.unit}/s", f"{lim.rate:,.0f}")
    for r in results:
        for stage in r.stages:
            _add(cells, f"{r.name} | {stage.name} | {stage.unit}/s", f"{stage.rate:,.0f}" if stage.seconds else "-")
        _add(cells, f"{r.name} | **end to end** | messages/s", f"**{r.rate:,.1f}**")
        _add(cells, f"{r.name} | **fraction of the classifier alone** | ", f"**{r.rate / classify.rate:.2f}**")
        # The same ratio from inside the pass, where the classifier and the rest share the machine's load alike.
        inside = next(st for st in r.stages if st.name == "classify")
        _add(cells, f"{r.name} | share of the pass spent classifying | ", f"{inside.seconds / r.seconds:.2f}")
        _add(cells, f"{r.name} | outcome | ", r.summary)
    kinds = Counter(m.kind for m in generated)
    _add(cells, "mail | kinds (as written) | ", ", ".join(f"{k} {kinds[k]}" for k in MIX))


def table(title: str, cells: Cells, runs: int) -> list[str]:
    heads = " | ".join(f"run {i + 1}" for i in range(runs))
    out = [f"**{title}**", "", f"| where | what | unit | {heads} |", "|---|---|---|" + "---|" * runs]
    out += [f"| {key} | {' | '.join(values)} |" for key, values in cells.items()]
    return [*out, ""]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="messages through the pass (default 1000)")
    ap.add_argument("--runs", type=int, default=2, help="times each measurement is taken (default 2)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--skip-imap", action="store_true", help="the embedded default only (no Dovecot, no aiosmtpd)")
    ap.add_argument("--backlog", type=int, nargs="*", default=[1000, 5000],
                    help="backlog sizes for the memory runs (default 1000 5000; add 50000 for the full run)")
    ap.add_argument("--cases", type=int, default=20_000, help="cases for the command timings (0: skip)")
    ap.add_argument("--latency", type=int, default=0, metavar="N", help="also APPEND→acknowledgement with IDLE, "
                                                                         "N requests (about 3 s each)")
    args = ap.parse_args()
    # The pass logs as under `run` (INFO, one line per event), to nowhere: its cost counts, its lines do not print.
    logging.basicConfig(level=logging.INFO, handlers=[logging.FileHandler(os.devnull)], force=True)
    lines = [f"`bench/pipeline.py -n {args.n} --runs {args.runs} --backlog {' '.join(map(str, args.backlog))} "
             f"--cases {args.cases}`, {datetime.now(UTC):%Y-%m-%d}, one process per path", ""]
    if args.n:
        cells: Cells = {}
        for run in range(args.runs):
            one_run(args.n, args.seed + run, not args.skip_imap, cells)
        lines += table(f"The pass: {args.n} messages (~300-word requests and the rest of a day's mail)", cells,
                       args.runs)
    if args.backlog:
        mem: Cells = {}
        for size in args.backlog:
            for _ in range(args.runs):
                b = backlog.measure(size)
                _add(mem, f"backlog | {size:,} messages | peak RSS MB (before the pass)",
                     f"{b.peak_mb:.0f} ({b.before_mb:.0f})")
                _add(mem, f"backlog | {size:,} messages | seconds (messages/s)",
                     f"{b.seconds:.0f} ({size / b.seconds:.0f})")
        lines += table("Memory: one pass over a backlog, embedded default, a process per run", mem, args.runs)
    if args.cases:
        cmd: Cells = {}
        with tempfile.TemporaryDirectory(prefix="foi-bench-commands-") as d:
            for _ in range(args.runs):
                for r in commands.measure(args.cases, Path(d)):
                    _add(cmd, f"{args.cases:,} cases | `{r.command}` | wall (CPU), peak RSS, output",
                         f"{r.seconds:.2f} s ({r.cpu_seconds:.2f} s), {r.peak_mb:.0f} MB, {r.output_kb:,.0f} kB")
        lines += table(f"Commands at {args.cases:,} cases (a process each)", cmd, args.runs)
    if args.latency:
        lat: Cells = {}
        for _ in range(args.runs):
            seconds = _latency(args.latency)
            _add(lat, "IDLE | APPEND → acknowledgement | median s (max)",
                 f"{statistics.median(seconds):.2f} ({max(seconds):.2f})" if seconds else "-")
        lines += table("Latency under `run`", lat, args.runs)
    print("\n".join(lines))
    return 0


def _latency(n: int) -> list[float]:
    from bench import latency
    from tests.servers import Dovecot

    with tempfile.TemporaryDirectory(prefix="foi-dovecot-") as d:
        dovecot = Dovecot(Path(d))
        dovecot.start()
        try:
            return latency.measure(dovecot, n, 60, True, seed=0)
        finally:
            dovecot.stop()


if __name__ == "__main__":
    sys.exit(main())
