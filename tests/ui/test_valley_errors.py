"""The loss panel's "error per axis": |e₁(t)| and |e₂(t)| of the selected run, computed here
from its path and numpy's eigenvectors of the data's Hessian, on a log scale; for batch GD the
dashed closed-form lines have slope log|1 − lr·λ|; the timeline cursor moves over them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviewer.ui.panels.axis_errors import ERROR_POINTS
from gdviewer.ui.readouts import number
from gdviewer.ui.session import FINISHED, PAUSED
from tests.ui.conftest import wait_state


def expected_errors(window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = window.session
    x = np.asarray(s.dataset.x, dtype=np.float64)
    y = np.asarray(s.dataset.y, dtype=np.float64)
    lams, vecs = np.linalg.eigh(2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]]))
    optimum = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    w, b = s.history.path()
    errors = np.abs(vecs.T @ (np.stack([w, b]) - optimum[:, None]))
    return lams, errors[0], errors[1]


def train_steps(qtbot, window, n: int) -> None:
    window.session.step(n)
    qtbot.waitUntil(lambda: window.session.steps_done == n, timeout=30000)
    wait_state(qtbot, window, PAUSED, FINISHED)
    window.redraw()


def test_errors_per_axis_of_a_batch_run_with_their_straight_lines(qtbot, window):
    panel = window.loss_panel
    train_steps(qtbot, window, 20)  # the tutorial's batch GD, lr 0.1, 20 epochs
    panel.errors_box.setChecked(True)
    curves, references = panel.axis_errors.curves, panel.axis_errors.references
    assert panel.plot_item.getAxis("left").logMode  # a log scale
    assert not panel.full_curve.isVisible() and not panel.batch_curve.isVisible()
    lams, e_flat, e_steep = expected_errors(window)
    lr = window.session.run_config.lr
    for curve, reference, expected, lam in zip(curves, references, (e_flat, e_steep), lams, strict=True):
        assert curve.isVisible() and reference.isVisible()
        np.testing.assert_array_equal(curve.xData, np.arange(21))
        np.testing.assert_allclose(curve.yData, expected, rtol=1e-6)
        # the closed form from the start: its slope on the log scale is log|1 − lr·λ| a step
        (x0, x1), (y0, y1) = reference.xData, reference.yData
        assert x0 == 0 and 0 < x1 <= 20 and y0 == pytest.approx(expected[0], rel=1e-6)
        assert (math.log(y1) - math.log(y0)) / (x1 - x0) == pytest.approx(math.log(abs(1 - lr * lam)), rel=1e-9)
        # and the run follows it
        np.testing.assert_allclose(curve.yData[:11], expected[0] * abs(1 - lr * lam) ** np.arange(11), rtol=1e-4)
    names = [label.text for _sample, label in panel.plot_item.legend.items]
    assert "flat axis |e₁|" in names and "steep axis |e₂|" in names
    assert f"× {abs(1 - lr * lams[1]):.3g} a step" in names
    assert "full-data loss" not in names
    # the timeline cursor: the line at the step shown, the readout its numbers
    window.session.set_view_step(5)
    window.redraw()
    assert panel.cursor.isVisible() and panel.cursor.value() == 5
    assert panel.readout.text().startswith("step 5: ")
    assert f"|e₂| {number(e_steep[5])}" in panel.readout.text()
    # off again: the loss, on a linear scale, as before
    panel.errors_box.setChecked(False)
    assert panel.full_curve.isVisible() and not curves[0].isVisible() and not references[0].isVisible()
    assert not panel.plot_item.getAxis("left").logMode
    names = [label.text for _sample, label in panel.plot_item.legend.items]
    assert names == ["batch loss (this step)", "full-data loss"]


def stochastic_errors(qtbot, window, epochs: int, steps: int):
    """The loss panel showing the errors per axis of a stochastic run after ``steps`` steps;
    the panel and the expected (flat, steep) errors."""
    s = window.session
    window.apply_run_config(s.run_config.with_changes(algorithm="stochastic", lr=0.01, epochs=epochs))
    panel = window.loss_panel
    panel.errors_box.setChecked(True)
    train_steps(qtbot, window, steps)
    _lams, e_flat, e_steep = expected_errors(window)
    return panel, e_flat, e_steep


def test_errors_of_a_stochastic_run_have_no_closed_form_lines(qtbot, window):
    panel, e_flat, e_steep = stochastic_errors(qtbot, window, 2, 150)
    for curve, expected in zip(panel.axis_errors.curves, (e_flat, e_steep), strict=True):
        np.testing.assert_allclose(curve.yData, expected, rtol=1e-6)
    for reference in panel.axis_errors.references:
        assert reference.xData is None or len(reference.xData) == 0


def test_a_long_run_is_drawn_from_envelopes(qtbot, window):
    panel, e_flat, _e_steep = stochastic_errors(qtbot, window, 40, 4000)
    x, y = panel.axis_errors.curves[0].xData, panel.axis_errors.curves[0].yData
    assert len(y) <= ERROR_POINTS + 3  # (+ the start and the partial last bucket's pair)
    assert np.nanmax(y) == pytest.approx(e_flat.max(), rel=1e-6)  # peaks survive the thinning
    assert np.nanmin(y) == pytest.approx(e_flat.min(), rel=1e-6)
    assert x[0] == 0 and x[-1] <= 4000
