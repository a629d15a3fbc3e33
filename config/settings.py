"""Settings: one TOML file, validated at start; a wrong key fails with one line naming it."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from config.classifier import ClassifierSettings, DecisionPolicy, classifier_settings
from config.database import DATABASE_ENV_VAR, Database, database_settings
from config.mailboxes import expand
from config.oauth2 import AUTH_KINDS, OAuth2, oauth2_settings
from config.organisation import Organisation, organisation_settings
from config.reader import ConfigError, Reader, section
from config.reports import Related, Reports, related_settings, reports_settings
from config.retention import Retention, retention_settings
from config.running import Health, Logging, health_settings, logging_settings
from config.security import Security, security_settings
from config.web import Web, web_settings
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
    "Health",
    "Logging",
    "Mailbox",
    "OAuth2",
    "Organisation",
    "Queues",
    "Related",
    "Reports",
    "Responders",
    "Retention",
    "Schedule",
    "Security",
    "Settings",
    "Smtp",
    "Web",
    "load",
    "load_all",
    "parse",
]

ENV_VAR = "FOI_INTAKE_CONFIG"
# RFC 2177 section 3: a server may log out a client idle for 30 minutes; re-issue IDLE at least every 29.
IDLE_RENEW_MAX = 29 * 60


@dataclass(frozen=True)
class Mailbox:
    kind: str  # "imap" | "maildir"
    name: str = ""  # a [[mailbox]]'s name; "" for the single [mailbox] most bodies have
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
    idle: bool = True  # IMAP IDLE where the server offers it: new mail is handled as it arrives
    idle_renew_seconds: int = 25 * 60


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
    # As a mail server does: retry for `retry_for_hours` from the first attempt, the wait doubling from
    # `retry_backoff_seconds` up to `retry_backoff_max_seconds`; then the notice is held for a person.
    retry_for_hours: float = 48.0
    retry_backoff_seconds: float = 60.0
    retry_backoff_max_seconds: float = 3600.0
    max_attempts: int | None = None  # an optional cap on attempts within the time budget
    # What to do with a notice whose SMTP DATA was sent but never confirmed: "resend" or "hold".
    in_doubt: str = "resend"
    auth: str = "password"  # "password" | "oauth2" (AUTH XOAUTH2 with a token from `oauth2`)
    oauth2: OAuth2 | None = None


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
    logging: Logging = field(default_factory=Logging)
    health: Health = field(default_factory=Health)
    security: Security = field(default_factory=Security)
    retention: Retention = field(default_factory=Retention)
    related: Related = field(default_factory=Related)
    reports: Reports = field(default_factory=Reports)
    web: Web = field(default_factory=Web)
    source_path: Path | None = None


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


def _mailbox(data: dict[str, Any], base: Path, secrets: bool, oauth2: OAuth2 | None = None,
             name: str = "") -> Mailbox:
    m = Reader(section(data, "mailbox"), "mailbox",
                {"kind", "host", "port", "tls", "username", "password", "password_env",
                 "password_file", "folder", "path", "batch_size", "max_message_bytes",
                 "reconnect_attempts", "reconnect_backoff_seconds", "timeout_seconds", "auth", "idle",
                 "idle_renew_seconds"})
    kind = m.text("kind", choices=("imap", "maildir"))
    common: dict[str, Any] = dict(
        batch_size=m.integer("batch_size", 50, minimum=1),
        max_message_bytes=m.integer("max_message_bytes", 25 * 1024 * 1024, minimum=1024),
        reconnect_attempts=m.integer("reconnect_attempts", 5, minimum=1),
        reconnect_backoff_seconds=m.number("reconnect_backoff_seconds", 2.0),
        timeout_seconds=m.number("timeout_seconds", 60.0))
    if kind == "imap":
        common.update(idle=m.flag("idle", True),
                      idle_renew_seconds=m.integer("idle_renew_seconds", 25 * 60, minimum=1, maximum=IDLE_RENEW_MAX))
        tls = m.text("tls", "ssl", choices=("ssl", "starttls", "none"))
        return Mailbox(kind=kind, name=name, host=m.text("host"),
                       port=m.integer("port", 993 if tls == "ssl" else 143, minimum=1),
                       tls=tls, username=m.text("username"), folder=m.text("folder", "INBOX"),
                       **_auth(m, base, secrets, oauth2), **common)
    return Mailbox(kind=kind, name=name, path=m.path("path", base, required=True), **common)


def _smtp(data: dict[str, Any], base: Path, secrets: bool, oauth2: OAuth2 | None = None) -> Smtp:
    s = Reader(section(data, "smtp"), "smtp",
                {"kind", "host", "port", "tls", "username", "password", "password_env",
                 "password_file", "path", "timeout_seconds", "max_attempts", "retry_for_hours",
                 "retry_backoff_seconds", "retry_backoff_max_seconds", "in_doubt", "auth"})
    skind = s.text("kind", choices=("smtp", "file"))
    retry: dict[str, Any] = dict(
        max_attempts=s.integer("max_attempts", minimum=1) if "max_attempts" in s.table else None,
        retry_for_hours=s.number("retry_for_hours", 48.0),
        retry_backoff_seconds=s.number("retry_backoff_seconds", 60.0),
        retry_backoff_max_seconds=s.number("retry_backoff_max_seconds", 3600.0),
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


def parse(data: dict[str, Any], base: Path, source_path: Path | None = None, secrets: bool = True,
          mailbox_name: str = "") -> Settings:
    """Build Settings for one mailbox from parsed TOML; relative paths resolve against `base`. With `secrets`
    False the passwords are not read (read-only commands), so they may run where the secrets are not present."""
    top_allowed = {"organisation", "mailbox", "smtp", "database", "schedule", "clock",
                   "responders", "classifier", "queues", "fees", "oauth2", "logging", "health", "security", "retention",
                   "related", "reports", "web"}
    unknown = sorted(set(data) - top_allowed)
    if unknown:
        raise ConfigError(unknown[0], "unknown section")

    org = organisation_settings(data)
    oauth2 = oauth2_settings(data, base, secrets, _oauth2_user(data))
    mailbox, smtp = _mailbox(data, base, secrets, oauth2, mailbox_name), _smtp(data, base, secrets, oauth2)
    database = database_settings(data, base, mailbox_name)
    retention = retention_settings(data)
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
                    classifier=classifier, logging=logging_settings(data, base),
                    health=health_settings(data, base, schedule.poll_seconds),
                    security=security_settings(data), retention=retention,
                    related=related_settings(data), reports=reports_settings(data),
                    web=web_settings(data, base, secrets), source_path=source_path)


def load(path: str | Path | None = None, secrets: bool = True, mailbox: str | None = None) -> Settings:
    """The settings of one mailbox in the TOML named by `path` (else $FOI_INTAKE_CONFIG): the only one,
    or the one named `mailbox` where the file has several."""
    every = load_all(path, secrets)
    names = ", ".join(s.mailbox.name for s in every)
    if mailbox is not None:
        for settings in every:
            if settings.mailbox.name == mailbox:
                return settings
        raise ConfigError("--mailbox", f"no mailbox named {mailbox!r}" + (f" (this file has {names})" if names else ""))
    if len(every) > 1:
        raise ConfigError("--mailbox", f"this configuration has mailboxes {names}: choose one with --mailbox")
    return every[0]


def load_all(path: str | Path | None = None, secrets: bool = True) -> list[Settings]:
    """The settings of every mailbox in the TOML named by `path`, else by $FOI_INTAKE_CONFIG."""
    if path is None:
        path = os.environ.get(ENV_VAR)
        if not path:
            raise ConfigError("--config", f"no configuration file given (use --config or {ENV_VAR})")
    p = Path(path).expanduser().resolve()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("--config", f"file not found: {p}") from exc
    except IsADirectoryError as exc:
        raise ConfigError("--config", f"{p} is a directory, not a configuration file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("--config", f"cannot read {p}: {getattr(exc, 'strerror', None) or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("--config", f"{p} is not valid TOML: {exc}") from exc
    every: list[Settings] = []
    for name, table in expand(data):
        try:
            settings = parse(table, p.parent, source_path=p, secrets=secrets, mailbox_name=name)
        except ConfigError as exc:
            raise (ConfigError(f"{exc.key} (mailbox {name})", exc.problem) if name else exc) from None
        for other in every:
            for key, mine, theirs in (("database.url", settings.database.url, other.database.url),
                                      ("health.file", settings.health.file, other.health.file),
                                      ("health.listen", settings.health.listen, other.health.listen)):
                if mine and mine == theirs:
                    raise ConfigError(f"{key} (mailbox {name})", f"the same as mailbox {other.mailbox.name}'s: "
                                      f"give each mailbox its own under [mailbox.{key.split('.')[0]}]")
        every.append(settings)
    return every
