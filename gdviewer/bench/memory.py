"""Section 5: memory of a 1,000,000-step history, and the window drawing one."""

from __future__ import annotations

import time

import numpy as np

from gdviewer.bench.results import Figure, rss_mb
from gdviewer.core import RunConfig
from gdviewer.core.history import COLUMNS, Chunk, History

STEPS = 1_000_000


def fake_chunks(total: int, size: int = 4096, start: int = 1):
    """Plausible step records: a spiral into the optimum with a noisy falling loss."""
    rng = np.random.default_rng(0)
    for first in range(start, total + 1, size):
        step = np.arange(first, min(first + size, total + 1), dtype=np.int64)
        t = step / total
        decay = np.exp(-6 * t)
        cols = {
            "step": step, "epoch": (step - 1) // 100, "samples": step,
            "w": -5 - 5 * decay * np.cos(40 * t), "b": -20 * decay * np.sin(40 * t + 1),
            "loss": 600 * decay + rng.exponential(0.2, step.size), "dw": rng.normal(size=step.size),
            "db": rng.normal(size=step.size), "full_loss": 600 * decay + 0.15,
            "epoch_loss": np.where((step - 1) % 100 == 0, 600 * decay, np.nan),
        }
        yield Chunk({k: np.asarray(v, dtype=COLUMNS[k]) for k, v in cols.items()}, np.array([0]))


def run(quick: bool) -> list[Figure]:
    figures = []
    before = rss_mb()
    history = History(-10.0, -20.0, capacity=min(STEPS, 1 << 20))
    for chunk in fake_chunks(STEPS):
        history.append(chunk)
    grown = rss_mb() - before
    figures.append(Figure("memory", "RSS growth, 1,000,000-step history", grown, "MB", "<= 100",
                          f"{history.nbytes() / 2**20:.0f} MiB of column buffers, {len(history):,} rows"))
    del history

    from gdviewer.bench.gui import RepaintCounter, application, make_window, run_events

    application()
    window = make_window()
    config = RunConfig(algorithm="stochastic", lr=0.001, epochs=STEPS // 100)
    window.apply_run_config(config)
    run_events(0.2)
    base = rss_mb()
    session = window.session
    session.history = History(-10.0, -20.0, capacity=min(STEPS, 1 << 20))
    session.run_reset.emit()
    preload = STEPS - 20_000
    for chunk in fake_chunks(preload):
        session.history.append(chunk)
    counter = RepaintCounter(window)
    tail = list(fake_chunks(STEPS, size=333, start=preload + 1))
    start = time.perf_counter()
    for chunk in tail:  # stream the last 20,000 steps as a fast run would: a chunk every 16 ms
        session.history.append(chunk)
        session.history_grew.emit()
        run_events(0.016)
    elapsed = time.perf_counter() - start
    fps = min(counter.counts.values()) / elapsed
    grown = rss_mb() - base
    window.close()
    figures.append(Figure("memory", "window with a 1,000,000-point path: repaints/s", fps, "/s", ">= 30",
                          f"slowest panel, {elapsed:.1f} s of streaming at {len(tail) / elapsed:.0f} chunks/s"))
    figures.append(Figure("memory", "window with a 1,000,000-point path: RSS growth", grown, "MB", "<= 100",
                          "history + drawing buffers"))
    return figures
