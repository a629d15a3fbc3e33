"""Jinja2 rendering of notices: built-in templates, each overridable from a configured directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)


class Renderer:
    """Renders `<name>.txt.j2` and `<name>.html.j2`; requester text only ever arrives as data."""

    def __init__(self, override_dir: Path | None = None) -> None:
        loaders: list[Any] = []
        if override_dir is not None:
            loaders.append(FileSystemLoader(str(override_dir)))
        loaders.append(PackageLoader("responders", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,  # a missing value is a bug, not a blank in a letter
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["longdate"] = lambda d: f"{d:%A} {d.day} {d:%B %Y}"

    def render(self, name: str, context: dict[str, Any]) -> tuple[str, str]:
        text = self.env.get_template(f"{name}.txt.j2").render(context)
        html = self.env.get_template(f"{name}.html.j2").render(context)
        return text, html
