"""A guided first-run tour: the window dimmed, one part of it lit, a bubble that explains it.

The steps live in ``resources/help/tour.json`` (text, not code, so they are easy to reword).
Each step names its target by a key such as ``"surface"`` or ``"learning_rate"``; the window
passes a ``resolve(key) -> QWidget | None`` callable, so this module never reaches into the
window's attributes and a step whose widget is missing or hidden (a closed dock, a tab not in
front) simply shows its bubble in the middle.

:class:`TourOverlay` is a child widget laid over the whole window. It follows the window's
resizes through an event filter, swallows mouse clicks and plain keys outside its bubble (a
student pressing Space or clicking Play underneath would start training mid-tour), and leaves
modified shortcuts such as Ctrl+Q and the window's close button alone. When the tour ends it
hides, gives focus back, emits ``finished(completed)`` and deletes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMenu,
    QMenuBar,
    QPushButton,
    QScrollArea,
    QWidget,
)

from gdviewer.assets import read_tagged_list
from gdviewer.ui.tour_bubble import BUBBLE_RADIUS, TourBubble, TourStep

TOUR_FILE = "help/tour.json"
TOUR_FORMAT = "gdviewer-tour"
#: QSettings key remembering that the tour was shown once (finished or skipped: no nagging).
TOUR_SEEN_KEY = "help/tour_seen"

#: Target keys :func:`main_window_targets` resolves; tour.json may use only these (or "").
TARGET_KEYS: tuple[str, ...] = (
    "toolbar", "play", "presets", "surface", "fan", "axes", "data", "loss", "parameters", "settings",
    "learning_rate", "optimiser", "step_panel", "runs", "timeline", "menu_help",
)

#: The dimming over everything but the lit target: semi-transparent black reads as "in the
#: background" over light and dark themes alike.
DIM_COLOUR = QColor(0, 0, 0, 150)
HOLE_PADDING = 6  # px of window left undimmed around the target
HOLE_RADIUS = 8
EDGE_MARGIN = 12  # the bubble keeps this far from the window's edges
POINTER = 10  # length of the little triangle pointing from the bubble at the target
GAP = POINTER + 4  # bubble to lit rectangle

Resolver = Callable[[str], QWidget | None]


class TourError(ValueError):
    """tour.json is malformed; the message names the file and the step."""


def load_tour_steps() -> list[TourStep]:
    """The steps of ``resources/help/tour.json`` in order (TourError if it is malformed)."""
    path, entries = read_tagged_list(TOUR_FILE, TOUR_FORMAT, "steps", TourError)
    steps: list[TourStep] = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise TourError(f"{path}: step {n} must be an object")
        target = entry.get("target") or ""
        title, text = entry.get("title"), entry.get("text")
        if not isinstance(target, str) or not isinstance(title, str) or not isinstance(text, str):
            raise TourError(f"{path}: step {n} needs 'title' and 'text' strings and a 'target' string or null")
        if not title.strip() or not text.strip():
            raise TourError(f"{path}: step {n} has an empty title or text")
        steps.append(TourStep(target, title, text))
    if not steps:
        raise TourError(f"{path}: the tour has no steps")
    return steps


def tour_seen(settings: QSettings | None) -> bool:
    """True once the tour has been finished or skipped (so it opens by itself only once)."""
    return settings is not None and settings.value(TOUR_SEEN_KEY, False) in (True, "true")


def remember_tour_seen(settings: QSettings | None) -> None:
    if settings is not None:
        settings.setValue(TOUR_SEEN_KEY, True)


def raised_dock(dock: QWidget | None) -> QWidget | None:
    """An open dock brought to the front of the tabs it shares (the Step panel is a tab behind
    the readouts); None when it is closed (presentation mode folds it away)."""
    if dock is None or not dock.toggleViewAction().isChecked():
        return None
    dock.raise_()
    return dock


def main_window_targets(window: QMainWindow, targets: dict[str, Callable[[], QWidget | None]]) -> Resolver:
    """A resolver for the tour: ``targets`` maps each tour key to its widget (the window
    names them; docks are returned whole, title bar included); "menu_help" is the Help QMenu
    of ``window``'s menu bar, which the overlay lights up by its title."""

    def menu(title: str) -> QMenu | None:
        for action in window.menuBar().actions():
            if action.menu() is not None and action.text().replace("&", "") == title:
                return action.menu()
        return None

    lookup = {**targets, "menu_help": lambda: menu("Help")}

    def resolve(key: str) -> QWidget | None:
        get = lookup.get(key)
        return get() if get is not None else None

    return resolve


class TourOverlay(QWidget):
    """The tour over ``parent`` (normally the main window): call :meth:`start`.

    ``resolve(key)`` returns the widget a step lights up, or None. ``finished(completed)``
    comes once: True after Finish on the last step, False when skipped (Esc or Skip tour).
    Then the overlay hides and deletes itself; make a new one to show the tour again.
    """

    finished = Signal(bool)
    step_changed = Signal(int)

    def __init__(self, parent: QWidget, resolve: Resolver, steps: Sequence[TourStep] | None = None) -> None:
        super().__init__(parent)
        self._steps = tuple(steps) if steps is not None else tuple(load_tour_steps())
        if not self._steps:
            raise ValueError("a tour needs at least one step")
        self.setObjectName("tour_overlay")
        self.setAccessibleName("Guided tour")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._resolve = resolve
        self._index = -1
        self._done = False
        self._target: QWidget | None = None
        self._watched: QWidget | None = None
        self._hole: QRect | None = None
        self._placed_for: QRect | None = None
        self._side: str | None = None
        self._previous_focus: QWidget | None = None
        self.bubble = TourBubble(self)
        self.bubble.skip_button.clicked.connect(self.skip)
        self.bubble.back_button.clicked.connect(self.back)
        self.bubble.next_button.clicked.connect(self.next)
        for obj in (self.bubble, *self.bubble.findChildren(QPushButton)):
            obj.installEventFilter(self)
        # layout changes arrive in bursts (a resize moves every dock): relayout once, later
        self._relayout_timer = QTimer(self, singleShot=True, interval=0)
        self._relayout_timer.timeout.connect(self._relayout)
        self._raise_timer = QTimer(self, singleShot=True, interval=0)
        self._raise_timer.timeout.connect(self.raise_)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.hide()

    # --- public ---------------------------------------------------------------------
    @property
    def steps(self) -> tuple[TourStep, ...]:
        return self._steps

    @property
    def index(self) -> int:
        """The step shown (0-based); -1 before :meth:`start`."""
        return self._index

    @property
    def running(self) -> bool:
        return self._index >= 0 and not self._done

    def start(self) -> None:
        """Show the first step over the window."""
        if self._done:
            raise RuntimeError("this tour has ended; make a new TourOverlay to show it again")
        self._previous_focus = QApplication.focusWidget()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self._enter(0)

    def next(self) -> None:
        """The next step; on the last one, end the tour as completed."""
        if not self.running:
            return
        if self._index >= len(self._steps) - 1:
            self._finish(True)
        else:
            self._enter(self._index + 1)

    def back(self) -> None:
        """The previous step (nothing on the first)."""
        if self.running and self._index > 0:
            self._enter(self._index - 1)

    def skip(self) -> None:
        """End the tour now, not completed."""
        if self._index >= 0:
            self._finish(False)

    def highlight_rect(self) -> QRect | None:
        """The lit target in overlay coordinates: its geometry, clipped to what is on screen
        (a scroll area's viewport, the window); None when the step has no visible target."""
        return self._target_rect(self._target)

    # --- steps ----------------------------------------------------------------------
    def _enter(self, index: int) -> None:
        self._index = index
        step = self._steps[index]
        target = self._resolve(step.target) if step.target else None
        self.raise_()  # over everything again: resolving may raise a dock (the Step panel's tab)
        self._watch(target)
        self._target = target
        if target is not None and not isinstance(target, QMenu):
            self._scroll_into_view(target)
        self.bubble.show_step(step, index, len(self._steps))
        self._relayout()
        self.bubble.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.step_changed.emit(index)

    def _finish(self, completed: bool) -> None:
        if self._done:
            return
        self._done = True
        self._relayout_timer.stop()
        self._raise_timer.stop()
        self._watch(None)
        parent = self.parentWidget()
        if parent is not None:
            parent.removeEventFilter(self)
        self.hide()
        previous = self._previous_focus
        if previous is not None and shiboken6.isValid(previous) and previous.isVisible():
            previous.setFocus(Qt.FocusReason.OtherFocusReason)
        self.finished.emit(completed)
        self.deleteLater()

    def _watch(self, target: QWidget | None) -> None:
        """Follow the target's own moves and resizes (a dock being dragged)."""
        old = self._watched
        if old is not None and shiboken6.isValid(old):
            old.removeEventFilter(self)
        self._watched = target
        if target is not None:
            target.installEventFilter(self)

    @staticmethod
    def _scroll_into_view(target: QWidget) -> None:
        """A target inside a scroll area (the settings dock) is scrolled into view first."""
        parent = target.parentWidget()
        while parent is not None and not parent.isWindow():
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(target, 16, 16)
            parent = parent.parentWidget()

    # --- geometry -------------------------------------------------------------------
    def _map(self, widget: QWidget, rect: QRect) -> QRect:
        return QRect(self.mapFromGlobal(widget.mapToGlobal(rect.topLeft())), rect.size())

    def _target_rect(self, target: QWidget | None) -> QRect | None:
        if target is None or not shiboken6.isValid(target):
            return None
        if isinstance(target, QMenu):  # a menu is shown by its title in the menu bar
            for bar in self.window().findChildren(QMenuBar):
                if bar.isVisible() and target.menuAction() in bar.actions():
                    rect = self._map(bar, bar.actionGeometry(target.menuAction())) & self.rect()
                    return rect if not rect.isEmpty() else None
            return None
        if not target.isVisible() or target.window() is not self.window():
            return None  # closed, behind another tab, or floating in a window of its own
        rect = self._map(target, target.rect())
        parent = target.parentWidget()
        while parent is not None and not parent.isWindow():
            rect &= self._map(parent, parent.rect())
            parent = parent.parentWidget()
        rect &= self.rect()
        return rect if not rect.isEmpty() else None

    def _relayout(self) -> None:
        """Cover the parent, find the lit rectangle, size and place the bubble beside it."""
        if self._done:
            return
        parent = self.parentWidget()
        if self.geometry() != parent.rect():
            self.setGeometry(parent.rect())
        target = self.highlight_rect()
        self._placed_for = target
        self._hole = None
        if target is not None:
            inner = self.rect().adjusted(2, 2, -2, -2)
            self._hole = target.adjusted(-HOLE_PADDING, -HOLE_PADDING, HOLE_PADDING, HOLE_PADDING) & inner
        fm = self.bubble.fontMetrics()
        width = min(max(fm.averageCharWidth() * 50, 280), 460, max(self.width() - 2 * EDGE_MARGIN, 120))
        size = self.bubble.size_for(width)
        self.bubble.resize(size)
        pos, self._side = self._place(size, self._hole)
        self.bubble.move(pos)
        self.update()

    def _place(self, size: QSize, hole: QRect | None) -> tuple[QPoint, str | None]:
        """Top-left of the bubble and the side of the hole it sits on (None: centred/overlapping).

        Wide targets (toolbar, menu) prefer below/above, the others right/left; the first side
        with room wins; the bubble is then kept inside the window in any case.
        """
        area = self.rect().adjusted(EDGE_MARGIN, EDGE_MARGIN, -EDGE_MARGIN, -EDGE_MARGIN)
        w, h = size.width(), size.height()

        def clamp(x: int, y: int) -> QPoint:
            x = max(area.left(), min(x, area.right() + 1 - w))
            y = max(area.top(), min(y, area.bottom() + 1 - h))
            return QPoint(x, y)

        if hole is None:
            c = self.rect().center()
            return clamp(c.x() - w // 2, c.y() - h // 2), None
        cx, cy = hole.center().x(), hole.center().y()
        candidates = {
            "right": (hole.right() + 1 + GAP, cy - h // 2, hole.right() + 1 + GAP + w <= area.right() + 1),
            "left": (hole.left() - GAP - w, cy - h // 2, hole.left() - GAP - w >= area.left()),
            "below": (cx - w // 2, hole.bottom() + 1 + GAP, hole.bottom() + 1 + GAP + h <= area.bottom() + 1),
            "above": (cx - w // 2, hole.top() - GAP - h, hole.top() - GAP - h >= area.top()),
        }
        wide = hole.width() > 1.6 * hole.height()
        order = ("below", "above", "right", "left") if wide else ("right", "left", "below", "above")
        for side in order:
            x, y, fits = candidates[side]
            if fits:
                return clamp(x, y), side
        return clamp(cx - w // 2, cy - h // 2), None

    # --- painting -------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        if self.highlight_rect() != self._placed_for:
            self._relayout_timer.start()  # the target moved without telling us (a dock re-laid out)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dim = QPainterPath()
        dim.addRect(QRectF(self.rect()))
        hole = self._hole
        if hole is not None:
            lit = QPainterPath()
            lit.addRoundedRect(QRectF(hole), HOLE_RADIUS, HOLE_RADIUS)
            dim = dim.subtracted(lit)
        painter.fillPath(dim, DIM_COLOUR)
        pal = self.palette()
        if hole is not None:
            accent = QColor(pal.color(QPalette.ColorRole.Highlight))
            glow = QColor(accent)
            glow.setAlpha(90)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(glow, 7))
            painter.drawRoundedRect(QRectF(hole), HOLE_RADIUS, HOLE_RADIUS)
            painter.setPen(QPen(accent, 2.5))
            painter.drawRoundedRect(QRectF(hole), HOLE_RADIUS, HOLE_RADIUS)
        self._paint_shadow(painter)
        # pointing up it leaves the bubble's accent strip, so it takes the strip's colour
        role = QPalette.ColorRole.Highlight if self._side == "below" else QPalette.ColorRole.Window
        self._paint_pointer(painter, pal.color(role))

    def _paint_shadow(self, painter: QPainter) -> None:
        """A soft drop shadow under the bubble: stacked, slightly larger translucent shapes."""
        box = QRectF(self.bubble.geometry())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 9))
        for i in range(10, 0, -1):
            painter.drawRoundedRect(box.adjusted(-i, -i + 3, i, i + 3), BUBBLE_RADIUS + i, BUBBLE_RADIUS + i)

    def _paint_pointer(self, painter: QPainter, colour: QColor) -> None:
        """A small triangle from the bubble's edge towards the lit target."""
        hole, side = self._hole, self._side
        if hole is None or side is None:
            return
        b = QRectF(self.bubble.geometry())
        inset = BUBBLE_RADIUS + POINTER
        if side in ("right", "left"):
            y = min(max(float(hole.center().y()), b.top() + inset), b.bottom() - inset)
            x = b.left() if side == "right" else b.right()
            tip = x - POINTER if side == "right" else x + POINTER
            points = [QPointF(x, y - POINTER), QPointF(tip, y), QPointF(x, y + POINTER)]
        else:
            x = min(max(float(hole.center().x()), b.left() + inset), b.right() - inset)
            y = b.top() if side == "below" else b.bottom()
            tip = y - POINTER if side == "below" else y + POINTER
            points = [QPointF(x - POINTER, y), QPointF(x, tip), QPointF(x + POINTER, y)]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF(points))

    # --- events ---------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if obj is self.parentWidget():
            if kind == QEvent.Type.Resize and not self._done:
                self.setGeometry(self.parentWidget().rect())
                self._relayout_timer.start()
            elif kind == QEvent.Type.ChildAdded and self.running:
                self._raise_timer.start()  # a dock or toolbar added later must stay underneath
            return False
        if obj is self._watched:
            if kind in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide):
                self._relayout_timer.start()
            return False
        if not self.running:
            return False
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and self._is_plain(event):
            # claim plain keys before the window's shortcuts (Space = Play, → = Step …) see them
            event.accept()
            return True
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._on_key(obj, event)
        return False

    @staticmethod
    def _is_plain(event: QKeyEvent) -> bool:
        """No Ctrl, Alt or Meta: those shortcuts (Ctrl+Q quit …) keep working during the tour."""
        mods = event.modifiers()
        return not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                           | Qt.KeyboardModifier.MetaModifier)

    def _on_key(self, obj: QObject, event: QKeyEvent) -> bool:
        if not self._is_plain(event):
            return False
        key = event.key()
        if key == Qt.Key.Key_Right:
            self.next()
        elif key == Qt.Key.Key_Left:
            self.back()
        elif key == Qt.Key.Key_Escape:
            self.skip()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if obj in (self.bubble.back_button, self.bubble.skip_button):
                obj.click()  # Enter on a focused button does what it says
            else:
                self.next()
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.bubble.focusNextPrevChild(key == Qt.Key.Key_Tab and not shift)
        elif key == Qt.Key.Key_Space:
            return False  # the focused button's own activation
        event.accept()
        return True  # every other plain key stops here: nothing underneath reacts to it

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self.running:
            self._relayout_timer.start()
        super().changeEvent(event)

    # clicks and wheel turns outside the bubble land here and stop: nothing underneath starts
    def _swallow(self, event) -> None:
        event.accept()

    mousePressEvent = mouseReleaseEvent = mouseDoubleClickEvent = _swallow
    mouseMoveEvent = wheelEvent = contextMenuEvent = _swallow
