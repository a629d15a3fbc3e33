"""Issue 11 item 2 against a real Dovecot: what PostgreSQL refuses is fitted before it is stored, and a message
the database refuses is set aside for a person while the batch, the cursor and the pass go on."""

from __future__ import annotations

from sqlalchemy import select, text

from intake.caselog import Case, MailboxCursor, Message
from intake.vocabulary import MessageStatus
from tests.integration.test_responders_journeys import to
from tests.mail import request
from tests.unit.caselog.test_fit import refused_by_postgresql

POISON = "<poison@example.org>"


def test_a_message_the_database_refuses_is_set_aside_and_the_cursor_moves_on(mailbox, smtp, make_app):
    mailbox.append(request(msgid="<first@example.org>"))
    mailbox.append(request(msgid=POISON, sender="Sam Jones <sam@example.org>"))
    mailbox.append(request(msgid="<third@example.org>", sender="Ann Lee <ann@example.org>", subject="Parking"))
    app = make_app()
    with app.sessions() as s:  # a refusal made by the database itself, as PostgreSQL's DataError would be
        if s.get_bind().dialect.name == "sqlite":
            s.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.message_id = '{POISON}' "
                           "BEGIN SELECT RAISE(ABORT, 'value too long'); END"))
        else:
            s.execute(text(f"ALTER TABLE messages ADD CONSTRAINT refuse CHECK (message_id <> '{POISON}')"))
        s.commit()
    report, flushed = app.poll_and_flush()
    assert report.stored == 3 and len(report.cases_opened) == 2 and flushed.sent == 2
    with app.sessions() as s:
        assert s.scalar(select(MailboxCursor.last_uid)) == 3  # the mailbox is read on from here
        poisoned = s.scalar(select(Message).where(Message.status == MessageStatus.NEEDS_PERSON))
        assert poisoned is not None and poisoned.problem == "could not be stored: IntegrityError"
        assert b"sam@example.org" in poisoned.raw  # kept whole for the person who reads it
    assert to(smtp, "priya@example.org") and to(smtp, "ann@example.org")
    report, _ = app.poll_and_flush()
    assert report.stored == 0  # not fetched again, pass after pass


def test_what_postgresql_refuses_is_fitted_and_the_message_is_handled_like_any_other(mailbox, smtp, make_app):
    long_id = "<" + "x" * 1200 + "@example.org>"
    address = "p" * 480 + "@example.org"
    raw = request(msgid=long_id, sender=f"Priya Natarajan <{address}>", subject="Waiting times")
    raw = raw.replace(b"Subject: Waiting times", b"Subject: Waiting\x00 times")
    mailbox.append(raw.replace(b"18 weeks", b"18\x00 weeks"))
    app = make_app()
    report, _ = app.poll_and_flush()
    assert report.stored == 1 and report.needs_person == 0
    with app.sessions() as s:
        assert refused_by_postgresql(s) == []
        message = s.scalar(select(Message))
        assert message is not None and message.message_id == long_id[:998]
        assert message.status == MessageStatus.PROCESSED and "\x00" not in (message.subject or "")
        case = s.scalar(select(Case))
        assert case is not None and case.requester_email is None  # cut short, it would be someone else's
    assert smtp.messages == []  # no address to write to: a person decides
