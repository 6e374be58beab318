"""The fan on the surface: off by default; ticked, one curve item holds every drawn sample's
line from the shown point along −∇ℓᵢ (scaled together), and the mini-batch ellipse shrinks
as 1/√B (times the finite-population factor's root) when the batch size is raised."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest

from gdviewer.core.gradient_fan import per_sample_gradients, sample_indices
from gdviewer.core.replay import batch_of_step
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
    # all the lines are in one curve item, which draws their dark halo too (its shadow pen)
    assert items_holding(window, 2 * idx.size) == [overlay.lines]
    assert overlay.lines.opts["shadowPen"] is not None
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


def batch_arrow(overlay) -> np.ndarray:
    """The drawn batch line's displacement from the fan's point."""
    bx, by = overlay.batch_mean.getData()
    return np.array([bx[1] - bx[0], by[1] - by[0]])


def test_the_shown_steps_batch_is_the_mean_of_its_samples_lines_at_the_fans_scale(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    s = window.session
    window.apply_run_config(s.run_config.with_changes(algorithm="minibatch", batch_size=10, shuffle=True))
    overlay = window.surface_panel.fan
    overlay.checkbox.setChecked(True)
    window.redraw()
    bx, _ = overlay.batch_mean.getData()
    assert (bx is None or len(bx) == 0) and "thick red" not in overlay.label.toPlainText()  # step 0: no batch
    s.step(30)
    qtbot.waitUntil(lambda: s.steps_done == 30, timeout=30000)
    wait_state(qtbot, window, PAUSED)
    data = s.dataset
    drawn = {}
    for k in (12, 13):  # the batch follows the timeline
        s.set_view_step(k)
        window.redraw()
        w, b = float(s.history.w[k - 1]), float(s.history.b[k - 1])
        idx = batch_of_step(s.run_config, data.n, k)
        assert idx.size == 10
        members = per_sample_gradients(data.x[idx], data.y[idx], w, b)
        # its members' own lines, from the fan's point, at the fan's one scale
        lx, ly = overlay.batch_lines.getData()
        assert len(lx) == 2 * idx.size and overlay.batch_lines.opts["connect"] == "pairs"
        np.testing.assert_allclose(lx[0::2], w)
        np.testing.assert_allclose(np.column_stack([lx[1::2] - w, ly[1::2] - b]), -overlay.scale * members,
                                   rtol=1e-9, atol=1e-12)
        # the thick red line is their mean (numpy's), at the same scale
        mx, my = overlay.batch_mean.getData()
        assert (mx[0], my[0]) == pytest.approx((w, b))
        np.testing.assert_allclose(batch_arrow(overlay), -overlay.scale * members.mean(axis=0), rtol=1e-9,
                                   atol=1e-12)
        assert "thick red: this step's batch,\nmean of its 10 red lines" in overlay.label.toPlainText()
        drawn[k] = batch_arrow(overlay) / overlay.scale
    assert not np.allclose(drawn[12], drawn[13])  # another step, another batch, another point

    # batch GD: the batch is all the data and its mean the full gradient, drawn already
    window.apply_run_config(s.run_config.with_changes(algorithm="batch"))
    s.step(2)
    qtbot.waitUntil(lambda: s.steps_done == 2, timeout=30000)
    wait_state(qtbot, window, PAUSED)
    window.redraw()
    bx, _ = overlay.batch_mean.getData()
    assert len(bx) == 0 and overlay.label.toPlainText() == f"batch of all {data.n}: the full gradient"


def test_a_frame_of_the_fan_touches_a_sample_not_every_point(qtbot, window, monkeypatch):
    """At N = 200,000 the fan reads the data's moments once, and then each frame works on its
    drawn sample (≤ 200) and the shown batch only: nothing a frame is O(N)."""
    from gdviewer.core import gradient_fan
    from gdviewer.core.config import DataConfig
    from gdviewer.ui.panels import gradient_fan_overlay

    n = 200_000
    s = window.session
    s.set_data_config(DataConfig(n_points=n))
    window.apply_run_config(s.run_config.with_changes(algorithm="minibatch", batch_size=32, lr=0.001))
    sizes: list[int] = []
    moments: list[int] = []

    def spy(original, record):
        def wrapped(x, y, *args, **kwargs):
            record.append(np.asarray(x).size)
            return original(x, y, *args, **kwargs)
        return wrapped

    monkeypatch.setattr(gradient_fan, "per_sample_gradients", spy(gradient_fan.per_sample_gradients, sizes))
    monkeypatch.setattr(gradient_fan_overlay, "per_sample_gradients",
                        spy(gradient_fan_overlay.per_sample_gradients, sizes))
    monkeypatch.setattr(gradient_fan_overlay, "batch_gradient", spy(gradient_fan_overlay.batch_gradient, sizes))
    method = gradient_fan.GradientMoments.from_data.__func__
    monkeypatch.setattr(gradient_fan.GradientMoments, "from_data", classmethod(
        lambda c, x, y, *a, _m=method, **k: moments.append(np.asarray(x).size) or _m(c, x, y, *a, **k)))
    overlay = window.surface_panel.fan
    overlay.checkbox.setChecked(True)
    s.step(40)
    qtbot.waitUntil(lambda: s.steps_done == 40, timeout=30000)
    wait_state(qtbot, window, PAUSED)
    texts: list[str] = []
    set_text = overlay.label.setText  # (a spy: the text still changes)
    monkeypatch.setattr(overlay.label, "setText", lambda text, *a: (texts.append(text), set_text(text, *a)))
    for k in range(1, 41):  # scrubbing the timeline, a frame a step
        s.set_view_step(k)
        window.redraw()
        assert overlay.batch_gradient is not None
    assert len(texts) <= 1  # its label is laid out again only when it says something else
    assert moments == [n]  # the data's moments: once per data set
    assert sizes and max(sizes) <= 200  # every other call: the drawn sample or the 32 of a batch


def test_the_fans_label_keeps_clear_of_another_label_where_there_is_room(qtbot, window):
    """Below the fan, its label would cover a label put there (as the valley's axes' or an
    arrow's can be): it moves beside or above it instead, and stays in the view."""
    window.document.apply_preset("Tutorial: stochastic GD")
    s = window.session
    window.apply_run_config(s.run_config.with_changes(algorithm="minibatch", batch_size=10))
    panel, overlay = window.surface_panel, window.surface_panel.fan
    overlay.checkbox.setChecked(True)
    s.step(5)
    qtbot.waitUntil(lambda: s.steps_done == 5, timeout=30000)
    wait_state(qtbot, window, PAUSED)
    window.redraw()

    def rect(item):
        return panel.view_box.mapSceneToView(item.sceneBoundingRect()).boundingRect()

    below = rect(overlay.label)
    obstacle = pg.TextItem("an axis's label, as wide", anchor=(0, 0))
    panel.plot_item.addItem(obstacle, ignoreBounds=True)
    obstacle.setPos(below.left(), below.bottom())  # its top left on the fan's label's (b points up)
    overlay.keep_clear = lambda: [obstacle]
    window.redraw()
    assert not rect(overlay.label).intersects(rect(obstacle))
    (v0, v1), _ = panel.view_box.viewRange()
    assert v0 - 1e-9 <= rect(overlay.label).left() and rect(overlay.label).right() <= v1 + 1e-9
    obstacle.hide()  # a hidden label is no obstacle: back below the fan
    window.redraw()
    assert rect(overlay.label) == below
