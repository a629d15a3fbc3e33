"""Real servers for the tests: Dovecot (IMAP) in a temporary directory and aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


CONF = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{mechanisms}
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
mail_location = maildir:{d}/mail/%u
{oauth2_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


# Dovecot's oauth2 passdb: XOAUTH2 tokens checked at an RFC 7662 introspection endpoint, at every login.
OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {d}/oauth2.conf.ext
}}
"""
OAUTH2_EXT = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
"""


class Dovecot:
    """A private Dovecot 2.3 instance; each test gets its own user (and so its own Maildir). With an
    `introspection_url` it also takes XOAUTH2 logins, their tokens checked at that URL."""

    def __init__(self, directory: Path, introspection_url: str | None = None) -> None:
        self.dir = directory
        self.port = free_port()
        self._next_user = 0
        self.introspection_url = introspection_url

    def start(self) -> None:
        for sub in ("run", "state", "mail"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)
        os.chmod(self.dir / "mail", 0o777)
        # Users are written once, before start: Dovecot caches passwd-file lookups.
        users = "".join(f"foi{i}:{{PLAIN}}secret\n" for i in range(1, 501))
        (self.dir / "users").write_text(users)
        oauth2 = ""
        if self.introspection_url:
            (self.dir / "oauth2.conf.ext").write_text(OAUTH2_EXT.format(url=self.introspection_url))
            oauth2 = OAUTH2_PASSDB.format(d=self.dir)
        (self.dir / "dovecot.conf").write_text(CONF.format(d=self.dir, port=self.port, oauth2_passdb=oauth2,
                                                           mechanisms=" xoauth2 oauthbearer" if oauth2 else ""))
        subprocess.run([DOVECOT, "-c", str(self.dir / "dovecot.conf")], check=True)
        wait_for_port(self.port)

    def new_user(self) -> str:
        """A user nobody has used yet, so that every test starts with an empty mailbox."""
        self._next_user += 1
        return f"foi{self._next_user}"

    def stop(self) -> None:
        pid_file = self.dir / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                return
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.05)

    def kick(self, user: str) -> None:
        """End every IMAP connection of `user`, as a server restart or a dropped link would (BYE, then close)."""
        subprocess.run([DOVEADM, "-c", str(self.dir / "dovecot.conf"), "kick", user], check=True,
                       capture_output=True)

    def maildir(self, user: str) -> Path:
        return self.dir / "mail" / user


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class Sink:
    """aiosmtpd handler that keeps every message exactly as it arrived."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        with self.lock:
            self.messages.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 Message accepted for delivery"


@dataclass
class OAuth2Sink(Sink):
    """A Sink that accepts mail only after AUTH XOAUTH2 with a token `valid(token, user)` accepts."""

    valid: Callable[[str, str], bool] = lambda token, user: False
    logins: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        if len(args) > 1:
            response = base64.b64decode(args[1])
        else:
            challenge = await server.challenge_auth("", encode_to_b64=False)
            if not isinstance(challenge, bytes):
                return AuthResult(success=False, handled=False)
            response = base64.b64decode(challenge)
        fields = dict(f.split("=", 1) for f in response.decode().split("\x01") if "=" in f)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        ok = self.valid(token, user)
        if ok:
            with self.lock:
                self.logins.append(user)
        return AuthResult(success=ok, handled=False, auth_data=user)


class SmtpServer:
    """A real SMTP server in a thread; stop() and start() on the same port simulate an outage.
    With `valid` it requires AUTH XOAUTH2 and checks each token with it; with `smtputf8` it offers SMTPUTF8."""

    def __init__(self, valid: Callable[[str, str], bool] | None = None, smtputf8: bool = False) -> None:
        self.port = free_port()
        self.sink: Sink = Sink() if valid is None else OAuth2Sink(valid=valid)
        self.smtputf8 = smtputf8  # offer SMTPUTF8 (RFC 6531): international addresses; may change between starts
        self._controller: Controller | None = None

    def start(self) -> None:
        auth = {"auth_require_tls": False, "auth_required": True} if isinstance(self.sink, OAuth2Sink) else {}
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port,
                                      enable_SMTPUTF8=self.smtputf8, **auth)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Received]:
        with self.sink.lock:
            return list(self.sink.messages)
