"""Start-up: the window opens and paints before torch is imported, torch then loads in the
background, and the window is ready to train. Each test runs in a fresh interpreter, since
this test process has long since imported torch."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from tests.core.tutorial import tutorial_batch, tutorial_data

ROOT = Path(__file__).resolve().parents[2]

#: Qt messages the offscreen platform prints that say nothing about gdviewer.
HARMLESS = ("This plugin does not support propagateSizeHints",)

SCRIPT = textwrap.dedent("""
    import json
    import sys

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from gdviewer.ui.main_window import MainWindow
    from gdviewer.ui.session import FINAL_STATES

    report = {}
    window = MainWindow(settings=None)
    window.show()
    app.processEvents()
    report["shown"] = {"torch": "torch" in sys.modules, "session_ready": window.engine.is_ready}


    def wait(signal, done=lambda *args: True, timeout_ms=60_000):
        \"\"\"Run the event loop until ``signal`` fires with arguments that ``done`` accepts.\"\"\"
        loop = QEventLoop()
        fired = []

        def on_signal(*args):
            if done(*args):
                fired.append(args)
                loop.quit()

        signal.connect(on_signal)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(on_signal)
        return bool(fired)


    window.engine.load_in_background()
    report["ready_fired"] = wait(window.engine.ready)
    report["loaded"] = {"torch": "torch" in sys.modules, "session_ready": window.engine.is_ready}

    session = window.session
    session.play()
    report["play_state"] = session.state
    report["finished"] = wait(session.state_changed, lambda state: state in FINAL_STATES)
    report["final_state"] = session.state
    report["w"] = session.history.column("w").tolist()
    report["b"] = session.history.column("b").tolist()
    window.close()
    report["thread_running"] = session.thread_running
    report["torch_after_training"] = "torch" in sys.modules
    print("REPORT:" + json.dumps(report))
""")


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **extra}


def unexpected_stderr(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith(HARMLESS)]


def test_the_window_shows_without_torch_then_warms_the_training_process_and_trains():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment(), capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert unexpected_stderr(proc.stderr) == []
    [line] = [ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT:")]
    report = json.loads(line.removeprefix("REPORT:"))

    assert report["shown"] == {"torch": False, "session_ready": False}
    assert report["ready_fired"], "window.ready did not fire within 60 s"
    # torch is the training process's: the window's own process never imports it to train
    assert report["loaded"] == {"torch": False, "session_ready": True}
    assert report["torch_after_training"] is False
    assert report["play_state"] == "running"
    assert report["finished"] and report["final_state"] == "finished"
    assert not report["thread_running"]
    # the default run is the tutorial's batch loop: 20 epochs from (-10, -20) at lr 0.1
    ref = tutorial_batch(*tutorial_data())
    np.testing.assert_array_equal(np.float32(report["w"]), np.float32(ref.w))
    np.testing.assert_array_equal(np.float32(report["b"]), np.float32(ref.b))


def test_the_startup_probe_writes_first_paint_and_ready_times_and_exits(tmp_path):
    report = tmp_path / "startup.json"
    env = environment(GDVIEWER_STARTUP_PROBE=str(report), XDG_CONFIG_HOME=str(tmp_path / "config"))
    before = time.time()
    proc = subprocess.run([sys.executable, "-m", "gdviewer"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)
    after = time.time()
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    times = json.loads(report.read_text())
    assert sorted(times) == ["first_paint", "ready"]
    assert all(isinstance(v, float) and math.isfinite(v) for v in times.values()), times
    # wall-clock times of this run, in order: painted first, ready to train after
    assert before <= times["first_paint"] <= times["ready"] <= after
