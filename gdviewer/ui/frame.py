"""The frame: the one redraw timer, and the fan-out of a new moment to every panel.

The panels and the readouts never reach for the session: the frame takes one Qt-free
snapshot (``Session.moment()``) and hands it to each of them before they draw.

Redraws are merged: a chunk from the worker only asks for a frame, and one single-shot timer
starts it, so the panels repaint at most ~33 times a second however fast training runs.

While a run streams live, a frame is drawn in two halves half a beat apart (the surface and
the data, then the loss, the parameters and the text), never two halves in one tick: Qt
paints every panel changed since its last paint in one go, and four panels at once kept the
GUI thread from answering for 50–70 ms with five runs racing; a half is about half of that.
Paused, scrubbing or finished, a frame is drawn whole, so the panels show one moment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer

from gdviewer.core.moment import Moment
from gdviewer.ui.controls.timeline import Timeline
from gdviewer.ui.paced_text import streaming
from gdviewer.ui.panels.data_panel import DataPanel
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.panels.parameters_panel import ParametersPanel
from gdviewer.ui.panels.surface_panel import SurfacePanel
from gdviewer.ui.readouts import ReadoutTable
from gdviewer.ui.session import Session
from gdviewer.ui.status_line import StatusLine

FRAME_INTERVAL_MS = 30  # ≈ 33 redraws a second at most
MIN_TICK_GAP_MS = 4  # between two ticks of the frame clock, however late the first was


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


def settle_range(panel) -> None:
    """Apply the panel's auto-range now, after its new data. pyqtgraph defers it to the start of
    the paint, where a changed range (a growing loss curve) asks for a second paint of the
    whole panel straight after the first: one frame in ten of the loss and parameter panels."""
    panel.plot_item.getViewBox().prepareForPaint()


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
        #: other views that follow the moment shown (``show_moment``), e.g. the Step panel
        self.followers: list = []
        self.frames = 0
        self._last = 0.0
        self._dirty = False
        self._owed_half = False  # the first half of a live frame is drawn, the second not yet
        self._timer = QTimer(self, singleShot=True, interval=FRAME_INTERVAL_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # (a coarse timer may be 5 % late: 31 a second)
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
        phase: with 5 runs, chunks 23 ms apart gave frames 30–53 ms apart, 24 a second.)
        A live frame takes two ticks, half a beat apart, one half each."""
        now = time.perf_counter()
        beat = FRAME_INTERVAL_MS / 1000.0
        if self._owed_half:
            self._owed_half = False
            self._draw_second_half()
            self._start_timer(self._last + beat, now)
            return
        if not self._dirty:
            return  # nothing new since the last frame: the clock stops until something comes
        # the next beat counted from when this one was due, not from now: a timer that fires a
        # millisecond late each time would otherwise slow the clock (~31 frames a second)
        due = self._last + beat
        if not 0.0 <= now - due < beat:
            due = now  # the first beat, or one missed altogether: start the beat again from now
        self._last = due
        self._dirty = False
        if streaming(self._draw_first_half()):
            self._owed_half = True
            self._start_timer(due + beat / 2, now)
        else:
            self._draw_second_half()
            self._start_timer(due + beat, now)

    def _start_timer(self, at: float, now: float) -> None:
        """The next tick at ``at``, but a few ms after this one at the soonest: the paint of
        what this tick drew comes first (two halves drawn in one go would be painted in one)."""
        self._timer.start(max(MIN_TICK_GAP_MS, round((at - now) * 1000.0)))

    def push(self) -> Moment:
        """Hand every panel and the readouts the moment shown now (one snapshot for all)."""
        moment = self.session.moment()
        for panel in self.panels.all():
            panel.show_moment(moment)
        self.readouts.show_moment(moment)
        for view in self.followers:
            view.show_moment(moment)
        return moment

    def draw(self) -> None:
        """Draw the whole frame now."""
        self._last = time.perf_counter()
        self._dirty = False
        self._owed_half = False
        self._draw_first_half()
        self._draw_second_half()

    def _draw_first_half(self) -> Moment:
        moment = self.push()
        for panel in (self.panels.surface, self.panels.data):
            panel.redraw()
            settle_range(panel)
        return moment

    def _draw_second_half(self) -> None:
        for panel in (self.panels.loss, self.panels.parameters):
            panel.redraw()
            settle_range(panel)
        self.timeline.sync()
        self.status.update(self.session)
        if not self.readouts.visibleRegion().isEmpty():
            self.readouts.request_refresh()
        self.frames += 1

    def stop(self) -> None:
        self._timer.stop()
        self._owed_half = False

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
