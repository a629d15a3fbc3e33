"""Sent copies against a real Dovecot (issue 12 item 2): a flush's copies go to the Sent folder in one MULTIAPPEND
(RFC 3502) where the server offers it, each marked read, and the folder is looked up once, not per notice."""

from __future__ import annotations

from typing import Any

import imapclient
import pytest

from tests.conftest import Mailbox
from tests.mail import request
from tests.servers import SmtpServer


class Calls:
    """Counts the IMAP commands of interest, each still sent to the real server."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: dict[str, int] = {}
        for name in ("multiappend", "append", "list_folders"):
            self._count(monkeypatch, name)

    def _count(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        real = getattr(imapclient.IMAPClient, name)

        def counted(client: imapclient.IMAPClient, *args: Any, **kwargs: Any) -> Any:
            self.counts[name] = self.counts.get(name, 0) + 1
            return real(client, *args, **kwargs)

        monkeypatch.setattr(imapclient.IMAPClient, name, counted)


def test_a_flush_keeps_its_copies_in_one_multiappend(mailbox: Mailbox, smtp: SmtpServer, make_app: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for person in ("ann", "bob", "cat"):
        mailbox.append(request(sender=f"{person.title()} Smith <{person}@example.org>"))
    app = make_app()
    calls = Calls(monkeypatch)
    report, flushed = app.poll_and_flush()
    assert len(report.cases_opened) == 3 and flushed.sent == 3
    assert calls.counts.get("multiappend") == 1 and "append" not in calls.counts
    with mailbox.client() as c:
        sent = c.select_folder("Sent")
        assert sent[b"EXISTS"] == 3
        flags = c.fetch(c.search(["ALL"]), ["FLAGS"])
        assert all(imapclient.SEEN in f[b"FLAGS"] for f in flags.values())
    # FOI/New and Sent, each looked up once (its delimiter, then whether it exists): not two LISTs per notice.
    assert calls.counts.get("list_folders") == 4
