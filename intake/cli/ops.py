"""Commands for whoever runs it at 3 a.m.: status, the outbox, and messages that need a person."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import responders
from config.settings import Settings
from intake.app import build, open_existing
from intake.app.health import assess, health_path, read_health
from intake.caselog import Case, MailboxCursor, Message, MessageStatus, Notice, NoticeStatus, utcnow
from intake.cli import corrections as corrections_cli
from intake.private import write_private
from responders.digest import delivery_problems
from responders.outbox import connect

EXIT_OK, EXIT_FAILURE = 0, 1
ROW_ID_MAX = 2**63 - 1  # the largest key a BIGINT (and SQLite's INTEGER) holds
T = TypeVar("T")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("check", help="before going live: database, mailbox login, SMTP, model, templates")
    status = sub.add_parser("status", help="health (exit 1 when unhealthy), mailbox cursor, counts, held notices")
    status.add_argument("--json", action="store_true")
    outbox = sub.add_parser("outbox", help="list notices, or retry one that was held")
    osub = outbox.add_subparsers(dest="outbox_command", required=True)
    olist = osub.add_parser("list")
    olist.add_argument("--status", choices=(NoticeStatus.PENDING, NoticeStatus.SENDING, NoticeStatus.SENT,
                                            NoticeStatus.HELD))
    retry = osub.add_parser("retry", help="send a held notice again now, with a fresh retry budget")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", type=int, nargs="?", help="the notice's number (outbox list)")
    which.add_argument("--all", action="store_true", help="every held notice (after an outage longer than the "
                                                         "retry budget)")
    messages = sub.add_parser("messages", help="messages that need a person: list, export, reprocess")
    msub = messages.add_subparsers(dest="messages_command", required=True)
    msub.add_parser("list", help="messages needing a person")
    export = msub.add_parser("export", help="write a message's raw bytes to a file (it holds personal data)")
    export.add_argument("id", type=int)
    export.add_argument("file", type=Path)
    msub.add_parser("reprocess", help="classify a needs-a-person message again at the next poll").add_argument(
        "id", type=int)
    corrections_cli.add_promote_parser(msub)


def run_check(settings: Settings, args: argparse.Namespace) -> int:
    """Try each part once, without sending or moving anything; one line per part, exit 1 if any fails."""
    results: list[tuple[str, bool, str]] = []

    def attempt(part: str, action: Callable[[], str]) -> None:
        try:
            results.append((part, True, action()))
        except Exception as exc:  # every failure is reported, none stops the others
            results.append((part, False, f"{type(exc).__name__}: {exc}"))

    app = build(settings)  # migrates the case log, never creates it: a missing one stops here in one line
    attempt("database", lambda: f"{settings.database.url.split('://')[0]} ready (migrations applied)")

    def mailbox() -> str:
        return f"{app.intake.source.key}: {app.intake.source.count()} messages waiting"

    def smtp() -> str:
        if settings.smtp.kind == "file":
            assert settings.smtp.path is not None
            settings.smtp.path.mkdir(parents=True, exist_ok=True)
            return f"notices are written to {settings.smtp.path}"
        with connect(settings.smtp) as client:
            code, _ = client.noop()
        return f"{settings.smtp.host}:{settings.smtp.port} answered {code}"

    def templates() -> str:
        names = sorted({p.name.split(".")[0] for p in Path(responders.__file__).parent.glob("templates/[!_]*.j2")})
        for name in names:
            app.intake.renderer.env.get_template(f"{name}.txt.j2")
            app.intake.renderer.env.get_template(f"{name}.html.j2")
        return f"{len(names)} notices load" + (f" (overrides from {settings.responders.templates_dir})"
                                                 if settings.responders.templates_dir else "")

    attempt("mailbox", mailbox)
    attempt("smtp", smtp)
    attempt("classifier", lambda: f"model {app.intake.classifier.model_name or 'none: rules on a blank pipeline'}")
    attempt("templates", templates)
    app.close()
    for part, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {part:<11} {detail}")
    return EXIT_OK if all(ok for _, ok, _ in results) else EXIT_FAILURE


def run_status(settings: Settings, args: argparse.Namespace) -> int:
    app = open_existing(settings)
    with app.sessions() as s:

        def counts(model: type[Any], column: Any) -> dict[str, int]:
            rows = s.execute(select(column, func.count()).select_from(model).group_by(column)).all()
            return {str(k): int(v) for k, v in rows}

        data: dict[str, Any] = {
            "mailboxes": [{"source": c.source, "uidvalidity": c.uidvalidity, "last_uid": c.last_uid,
                           "updated_at": c.updated_at.isoformat()} for c in s.scalars(select(MailboxCursor))],
            "messages": counts(Message, Message.status),
            "cases": counts(Case, Case.status),
            "notices": counts(Notice, Notice.status),
            "held": [{"id": n.id, "kind": n.kind, "to": n.to_address, "error": n.last_error}
                     for n in s.scalars(select(Notice).where(Notice.status == NoticeStatus.HELD))],
            # Bounced and suppressed requester notices of the last 24 hours, clocks kept running (issue 9 item 6).
            "delivery": [{"reference": p["reference"], "problem": p["problem"], "note": p["note"]}
                         for p in delivery_problems(s, settings, utcnow().date(), utcnow() - timedelta(days=1))
                         if p["problem"] != "held"],
        }
    app.close()
    data["health"] = health(settings, data)
    if args.json:
        print(json.dumps(data, indent=2))
        return _health_exit(data["health"])
    print_health(data["health"])
    for m in data["mailboxes"]:
        print(f"mailbox {m['source']}: last UID {m['last_uid']} (UIDVALIDITY {m['uidvalidity']}), "
              f"read {m['updated_at']}")
    for key in ("messages", "cases", "notices"):
        print(f"{key}: " + (", ".join(f"{k} {v}" for k, v in sorted(data[key].items())) or "none"))
    for n in data["held"]:
        print(f"  held notice {n['id']} ({n['kind']} to {n['to']}): {n['error']}  → foi-intake outbox retry {n['id']}")
    for p in data["delivery"]:
        print(f"  {p['problem']}: {p['reference']}: {p['note']}")
    if data["messages"].get(MessageStatus.NEEDS_PERSON):
        print("  messages needing a person: foi-intake messages list")
    return _health_exit(data["health"])


def health(settings: Settings, data: dict[str, Any]) -> dict[str, Any]:
    """The worker's health file, judged now, with the counts read from the case log just now."""
    path = health_path(settings)
    worker = read_health(path)
    healthy, problem = assess(worker, settings.health.max_age_seconds, utcnow())
    notices = data["notices"]
    return {"healthy": healthy, "problem": problem, "file": str(path),
            **{k: (worker or {}).get(k) for k in ("last_success", "last_outbox", "last_error", "last_error_at",
                                                   "lease_holder", "version", "endpoint")},
            "outbox_queued": notices.get(NoticeStatus.PENDING, 0) + notices.get(NoticeStatus.SENDING, 0),
            "held": notices.get(NoticeStatus.HELD, 0),
            "needs_person": data["messages"].get(MessageStatus.NEEDS_PERSON, 0)}


def print_health(h: dict[str, Any]) -> None:
    print(f"health: {'ok' if h['healthy'] else 'UNHEALTHY: ' + str(h['problem'])}")
    print(f"  last successful pass: {h['last_success'] or 'never'}; outbox last flushed: {h['last_outbox'] or 'never'}")
    print(f"  last error: {h['last_error'] + ' (at ' + h['last_error_at'] + ')' if h['last_error'] else 'none'}")
    print(f"  outbox: {h['outbox_queued']} queued, {h['held']} held; messages needing a person: {h['needs_person']}")
    print(f"  worker (lease holder): {h['lease_holder'] or 'none recorded'}; version {h['version'] or 'unknown'}"
          + (f"; {h['endpoint']}" if h["endpoint"] else ""))


def _health_exit(h: dict[str, Any]) -> int:
    """Exit 1 when unhealthy, with the reason on standard error, so a monitor may call `foi-intake status`."""
    if h["healthy"]:
        return EXIT_OK
    print(f"foi-intake: unhealthy: {h['problem']} (health file {h['file']})", file=sys.stderr)
    return EXIT_FAILURE


def row(s: Session, model: type[T], key: int) -> T | None:
    """The row numbered `key`, or None: a number no database column can hold is no row either (not an error)."""
    return s.get(model, key) if 0 < key <= ROW_ID_MAX else None


def run_outbox(settings: Settings, args: argparse.Namespace) -> int:
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            if args.outbox_command == "list":
                query = select(Notice).order_by(Notice.id)
                if args.status:
                    query = query.where(Notice.status == args.status)
                for n in s.scalars(query):
                    case = n.case.reference if n.case else "-"
                    print(f"{n.id:>6} {n.status:<8} {n.kind:<22} {case:<16} to {n.to_address}  attempts {n.attempts}"
                          + (f"  last error: {n.last_error}" if n.last_error else ""))
                return EXIT_OK
            if args.all:
                notices = list(s.scalars(select(Notice).where(Notice.status == NoticeStatus.HELD)))
            else:
                notice = row(s, Notice, args.id)
                if notice is None or notice.status not in (NoticeStatus.HELD, NoticeStatus.PENDING):
                    print(f"foi-intake: notice {args.id} is not held or pending", file=sys.stderr)
                    return EXIT_FAILURE
                notices = [notice]
            for notice in notices:  # a fresh retry budget from now
                notice.status, notice.attempts, notice.next_attempt_at = NoticeStatus.PENDING, 0, utcnow()
                notice.retry_since = None
            s.commit()
        flushed = app.outbox.flush()
        what = f"{len(notices)} held notice(s)" if args.all else f"notice {args.id}"
        print(f"{what}: sent {flushed.sent}, waiting to retry {flushed.retrying}, held {flushed.held}")
        return EXIT_OK
    finally:
        app.close()


def run_messages(settings: Settings, args: argparse.Namespace) -> int:
    if args.messages_command == "promote":
        return corrections_cli.run_promote(settings, args)
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            if args.messages_command == "list":
                for m in s.scalars(select(Message).where(Message.status == MessageStatus.NEEDS_PERSON)
                                   .order_by(Message.id)):
                    print(f"{m.id:>6} {m.arrived_at:%Y-%m-%d %H:%M} {m.size:>9} bytes  {m.from_address or '-'}  "
                          f"{m.subject or '(no subject)'!r}: {m.problem}  [in {m.filed_in or 'the inbox'}]")
                return EXIT_OK
            message = row(s, Message, args.id)
            if message is None:
                print(f"foi-intake: no message {args.id}", file=sys.stderr)
                return EXIT_FAILURE
            if args.messages_command == "export":
                if message.raw_deleted_at is not None:
                    print(f"foi-intake: message {message.id}: its raw bytes were deleted on "
                          f"{message.raw_deleted_at:%Y-%m-%d} ([retention] raw_mail_days)", file=sys.stderr)
                    return EXIT_FAILURE
                write_private(args.file, message.raw)  # personal data: readable by its owner only
                note = "" if message.raw_is_complete else " (headers only: the full message is on the server)"
                print(f"message {message.id} written to {args.file}{note}")
                return EXIT_OK
            # Reprocess: only what never became a case or a notice, so nothing is answered twice.
            if message.status != MessageStatus.NEEDS_PERSON or message.case_id is not None:
                print(f"foi-intake: message {message.id} is {message.status}; only a message needing a person "
                      "with no case can be reprocessed", file=sys.stderr)
                return EXIT_FAILURE
            if not message.raw_is_complete:
                print(f"foi-intake: message {message.id} was too large to fetch; raise mailbox.max_message_bytes "
                      "or handle it by hand", file=sys.stderr)
                return EXIT_FAILURE
            message.status, message.problem = MessageStatus.RECEIVED, None
            s.commit()
            print(f"message {message.id} will be classified again at the next poll")
            return EXIT_OK
    finally:
        app.close()
