"""foi-intake: the mailbox, the case log and clock, the application and its commands (see the README's layers)."""

__all__: list[str] = []
