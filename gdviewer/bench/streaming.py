"""Section 2: the real worker thread with the real window open and every panel live."""

from __future__ import annotations

import time

import torch

from gdviewer.bench.gui import RepaintCounter, StallProbe, application, make_window, run_events
from gdviewer.bench.results import Figure
from gdviewer.core import RunConfig, synthetic, train


def headless_rate(config: RunConfig) -> float:
    start = time.perf_counter()
    history, _ = train(synthetic(), config)
    return len(history) / (time.perf_counter() - start)


def run(quick: bool) -> list[Figure]:
    torch.set_num_threads(1)  # as the worker does
    application()
    epochs = 100 if quick else 200
    config = RunConfig(algorithm="stochastic", lr=0.01, epochs=epochs)
    window = make_window()
    window.apply_run_config(config)
    counter = RepaintCounter(window)
    probe = StallProbe()
    run_events(0.3)
    best_gui = best_headless = 0.0
    rates: list[float] = []
    stall = 0.0
    for _ in range(2 if quick else 3):
        best_headless = max(best_headless, headless_rate(config))
        window.session.reset()
        run_events(0.1)
        counter.reset()
        probe.start()
        start = time.perf_counter()
        done: list[str] = []
        window.session.state_changed.connect(done.append)
        window.session.play()
        while not any(s in ("finished", "diverged", "failed", "stopped") for s in done):
            run_events(0.01)
        elapsed = time.perf_counter() - start
        probe.stop()
        window.session.state_changed.disconnect(done.append)
        steps = len(window.session.history)
        best_gui = max(best_gui, steps / elapsed)
        rates.append(min(counter.counts.values()) / elapsed)
        stall = max(stall, probe.longest_ms)
    window.close()
    fps = max(rates)
    return [
        Figure("streaming", "worker+window / headless trainer", best_gui / best_headless, "x", ">= 0.8",
               f"{best_gui:,.0f} vs {best_headless:,.0f} steps/s ({epochs * 100:,} SGD steps, all panels live)"),
        Figure("streaming", "panel repaints per second (slowest panel)", fps, "/s", ">= 30",
               "Paint events of each panel's viewport while training"),
        Figure("streaming", "longest GUI-thread stall", stall, "ms", "<= 100", "5 ms timer probe on the GUI thread"),
    ]
