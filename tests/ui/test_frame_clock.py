"""The frame clock: live frames in two halves on separate ticks, whole frames otherwise, and
the panels' ranges settled before Qt paints them."""

from __future__ import annotations

import time

from gdviewer.ui.panels.common import set_points
from gdviewer.ui.session import FINISHED
from tests.ui.conftest import wait_state


def _record_redraws(window) -> list[tuple[float, str]]:
    calls: list[tuple[float, str]] = []
    p = window.frame.panels
    for name, panel in p.by_key().items():
        original = panel.redraw

        def redraw(*args, _original=original, _name=name, **kwargs):
            calls.append((time.perf_counter(), _name))
            return _original(*args, **kwargs)

        panel.redraw = redraw
    return calls


def test_a_live_frame_is_drawn_in_two_halves_on_different_ticks(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.set_run_config(window.session.run_config.with_changes(epochs=40))
    window.session.set_speed(400)  # (at full speed a warm process ends the 4,000 steps before 20 frames)
    calls = _record_redraws(window)
    window.session.play()
    qtbot.waitUntil(lambda: sum(1 for _t, n in calls if n == "loss") >= 20, timeout=30_000)
    window.session.pause()
    firsts = [t for t, n in calls if n == "surface"]
    seconds = [t for t, n in calls if n == "loss"]
    # the halves alternate, each a tick of its own: never the loss right with the surface
    pairs = [(a, min((b for b in seconds if b >= a), default=None)) for a in firsts[:15]]
    gaps = [b - a for a, b in pairs if b is not None]
    assert len(gaps) >= 10
    assert min(gaps) >= 0.003  # ≥ MIN_TICK_GAP_MS apart (the second half waits for the first's paint)
    assert all(n in ("surface", "data", "loss", "parameters") for _t, n in calls)


def test_a_paused_or_finished_frame_is_drawn_whole(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    qtbot.waitUntil(lambda: not window.frame._timer.isActive())
    calls = _record_redraws(window)
    window.frame.schedule()
    qtbot.waitUntil(lambda: len(calls) == 4, timeout=2000)
    assert [n for _t, n in calls] == ["surface", "data", "loss", "parameters"]
    assert calls[-1][0] - calls[0][0] < 0.05  # one tick, not two


def test_auto_range_is_applied_before_the_paint(qtbot, window, monkeypatch):
    import gdviewer.ui.frame as frame_module

    view = window.loss_panel.plot_item.getViewBox()
    view.queueUpdateAutoRange()  # (new data: pyqtgraph would apply it at the start of the paint)
    assert view._autoRangeNeedsUpdate
    frame_module.settle_range(window.loss_panel)
    assert not view._autoRangeNeedsUpdate  # applied now: the paint will not change the range
    settled = []
    monkeypatch.setattr(frame_module, "settle_range", lambda panel: settled.append(panel))
    window.redraw()
    assert settled == window.frame.panels.all()  # each panel, after its redraw


def test_a_marker_without_points_is_hidden_and_set_only_when_moved(qtbot, window):
    item = window.surface_panel.diverged_marker
    set_points(item, [], [])
    assert not item.isVisible()
    set_points(item, [1.0], [2.0])
    assert item.isVisible() and list(item.getData()[0]) == [1.0]
    calls = []
    original = item.setData
    item.setData = lambda *a, **k: (calls.append(a), original(*a, **k))
    set_points(item, [1.0], [2.0])
    assert calls == []
    set_points(item, [3.0], [2.0])
    assert len(calls) == 1
