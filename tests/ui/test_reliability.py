"""Reliability: crash recovery, shutdown by close / Ctrl+C / SIGTERM, numerical faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gdviewer.ui.session import DIVERGED, FINAL_STATES, FINISHED
from tests.ui.conftest import wait_state

ROOT = Path(__file__).resolve().parents[2]


# --- crash safety ------------------------------------------------------------------------
def test_unsaved_changes_are_autosaved_and_offered_after_a_crash(qtbot, make_window, tmp_path):
    recovery = tmp_path / "recovery.json"
    first = make_window(recovery_path=recovery)
    assert not first.autosave.write() and not recovery.exists()  # nothing to lose yet
    first.document.apply_preset("Optimisers race")
    first.session.roster.rename(1, "Heavy ball")
    assert first.autosave.write() and recovery.exists()
    # a crash: the window never closes cleanly, the file stays without its lock; the next start offers it
    first.autosave.store().release()
    second = make_window(recovery_path=recovery)
    second.questions.ask_restore = lambda: True
    assert second.autosave.offer()
    assert [r.name for r in second.session.runs] == [r.name for r in first.session.runs]
    assert second.session.runs[1].name == "Heavy ball"
    assert second.document.has_unsaved_changes is False or second.banner.isVisibleTo(second)


def test_declining_the_recovery_or_closing_cleanly_removes_the_file(qtbot, make_window, tmp_path):
    recovery = tmp_path / "recovery.json"
    window = make_window(recovery_path=recovery)
    window.apply_run_config(window.session.run_config.with_changes(lr=0.05))
    window.autosave.write()
    window.close()
    assert not recovery.exists()
    recovery.write_text('{"run": {"lr": 0.02}}')
    other = make_window(recovery_path=recovery, settings=None)  # (no last-used settings)
    other.questions.ask_restore = lambda: False
    assert not other.autosave.offer() and not recovery.exists()
    assert other.session.run_config.lr == 0.1
    recovery.write_text("{broken")
    third = make_window(recovery_path=recovery)
    third.ask_restore = lambda: pytest.fail("a broken file is not offered")
    assert not third.autosave.offer() and not recovery.exists()


# --- shutdown ------------------------------------------------------------------------------
def _start_app(tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.Popen([sys.executable, "-m", "gdviewer", "--preset", "Tutorial: stochastic GD", "--run",
                             "--speed", "50"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_run_stops_training_and_exits_cleanly(tmp_path, signum):
    proc = _start_app(tmp_path)
    try:
        time.sleep(4)  # the window is up and training (slowly, at 50 steps/s)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert err == "" and "Traceback" not in out


# --- numerical faults ----------------------------------------------------------------------
@pytest.mark.parametrize(("name", "x", "y"), [
    ("all x equal", [2.0, 2.0, 2.0, 2.0], [1.0, 2.0, 3.0, 4.0]),
    ("two points", [0.0, 1.0], [0.0, 1.0]),
    ("duplicate points", [1.0, 1.0, 2.0, 2.0, 3.0, 3.0], [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]),
    ("huge values", [0.0, 1e6, 2e6], [0.0, 1e9, 2e9]),
])
@pytest.mark.parametrize("algorithm", ["batch", "stochastic"])
def test_odd_data_end_with_a_clear_status_and_finite_drawings(qtbot, window, name, x, y, algorithm):
    window.editor.set_points(np.array(x), np.array(y))
    window.apply_run_config(window.session.run_config.with_changes(algorithm=algorithm, epochs=30))
    window.session.play()
    wait_state(qtbot, window, *FINAL_STATES)
    s = window.session
    assert s.state in (FINISHED, DIVERGED)
    if s.state == DIVERGED:
        assert "Diverged at step" in s.message and window.banner.isVisibleTo(window)
    window.redraw()
    w, b = window.surface_panel.path.getData()
    assert np.isfinite(w).all() and np.isfinite(b).all()  # only what is finite is drawn
    steps = s.history.column("step")
    assert np.array_equal(steps, np.arange(1, steps.size + 1))
