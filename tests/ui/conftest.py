"""Fixtures for the window tests: a MainWindow with its own settings file, auto-confirm,
and a check that no training thread outlives a test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings

from gdviewer.ui.main_window import MainWindow
from gdviewer.ui.theme import apply_plot_theme


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "gdviewer.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, settings) -> Iterator:
    apply_plot_theme()
    windows: list[MainWindow] = []

    def make(**kwargs) -> MainWindow:
        window = MainWindow(settings=kwargs.pop("settings", settings), **kwargs)
        window.questions.quiet = True
        window.questions.confirm = lambda _title, _text: True
        window.questions.ask_unsaved = lambda _path: "discard"
        if window.settings is None or window.settings.value("playback/speed") is None:
            window.playback.set_speed(0)  # tests train at full speed; the lesson pace has its own test
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.view_options.restore_application()  # the next test starts with the app's own look
        assert not window.session.thread_running, "a training thread outlived the test"


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


def wait_state(qtbot, window: MainWindow, *states: str, timeout: int = 30000) -> None:
    qtbot.waitUntil(lambda: window.session.state in states, timeout=timeout)
