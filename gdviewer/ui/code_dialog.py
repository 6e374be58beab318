"""'Show as PyTorch code': the current run as a short script, to copy or save."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdviewer.core.atomic_write import write_atomically


class CodeDialog(QDialog):
    """Shows ``code`` read-only with Copy and Save buttons."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("This run as PyTorch code")
        self.code = code
        intro = QLabel("A plain PyTorch script that does exactly this run: the same data, batches, "
                       "optimiser and learning rate. Run it with <code>python run.py</code>.")
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(code)
        self.editor.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF())  # as large as the rest: zoom and presentation mode
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setAccessibleName("PyTorch code")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the script to the clipboard")
        self.save_button = QPushButton("Save…")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self._save_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copy_button.setText("Copied ✓")

    def _save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save script", "gdviewer_run.py", "Python (*.py)")
        if path:
            self.save(path)

    def save(self, path: str | Path) -> None:
        write_atomically(path, self.code)  # complete or not at all
