"""The [logging] and [health] tables: running it unattended (a log a machine reads, a health a monitor reads)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.reader import ConfigError, Reader, section

__all__ = ["LOG_FORMATS", "Health", "Logging", "health_settings", "logging_settings", "split_listen"]

LOG_FORMATS = ("text", "json")
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Logging:
    format: str = "text"  # "text": one readable line per event; "json": one JSON object per line
    level: str = "INFO"
    file: Path | None = None  # None: standard error (journald under systemd, the container's log)

    @property
    def level_number(self) -> int:
        return int(logging.getLevelName(self.level))


@dataclass(frozen=True)
class Health:
    file: Path | None = None  # None: beside the SQLite case log, else beside the configuration
    listen: str = ""  # "127.0.0.1:8089" serves GET /health; "" serves nothing
    max_age_seconds: int = 600  # unhealthy once the last successful pass is older than this


def logging_settings(data: dict[str, Any], base: Path) -> Logging:
    r = Reader(section(data, "logging", required=False), "logging", {"format", "level", "file"})
    level = r.text("level", "INFO").upper()
    if level not in _LEVELS:
        raise ConfigError("logging.level", f"expected one of {', '.join(_LEVELS)}, got {level!r}")
    return Logging(format=r.text("format", "text", choices=LOG_FORMATS), level=level, file=r.path("file", base))


def health_settings(data: dict[str, Any], base: Path, poll_seconds: int) -> Health:
    r = Reader(section(data, "health", required=False), "health", {"file", "listen", "max_age_seconds"})
    listen = r.table.get("listen", "")
    if not isinstance(listen, str):
        raise ConfigError("health.listen", f"expected \"host:port\", got {listen!r}")
    if listen:
        split_listen(listen)
    # Five passes missed, and never under ten minutes: one slow pass is not an outage.
    default_age = max(600, 5 * poll_seconds)
    return Health(file=r.path("file", base), listen=listen,
                  max_age_seconds=r.integer("max_age_seconds", default_age, minimum=1))


def split_listen(listen: str) -> tuple[str, int]:
    """"127.0.0.1:8089" or "[::1]:8089" as (host, port)."""
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError("health.listen", f"expected \"host:port\" such as \"127.0.0.1:8089\", got {listen!r}")
    return host, int(port)
