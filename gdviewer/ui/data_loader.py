"""Loading a data file off the GUI thread, with progress and cancel.

A million-row CSV takes about half a second to parse; in the GUI thread that would freeze
the window. ``CsvLoader`` runs the engine's parser (which works in blocks and reports
progress between them, where a cancel also stops it) through a :class:`BackgroundCall`,
and computes the data's loss-surface statistics there too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from gdviewer.core.data import Dataset, load_csv
from gdviewer.core.errors import DataError
from gdviewer.ui.background import BackgroundCall
from gdviewer.ui.theme import set_tone


def _load(path: Path, report, x_column: int = 0, y_column: int = 1) -> Dataset:
    try:
        dataset = load_csv(path, x_column=x_column, y_column=y_column, progress=report)
    except MemoryError:
        raise DataError(f"{path}: too large to load into memory") from None
    dataset.surface  # noqa: B018 (the O(N) statistics pass: here, not in the GUI thread)
    dataset.entered_tuples()  # (what the undo record keeps: ~50 ms for a million points)
    dataset.per_sample_limit  # noqa: B018 (another pass over x, for the learning-rate hint)
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

    def start(self, path: str | Path, x_column: int = 0, y_column: int = 1) -> None:
        self._path = Path(path)
        self._call.start(lambda report, p=self._path: _load(p, report, x_column, y_column))

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


class ColumnDialog(QDialog):
    """Pick the x and y columns of a file with more than two."""

    def __init__(self, name: str, columns: list[str], parent: QWidget | None = None,
                 default: tuple[int, int] = (0, 1)) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {name}")
        self.x_box, self.y_box = QComboBox(), QComboBox()
        for box in (self.x_box, self.y_box):
            box.addItems(columns)
        self.x_box.setAccessibleName("x column")
        self.y_box.setAccessibleName("y column")
        self.x_box.setCurrentIndex(default[0])  # the first two numeric columns, not a text column
        self.y_box.setCurrentIndex(default[1])
        self.error = QLabel()
        set_tone(self.error, "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(f"{name} has {len(columns)} columns. Which hold x and y?"))
        form.addRow("x", self.x_box)
        form.addRow("y", self.y_box)
        form.addRow(self.error)
        form.addRow(buttons)

    def _accept(self) -> None:
        if self.x_box.currentIndex() == self.y_box.currentIndex():
            self.error.setText("Choose two different columns.")
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, name: str, columns: list[str],
            default: tuple[int, int] = (0, 1)) -> tuple[int, int] | None:
        dialog = cls(name, columns, parent, default)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.x_box.currentIndex(), dialog.y_box.currentIndex()
