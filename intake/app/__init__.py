"""The application: one intake pass (route a classified message to a case), the wiring and the scheduler."""

from intake.app.intake_pass import Intake, PollReport
from intake.app.scheduler import run_forever
from intake.app.wiring import App, NotInitialised, build, open_existing

__all__ = ["App", "Intake", "NotInitialised", "PollReport", "build", "open_existing", "run_forever"]
