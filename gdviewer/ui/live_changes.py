"""Changing a run while it trains: a new learning rate (or momentum, betas) applies from the
next step, without starting again.

The run controls propose a whole configuration; when a race is under way and the proposal
differs from the selected run's settings only in values the optimiser can take mid-run
(``core/steering.py``: lr, momentum, beta1, beta2), it is sent to the training process
instead of resetting. The child applies it before the run's next step and answers with that
step; the run then records it in its settings (``RunConfig.changes``), so the panels mark it,
the readouts and the Step panel use it, a session keeps it and the exported code repeats it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from gdviewer.core.config import RunConfig
from gdviewer.core.run_status import FINAL_STATES
from gdviewer.core.steering import STEERABLE, USED_BY, RunChange
from gdviewer.ui.training_thread import TrainingThread


class LiveChanges(QObject):
    """``session``: the window's Session (its runs, selection and state); ``training``: its thread."""

    told = Signal(str)  # a sentence for the status line

    def __init__(self, session, training: TrainingThread) -> None:
        super().__init__(session)
        self.session = session
        self.training = training
        training.steered.connect(self._on_steered)
        training.steer_refused.connect(lambda _index, why: self.told.emit(f"Not changed: {why}"))
        self._pause_at: int | None = None
        session.history_grew.connect(self._follow_pause)
        session.run_reset.connect(lambda: setattr(self, "_pause_at", None))

    def shown_config(self) -> RunConfig:
        """The selected run's settings as the controls show them: while it trains, with its
        changes so far applied (the lr it uses now)."""
        s = self.session
        return s.run_config.steered() if s.is_live else s.run_config

    def try_steer(self, config: RunConfig) -> bool:
        """Send ``config``'s new values to the live run if only steerable values differ from
        what it uses now; True if sent (nothing is reset), False to apply it the usual way."""
        s = self.session
        if not s.is_live or s.steps_done < 1 or s.steps_done >= s.total_steps:
            return False
        now = s.run_config.steered()
        changed = {name for name in RunConfig.__dataclass_fields__ if getattr(config, name) != getattr(now, name)}
        if not changed or not changed <= set(STEERABLE):
            return False
        if any(name in USED_BY and s.run_config.optimizer not in USED_BY[name] for name in changed):
            return False  # (a value this optimiser does not use: nothing to steer)
        config.validate(s.dataset.n)  # a bad value is the field's error, as for any edit
        for name in sorted(changed):
            self.training.steer(s.selected, name, float(getattr(config, name)))
        return True

    def play_until(self, steps: int) -> None:
        """Play at the session's speed until the race has taken ``steps`` steps in all, then
        pause there (a lesson's reveal); the child stops exactly, the session follows."""
        s = self.session
        if s.state in FINAL_STATES:
            s.reset()
        s.play()
        self.training.pause_at(steps)
        self._pause_at = steps

    def _follow_pause(self) -> None:
        s = self.session
        if self._pause_at is not None and sum(len(r.history) for r in s.runs) >= self._pause_at:
            self._pause_at = None
            s.pause()

    def _on_steered(self, index: int, change: RunChange) -> None:
        s = self.session
        if not 0 <= index < len(s.runs):
            return
        run = s.runs[index]
        old = run.config.value_at(change.field, change.step)
        run.config = run.config.with_changes(changes=(*run.config.changes, change))
        s.runs_changed.emit()
        s.view_changed.emit()  # the marks and the readouts show it
        self.told.emit(f"{run.name}: {change.field} {old:g} → {change.value:g} from step {change.step + 1:,} "
                       "(no reset; the panels mark it)")
