"""The web desk: a second front end over the desk's actions (`responders.desk`), for the DSP team, Communications
and viewers. The same action classes as the command line, the same guards and one-line refusals; each action is
recorded with the signed-in person as its actor. Starlette, Jinja2 templates, plain forms, no script."""

from intake.web.app import create_app

__all__ = ["create_app"]
