"""Readable from the back of the room: legends, contrast, the data panel, presentation geometry."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import QLabel

from gdviewer.ui.readouts import ROWS
from gdviewer.ui.theme import TEXT_CONTRAST, contrast


def legend_heights(window) -> list[float]:
    return [legend.boundingRect().height()
            for panel in window.styled_plots() for legend in getattr(panel, "legends", [])]


def test_legends_shrink_back_after_presentation_mode(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    before = legend_heights(window)
    assert before
    window.view_options.set_presentation(True)
    qtbot.wait(10)
    assert all(p > b for p, b in zip(legend_heights(window), before, strict=True))
    assert not window.loss_panel.header.isVisible()  # its options fold away, the plot gets the height
    window.view_options.set_presentation(False)
    qtbot.wait(10)
    assert legend_heights(window) == before
    assert window.loss_panel.header.isVisible()


def test_dark_theme_links_and_colour_bar_label_read_at_4_5_to_1(window):
    window.view_options.set_theme("dark")
    label = next(w for w in window.findChildren(QLabel) if w.accessibleName() == "Explain the settings")
    background = label.palette().color(QPalette.ColorRole.Window).name()
    colours = re.findall(r"<a [^>]*color: (#[0-9a-fA-F]{6})", label.text())
    assert len(colours) == 5  # batches, learning rate, optimisers, schedules, conditioning
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
    window.document.apply_preset(preset)
    window.session.step()
    qtbot.waitUntil(lambda: window.session.steps_done == 1)
    window.data_panel.redraw()


def test_full_batch_is_not_circled_a_mini_batch_is(qtbot, window):
    panel = window.data_panel
    one_step(qtbot, window, "Tutorial: batch GD")
    assert len(panel.batch.data) == 0  # all 100 circled would hide the data and the line
    assert "used all 100 samples" in panel.readout.text()
    one_step(qtbot, window, "Mini-batch 10")
    assert len(panel.batch.data) == 10
    assert "the 10 circled" in panel.readout.text()


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


SIZES = [(1024, 768), (1280, 720), (1280, 800), (1920, 1080)]


def cut_items(panel) -> list[str]:
    """Names of the panel's title, axes, legends and colour bar not wholly inside its plot widget."""
    widget = panel.plot_widget
    area = QRectF(widget.viewport().rect()).adjusted(-1, -1, 1, 1)
    item = panel.plot_item
    parts = {"title": item.titleLabel, "view": item.getViewBox(), "left axis": item.getAxis("left"),
             "bottom axis": item.getAxis("bottom")}
    parts.update({f"legend {i}": legend for i, legend in enumerate(panel.legends)})
    if hasattr(panel, "colorbar"):
        parts["colour bar"] = panel.colorbar
    return [name for name, part in parts.items()
            if not part.isVisible() or not area.contains(widget.mapFromScene(part.sceneBoundingRect()).boundingRect())]


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_panel_is_whole_at_common_screen_sizes(qtbot, monkeypatch, window, width, height, presenting):
    window.document.apply_preset("Tutorial: batch GD")
    window.resize(width, height)
    window.show_help("surface")
    # (the offscreen screen is 800 px: "full screen" is this size here)
    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(width, height))
    if presenting:
        window.view_options.set_presentation(True)
    # the panels fit their minimum sizes once the axes have sized themselves to their ticks
    qtbot.waitUntil(lambda: not any(cut_items(panel) for panel in window.panels), timeout=3000)
    assert (window.width(), window.height()) == (width, height)
    assert window.docks["help"].isVisible() != presenting  # presentation folds the help away
    for panel in window.panels:
        assert panel.isVisible()
        assert cut_items(panel) == [], type(panel).__name__
        assert panel.plot_item.getViewBox().height() >= 40 and panel.plot_item.getViewBox().width() >= 90
    for name in ("data", "loss", "parameters"):
        assert window.docks[name].height() >= 170, name
    timeline = window.timeline
    assert timeline.isVisible() and timeline.height() > 0 and timeline.slider.width() >= 80
    bar_label = window.surface_panel.colorbar.getAxis("left").labelStyle["font-size"]
    assert bar_label == window.surface_panel.style.css_size  # enlarged with the rest in presentation mode


def test_readouts_show_four_digits_with_every_digit_in_tooltips_and_copies(qtbot, window):
    one_step(qtbot, window, "Tutorial: batch GD")
    table = window.readouts
    table.refresh()
    row = [r.key for r in ROWS].index("b")
    b = float(window.session.params[1])
    item = table.table.item(row, 0)
    assert item.text() == f"{b:.4g}" and item.toolTip() == repr(b)
    assert table.copy_all().splitlines()[row + 1] == f"b\t{b!r}"
    window.parameters_panel.redraw()
    readout = window.parameters_panel.readout
    assert f"b = {b:.4g}" in readout.text() and f"b = {b!r}" in readout.toolTip()


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_two_runs_fit_every_size_whole(qtbot, monkeypatch, window, width, height, presenting):
    """Issue 12: two racing runs at 1024×768 widened the window (the surface legend in two
    columns), scrolled the readouts and the settings sideways, cut the captions and the
    timeline's label, and crowded the loss axis's ticks in presentation mode."""
    window.resize(width, height)
    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(width, height))
    one_step(qtbot, window, "Batch vs stochastic (tutorial)")
    assert len(window.session.runs) == 2
    if presenting:
        window.view_options.set_presentation(True)
    window.readouts.refresh()
    window.redraw()
    qtbot.waitUntil(lambda: not any(cut_items(panel) for panel in window.panels), timeout=3000)
    assert (window.width(), window.height()) == (width, height)
    if not presenting:
        assert window.readouts.table.horizontalScrollBar().maximum() == 0  # no sideways scrolling
        settings = window.docks["controls"].widget()
        assert settings.horizontalScrollBar().maximum() == 0
    for panel in window.panels:
        label = panel.readout
        # whole: on one line, or wrapped onto lines that all show
        assert (label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
                or label.heightForWidth(label.width()) <= label.height()), label.text()
    timeline = window.timeline.label
    assert timeline.fontMetrics().horizontalAdvance(timeline.text()) <= timeline.width()
    assert timeline.toolTip().startswith("step 1 of 1 · epoch 1")
    axis = window.loss_panel.plot_item.getAxis("bottom")
    size = axis.geometry().width()
    major = axis.tickValues(*axis.range, size)[0]
    shown = [v for v in major[1] if axis.range[0] <= v <= axis.range[1]]
    metrics = QFontMetricsF(axis.style["tickFont"] or QFont())
    widths = [metrics.horizontalAdvance(t) for t in axis.tickStrings(shown, 1.0, major[0])]
    pixels_apart = major[0] / (axis.range[1] - axis.range[0]) * size
    assert widths and max(widths) < pixels_apart  # neighbouring tick labels do not touch



def test_surface_run_legend_is_off_the_paths(qtbot, window):
    window.resize(1280, 800)
    one_step(qtbot, window, "Batch vs stochastic (tutorial)")
    window.surface_panel.sync_runs()
    qtbot.wait(20)
    legend = window.surface_panel.run_legend
    view = window.surface_panel.view_box
    assert legend.isVisible() and len(legend.items) == 2
    assert legend.sceneBoundingRect().top() >= view.sceneBoundingRect().bottom() - 1  # under the x axis
    assert not cut_items(window.surface_panel)
