"""The window's dialogs that show something and go: the PyTorch code, the learning-rate sweep,
the keyboard shortcuts, About."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from gdviewer import __version__
from gdviewer.core.codegen import pytorch_script
from gdviewer.core.errors import ConfigError
from gdviewer.ui.code_dialog import CodeDialog
from gdviewer.ui.session import Session
from gdviewer.ui.shortcuts_dialog import ShortcutsDialog
from gdviewer.ui.sweep_view import SweepDialog
from gdviewer.ui.theme import PlotStyle


class Dialogs:
    """Opens the dialogs over ``window``; a rate picked on the sweep becomes a new run
    (``may_interrupt`` asks first, ``say`` reports)."""

    def __init__(self, window: QMainWindow, session: Session, plot_style: Callable[[], PlotStyle],
                 may_interrupt: Callable[[str], bool], say: Callable[[str, int], None]) -> None:
        self.window = window
        self.session = session
        self.plot_style = plot_style
        self.may_interrupt = may_interrupt
        self.say = say

    def _open(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.window)
        self._open(dialog)
        return dialog

    def code(self) -> CodeDialog:
        s = self.session
        data = s.data_config if s.raw_dataset.source == "synthetic" else None
        dialog = CodeDialog(pytorch_script(s.run_config, data, s.raw_dataset, s.transform), self.window)
        self._open(dialog)
        return dialog

    def sweep(self) -> SweepDialog:
        dialog = SweepDialog(self.session, self.window)
        dialog.learning_rate_chosen.connect(self.use_learning_rate)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.apply_style(self.plot_style())
        dialog.show()
        dialog.run_sweep()
        return dialog

    def use_learning_rate(self, lr: float) -> None:
        """A point clicked on the sweep becomes a new run in the run list."""
        if not self.may_interrupt("Adding a run"):
            return
        lr = float(f"{lr:.4g}")
        try:
            self.session.roster.add(self.session.run_config.with_changes(lr=lr), name=f"lr {lr:g}")
        except ConfigError as exc:
            self.say(str(exc), 6000)
            return
        self.say(f"Added a run with learning rate {lr:g} from the sweep", 5000)

    def about(self) -> None:
        import pyqtgraph
        import torch
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        QMessageBox.about(self.window, "About gdviewer",
                          f"<b>gdviewer {__version__}</b><br>Watch gradient descent train a PyTorch model, live."
                          f"<br><br>torch {torch.__version__}<br>Qt {qVersion()} (PySide6 {pyside_version})"
                          f"<br>pyqtgraph {pyqtgraph.__version__}")
