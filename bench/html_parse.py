"""HTML-only mail to text: time against size for ordinary and hostile markup, up to the 25 MB limit.

    .venv/bin/python bench/html_parse.py [--max-mb 25]

Linear means the seconds per MB stay flat as the size grows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake.mailbox.htmltext import html_to_text

SHAPES: dict[str, Callable[[int], str]] = {
    "ordinary": lambda n: ("<p>Please provide <b>the figures</b> for 2025/26:</p><ol><li>Beds</li>"
                           "<li>Staff</li></ol>" * (n // 80 + 1))[:n],
    "unclosed <": lambda n: "<" * n,
    "unclosed <a": lambda n: "<a " * (n // 3),
    "deep nesting": lambda n: "<div>" * (n // 10) + "x" + "</div>" * (n // 10),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-mb", type=float, default=25.0)
    args = ap.parse_args()
    sizes = [s for s in (0.5, 1, 5, 10, 25) if s <= args.max_mb]
    print(f"{'markup':<14}" + "".join(f"{s:>10g} MB" for s in sizes) + "   (seconds; s/MB at the largest)")
    for name, make in SHAPES.items():
        row = []
        for mb in sizes:
            markup = make(int(mb * 1_000_000))
            start = time.perf_counter()
            html_to_text(markup)
            row.append(time.perf_counter() - start)
        print(f"{name:<14}" + "".join(f"{t:>13.2f}" for t in row) + f"   {row[-1] / sizes[-1]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
