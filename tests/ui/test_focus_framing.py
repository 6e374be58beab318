"""'Too large: batch GD zig-zags out' frames the zig-zag, not the blow-up: the start, the
optimum and the first oscillations, with an arrow at the edge towards the escape; 'fit all'
frames everything; scrubbing re-frames (issue 12)."""

from __future__ import annotations

import numpy as np

from gdviewer.core.framing import focus_count
from gdviewer.ui.session import DIVERGED
from tests.ui.conftest import wait_state


def view(window):
    (v0, v1), (u0, u1) = window.surface_panel.view_box.viewRange()
    return v0, v1, u0, u1


def test_zigzag_preset_frames_the_oscillations_and_marks_the_escape(qtbot, window):
    window.document.apply_preset("Too large: batch GD zig-zags out")
    window.session.play()
    wait_state(qtbot, window, DIVERGED)
    window.redraw()
    panel = window.surface_panel
    w_now, _ = window.session.params
    assert abs(w_now) > 1000  # it blew up far away
    v0, v1, u0, u1 = view(window)
    assert v1 - v0 < 200  # … yet the view stays on the zig-zag (not |w| up to 10⁴)
    assert v0 < -10 < v1 and v0 < -5 < v1 and u0 < -20 < u1  # start and optimum in view
    ws = window.session.history.column("w")
    shown = np.sum((ws >= v0) & (ws <= v1))
    assert shown >= 10  # the first oscillations are in view
    assert panel.escape.shown and "9471" in panel.escape.text.toPlainText()
    tip = panel.escape.arrow.pos()
    assert v0 < tip.x() < v1 and u0 < tip.y() < u1  # the arrow sits inside the view, at its edge
    assert tip.x() > (v0 + v1) / 2  # on the side the run went (w > 0)

    panel.fit_all_box.setChecked(True)  # fit all stays available
    window.redraw()
    v0, v1, _, _ = view(window)
    assert v0 < -10 and v1 > w_now
    assert not panel.escape.shown

    window.session.set_view_step(4)  # scrubbing back re-frames on the part shown
    window.redraw()
    v0, v1, _, _ = view(window)
    assert v1 - v0 < 200

    panel.fit_all_box.setChecked(False)
    window.session.set_view_step(None)
    window.redraw()
    v0, v1, _, _ = view(window)
    assert v1 - v0 < 200 and panel.escape.shown


def test_tutorial_run_has_nothing_to_escape(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    window.session.play()
    wait_state(qtbot, window, "finished")
    window.redraw()
    assert not window.surface_panel.escape.shown


def test_focus_count():
    start, opt = (-10.0, -20.0), (-5.0, 0.0)
    ws = np.array([-10.0, 0.0, -12.0, 10.0, -30.0, 9000.0])
    bs = np.array([-20.0, -15.0, -10.0, -5.0, -2.0, -60.0])
    assert focus_count(ws, bs, start, opt) == 4  # w = −30 is beyond 4 × 5 from w* = −5
    assert focus_count(ws[:4], bs[:4], start, opt) == 4
    assert focus_count(np.array([np.nan]), np.array([0.0]), start, opt) == 0
