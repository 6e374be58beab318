"""Loading a data file off the GUI thread, with progress and cancel.

A million-row CSV takes about a second to parse; in the GUI thread that would freeze the
window. ``CsvLoadWorker`` parses in a QThread (worker-object pattern, as training does);
the parser works in blocks and reports progress between them, which is also where a cancel
request stops it.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gdviewer.core.data import load_csv
from gdviewer.core.errors import DataError

STOP_TIMEOUT_MS = 3000


class LoadCancelled(Exception):
    """Raised from the progress callback to abandon a load."""


class CsvLoadWorker(QObject):
    progress = Signal(float)  # fraction done
    loaded = Signal(object)  # Dataset
    failed = Signal(str)  # a sentence for the user

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.cancelled = False
        self._last = -1.0

    def cancel(self) -> None:
        self.cancelled = True

    def _report(self, fraction: float) -> None:
        if self.cancelled:
            raise LoadCancelled
        if fraction - self._last >= 0.02 or fraction >= 1.0:
            self._last = fraction
            self.progress.emit(fraction)

    @Slot()
    def run(self) -> None:
        try:
            dataset = load_csv(self.path, progress=self._report)
            dataset.surface  # noqa: B018 (the O(N) statistics pass: here, not in the GUI thread)
        except LoadCancelled:
            self.failed.emit(f"Loading {self.path.name} was cancelled.")
        except DataError as exc:
            self.failed.emit(str(exc))
        except MemoryError:
            self.failed.emit(f"{self.path}: too large to load into memory")
        except Exception as exc:  # never let a surprise escape a thread silently
            self.failed.emit(f"{self.path}: could not be read ({type(exc).__name__}: {exc})\n"
                             + traceback.format_exc(limit=3))
        else:
            self.loaded.emit(dataset)


class CsvLoader(QObject):
    """Owns one load at a time: its QThread and worker; re-emits the worker's signals."""

    progress = Signal(float)
    loaded = Signal(object, str)  # Dataset, file name
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: CsvLoadWorker | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, path: str | Path) -> None:
        self.cancel()
        worker = CsvLoadWorker(path)
        thread = QThread()
        thread.setObjectName("gdviewer-csv-load")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.loaded.connect(self._on_loaded)
        worker.failed.connect(self._on_failed)
        self._worker, self._thread = worker, thread
        thread.start()

    def cancel(self) -> None:
        """Stop the current load (if any) and wait for its thread."""
        worker, thread = self._worker, self._thread
        self._worker = self._thread = None
        if worker is not None and thread is not None:
            worker.cancel()
            thread.quit()
            thread.wait(STOP_TIMEOUT_MS)

    def _finish(self) -> None:
        thread = self._thread
        self._worker = self._thread = None
        if thread is not None:
            thread.quit()
            thread.wait(STOP_TIMEOUT_MS)

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        if self.sender() is self._worker:
            self.progress.emit(fraction)

    @Slot(object)
    def _on_loaded(self, dataset: object) -> None:
        if self.sender() is not self._worker or self._worker is None:
            return
        name = self._worker.path.name
        self._finish()
        self.loaded.emit(dataset, name)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.sender() is not self._worker:
            return
        self._finish()
        self.failed.emit(message)
