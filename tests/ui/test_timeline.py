"""The timeline replays any recorded step in every panel; Play goes back to the live end."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdviewer.core.batching import indices_for_step
from gdviewer.core.trainer import Trainer
from gdviewer.ui.session import FINISHED, PAUSED, RUNNING
from tests.ui.conftest import wait_state


@pytest.fixture
def finished_sgd(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    return window


def test_scrubbing_shows_the_recorded_state_of_that_step(qtbot, finished_sgd):
    window = finished_sgd
    s = window.session
    h = s.history
    for k in (1, 37, 250, 1999):
        window.timeline.slider.setValue(k)
        window.redraw()
        w_k, b_k = float(h.column("w")[k - 1]), float(h.column("b")[k - 1])
        assert s.view_step == k and s.params == (w_k, b_k)
        path_w, path_b = window.surface_panel.path.getData()
        assert path_w.size == k + 1 and (path_w[-1], path_b[-1]) == (np.float32(w_k), np.float32(b_k))
        fx, fy = window.data_panel.fit_line.getData()
        np.testing.assert_allclose(fy, w_k * fx + b_k)
        bx, _ = window.data_panel.batch.getData()
        assert bx.tolist() == [s.dataset.x[(k - 1) % 100]]  # in order: step k used sample k − 1
        assert window.loss_panel.cursor.isVisible() and window.loss_panel.cursor.value() == k
        assert window.parameters_panel.cursor.value() == k
        assert window.timeline.label.toolTip().startswith(f"step {k:,} of 2,000")
        assert window.timeline.label.text().startswith(f"step {k:,}")
    window.timeline.live_button.click()
    window.redraw()
    assert s.view_step is None and not window.loss_panel.cursor.isVisible()
    assert window.surface_panel.path.getData()[0].size == 2001


def test_arrow_keys_move_the_cursor_when_not_running(qtbot, finished_sgd):
    window = finished_sgd
    window.activateWindow()
    window.surface_panel.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.session.view_step == 1999
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.session.view_step == 1999
    qtbot.keyClick(window, Qt.Key.Key_Right)  # back at the live end
    assert window.session.view_step is None


def test_play_resumes_from_the_live_end(qtbot, window):
    s = window.session
    window.apply_run_config(s.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=50))
    s.step_epoch()
    qtbot.waitUntil(lambda: s.steps_done == 100)
    s.set_view_step(10)
    assert s.state == PAUSED and s.params == s.moment().params_at(10)
    s.play()
    assert s.view_step is None and s.state == RUNNING
    qtbot.waitUntil(lambda: s.steps_done > 100)
    s.set_view_step(50)  # scrubbing a running run pauses it
    assert s.state == PAUSED
    s.reset()


def test_shuffled_steps_are_replayed_with_the_samples_they_used(qtbot, window):
    s = window.session
    window.apply_run_config(s.run_config.with_changes(algorithm="minibatch", batch_size=30, shuffle=True,
                                                     shuffle_seed=5, lr=0.01, epochs=3))
    used = {}
    for k in range(1, 13):  # 4 steps per epoch, 3 epochs
        s.step()
        qtbot.waitUntil(lambda k=k: s.steps_done == k)
        used[k] = s.current_batch.copy()
    for k, idx in used.items():
        s.set_view_step(k)
        np.testing.assert_array_equal(s.moment().shown_batch(), idx)
    # and the engine agrees with its own schedule
    trainer = Trainer(s.dataset, s.run_config)
    for k in range(1, 13):
        trainer.step()
        np.testing.assert_array_equal(trainer.last_batch_indices(), used[k])
        c = s.run_config
        np.testing.assert_array_equal(indices_for_step(c.algorithm, c.batch_size, 100, True, 5, k), used[k])
    s.reset()
