"""The embedded default's mailbox: a local Maildir, its queue folders Maildir++ folders (.FOI.New)."""

from __future__ import annotations

import logging
import mailbox
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from config.settings import Mailbox
from intake.mailbox import maildir_files
from intake.mailbox.sources import Batch, Fetched, Stored, each

__all__ = ["MaildirSource"]

log = logging.getLogger(__name__)

LOOKUP = 500  # keys asked about in one query


class MaildirSource:
    """A local Maildir: every key not yet stored is new; the files are left as they are."""

    def __init__(self, cfg: Mailbox) -> None:
        assert cfg.path is not None
        self.cfg = cfg
        self.path = Path(cfg.path)
        self.key = f"maildir://{self.path}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._box = mailbox.Maildir(self.path, factory=None, create=True)

    def batches(self, uidvalidity: int | None, last_uid: int, stored: Stored) -> Iterator[Batch]:
        self._box.clean()
        present = sorted(self._box.iterkeys())  # filed mail has moved out: mostly what is new
        known: set[str] = set()
        for start in range(0, len(present), LOOKUP):
            known |= stored(present[start:start + LOOKUP])
        keys = [k for k in present if k not in known]
        for start in range(0, len(keys), self.cfg.batch_size):
            out = []
            for key in keys[start:start + self.cfg.batch_size]:
                # The stdlib has no public key-to-path lookup; _lookup has been stable since Python 2.5.
                path = self.path / self._box._lookup(key)  # type: ignore[attr-defined]
                size = path.stat().st_size
                arrived = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                if size > self.cfg.max_message_bytes:
                    with path.open("rb") as fh:
                        head = fh.read(65536).split(b"\n\n", 1)[0]
                    out.append(Fetched(key, head, size, arrived, complete=False))
                else:
                    out.append(Fetched(key, path.read_bytes(), size, arrived))
            yield Batch(None, out)

    def count(self) -> int:
        return len(self._box)

    def _folder(self, name: str) -> mailbox.Maildir:
        real = name.replace("/", ".")  # Maildir++ folders: .FOI.New
        if real not in self._box.list_folders():
            return self._box.add_folder(real)
        return self._box.get_folder(real)

    def file(self, folder: str, items: list[tuple[str, int | None, str | None]]) -> list[str]:
        """Move messages into `folder` as the files they are; returns the keys handled (moved, or gone already:
        moved by a person). One that cannot be moved is logged and left for the next poll; the others go on."""
        target = self._folder(folder)
        moved = []
        for key, _validity, _message_id in items:
            try:
                path = self.path / self._box._lookup(key)  # type: ignore[attr-defined]
            except KeyError:
                moved.append(key)  # already moved by a person
                continue
            try:
                maildir_files.move(path, target)
            except OSError as exc:
                log.warning("message file %s could not be moved to %s: %s", key, folder, type(exc).__name__)
                continue
            moved.append(key)
        return moved

    def refile(self, from_folder: str, to_folder: str, message_ids: list[str]) -> list[str]:
        source, target, wanted = self._folder(from_folder), self._folder(to_folder), set(message_ids)
        for key in list(source.iterkeys()):
            path = Path(source._path) / source._lookup(key)  # type: ignore[attr-defined]
            if maildir_files.message_id_of(path) in wanted:
                maildir_files.move(path, target)  # a rename: never two copies, never none
        return list(message_ids)

    def append(self, folder: str, raws: Sequence[bytes]) -> int:
        target = self._folder(folder)
        return each(raws, lambda raw: maildir_files.deliver(target, raw, seen=True))

    def close(self) -> None:
        self._box.close()

    def reset(self) -> None:
        """Nothing to reconnect: a Maildir is read from disk each time."""
