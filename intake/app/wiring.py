"""Wiring: from Settings to a database, an intake pass and an outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.app.intake_pass import Intake, PollReport
from intake.caselog import create_schema, has_case_log, make_engine, session_factory
from intake.errors import FoiIntakeError
from responders.outbox import FlushReport, Outbox


@dataclass
class App:
    settings: Settings
    sessions: sessionmaker[Session]
    intake: Intake
    outbox: Outbox

    def poll_and_flush(self) -> tuple[PollReport, FlushReport]:
        report = self.intake.poll_once()
        return report, self.outbox.flush()

    def daily(self) -> tuple[dict[str, int], FlushReport]:
        """Lapses, reminders, overdue alerts and the digest (once a day, at responders.digest_time)."""
        with self.sessions() as s:
            counts = self.intake.desk.daily(s, datetime.now(UTC))
            s.commit()
        return counts, self.outbox.flush()

    def close(self) -> None:
        self.intake.source.close()


def build(settings: Settings, create: bool = True) -> App:
    engine = make_engine(settings.database.url)
    if create:
        create_schema(engine)
    sessions = session_factory(engine)
    intake = Intake(settings, sessions)
    sent = settings.responders.sent_folder
    archive = (lambda raw: intake.source.append(sent, raw)) if sent else None
    return App(settings, sessions, intake, Outbox(settings.smtp, sessions, settings.organisation.foi_address,
                                                  archive=archive))


__all__ = ["App", "NotInitialised", "build", "open_existing"]


class NotInitialised(FoiIntakeError):
    """The configured database has no case log yet."""


def open_existing(settings: Settings) -> App:
    """The app over a database that `foi-intake init` (or a poll) has already created."""
    app = build(settings, create=False)
    with app.sessions() as s:
        if not has_case_log(s.get_bind().engine):
            app.close()
            raise NotInitialised(f"{settings.database.url} has no case log yet: run `foi-intake init`")
    return app
