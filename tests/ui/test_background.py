"""stop_thread: the one way a worker thread is stopped, including one that overruns."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Slot

from gdviewer.ui import background
from gdviewer.ui.background import stop_thread, wait_for_background_threads


class Sleeper(QObject):
    """A worker between two cancellation checks: it cannot be stopped early."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.ended = False

    @Slot()
    def run(self) -> None:
        time.sleep(self.seconds)
        self.ended = True


def start(seconds: float) -> tuple[QThread, Sleeper]:
    worker = Sleeper(seconds)
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    thread.start()
    return thread, worker


def test_a_quick_thread_is_stopped_and_not_kept(qtbot):
    thread, worker = start(0.0)
    qtbot.waitUntil(lambda: worker.ended)
    assert stop_thread(thread, worker, 2000)
    assert thread not in background._draining


def test_an_overrunning_thread_is_kept_with_its_worker_until_it_ends(qtbot):
    thread, worker = start(0.6)
    assert not stop_thread(thread, worker, 20)  # still sleeping: not destroyed, kept
    assert thread in background._draining and thread._gdviewer_worker is worker
    del worker
    assert wait_for_background_threads(5000)
    qtbot.waitUntil(lambda: thread not in background._draining)  # dropped once finished
    assert not thread.isRunning()
