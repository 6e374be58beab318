"""Readable from the back of the room: legends, contrast, the data panel, presentation geometry."""

from __future__ import annotations


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
