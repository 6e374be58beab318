"""Theme, zoom, presentation mode and the live readouts, driven through the real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from gdviewer.ui.readouts import RAW_ROWS, ROWS
from gdviewer.ui.session import FINISHED
from gdviewer.ui.theme import (
    BASE_PLOT_FONT_PT,
    PRESENTATION_FONT_SCALE,
    ZOOM_LEVELS,
    Appearance,
    palette_is_dark,
    tone_of,
)

from .conftest import wait_state


def app_font_pt() -> float:
    return QApplication.instance().font().pointSizeF()


def tick_font_pt(panel) -> float:
    item = panel.plot_item if hasattr(panel, "plot_item") else panel.plot.getPlotItem()
    return item.getAxis("bottom").style["tickFont"].pointSizeF()


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    window.activateWindow()
    window.surface_panel.setFocus()
    qtbot.keyClick(window, key, modifier)


def test_zoom_keys_scale_the_app_font_and_every_plot(qtbot, window):
    base = app_font_pt()
    assert window.view_options.appearance.zoom == 1.0
    press(qtbot, window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view_options.appearance.zoom == 1.1
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # Ctrl+= (no Shift)
    assert window.view_options.appearance.zoom == 1.25
    assert app_font_pt() == pytest.approx(base * 1.25)
    for panel in window.panels:
        assert tick_font_pt(panel) == pytest.approx(BASE_PLOT_FONT_PT * 1.25)
        assert panel.plot_item.titleLabel.opts["size"] == f"{BASE_PLOT_FONT_PT * 1.25 * 1.15:.1f}pt"
    press(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.view_options.appearance.zoom == 1.1
    press(qtbot, window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view_options.appearance.zoom == 1.0
    assert app_font_pt() == pytest.approx(base)
    assert tick_font_pt(window.loss_panel) == pytest.approx(BASE_PLOT_FONT_PT)


def test_zoom_stops_at_its_limits(window):
    view = window.view_options
    for _ in range(len(ZOOM_LEVELS) + 2):
        view.zoom(1)
    assert view.appearance.zoom == ZOOM_LEVELS[-1]
    assert not view.zoom_in_action.isEnabled() and view.zoom_out_action.isEnabled()
    for _ in range(len(ZOOM_LEVELS) + 2):
        view.zoom(-1)
    assert view.appearance.zoom == ZOOM_LEVELS[0]
    assert not view.zoom_out_action.isEnabled()


def test_appearance_rejects_nonsense():
    with pytest.raises(ValueError, match="theme"):
        Appearance(theme="purple")
    with pytest.raises(ValueError, match="zoom"):
        Appearance(zoom=50)


def test_dark_theme_reaches_widgets_plots_and_toned_text(window):
    hint = window.run_controls.lr_hint
    assert tone_of(hint) in ("hint", "warn")
    light_hint = hint.styleSheet()
    window.view_options.set_theme("dark")
    assert palette_is_dark()
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() < 80
    for panel in window.panels:
        assert panel.plot_widget.backgroundBrush().color().lightness() < 60
        assert panel.plot_item.getAxis("left").textPen().color().lightness() > 180
    assert hint.styleSheet() != light_hint  # the hint's colour was re-toned for the dark window
    assert window.view_options.theme_actions["dark"].isChecked()
    window.view_options.set_theme("light")
    assert not palette_is_dark()
    assert window.surface_panel.plot_widget.backgroundBrush().color().lightness() > 240
    assert hint.styleSheet() == light_hint


def test_system_theme_follows_the_desktop(window):
    hints = QGuiApplication.styleHints()
    window.view_options.set_theme("system")
    assert palette_is_dark() == (hints.colorScheme() == Qt.ColorScheme.Dark)


def test_presentation_mode_is_large_thick_and_full_screen_then_restores(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    base_font = app_font_pt()
    settings_dock = window.docks["controls"]
    assert settings_dock.isVisible()
    state_before = window.saveState()
    press(qtbot, window, Qt.Key.Key_F11)
    view = window.view_options
    assert view.presenting and view.presentation_action.isChecked()
    assert window.isFullScreen()
    assert not settings_dock.isVisible()
    assert app_font_pt() == pytest.approx(base_font * PRESENTATION_FONT_SCALE)
    assert tick_font_pt(window.surface_panel) == pytest.approx(BASE_PLOT_FONT_PT * PRESENTATION_FONT_SCALE)
    assert window.data_panel.fit_line.opts["pen"].widthF() == pytest.approx(6.0)  # 3 px × 2
    assert window.parameters_panel.pens[0].width == pytest.approx(4.0)
    press(qtbot, window, Qt.Key.Key_Escape)  # Esc leaves presentation mode
    assert not view.presenting and not window.isFullScreen()
    assert settings_dock.isVisible()
    assert window.saveState() == state_before
    assert app_font_pt() == pytest.approx(base_font)
    assert window.data_panel.fit_line.opts["pen"].widthF() == pytest.approx(3.0)


def test_theme_and_zoom_are_remembered_presentation_is_not(make_window, settings):
    first = make_window()
    first.view_options.set_theme("dark")
    first.view_options.zoom(2)
    first.view_options.set_presentation(True)
    first.close()
    first.view_options.restore_application()
    assert not palette_is_dark()
    second = make_window(settings=settings)
    view = second.view_options
    assert view.appearance == Appearance(theme="dark", zoom=1.25, presentation=False)
    assert palette_is_dark()
    assert second.docks["controls"].isVisible()  # the layout saved was the user's, not presentation's


def test_readouts_show_the_recorded_step_and_copy(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    s = window.session
    s.play()
    wait_state(qtbot, window, FINISHED)
    window.redraw()
    table = window.readouts
    table.refresh()
    h = s.history

    def cell(key: str) -> str:
        row = [r.key for r in ROWS].index(key)
        return table.table.item(row, 0).text()

    n = len(h)
    assert cell("step") == f"{n:,}/{s.total_steps:,}"
    assert cell("w") == f"{float(h.column('w')[-1]):.4g}"
    assert cell("dw") == f"{float(h.column('dw')[-1]):.4g}"
    assert cell("lr") == f"{s.run_config.lr:g}"
    s.set_view_step(37)  # the timeline shows step 37: so do the readouts, at the next frame
    window.redraw()
    table.refresh()
    assert cell("step").startswith("37/")
    assert cell("epoch") == f"{int(h.column('epoch')[36]) + 1}/{s.run_config.epochs}"
    assert cell("b") == f"{float(h.column('b')[36]):.4g}"
    assert cell("batch_loss") == f"{float(h.column('loss')[36]):.4g}"
    assert cell("loss") == f"{float(s.surface.loss(*s.params)):.4g}"
    text = table.copy_all()
    assert QGuiApplication.clipboard().text() == text
    lines = text.splitlines()
    assert lines[0].split("\t") == ["quantity", s.run.name]
    assert len(lines) == 1 + len(ROWS) - len(RAW_ROWS)  # the raw-x rows only when x is transformed
    full_w = repr(float(s.params[0]))  # copies carry every digit, the cell shows four
    assert lines[[r.key for r in ROWS].index("w") + 1].split("\t")[1] == full_w
    # Ctrl+C on the table copies just the selection
    row_w = [r.key for r in ROWS].index("w")
    table.table.setCurrentCell(row_w, 0)
    table.table.setFocus()
    qtbot.keyClick(table.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().splitlines() == [f"quantity\t{s.run.name}", f"w\t{full_w}"]


def test_readouts_have_a_column_per_run(qtbot, window):
    window.document.apply_preset("Optimisers race")
    window.readouts.refresh()
    s = window.session
    assert window.readouts.table.columnCount() == len(s.runs) > 1
    headers = [window.readouts.table.horizontalHeaderItem(j).text() for j in range(len(s.runs))]
    assert headers == [r.name for r in s.runs]
    assert all(window.readouts.table.item(3, j).text().startswith("0/") for j in range(len(s.runs)))


def test_dialogs_follow_the_zoom(window):
    window.view_options.zoom(3)
    code = window.dialogs.code()
    assert code.editor.font().pointSizeF() == pytest.approx(app_font_pt())
    sweep = window.dialogs.sweep()
    assert tick_font_pt(sweep) == pytest.approx(BASE_PLOT_FONT_PT * window.view_options.appearance.zoom)
    window.view_options.zoom(0)
    assert tick_font_pt(sweep) == pytest.approx(BASE_PLOT_FONT_PT)  # an open sweep restyles too
    code.close()
    sweep.task.stop()
    sweep.close()
