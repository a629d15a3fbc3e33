"""How a notice leaves: one SMTP session per flush (its TLS context built once), or an .eml file in a directory (the
embedded default). A transport says what became of each notice: sent, certainly not sent (NotSent, Undeliverable) or
in doubt (InDoubt); the outbox records it (responders/outbox.py)."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

from config.settings import Smtp
from intake.mailbox.oauth2 import AuthenticationFailed, token_provider, xoauth2
from intake.private import private_dir

__all__ = ["FileTransport", "InDoubt", "NotSent", "SessionTransport", "SmtpTransport", "Transport", "Undeliverable",
           "connect", "make_transport", "tls_context"]

log = logging.getLogger(__name__)


class NotSent(Exception):
    """The message was certainly not accepted by the server."""


class Undeliverable(NotSent):
    """Certainly not accepted, and trying again will not change that: held for a person at once."""


class InDoubt(Exception):
    """DATA was sent but no reply came: the server may or may not have accepted it."""


class Transport(Protocol):
    def send(self, sender: str, recipient: str, raw: bytes, name: str) -> None: ...


@runtime_checkable
class SessionTransport(Protocol):
    """A transport that keeps a session open across sends: the flush ends it."""

    def close(self) -> None: ...


def _authenticate(client: smtplib.SMTP, cfg: Smtp) -> None:
    """Log in with the password or AUTH XOAUTH2; a refusal is AuthenticationFailed, never retried."""
    tokens = None
    if cfg.auth == "oauth2":
        assert cfg.oauth2 is not None  # parse() sets it whenever auth is oauth2
        tokens = token_provider(cfg.oauth2, cfg.username)
    token = tokens.token() if tokens is not None else None
    try:
        if token is not None:
            initial = xoauth2(cfg.username, token)
            # After a refusal Google and Microsoft send a 334 error challenge that wants an empty reply.
            client.auth("XOAUTH2", lambda challenge=None: "" if challenge else initial, initial_response_ok=True)
        elif cfg.username:
            client.login(cfg.username, cfg.password)
    except smtplib.SMTPAuthenticationError as exc:
        if 400 <= exc.smtp_code < 500:  # 454: a temporary failure at the server, worth another try
            raise
        if tokens is not None and token is not None:
            tokens.forget(token)  # revoked or expired early: the next attempt fetches a new one
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise AuthenticationFailed(f"SMTP server {cfg.host}:{cfg.port} refused the {cfg.auth} login as "
                                   f"{cfg.username}: {exc.smtp_code} {' '.join(reply.split())}") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise AuthenticationFailed(f"SMTP server {cfg.host}:{cfg.port} offers no AUTH: {exc}") from exc


def tls_context(cfg: Smtp) -> ssl.SSLContext | None:
    """The TLS context the configuration needs (None for tls = "none"): building one reads the CA store, so a
    transport builds it once."""
    return ssl.create_default_context() if cfg.tls in ("ssl", "starttls") else None


def connect(cfg: Smtp, context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """An SMTP session as configured (SSL, STARTTLS or plain; login if a username is set)."""
    ctx = context or tls_context(cfg)
    client = (smtplib.SMTP_SSL(cfg.host, cfg.port, context=ctx, timeout=cfg.timeout_seconds) if cfg.tls == "ssl"
              else smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds))
    try:
        client.ehlo()
        if cfg.tls == "starttls":
            client.starttls(context=ctx)
            client.ehlo()
        _authenticate(client, cfg)
    except BaseException:
        client.close()
        raise
    return client


class _Dropped(Exception):
    """The session went away before DATA (a timeout, 421, a reset): nothing was accepted; a fresh one may work."""

    def __init__(self, fresh: bool, why: str) -> None:
        super().__init__(why)
        self.fresh, self.why = fresh, why


class SmtpTransport:
    """One SMTP session per flush: opened at the first notice, reused for the rest, ended by `close()`. Each notice
    is still its own transaction (MAIL, RCPT, DATA), so what the outbox records per notice is unchanged."""

    def __init__(self, cfg: Smtp) -> None:
        self.cfg = cfg
        # The last login refusal, for the caller to report once (`poll --once` exits 3); None after a login.
        self.auth_failure: AuthenticationFailed | None = None
        self._context: ssl.SSLContext | None = None
        self._client: smtplib.SMTP | None = None
        self._refused = False  # the login was refused in this session: no login again until the next flush

    def _session(self) -> tuple[smtplib.SMTP, bool]:
        """The open session (and whether it is fresh), or a new one."""
        if self._client is not None:
            return self._client, False
        if self._refused:
            assert self.auth_failure is not None
            raise NotSent(str(self.auth_failure))
        if self._context is None:
            self._context = tls_context(self.cfg)
        try:
            self._client = connect(self.cfg, self._context)
        except AuthenticationFailed as exc:
            self.auth_failure, self._refused = exc, True
            raise NotSent(str(exc)) from exc
        self.auth_failure = None
        return self._client, True

    def send(self, sender: str, recipient: str, raw: bytes, name: str) -> None:
        while True:  # at most twice: after a drop the session is a fresh one
            try:
                client = self._transaction(sender, recipient)
                break
            except _Dropped as dropped:
                if dropped.fresh:
                    raise NotSent(dropped.why) from dropped
                # The server ended a reused session (its idle timeout, 421, a reset): once more on a fresh one.
        try:
            client.data(raw)
        except smtplib.SMTPDataError as exc:
            self._reset()
            raise NotSent(f"DATA refused: {exc.smtp_code}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise InDoubt(f"{type(exc).__name__} during DATA") from exc

    def _transaction(self, sender: str, recipient: str) -> smtplib.SMTP:
        """MAIL FROM and RCPT TO on the session; NotSent when refused, _Dropped when the link went first."""
        try:
            client, fresh = self._session()
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(f"{type(exc).__name__}: {exc}") from exc
        try:
            code, _ = client.mail(sender, _mail_options(client, sender, recipient))
            if code == 421:
                raise smtplib.SMTPServerDisconnected("421 at MAIL FROM")
            if code != 250:
                self._reset()
                raise NotSent(f"MAIL FROM refused: {code}")
            code, _ = client.rcpt(recipient)
            if code == 421:
                raise smtplib.SMTPServerDisconnected("421 at RCPT TO")
            if code not in (250, 251):
                self._reset()
                raise NotSent(f"RCPT TO refused: {code}")  # the reply echoes the address: not for logs
        except Undeliverable:
            self._reset()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise _Dropped(fresh, f"{type(exc).__name__}: {exc}") from exc
        return client

    def _reset(self) -> None:
        """End the refused transaction (RSET), keeping the session; a session that cannot is dropped."""
        if self._client is None:
            return
        try:
            self._client.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def close(self) -> None:
        """QUIT the session (the flush is over); the next flush logs in again."""
        client, self._client, self._refused = self._client, None, False
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            log.debug("QUIT failed after the flush", exc_info=True)
        finally:
            client.close()


def _mail_options(client: smtplib.SMTP, sender: str, recipient: str) -> list[str]:
    """SMTPUTF8 for an international address (RFC 6531), if the server offers it; else it cannot go this way."""
    if sender.isascii() and recipient.isascii():
        return []
    if not client.has_extn("smtputf8"):
        raise Undeliverable("the address is international (not ASCII) and the SMTP server does not offer "
                            "SMTPUTF8: send it by hand, or through a server that does")
    return ["SMTPUTF8", *(["BODY=8BITMIME"] if client.has_extn("8bitmime") else [])]


class FileTransport:
    """Writes each notice as an .eml file (the embedded default and the demo)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, sender: str, recipient: str, raw: bytes, name: str) -> None:
        try:
            private_dir(self.directory)  # notices name requesters: owner-only, like the files mkstemp makes
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.replace(tmp, self.directory / f"{name}.eml")  # atomic: never half a file
        except OSError as exc:
            raise NotSent(str(exc)) from exc


def make_transport(cfg: Smtp) -> Transport:
    if cfg.kind == "file":
        assert cfg.path is not None
        return FileTransport(cfg.path)
    return SmtpTransport(cfg)
