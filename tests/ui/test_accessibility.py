"""Keyboard and screen-reader access: shortcuts unique and listed, every control explained."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QScrollBar,
    QWidget,
)

from gdviewer.ui.shortcuts_dialog import ShortcutsDialog, window_shortcuts

CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSlider, QListWidget)


def own_controls(window) -> list[QWidget]:
    """Interactive widgets gdviewer made (not Qt's dock buttons, headers and scroll bars)."""
    return [w for w in window.findChildren(QWidget)
            if isinstance(w, CONTROLS) and not isinstance(w, (QScrollBar, QHeaderView))
            and not w.objectName().startswith("qt_") and w.isVisibleTo(window)]


def test_no_two_actions_share_a_shortcut(window):
    keys = [k.toString() for a in window.actions() for k in a.shortcuts()]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates, f"ambiguous shortcuts: {duplicates}"


def test_the_main_commands_have_shortcuts(window):
    expected = {
        window.commands.play: "Space", window.commands.step: "Right", window.commands.reset: "R",
        window.view_options.presentation_action: "F11", window.view_options.zoom_in_action: "Ctrl++",
        window.view_options.zoom_out_action: "Ctrl+-", window.view_options.zoom_reset_action: "Ctrl+0",
        window.commands.shortcuts: "Ctrl+/",
        window.commands.open: QKeySequence(QKeySequence.StandardKey.Open).toString(),
    }
    for action, key in expected.items():
        assert key in [k.toString() for k in action.shortcuts()], action.text()


def test_cheat_sheet_lists_every_shortcut_of_the_window(qtbot, window):
    dialog = window.dialogs.shortcuts()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ShortcutsDialog)
    listed = {(sc.name, sc.keys) for sc in dialog.shortcuts}
    for action in window.findChildren(type(window.commands.play)):
        if action.shortcuts() and action.parent() is not None:
            names = {name for name, _keys in listed}
            assert action.text().replace("&", "").rstrip("…").strip() in names, action.text()
    shown = []
    for i in range(dialog.tree.topLevelItemCount()):
        group = dialog.tree.topLevelItem(i)
        shown += [group.child(j).text(0) for j in range(group.childCount())]
    assert "Play" in shown and "Presentation mode" in shown and "Click the loss surface" in shown
    groups = [sc.group for sc in window_shortcuts(window)]
    assert groups.index("File") < groups.index("Run") < groups.index("View")  # menu-bar order
    dialog.close()


def test_every_control_has_a_tooltip_and_a_name(window):
    missing = []
    for w in own_controls(window):
        text = w.text() if hasattr(w, "text") and callable(w.text) and isinstance(w, QAbstractButton) else ""
        if not w.toolTip():
            missing.append(f"{type(w).__name__} {text or w.accessibleName() or w.objectName()!r}: no tooltip")
        if not (w.accessibleName() or text):
            missing.append(f"{type(w).__name__} {w.toolTip()[:40]!r}: no accessible name")
    assert not missing, "\n".join(missing)


def test_every_action_is_in_a_menu(window):
    """Keyboard users reach everything through the menu bar (Alt + letter)."""
    in_menus: set[int] = set()

    def visit(menu) -> None:
        for a in menu.actions():
            if a.menu() is not None:
                visit(a.menu())
            in_menus.add(id(a))

    for top in window.menuBar().actions():
        visit(top.menu())
    not_in_menu = [a.text() for a in window.actions() if id(a) not in in_menus]
    assert set(not_in_menu) <= {"Step back (replay)", "Cancel"}, not_in_menu


def test_tab_moves_through_the_settings_in_reading_order(window):
    """Tab visits the settings top to bottom (the order a reader sees them)."""
    dock = window.docks["controls"].widget()
    tabbable = [w for w in dock.findChildren(QWidget)
                if w.isVisibleTo(window) and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled()
                and not isinstance(w, QScrollBar)]
    assert len(tabbable) > 8
    chain: list[QWidget] = []
    w = tabbable[0]
    for _ in range(2000):
        w = w.nextInFocusChain()
        if w in tabbable and w not in chain:
            chain.append(w)
        if len(chain) == len(tabbable):
            break
    assert len(chain) == len(tabbable)
    start = chain.index(min(chain, key=lambda x: x.mapTo(dock, x.rect().topLeft()).y()))
    chain = chain[start:] + chain[:start]
    ys = [x.mapTo(dock, x.rect().center()).y() for x in chain]
    assert ys == sorted(ys), [(type(x).__name__, x.accessibleName(), y) for x, y in zip(chain, ys, strict=True)]
