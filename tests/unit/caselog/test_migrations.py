"""Upgrading a live case log keeps its numbering: no reference is ever issued twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from intake.caselog import alembic_config, create_schema, make_engine, next_reference, session_factory


def test_the_reference_series_upgrade_carries_on_the_numbering(tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # a case log as deployed before subject access had its own series
        connection.execute(text("INSERT INTO reference_counters (year, last) VALUES (2026, 41)"))
    create_schema(engine)
    with session_factory(engine)() as s:
        assert next_reference(s, "FOI-{year}-{seq:05d}", date(2026, 11, 25)) == "FOI-2026-00042"
        assert next_reference(s, "SAR-{year}-{seq:05d}", date(2026, 11, 25), series="sar") == "SAR-2026-00001"


def test_every_migration_downgrades_and_upgrades_again_with_the_data_kept(database_url: str) -> None:
    # An upgrade that goes wrong in production is rolled back by `alembic downgrade`; it must work.
    engine = make_engine(database_url)
    create_schema(engine)
    with session_factory(engine)() as s:
        assert next_reference(s, "FOI-{year}-{seq:05d}", date(2026, 11, 25)) == "FOI-2026-00001"
        s.commit()
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        assert "reference_series" not in inspect(connection).get_table_names()
    create_schema(engine)
    with engine.connect() as connection:
        assert "former_reference" in {c["name"] for c in inspect(connection).get_columns("cases")}
    with session_factory(engine)() as s:
        assert next_reference(s, "FOI-{year}-{seq:05d}", date(2026, 11, 25)) == "FOI-2026-00002"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        assert inspect(connection).get_table_names() == ["alembic_version"]  # and it is empty
