"""deploy/: the systemd unit is valid, and its credentials are the ones the example configuration reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import DATABASE_ENV_VAR, load

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT = DEPLOY / "foi-intake.service"


def credentials() -> list[str]:
    return re.findall(r"^LoadCredential=([\w-]+):", UNIT.read_text(), flags=re.MULTILINE)


def test_the_example_reads_its_secrets_from_the_credentials_the_unit_loads(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_ENV_VAR, raising=False)  # the example's own case log, whichever run this is
    for name in credentials():
        (tmp_path / name).write_text(f"{name}-value\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    settings = load(DEPLOY / "foi-intake.toml")
    assert (settings.mailbox.password, settings.smtp.password) == ("imap-password-value", "smtp-password-value")
    assert settings.database.url == "sqlite:////var/lib/foi-intake/foi-intake.sqlite3"
    # The data directory the case log lives in is the one the unit lets the service write.
    assert "ReadWritePaths=/var/lib/foi-intake\n" in UNIT.read_text()


def test_systemd_analyze_verify_finds_nothing_wrong_with_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze not found: scripts/test.sh installs Debian's systemd package"
    # verify checks that ExecStart's program exists: point it at this venv's foi-intake instead of /opt's.
    program = Path(sys.executable).parent / "foi-intake"
    assert program.exists()
    unit = tmp_path / "foi-intake.service"
    unit.write_text(UNIT.read_text().replace("/opt/foi-intake/bin/foi-intake", str(program)))
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=120)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if "foi-intake" in line]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr
