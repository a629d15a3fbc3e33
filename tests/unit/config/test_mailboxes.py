"""Several mailboxes in one configuration: each a whole configuration of its own, one case log each."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import DATABASE_ENV_VAR, ConfigError, load, load_all
from tests.conftest import ORGANISATION

TWO = f"""
{ORGANISATION}
[queues]
new = "FOI/New"

[[mailbox]]
name = "foi"
kind = "maildir"
path = "foi-mail"

[[mailbox]]
name = "sar"
kind = "maildir"
path = "sar-mail"
[mailbox.organisation]
foi_address = "subject.access@example-icb.nhs.uk"
[mailbox.queues]
new = "SAR/New"

[smtp]
kind = "file"
path = "sent"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "foi.toml"
    path.write_text(text)
    return path


@pytest.fixture(autouse=True)
def _no_database_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_ENV_VAR, raising=False)  # these tests are about the file's own case logs


def test_each_mailbox_has_its_own_case_log_and_overrides_only_what_it_names(tmp_path: Path) -> None:
    foi, sar = load_all(write(tmp_path, TWO))
    assert (foi.mailbox.name, sar.mailbox.name) == ("foi", "sar")
    assert foi.mailbox.path == tmp_path / "foi-mail" and sar.mailbox.path == tmp_path / "sar-mail"
    assert foi.database.url.endswith("/foi-intake-foi.sqlite3") and sar.database.url.endswith("/foi-intake-sar.sqlite3")
    assert foi.organisation.foi_address == "foi.requests@example-icb.nhs.uk"
    assert sar.organisation.foi_address == "subject.access@example-icb.nhs.uk"
    assert sar.organisation.name == foi.organisation.name  # the rest of the shared table still applies
    assert (foi.queues.folders["new"], sar.queues.folders["new"]) == ("FOI/New", "SAR/New")
    assert sar.queues.folders["media"] == foi.queues.folders["media"]


def test_a_command_on_the_case_log_names_its_mailbox(tmp_path: Path) -> None:
    path = write(tmp_path, TWO)
    assert load(path, mailbox="sar").mailbox.name == "sar"
    with pytest.raises(ConfigError, match="has mailboxes foi, sar: choose one with --mailbox"):
        load(path)
    with pytest.raises(ConfigError, match=r"no mailbox named 'dsp' \(this file has foi, sar\)"):
        load(path, mailbox="dsp")


def test_one_mailbox_table_works_as_it_always_has(tmp_path: Path) -> None:
    path = write(tmp_path, f'{ORGANISATION}\n[mailbox]\nkind = "maildir"\npath = "mail"\n'
                           '[smtp]\nkind = "file"\npath = "sent"\n')
    [settings] = load_all(path)
    assert settings.mailbox.name == "" and settings.database.url.endswith("/foi-intake.sqlite3")
    assert load(path) == settings


@pytest.mark.parametrize(("change", "message"), [
    (('name = "sar"', 'name = "foi"'), r"mailbox\[2\].name: 'foi' is used twice"),
    (('name = "sar"', 'name = "SAR mailbox"'), r"mailbox\[2\].name: expected a short name"),
    (('[queues]', '[database]\nurl = "postgresql+psycopg://foi@db.internal/foi"\n[queues]'),
     r"database.url \(mailbox sar\): the same as mailbox foi's"),
    (('[queues]', '[health]\nlisten = "127.0.0.1:8089"\n[queues]'), r"health.listen \(mailbox sar\): the same as"),
    (('foi_address = "subject', 'foi_adress = "subject'), r"organisation.foi_adress \(mailbox sar\): unknown key"),
])
def test_a_mistake_in_one_mailbox_names_that_mailbox(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_all(write(tmp_path, TWO.replace(*change)))
