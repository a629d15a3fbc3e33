"""Local accounts for a body without an identity provider: a name, a role and an Argon2 hash, in one owner-only
JSON file named by `[web] accounts`. Nobody's password is ever stored, logged or compared in plain text."""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from intake.errors import FoiIntakeError
from intake.private import private_dir, write_private
from intake.vocabulary import DeskRole

__all__ = ["MIN_PASSWORD_CHARS", "AccountError", "Accounts", "Person"]

log = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 12
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}")  # the audit trail's actor column holds 120 characters


class AccountError(FoiIntakeError):
    """A local account cannot be added or read: one line for the person at the terminal."""


@dataclass(frozen=True)
class Person:
    """Who is signed in: the name the audit trail records, and what they may do."""

    name: str
    role: DeskRole
    via: str = "local"  # "local" or "oidc"


class Accounts:
    """The accounts file: {"users": {name: {"role": ..., "hash": ...}}}."""

    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = path
        self.hasher = hasher or PasswordHasher()  # argon2id, RFC 9106's low-memory profile
        self._dummy = self.hasher.hash("not anybody's password")  # so an unknown name costs a whole verify

    def users(self) -> dict[str, dict[str, str]]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise AccountError(f"the accounts file {self.path} cannot be read: {exc}") from None
        users = data.get("users") if isinstance(data, dict) else None
        if not isinstance(users, dict):
            raise AccountError(f"the accounts file {self.path} has no \"users\" table")
        return users

    def add(self, name: str, role: DeskRole, password: str) -> bool:
        """Add a person, or give an existing one a new password and role; True when the name was new."""
        if not _NAME.fullmatch(name):
            raise AccountError(f"not an account name: {name!r} (letters, digits, . _ @ -; at most 120)")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"the password must be at least {MIN_PASSWORD_CHARS} characters")
        users = self.users()
        new = name not in users
        users[name] = {"role": str(role), "hash": self.hasher.hash(password)}
        self._save(users)
        return new

    def remove(self, name: str) -> bool:
        users = self.users()
        if users.pop(name, None) is None:
            return False
        self._save(users)
        return True

    def verify(self, name: str, password: str) -> Person | None:
        """The person, if the name and password match; a hash made with weaker parameters is renewed."""
        user = self.users().get(name)
        stored = user.get("hash", "") if isinstance(user, dict) else ""
        try:
            self.hasher.verify(stored or self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if not stored or user is None:
            return None
        try:
            role = DeskRole(user.get("role", ""))
        except ValueError:
            log.warning("local account has an unknown role; refused")
            return None
        if self.hasher.check_needs_rehash(stored):
            self._rehash(name, password)
        return Person(name, role)

    def _rehash(self, name: str, password: str) -> None:
        users = self.users()
        if name in users:
            users[name]["hash"] = self.hasher.hash(password)
            self._save(users)

    def _save(self, users: dict[str, dict[str, str]]) -> None:
        private_dir(self.path.parent)
        tmp = self.path.with_name(self.path.name + ".new")
        write_private(tmp, json.dumps({"users": users}, indent=2, sort_keys=True).encode() + b"\n")
        os.replace(tmp, self.path)  # a reader sees the old file or the new one, never half of one
