"""The mailbox: where mail comes from (IMAP or Maildir) and how one message is read (mail-parser)."""

from config.settings import Mailbox
from intake.mailbox.idle import IdleUnsupported, Watcher, open_watcher
from intake.mailbox.maildir import MaildirSource
from intake.mailbox.oauth2 import AuthenticationFailed
from intake.mailbox.parse import ParsedMessage, ParseError, fingerprint, header_message_id, parse
from intake.mailbox.sources import (
    TRANSIENT_ERRORS,
    Batch,
    Fetched,
    ImapSource,
    Source,
    SourceUnavailable,
    with_reconnect,
)

__all__ = [
    "TRANSIENT_ERRORS",
    "AuthenticationFailed",
    "Batch",
    "Fetched",
    "IdleUnsupported",
    "ImapSource",
    "MaildirSource",
    "ParseError",
    "ParsedMessage",
    "Source",
    "SourceUnavailable",
    "Watcher",
    "fingerprint",
    "header_message_id",
    "open_source",
    "open_watcher",
    "parse",
    "with_reconnect",
]


def open_source(cfg: Mailbox) -> Source:
    return ImapSource(cfg) if cfg.kind == "imap" else MaildirSource(cfg)
