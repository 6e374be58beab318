"""The run list: add, duplicate, remove, rename and colour runs; choose the shared clock."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from gdviewer.core.config import ALGORITHM_LABELS, OPTIMIZER_LABELS
from gdviewer.core.errors import ConfigError
from gdviewer.core.roster import MAX_RUNS
from gdviewer.ui.session import Session

CLOCK_CHOICES = (
    ("epoch", "per epoch"),
    ("step", "per step"),
    ("samples", "per samples seen"),
)


@lru_cache(maxsize=64)
def swatch(colour: str) -> QIcon:
    """One icon per colour, reused: a new QIcon per refresh would add a new entry to Qt's
    pixmap cache each time (it keeps scaled icon pixmaps by icon), growing it to its limit."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class RunList(QGroupBox):
    """Lists the session's runs; the selected one is edited by the run controls."""

    message = Signal(str)

    def __init__(self, session: Session, may_reset: Callable[[str], bool] = lambda _what: True,
                 parent: QWidget | None = None) -> None:
        """``may_reset(what)``: asks before ``what`` resets a run under way (True: go on)."""
        super().__init__("Runs", parent)
        self.session = session
        self.list = QListWidget()
        self.list.setAccessibleName("Runs")
        self.list.setToolTip("Every run trains on the same data at the same time. Select one to edit it; "
                             "double-click a name to rename it.")
        self.list.setMaximumHeight(150)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("A new run with the selected run's settings")
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.setToolTip("A copy of the selected run: change one setting to see what it alone does")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected run from the race (the last run stays)")
        self.colour_button = QPushButton("Colour…")
        self.colour_button.setToolTip("The selected run's colour on every panel")
        self.clock = QComboBox()
        for key, label in CLOCK_CHOICES:
            self.clock.addItem(label, key)
        self.clock.setAccessibleName("Shared clock")
        self.clock.setToolTip("How runs line up: the same number of epochs, of steps, or of samples seen "
                              "(gradient evaluations: the fair cost axis)")
        grid = QGridLayout(self)
        grid.addWidget(self.list, 0, 0, 1, 2)
        for k, button in enumerate((self.add_button, self.duplicate_button, self.remove_button,
                                    self.colour_button)):
            grid.addWidget(button, 1 + k // 2, k % 2)
        grid.addWidget(QLabel("Runs line up"), 3, 0)
        grid.addWidget(self.clock, 3, 1)
        self.add_button.clicked.connect(self.add)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.remove_button.clicked.connect(self.remove)
        self.colour_button.clicked.connect(self.choose_colour)
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemChanged.connect(self._on_item_changed)
        self.clock.currentIndexChanged.connect(self._on_clock)
        self._syncing = False
        #: asked before an action resets a race under way (the window sets it); True: go on
        self.may_reset = may_reset
        self.sync()

    def _guard(self, action) -> None:
        try:
            action()
        except ConfigError as exc:
            self.message.emit(str(exc))

    def add(self) -> None:
        if self.may_reset("Adding a run"):
            self._guard(lambda: self.session.roster.add())

    def duplicate(self) -> None:
        if self.may_reset("Duplicating a run"):
            self._guard(lambda: self.session.roster.duplicate(self.session.selected))

    def remove(self) -> None:
        if self.may_reset("Removing a run"):
            self.session.roster.remove(self.session.selected)

    def _on_clock(self, _index: int) -> None:
        if self._syncing:
            return
        if self.may_reset("Changing how runs line up"):
            self.session.roster.set_clock(self.clock.currentData())
        else:
            self.sync()

    def choose_colour(self) -> None:
        s = self.session
        colour = QColorDialog.getColor(QColor(s.run.colour), self, f"Colour of {s.run.name}")
        if colour.isValid():
            s.roster.recolour(s.selected, colour.name())

    def sync(self) -> None:
        """Show the session's runs (names, colours, settings) and its clock."""
        s = self.session
        self._syncing = True
        try:
            self.list.clear()
            for run in s.runs:
                c = run.config
                item = QListWidgetItem(swatch(run.colour), run.name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(f"{ALGORITHM_LABELS[c.algorithm]}, {OPTIMIZER_LABELS[c.optimizer]}, lr {c.lr:g}")
                self.list.addItem(item)
            self.list.setCurrentRow(s.selected)
            self.clock.setCurrentIndex(self.clock.findData(s.clock))
        finally:
            self._syncing = False
        self.remove_button.setEnabled(len(s.runs) > 1)
        self.add_button.setEnabled(len(s.runs) < MAX_RUNS)
        self.duplicate_button.setEnabled(len(s.runs) < MAX_RUNS)

    def _on_row(self, row: int) -> None:
        if not self._syncing and row >= 0:
            self.session.roster.select(row)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._syncing:
            self.session.roster.rename(self.list.row(item), item.text())
