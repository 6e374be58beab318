"""The tour's steps for the fan, the valley's axes, the optimiser (Newton, diagonal GD) and the
Step panel, on the real window: each lights its own widget at 1024×768, and in presentation
mode, where the settings and the Step panel are folded away, their bubbles wait in the middle."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from gdviewer.ui.session import READY
from gdviewer.ui.tour import TourOverlay


def lit(tour) -> QRect | None:
    return tour.highlight_rect()


def rect_of(window, widget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def test_the_tour_shows_the_issue_16_features_on_their_own_widgets_at_1024_by_768(qtbot, window):
    """The fan and axes options above the surface, the optimiser (Newton, diagonal) and the Step
    panel, each lit on its real widget in a 1024×768 window, with the bubble inside it and off
    what it explains; the Step panel's tab is brought to the front to be lit."""
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024 and window.height() == 768)
    panel = window.surface_panel
    expected = {"fan": panel.fan.checkbox, "axes": panel.axes_box, "optimiser": window.run_controls.optimizer,
                "step_panel": window.docks["step"]}
    assert window.step_panel.visibleRegion().isEmpty()  # by default a tab behind the readouts
    tour = TourOverlay(window, window.tour_targets())
    tour.start()
    seen = set()
    for n, step in enumerate(tour.steps):
        assert tour.index == n
        if step.target in expected:
            seen.add(step.target)
            widget = expected[step.target]
            qtbot.waitUntil(lambda w=widget: lit(tour) == rect_of(window, w) & tour.rect())
            assert not tour.bubble.geometry().intersects(lit(tour)), step.target
        if step.target:
            assert lit(tour) is not None, step.target
        assert tour.rect().contains(tour.bubble.geometry()), step.target
        tour.next()
        if step.target == "step_panel":
            qtbot.waitUntil(lambda: not window.step_panel.visibleRegion().isEmpty())  # its tab in front
            assert window.readouts.visibleRegion().isEmpty()
            # raising the dock raised it over the overlay too, unseen: the tour is on top again
            stack = [c for c in window.children() if isinstance(c, QWidget)]  # bottom to top
            assert stack.index(tour) > stack.index(window.docks["step"])
    assert seen == set(expected) and not tour.running
    assert window.session.state == READY and len(window.session.history) == 0


def test_in_presentation_mode_the_new_steps_still_show(qtbot, window):
    """Presentation mode keeps the surface's options (fan, axes: lit on their boxes) and folds
    the settings and the Step panel away (their steps wait in the middle); the tour reopens
    nothing."""
    window.view_options.set_presentation(True)
    qtbot.waitUntil(lambda: not window.docks["controls"].isVisible())
    panel = window.surface_panel
    tour = TourOverlay(window, window.tour_targets())
    tour.start()
    for n, step in enumerate(tour.steps):
        assert tour.index == n
        if step.target in ("fan", "axes"):
            box = panel.fan.checkbox if step.target == "fan" else panel.axes_box
            qtbot.waitUntil(lambda b=box: lit(tour) == rect_of(window, b) & tour.rect())
            assert not tour.bubble.geometry().intersects(lit(tour)), step.target
        elif step.target in ("optimiser", "step_panel"):
            assert lit(tour) is None
            centre, bubble = tour.rect().center(), tour.bubble.geometry().center()
            assert abs(centre.x() - bubble.x()) <= 1 and abs(centre.y() - bubble.y()) <= 1
        assert tour.rect().contains(tour.bubble.geometry()), step.target
        tour.next()
    assert not tour.running and not window.docks["step"].isVisible()  # the tour reopened nothing
    window.view_options.set_presentation(False)
