"""The menu bar and the playback toolbar, built from the window's action table.

Every menu item is an action of the table (``ui/actions.py``), so a shortcut, a toolbar
button and a menu item stay one thing; the few items made here (panel exports, presets, the
docks' show/hide toggles) call the part that does the work, handed in as ``MenuParts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from gdviewer.lessons import shipped_lessons
from gdviewer.presets import load_presets

if TYPE_CHECKING:
    from gdviewer.ui.actions import ActionTable
    from gdviewer.ui.document import Document
    from gdviewer.ui.exports import Exports
    from gdviewer.ui.lesson_mode import LessonMode
    from gdviewer.ui.view_options import ViewOptions

#: The panels File → Export offers, as (key, title).
EXPORTED_PANELS = (("surface", "Loss surface"), ("data", "Data"), ("loss", "Loss"), ("parameters", "Parameters"))


@dataclass(frozen=True)
class MenuParts:
    """What the menus call besides the action table."""

    document: Document  # recent files, presets
    exports: Exports  # panel images
    docks: dict[str, QDockWidget]  # View: show/hide each
    view_options: ViewOptions  # View: theme, zoom, presentation
    playback: QWidget  # the toolbar's controls
    preset_box: QComboBox
    lessons: LessonMode  # File → Open lesson, and the lessons that ship


@dataclass(frozen=True)
class Menus:
    recent: QMenu  # File → Open recent (filled when it opens)
    presets: dict[str, QAction]  # preset name → its menu item


def build_menus(window: QMainWindow, c: ActionTable, parts: MenuParts) -> Menus:
    """File, Edit, Run, Presets, View and Help, and the playback toolbar, on ``window``."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(c.new)
    file_menu.addAction(c.open)
    recent = file_menu.addMenu("Open &recent")
    recent.aboutToShow.connect(lambda: parts.document.fill_recent_menu(recent))
    file_menu.addAction(c.save)
    file_menu.addAction(c.save_as)
    file_menu.addSeparator()
    file_menu.addAction("Open &lesson…").triggered.connect(lambda _c=False: parts.lessons.open_dialog())
    file_menu.addAction("Save as lesson step…").triggered.connect(lambda _c=False: parts.lessons.save_as_step())
    shipped = file_menu.addMenu("Lessons")
    for path in shipped_lessons():
        title = path.stem.split("-", 1)[-1].replace("-", " ").capitalize()
        shipped.addAction(title).triggered.connect(lambda _c=False, p=path: parts.lessons.open(p))
    file_menu.addSeparator()
    export_menu = file_menu.addMenu("&Export")
    for key, title in EXPORTED_PANELS:
        for fmt in ("png", "svg"):
            action = export_menu.addAction(f"{title} panel as {fmt.upper()}…")
            action.triggered.connect(lambda _c=False, k=key, f=fmt: parts.exports.panel_dialog(k, f))
    export_menu.addSeparator()
    for a in (c.screenshot, c.export_history, c.animation):
        export_menu.addAction(a)
    file_menu.addSeparator()
    file_menu.addAction(c.quit)
    edit_menu = bar.addMenu("&Edit")
    for a in (c.undo, c.redo, c.delete_point):
        edit_menu.addAction(a)
    run_menu = bar.addMenu("&Run")
    for a in (c.play, c.step, c.step_epoch, c.reset):
        run_menu.addAction(a)
    run_menu.addSeparator()
    run_menu.addAction(c.code)
    run_menu.addAction(c.sweep)
    preset_menu = bar.addMenu("&Presets")
    presets: dict[str, QAction] = {}
    for name, spec in load_presets().items():
        action = preset_menu.addAction(name)
        action.setStatusTip(spec.description)
        action.triggered.connect(lambda _checked=False, n=name: parts.document.apply_preset(n))
        presets[name] = action
    view_menu = bar.addMenu("&View")
    for dock in parts.docks.values():
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    parts.view_options.add_to_menu(view_menu)
    view_menu.addSeparator()
    view_menu.addAction(c.reset_layout)
    help_menu = bar.addMenu("&Help")
    for a in (c.help, c.tour, c.shortcuts):
        help_menu.addAction(a)
    help_menu.addSeparator()
    help_menu.addAction(c.about)
    toolbar = QToolBar("Playback")
    toolbar.setObjectName("toolbar_playback")
    toolbar.addWidget(parts.playback)
    toolbar.addSeparator()
    toolbar.addWidget(parts.preset_box)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return Menus(recent, presets)
