"""Soak test: the real window, runs restarting continuously, for minutes or hours.

``python -m gdviewer.soak --minutes M [--json PATH]`` cycles through the presets (and
clicks around: resets, pauses, steps, scrubbing, new start points) with training at full
speed, and reports steps done, repaints, and RSS at the start and end. It fails (exit 1) on
an exception anywhere, on a steadily growing RSS, or on a stuck training thread.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field

import numpy as np

#: RSS may grow this much per hour (least-squares trend over the second half) before the
#: soak calls it a leak. Memory glibc keeps after frees is not a leak: the window trims it
#: after each run (gdviewer.ui.memory), and the samples are taken right after a trim.
MAX_RSS_GROWTH_MB_PER_HOUR = 30.0
#: The trend is judged only on soaks at least this long (shorter ones are warm-up noise).
MIN_TREND_SECONDS = 120.0
#: RSS at the start is taken after this share of the soak (torch, glyph and allocator caches
#: fill in the first runs).
WARM_UP = 0.1
#: A run that is "running" but takes no step for this long counts as stuck.
STUCK_AFTER_S = 10.0


@dataclass
class SoakReport:
    seconds: float = 0.0
    runs_started: int = 0
    steps: int = 0
    repaints: int = 0
    actions: int = 0
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_trend_mb_per_hour: float = 0.0
    errors: list[str] = field(default_factory=list)
    stuck: bool = False

    @property
    def leaking(self) -> bool:
        return self.seconds >= MIN_TREND_SECONDS and self.rss_trend_mb_per_hour > MAX_RSS_GROWTH_MB_PER_HOUR

    @property
    def ok(self) -> bool:
        return not self.errors and not self.stuck and not self.leaking


def soak(seconds: float, seed: int = 0) -> SoakReport:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject

    from gdviewer.bench.gui import application, make_window, run_events
    from gdviewer.bench.results import rss_mb as _rss_mb
    from gdviewer.presets import load_presets
    from gdviewer.ui.memory import release_free_memory

    report = SoakReport()

    def hook(kind, value, tb) -> None:
        report.errors.append("".join(traceback.format_exception(kind, value, tb))[-2000:])

    previous_hook = sys.excepthook
    sys.excepthook = hook
    application()
    window = make_window()

    class Repaints(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                report.repaints += 1
            return False

    counter = Repaints()
    for panel in window.panels:
        panel.plot_widget.viewport().installEventFilter(counter)
    rng = random.Random(seed)
    presets = list(load_presets())
    s = window.session
    run_events(0.5)
    start = time.perf_counter()
    warm_until = start + WARM_UP * seconds
    samples: list[tuple[float, float]] = []
    last_progress = (time.perf_counter(), -1)
    next_sample = start
    try:
        while time.perf_counter() - start < seconds and not report.errors:
            now = time.perf_counter()
            if not report.rss_start_mb and now >= warm_until:
                release_free_memory(force=True)
                report.rss_start_mb = _rss_mb()
            if now >= next_sample:
                release_free_memory(force=True)  # measure live memory, not the allocator's slack
                samples.append((now - start, _rss_mb()))
                next_sample = now + max(1.0, seconds / 200)
            if s.state in ("ready", "finished", "diverged", "stopped", "failed"):
                report.steps += sum(len(r.history) for r in s.runs)
                window.document.apply_preset(rng.choice(presets))
                s.play()
                report.runs_started += 1
                last_progress = (time.perf_counter(), -1)
            else:
                action = rng.random()
                if action < 0.02:
                    s.pause()
                    s.step(rng.randint(1, 20))
                elif action < 0.04 and len(s.history):
                    s.set_view_step(rng.randint(0, len(s.history)))
                    s.play()
                elif action < 0.05:
                    s.set_run_config(s.run_config.with_changes(init_w=rng.uniform(-12, 2), init_b=rng.uniform(-25, 10)))
                    s.play()
                elif action < 0.06 and s.state == "paused":
                    s.play()
                report.actions += 1
            done = sum(len(r.history) for r in s.runs)
            if s.state == "running":
                if done != last_progress[1]:
                    last_progress = (time.perf_counter(), done)
                elif time.perf_counter() - last_progress[0] > STUCK_AFTER_S:
                    report.stuck = True
                    break
            run_events(0.05)
        report.steps += sum(len(r.history) for r in s.runs)
    finally:
        window.close()
        sys.excepthook = previous_hook
    if s.thread_running:
        report.stuck = True
    report.seconds = time.perf_counter() - start
    release_free_memory(force=True)
    report.rss_end_mb = _rss_mb()
    report.rss_start_mb = report.rss_start_mb or report.rss_end_mb
    half = [p for p in samples if p[0] >= report.seconds / 2]
    if len(half) >= 3:
        t, rss = np.array(half).T
        report.rss_trend_mb_per_hour = float(np.polyfit(t, rss, 1)[0] * 3600.0)
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gdviewer.soak", description=__doc__.split("\n\n")[0])
    length = p.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=None)
    length.add_argument("--seconds", type=float, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="PATH")
    args = p.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else 60.0 * (args.minutes if args.minutes else 1.0)
    if not 1 <= seconds <= 24 * 3600:
        p.error("the soak lasts from 1 second to 24 hours")
    report = soak(seconds, args.seed)
    summary = asdict(report) | {"ok": report.ok}
    print(f"soak {report.seconds / 60:.1f} min: {report.runs_started} runs, {report.steps:,} steps, "
          f"{report.actions:,} actions, {report.repaints:,} repaints; RSS {report.rss_start_mb:.0f} → "
          f"{report.rss_end_mb:.0f} MB (trend {report.rss_trend_mb_per_hour:+.1f} MB/h); "
          f"{'stuck thread; ' if report.stuck else ''}{'growing RSS; ' if report.leaking else ''}"
          f"{len(report.errors)} errors: "
          f"{'PASS' if report.ok else 'FAIL'}")
    for error in report.errors[:3]:
        print(error, file=sys.stderr)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(summary, fh, indent=2)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
