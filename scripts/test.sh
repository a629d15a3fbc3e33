#!/usr/bin/env bash
# The test command: installs what the tests need (Dovecot from Debian, the venv), then runs
# ruff, the import layers (import-linter), mypy --strict and the whole suite against real IMAP and
# SMTP servers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dovecot-imapd >/dev/null
    # The packaged system service is not what the tests use; they start their own instances.
    $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then  # tests/unit/test_deploy.py verifies deploy/foi-intake.service
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq systemd >/dev/null
fi
scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
.venv/bin/mypy
exec .venv/bin/python -m pytest -q "$@"
