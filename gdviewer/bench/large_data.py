"""Section 6: a 1,000,000-row CSV: load it in the window, then one batch-GD epoch."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from gdviewer.bench.gui import StallProbe, application, make_window, run_events, wait_for
from gdviewer.bench.results import Figure
from gdviewer.core import RunConfig, train

ROWS = 1_000_000


def write_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(-5, 5, rows)
    np.savetxt(path, np.column_stack([x, -5 * x + rng.normal(0, 0.4, rows)]), delimiter=",",
               header="x,y", comments="", fmt="%.6f")


def run(quick: bool) -> list[Figure]:
    torch.set_num_threads(1)
    application()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "million.csv"
        write_csv(path, ROWS)
        window = make_window()
        run_events(0.5)  # let the window settle: only the load is measured
        probe = StallProbe()
        results: list[bool] = []
        window.document.data_loaded.connect(results.append)
        probe.start()
        start = time.perf_counter()
        window.document.open_path(path)
        wait_for(window.document.data_loaded, 300)
        load_s = time.perf_counter() - start
        probe.stop()
        ok = results == [True]
        dataset = window.session.dataset
        window.close()
    start = time.perf_counter()
    history, _ = train(dataset, RunConfig(algorithm="batch", epochs=1, lr=0.01))
    epoch_s = time.perf_counter() - start
    return [
        Figure("large data", "load 1,000,000-row CSV in the window", load_s, "s", "",
               f"{'loaded' if ok else 'FAILED to load'}; parsed off the GUI thread"),
        Figure("large data", "longest GUI stall while loading", probe.longest_ms, "ms", "<= 100", ""),
        Figure("large data", "one batch-GD epoch on 1,000,000 points", epoch_s, "s", "",
               f"{len(history)} step, loss {float(history.column('loss')[0]):.4g}"),
    ]
