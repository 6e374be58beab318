"""Recovery files: one per running window, locked while it lives (Qt's QLockFile).

Why: two gdviewer windows used to share one ``recovery.json`` (and one ``.tmp`` beside it): one
window's autosave overwrote the other's, and a clean close of one deleted the file the other
needed after a crash. Now each window writes its own file, holding a lock; a file whose lock
is free (its process ended without a clean close: a crash or a kill) is an orphan, and the
next start offers the newest orphan. Writes are atomic (``core.atomic_write``), so a kill at
any moment leaves the last complete autosave, never half of one.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer

from gdviewer.core.atomic_write import write_atomically
from gdviewer.core.errors import DataError
from gdviewer.core.session_file import spec_from_dict
from gdviewer.ui.document import Document
from gdviewer.ui.questions import Questions


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
    return lock


class RecoveryStore:
    """The recovery files around ``base`` (``recovery.json``, ``recovery-1.json``, …)."""

    def __init__(self, base: str | Path) -> None:
        self.base = Path(base)
        self.path: Path | None = None
        self._lock: QLockFile | None = None

    def _candidates(self):
        yield self.base
        for k in itertools.count(1):
            yield self.base.with_name(f"{self.base.stem}-{k}{self.base.suffix}")

    def claim(self) -> Path:
        """This window's own file: the first name with no file (an orphan waits to be offered)
        and no live lock. The lock is held until :meth:`release`."""
        if self.path is not None:
            return self.path
        self.base.parent.mkdir(parents=True, exist_ok=True)
        for path in self._candidates():
            if path.exists():
                continue
            lock = _lock(path)
            if lock.tryLock(0):
                self.path, self._lock = path, lock
                return path
        raise AssertionError("unreachable")  # pragma: no cover

    def orphans(self) -> list[Path]:
        """Files left by windows that ended without a clean close, newest first."""
        found = []
        folder = self.base.parent
        if not folder.is_dir():
            return []
        names = [self.base, *folder.glob(f"{self.base.stem}-*{self.base.suffix}")]
        for path in names:
            if path == self.path or not path.is_file():
                continue
            lock = _lock(path)
            if lock.tryLock(0):  # nobody alive holds it
                lock.unlock()
                found.append(path)
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def write(self, text: str) -> None:
        """Replace this window's file with ``text``, completely or not at all (OSError)."""
        write_atomically(self.claim(), text)

    def remove(self) -> None:
        """Nothing to recover (saved, or a clean close): this window's file goes."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def discard(self, paths: list[Path]) -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def release(self) -> None:
        """Give up the lock (the window closes). Without :meth:`remove` first, this is what a
        crash leaves: the file becomes an orphan for the next start."""
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
            self.path = None


#: How often unsaved changes are written to the recovery file.
AUTOSAVE_INTERVAL_MS = 3000


class Autosave(QObject):
    """Every AUTOSAVE_INTERVAL_MS, the document's unsaved changes go to this window's recovery
    file (``path`` None: no crash safety, as in screenshots); at start, a file a crash left
    behind is offered back."""

    def __init__(self, document: Document, path: str | Path | None, questions: Questions) -> None:
        super().__init__(document)
        self.document = document
        self.path = Path(path) if path else None
        self.questions = questions
        self._written: str | None = None
        self._store: RecoveryStore | None = None
        self._timer = QTimer(self, interval=AUTOSAVE_INTERVAL_MS)
        self._timer.timeout.connect(self.write)
        if self.path is not None:
            self._timer.start()

    def store(self) -> RecoveryStore | None:
        """The recovery files at ``path`` (None: no crash safety)."""
        if self.path is None:
            return None
        if self._store is None or self._store.base != self.path:
            if self._store is not None:
                self._store.release()
            self._store = RecoveryStore(self.path)
        return self._store

    def write(self) -> bool:
        """Write unsaved changes to the recovery file (and drop it when there are none)."""
        store = self.store()
        if store is None:
            return False
        fingerprint = self.document.fingerprint()
        if fingerprint == self.document.saved_fingerprint:
            store.remove()
            self._written = None
            return False
        if fingerprint == self._written:
            return False
        try:
            store.write(fingerprint)  # this window's own file, atomic
        except OSError as exc:  # a full disk: say so (every 3 s at most), the session is still open
            self.document.say(f"Could not write the recovery file: {exc.strerror or exc}. "
                              "Save the session to keep it.", AUTOSAVE_INTERVAL_MS)
            return False
        self._written = fingerprint
        return True

    def offer(self) -> bool:
        """At start: if a recovery file is there, offer it; True if it was restored."""
        store = self.store()
        orphans = store.orphans() if store is not None else []
        if not orphans:
            return False
        spec = None
        for path in orphans:  # the newest that parses
            try:
                spec = spec_from_dict(json.loads(path.read_text(encoding="utf-8")), "recovered session")
                break
            except (OSError, ValueError, DataError):
                continue
        if spec is None or not self.questions.ask_restore():
            store.discard(orphans)
            return False
        self.document.apply_spec(spec)
        self.write()  # in this window's own file before the orphans go
        store.discard(orphans)
        self.document.parts.banner.show_message("Restored the session from before gdviewer stopped "
                                                "unexpectedly. Save it to keep it.")
        return True

    def close(self) -> None:
        """A clean close: nothing to recover."""
        self._timer.stop()
        if self._store is not None:
            self._store.remove()
            self._store.release()
