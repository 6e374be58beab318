"""The open session as a document: its file, its title, and undoable replacement.

Why: picking a preset in an opened lesson used to keep the lesson's file name, so accepting
"Save" at quit overwrote the lesson with the preset, and the lesson's CSV points were gone
with no undo. Now anything that replaces the data or the runs (a preset, File → New, a data
file, new synthetic data) is one ``ReplaceSession`` command on the window's undo stack, and
detaches the window from its file: the title says "untitled" with the modified mark, and Save
asks for a name. Undo puts back the data, the runs and the file the window was attached to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QUndoCommand

from gdviewer.core.session_file import SessionSpec

#: What a state of the document is: the session spec and the file it belongs to (None: untitled).
State = tuple[SessionSpec, Path | None]


class ReplaceSession(QUndoCommand):
    """Replace the whole session; undo brings back the one before, with its file.

    ``done``: the change has already happened (a data file loaded in the background), so the
    first ``redo`` (QUndoStack.push calls it) does nothing.
    """

    def __init__(self, apply: Callable[[SessionSpec, Path | None], None], before: State, after: State,
                 text: str, done: bool = False) -> None:
        super().__init__(text)
        self._apply = apply
        self.before, self.after = before, after
        self._skip = done

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._apply(*self.after)

    def undo(self) -> None:
        self._apply(*self.before)


def window_title(path: Path | None, data_name: str | None = None) -> str:
    """``lesson.json[*] — gdviewer`` (Qt shows ``*`` in place of ``[*]`` when modified);
    data from a file is named too: ``untitled[*] · points.csv — gdviewer``."""
    name = path.name if path is not None else "untitled"
    data = f" · {data_name}" if data_name and data_name not in ("synthetic", name) else ""
    return f"{name}[*]{data} — gdviewer"


def quit_question(path: Path | None) -> str:
    """The text of the question at quit: which file Save writes, or that it asks for a name."""
    if path is not None:
        return f"Save the changes to “{path.name}” before quitting?\n\nSave writes {path}."
    return ("This session is not saved in a file. Save it before quitting?\n\n"
            "Save asks for a file name; it never overwrites a file without asking.")
