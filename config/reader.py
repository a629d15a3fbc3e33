"""Reading one TOML table with checks: every problem is a ConfigError naming the key."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

from intake.errors import FoiIntakeError

__all__ = ["ConfigError", "Reader", "email", "section"]


class ConfigError(FoiIntakeError):
    """A configuration problem, always naming the key: `mailbox.port: expected an integer`."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def section(data: dict[str, Any], name: str, required: bool = True) -> dict[str, Any]:
    value = data.get(name)
    if value is None:
        if required:
            raise ConfigError(name, "missing section")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(name, "expected a table")
    return value


class Reader:
    """Typed access to one TOML table that names the full key in every error."""

    def __init__(self, table: dict[str, Any], prefix: str, allowed: set[str]) -> None:
        self.table = table
        self.prefix = prefix
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise ConfigError(f"{prefix}.{unknown[0]}", "unknown key")

    def _key(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def text(self, name: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        value = self.table.get(name, default)
        if value is None:
            raise ConfigError(self._key(name), "missing")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(self._key(name), f"expected a non-empty string, got {value!r}")
        if choices and value not in choices:
            raise ConfigError(self._key(name), f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def integer(self, name: str, default: int | None = None, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.table.get(name, default)
        if value is None:
            raise ConfigError(self._key(name), "missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self._key(name), f"expected an integer, got {value!r}")
        if value < minimum:
            raise ConfigError(self._key(name), f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ConfigError(self._key(name), f"must be at most {maximum}, got {value}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            raise ConfigError(self._key(name), f"expected true or false, got {value!r}")
        return value

    def number(self, name: str, default: float) -> float:
        value = self.table.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ConfigError(self._key(name), f"expected a non-negative number, got {value!r}")
        return float(value)

    def path(self, name: str, base: Path, required: bool = False, expand: bool = False) -> Path | None:
        """A path, relative to `base` unless absolute; with `expand`, $VARIABLES are replaced first, so a secret
        file may live in "$CREDENTIALS_DIRECTORY/imap-password" (systemd's LoadCredential=)."""
        value = self.table.get(name)
        if value is None:
            if required:
                raise ConfigError(self._key(name), "missing")
            return None
        if not isinstance(value, str) or not value:
            raise ConfigError(self._key(name), f"expected a path string, got {value!r}")
        if expand:
            value = _expand(self._key(name), value)
        p = Path(value).expanduser()
        return p if p.is_absolute() else (base / p)

    def secret(self, base: Path, read: bool = True, name: str = "password") -> str:
        """A secret (`name`) from an environment variable (`name`_env) or a file (`name`_file), never from
        the TOML itself; with `read` False only its shape is checked (commands that never log in need none)."""
        env_key, file_key = f"{name}_env", f"{name}_file"
        if name in self.table:
            what = "passwords" if name == "password" else "secrets"
            raise ConfigError(self._key(name), f"{what} never live in the TOML; use {env_key} or {file_key}")
        env_name = self.table.get(env_key)
        file_name = self.table.get(file_key)
        if env_name is not None and file_name is not None:
            raise ConfigError(self._key(env_key), f"give {env_key} or {file_key}, not both")
        if env_name is not None:
            if not isinstance(env_name, str) or not env_name:
                raise ConfigError(self._key(env_key), "expected an environment variable name")
            if not read:
                return ""
            if env_name not in os.environ:
                raise ConfigError(self._key(env_key), f"environment variable {env_name} is not set")
            return os.environ[env_name]
        if file_name is not None:
            if not read:  # a command that never logs in runs where the secret is not (no $CREDENTIALS_DIRECTORY)
                self.path(file_key, base, required=True)
                return ""
            p = self.path(file_key, base, required=True, expand=True)
            assert p is not None
            try:
                return p.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(self._key(file_key), f"cannot read {p}: {exc.strerror}") from exc
        return ""


def _expand(key: str, value: str) -> str:
    expanded = os.path.expandvars(value)
    unset = re.search(r"\$\{?(\w+)", expanded)  # expandvars leaves a variable that is not set as it was
    if unset:
        hint = " (systemd sets it for a unit with LoadCredential=)" if unset[1] == "CREDENTIALS_DIRECTORY" else ""
        raise ConfigError(key, f"environment variable {unset[1]} is not set{hint}")
    return expanded


def email(reader: Reader, name: str) -> str:
    value = reader.text(name)
    if "@" not in value or any(c in value for c in " \r\n<>"):
        raise ConfigError(reader._key(name), f"expected a plain email address, got {value!r}")
    return value
