"""Issue 12: batch GD circles no samples, so its legend does not list "this step's samples"."""

from __future__ import annotations


def names(window) -> list[str]:
    return [label.text for _sample, label in window.data_panel.legend_item.items]


def test_the_batch_entry_is_listed_only_when_a_step_uses_part_of_the_data(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    window.redraw()
    assert "this step's samples" not in names(window)
    window.document.apply_preset("Tutorial: stochastic GD")
    window.redraw()
    assert names(window).count("this step's samples") == 1
    window.document.apply_preset("Tutorial: batch GD")
    window.redraw()
    assert "this step's samples" not in names(window) and "true line" in names(window)
