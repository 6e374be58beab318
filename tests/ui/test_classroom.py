"""Classroom features in the real window: help panel, "?" buttons, tour, icons, command line."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QToolButton

from gdviewer.ui.help_panel import PANEL_TOPICS
from gdviewer.ui.icons import icon
from gdviewer.ui.session import RUNNING
from gdviewer.ui.tour import TOUR_SEEN_KEY, tour_seen

from .test_app import run_gdviewer


def mean_lightness(path) -> float:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
    ptr = image.constBits()
    data = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes()).reshape(image.height(), -1)
    return float(data[:, : image.width()].mean())


def test_f1_opens_the_help_panel_and_each_panel_has_a_help_button(qtbot, window):
    dock = window.docks["help"]
    assert not dock.isVisible()
    window.activateWindow()
    window.surface_panel.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert dock.isVisible()
    dock.hide()
    for key, panel in (("surface", window.surface_panel), ("data", window.data_panel),
                       ("loss", window.loss_panel), ("parameters", window.parameters_panel)):
        buttons = [b for b in panel.header.findChildren(QToolButton) if b.text() == "?"]
        assert len(buttons) == 1, key
        assert buttons[0].toolTip() and buttons[0].accessibleName().startswith("Help:")
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
        assert dock.isVisible()
        assert window.help_panel.current_topic == PANEL_TOPICS[key]


def test_tour_runs_over_the_window_and_is_remembered(qtbot, window, settings):
    assert not tour_seen(settings)
    tour = window.start_tour()
    assert tour.running and window.start_tour() is tour  # one tour at a time
    for _ in range(len(tour.steps)):
        qtbot.keyClick(tour.bubble.next_button, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: not tour.running)
    assert tour_seen(settings) and settings.value(TOUR_SEEN_KEY) in (True, "true")
    again = window.start_tour()  # reopened from Help → Tour
    assert again is not tour and again.running
    qtbot.keyClick(again.bubble.next_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not again.running)


def test_play_icon_turns_into_pause_while_running(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.playback.set_speed(50)
    window.session.set_speed(50)
    assert window.commands.play.icon().cacheKey() == icon("play").cacheKey()
    window.session.play()
    qtbot.waitUntil(lambda: window.session.state == RUNNING)
    assert window.commands.play.icon().cacheKey() == icon("pause").cacheKey()
    window.session.pause()
    assert window.commands.play.icon().cacheKey() == icon("play").cacheKey()


def test_icons_follow_the_theme(window):
    window.view_options.set_theme("light")
    light = window.commands.step.icon().cacheKey()
    window.view_options.set_theme("dark")
    assert window.commands.step.icon().cacheKey() != light
    window.view_options.set_theme("light")
    assert window.commands.step.icon().cacheKey() == light


def test_dark_theme_and_zoom_from_the_command_line(tmp_path):
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    for theme, out in (("light", light), ("dark", dark)):
        result = run_gdviewer("--theme", theme, "--zoom", "1.5", "--screenshot", str(out), "--size", "900x600")
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert mean_lightness(dark) < 110 < 180 < mean_lightness(light)


def test_tour_and_help_topic_from_the_command_line(tmp_path):
    plain, toured, helped = tmp_path / "plain.png", tmp_path / "tour.png", tmp_path / "help.png"
    for args, out in (([], plain), (["--tour", "1"], toured), (["--help-topic", "zigzag"], helped)):
        result = run_gdviewer("--theme", "light", *args, "--screenshot", str(out), "--size", "900x600")
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert mean_lightness(toured) < mean_lightness(plain) - 40  # the welcome step dims the whole window
    assert QImage(str(helped)) != QImage(str(plain))


@pytest.mark.parametrize("args, message", [
    (["--help-topic", "nonsense"], "unknown help topic"),
    (["--zoom", "9"], "zoom must be between"),
    (["--theme", "purple"], "invalid choice"),
    (["/no/such/file.csv"], "no such file"),
])
def test_bad_classroom_arguments_exit_2(args, message):
    result = run_gdviewer(*args, "--screenshot", "/tmp/never-written.png")
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_file_on_the_command_line_is_opened(tmp_path):
    csv = tmp_path / "points.csv"
    csv.write_text("x,y\n" + "".join(f"{x},{3 * x + 1}\n" for x in range(-5, 6)), encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = run_gdviewer(str(csv), "--screenshot", str(shot), "--size", "900x600")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert shot.exists()


def test_settings_explain_links_open_their_topics(window):
    from PySide6.QtWidgets import QLabel

    label = next(lab for lab in window.findChildren(QLabel) if lab.accessibleName() == "Explain the settings")
    for topic in ("batches", "learning-rate", "optimisers"):
        assert f'href="{topic}"' in label.text()
        label.linkActivated.emit(topic)
        assert window.help_panel.current_topic == topic and window.docks["help"].isVisibleTo(window)
    label.linkActivated.emit("nonsense")  # an unknown topic changes nothing
    assert window.help_panel.current_topic == "optimisers"
