"""The Step panel in the window: the shown step's arithmetic with torch's numbers, following the
timeline and the loss-scaling switch; it works only while it is on screen."""

from __future__ import annotations

import re

from gdviewer.ui.session import FINISHED, PAUSED
from gdviewer.ui.step_panel import fmt
from tests.ui.conftest import wait_state


def _show_step_panel(window, qtbot) -> None:
    dock = window.docks["step"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: not window.step_panel.visibleRegion().isEmpty(), timeout=3000)


def _text(window) -> str:
    return window.step_panel.body.toPlainText()


def test_the_shown_step_is_worked_out_with_torchs_numbers(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    _show_step_panel(window, qtbot)
    assert "No step yet" in _text(window)
    s = window.session
    s.step(3)
    wait_state(qtbot, window, PAUSED, FINISHED)
    qtbot.waitUntil(lambda: "Step 3 " in _text(window), timeout=5000)
    text = _text(window)
    h = s.history
    assert f"(autograd: {fmt(float(h.column('dw')[2]), 6)})" in text
    assert f"(autograd: {fmt(float(h.column('db')[2]), 6)})" in text
    assert fmt(float(h.column("w")[2]), 6) in text and fmt(float(h.column("w")[1]), 6) in text
    assert "1 sample" in text and "lr · g" in text
    # the timeline's cursor moves the panel to that step
    s.set_view_step(1)
    qtbot.waitUntil(lambda: "Step 1 " in _text(window), timeout=3000)
    assert f"(autograd: {fmt(float(h.column('dw')[0]), 6)})" in _text(window)


def test_the_loss_scaling_switch_scales_the_gradient_and_the_limit(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    _show_step_panel(window, qtbot)
    s = window.session
    s.step(1)
    wait_state(qtbot, window, PAUSED, FINISHED)
    qtbot.waitUntil(lambda: "Step 1 " in _text(window), timeout=5000)
    dw = float(s.history.column("dw")[0])
    panel = window.step_panel
    panel.scaling_box.setCurrentIndex(panel.scaling_box.findData("half"))
    text = _text(window)
    assert "1/B · Σ r·x" in text and f"= {fmt(dw / 2, 6)}" in text.replace("\u2212", "−")
    assert "stable limit moves" in text
    panel.scaling_box.setCurrentIndex(panel.scaling_box.findData("sum"))
    n = s.dataset.n
    assert re.search(r"gradient is 100× the mean's", _text(window)) if n == 100 else True
    assert f"= {fmt(dw * n, 6)}" in _text(window)


def test_a_batch_larger_than_a_handful_shows_its_first_rows_and_the_sums(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    _show_step_panel(window, qtbot)
    window.session.step(1)
    wait_state(qtbot, window, PAUSED, FINISHED)
    qtbot.waitUntil(lambda: "Step 1 " in _text(window), timeout=5000)
    text = _text(window)
    assert "94 more samples" in text and "Σ" in text
    rows = [line for line in text.splitlines() if line.strip()]
    a = window.step_panel.arithmetic()
    assert fmt(float(a.sum_rx)) in text and fmt(float(a.x[99])) in text and fmt(float(a.x[50])) not in rows[:40]


def test_the_panel_works_only_while_it_is_on_screen(qtbot, window, monkeypatch):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.docks["step"].hide()
    calls = []
    original = window.step_panel.refresh
    monkeypatch.setattr(window.step_panel, "refresh", lambda live=False: (calls.append(live), original(live)))
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    window.redraw()
    assert calls == []
    _show_step_panel(window, qtbot)
    qtbot.waitUntil(lambda: "Step 2,000 " in _text(window), timeout=3000)


def test_in_presentation_mode_the_panel_is_a_tab_beside_the_data(qtbot, window):
    from PySide6.QtCore import Qt

    left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    dock = window.docks["step"]
    assert window.dockWidgetArea(dock) == left
    window.view_options.set_presentation(True)
    dock.show()
    qtbot.waitUntil(lambda: window.dockWidgetArea(dock) == right, timeout=3000)
    assert dock in window.tabifiedDockWidgets(window.docks["data"])
    window.view_options.set_presentation(False)
    qtbot.waitUntil(lambda: window.dockWidgetArea(dock) == left, timeout=3000)


def test_the_command_line_opens_the_panel():
    from gdviewer.ui.app import gui_parser

    assert gui_parser().parse_args(["--step-panel"]).step_panel
    assert not gui_parser().parse_args([]).step_panel
