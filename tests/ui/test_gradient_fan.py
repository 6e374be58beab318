"""The fan on the surface: off by default; ticked, one curve item holds every drawn sample's
line from the shown point along −∇ℓᵢ (scaled together), and the mini-batch ellipse shrinks
as 1/√B (times the finite-population factor's root) when the batch size is raised."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest

from gdviewer.core.gradient_fan import per_sample_gradients, sample_indices
from gdviewer.ui.session import PAUSED
from tests.ui.conftest import wait_state


def items_holding(window, points: int) -> list:
    """The surface's curve items with ``points`` points."""
    found = []
    for item in window.surface_panel.plot_item.items:
        if isinstance(item, pg.PlotCurveItem):
            xs, _ = item.getData()
            if xs is not None and len(xs) == points:
                found.append(item)
    return found


def test_fan_is_off_by_default_and_draws_the_samples_from_the_shown_point(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    s = window.session
    s.step(30)
    qtbot.waitUntil(lambda: s.steps_done == 30, timeout=30000)
    wait_state(qtbot, window, PAUSED)
    s.set_view_step(12)  # the fan follows the timeline
    window.redraw()
    overlay = window.surface_panel.fan
    assert not overlay.checkbox.isChecked()
    xs, _ = overlay.lines.getData()
    assert xs is None or len(xs) == 0

    count = len(window.surface_panel.plot_item.items)
    overlay.checkbox.setChecked(True)
    window.redraw()
    assert len(window.surface_panel.plot_item.items) == count  # no item per arrow
    xs, ys = overlay.lines.getData()
    w, b = float(s.history.w[11]), float(s.history.b[11])  # the point after step 12
    data = s.dataset
    idx = sample_indices(data.n)
    assert len(xs) == 2 * idx.size  # one pair per drawn sample
    # all the lines are in one curve item (and its dark halo, the same data)
    assert items_holding(window, 2 * idx.size) == [overlay.halo, overlay.lines]
    assert overlay.lines.opts["connect"] == "pairs"
    np.testing.assert_allclose(xs[0::2], w)
    np.testing.assert_allclose(ys[0::2], b)
    # each line runs along that sample's −∇ℓᵢ, all with the same factor
    g = per_sample_gradients(data.x[idx], data.y[idx], w, b)
    dx, dy = xs[1::2] - w, ys[1::2] - b
    np.testing.assert_allclose(dx, -overlay.scale * g[:, 0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dy, -overlay.scale * g[:, 1], rtol=1e-9, atol=1e-12)
    # the thick line is their mean, the full gradient
    mx, my = overlay.mean.getData()
    full = s.dataset.surface.gradient(w, b)
    np.testing.assert_allclose([mx[1] - w, my[1] - b], [-overlay.scale * full[0], -overlay.scale * full[1]],
                               rtol=1e-6)
    # the ellipse sits around the tip of the full gradient's line
    ex, ey = overlay.ellipse.getData()
    assert len(ex) > 10 and ex[0] == ex[-1] and ey[0] == ey[-1]  # closed
    # (evenly spaced angles: the points' mean is the centre)
    np.testing.assert_allclose([ex[:-1].mean(), ey[:-1].mean()], [mx[1], my[1]], rtol=1e-9, atol=1e-9)

    overlay.checkbox.setChecked(False)
    xs, _ = overlay.lines.getData()
    assert xs is None or len(xs) == 0


def ellipse_extent(window) -> tuple[float, float]:
    window.redraw()
    ex, ey = window.surface_panel.fan.ellipse.getData()
    return float(np.ptp(ex)), float(np.ptp(ey))


def test_ellipse_shrinks_as_one_over_root_b(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    s = window.session
    window.surface_panel.fan.checkbox.setChecked(True)
    n = s.dataset.n
    window.apply_run_config(s.run_config.with_changes(algorithm="minibatch", batch_size=1))
    one = ellipse_extent(window)
    scale_one = window.surface_panel.fan.scale
    window.apply_run_config(s.run_config.with_changes(algorithm="minibatch", batch_size=25))
    many = ellipse_extent(window)
    assert window.surface_panel.fan.scale == scale_one  # the same point, the same view
    expected = math.sqrt(25 * (n - 1) / (n - 25))
    assert one[0] / many[0] == pytest.approx(expected, rel=1e-6)
    assert one[1] / many[1] == pytest.approx(expected, rel=1e-6)
    # a batch of all the data lands on the full gradient: the ellipse is a point
    window.apply_run_config(s.run_config.with_changes(algorithm="batch"))
    assert max(ellipse_extent(window)) == 0
