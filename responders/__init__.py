"""Responders: everything the body says and does once a message is in the case log.

- `desk`: the actions a person takes on a case (one class each), what the intake hands over, the daily jobs
- `routing`: which queue a message is filed in; `digest`: the daily digest's sections
- `notify`: queue a notice for a case; `compose`: an RFC 5322 message; `render`: Jinja2 templates and filters
- `outbox`: send what is queued, once; `reports`: the published figures and their files
- `drafts`: response letters
- `exemptions`: the FOIA exemptions and EIR exceptions; `errors`: the one-line refusals
"""

from responders.desk import ACTIONS, Action, Desk, Done
from responders.digest import digest_context
from responders.drafts import Draft, build_draft, draft_regime
from responders.errors import ActionRefused, DraftRefused, Refused, UnknownExemption
from responders.exemptions import Exemption, lookup
from responders.notify import Notifier, Queued
from responders.outbox import FlushReport, Outbox
from responders.render import Renderer
from responders.reports import Report, build_report
from responders.routing import queue_name

__all__ = [
    "ACTIONS",
    "Action",
    "ActionRefused",
    "Desk",
    "Done",
    "Draft",
    "DraftRefused",
    "Exemption",
    "FlushReport",
    "Notifier",
    "Outbox",
    "Queued",
    "Refused",
    "Renderer",
    "Report",
    "UnknownExemption",
    "build_draft",
    "build_report",
    "digest_context",
    "draft_regime",
    "lookup",
    "queue_name",
]
