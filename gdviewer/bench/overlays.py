"""Section 7: what the gradient fan and the valley's axes add to a frame at N = 1,000,000.

The window gets a million synthetic points and a mini-batch run (B = 32, in order); the fan
("fan" above the surface, with the shown step's batch), the valley's axes ("axes" above the
surface) and the loss panel's error per axis ("axes" there) are on. Their own GUI-thread work
is timed call by call, by wrappers around the methods the frame and the view's signals call
(the fan's ``update``, the error curves' ``draw`` and ``caption``, the axes' label placing),
and summed per frame: while the run streams live (the frame's own timer) and while the
timeline is scrubbed (a frame for each shown step). A fan that worked on all N samples a frame
(per-sample gradients: ~100 ms; the moments again: ~20 ms) would fail the target.
The headline measure times whole frames (the panels' redraw and a synchronous repaint of the
surface and loss panels: what the overlays cost to paint too, which their own calls do not
show) while scrubbing, with the overlays on and off over the same steps in paired blocks.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict

import numpy as np

from gdviewer.bench.gui import application, make_window, run_events, wait_for
from gdviewer.bench.results import Figure
from gdviewer.core import DataConfig, RunConfig
from gdviewer.core.run_status import RunStatus

N = 1_000_000
BATCH = 32


class OverlayClock:
    """Milliseconds of the overlays' own calls, summed per frame of the window's frame clock."""

    def __init__(self, window) -> None:
        self.window = window
        self.per_frame: dict[int, float] = defaultdict(float)
        self.calls = 0

    def wrap(self, owner: object, name: str):
        """Replace ``owner.name`` by a timed version (the instance's attribute); returns it."""
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.per_frame[self.window.frame.frames] += (time.perf_counter() - start) * 1000.0
                self.calls += 1

        setattr(owner, name, timed)
        return timed

    def take(self) -> np.ndarray:
        """The per-frame sums so far (frames in which an overlay ran), and start again."""
        values = np.array(list(self.per_frame.values()), dtype=np.float64)
        self.per_frame.clear()
        return values


def set_overlays(window, on: bool) -> None:
    panel = window.surface_panel
    panel.fan.checkbox.setChecked(on)
    panel.axes_box.setChecked(on)
    window.loss_panel.set_axis_errors(on)


def wait_until(condition, timeout_s: float) -> None:
    end = time.perf_counter() + timeout_s
    while not condition() and time.perf_counter() < end:
        run_events(0.05)


def instrument(window) -> OverlayClock:
    clock = OverlayClock(window)
    surface = window.surface_panel
    clock.wrap(surface.fan, "update")
    clock.wrap(window.loss_panel.axis_errors, "draw")
    clock.wrap(window.loss_panel.axis_errors, "caption")
    valley = surface.valley
    for signal in (surface.view_box.sigRangeChanged, surface.view_box.sigResized):
        signal.disconnect(valley.place_labels)
    timed = clock.wrap(valley, "place_labels")
    surface.view_box.sigRangeChanged.connect(timed)
    surface.view_box.sigResized.connect(timed)
    return clock


def scrub_frames(window, steps: np.ndarray, paint: bool) -> np.ndarray:
    """A frame for each step in ``steps``: redraw (and, with ``paint``, repaint the surface and
    loss panels now); returns each frame's milliseconds, redraw and repaint (len(steps) × 2)."""
    s = window.session
    viewports = [window.surface_panel.plot_widget.viewport(), window.loss_panel.plot_widget.viewport()]
    times = []
    for k in steps:
        start = time.perf_counter()
        s.set_view_step(int(k))
        window.redraw()
        drawn = time.perf_counter()
        if paint:
            for viewport in viewports:
                viewport.repaint()
        times.append(((drawn - start) * 1000.0, (time.perf_counter() - drawn) * 1000.0))
    return np.array(times).reshape(-1, 2)


def paired_blocks(window, steps: np.ndarray, blocks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole frames (redraw and repaint) over the same steps with the overlays on and off, in
    ``blocks`` blocks, the order swapped each block. This machine's speed drifts by ±20 % within
    a minute, so each block's on − off difference of medians is taken one beside the other:
    returns those differences (blocks × 3: redraw, repaint, whole frame) and all the frames with
    them on and off (frames × 2)."""
    differences, with_on, with_off = [], [], []
    for i, block in enumerate(np.array_split(steps, blocks)):
        medians = {}
        for on in ((True, False) if i % 2 == 0 else (False, True)):
            set_overlays(window, on)
            scrub_frames(window, block[:2], paint=True)  # the toggle's own re-framing is not a frame
            frames = scrub_frames(window, block, paint=True)
            (with_on if on else with_off).append(frames)
            medians[on] = np.array([*np.median(frames, axis=0), np.median(frames.sum(axis=1))])
        differences.append(medians[True] - medians[False])
    return np.array(differences), np.concatenate(with_on), np.concatenate(with_off)


def run(quick: bool) -> list[Figure]:
    application()
    window = make_window()
    s = window.session
    s.set_data_config(DataConfig(n_points=N))
    config = RunConfig(algorithm="minibatch", batch_size=BATCH, epochs=1)
    config = config.with_changes(lr=0.3 * (s.stable_lr(config) or 0.01))
    window.apply_run_config(config)
    window.engine.load_in_background()  # the warm training process, as after the first paint
    if not window.engine.is_ready:
        wait_for(window.engine.ready, 120)
    set_overlays(window, True)
    run_events(0.3)
    clock = instrument(window)
    clock.take()

    s.play()  # streaming: the frame's own timer draws, ~33 times a second
    run_events(1.5 if quick else 4.0)
    s.pause()
    wait_until(lambda: s.state != RunStatus.RUNNING, 30)
    run_events(0.2)
    live = clock.take()
    steps_done = s.steps_done

    frames = 100 if quick else 400
    steps = np.unique(np.linspace(1, steps_done, frames).astype(np.int64))
    scrub_frames(window, steps[:5], paint=False)  # warm-up
    clock.take()
    scrub_frames(window, steps, paint=False)
    scrubbed = clock.take()

    # whole frames with and without them: what they cost to draw and to paint
    differences, with_on, with_off = paired_blocks(window, steps, blocks=10 if quick else 20)
    window.close()

    both = np.concatenate([live, scrubbed])
    detail = (f"{both.size} frames ({live.size} streaming live, {scrubbed.size} scrubbing {steps_done:,} steps), "
              f"B = {BATCH}; median streaming {np.median(live):.2f}, scrubbing {np.median(scrubbed):.2f} ms")
    worst = (f"worst {both.max():.2f} ms (streaming {live.max():.2f}, scrubbing {scrubbed.max():.2f}); "
             f"a frame in twenty is slower than this")
    redraw, repaint, whole = np.median(differences, axis=0)
    frame_detail = (f"scrubbing, median of {len(differences)} paired blocks: redraw {redraw:+.2f}, repaint of the "
                    f"surface and loss panels {repaint:+.2f} ms (blocks {differences[:, 2].min():+.1f} to "
                    f"{differences[:, 2].max():+.1f}); a whole frame {np.median(with_on.sum(axis=1)):.1f} ms with "
                    f"them, {np.median(with_off.sum(axis=1)):.1f} without")
    return [
        Figure("overlays", "fan + axes at N=1e6: a frame with - without them", float(whole), "ms", "<= 5",
               frame_detail),
        Figure("overlays", "fan + axes at N=1e6: their work a frame (median)", float(np.median(both)), "ms",
               "<= 5", detail),
        Figure("overlays", "fan + axes at N=1e6: their work a frame (95th pct)", float(np.percentile(both, 95)),
               "ms", "<= 5", worst),
    ]
