"""Settings: one TOML file, validated at start; a wrong key fails with one line naming it."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from config.classifier import ClassifierSettings, DecisionPolicy, classifier_settings
from config.oauth2 import AUTH_KINDS, OAuth2, oauth2_settings
from config.reader import ConfigError, Reader, email, section
from intake.vocabulary import ClarificationRestart

__all__ = [
    "DATABASE_ENV_VAR",
    "ENV_VAR",
    "QUEUE_NAMES",
    "ClassifierSettings",
    "Clock",
    "ConfigError",
    "Database",
    "DecisionPolicy",
    "Fees",
    "Mailbox",
    "OAuth2",
    "Organisation",
    "Queues",
    "Responders",
    "Schedule",
    "Settings",
    "Smtp",
    "load",
    "parse",
]

ENV_VAR = "FOI_INTAKE_CONFIG"
# When set, the case log's URL: a container or a test run points every configuration at one server.
DATABASE_ENV_VAR = "FOI_INTAKE_DATABASE_URL"


@dataclass(frozen=True)
class Organisation:
    name: str
    foi_address: str
    dsp_address: str
    comms_address: str
    timezone: str = "Europe/London"
    reference_format: str = "FOI-{year}-{seq:05d}"
    # Subject access requests are numbered apart: they are not FOI requests (UK GDPR Art 15; policy 24.2).
    sar_reference_format: str = "SAR-{year}-{seq:05d}"
    # Mail from these domains is staff: a forward from them carries the original request (5.10).
    staff_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mailbox:
    kind: str  # "imap" | "maildir"
    host: str = ""
    port: int = 0
    tls: str = "ssl"
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    path: Path | None = None
    batch_size: int = 50
    max_message_bytes: int = 25 * 1024 * 1024
    reconnect_attempts: int = 5
    reconnect_backoff_seconds: float = 2.0
    timeout_seconds: float = 60.0
    auth: str = "password"  # "password" | "oauth2" (SASL XOAUTH2 with a token from `oauth2`)
    oauth2: OAuth2 | None = None


@dataclass(frozen=True)
class Smtp:
    kind: str  # "smtp" | "file"
    host: str = ""
    port: int = 0
    tls: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    path: Path | None = None
    timeout_seconds: float = 30.0
    max_attempts: int = 8
    retry_backoff_seconds: float = 60.0
    # What to do with a notice whose SMTP DATA was sent but never confirmed: "resend" or "hold".
    in_doubt: str = "resend"
    auth: str = "password"  # "password" | "oauth2" (AUTH XOAUTH2 with a token from `oauth2`)
    oauth2: OAuth2 | None = None


@dataclass(frozen=True)
class Database:
    url: str


@dataclass(frozen=True)
class Schedule:
    poll_seconds: int = 60
    outbox_seconds: int = 60


@dataclass(frozen=True)
class Clock:
    # FOIA s.1(3), s.10(6)(b): "afresh" is the statute; "resume" is policy 14.2's variant.
    clarification_restart: str = "afresh"
    extra_non_working_days: tuple[date, ...] = ()
    # Office closures (a Christmas shutdown): working days in law, so they never move a due date;
    # they only bring reminders forward (the team has fewer days than the statute counts).
    closure_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class Responders:
    """Local wording and limits of the notices (everything a body words its own way)."""

    templates_dir: Path | None = None
    signature: str = "Freedom of Information Officer"
    review_contact: str = ""
    how_to_pay: str = ""
    sar_contact: str = ""
    sar_identification: str = ("a copy of one document that confirms your identity (for example a passport or "
                               "driving licence) and one that confirms your address")
    website: str = ""
    publication_scheme_url: str = ""
    # At most this many automatic notices to one address in 24 hours, so that two robots cannot loop.
    notices_per_sender_per_day: int = 5
    sent_folder: str = "Sent"  # IMAP folder that keeps a copy of every notice sent; "" for none
    reminder_days: tuple[int, ...] = (5, 1)  # working days before the due date
    digest_time: str = "08:00"  # local time of the daily digest, reminders and lapse checks


QUEUE_NAMES = ("new", "awaiting_clarification", "eir", "subject_access", "media", "internal_review", "not_foi",
               "needs_person")


@dataclass(frozen=True)
class Queues:
    """IMAP folders per queue; '/' separates levels whatever the server's own separator is."""

    file_messages: bool = True
    folders: dict[str, str] = field(default_factory=lambda: {
        "new": "FOI/New", "awaiting_clarification": "FOI/Awaiting clarification", "eir": "FOI/EIR",
        "subject_access": "FOI/Subject access", "media": "FOI/Media", "internal_review": "FOI/Internal review",
        "not_foi": "FOI/Not FOI", "needs_person": "FOI/Needs a person"})


@dataclass(frozen=True)
class Fees:
    """The cost limit (FOIA s.12; Fees Regulations 2004 reg 3, 4; policy 12.5-12.7): local figures."""

    # £450 outside central government (reg 3(3)); a central government body sets 600 (reg 3(2)).
    cost_limit: int = 450
    hourly_rate: int = 25  # reg 4(4): staff time at £25 an hour, so £450 is 18 hours


@dataclass(frozen=True)
class Settings:
    organisation: Organisation
    mailbox: Mailbox
    smtp: Smtp
    database: Database
    schedule: Schedule = field(default_factory=Schedule)
    clock: Clock = field(default_factory=Clock)
    responders: Responders = field(default_factory=Responders)
    queues: Queues = field(default_factory=Queues)
    fees: Fees = field(default_factory=Fees)
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    source_path: Path | None = None


def _reference_format(r: Reader, key: str) -> str:
    fmt = r.text(key, getattr(Organisation, key))
    try:
        fmt.format(year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"organisation.{key}", "may use only {year} and {seq} placeholders") from exc
    return fmt


def _organisation(data: dict[str, Any]) -> Organisation:
    r = Reader(section(data, "organisation"), "organisation",
                {"name", "foi_address", "dsp_address", "comms_address", "timezone",
                 "reference_format", "sar_reference_format", "staff_domains"})
    tz = r.text("timezone", "Europe/London")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("organisation.timezone", f"unknown time zone {tz!r}") from exc
    ref_format, sar_format = _reference_format(r, "reference_format"), _reference_format(r, "sar_reference_format")
    if ref_format == sar_format:
        raise ConfigError("organisation.sar_reference_format", "must differ from reference_format")
    foi_address = email(r, "foi_address")
    staff = r.table.get("staff_domains", [foi_address.rsplit("@", 1)[1]])
    if not isinstance(staff, list) or not all(isinstance(d, str) and "." in d for d in staff):
        raise ConfigError("organisation.staff_domains", "expected a list of domain names")
    return Organisation(name=r.text("name"), foi_address=foi_address,
                        dsp_address=email(r, "dsp_address"), comms_address=email(r, "comms_address"),
                        timezone=tz, reference_format=ref_format, sar_reference_format=sar_format,
                        staff_domains=tuple(d.lower() for d in staff))


def _auth(r: Reader, base: Path, secrets: bool, oauth2: OAuth2 | None) -> dict[str, Any]:
    """`auth` and what it needs: a password, or the [oauth2] client (then no password key at all)."""
    auth = r.text("auth", "password", choices=AUTH_KINDS)
    if auth == "password":
        return dict(auth=auth, password=r.secret(base, secrets))
    for key in ("password", "password_env", "password_file"):
        if key in r.table:
            raise ConfigError(f"{r.prefix}.{key}", "not used with auth = \"oauth2\" (the token is the credential)")
    return dict(auth=auth, oauth2=oauth2)


def _oauth2_user(data: dict[str, Any]) -> str | None:
    """The first key that asks for [oauth2], for the error that says it is missing."""
    for name in ("mailbox", "smtp"):
        table = data.get(name)
        if isinstance(table, dict) and table.get("auth") == "oauth2":
            return f"{name}.auth"
    return None


def _mailbox(data: dict[str, Any], base: Path, secrets: bool, oauth2: OAuth2 | None = None) -> Mailbox:
    m = Reader(section(data, "mailbox"), "mailbox",
                {"kind", "host", "port", "tls", "username", "password", "password_env",
                 "password_file", "folder", "path", "batch_size", "max_message_bytes",
                 "reconnect_attempts", "reconnect_backoff_seconds", "timeout_seconds", "auth"})
    kind = m.text("kind", choices=("imap", "maildir"))
    common: dict[str, Any] = dict(
        batch_size=m.integer("batch_size", 50, minimum=1),
        max_message_bytes=m.integer("max_message_bytes", 25 * 1024 * 1024, minimum=1024),
        reconnect_attempts=m.integer("reconnect_attempts", 5, minimum=1),
        reconnect_backoff_seconds=m.number("reconnect_backoff_seconds", 2.0),
        timeout_seconds=m.number("timeout_seconds", 60.0))
    if kind == "imap":
        tls = m.text("tls", "ssl", choices=("ssl", "starttls", "none"))
        return Mailbox(kind=kind, host=m.text("host"),
                       port=m.integer("port", 993 if tls == "ssl" else 143, minimum=1),
                       tls=tls, username=m.text("username"), folder=m.text("folder", "INBOX"),
                       **_auth(m, base, secrets, oauth2), **common)
    return Mailbox(kind=kind, path=m.path("path", base, required=True), **common)


def _smtp(data: dict[str, Any], base: Path, secrets: bool, oauth2: OAuth2 | None = None) -> Smtp:
    s = Reader(section(data, "smtp"), "smtp",
                {"kind", "host", "port", "tls", "username", "password", "password_env",
                 "password_file", "path", "timeout_seconds", "max_attempts",
                 "retry_backoff_seconds", "in_doubt", "auth"})
    skind = s.text("kind", choices=("smtp", "file"))
    retry: dict[str, Any] = dict(max_attempts=s.integer("max_attempts", 8, minimum=1),
                                 retry_backoff_seconds=s.number("retry_backoff_seconds", 60.0),
                                 in_doubt=s.text("in_doubt", "resend", choices=("resend", "hold")))
    if skind == "smtp":
        stls = s.text("tls", "starttls", choices=("ssl", "starttls", "none"))
        auth = _auth(s, base, secrets, oauth2)
        # XOAUTH2 names the mailbox the token acts for: there is always a username.
        username = s.text("username") if auth["auth"] == "oauth2" else str(s.table.get("username", ""))
        return Smtp(kind=skind, host=s.text("host"),
                    port=s.integer("port", 465 if stls == "ssl" else 587, minimum=1), tls=stls,
                    username=username, timeout_seconds=s.number("timeout_seconds", 30.0), **auth, **retry)
    return Smtp(kind=skind, path=s.path("path", base, required=True), **retry)


def _clock(data: dict[str, Any]) -> Clock:
    c = Reader(section(data, "clock", required=False), "clock",
                {"clarification_restart", "extra_non_working_days", "closure_days"})
    dates = {}
    for key in ("extra_non_working_days", "closure_days"):
        value = c.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, date) for x in value):
            raise ConfigError(f"clock.{key}", "expected a list of TOML dates (2027-01-04)")
        dates[key] = tuple(value)
    return Clock(clarification_restart=c.text("clarification_restart", "afresh",
                                              choices=tuple(ClarificationRestart)), **dates)


def _responders(data: dict[str, Any], base: Path) -> Responders:
    defaults = Responders()
    rs = Reader(section(data, "responders", required=False), "responders",
                 {"templates_dir", "signature", "review_contact", "how_to_pay", "sar_contact", "sar_identification",
                  "website", "publication_scheme_url", "notices_per_sender_per_day", "sent_folder", "reminder_days",
                  "digest_time"})
    templates_dir = rs.path("templates_dir", base)
    if templates_dir is not None and not templates_dir.is_dir():
        raise ConfigError("responders.templates_dir", f"not a directory: {templates_dir}")
    reminder_days = rs.table.get("reminder_days", list(defaults.reminder_days))
    if not isinstance(reminder_days, list) or not all(isinstance(d, int) and d >= 0 for d in reminder_days):
        raise ConfigError("responders.reminder_days", "expected a list of whole numbers of working days")
    digest_time = rs.table.get("digest_time", defaults.digest_time)
    if not isinstance(digest_time, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", digest_time):
        raise ConfigError("responders.digest_time", f"expected HH:MM, got {digest_time!r}")
    texts = {k: rs.table.get(k, getattr(defaults, k)) for k in
             ("signature", "review_contact", "how_to_pay", "sar_contact", "sar_identification", "website",
              "publication_scheme_url", "sent_folder")}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise ConfigError(f"responders.{key}", f"expected a string, got {value!r}")
    return Responders(
        templates_dir=templates_dir, **texts, reminder_days=tuple(sorted(set(reminder_days), reverse=True)),
        notices_per_sender_per_day=rs.integer("notices_per_sender_per_day", 5, minimum=1), digest_time=digest_time)


def _queues(data: dict[str, Any]) -> Queues:
    q = Reader(section(data, "queues", required=False), "queues", {"file_messages", *QUEUE_NAMES})
    file_messages = q.table.get("file_messages", True)
    if not isinstance(file_messages, bool):
        raise ConfigError("queues.file_messages", f"expected true or false, got {file_messages!r}")
    folders = {name: q.text(name, Queues().folders[name]) for name in QUEUE_NAMES}
    return Queues(file_messages=file_messages, folders=folders)


def _database(data: dict[str, Any], base: Path) -> Database:
    """The case log's URL; its password, if any, from `password_env` or `password_file` like every secret
    (read even by read-only commands: they read the case log)."""
    d = Reader(section(data, "database", required=False), "database", {"url", "password_env", "password_file"})
    url = os.environ.get(DATABASE_ENV_VAR) or d.text("url", f"sqlite:///{(base / 'foi-intake.sqlite3').as_posix()}")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError("database.url", "not a database URL (dialect+driver://user@host/name)") from exc
    if parsed.password is not None and DATABASE_ENV_VAR not in os.environ:
        raise ConfigError("database.url", "passwords never live in the TOML; use password_env or password_file")
    password = d.secret(base)
    if password:
        url = parsed.set(password=password).render_as_string(hide_password=False)
    return Database(url=url)


def parse(data: dict[str, Any], base: Path, source_path: Path | None = None, secrets: bool = True) -> Settings:
    """Build Settings from parsed TOML; relative paths resolve against `base`. With `secrets` False the
    passwords are not read (read-only commands), so they may run where the secrets are not present."""
    top_allowed = {"organisation", "mailbox", "smtp", "database", "schedule", "clock",
                   "responders", "classifier", "queues", "fees", "oauth2"}
    unknown = sorted(set(data) - top_allowed)
    if unknown:
        raise ConfigError(unknown[0], "unknown section")

    org = _organisation(data)
    oauth2 = oauth2_settings(data, base, secrets, _oauth2_user(data))
    mailbox, smtp = _mailbox(data, base, secrets, oauth2), _smtp(data, base, secrets, oauth2)
    database = _database(data, base)
    sc = Reader(section(data, "schedule", required=False), "schedule", {"poll_seconds", "outbox_seconds"})
    schedule = Schedule(poll_seconds=sc.integer("poll_seconds", 60, minimum=1),
                        outbox_seconds=sc.integer("outbox_seconds", 60, minimum=1))
    clock, responders, queues = _clock(data), _responders(data, base), _queues(data)

    fe = Reader(section(data, "fees", required=False), "fees", {"cost_limit", "hourly_rate"})
    fees = Fees(cost_limit=fe.integer("cost_limit", Fees.cost_limit, minimum=1),
                hourly_rate=fe.integer("hourly_rate", Fees.hourly_rate, minimum=1))

    classifier = classifier_settings(data, base)

    return Settings(organisation=org, mailbox=mailbox, smtp=smtp, database=database,
                    schedule=schedule, clock=clock, responders=responders, queues=queues, fees=fees,
                    classifier=classifier, source_path=source_path)


def load(path: str | Path | None = None, secrets: bool = True) -> Settings:
    """Load the TOML named by `path`, else by $FOI_INTAKE_CONFIG."""
    if path is None:
        path = os.environ.get(ENV_VAR)
        if not path:
            raise ConfigError("--config", f"no configuration file given (use --config or {ENV_VAR})")
    p = Path(path).expanduser().resolve()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("--config", f"file not found: {p}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("--config", f"{p} is not valid TOML: {exc}") from exc
    return parse(data, p.parent, source_path=p, secrets=secrets)
