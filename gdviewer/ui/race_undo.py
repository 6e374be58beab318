"""Undoing a restart: new settings or a new start point clear the race, and Ctrl+Z brings
the race that was there back, paths and all.

A teacher who has just shown a finished race and clicks the surface to try another start
point (or changes a setting) should not lose what the class just watched. The runs are
small objects whose History the session replaces, not empties, when a race starts again
(``Run.clear``), so a snapshot keeps the old histories by reference: no copy of the steps.
A race whose histories are very large is not kept (the undo stack would hold them all):
the caller asks instead.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from gdviewer.core.moment import Run
from gdviewer.core.run_status import FINAL_STATES, RunStatus
from gdviewer.ui.session import Session

#: Histories above this many bytes together are not kept for undo.
KEEP_LIMIT_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class RaceSnapshot:
    """The runs (with their histories), the selection, the clock and the state, at one time."""

    runs: tuple[Run, ...]
    selected: int
    clock: str
    state: str
    message: str

    @classmethod
    def take(cls, session: Session) -> RaceSnapshot:
        return cls(tuple(copy.copy(run) for run in session.runs), session.selected, session.clock, session.state,
                   session.message)

    @property
    def has_steps(self) -> bool:
        return any(len(run.history) for run in self.runs)

    @property
    def nbytes(self) -> int:
        return sum(run.history.nbytes() for run in self.runs)

    def restore(self, session: Session) -> None:
        """Put these runs back. A race that was under way comes back stopped where it was
        (its training process is gone): Play starts it again from the start."""
        session.stop_training()
        runs = [copy.copy(run) for run in self.runs]
        state = self.state
        if state not in FINAL_STATES and state != RunStatus.READY:
            state = RunStatus.STOPPED
            for run in runs:
                if run.status not in FINAL_STATES:
                    run.status, run.message = RunStatus.STOPPED, "stopped here (brought back by undo)"
        session.runs, session.selected, session.clock = runs, self.selected, self.clock
        session.view_step = None
        session.message = self.message
        session.runs_changed.emit()
        session.run_reset.emit()
        session.history_grew.emit()
        session.state = state
        session.state_changed.emit(state)


class RestartRace(QUndoCommand):
    """One restart of the race, already made: undo brings back the race before it."""

    def __init__(self, session: Session, before: RaceSnapshot, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.before = before
        self.after = RaceSnapshot.take(session)
        self._done = True

    def redo(self) -> None:
        if self._done:  # pushed after the change was made
            self._done = False
            return
        self.after.restore(self.session)

    def undo(self) -> None:
        self.before.restore(self.session)


def worth_keeping(before: RaceSnapshot) -> bool:
    """Whether a restart from ``before`` goes on the undo stack: it had steps, and they fit."""
    return before.has_steps and before.nbytes <= KEEP_LIMIT_BYTES
