"""The [organisation] table: who the body is, its addresses, its reference formats and its staff domains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.reader import ConfigError, Reader, email, section

__all__ = ["Organisation", "organisation_settings"]


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


def _reference_format(r: Reader, key: str) -> str:
    fmt = r.text(key, getattr(Organisation, key))
    try:
        fmt.format(year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"organisation.{key}", "may use only {year} and {seq} placeholders") from exc
    return fmt


def organisation_settings(data: dict[str, Any]) -> Organisation:
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
