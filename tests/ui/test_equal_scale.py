"""The surface keeps the contours' true shape: equal scale on w and b by default where the
data's natural scale allows it, a checkbox to stretch instead (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import Dataset, LossSurface, synthetic


def pixel_ratio(panel) -> float:
    px_w, px_b = panel.view_box.viewPixelSize()  # data units per pixel along w and b
    return px_w / px_b


def test_tutorial_surface_has_equal_scale_by_default(qtbot, window):
    panel = window.surface_panel
    assert panel.equal_box.isChecked() and panel.equal_scale
    qtbot.waitUntil(lambda: abs(pixel_ratio(panel) - 1.0) < 1e-3)
    panel.equal_box.click()  # stretch to fill the panel
    assert not panel.equal_scale
    panel.frame([(-10.0, -20.0), (-5.0, 0.0)])  # w spans 5, b 20: stretched, they differ
    qtbot.waitUntil(lambda: abs(pixel_ratio(panel) - 1.0) > 0.5)
    panel.equal_box.click()
    qtbot.waitUntil(lambda: abs(pixel_ratio(panel) - 1.0) < 1e-3)


def test_badly_scaled_data_start_stretched_and_a_choice_sticks(window):
    panel = window.surface_panel
    x = np.linspace(0.0, 1000.0, 50)
    window.session.set_dataset(Dataset.from_arrays(x, 2 * x + 1))
    window.surface_panel.update_data()
    assert not panel.equal_scale  # contours 1000× longer than wide: equal scale would show a line
    panel.equal_box.click()  # the user's choice outlives new data
    window.session.set_dataset(synthetic())
    window.surface_panel.update_data()
    assert panel.equal_scale
    panel.equal_box.click()
    window.session.set_dataset(synthetic())
    window.surface_panel.update_data()
    assert not panel.equal_scale


def test_elongation_of_the_contours():
    data = synthetic()
    surface = LossSurface.from_data(data.x, data.y)
    assert surface.elongation == pytest.approx(2.89, abs=0.01)  # √(λmax/λmin) on x ∈ [−5, 5)
    assert surface.equal_scale_fits
    x = np.linspace(0.0, 1000.0, 50)
    assert not LossSurface.from_data(x, 2 * x).equal_scale_fits
