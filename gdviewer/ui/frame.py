"""The frame: the one redraw timer, and the fan-out of a new moment to every panel.

The panels and the readouts never reach for the session: the frame takes one Qt-free
snapshot (``Session.moment()``) and hands it to each of them before they draw.

Redraws are merged: a chunk from the worker only asks for a frame, and one single-shot timer
starts it, so the panels repaint at most ~33 times a second however fast training runs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from gdviewer.ui.controls.timeline import Timeline
from gdviewer.ui.paced_text import PacedText, streaming
from gdviewer.ui.panels.data_panel import DataPanel
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.panels.parameters_panel import ParametersPanel
from gdviewer.ui.panels.surface_panel import SurfacePanel
from gdviewer.ui.readouts import ReadoutTable
from gdviewer.ui.session import Session

FRAME_INTERVAL_MS = 30  # ≈ 33 redraws a second at most


@dataclass(frozen=True)
class Panels:
    """The four plot panels, by name."""

    surface: SurfacePanel
    data: DataPanel
    loss: LossPanel
    parameters: ParametersPanel

    def all(self) -> list:
        return [self.surface, self.data, self.loss, self.parameters]

    def by_key(self) -> dict[str, object]:
        return {"surface": self.surface, "data": self.data, "loss": self.loss, "parameters": self.parameters}


class StatusLine:
    """The status bar's permanent fields (state, epoch, step, loss, w, b) and the loading bar."""

    KEYS = ("state", "epoch", "step", "loss", "w", "b")

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(140)
        self.progress.setAccessibleName("Loading progress")
        # showing it must not re-lay out the window (that would repaint every panel)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        bar.addPermanentWidget(self.progress)
        self.labels: dict[str, QLabel] = {}
        self._texts: dict[str, PacedText] = {}
        for key in self.KEYS:
            label = QLabel()
            label.setAccessibleName(f"Status {key}")
            label.setMinimumWidth(70)
            self.labels[key] = label
            self._texts[key] = PacedText(label.setText)
            bar.addPermanentWidget(label)

    def say(self, text: str, ms: int = 5000) -> None:
        """A passing message."""
        self.bar.showMessage(text, ms)

    def show_state(self, session: Session) -> None:
        replay = " (replay)" if session.view_step is not None else ""
        self._texts["state"].set(session.state.capitalize() + replay, live=False)

    def update(self, session: Session) -> None:
        """The shown step's numbers."""
        s = session.moment()
        n = s.shown_steps
        epoch = s.shown_epoch
        w, b = s.params
        loss = float(s.surface.loss(w, b)) if math.isfinite(w) and math.isfinite(b) else math.inf
        self.show_state(session)
        live = streaming(s)
        for key, text in (("epoch", f"Epoch {epoch}/{s.run_config.epochs}"), ("step", f"Step {n:,}/{s.total_steps:,}"),
                          ("loss", f"Loss {loss:.5g}"), ("w", f"w {w:.5g}"), ("b", f"b {b:.5g}")):
            self._texts[key].set(text, live=live)


class Frame(QObject):
    """Draws every panel, the timeline, the status line and the readouts for the moment
    shown, at most once per FRAME_INTERVAL_MS; follows new data, runs and resets."""

    def __init__(self, session: Session, panels: Panels, timeline: Timeline, readouts: ReadoutTable,
                 status: StatusLine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.panels = panels
        self.timeline = timeline
        self.readouts = readouts
        self.status = status
        self.frames = 0
        self._last = 0.0
        self._dirty = False
        self._timer = QTimer(self, singleShot=True, interval=FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        session.history_grew.connect(self.schedule)
        session.view_changed.connect(self.schedule)
        session.run_reset.connect(self._on_run_reset)
        session.data_changed.connect(self._on_data_changed)

    def schedule(self) -> None:
        """Ask for a frame: at most one pending, and frames start FRAME_INTERVAL_MS apart
        (counted from the last frame's start, so a slow frame does not lower the rate)."""
        self._dirty = True
        if not self._timer.isActive():
            since = (time.perf_counter() - self._last) * 1000.0
            self._timer.start(int(max(0.0, FRAME_INTERVAL_MS - since)))

    def _tick(self) -> None:
        """The frame clock: while something new keeps coming, a frame every FRAME_INTERVAL_MS
        on a steady beat. (Re-armed only by the next chunk, the beat slipped to the chunks'
        phase: with 5 runs, chunks 23 ms apart gave frames 30–53 ms apart, 24 a second.)"""
        if not self._dirty:
            return  # nothing new since the last frame: the clock stops until something comes
        self._timer.start(FRAME_INTERVAL_MS)
        self.draw()

    def push(self) -> None:
        """Hand every panel and the readouts the moment shown now (one snapshot for all)."""
        moment = self.session.moment()
        for panel in self.panels.all():
            panel.show_moment(moment)
        self.readouts.show_moment(moment)

    def draw(self) -> None:
        """Draw now."""
        self._last = time.perf_counter()
        self._dirty = False
        self.push()
        for panel in self.panels.all():
            panel.redraw()
        self.timeline.sync()
        self.status.update(self.session)
        if not self.readouts.visibleRegion().isEmpty():
            self.readouts.request_refresh()
        self.frames += 1

    def stop(self) -> None:
        self._timer.stop()

    def sync_runs(self) -> None:
        """Runs added, removed, renamed or recoloured: every panel's items for them."""
        self.push()
        p = self.panels
        for panel in (p.surface, p.data, p.loss):
            panel.sync_runs()
        p.loss.frame_run()
        self.schedule()

    def _on_run_reset(self) -> None:
        self.push()
        p = self.panels
        p.surface.update_data()
        p.loss.frame_run()
        p.parameters.frame_run()
        self.draw()

    def _on_data_changed(self) -> None:
        self.push()
        p = self.panels
        p.parameters.update_data()  # the targets w*, b* first
        p.surface.update_data()
        p.data.update_data()
