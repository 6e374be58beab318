"""The window's actions: text, shortcut, tooltip and what each does, in one table.

Actions belong to the window (``owner``), so their shortcuts work wherever the focus is;
menus, the toolbar, the shortcuts page and the view options take them from here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from gdviewer.ui.help_panel import HELP_PANEL_TITLE

Slot = Callable[..., object]


class ActionTable:
    """Makes actions owned by ``owner`` (the view options add theirs here too)."""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner

    def add(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | Qt.Key | str | None,
            slot: Slot, tip: str) -> QAction:
        action = QAction(text, self.owner)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.owner.addAction(action)
        return action


class WindowActions:
    """Every command of the window's menus and toolbar; ``slots`` maps each name to what it
    does (the window wires them to its parts)."""

    def __init__(self, table: ActionTable, slots: dict[str, Slot], undo_stack: QUndoStack) -> None:
        add = table.add
        k, std = Qt.Key, QKeySequence.StandardKey
        self.play = add("Play", k.Key_Space, slots["play"], "Train: play or pause")
        self.step = add("Step", k.Key_Right, slots["step"],
                        "Take one gradient step, then pause (when replaying: one step later)")
        self.back = add("Step back (replay)", k.Key_Left, slots["back"],
                        "Show the step before, when paused or finished")
        self.step_epoch = add("Step epoch", QKeySequence(Qt.Modifier.SHIFT | k.Key_Right), slots["step_epoch"],
                              "Run to the end of the epoch, then pause")
        self.reset = add("Reset", k.Key_R, slots["reset"], "Back to the start point; clears the run")
        self.open = add("Open…", std.Open, slots["open"], "Open a session (.json) or a data file (.csv)")
        self.save = add("Save session…", std.Save, slots["save"], "Save the data and run settings to a session file")
        self.new = add("New session", std.New, slots["new"],
                       "The tutorial's data and run, untitled (Ctrl+Z brings back what was there)")
        self.save_as = add("Save session as…", std.SaveAs, slots["save_as"], "Save the session to a new file")
        self.screenshot = add("Whole window as PNG…", None, slots["screenshot"], "Save the whole window as a PNG image")
        self.animation = add("Animation (GIF or MP4)…", None, slots["animation"],
                             "The run replayed step by step, for slides")
        self.export_history = add("Run histories as CSV…", None, slots["export_history"],
                                  "Every step of every run: one CSV row per step")
        self.quit = add("Quit", std.Quit, slots["quit"], "Quit gdviewer")
        self.reset_layout = add("Reset layout", None, slots["reset_layout"], "Put the panels back where they started")
        self.about = add("About gdviewer", None, slots["about"], "Versions and credits")
        self.shortcuts = add("Keyboard shortcuts…", QKeySequence("Ctrl+/"), slots["shortcuts"],
                             "Every shortcut and mouse gesture on one page")
        self.help = add(HELP_PANEL_TITLE, std.HelpContents, slots["help"],
                        "What each panel shows, why SGD zig-zags, what the learning rate does")
        self.tour = add("Tour", None, slots["tour"], "A one-minute guided tour of the window")
        self.code = add("Show as PyTorch code…", QKeySequence("Ctrl+Shift+C"), slots["code"],
                        "The current run as a short PyTorch script")
        self.sweep = add("Sweep learning rate…", QKeySequence("Ctrl+L"), slots["sweep"],
                         "Final loss against learning rate for many runs, trained together")
        self.undo = undo_stack.createUndoAction(table.owner, "Undo")
        self.undo.setShortcut(std.Undo)
        self.redo = undo_stack.createRedoAction(table.owner, "Redo")
        self.redo.setShortcut(std.Redo)
        for action in (self.undo, self.redo):
            table.owner.addAction(action)
        self.delete_point = add("Delete point", std.Delete, slots["delete_point"], "Remove the selected data point")
        self.cancel = add("Cancel", k.Key_Escape, slots["escape"],
                          "Stop loading a data file, or leave presentation mode")
