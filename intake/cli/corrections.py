"""Commands for correcting the bot: open a case by hand, promote a message, reclassify a case, export corrections."""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from config.settings import Settings
from intake.app import open_existing
from intake.app.corrections import HandMadeRequest, export_corrections, open_by_hand, promote
from intake.caselog import utcnow
from intake.errors import FoiIntakeError
from intake.vocabulary import CASE_KINDS, MessageKind, Regime, RequestMethod
from responders.desk import Reclassify
from responders.desk.corrections import CORRECTABLE_FLAGS

__all__ = ["add_case_open_parser", "add_corpus_parser", "add_promote_parser", "add_reclassify_parser",
           "reclassify_action", "run_case_open", "run_corpus", "run_promote"]

EXIT_OK = 0
KINDS = sorted(CASE_KINDS)


def add_case_open_parser(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    op = csub.add_parser("open", help="open a case by hand: a posted, phoned, handed-in or scanned request")
    op.add_argument("--method", required=True, choices=[m for m in RequestMethod if m != RequestMethod.EMAIL])
    op.add_argument("--received", required=True, help="when the body received it: YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    op.add_argument("--received-by-dsp", help="when it reached the DSP team, if later (policy 5.10): YYYY-MM-DD")
    op.add_argument("--name", required=True, help="the requester's real name (FOIA s.8(1)(b))")
    op.add_argument("--email", help="where notices go; without one, answer by post")
    op.add_argument("--address", help="postal address for correspondence")
    op.add_argument("--description", required=True, help="the information asked for (FOIA s.8(1)(c))")
    op.add_argument("--question", action="append", default=[], help="one question asked (repeatable)")
    op.add_argument("--kind", choices=KINDS, default=MessageKind.FOI_REQUEST)
    op.add_argument("--regime", choices=list(Regime), default=Regime.FOI)
    op.add_argument("--media", action="store_true", help="a journalist's request: Communications are alerted")
    op.add_argument("--actor", help="who is acting (default: the login name)")


def add_promote_parser(msub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pr = msub.add_parser("promote", help="make a not-FOI or needs-a-person message a case, or part of one")
    pr.add_argument("id", type=int)
    pr.add_argument("--to", metavar="REF", help="attach it to this case instead of opening one")
    pr.add_argument("--kind", choices=KINDS, default=MessageKind.FOI_REQUEST)
    pr.add_argument("--regime", choices=list(Regime))
    pr.add_argument("--reason", required=True, help="why the bot was wrong: kept with the correction")
    pr.add_argument("--actor", help="who is acting (default: the login name)")


def add_reclassify_parser(acts: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rc = acts.add_parser("reclassify", help="correct the kind, regime or flags; the route and notices follow")
    rc.add_argument("--kind", choices=KINDS)
    rc.add_argument("--regime", choices=list(Regime))
    rc.add_argument("--flag", action="append", default=[], choices=CORRECTABLE_FLAGS, help="set a flag")
    rc.add_argument("--no-flag", action="append", default=[], choices=CORRECTABLE_FLAGS, help="clear a flag")
    rc.add_argument("--reason", required=True, help="why the bot was wrong: kept with the correction")


def add_corpus_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    corpus = sub.add_parser("corpus", help="the team's corrections as labelled examples")
    csub = corpus.add_subparsers(dest="corpus_command", required=True)
    csub.add_parser("export", help="write each corrected message and labels.json (mode 0600)").add_argument(
        "directory", type=Path)


def reclassify_action(args: argparse.Namespace) -> Reclassify:
    return Reclassify(args.reason, kind=MessageKind(args.kind) if args.kind else None,
                      regime=Regime(args.regime) if args.regime else None,
                      flags_on=tuple(args.flag), flags_off=tuple(args.no_flag))


def run_case_open(settings: Settings, args: argparse.Namespace) -> int:
    tz = ZoneInfo(settings.organisation.timezone)
    request = HandMadeRequest(
        method=RequestMethod(args.method), received=_when(args.received, tz), name=args.name,
        description=args.description, regime=Regime(args.regime), kind=MessageKind(args.kind),
        received_by_dsp=_when(args.received_by_dsp, tz).date() if args.received_by_dsp else None,
        email=args.email, postal_address=args.address, questions=tuple(args.question), media=args.media)
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            case = open_by_hand(app.intake, s, request, args.actor or getpass.getuser(), utcnow())
            s.commit()
            print(f"{case.reference} opened ({case.kind}, {case.regime}, {case.method}); "
                  f"notices go at the next poll" + ("" if case.requester_email else "; no email: answer by post"))
    finally:
        app.close()
    return EXIT_OK


def run_promote(settings: Settings, args: argparse.Namespace) -> int:
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            case = promote(app.intake, s, args.id, args.actor or getpass.getuser(), args.reason, to=args.to,
                           kind=MessageKind(args.kind), regime=Regime(args.regime) if args.regime else None)
            s.commit()
            print(f"message {args.id} is now on {case.reference}; its notices go at the next poll")
    finally:
        app.close()
    return EXIT_OK


def run_corpus(settings: Settings, args: argparse.Namespace) -> int:
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            n = export_corrections(s, args.directory)
    finally:
        app.close()
    print(f"{n} corrected message(s) and labels.json written to {args.directory} (personal data: mode 0600)")
    return EXIT_OK


def _when(text: str, tz: ZoneInfo) -> datetime:
    """A date (noon, so the local day is right whatever the zone) or a local date and time."""
    try:
        value = datetime.fromisoformat(text if "T" in text else f"{text}T12:00")
    except ValueError:
        raise FoiIntakeError(f"not a date: {text!r} (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    return value if value.tzinfo else value.replace(tzinfo=tz)
