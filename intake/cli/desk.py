"""`foi-intake case REF ACTION`: the DSP team moves a case on, one event at a time; and `foi-intake daily`."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from config.settings import Settings
from intake.app import open_existing
from intake.caselog import Case, find_case, utcnow
from intake.cli import corrections as corrections_cli
from intake.private import private_dir, write_private
from intake.vocabulary import Outcome, Regime, ReviewOutcome
from responders.desk import (
    Action,
    Clarified,
    Clarify,
    CommsSignoff,
    CostLimit,
    Extend,
    Fee,
    FeePaid,
    IdReceived,
    IdRequest,
    Note,
    PublicationScheme,
    Refuse,
    Reopen,
    Respond,
    ReviewClose,
    ReviewOpen,
    Transfer,
)
from responders.drafts import build_draft, draft_regime
from responders.errors import Refused
from responders.exemptions import lookup
from responders.notify import case_context, organisation_context
from responders.render import Renderer

EXIT_OK, EXIT_REFUSED = 0, 1


MAX_FEE = Decimal(1_000_000)  # a fee beyond a million pounds is a typing mistake, not a disbursement


def _money(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace("£", "").replace(",", ""))
    except InvalidOperation as exc:
        raise argparse.ArgumentTypeError(f"not an amount of money: {value!r}") from exc
    if not amount.is_finite() or not 0 <= amount <= MAX_FEE:  # NaN, Infinity, 1e400
        raise argparse.ArgumentTypeError(f"not an amount of money between £0 and £{MAX_FEE:,}: {value!r}")
    return amount.quantize(Decimal("0.01"))


MAX_HOURS = Decimal(100_000)


def _hours(value: str) -> Decimal:
    try:
        hours = Decimal(value)
    except InvalidOperation as exc:
        raise argparse.ArgumentTypeError(f"not a number of hours: {value!r}") from exc
    if not hours.is_finite() or not 0 <= hours <= MAX_HOURS:
        raise argparse.ArgumentTypeError(f"not a number of hours: {value!r}")
    return hours


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    case = sub.add_parser("case", help="act on one case: clarify, fee, extend, respond, review…")
    case.add_argument("reference")
    case.add_argument("--actor", default=None, help="who is acting (default: the login name)")
    acts = case.add_subparsers(dest="action", required=True)
    _clock_parsers(acts)
    _decision_parsers(acts)
    corrections_cli.add_reclassify_parser(acts)
    draft = acts.add_parser("draft", help="write a response or refusal draft (.docx and .txt)")
    draft.add_argument("--outcome", required=True, choices=list(Outcome))
    draft.add_argument("--exemption", action="append", default=[])
    draft.add_argument("--regime", choices=(Regime.FOI, Regime.EIR),
                       help="the law this letter answers under; for a mixed FOI+EIR case the default is the law "
                            "the exemptions belong to (draft the FOIA and EIR parts as two letters)")
    draft.add_argument("--out", type=Path, default=Path("."), help="directory (default: here)")
    sub.add_parser("daily", help="lapses, reminders, overdue alerts and the digest, then send them")


def _clock_parsers(acts: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The actions that stop, pause or extend a clock (the lifecycle table says for which case kinds)."""
    acts.add_parser("clarify", help="ask the requester to clarify; stops the clock").add_argument(
        "--ask", required=True, help="the question, in your words")
    acts.add_parser("clarified", help="the clarification came by post, phone or in person").add_argument(
        "--summary", help="what the requester said")
    fee = acts.add_parser("fee", help="send a fees notice; pauses the clock (s.10(2))")
    fee.add_argument("--amount", required=True, type=_money, metavar="GBP", help="disbursements (policy 12.2)")
    fee.add_argument("--breakdown", required=True, help="how the fee was worked out")
    fee.add_argument("--hours", type=_hours, help="estimated staff time for the s.12 activities (policy 12.8); "
                                                     "over the cost limit a s.12 refusal is proposed, not sent")
    acts.add_parser("fee-paid", help="the fee arrived; the clock runs again and the requester is told the date")
    refuse = acts.add_parser("refuse", help="refuse as vexatious (s.14(1)) or repeated (s.14(2)); a person decides")
    refuse.add_argument("--ground", required=True, choices=("vexatious", "repeated"))
    refuse.add_argument("--repeat-of", metavar="REF", help="the earlier request this one repeats (s.14(2))")
    refuse.add_argument("--reason", help="why, for the record")
    acts.add_parser("cost-limit", help="confirm a proposed s.12 refusal, with advice and assistance "
                                       "(policy 13.3)").add_argument("--advice", required=True)
    extend = acts.add_parser("extend", help="FOI s.10(3) / EIR reg 7; SAR two months; complex review; re-use")
    extend.add_argument("--reason", required=True,
                        help="pit or eir for an FOI/EIR request; for a SAR, review or re-use request the reasons "
                             "in words, as the requester will read them")
    extend.add_argument("--exemption", action="append", default=[], help="e.g. s43 (repeatable)")
    extend.add_argument("--until", type=date.fromisoformat, help="estimated date, YYYY-MM-DD")
    extend.add_argument("--days", type=int, help="further working days")
    acts.add_parser("id-request", help="subject access: ask for identification (UK GDPR Art 12(6))").add_argument(
        "--ask", help="what to send, if not the usual documents")
    acts.add_parser("id-received", help="subject access: identification checked; the month runs").add_argument(
        "--on", type=date.fromisoformat, help="the day it arrived, YYYY-MM-DD (default: today)")


def _decision_parsers(acts: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The actions that decide or follow a case."""
    acts.add_parser("comms-signoff", help="Communications agreed the response (policy 18.2)").add_argument(
        "--by", help="who signed off")
    respond = acts.add_parser("respond", help="record that the response was sent")
    respond.add_argument("--outcome", required=True, choices=list(Outcome))
    respond.add_argument("--exemption", action="append", default=[])
    respond.add_argument("--sent-on", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    respond.add_argument("--late-reason", help="why it was late, for the monitoring figures (policy 31.2)")
    acts.add_parser("publication-scheme", help="point to the publication scheme (policy 6.10)").add_argument(
        "--url", help="the page (default: [responders] publication_scheme_url)")
    transfer = acts.add_parser("transfer", help="signpost to the body that holds it (policy 19.1)")
    transfer.add_argument("--to", required=True, dest="authority")
    transfer.add_argument("--contact", help="their FOI address")
    acts.add_parser("review-open", help="open an internal review of this case").add_argument(
        "--reason", choices=("late",), help="late: a complaint that no response came in time")
    acts.add_parser("review-close", help="decide an internal review").add_argument(
        "--outcome", required=True, choices=list(ReviewOutcome))
    acts.add_parser("reopen", help="reopen a responded or closed case")
    note = acts.add_parser("note", help="add a note to the audit trail")
    note.add_argument("text")
    note.add_argument("--ico", action="store_true", help="it records a communication from the ICO (policy 31.2)")


def run_case(settings: Settings, args: argparse.Namespace) -> int:
    app = open_existing(settings)
    desk = app.intake.desk
    actor = args.actor or getpass.getuser()
    now = utcnow()
    try:
        with app.sessions() as s:
            case = find_case(s, args.reference)
            if case is None:
                print(f"foi-intake: no case {args.reference}", file=sys.stderr)
                return EXIT_REFUSED
            if args.action == "draft":
                return _draft(settings, case, args, app.intake.renderer)
            done = desk.act(s, case, _action(args), now, actor)
            s.commit()
            print(f"{case.reference}: {done.summary}")
        flushed = app.outbox.flush()
        if done.notices:
            print(f"notices: {len(done.notices)} queued, {flushed.sent} sent, {flushed.retrying} waiting to retry")
        return EXIT_OK
    except Refused as exc:  # an action the rules do not allow, a draft that cannot be written, an unknown code
        print(f"foi-intake: {args.reference}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        app.close()


def _action(args: argparse.Namespace) -> Action:
    """The desk action the command line asks for, with its parameters."""
    match args.action:
        case "clarify":
            return Clarify(ask=args.ask)
        case "clarified":
            return Clarified(args.summary)
        case "fee":
            return Fee(args.amount, args.breakdown, hours=args.hours)
        case "fee-paid":
            return FeePaid()
        case "cost-limit":
            return CostLimit(args.advice)
        case "refuse":
            return Refuse(args.ground, args.repeat_of, args.reason)
        case "id-request":
            return IdRequest(args.ask)
        case "id-received":
            return IdReceived(args.on)
        case "publication-scheme":
            return PublicationScheme(args.url)
        case "extend":
            return Extend(args.reason, tuple(args.exemption), until=args.until, days=args.days)
        case "comms-signoff":
            return CommsSignoff(by=args.by)
        case "respond":
            return Respond(args.outcome, tuple(args.exemption), sent_on=args.sent_on, late_reason=args.late_reason)
        case "transfer":
            return Transfer(args.authority, args.contact)
        case "review-open":
            return ReviewOpen(args.reason)
        case "review-close":
            return ReviewClose(args.outcome)
        case "reopen":
            return Reopen()
        case "note":
            return Note(args.text, ico=args.ico)
        case "reclassify":
            return corrections_cli.reclassify_action(args)
    raise Refused(f"unknown action {args.action}")


def _draft(settings: Settings, case: Case, args: argparse.Namespace, renderer: Renderer) -> int:
    exemptions = [lookup(code) for code in args.exemption]
    context = case_context(case, settings)
    draft = build_draft(context, organisation_context(settings), outcome=args.outcome, exemptions=exemptions,
                        regime=draft_regime(case.regime, exemptions, args.regime),
                        renderer=renderer)
    stem = args.out / f"{case.reference}-response-draft"
    try:
        private_dir(args.out)
        docx = draft.write_docx(stem.with_suffix(".docx"))
        write_private(stem.with_suffix(".txt"), draft.text().encode("utf-8"))
    except OSError as exc:
        print(f"foi-intake: {case.reference}: the draft cannot be written to {args.out}: {exc.strerror}",
              file=sys.stderr)
        return EXIT_REFUSED
    print(f"{case.reference}: draft written to {docx} and {stem.with_suffix('.txt')}")
    return EXIT_OK


def run_daily(settings: Settings, args: argparse.Namespace) -> int:
    app = open_existing(settings)
    try:
        counts, flushed = app.daily()
    finally:
        app.close()
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" sent={flushed.sent}")
    return EXIT_OK

