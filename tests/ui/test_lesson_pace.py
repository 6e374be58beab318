"""Issue 12: a fresh start trains at a pace a class can follow; max speed is one click away;
with several runs the speed is each run's and the label says so."""

from __future__ import annotations

import time

from PySide6.QtCore import QSettings

from gdviewer.ui.controls.playback_controls import DEFAULT_SPEED
from gdviewer.ui.main_window import MainWindow
from gdviewer.ui.session import FINISHED


def test_a_fresh_window_trains_the_tutorial_batch_run_over_seconds(qtbot, tmp_path):
    window = MainWindow(settings=QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window.playback.speed == DEFAULT_SPEED == 10
    assert window.session.speed == DEFAULT_SPEED
    assert window.playback.label.toolTip() == "10 steps/s"
    start = time.monotonic()
    window.session.play()
    qtbot.waitUntil(lambda: window.session.state == FINISHED, timeout=20000)
    assert time.monotonic() - start >= 1.5  # 20 steps at 10 a second: a class sees each one
    window.close()


def test_max_speed_is_one_click_away_and_back(qtbot, window):
    window.playback.set_speed(DEFAULT_SPEED)
    window.playback.max_button.click()
    assert window.playback.speed == 0 and window.session.speed == 0
    assert window.playback.label.toolTip() == "max speed" and window.playback.max_button.isChecked()
    window.playback.max_button.click()
    assert window.playback.speed == DEFAULT_SPEED and window.session.speed == DEFAULT_SPEED


def test_with_several_runs_the_speed_is_per_run(qtbot, window):
    window.playback.set_speed(20)
    window.session.roster.add()
    window.session.roster.add()
    assert window.playback.label.toolTip() == "20 steps/s per run"
    window.session.play()
    qtbot.waitUntil(lambda: window.session._training.active, timeout=5000)
    assert window.session._training.speed == 60  # three runs, 20 steps a second each
    window.session.pause()
