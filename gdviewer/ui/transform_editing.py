"""Applying the conditioning controls to the session: every finished change one undo step.

A slider drag changes the transform many times (the valley morphs under the pointer, the runs
reset each time) but is one step on the undo stack, recorded when the slider is let go; a
button or a key is one step at once. Undo brings the session back as it was (data, runs,
transform), like every other replacement of data or runs (ui/document.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gdviewer.core.conditioning import XTransform
from gdviewer.core.errors import ConfigError
from gdviewer.ui.controls.conditioning_controls import ConditioningControls
from gdviewer.ui.session import Session


class TransformEditing:
    """Connects ``controls`` to ``session``; ``state()`` and ``record(before, text)`` are the
    document's (what a session is now, and one replacement on the undo stack)."""

    def __init__(self, session: Session, controls: ConditioningControls, state: Callable[[], Any],
                 record: Callable[[Any, str], None], say: Callable[[str, int], None],
                 show_error: Callable[[str], None]) -> None:
        self.session = session
        self.controls = controls
        self.state = state
        self.record = record
        self.say = say
        self.show_error = show_error
        self._before: Any = None  # the session when a drag began
        self._moved = False
        controls.drag_started.connect(self.begin_drag)
        controls.transform_moved.connect(self.move)
        controls.drag_finished.connect(self.end_drag)
        controls.transform_chosen.connect(self.choose)
        session.data_changed.connect(controls.show_current)

    def begin_drag(self) -> None:
        self._before, self._moved = self.state(), False

    def move(self, transform: XTransform) -> None:
        """A slider is held: the valley follows it (recorded when it is let go)."""
        if self._before is None:
            self.begin_drag()
        self._moved = self._apply(transform) or self._moved

    def end_drag(self) -> None:
        before, self._before = self._before, None
        if before is not None and self._moved:
            self.record(before, "Shift and scale x")
            self._tell()

    def choose(self, transform: XTransform, text: str) -> None:
        """One finished change (a button, a key on a slider): one undo step."""
        before = self.state()
        if self._apply(transform):
            self.record(before, text)
            self._tell()

    def _apply(self, transform: XTransform) -> bool:
        try:
            return self.session.set_transform(transform)
        except ConfigError as exc:
            self.show_error(f"x cannot be transformed that way: {exc}")
            self.controls.show_current()
            return False

    def _tell(self) -> None:
        t = self.session.transform
        self.say(f"Training on {'raw x' if t.identity else t.describe()} (Ctrl+Z undoes)", 6000)
