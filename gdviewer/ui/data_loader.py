"""Loading a data file off the GUI thread, with progress and cancel.

A million-row CSV takes about half a second to parse; in the GUI thread that would freeze
the window. ``CsvLoader`` runs the engine's parser (which works in blocks and reports
progress between them, where a cancel also stops it) through a :class:`BackgroundCall`,
and computes the data's loss-surface statistics there too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from gdviewer.core.data import Dataset, load_csv
from gdviewer.core.errors import DataError
from gdviewer.ui.background import BackgroundCall


def _load(path: Path, report) -> Dataset:
    try:
        dataset = load_csv(path, progress=report)
    except MemoryError:
        raise DataError(f"{path}: too large to load into memory") from None
    dataset.surface  # noqa: B018 (the O(N) statistics pass: here, not in the GUI thread)
    return dataset


class CsvLoader(QObject):
    """One load at a time; ``loaded(dataset, file name)`` or ``failed(message)``."""

    progress = Signal(float)
    loaded = Signal(object, str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call = BackgroundCall(self)
        self._call.progress.connect(self.progress)
        self._call.done.connect(self._on_done)
        self._call.failed.connect(self._on_failed)
        self._path: Path | None = None

    @property
    def busy(self) -> bool:
        return self._call.busy

    def start(self, path: str | Path) -> None:
        self._path = Path(path)
        self._call.start(lambda report, p=self._path: _load(p, report))

    def cancel(self) -> None:
        """Stop the current load (if any) and wait for its thread; the data stay as they were."""
        self._call.cancel()

    @Slot(object)
    def _on_done(self, dataset: object) -> None:
        self.loaded.emit(dataset, self._path.name if self._path else "")

    @Slot(str, str)
    def _on_failed(self, message: str, _details: str) -> None:
        # the engine's DataError already names the file and line; anything else is unexpected
        self.failed.emit(message.removeprefix("DataError: "))
