#!/usr/bin/env bash
# The test command: installs what the tests need (Dovecot, PostgreSQL and Chromium from Debian, the venv), then
# runs ruff, the import layers (import-linter), mypy --strict and the whole suite against real IMAP and
# SMTP servers on 127.0.0.1 and a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
NEED=""
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || NEED="$NEED dovecot-imapd"
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || NEED="$NEED postgresql"
# The web desk's browser tests: headless Chromium and its chromedriver from Debian (Selenium downloads nothing).
[ -x /usr/bin/chromium ] || NEED="$NEED chromium"
[ -x /usr/bin/chromedriver ] || NEED="$NEED chromium-driver"
if [ -n "$NEED" ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $NEED >/dev/null
    # The packaged system services are not what the tests use; they start their own instances.
    $SUDO systemctl disable --now dovecot postgresql >/dev/null 2>&1 || true
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
# The whole suite on the embedded default's SQLite and, side by side on the second core, every test that reaches
# a case log again on a real PostgreSQL server the tests start. Each run's report is printed whole.
LOGS=$(mktemp -d)
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" >"$LOGS/sqlite" 2>&1 & SQLITE=$!
.venv/bin/python -m pytest -q -p no:cacheprovider --database postgresql "$@" >"$LOGS/postgresql" 2>&1 & PG=$!
STATUS=0
wait $SQLITE || STATUS=1
wait $PG || STATUS=1
echo "== pytest, case log on SQLite"; cat "$LOGS/sqlite"
echo "== pytest, case log on PostgreSQL"; cat "$LOGS/postgresql"
rm -rf "$LOGS"
exit $STATUS
