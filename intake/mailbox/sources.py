"""Mail sources: what the intake needs of a mailbox, and an IMAP folder (imapclient); the embedded default's Maildir is
intake/mailbox/maildir.py."""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from config.settings import Mailbox
from intake.errors import FoiIntakeError
from intake.mailbox.oauth2 import AccessToken, AuthenticationFailed, TokenProvider, token_provider

log = logging.getLogger(__name__)
T = TypeVar("T")
# imapclient's DEBUG output is the protocol trace: whole message bodies. Never in our logs, even with -v.
logging.getLogger("imapclient").setLevel(logging.INFO)
logging.getLogger("imapclient.imaplib").setLevel(logging.WARNING)

# Errors after which a fresh connection may succeed (dropped link, server restart, timeout).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, socket.timeout, IMAPClientError,
                                                     EOFError, ssl.SSLError)


@dataclass(frozen=True)
class Fetched:
    """One message as the source gave it; `complete` is False when only headers were fetched."""

    uid: str
    raw: bytes
    size: int
    arrived_at: datetime
    complete: bool = True


# Which of these keys (Maildir message names) the case log already holds.
Stored = Callable[[Sequence[str]], set[str]]


@dataclass(frozen=True)
class Batch:
    uidvalidity: int | None
    messages: list[Fetched]


class Source(Protocol):
    """What the intake needs of a mailbox; IMAP and Maildir both provide it."""

    key: str

    # Maildir has no UIDs: `stored(keys)` says which of its keys the case log holds; IMAP uses the cursor instead.
    def batches(self, uidvalidity: int | None, last_uid: int, stored: Stored) -> Iterator[Batch]: ...

    def count(self) -> int: ...

    def file(self, folder: str, items: list[tuple[str, int | None, str | None]]) -> list[str]: ...

    def refile(self, from_folder: str, to_folder: str, message_ids: list[str]) -> list[str]: ...

    def append(self, folder: str, raws: Sequence[bytes]) -> int: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


class ImapSource:
    """Reads one IMAP folder incrementally by UID, without marking anything \\Seen."""

    def __init__(self, cfg: Mailbox) -> None:
        self.cfg = cfg
        self.key = f"imap://{cfg.username}@{cfg.host}:{cfg.port}/{cfg.folder}"
        self._client: imapclient.IMAPClient | None = None
        self._tokens: TokenProvider | None = None
        if cfg.auth == "oauth2":
            assert cfg.oauth2 is not None
            self._tokens = token_provider(cfg.oauth2, cfg.username)
        self._token: AccessToken | None = None  # the token the open connection logged in with
        self._folders: dict[str, str] = {}  # queue folder -> the server's name for it, on this connection

    def _connect(self) -> imapclient.IMAPClient:
        cfg = self.cfg
        ctx = ssl.create_default_context()
        client = imapclient.IMAPClient(cfg.host, port=cfg.port, ssl=cfg.tls == "ssl",
                                       ssl_context=ctx, timeout=cfg.timeout_seconds)
        try:
            if cfg.tls == "starttls":
                client.starttls(ctx)
            self._login(client)
        except BaseException:
            client.shutdown()
            raise
        return client

    def _login(self, client: imapclient.IMAPClient) -> None:
        cfg = self.cfg
        token: AccessToken | None = None
        try:
            if self._tokens is not None:
                token = self._tokens.token()
                client.oauth2_login(cfg.username, token.value)
                self._token = token
            else:
                client.login(cfg.username, cfg.password)
        except LoginError as exc:
            if token is not None and self._tokens is not None:
                self._tokens.forget(token)  # revoked or expired early: the next attempt fetches a new one
            raise _refused(exc, f"IMAP server {cfg.host}:{cfg.port} refused the {cfg.auth} login as "
                                f"{cfg.username}") from exc

    def _select(self) -> tuple[imapclient.IMAPClient, int]:
        if self._client is not None and self._token is not None and self._tokens is not None \
                and not self._tokens.fresh(self._token):
            # Exchange Online ends a session when its token expires: log in again with a new one first.
            log.info("access token for %s is due for renewal: logging in again", self.key)
            self.close()
        if self._client is None:
            self._client = self._connect()
        # Read-only: the DSP team's view of the mailbox (flags, unread state) is theirs.
        info = self._client.select_folder(self.cfg.folder, readonly=True)
        return self._client, int(info[b"UIDVALIDITY"])

    def connection(self) -> imapclient.IMAPClient:
        """The logged-in connection, the folder selected read-only (the IDLE watcher holds one of its own)."""
        return self._select()[0]

    def batches(self, uidvalidity: int | None, last_uid: int, stored: Stored) -> Iterator[Batch]:
        client, current = self._select()
        if uidvalidity is not None and current != uidvalidity:
            # RFC 3501: UIDs are meaningless across a UIDVALIDITY change; start again, and let
            # the fingerprint recognise mail we already hold.
            log.warning("UIDVALIDITY of %s changed from %s to %s; rescanning the folder",
                        self.cfg.folder, uidvalidity, current)
            last_uid = 0
        uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
        for start in range(0, len(uids), self.cfg.batch_size):
            chunk = uids[start:start + self.cfg.batch_size]
            sizes = client.fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"])
            small = [u for u in chunk if sizes[u][b"RFC822.SIZE"] <= self.cfg.max_message_bytes]
            large = [u for u in chunk if u not in small]
            bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
            heads = client.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
            out = []
            for u in chunk:
                arrived = _aware(sizes[u].get(b"INTERNALDATE"))
                if u in bodies:
                    out.append(Fetched(str(u), bodies[u][b"BODY[]"], sizes[u][b"RFC822.SIZE"],
                                       arrived))
                elif u in heads:
                    out.append(Fetched(str(u), heads[u][b"BODY[HEADER]"],
                                       sizes[u][b"RFC822.SIZE"], arrived, complete=False))
                else:
                    log.warning("UID %s vanished from %s during fetch", u, self.cfg.folder)
            yield Batch(current, out)

    def count(self) -> int:
        """Log in and select the folder: how many messages it holds (for `foi-intake check`)."""
        client, _ = self._select()
        return len(client.search(["ALL"]))

    def _folder_name(self, client: imapclient.IMAPClient, name: str) -> str:
        """'FOI/New' in the server's own hierarchy (Dovecot's Maildir++ uses '.'), created when missing; asked once
        per connection (two LISTs each time were most of a Sent copy's cost)."""
        if name not in self._folders:
            self._folders[name] = self._find_folder(client, name)
        return self._folders[name]

    def _forgetting_folders(self, action: Callable[[], T]) -> T:
        """Run `action`; after a failure the folders are asked again (a person may have renamed or deleted one)."""
        try:
            return action()
        except Exception:
            self._folders.clear()
            raise

    def _find_folder(self, client: imapclient.IMAPClient, name: str) -> str:
        listed = client.list_folders(pattern=self.cfg.folder) or client.list_folders(pattern="INBOX")
        delimiter = listed[0][1] if listed and listed[0][1] else b"/"
        real = name.replace("/", delimiter.decode() if isinstance(delimiter, bytes) else delimiter)
        if not client.folder_exists(real):
            client.create_folder(real)
            client.subscribe_folder(real)
        return real

    def file(self, folder: str, items: list[tuple[str, int | None, str | None]]) -> list[str]:
        """Move messages (uid, uidvalidity, Message-ID) from the polled folder into `folder`.

        Returns the UIDs handled: moved now, or already gone (a person moved it) and so left alone."""
        return self._forgetting_folders(lambda: self._file(folder, items))

    def _file(self, folder: str, items: list[tuple[str, int | None, str | None]]) -> list[str]:
        if self._client is None:
            self._client = self._connect()
        client = self._client
        target = self._folder_name(client, folder)
        info = client.select_folder(self.cfg.folder, readonly=False)
        current = int(info[b"UIDVALIDITY"])
        uids: dict[int, str] = {}
        for uid, validity, message_id in items:
            if validity == current:
                uids[int(uid)] = uid
            elif message_id:  # after a UIDVALIDITY change the Message-ID finds it again
                for found in client.search(["HEADER", "Message-ID", message_id]):
                    uids[int(found)] = uid
        present = set(client.search(["UID", ",".join(str(u) for u in uids)])) if uids else set()
        if len(present) < len(items):
            log.info("%d message(s) for %s were no longer in %s (moved by a person?)",
                     len(items) - len(present), folder, self.cfg.folder)
        _move(client, present, target)
        return [uid for uid, _validity, _message_id in items]

    def refile(self, from_folder: str, to_folder: str, message_ids: list[str]) -> list[str]:
        """Move messages, found by Message-ID, from one queue folder to another (their case changed state).

        Returns the Message-IDs handled: moved now, or no longer in `from_folder` (a person moved them)."""
        return self._forgetting_folders(lambda: self._refile(from_folder, to_folder, message_ids))

    def _refile(self, from_folder: str, to_folder: str, message_ids: list[str]) -> list[str]:
        if self._client is None:
            self._client = self._connect()
        client = self._client
        source, target = self._folder_name(client, from_folder), self._folder_name(client, to_folder)
        client.select_folder(source, readonly=False)
        found = {int(uid) for message_id in message_ids for uid in client.search(["HEADER", "Message-ID", message_id])}
        _move(client, found, target)
        return list(message_ids)

    def append(self, folder: str, raws: Sequence[bytes]) -> int:
        """Keep copies of sent notices in `folder` (the Sent folder), marked read: in one MULTIAPPEND (RFC 3502, all
        or none) where the server offers it, else one APPEND each. Returns how many, from the first, are stored."""
        if self._client is None:
            self._client = self._connect()
        client = self._client

        def store() -> int:
            target = self._folder_name(client, folder)
            if len(raws) > 1 and client.has_capability("MULTIAPPEND"):
                client.multiappend(target, [{"msg": raw, "flags": [imapclient.SEEN]} for raw in raws])
                return len(raws)
            return each(raws, lambda raw: client.append(target, raw, flags=[imapclient.SEEN]))

        return self._forgetting_folders(store)

    def close(self) -> None:
        client, self._client = self._client, None
        self._folders.clear()
        if client is not None:
            try:
                client.logout()
            except Exception:  # the link may already be gone; nothing to save
                log.debug("logout failed", exc_info=True)

    def reset(self) -> None:
        """Forget a broken connection so that the next call reconnects."""
        client, self._client = self._client, None
        self._folders.clear()
        if client is not None:
            try:
                client.shutdown()
            except Exception:
                log.debug("shutdown of a broken connection failed", exc_info=True)


def each(raws: Sequence[bytes], store: Callable[[bytes], object]) -> int:
    """Store each in turn; how many were stored (a failure after the first is for the next call to meet again)."""
    for done, raw in enumerate(raws):
        try:
            store(raw)
        except Exception:
            if not done:
                raise
            log.warning("stored %d of %d copies; the rest are tried again", done, len(raws))
            return done
    return len(raws)


def _move(client: imapclient.IMAPClient, uids: set[int], target: str) -> None:
    """Move `uids` of the selected folder to `target`: MOVE is atomic; the fallback copies before it deletes."""
    if not uids:
        return
    if client.has_capability("MOVE"):
        client.move(sorted(uids), target)
    else:  # RFC 3501 fallback: copy, flag deleted, expunge just those
        client.copy(sorted(uids), target)
        client.delete_messages(sorted(uids))
        client.uid_expunge(sorted(uids))


def _refused(exc: Exception, what: str) -> Exception:
    """AuthenticationFailed for a refusal; a dropped link or RFC 5530 [UNAVAILABLE] stays transient."""
    cause = exc.__context__
    if isinstance(cause, imaplib.IMAP4.abort):
        return exc
    detail: object = cause.args[0] if cause is not None and cause.args else str(exc)
    # imaplib hands back the server's words as bytes; a person should read text, not b'...'.
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    if "[UNAVAILABLE]" in text:
        return exc
    return AuthenticationFailed(f"{what}: {text.strip()}")


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    # imapclient returns INTERNALDATE as local naive time unless normalise_times is off.
    return value.astimezone(UTC) if value.tzinfo else value.astimezone().astimezone(UTC)


class SourceUnavailable(FoiIntakeError):
    """The mailbox could not be reached after every reconnect attempt."""


class Reconnects(Protocol):
    """What with_reconnect needs: a name for the log, and a way to drop a broken connection."""

    key: str

    def reset(self) -> None: ...


def with_reconnect(source: Reconnects, cfg: Mailbox, action: Callable[[], T],
                   sleep: Callable[[float], object] = time.sleep) -> T:
    """Run `action`, reconnecting with exponential backoff after a transient fault."""
    for attempt in range(1, cfg.reconnect_attempts + 1):
        try:
            return action()
        except TRANSIENT_ERRORS as exc:
            source.reset()
            if attempt == cfg.reconnect_attempts:
                raise SourceUnavailable(f"{source.key}: {type(exc).__name__}: {exc} "
                                        f"(after {attempt} attempts)") from exc
            delay = cfg.reconnect_backoff_seconds * 2 ** (attempt - 1)
            log.warning("mailbox %s: %s: %s; reconnecting in %.1fs (attempt %d of %d)", source.key,
                        type(exc).__name__, exc, delay, attempt, cfg.reconnect_attempts)
            sleep(delay)
    raise SourceUnavailable(f"{source.key}: reconnect_attempts is {cfg.reconnect_attempts}")
