"""One `run` serves two real IMAP mailboxes, each with its own case log, lease and From address."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from intake import cli
from tests.conftest import ORGANISATION, Mailbox
from tests.integration.test_lease import start, stop
from tests.mail import request
from tests.servers import SmtpServer

SAR_ADDRESS = "subject.access@example-icb.nhs.uk"


def imap_table(name: str, box: Mailbox, database: str) -> str:
    return f"""
[[mailbox]]
name = "{name}"
kind = "imap"
host = "127.0.0.1"
port = {box.server.port}
tls = "none"
username = "{box.user}"
password_file = "imap.secret"
reconnect_backoff_seconds = 0.01
[mailbox.database]
url = "{database}"
"""


def test_one_run_serves_both_mailboxes_and_answers_each_from_its_own_address(
        tmp_path: Path, mailbox: Mailbox, smtp: SmtpServer, new_database_url: Callable[[str], str]) -> None:
    sar_box = Mailbox(mailbox.server, mailbox.server.new_user())
    (tmp_path / "imap.secret").write_text(mailbox.password)
    config = tmp_path / "foi.toml"
    config.write_text(f"""{ORGANISATION}
[smtp]
kind = "smtp"
host = "127.0.0.1"
port = {smtp.port}
tls = "none"

[schedule]
poll_seconds = 1
outbox_seconds = 1
{imap_table("foi", mailbox, new_database_url("foi"))}
{imap_table("sar", sar_box, new_database_url("sar"))}
[mailbox.organisation]
foi_address = "{SAR_ADDRESS}"
""")
    assert cli.main(["--config", str(config), "init"]) == 0
    worker = start(config)
    try:
        mailbox.append(request(sender="Ann Lee <ann@example.org>", msgid="<two-foi@example.org>"))
        sar_box.append(request(sender="Bo Chen <bo@example.org>", msgid="<two-sar@example.org>"))
        deadline = time.monotonic() + 60
        while len(smtp.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        err = stop(worker)
    by_request = {m.message["In-Reply-To"]: m for m in smtp.messages}
    assert sorted(by_request) == ["<two-foi@example.org>", "<two-sar@example.org>"]
    assert by_request["<two-foi@example.org>"].rcpt_tos == ["ann@example.org"]
    assert SAR_ADDRESS not in by_request["<two-foi@example.org>"].message["From"]
    assert by_request["<two-sar@example.org>"].rcpt_tos == ["bo@example.org"]
    assert SAR_ADDRESS in by_request["<two-sar@example.org>"].message["From"]
    assert err.count("running: polling imap://") == 2 and "stopped cleanly" in err
