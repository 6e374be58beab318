"""Help → Keyboard shortcuts: a cheat sheet made from the window's own actions.

Built from the QActions each time it opens, so it can never disagree with what the keys do:
grouped by the menu an action sits in, with the shortcut as the platform writes it (Ctrl on
Linux and Windows, ⌘ on macOS) and the action's one-line explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: What the mouse does, which no action lists.
MOUSE_GESTURES = (
    ("Click the loss surface", "Start the run from that point (w₀, b₀)"),
    ("Hover over the loss surface", "Read the loss at (w, b) under the pointer"),
    ("Drag / wheel on a plot", "Pan / zoom that plot; right-click for its menu (View All)"),
    ("Edit points: click / drag / right-click", "Add / move / remove a data point (Ctrl+Z undoes)"),
    ("Click a point on the sweep plot", "Add a run with that learning rate"),
    ("Drop a .csv or .json file on the window", "Open it as data or as a session"),
)


@dataclass(frozen=True)
class Shortcut:
    group: str
    name: str
    keys: str
    tip: str


def _clean(text: str) -> str:
    return text.replace("&", "").rstrip("…").strip()


def window_shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every action of the window that has a shortcut, grouped by its menu (menus first,
    in menu-bar order; actions in no menu under 'Other')."""
    seen: set[int] = set()
    found: list[Shortcut] = []

    def visit(menu: QMenu, group: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                visit(action.menu(), group)
            elif not action.isSeparator():
                add(action, group)

    def add(action: QAction, group: str) -> None:
        if id(action) in seen or not action.shortcuts():
            return
        seen.add(id(action))
        keys = " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        found.append(Shortcut(group, _clean(action.text()), keys, action.statusTip() or action.toolTip()))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            visit(top.menu(), _clean(top.text()))
    for action in window.actions():
        add(action, "Other")
    for action in window.findChildren(QAction):  # shortcuts that work inside one widget
        owner = action.parent()
        if isinstance(owner, QWidget) and owner is not window and owner.accessibleName():
            add(action, f"In the {owner.accessibleName().lower()}")
    return found


class ShortcutsDialog(QDialog):
    """A searchable-by-eye tree: menu → action, keys, what it does; then the mouse."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Action", "Keys", "What it does"])
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setWordWrap(True)
        self.shortcuts = window_shortcuts(window)
        groups: dict[str, QTreeWidgetItem] = {}
        for sc in self.shortcuts:
            if sc.group not in groups:
                groups[sc.group] = self._group(sc.group)
            item = QTreeWidgetItem(groups[sc.group], [sc.name, sc.keys, sc.tip])
            item.setToolTip(2, sc.tip)  # the whole sentence where the column cuts it
        mouse = self._group("Mouse")
        for gesture, effect in MOUSE_GESTURES:
            QTreeWidgetItem(mouse, [gesture, "", effect])
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        note = QLabel("Every command is in a menu too: Alt and the underlined letter opens it; "
                      "Tab moves between controls.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(900, 660)

    def _group(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        return item
