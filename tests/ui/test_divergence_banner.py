"""Issue 12 in the window: batch GD at lr 0.13 ends marked diverging, with the explanation banner."""

from __future__ import annotations

from gdviewer.ui.session import DIVERGED
from tests.ui.conftest import wait_state


def test_a_run_that_grew_out_ends_diverged_with_the_banner(qtbot, window):
    window.apply_run_config(window.session.run_config.with_changes(algorithm="batch", lr=0.13, epochs=20))
    window.playback.set_speed(0)
    window.session.play()
    wait_state(qtbot, window, DIVERGED)
    assert window.banner.isVisibleTo(window)
    assert "grew from 599" in window.banner.label.text()
