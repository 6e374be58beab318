"""Section 4: process start to the main window's first paint, and to ready-to-train."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gdviewer.bench.results import Figure


def measure_once() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "startup.json"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GDVIEWER_STARTUP_PROBE": str(report),
               # the window writes settings when it closes: into this run's own folders, never the user's
               "XDG_CONFIG_HOME": str(Path(tmp) / "config"), "XDG_DATA_HOME": str(Path(tmp) / "data"),
               "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        start = time.time()
        subprocess.run([sys.executable, "-m", "gdviewer"], env=env, check=True, timeout=120,
                       capture_output=True)
        times = json.loads(report.read_text())
    return times["first_paint"] - start, times["ready"] - start


def run(quick: bool) -> list[Figure]:
    runs = [measure_once() for _ in range(2 if quick else 4)]
    paint = min(r[0] for r in runs)
    ready = min(r[1] for r in runs)
    return [
        Figure("start-up", "process start to first paint of the window", paint, "s", "<= 1.0",
               f"best of {len(runs)}"),
        Figure("start-up", "process start to ready-to-train", ready, "s", "",
               "training process warm (torch imported there), data and surface ready"),
    ]
