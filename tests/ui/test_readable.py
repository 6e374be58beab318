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
