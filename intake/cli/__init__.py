"""The commands: one module per command group; `main` is the console script."""

from intake.cli.commands import demo_settings, main

__all__ = ["demo_settings", "main"]
