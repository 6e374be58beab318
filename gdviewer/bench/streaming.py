"""Section 2: training streamed into the real window with every panel live, against the
headless trainer — one run, and five runs racing.

Each streamed race is bracketed by headless runs of the same race, one just before and one just
after it, and compared with their mean (so both see the machine in the same state: on a shared
virtual machine the speed drifts by ±20 % within a minute, and a single headless run before
gave pairs of 0.7× and 1.3× in one bench); the figure is the median of those ratios. The
window's training process is warmed first, as the app warms it after its first paint.
"""

from __future__ import annotations

import statistics
import time

import torch

from gdviewer.bench.gui import RepaintCounter, StallProbe, application, make_window, run_events, wait_for
from gdviewer.bench.results import Figure
from gdviewer.core import RunConfig, synthetic
from gdviewer.core.race import Race
from gdviewer.core.trainer import Trainer

RACERS = [RunConfig(algorithm="stochastic", lr=0.01), RunConfig(algorithm="stochastic", optimizer="momentum", lr=0.005),
          RunConfig(algorithm="stochastic", optimizer="adam", lr=0.05),
          RunConfig(algorithm="minibatch", batch_size=10, lr=0.02),
          RunConfig(algorithm="stochastic", optimizer="rmsprop", lr=0.01)]


def headless_rate(configs: list[RunConfig], clock: str) -> float:
    """Steps a second of the same race without a window (the engine alone, one thread)."""
    data = synthetic()
    start = time.perf_counter()
    race = Race([Trainer(data, c) for c in configs], clock)
    while not race.done:
        race.run(4096)
        race.take_chunk()
    return race.steps_done / (time.perf_counter() - start)


def stream(window, counter: RepaintCounter, probe: StallProbe) -> tuple[float, float, float]:
    """One race played to the end in the window: steps/s, slowest panel's repaints/s, stall ms."""
    s = window.session
    s.reset()
    run_events(0.1)
    counter.reset()
    probe.start()
    done: list[str] = []
    s.state_changed.connect(done.append)
    start = time.perf_counter()
    s.play()
    while not any(state in ("finished", "diverged", "failed", "stopped") for state in done):
        run_events(0.01)
    elapsed = time.perf_counter() - start
    probe.stop()
    s.state_changed.disconnect(done.append)
    steps = sum(len(run.history) for run in s.runs)
    return steps / elapsed, min(counter.counts.values()) / elapsed, probe.longest_ms


def measure(window, configs: list[RunConfig], clock: str, repeats: int) -> tuple[list[float], float, float, str]:
    s = window.session
    s.roster.replace([(c, "", "") for c in configs], clock)
    counter, probe = RepaintCounter(window), StallProbe()
    stream(window, counter, probe)  # untimed: a process's first torch.optim race loads it (~1.3 s, once)
    ratios, fps, stall, detail = [], [], 0.0, ""
    before = headless_rate(configs, clock)
    for _ in range(repeats):
        rate, repaints, longest = stream(window, counter, probe)
        after = headless_rate(configs, clock)
        headless = (before + after) / 2.0
        ratios.append(rate / headless)
        fps.append(repaints)
        stall = max(stall, longest)
        detail = f"{rate:,.0f} vs {headless:,.0f} steps/s"
        before = after
    return ratios, min(fps), stall, detail


def run(quick: bool) -> list[Figure]:
    torch.set_num_threads(1)  # as the training process does
    application()
    epochs = 100 if quick else 200
    window = make_window()
    window.engine.load_in_background()  # the warm training process, as after the first paint
    if not window.engine.is_ready:
        wait_for(window.engine.ready, 120)
    run_events(0.3)
    repeats = 2 if quick else 3
    figures: list[Figure] = []
    one = [RunConfig(algorithm="stochastic", lr=0.01, epochs=epochs)]
    five = [c.with_changes(epochs=max(1, epochs // 5)) for c in RACERS]
    for label, configs, clock in (("1 run", one, "epoch"), ("5 runs racing", five, "step")):
        ratios, fps, stall, detail = measure(window, configs, clock, repeats)
        steps = sum(c.total_steps(100) for c in configs)
        ratio = statistics.median(ratios)
        figures += [
            Figure("streaming", f"{label}: streamed / headless", ratio, "x", ">= 0.9",
                   f"median of {repeats} runs ({', '.join(f'{r:.2f}' for r in ratios)}); last {detail}; "
                   f"{steps:,} steps, all panels live"),
            Figure("streaming", f"{label}: repaints per second (slowest panel)", fps, "/s", ">= 30",
                   "Paint events of each panel's viewport while training (the lowest race)"),
            Figure("streaming", f"{label}: longest GUI-thread stall", stall, "ms", "<= 50",
                   "5 ms timer probe on the GUI thread"),
        ]
    window.close()
    return figures
