"""Live readouts: the numbers of the step being shown, one column per run, ready to copy.

A student who wants to check one update by hand needs the step's numbers side by side: the
parameters, the gradient that moved them, the learning rate, the batch loss and the loss on
all the data. They are read from each run's history (what the engine recorded), never
recomputed here. Ctrl+C copies the selected cells, "Copy table" the whole table, as
tab-separated text that pastes into a spreadsheet.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdviewer.core.config import ALGORITHM_LABELS, OPTIMIZER_LABELS
from gdviewer.core.moment import Moment
from gdviewer.ui.theme import readable_colour

#: Readouts change at most this often (ms): faster than that nobody reads the digits.
REFRESH_MS = 100
#: Pixels around a cell's text (Qt's item margins and the grid line).
CELL_PADDING = 10
#: Item data role holding a cell's number at full precision (tooltip and copies).
FULL_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    tip: str


ROWS = (
    Row("method", "method", "How the run picks samples and which optimiser updates (w, b)"),
    Row("lr", "learning rate η", "The step size this step used (its schedule and any change made mid-run "
        "included): each update moves (w, b) by −η × gradient (for plain GD)"),
    Row("epoch", "epoch", "Passes over the data so far / epochs in the run"),
    Row("step", "step", "Parameter updates so far / updates in the run"),
    Row("samples", "samples seen", "Gradient evaluations so far: the fair measure of work when comparing runs"),
    Row("w", "w", "Slope after this step"),
    Row("b", "b", "Intercept after this step"),
    Row("raw_w", "w on raw x", "The slope mapped back to the raw x (the runs train on x′ = (x − c)/s): w/s"),
    Row("raw_b", "b on raw x", "The intercept mapped back to the raw x: b − w·c/s"),
    Row("loss", "loss (all data)", "Mean squared error of the current line over every sample"),
    Row("batch_loss", "batch loss", "Loss of just the samples this step used, before its update"),
    Row("dw", "∂L/∂w (batch)", "The gradient this step followed: slope component, from its batch"),
    Row("db", "∂L/∂b (batch)", "The gradient this step followed: intercept component, from its batch"),
)


METHOD_ROW = [r.key for r in ROWS].index("method")
#: Shown only while the runs train on a shifted or scaled x (core/conditioning.py).
RAW_ROWS = tuple(i for i, r in enumerate(ROWS) if r.key.startswith("raw_"))

#: The method row's short names (the column header carries the run's full name).
SHORT_METHODS = {"batch": "Batch GD", "stochastic": "SGD", "minibatch": "Mini-batch"}

#: Significant digits a readout shows: enough to follow an update, few enough to read from
#: the back of the room; the tooltip and copies carry every digit.
SHOWN_DIGITS = 4


def number(value: float, digits: int = SHOWN_DIGITS) -> str:
    """``value`` to ``digits`` significant digits (0 = full precision), compact for small and large values."""
    if not math.isfinite(value):
        return "not finite" if math.isnan(value) else ("+∞" if value > 0 else "−∞")
    return repr(float(value)) if digits == 0 else f"{value:.{digits}g}"


class Number(str):
    """A readout's text that remembers the number it shows at full precision."""

    full: str

    def __new__(cls, value: float) -> Number:
        text = super().__new__(cls, number(value))
        text.full = number(value, 0) if math.isfinite(value) else str(text)
        return text


def full_text(text: str) -> str:
    """Full precision of a readout's text (itself if it is not a number)."""
    return getattr(text, "full", text)


def run_values(moment: Moment, index: int, loss_of: Callable[[float, float], float]) -> dict[str, str]:
    """The readout column of run ``index`` at the moment shown."""
    run = moment.runs[index]
    c = run.config
    h = run.history
    k = moment.shown_steps_of(index)
    w, b = moment.params_of(index)
    method = SHORT_METHODS.get(c.algorithm, ALGORITHM_LABELS.get(c.algorithm, c.algorithm))
    if c.algorithm == "minibatch":
        method += f" {c.batch_size}"
    if c.optimizer != "gd":
        method += f", {OPTIMIZER_LABELS.get(c.optimizer, c.optimizer)}"
    total = moment.steps_of(index)
    values = {
        "method": method,
        "lr": Number(c.lr_at(max(k - 1, 0), moment.dataset.n)),  # the step's own: schedule and changes
        "epoch": f"{moment.epoch_of(index)}/{c.epochs}",  # no spaces: narrow columns
        "step": f"{k:,}/{total:,}",
        "samples": f"{int(h.column('samples')[k - 1]) if k else 0:,}",
        "w": Number(w),
        "b": Number(b),
        **dict(zip(("raw_w", "raw_b"), map(Number, moment.raw_line(w, b)), strict=True)),
        "loss": Number(loss_of(w, b)) if math.isfinite(w) and math.isfinite(b) else "not finite",
        "batch_loss": Number(float(h.column("loss")[k - 1])) if k else "–",
        "dw": Number(float(h.column("dw")[k - 1])) if k else "–",
        "db": Number(float(h.column("db")[k - 1])) if k else "–",
    }
    return values


class ReadoutTable(QWidget):
    """A compact table (rows: quantities, columns: runs) refreshed by the window's frames."""

    def __init__(self, moment: Moment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.moment = moment  # what is shown, as a Qt-free Moment (the frame hands a new one)
        self.table = QTableWidget(len(ROWS), 1)
        self.table.setAccessibleName("Live readouts")
        self.table.setToolTip("The numbers of the step being shown, one column per run; Ctrl+C copies")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalHeaderLabels([r.label for r in ROWS])
        for i, row in enumerate(ROWS):
            self.table.verticalHeaderItem(i).setToolTip(row.tip)
        self.table.setWordWrap(False)
        # sections sized here from the texts (Qt's ResizeToContents re-measures every cell
        # through the delegate at each setText: measured 26 ms a frame for 8 runs); each
        # column as wide as its widest text, so no number is cut and two runs fit a narrow dock
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # long run names are cut, numbers never
        header.setStretchLastSection(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        copy = QAction("Copy", self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selection)
        self.table.addAction(copy)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_button = QPushButton("Copy table")
        self.copy_button.setToolTip("Copy every readout as tab-separated text (pastes into a spreadsheet)")
        self.copy_button.setAccessibleName("Copy readouts")
        self.copy_button.clicked.connect(self.copy_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self._runs_key: tuple | None = None
        self._items: list[list[QTableWidgetItem]] = []
        self._size_sections()
        # people read numbers at a few changes a second: refreshes are merged to REFRESH_MS
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.refresh)
        self._last = 0.0

    def show_moment(self, moment: Moment) -> None:
        """Show ``moment`` at the next refresh (the frame calls this)."""
        self.moment = moment

    def _sync_columns(self) -> None:
        s = self.moment
        background = self.table.palette().color(QPalette.ColorRole.Base).name()
        key = (background, *((r.name, r.colour) for r in s.runs))
        if key == self._runs_key:
            return
        self._runs_key = key
        self.table.setColumnCount(len(s.runs))
        self._items = []
        for j, run in enumerate(s.runs):
            header = QTableWidgetItem(run.name)
            header.setForeground(QColor(readable_colour(run.colour, background)))
            header.setToolTip(run.name)
            self.table.setHorizontalHeaderItem(j, header)
            column = []
            for i in range(len(ROWS)):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
                column.append(item)
            self._items.append(column)

    def changeEvent(self, event) -> None:
        """A new font (zoom, presentation mode): size the rows and columns for it."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._size_sections()

    def showEvent(self, event) -> None:
        """Shown again (the dock reopened, presentation mode left): catch up at once."""
        super().showEvent(event)
        self.refresh()

    def _size_sections(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(metrics.horizontalAdvance("0.0000") + CELL_PADDING)
        self._fit_columns(force=True)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(metrics.height() + 6)
        for i in range(self.table.rowCount()):
            rows.resizeSection(i, metrics.height() + 6)

    def _fit_columns(self, force: bool = False) -> None:
        """Each run's column as wide as its widest number (a few µs per text), never narrower
        than a short number; the method and the header's name are elided to it (the full
        text in their tooltips), so a long optimiser name does not push the numbers away."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        method_cap = metrics.horizontalAdvance("Mini-batch 100")  # the short method shows whole
        for j, column in enumerate(self._items):
            widths = [metrics.horizontalAdvance(item.text()) for item in column]
            widths[METHOD_ROW] = min(widths[METHOD_ROW], method_cap)
            width = max(header.minimumSectionSize(), max(widths) + CELL_PADDING)
            if force or header.sectionSize(j) != width:
                header.resizeSection(j, width)

    def request_refresh(self) -> None:
        """Refresh soon: at once if the last refresh was REFRESH_MS ago, else when it is."""
        if not self._timer.isActive():
            since = (time.perf_counter() - self._last) * 1000.0
            self._timer.start(int(max(0.0, REFRESH_MS - since)))

    def refresh(self) -> None:
        """Show the current moment (eleven cells per run, only text that changed)."""
        self._last = time.perf_counter()
        s = self.moment
        self._sync_columns()
        for i in RAW_ROWS:
            if self.table.isRowHidden(i) != s.transform.identity:
                self.table.setRowHidden(i, s.transform.identity)
        for j in range(len(s.runs)):
            values = run_values(s, j, lambda w, b: float(s.surface.loss(w, b)))
            for i, row in enumerate(ROWS):
                item = self._items[j][i]
                value = values[row.key]
                if item.text() != value:
                    item.setText(value)
                    item.setData(FULL_ROLE, full_text(value))
                    item.setToolTip(full_text(value))
        self._fit_columns()

    def as_text(self, cells: set[tuple[int, int]] | None = None) -> str:
        """Tab-separated rows with a header of run names (only ``cells`` if given)."""
        rows = [r for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)] if cells is None \
            else sorted({r for r, _ in cells})
        cols = range(self.table.columnCount()) if cells is None else sorted({c for _, c in cells})
        header = ["quantity", *(self.table.horizontalHeaderItem(c).text() for c in cols)]
        lines = ["\t".join(header)]
        for r in rows:
            texts = [self._full(r, c) if cells is None or (r, c) in cells else "" for c in cols]
            lines.append("\t".join([ROWS[r].label, *texts]))
        return "\n".join(lines) + "\n"

    def _full(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        full = item.data(FULL_ROLE)
        return full if isinstance(full, str) and full else item.text()

    def copy_all(self) -> str:
        text = self.as_text()
        QGuiApplication.clipboard().setText(text)
        return text

    def copy_selection(self) -> str:
        cells = {(i.row(), i.column()) for i in self.table.selectedIndexes()}
        text = self.as_text(cells or None)
        QGuiApplication.clipboard().setText(text)
        return text
