"""The `foi-intake` command."""

from __future__ import annotations

import argparse
import email
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from email.utils import parsedate_to_datetime
from importlib import resources
from pathlib import Path
from typing import NoReturn, cast

from sqlalchemy import select
from sqlalchemy.engine import make_url

from classifier import Classifier, Decision, build_classifier
from config.settings import ENV_VAR, ClassifierSettings, ConfigError, Logging, Settings, load, load_all, parse
from intake.app import build, open_existing, run_forever
from intake.app import logs as app_logs
from intake.app.health import Monitor
from intake.caselog import Case, Message, MessageStatus, Notice, find_case
from intake.caselog.faults import TemporaryFault
from intake.caselog.views import case_json, cases_with_trails, local_today
from intake.cli import corrections as corrections_cli
from intake.cli import deadline as deadline_cli
from intake.cli import desk as desk_cli
from intake.cli import ops as ops_cli
from intake.cli import reports as reports_cli
from intake.cli import web as web_cli
from intake.errors import FoiIntakeError, fault_trace
from intake.mailbox import AuthenticationFailed, SourceUnavailable
from intake.mailbox.parse import ParseError
from intake.mailbox.parse import parse as parse_message

log = logging.getLogger("foi-intake")

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG, EXIT_MAILBOX, EXIT_TEMPORARY = 0, 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake on the command line said in one line (the usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONFIG, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="foi-intake", description=__doc__)
    p.add_argument("--config", help="configuration TOML (default: $FOI_INTAKE_CONFIG)")
    p.add_argument("--mailbox", metavar="NAME",
                   help="one of the configuration's [[mailbox]] tables (poll, run, check and status serve every one)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    # Every sub-command's parser is a _Parser too (argparse makes them of the parent's class).
    sub = cast("argparse._SubParsersAction[argparse.ArgumentParser]",
               p.add_subparsers(dest="command", required=True))
    sub.add_parser("init", help="create the database")
    poll = sub.add_parser("poll", help="one pass over the mailbox, then flush the outbox")
    poll.add_argument("--once", action="store_true", required=True,
                      help="run one pass and exit (the only mode; `run` keeps going)")
    sub.add_parser("run", help="poll every schedule.poll_seconds until SIGTERM or Ctrl-C")
    sub.add_parser("demo", help="a temporary Maildir of sample requests, SQLite, file outbox")
    cases = sub.add_parser("cases", help="list or show cases")
    csub = cases.add_subparsers(dest="cases_command", required=True)
    lst = csub.add_parser("list")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--status", help="only cases in this status (open, awaiting_clarification, …)")
    lst.add_argument("--overdue", action="store_true", help="only cases past their due date")
    show = csub.add_parser("show")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true")
    corrections_cli.add_case_open_parser(csub)
    classify = sub.add_parser("classify", help="classify .eml files and print each Triage (no case log)")
    classify.add_argument("files", nargs="+", metavar="FILE.eml")
    classify.add_argument("--json", action="store_true", help="one JSON object per file, in a list")
    classify.add_argument("--blank", action="store_true", help="rules only, without the statistical model")
    classify.add_argument("--explain", action="store_true", help="also every rule of the chain: hit or miss, and why")
    deadline_cli.add_parser(sub)
    desk_cli.add_parsers(sub)
    ops_cli.add_parsers(sub)
    reports_cli.add_parsers(sub)
    web_cli.add_parsers(sub)
    corrections_cli.add_corpus_parser(sub)
    return p

# What a person reads before the message, and the exit code, for each of our errors (first match wins).
_ERRORS: tuple[tuple[type[FoiIntakeError], str, int], ...] = (
    (ConfigError, "configuration error: ", EXIT_CONFIG),
    (SourceUnavailable, "mailbox unavailable: ", EXIT_MAILBOX),
    (AuthenticationFailed, "authentication failed: ", EXIT_MAILBOX),
    (TemporaryFault, "", EXIT_TEMPORARY),
    (FoiIntakeError, "", EXIT_FAILURE),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    app_logs.configure(Logging(), args.verbose)  # until the configuration says otherwise
    try:
        if args.command == "deadline":
            return deadline_cli.run(args)
        if args.command == "demo":
            return demo()
        if args.command == "classify":
            return cmd_classify(args)
        secrets = args.command not in NO_SECRETS
        if args.command in EVERY_MAILBOX:
            every = load_all(args.config, secrets=secrets)
            app_logs.configure(every[0].logging, args.verbose)  # [logging] is shared by every mailbox
            chosen = [s for s in every if args.mailbox in (None, s.mailbox.name)]
            if not chosen:
                load(args.config, secrets=secrets, mailbox=args.mailbox)  # names the mailboxes there are
            if args.command == "run":
                return run_forever([build(s) for s in chosen])
            return max(_each_mailbox(args, settings, len(chosen) > 1) for settings in chosen)
        settings = load(args.config, secrets=secrets, mailbox=args.mailbox)
        app_logs.configure(settings.logging, args.verbose)
        return COMMANDS[args.command](settings, args)
    except Exception as exc:
        return _failed(exc)


# Commands that serve every mailbox of the configuration (or the one --mailbox names).
EVERY_MAILBOX = frozenset({"init", "poll", "run", "check", "status"})


def _each_mailbox(args: argparse.Namespace, settings: Settings, named: bool) -> int:
    """One mailbox's part of a command: its failure is its own, and the next mailbox still gets its turn."""
    if named:
        print(f"[{settings.mailbox.name}]")
    try:
        return COMMANDS[args.command](settings, args)
    except Exception as exc:
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """One line for a person, and the exit code for a monitor."""
    if isinstance(exc, FoiIntakeError):
        prefix, code = next((p, c) for kind, p, c in _ERRORS if isinstance(exc, kind))
        print(f"foi-intake: {prefix}{exc}", file=sys.stderr)
        return code
    # The engineer gets where it failed with -v (never the exception's text, which may quote a subject, a name
    # or an address).
    log.debug("internal error: %s", fault_trace(exc, frames=12))
    print(f"foi-intake: internal error ({type(exc).__name__}); run again with -v for the details", file=sys.stderr)
    return EXIT_FAILURE


# Commands that never log in to the mailbox or SMTP: they run without the passwords (`init` too, so an upgrade
# needs no credential, which under systemd only the service itself is given; import only writes the case log).
NO_SECRETS = frozenset({"init", "cases", "report", "status", "corpus", "export", "import", "web"})


def cmd_init(settings: Settings, args: argparse.Namespace) -> int:
    build(settings, create=True, classify=False).close()
    print(f"database ready: {make_url(settings.database.url).render_as_string(hide_password=True)}")
    return EXIT_OK


def cmd_poll(settings: Settings, args: argparse.Namespace) -> int:
    app = build(settings)
    try:
        report, flushed = Monitor(app).run("pass", app.poll_and_flush)  # the health file, as `run` writes it
    finally:
        app.close()
    print(f"{report.summary()} sent={flushed.sent} retrying={flushed.retrying} held={flushed.held}")
    return EXIT_OK


def cmd_cases(settings: Settings, args: argparse.Namespace) -> int:
    if args.cases_command == "open":
        return corrections_cli.run_case_open(settings, args)
    app = open_existing(settings)
    with app.sessions() as s:
        if args.cases_command == "list":
            query = select(Case).order_by(Case.id)
            if args.status:
                query = query.where(Case.status == args.status)
            today = local_today(settings)
            rows = [case_json(c, settings, today, trail=trail) for c, trail in cases_with_trails(s, query)]
            if args.overdue:
                rows = [r for r in rows if r["clock_state"] == "overdue"]
            if args.json:
                print(json.dumps(rows, indent=2))
            else:
                for r in rows:
                    print(f"{r['reference']:<16} {r['status']:<10} {r['kind']:<16} "
                          f"{r['regime'] or '-':<8} due {r['due_date'] or '-':<10} "
                          f"{r['requester_name'] or '(no name)'} <{r['requester_address'] or '-'}>")
            return EXIT_OK
        case = find_case(s, args.reference)
        if case is None:
            print(f"foi-intake: no case {args.reference}", file=sys.stderr)
            return EXIT_FAILURE
        data = case_json(case, settings, full=True)
        if args.json:
            print(json.dumps(data, indent=2))
        else:
            for key, value in data.items():
                if key not in ("events", "notices", "reasons"):
                    print(f"{key:>20}: {value}")
            print("events:")
            for e in data["events"]:
                print(f"  {e['at']}  {e['type']}  ({e['actor']})")
            print("notices:")
            for n in data["notices"]:
                print(f"  {n['kind']} to {n['to']}: {n['status']}")
            print("reasons:")
            for r in data["reasons"]:
                if "hit" not in r:
                    print(f"  {r['rule']}: {r['decision']} — {r['evidence']}")
            print("rules (hit or miss):")
            for r in data["reasons"]:
                if "hit" in r:
                    print(f"  {Decision(r['rule'], r['hit'], r['evidence']).explain()}")
    return EXIT_OK


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify files by hand; the configuration is optional (it names our addresses and model)."""
    if args.config or os.environ.get(ENV_VAR):
        settings = load(args.config)
        if args.blank:
            settings = replace(settings, classifier=replace(settings.classifier, model=""))
        clf = build_classifier(settings)
    else:
        clf = Classifier(own_addresses=(DEMO_FOI_ADDRESS,),
                         model=None if args.blank else ClassifierSettings().model)
    results, status = [], EXIT_OK
    for name in args.files:
        try:
            triage = clf.classify(parse_message(Path(name).read_bytes()))
        except (OSError, ParseError) as exc:
            print(f"foi-intake: {name}: {exc}", file=sys.stderr)
            status = EXIT_FAILURE
            continue
        data = {"file": name, **triage.to_json()}
        results.append(data)
        if not args.json:
            print(f"{name}: {triage.kind}, regime {triage.regime}, "
                  f"{'valid' if triage.valid else 'not valid' if triage.valid is False else 'not a request'}"
                  + (f" (missing {', '.join(triage.missing)})" if triage.missing else "")
                  + f"; name {triage.name!r}; flags {', '.join(triage.flags) or 'none'}")
            print(f"    handling: {triage.handling}"
                  + (f" — needs a person: {'; '.join(triage.person_reasons)}" if triage.needs_person else ""))
            print("    confidence: " + ", ".join(f"{k} {v:.2f}" for k, v in triage.confidence.items()))
            for q in triage.questions:
                print(f"    question: {q[:100]}")
            for r in triage.reasons:
                print(f"    {r.rule}: {r.decision} — {r.evidence}")
            if args.explain:
                print("  rules (hit or miss):")
                for d in triage.decisions:
                    print(f"  {d.explain()}")
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    return status


COMMANDS = {"init": cmd_init, "poll": cmd_poll, "cases": cmd_cases, "case": desk_cli.run_case,
            "daily": desk_cli.run_daily, "report": reports_cli.run_report, "export": reports_cli.run_export,
            "import": reports_cli.run_import, "status": ops_cli.run_status,
            "check": ops_cli.run_check, "outbox": ops_cli.run_outbox, "messages": ops_cli.run_messages,
            "corpus": corrections_cli.run_corpus, "serve": web_cli.run_serve, "web": web_cli.run_web}


DEMO_FOI_ADDRESS = "foi.requests@example-icb.nhs.uk"


def demo_settings(root: Path) -> Settings:
    """The embedded default: a Maildir, SQLite and a directory of sent notices, all under `root`."""
    return parse({
        "organisation": {"name": "NHS Example Integrated Care Board",
                         "foi_address": DEMO_FOI_ADDRESS,
                         "dsp_address": "dsp.team@example-icb.nhs.uk",
                         "comms_address": "communications@example-icb.nhs.uk"},
        "mailbox": {"kind": "maildir", "path": "mail/FOI.Requests"},
        "smtp": {"kind": "file", "path": "outbox"},
        "database": {"url": f"sqlite:///{root / 'foi-intake.sqlite3'}"},
    }, root)


def demo() -> int:
    root = Path(tempfile.mkdtemp(prefix="foi-intake-demo-"))
    settings = demo_settings(root)
    app = build(settings, create=True)
    assert settings.mailbox.path is not None and settings.smtp.path is not None
    samples = resources.files("intake") / "demo_mail"
    new = settings.mailbox.path / "new"
    for item in sorted(samples.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".eml"):
            with resources.as_file(item) as src:
                dest = new / item.name.replace(".eml", ":2,")
                shutil.copy(src, dest)
            # A Maildir's delivery time is the file's mtime: make it the sample's Date.
            sent = email.message_from_bytes(dest.read_bytes())["Date"]
            stamp = parsedate_to_datetime(sent).timestamp()
            os.utime(dest, (stamp, stamp))
    report, flushed = app.poll_and_flush()
    print(f"demo directory: {root}")
    print(f"pass: {report.summary()}; notices sent={flushed.sent}")
    with app.sessions() as s:
        print("\ncases:")
        for c in s.scalars(select(Case).order_by(Case.id)):
            r = case_json(c, settings)
            state = "valid" if r["valid"] else f"missing {', '.join(r['missing'])}"
            print(f"  {r['reference']}  {r['kind']:<12} {r['regime'] or '-':<7} {r['status']:<23} "
                  f"due {r['due_date'] or '(clock stopped)':<15} {r['requester_name'] or '(no name)'}  [{state}]"
                  + (f" flags={','.join(r['flags'])}" if r["flags"] else ""))
        others = s.scalars(select(Message).where(Message.case_id.is_(None))).all()
        for m in others:
            print(f"  (no case) {m.status:<13} {m.subject!r}: "
                  f"{(m.triage or {}).get('kind', m.problem)}")
        print(f"\nnotices written to {settings.smtp.path}:")
        for n in s.scalars(select(Notice).order_by(Notice.id)):
            print(f"  {n.id:06d}-{n.kind}.eml  to {n.to_address}  {n.subject!r}  ({n.status})")
        unread = s.scalars(select(Message).where(Message.status == MessageStatus.RECEIVED)).all()
        print(f"\nmessages filed in {settings.mailbox.path} (Maildir++ folders):")
        for m in s.scalars(select(Message).order_by(Message.id)):
            print(f"  {m.filed_in or '(not filed)':<28} {m.subject!r}")
    app.close()
    return EXIT_OK if not unread else EXIT_FAILURE

