"""The gradient arrows on the surface: the step's own batch gradient and the full-data one.

References are independent: torch autograd of the mean squared error on the step's sample
(stochastic GD in order, so step k uses sample (k − 1) mod 100) and on all the data, both at
the point the step started from.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdviewer.ui.session import PAUSED, READY
from tests.ui.conftest import wait_state

N = 100  # samples in the tutorial's data
START = (-10.0, -20.0)  # the preset's start point


def autograd_mse_gradient(x: np.ndarray, y: np.ndarray, w0: float, b0: float, dtype) -> tuple[float, float]:
    w = torch.tensor(w0, dtype=dtype, requires_grad=True)
    b = torch.tensor(b0, dtype=dtype, requires_grad=True)
    X = torch.as_tensor(np.asarray(x), dtype=dtype)
    Y = torch.as_tensor(np.asarray(y), dtype=dtype)
    torch.mean((w * X + b - Y) ** 2).backward()
    return float(w.grad), float(b.grad)


def step_paused(qtbot, window, n: int) -> None:
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.step(n)
    qtbot.waitUntil(lambda: window.session.steps_done == n, timeout=30000)
    wait_state(qtbot, window, PAUSED)
    window.redraw()


def previous_point(history, n: int) -> tuple[float, float]:
    """Where step n started: the start point for the first step, else the point after step n − 1."""
    if n == 1:
        return START
    return float(history.w[n - 2]), float(history.b[n - 2])


def direction(item) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = item.getData()
    assert xs is not None and len(xs) == 2
    return np.array([xs[0], ys[0]]), np.array([xs[1] - xs[0], ys[1] - ys[0]])


@pytest.mark.parametrize("n", [1, 137])
def test_arrows_show_the_steps_batch_gradient_and_the_full_gradient(qtbot, window, n):
    step_paused(qtbot, window, n)
    s = window.session
    overlay = window.surface_panel.gradients
    history = s.history
    w0, b0 = previous_point(history, n)
    assert overlay.origin == (w0, b0)

    # the batch gradient is the one the step recorded …
    recorded = (float(history.dw[n - 1]), float(history.db[n - 1]))
    assert overlay.batch_gradient == recorded
    # … and autograd's on that step's one sample, at the point the step started from
    i = (n - 1) % N
    sample = autograd_mse_gradient(s.dataset.x[i : i + 1], s.dataset.y[i : i + 1], w0, b0, torch.float32)
    np.testing.assert_allclose(overlay.batch_gradient, sample, rtol=1e-6)
    # the full-data gradient at the same point (float64 autograd on the float32 data)
    full = autograd_mse_gradient(s.dataset.x, s.dataset.y, w0, b0, torch.float64)
    np.testing.assert_allclose(overlay.full_gradient, full, rtol=1e-5)
    # one sample's gradient is not the full one: that is SGD's noise
    assert not np.allclose(overlay.batch_gradient, overlay.full_gradient, rtol=0.01)

    lengths = {}
    for key, g in (("batch", overlay.batch_gradient), ("full", overlay.full_gradient)):
        line = overlay.lines[key]
        assert line.isVisible()
        start, d = direction(line)
        np.testing.assert_allclose(start, (w0, b0))
        descent = -np.asarray(g, dtype=np.float64)
        cos = d @ descent / (np.linalg.norm(d) * np.linalg.norm(descent))
        assert cos == pytest.approx(1.0, abs=1e-9), key  # along minus the gradient
        lengths[key] = np.linalg.norm(d)
        assert overlay.heads[key].isVisible()
        np.testing.assert_allclose([overlay.heads[key].pos().x(), overlay.heads[key].pos().y()],
                                   start + d, rtol=1e-9)
    # arrow lengths are in proportion to the gradients' sizes
    ratio = math.hypot(*overlay.batch_gradient) / math.hypot(*overlay.full_gradient)
    assert lengths["batch"] / lengths["full"] == pytest.approx(ratio, rel=1e-9)


def test_unchecking_gradients_hides_the_arrows(qtbot, window):
    step_paused(qtbot, window, 5)
    panel = window.surface_panel
    overlay = panel.gradients
    assert len(overlay.lines["batch"].getData()[0]) == 2
    panel.arrows_box.setChecked(False)
    for key in ("batch", "full"):
        xs, _ = overlay.lines[key].getData()
        assert xs is None or len(xs) == 0
        assert not overlay.heads[key].isVisible()
        assert not overlay.labels[key].isVisible()
    panel.arrows_box.setChecked(True)
    assert len(overlay.lines["full"].getData()[0]) == 2
    assert overlay.heads["full"].isVisible()


def test_batch_contours_are_drawn_while_paused_when_asked(qtbot, window):
    step_paused(qtbot, window, 42)
    panel = window.surface_panel
    contours = panel.gradients.batch_contours
    xs, _ = contours.getData()
    assert xs is None or len(xs) == 0  # off by default
    panel.batch_box.setChecked(True)
    xs, ys = contours.getData()
    assert xs is not None and np.isfinite(xs).sum() > 10
    # step 42 used sample 41 alone; its loss (w·x + b − y)² is a valley along the line
    # w·x + b = y, so every traced contour runs parallel to that line: along each piece
    # (pieces are separated by NaN) |w·x + b − y| stays the same
    assert window.session.current_batch.tolist() == [41]
    x, y = float(window.session.dataset.x[41]), float(window.session.dataset.y[41])
    pieces = np.split(np.stack([xs, ys], axis=1), np.flatnonzero(np.isnan(xs)))
    pieces = [p[np.isfinite(p[:, 0])] for p in pieces]
    pieces = [p for p in pieces if len(p) >= 2]
    assert len(pieces) >= 2
    levels = []
    for piece in pieces:
        residual = np.abs(piece[:, 0] * x + piece[:, 1] - y)
        assert residual.std() < 0.02 * residual.mean()
        levels.append(residual.mean())
    assert 1 < len(np.unique(np.round(levels, 1))) <= 5  # a few nested levels
    panel.batch_box.setChecked(False)
    xs, _ = contours.getData()
    assert xs is None or len(xs) == 0


def test_reset_empties_the_overlay(qtbot, window):
    step_paused(qtbot, window, 3)
    overlay = window.surface_panel.gradients
    window.surface_panel.batch_box.setChecked(True)
    assert overlay.batch_gradient is not None
    window.session.reset()
    wait_state(qtbot, window, READY)
    window.redraw()
    assert overlay.batch_gradient is None and overlay.full_gradient is None and overlay.origin is None
    for key in ("batch", "full"):
        xs, _ = overlay.lines[key].getData()
        assert xs is None or len(xs) == 0
        assert not overlay.heads[key].isVisible()
    xs, _ = overlay.batch_contours.getData()
    assert xs is None or len(xs) == 0
