"""Helpers for the GUI sections: an offscreen window, repaint counting, stall probing."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication


def application() -> QApplication:
    from PySide6.QtCore import qInstallMessageHandler

    from gdviewer.ui.app import _qt_message_handler

    qInstallMessageHandler(_qt_message_handler)
    return QApplication.instance() or QApplication([])


def make_window(size: tuple[int, int] = (1360, 860)):
    from gdviewer.ui.app import make_main_window
    from gdviewer.ui.theme import apply_plot_theme

    apply_plot_theme()
    window = make_main_window()
    window.playback.set_speed(0)  # measured at full speed, not the lesson pace
    window.questions.quiet = True
    window.questions.confirm = lambda _t, _x: True
    window.ask_on_close = False
    window.resize(*size)
    window.show()
    QApplication.processEvents()
    return window


class RepaintCounter(QObject):
    """Counts actual Paint events of each panel's plot viewport."""

    def __init__(self, window) -> None:
        super().__init__()
        self.counts = {type(p).__name__: 0 for p in window.panels}
        self._names = {}
        for panel in window.panels:
            viewport = panel.plot_widget.viewport()
            self._names[viewport] = type(panel).__name__
            viewport.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and obj in self._names:
            self.counts[self._names[obj]] += 1
        return False

    def reset(self) -> None:
        for k in self.counts:
            self.counts[k] = 0


class StallProbe(QObject):
    """A GUI-thread timer every ``interval_ms``; the longest gap between ticks, beyond the
    interval itself, is the longest time the GUI thread could not answer."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.interval = interval_ms / 1000.0
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - self.interval)
        self._last = now

    @property
    def longest_ms(self) -> float:
        return max(0.0, self.longest * 1000.0)


def wait_for(signal, timeout_s: float = 300.0) -> None:
    """Run the event loop until ``signal`` fires (or the timeout)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def run_events(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
