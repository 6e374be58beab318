"""Issue 12, labels that tell the truth during replay: the ✕ stays at the step where the run
diverged, the loss caption reads the step the timeline shows, the hover caption follows new
data, and an empty loss axis drops the exponent of an earlier run."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from gdviewer.core.data import Dataset
from gdviewer.ui.readouts import number
from gdviewer.ui.session import DIVERGED, FINISHED
from tests.ui.conftest import wait_state


def _diverged(qtbot, window):
    window.document.apply_preset("Tutorial SGD at lr 0.1 diverges")
    window.session.play()
    wait_state(qtbot, window, DIVERGED)
    return window.session


def test_the_divergence_label_stays_at_the_step_where_it_diverged(qtbot, window):
    s = _diverged(qtbot, window)
    last = len(s.history)
    assert f"step {last}" in s.run.message.replace(",", "")
    panel = window.surface_panel
    where = None
    for k in (last, 5, last // 2, 1, last):
        window.timeline.slider.setValue(k)
        window.redraw()
        assert panel.divergence_note.toPlainText().startswith(f"diverged here at step {last:,}:")
        xs, ys = panel.diverged_marker.getData()
        if where is None:
            where = (float(xs[0]), float(ys[0]))
        assert (float(xs[0]), float(ys[0])) == where  # the ✕ does not move with the cursor


def test_the_escape_arrow_says_diverged_only_at_the_divergence(qtbot, window):
    window.document.apply_preset("Too large: batch GD zig-zags out")
    window.session.play()
    wait_state(qtbot, window, DIVERGED)
    panel = window.surface_panel
    window.redraw()
    assert panel.escape.shown and panel.escape.text.toPlainText().startswith("diverged, ")
    window.timeline.slider.setValue(len(window.session.history) - 1)  # escaped, not yet diverged
    window.redraw()
    assert panel.escape.shown and panel.escape.text.toPlainText().startswith("off the view")


def test_the_loss_caption_reads_the_shown_step(qtbot, window):
    window.document.apply_preset("Tutorial: batch GD")
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    window.redraw()  # the frame after the last chunk (it comes within 30 ms; a test need not wait)
    s, panel = window.session, window.loss_panel
    h = s.history
    final = panel.readout.text()
    for k in (5, 1, 12):
        window.timeline.slider.setValue(k)
        window.redraw()
        loss_k = float(s.surface.loss(float(h.column("w")[k - 1]), float(h.column("b")[k - 1])))
        batch_k = float(h.column("loss")[k - 1])
        text = panel.readout.text()
        assert text.startswith(f"step {k}: loss {number(loss_k)} · batch {number(batch_k)}"), text
    window.timeline.slider.setValue(0)
    window.redraw()
    assert panel.readout.text().startswith("loss before the first step")
    s.set_view_step(None)
    window.redraw()
    assert panel.readout.text() == final and not final.startswith("step")


def test_the_hover_caption_follows_new_data(qtbot, window):
    panel = window.surface_panel
    scene = panel.view_box.mapViewToScene(QPointF(-3.0, 2.0))
    panel._on_hover(scene)
    before = panel.readout.text()
    assert "loss" in before
    w, b = panel._hover
    s = window.session
    x = s.dataset.x.astype("float64")
    s.set_dataset(Dataset.from_arrays(x, 3.0 * x + 100.0))
    window.redraw()
    expected = float(s.surface.loss(w, b))
    assert panel.readout.text() == f"w = {w:.4g}, b = {b:.4g}: loss {expected:.5g} · click to start here"
    assert panel.readout.text() != before


def test_an_empty_loss_axis_forgets_an_earlier_runs_exponent(qtbot, window):
    _diverged(qtbot, window)
    axis = window.loss_panel.plot_item.getAxis("left")
    window.redraw()
    qtbot.wait(50)
    assert axis.autoSIPrefixScale != 1.0 and "1e+09" in axis.labelString()
    window.session.reset()
    window.redraw()
    qtbot.wait(50)
    assert axis.autoSIPrefixScale == 1.0 and "1e" not in axis.labelString(), axis.labelString()
