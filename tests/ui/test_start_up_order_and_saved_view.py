"""Start-up order (recovery question, files, the tour), saved view settings of any kind,
readouts that catch up, presentation mode's geometry, contrast of run colours, web links."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog

from gdviewer.ui import app as app_module
from gdviewer.ui.readouts import ROWS
from gdviewer.ui.theme import DARK_PLOTS, LIGHT_PLOTS, MIN_CONTRAST, Appearance, contrast, readable_colour

from .conftest import wait_state


@pytest.mark.parametrize("theme, zoom, expected", [
    ("dark", "nan", Appearance("dark", 1.0)),
    ("abc", "abc", Appearance()),
    ("light", "1e400", Appearance("light", 1.0)),
    ("light", "-inf", Appearance("light", 1.0)),
    (QByteArray(b"dark"), "100", Appearance("system", 3.0)),
    (None, None, Appearance()),
    ("dark", "1.25", Appearance("dark", 1.25)),
])
def test_saved_view_settings_of_any_kind_never_stop_the_window(make_window, settings, theme, zoom, expected):
    settings.setValue("view/theme", theme)
    settings.setValue("view/zoom", zoom)
    window = make_window(settings=settings)
    assert window.view_options.appearance == expected


@pytest.mark.parametrize("colour", ["#F0E442", "#E69F00", "#56B4E9", "#000000", "#FFFFFF", "#0072B2"])
@pytest.mark.parametrize("style", [LIGHT_PLOTS, DARK_PLOTS])
def test_run_colours_keep_their_contrast_on_either_background(colour, style):
    shown = readable_colour(colour, style.background)
    assert contrast(shown, style.background) >= MIN_CONTRAST
    if contrast(colour, style.background) >= MIN_CONTRAST:
        assert shown == colour  # a colour that reads is left alone


def test_readouts_catch_up_when_shown_again(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    dock = window.docks["readouts"]
    dock.hide()
    window.session.step(7)
    qtbot.waitUntil(lambda: window.session.steps_done == 7)
    window.redraw()
    dock.show()
    step_row = [r.key for r in ROWS].index("step")
    qtbot.waitUntil(lambda: window.readouts.table.item(step_row, 0).text().startswith("7/"))


def test_readout_refreshes_are_merged(qtbot, window):
    calls = []
    table = window.readouts
    original = table.refresh
    table.refresh = lambda: (calls.append(1), original())[1]
    table._timer.timeout.disconnect()
    table._timer.timeout.connect(table.refresh)
    for _ in range(50):
        table.request_refresh()
    qtbot.wait(250)
    assert 1 <= len(calls) <= 3


def test_closing_in_presentation_mode_saves_the_window_as_it_was(make_window, settings):
    first = make_window(settings=settings)
    first.resize(900, 700)
    before = first.saveGeometry()
    first.view_options.set_presentation(True)
    assert first.saveGeometry() != before  # full screen now
    first.close()
    first.view_options.restore_application()
    assert settings.value("window/geometry") == before
    second = make_window(settings=settings)
    assert second.docks["controls"].isVisible() and not second.isFullScreen()


def test_web_links_in_help_open_in_the_browser(monkeypatch, window):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    window.help_panel._on_link(QUrl("https://pytorch.org/docs"))
    assert opened == [QUrl("https://pytorch.org/docs")]
    window.help_panel._on_link(QUrl("zigzag.md"))
    assert window.help_panel.current_topic == "zigzag" and len(opened) == 1


def start_after_a_crash(window, tmp_path, restore: bool, run: bool) -> None:
    """A recovery file from a crash (lr 0.0123), then start-up asked to open a 3-point CSV."""
    window.autosave.path = tmp_path / "recovery.json"
    data = window.document.current_spec().to_dict()
    data["runs"][0]["run"]["lr"] = 0.0123
    window.autosave.path.write_text(json.dumps(data), encoding="utf-8")
    csv = tmp_path / "points.csv"
    csv.write_text("1,2\n2,4\n3,7\n", encoding="utf-8")
    window.questions.ask_restore = lambda: restore
    app_module._start_up(window, None, str(csv), run=run, tour_step=None, first_tour=False)


def test_a_file_asked_for_at_start_waits_for_the_recovery_question(qtbot, window, tmp_path):
    start_after_a_crash(window, tmp_path, restore=True, run=False)
    assert window.session.run_config.lr == 0.0123  # the lost session is back…
    assert window.session.dataset.n != 3 and "points.csv was not opened" in window.banner.label.text()


def test_declining_recovery_opens_the_file_and_runs(qtbot, window, tmp_path):
    start_after_a_crash(window, tmp_path, restore=False, run=True)
    qtbot.waitUntil(lambda: window.session.dataset.n == 3)
    wait_state(qtbot, window, "finished")
    assert not window.autosave.path.exists()


def test_the_first_run_tour_waits_for_open_dialogs(qtbot, window):
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    window.start_tour_when_idle(retry_ms=50)
    qtbot.wait(200)
    assert window.tour is None  # not over the question
    dialog.close()
    qtbot.waitUntil(lambda: window.tour is not None and window.tour.running)
    window.tour.skip()


def test_a_maximised_window_is_maximised_again_after_presentation_mode(qtbot, window):
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.view_options.set_presentation(True)
    qtbot.waitUntil(window.isFullScreen)
    window.view_options.set_presentation(False)
    qtbot.waitUntil(window.isMaximized)
    assert not window.isFullScreen()


def test_esc_cancels_a_load_before_it_leaves_presentation_mode(monkeypatch, window):
    from gdviewer.ui.data_loader import CsvLoader

    cancelled = []
    monkeypatch.setattr(window.document, "cancel_loading", lambda: cancelled.append(True))
    window.view_options.set_presentation(True)
    monkeypatch.setattr(CsvLoader, "busy", property(lambda self: True))
    window.escape()
    assert cancelled and window.view_options.presenting
    monkeypatch.setattr(CsvLoader, "busy", property(lambda self: False))
    window.escape()
    assert not window.view_options.presenting and len(cancelled) == 1
