"""Several runs in one window: the run list, racing together, presets and session files."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import train
from gdviewer.core.config import RunConfig
from gdviewer.core.roster import RUN_COLOURS
from gdviewer.ui.session import FINISHED
from tests.ui.conftest import wait_state


def test_batch_vs_stochastic_preset_trains_both_runs_exactly(qtbot, window):
    window.document.apply_preset("Batch vs stochastic (tutorial)")
    s = window.session
    assert [r.name for r in s.runs] == ["Batch GD (lr 0.1)", "Stochastic GD (lr 0.01)"]
    assert s.clock == "epoch" and window.loss_panel.x_axis == "epochs"
    s.play()
    wait_state(qtbot, window, FINISHED)
    for run in s.runs:
        alone, _ = train(s.dataset, run.config)
        np.testing.assert_array_equal(run.history.column("w"), alone.column("w"))
        assert run.status == FINISHED
    window.redraw()
    (other_path,) = window.surface_panel.other_items
    point_w, point_b = window.surface_panel.other_points.getData()  # the other run's current point, at its end
    assert (point_w[0], point_b[0]) == (s.runs[1].history.column("w")[-1], s.runs[1].history.column("b")[-1])
    xs, _ys = other_path.getData()  # the stochastic run's path, faint, drawn at the screen's resolution
    h = s.runs[1].history
    path_w = np.concatenate([[h.initial_w], h.column("w")])
    assert xs[0] == path_w[0] and xs[-1] == path_w[-1] and np.isin(xs, path_w).all()
    assert len(window.data_panel.other_fits) == 1 and len(window.loss_panel.other_curves) == 1
    assert window.run_list.list.count() == 2


def test_optimisers_race_has_five_runs_on_the_step_clock(qtbot, window):
    window.document.apply_preset("Optimisers race")
    s = window.session
    assert [r.config.optimizer for r in s.runs] == ["gd", "momentum", "nesterov", "rmsprop", "adam"]
    assert s.clock == "step"
    assert len({r.colour for r in s.runs}) == 5
    s.step(7)
    qtbot.waitUntil(lambda: sum(len(r.history) for r in s.runs) == 7)
    assert [len(r.history) for r in s.runs] == [2, 2, 1, 1, 1]  # one step each, in turn


def test_run_list_adds_duplicates_renames_recolours_and_removes(qtbot, window):
    s = window.session
    rl = window.run_list
    rl.add_button.click()
    assert len(s.runs) == 2 and s.selected == 1 and s.runs[1].config == s.runs[0].config
    assert s.runs[1].colour == RUN_COLOURS[1]
    window.apply_run_config(s.run_config.with_changes(algorithm="stochastic", lr=0.01))
    assert s.runs[0].config.algorithm == "batch" and s.runs[1].config.algorithm == "stochastic"
    rl.duplicate_button.click()
    assert len(s.runs) == 3 and s.runs[2].name.endswith("(copy)") and s.runs[2].config == s.runs[1].config
    item = rl.list.item(0)
    item.setText("Baseline")
    assert s.runs[0].name == "Baseline"
    s.roster.recolour(0, "#123456")
    assert window.run_list.list.count() == 3
    rl.list.setCurrentRow(0)
    assert s.selected == 0 and window.run_controls.algorithm.currentData() == "batch"
    rl.remove_button.click()
    assert [r.name for r in s.runs] == ["Run 2", "Run 2 (copy)"]
    rl.remove_button.click()
    assert len(s.runs) == 1 and not rl.remove_button.isEnabled()
    rl.remove_button.click()  # the last run stays
    assert len(s.runs) == 1


def test_changing_the_clock_resets_the_race(qtbot, window):
    window.document.apply_preset("Batch vs stochastic (tutorial)")
    s = window.session
    s.step(10)
    qtbot.waitUntil(lambda: sum(len(r.history) for r in s.runs) == 10)
    window.run_list.clock.setCurrentIndex(window.run_list.clock.findData("samples"))
    assert s.clock == "samples" and all(len(r.history) == 0 for r in s.runs)


def test_a_session_with_several_runs_saves_and_opens_identically(qtbot, make_window, tmp_path):
    first = make_window()
    first.document.apply_preset("Optimisers race")
    first.session.roster.rename(2, "Nesterov, renamed")
    first.session.roster.set_clock("samples")
    path = tmp_path / "race.json"
    assert first.document.save_path(path)
    second = make_window()
    assert second.document.open_path(path)
    a, b = first.session, second.session
    assert [(r.name, r.colour, r.config) for r in a.runs] == [(r.name, r.colour, r.config) for r in b.runs]
    assert b.clock == "samples"


def test_step_epoch_advances_every_run_one_epoch(qtbot, window):
    window.document.apply_preset("Batch vs stochastic (tutorial)")
    s = window.session
    s.step_epoch()
    qtbot.waitUntil(lambda: [len(r.history) for r in s.runs] == [1, 100])


def test_too_many_runs_are_refused_with_a_message(qtbot, window):
    s = window.session
    for _ in range(7):
        s.roster.add()
    assert len(s.runs) == 8 and not window.run_list.add_button.isEnabled()
    from gdviewer.core.errors import ConfigError

    with pytest.raises(ConfigError, match="at most 8"):
        s.roster.add(RunConfig())


def test_other_runs_loss_curves_follow_the_log_scale(qtbot, window):
    """The other runs' faint curves are bare PlotCurveItems: the plot's log mode does not
    transform them, so the panel gives them log10 values (a loss of 600 drawn as 10⁶⁰⁰ had
    thrown the axis out to 10³⁰⁸)."""
    window.document.apply_preset("Batch vs stochastic (tutorial)")
    s = window.session
    s.step(30)
    qtbot.waitUntil(lambda: all(len(r.history) for r in s.runs), timeout=30000)
    window.loss_panel.set_log_scale(True)
    window.redraw()
    curve = window.loss_panel.other_curves[0][0]
    _x, y = curve.getData()
    other = s.runs[1 - s.selected].history.column("full_loss")
    assert np.nanmax(y) == pytest.approx(np.log10(np.nanmax(other)), rel=1e-6)
    low, high = window.loss_panel.plot_item.getViewBox().viewRange()[1]
    assert -5 < low < high < 5
