"""Each panel and the readouts on their own, fed a Moment built from the engine (no session,
no window, no training thread): they draw what the histories say."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import synthetic
from gdviewer.core.moment import Moment, Run
from gdviewer.core.trainer import train
from gdviewer.ui.panels.data_panel import DataPanel
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.panels.parameters_panel import ParametersPanel
from gdviewer.ui.panels.surface_panel import SurfacePanel
from gdviewer.ui.readouts import ROWS, ReadoutTable
from gdviewer.ui.theme import apply_plot_theme

DATA_CONFIG = DataConfig()
DATA = synthetic(DATA_CONFIG)
CONFIG = RunConfig(algorithm="batch", epochs=20)


@pytest.fixture(scope="module")
def history():
    history, _ = train(DATA, CONFIG)
    return history


def moment_at(history, view_step=None, state="finished") -> Moment:
    run = Run(CONFIG, "Run 1", "#E69F00")
    run.history = history
    return Moment(DATA, DATA_CONFIG, (run,), 0, "epoch", view_step, False, state, 0.0)


@pytest.fixture
def shown(qtbot, history):
    """The first moment shown."""
    apply_plot_theme()
    return {"moment": moment_at(history)}


def make(qtbot, cls, shown):
    panel = cls(shown["moment"])
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    return panel


def test_the_surface_draws_the_path_up_to_the_step_shown(qtbot, shown, history):
    panel = make(qtbot, SurfacePanel, shown)
    panel.update_data()
    panel.redraw()
    xs, ys = panel.path.getData()
    assert xs.size == len(history) + 1
    np.testing.assert_allclose(xs[1:], history.column("w"))
    panel.show_moment(moment_at(history, view_step=5))
    panel.redraw()
    xs, ys = panel.path.getData()
    assert xs.size == 6 and (xs[-1], ys[-1]) == (history.column("w")[4], history.column("b")[4])


def test_the_data_panel_draws_the_fitted_line_of_the_step_shown(qtbot, shown, history):
    panel = make(qtbot, DataPanel, shown)
    panel.update_data()
    panel.show_moment(moment_at(history, view_step=3))
    panel.redraw()
    fx, fy = panel.fit_line.getData()
    w, b = float(history.column("w")[2]), float(history.column("b")[2])
    np.testing.assert_allclose(fy, w * fx + b)


def test_the_loss_panel_reads_the_step_shown(qtbot, shown, history):
    panel = make(qtbot, LossPanel, shown)
    panel.show_moment(moment_at(history, view_step=4))
    panel.redraw()
    expected = float(DATA.surface.loss(float(history.column("w")[3]), float(history.column("b")[3])))
    assert panel.readout.text().startswith(f"step 4: loss {expected:.4g}")


def test_the_parameters_panel_draws_w_and_b_from_the_start(qtbot, shown, history):
    panel = make(qtbot, ParametersPanel, shown)
    panel.update_data()
    panel.redraw()
    _, ws = panel.w_curve.getData()
    assert ws[0] == CONFIG.init_w and ws[-1] == pytest.approx(float(history.column("w")[-1]))
    assert panel.w_opt.value() == pytest.approx(DATA.surface.optimum[0])


def test_the_readouts_show_the_recorded_numbers(qtbot, shown, history):
    table = ReadoutTable(shown["moment"])
    qtbot.addWidget(table)
    table.show_moment(moment_at(history, view_step=7))
    table.refresh()
    keys = [r.key for r in ROWS]
    cell = table.table.item(keys.index("w"), 0)
    assert cell.toolTip() == repr(float(history.column("w")[6]))
    assert table.table.item(keys.index("step"), 0).text() == "7/20"


def test_the_surface_contours_are_level_sets_of_the_loss(qtbot, shown):
    from gdviewer.ui.panels.contour_layer import CONTOUR_LEVELS

    panel = make(qtbot, SurfacePanel, shown)
    panel.update_data()
    panel.recompute_surface()
    xs, ys = panel.contours.getData()
    finite = np.isfinite(xs)
    losses = DATA.surface.loss(xs[finite], ys[finite])
    levels = np.unique(np.round(np.log(losses), 6))
    assert 1 <= levels.size <= CONTOUR_LEVELS, "every contour point lies on one of the few levels"


def test_a_readout_that_wraps_keeps_the_height_of_its_lines(qtbot, shown):
    """A dock's layout does not ask a wrapping label for its height at its width: the panel
    sets the readout's minimum height to its lines, so a squeezed panel (beside a lesson on a
    projector) does not draw a second line over its plot."""
    panel = make(qtbot, ParametersPanel, shown)
    panel.resize(260, 300)
    qtbot.wait(20)
    panel.set_readout_now("w = -10 (w* = -5.002) · b = -20 (b* = 0.02379), and a longer tail to wrap")
    line = panel.readout.fontMetrics().height()
    assert panel.readout.minimumHeight() >= 2 * line  # wrapped: two lines or more
    panel.set_readout_now("short")
    assert panel.readout.minimumHeight() >= 2 * line  # (text changes only grow it: no re-layout a frame)
    panel.fit_minimum_size()  # a resize or a new font fits it again
    assert panel.readout.minimumHeight() < 2 * line  # back to one


def test_a_narrow_loss_panel_names_its_curves_briefly(qtbot, shown):
    """In a narrow panel (a projector's column) the legend's column took most of the width:
    the two curves are then "batch" and "all data", and in full again when it is wide."""
    panel = make(qtbot, LossPanel, shown)

    def names():
        return [label.text for _sample, label in panel.plot_item.legend.items]

    panel.resize(900, 400)
    panel.fit_minimum_size()
    assert names() == ["batch loss (this step)", "full-data loss"]
    panel.resize(300, 400)
    panel.fit_minimum_size()
    assert names() == ["batch", "all data"]
    panel.set_axis_errors(True)  # (the error rows replace them; back, still short)
    panel.set_axis_errors(False)
    assert names() == ["batch", "all data"]
    panel.resize(900, 400)
    panel.fit_minimum_size()
    assert names() == ["batch loss (this step)", "full-data loss"]


def test_contour_labels_never_touch_each_other(qtbot, shown):
    """In large text on a small panel (a projector) two levels' labels ran together ("585146"):
    a label that would touch one already placed is left out."""
    from dataclasses import replace

    from gdviewer.ui.theme import LIGHT_PLOTS

    panel = make(qtbot, SurfacePanel, shown)
    for size, font_pt in (((500, 400), 9.0), ((320, 300), 20.0), ((260, 240), 28.0)):
        panel.resize(*size)
        panel.apply_style(replace(LIGHT_PLOTS, font_pt=font_pt))
        panel.recompute_surface()
        qtbot.wait(20)
        for label in panel.contour_layer.labels:
            label.updateTransform(force=True)
        rects = [label.sceneBoundingRect() for label in panel.contour_layer.labels]
        assert rects, size
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert not a.intersects(b), (size, font_pt)
