"""Local accounts (Argon2 hashes in an owner-only file, added with `foi-intake web add-user`), the `[web]`
settings, and the forms: one for every desk action, so the web offers all that the command line does."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from config.settings import ConfigError
from intake.cli.commands import main
from intake.vocabulary import DeskRole
from intake.web.accounts import AccountError, Accounts
from intake.web.forms import FORMS
from responders.desk import ACTIONS
from tests.conftest import write_maildir_config
from tests.unit.web.conftest import web_settings


def test_a_password_is_kept_only_as_an_argon2_hash_in_an_owner_only_file(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "private" / "accounts.json")
    assert accounts.add("alice", DeskRole.DSP, "correct horse battery")
    raw = accounts.path.read_text()
    assert "correct horse battery" not in raw and "$argon2id$" in raw
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600
    assert accounts.verify("alice", "correct horse battery") == accounts.verify("alice", "correct horse battery")
    person = accounts.verify("alice", "correct horse battery")
    assert person is not None and (person.name, person.role) == ("alice", DeskRole.DSP)
    assert accounts.verify("alice", "wrong horse battery") is None
    assert accounts.verify("bob", "correct horse battery") is None
    assert not accounts.add("alice", DeskRole.VIEWER, "a new passphrase!")  # a new password and role
    assert accounts.verify("alice", "correct horse battery") is None
    renewed = accounts.verify("alice", "a new passphrase!")
    assert renewed is not None and renewed.role == DeskRole.VIEWER
    assert accounts.remove("alice") and accounts.verify("alice", "a new passphrase!") is None


def test_a_weak_hash_is_renewed_at_sign_in(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    Accounts(path, PasswordHasher(time_cost=1, memory_cost=8192)).add("alice", DeskRole.DSP, "correct horse battery")
    weak = json.loads(path.read_text())["users"]["alice"]["hash"]
    assert Accounts(path).verify("alice", "correct horse battery") is not None
    assert json.loads(path.read_text())["users"]["alice"]["hash"] != weak


def test_names_and_passwords_are_checked(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "accounts.json")
    with pytest.raises(AccountError, match="at least 12 characters"):
        accounts.add("alice", DeskRole.DSP, "short")
    with pytest.raises(AccountError, match="not an account name"):
        accounts.add("alice smith", DeskRole.DSP, "correct horse battery")


def test_add_user_reads_the_password_from_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = write_maildir_config(tmp_path, '[web]\naccounts = "desk/accounts.json"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["--config", str(config), "web", "add-user", "carol", "--role", "comms"]) == 0
    assert "added carol (comms)" in capsys.readouterr().out
    person = Accounts(tmp_path / "desk" / "accounts.json").verify("carol", "correct horse battery")
    assert person is not None and person.role == DeskRole.COMMS
    assert main(["--config", str(config), "web", "users"]) == 0
    assert "carol" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--config", str(config), "web", "add-user", "dave", "--role", "dsp"]) == 1
    assert capsys.readouterr().err.strip() == "foi-intake: the password must be at least 12 characters"


def test_web_settings_refuse_what_would_go_wrong_later(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, listen="0.0.0.0:9000")
    assert (settings.web.host, settings.web.port, settings.web.secure_cookies) == ("0.0.0.0", 9000, False)
    for table, message in (({"listen": "8080"}, "web.listen: expected HOST:PORT"),
                           ({"base_url": "ftp://desk"}, "web.base_url: expected http"),
                           ({"base_url": "https://desk.example/foi"}, "root of its own host"),
                           ({"secure_cookies": "no"}, "web.secure_cookies: expected true or false"),
                           ({"colour": "blue"}, "web.colour: unknown key")):
        with pytest.raises(ConfigError, match=message):
            web_settings(tmp_path, **table)
    (tmp_path / "short.secret").write_text("tiny")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        web_settings(tmp_path, secret_file="short.secret")


def test_every_desk_action_has_its_form() -> None:
    assert set(FORMS) == set(ACTIONS)
    for form in FORMS.values():
        assert form.button and form.help
