"""Issue 17: a new learning rate while a run trains applies from the next step, without a reset;
the change is recorded in the run, marked on the panels, kept by a session and replayed."""

from __future__ import annotations

import numpy as np

from gdviewer.core import RunConfig, synthetic, train
from gdviewer.core.steering import RunChange

from .conftest import wait_state


def paused_after(qtbot, window, steps: int) -> None:
    s = window.session
    s.step(steps)
    qtbot.waitUntil(lambda: s.steps_done == steps, timeout=30000)


def test_a_new_learning_rate_mid_run_applies_from_the_next_step_without_a_reset(qtbot, window, tmp_path):
    s = window.session
    paused_after(qtbot, window, 6)
    w_before = s.history.w.copy()
    window.apply_run_config(window.run_controls.current().with_changes(lr=0.03))
    qtbot.waitUntil(lambda: bool(s.run_config.changes), timeout=10000)
    assert s.run_config.changes == (RunChange(6, "lr", 0.03),)
    assert s.run_config.lr == 0.1  # the run's own lr; the change is recorded beside it
    assert s.steps_done == 6 and np.array_equal(s.history.w, w_before)  # nothing was reset
    assert window.run_controls.fields["lr"].edit.text() == "0.03"
    assert "0.1 → 0.03 from step 7" in window.statusBar().currentMessage()
    s.play()
    wait_state(qtbot, window, "finished")
    _, expected = train(synthetic(), RunConfig(changes=(RunChange(6, "lr", 0.03),)))
    assert s.params == expected.params  # the same run as the recorded settings replay
    window.readouts.refresh()
    # a session keeps it
    path = tmp_path / "steered.json"
    assert window.document.save_path(path)
    assert '"changes"' in path.read_text()


def test_a_change_the_optimiser_cannot_take_mid_run_resets_as_before(qtbot, window):
    s = window.session
    paused_after(qtbot, window, 3)
    window.questions.confirm = lambda *a: True
    window.apply_run_config(window.run_controls.current().with_changes(epochs=30))  # not a steerable value
    assert s.steps_done == 0 and s.state == "ready"
