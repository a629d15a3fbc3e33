"""Text from an HTML-only mail, in one linear pass of the standard library's HTML parser.

Regular expressions over hostile markup can take quadratic time (an unclosed `<` repeated); the parser
reads each character once, whatever the markup. Block ends become new lines, list items keep their
number or bullet (so the questions in an <ol> or <ul> are read as a list), scripts and styles go.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_BLOCK_ENDS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})
_HIDDEN = frozenset({"script", "style", "head", "title"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[int | None] = []  # per open list: the next number (<ol>), or None (<ul>)
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "ol":
            self.lists.append(1)
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li":
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.out.append("\n- ")
            else:
                self.out.append(f"\n{number}. ")
                self.lists[-1] = number + 1
        elif tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in ("ol", "ul"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n")
        elif tag in _BLOCK_ENDS:
            self.out.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.out)
    return re.sub(r"[ \t\r\f\v]+", " ", re.sub(r"\n\s*\n+", "\n\n", text)).strip()
