"""A short soak proves the soak works: real window, runs restarting, a clean report.
(The long soak is opt-in: ``python -m gdviewer.soak --minutes 30``.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_soak_runs_clean(tmp_path):
    out = tmp_path / "soak.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "gdviewer.soak", "--seconds", "5", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    assert report["ok"] and report["errors"] == [] and not report["stuck"]
    assert report["runs_started"] >= 2 and report["steps"] > 0 and report["repaints"] > 0
    assert report["rss_start_mb"] > 0 and report["rss_end_mb"] > 0
    assert "PASS" in done.stdout


def test_soak_arguments_are_checked():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "gdviewer.soak", "--seconds", "0"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 2 and "1 second to 24 hours" in done.stderr
