"""Issue 12: the Parameters panel labels w* and b* only while their lines are in view."""

from __future__ import annotations

import numpy as np


def test_an_optimum_label_shows_only_while_its_line_is_in_view(qtbot, window):
    window.editor.set_points(np.array([1.5, 3.0, 4.5, 6.0, 7.5, 9.0]), np.array([52.0, 61, 70, 83, 88, 95]))
    panel = window.parameters_panel
    w_star, b_star = window.session.surface.optimum  # about 5.9 and 43.9
    view = panel.plot_item.getViewBox()
    view.setYRange(-30, 20, padding=0)
    assert panel.w_opt.label.isVisible() and not panel.b_opt.label.isVisible()
    view.setYRange(-30, 60, padding=0)
    assert panel.w_opt.label.isVisible() and panel.b_opt.label.isVisible()
    assert -30 < w_star < 20 < b_star < 60
