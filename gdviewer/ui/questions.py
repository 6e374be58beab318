"""Every question the window asks the user, in one object: tests (and the command line's
screenshots) replace its methods instead of clicking dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gdviewer.ui.data_loader import ColumnDialog


def quit_question(path: Path | None) -> str:
    """The text of the question at quit: which file Save writes, or that it asks for a name."""
    if path is not None:
        return f"Save the changes to “{path.name}” before quitting?\n\nSave writes {path}."
    return ("This session is not saved in a file. Save it before quitting?\n\n"
            "Save asks for a file name; it never overwrites a file without asking.")


class Questions:
    """Yes/no, save/discard/cancel, which columns; ``quiet`` keeps error dialogs closed
    (screenshots, benchmarks, tests: the status bar and banner still say what happened)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.quiet = False

    def confirm(self, title: str, text: str) -> bool:
        """A yes/no question; True for yes."""
        return QMessageBox.question(self.parent, title, text) == QMessageBox.StandardButton.Yes

    def ask_unsaved(self, path: Path | None) -> str:
        """'save', 'discard' or 'cancel' for the changes not yet saved to ``path``."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", quit_question(path),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.parent)
        answer = QMessageBox.StandardButton(box.exec())
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def ask_restore(self) -> bool:
        """Restore the session a crash left behind?"""
        return self.confirm("Restore the last session?",
                            "gdviewer did not close normally last time. Restore the session it was showing?")

    def choose_columns(self, name: str, columns: list[str],
                       default: tuple[int, int] = (0, 1)) -> tuple[int, int] | None:
        """Which columns of ``name`` are x and y, ``default`` proposed; None: cancelled."""
        return ColumnDialog.ask(self.parent, name, columns, default)

    def ask_open_path(self) -> str:
        """A session or data file to open ("" when cancelled)."""
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open session or data", "",
                                              "Sessions and data (*.json *.csv *.txt *.tsv);;All files (*)")
        return path

    def ask_lesson_path(self) -> str:
        """A lesson file to open ("" when cancelled)."""
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open lesson", "", "gdviewer lessons (*.yaml *.yml);;"
                                              "All files (*)")
        return path

    def ask_lesson_step_path(self) -> str:
        """The lesson a captured step is added to: an existing one (added at its end, never
        replaced) or a new file ("" when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(self.parent, "Add this setup to a lesson", "lesson.yaml",
                                              "gdviewer lessons (*.yaml *.yml)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        return path

    def ask_save_path(self, title: str, proposed: str) -> str:
        """Where to save a session ("" when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(self.parent, title, proposed, "gdviewer session (*.json)")
        return path

    def show_error(self, title: str, text: str, details: str = "") -> None:
        """An error the user should see now (not when ``quiet``)."""
        if self.quiet or not self.parent.isVisible():
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.parent)
        if details:
            box.setDetailedText(details)
        box.open()
