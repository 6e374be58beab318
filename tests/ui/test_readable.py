"""Readable from the back of the room: legends, contrast, the data panel, presentation geometry."""

from __future__ import annotations

import re

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from gdviewer.ui.theme import TEXT_CONTRAST, contrast


def legend_heights(window) -> list[float]:
    return [legend.boundingRect().height()
            for panel in window.styled_plots() for legend in getattr(panel, "legends", [])]


def test_legends_shrink_back_after_presentation_mode(qtbot, window):
    window.apply_preset("Tutorial: batch GD")
    before = legend_heights(window)
    assert before
    window.view_options.set_presentation(True)
    qtbot.wait(10)
    assert all(p > b for p, b in zip(legend_heights(window), before, strict=True))
    window.view_options.set_presentation(False)
    qtbot.wait(10)
    assert legend_heights(window) == before


def test_dark_theme_links_and_colour_bar_label_read_at_4_5_to_1(window):
    window.view_options.set_theme("dark")
    label = next(w for w in window.findChildren(QLabel) if w.accessibleName() == "Explain the settings")
    background = label.palette().color(QPalette.ColorRole.Window).name()
    colours = re.findall(r"<a [^>]*color: (#[0-9a-fA-F]{6})", label.text())
    assert len(colours) == 3
    assert all(contrast(c, background) >= TEXT_CONTRAST for c in colours)
    style = window.surface_panel.style
    bar_label = window.surface_panel.colorbar.getAxis("left")
    assert bar_label.labelText == "log₁₀ loss"
    assert contrast(bar_label.labelStyle["color"], style.background) >= TEXT_CONTRAST
    window.view_options.set_theme("light")  # and back: readable on the light window too
    background = label.palette().color(QPalette.ColorRole.Window).name()
    colours = re.findall(r"<a [^>]*color: (#[0-9a-fA-F]{6})", label.text())
    assert colours and all(contrast(c, background) >= TEXT_CONTRAST for c in colours)
    assert contrast(bar_label.labelStyle["color"], window.surface_panel.style.background) >= TEXT_CONTRAST


def one_step(qtbot, window, preset: str) -> None:
    window.apply_preset(preset)
    window.session.step()
    qtbot.waitUntil(lambda: window.session.steps_done == 1)
    window.data_panel.redraw()


def test_full_batch_is_not_circled_a_mini_batch_is(qtbot, window):
    panel = window.data_panel
    one_step(qtbot, window, "Tutorial: batch GD")
    assert len(panel.batch.data) == 0  # all 100 circled would hide the data and the line
    assert "all of them" in panel.readout.text()
    one_step(qtbot, window, "Mini-batch 10")
    assert len(panel.batch.data) == 10
    assert "circled" in panel.readout.text()


def test_data_legend_and_equation_are_off_the_data(qtbot, window):
    window.resize(1280, 800)
    one_step(qtbot, window, "Tutorial: batch GD")
    qtbot.wait(20)
    panel = window.data_panel
    view = panel.plot_item.getViewBox()
    (legend,) = panel.legends
    assert legend.isVisible() and legend.parentItem() is not view
    assert legend.sceneBoundingRect().left() >= view.sceneBoundingRect().right() - 1  # beside the data
    assert legend.sceneBoundingRect().width() > 20
    assert panel.equation.isVisible() and panel.equation.text().startswith("ŷ = ")
    assert not panel.plot_widget.geometry().intersects(panel.equation.geometry())


def test_data_panel_gets_a_fair_share_of_the_height(qtbot, window):
    window.resize(1280, 800)
    qtbot.wait(20)
    heights = {name: window.docks[name].height() for name in ("data", "loss", "parameters")}
    assert heights["data"] >= 1.2 * max(heights["loss"], heights["parameters"]), heights
