"""Upgrading a live case log keeps its numbering: no reference is ever issued twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import text

from intake.caselog import alembic_config, create_schema, make_engine, next_reference, session_factory


def test_the_reference_series_upgrade_carries_on_the_numbering(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # a case log as deployed before subject access had its own series
        connection.execute(text("INSERT INTO reference_counters (year, last) VALUES (2026, 41)"))
    create_schema(engine)
    with session_factory(engine)() as s:
        assert next_reference(s, "FOI-{year}-{seq:05d}", date(2026, 11, 25)) == "FOI-2026-00042"
        assert next_reference(s, "SAR-{year}-{seq:05d}", date(2026, 11, 25), series="sar") == "SAR-2026-00001"
