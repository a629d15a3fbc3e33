"""The case log's schema and packaging: migrations match the models; every module ships."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from setuptools import find_packages
from sqlalchemy import inspect

from intake.caselog import Base, Case, add_event, create_schema, make_engine, session_factory

ROOT = Path(__file__).resolve().parents[3]


def test_migrations_build_exactly_the_models(tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    create_schema(engine)  # running it again on an up-to-date database changes nothing
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert "alembic_version" in inspect(conn).get_table_names()


def test_case_events_are_append_only(tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    with session_factory(engine)() as s:
        case = Case(reference="FOI-2026-00001", kind="foi_request", regime="foi",
                    initial_received_at=now, received_at=now)
        s.add(case)
        event = add_event(s, case, "received", now)
        s.commit()
        event.type = "responded"
        with pytest.raises(PermissionError):
            s.commit()
        s.rollback()
        s.delete(s.merge(event))
        with pytest.raises(PermissionError):
            s.commit()


def test_every_package_is_in_the_distribution() -> None:
    # A deployment installs the wheel: a subpackage left out of pyproject.toml would be missing there.
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = setup["packages"]
    shipped = set(find_packages(str(ROOT), include=packages["find"]["include"]) if isinstance(packages, dict)
                  else packages)
    on_disk = {str(p.parent.relative_to(ROOT)).replace("/", ".") for p in ROOT.glob("*/**/__init__.py")
               if p.parts[len(ROOT.parts)] in ("intake", "classifier", "responders", "config")}
    assert on_disk <= shipped
