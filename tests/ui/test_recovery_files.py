"""Issue 13: two windows keep their own recovery files, and a kill at any moment leaves a
recovery file that parses (or none), never half of one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from gdviewer.core.session_file import spec_from_dict

ROOT = Path(__file__).resolve().parents[2]


def test_two_windows_keep_their_own_recovery_files(qtbot, make_window, tmp_path):
    base = tmp_path / "recovery.json"
    a, b = make_window(recovery_path=base), make_window(recovery_path=base)
    a.apply_run_config(a.session.run_config.with_changes(lr=0.011))
    b.apply_run_config(b.session.run_config.with_changes(lr=0.022))
    assert a.autosave.write() and b.autosave.write()
    files = sorted(tmp_path.glob("recovery*.json"))
    assert [f.name for f in files] == ["recovery-1.json", "recovery.json"]
    lrs = sorted(json.loads(f.read_text())["runs"][0]["run"]["lr"] for f in files)
    assert lrs == [0.011, 0.022]  # neither overwrote the other
    a.close()  # a clean close removes only a's own file
    assert [f.name for f in tmp_path.glob("recovery*.json")] == ["recovery-1.json"]
    assert not b.autosave.offer()  # b is alive: its file is not an orphan
    b.autosave.store().release()  # b crashes: its file stays, its lock goes
    c = make_window(recovery_path=base)
    c.ask_restore = lambda: True
    assert c.autosave.offer() and c.session.run_config.lr == 0.022
    assert not (tmp_path / "recovery-1.json").exists()


def test_a_kill_at_random_moments_leaves_only_recovery_files_that_parse(tmp_path):
    rng = random.Random(13)
    written = 0
    for attempt in range(2):  # (two kills: the suite's 4 minutes; each waits for a window and an autosave)
        home = tmp_path / f"try{attempt}"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
        proc = subprocess.Popen([sys.executable, "-m", "gdviewer", "--preset", "Optimisers race", "--run",
                                 "--speed", "200"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        data = home / "data"
        try:
            deadline = time.monotonic() + 60  # the first autosave comes 3 s after the window is up
            while not list(data.rglob("recovery*.json")) and time.monotonic() < deadline:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.1)
            time.sleep(rng.uniform(0.0, 4.0))  # then at a random moment: mid-training, maybe mid-autosave
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            proc.stderr.close()
        for path in (home / "data").rglob("recovery*.json"):
            spec_from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))  # raises if broken
            written += 1
    assert written >= 1
