"""The selected run's learning-rate schedule and early stops, as a form.

A schedule multiplies the learning rate by f(step) (core/steering.py); only the numbers its
shape uses are shown. The stops are optional: an empty field is a rule not used. Like the run
controls, the form keeps no copy: ``current()`` is the run's configuration, an edit proposes
``current()`` with the new schedule and stops to ``apply`` (which validates in the engine and
raises ConfigError naming the field).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from gdviewer.core.config import RunConfig
from gdviewer.core.errors import ConfigError
from gdviewer.core.steering import SCHEDULE_LABELS, SCHEDULES, Schedule, StopRules
from gdviewer.ui.controls.fields import NumberField
from gdviewer.ui.theme import set_tone

#: The numbers each schedule uses (field name → label, tooltip).
SCHEDULE_FIELDS: dict[str, tuple[str, ...]] = {
    "constant": (), "step": ("gamma", "every"), "exponential": ("gamma",), "inverse_time": ("decay",),
    "cosine": ("floor",), "warmup": ("warmup", "start"),
}
FIELD_TEXTS = {
    "gamma": ("× γ", "step decay: multiply lr by γ every N steps; exponential: by γ every step", float),
    "every": ("every (steps)", "how many steps between two drops of the step decay", int),
    "decay": ("decay d", "1/t decay: lr_t = lr / (1 + d·t)", float),
    "floor": ("down to", "cosine: the lr falls along a half cosine to this fraction of lr at the run's end", float),
    "warmup": ("warm-up", "the lr rises linearly over these first steps, then stays", int),
    "start": ("from ×", "warm-up: the first step's lr as a fraction of lr", float),
}
STOP_TEXTS = {
    "target": ("loss ≤", "stop once the full-data loss is at most this (empty: no target)", float),
    "grad_norm": ("‖∇L‖ <", "stop once the full-data gradient's length is below this ε (empty: never)", float),
    "plateau": ("plateau δ", "stop once the full-data loss changed less than δ over the window", float),
    "window": ("over (steps)", "the plateau's window, in steps", int),
    "max_steps": ("max steps", "at most this many steps (empty: the epochs decide)", int),
    "max_samples": ("max samples", "stop once this many samples were seen: the fair budget when runs of "
                    "different batch sizes race (empty: none)", int),
}
OPTIONAL = ("target", "grad_norm", "plateau", "max_steps", "max_samples")


class ScheduleControls(QGroupBox):
    """Schedule shape with its numbers, and the optional stops."""

    def __init__(self, current: Callable[[], RunConfig], apply: Callable[[RunConfig], object],
                 parent: QWidget | None = None) -> None:
        super().__init__("Schedule and stops", parent)
        self.current, self.apply = current, apply
        self.setToolTip("How the learning rate changes over the run, and when the run may end early")
        form = QFormLayout(self)
        self.form = form
        self.kind = QComboBox()
        for kind in SCHEDULES:
            self.kind.addItem(SCHEDULE_LABELS[kind], kind)
        self.kind.setAccessibleName("Learning-rate schedule")
        self.kind.setToolTip("lr_t = lr · f(t): the shape of f (torch's LambdaLR applies it every step)")
        form.addRow("lr schedule", self.kind)
        self.fields: dict[str, NumberField] = {}
        for name, (label, tip, kind) in {**FIELD_TEXTS, **STOP_TEXTS}.items():
            if name == "target":
                stops = QLabel("Stop early when (empty: never)")
                stops.setToolTip("The run ends at the first step where one of these holds, and says which")
                form.addRow(stops)
            field = NumberField(name, label, kind, tip)
            field.edited.connect(self._edited)
            self.fields[name] = field
            form.addRow(label, field)
        self.error = QLabel()
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        self.kind.currentIndexChanged.connect(self._edited)
        self.show_current()

    def show_current(self) -> None:
        config = self.current()
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(config.schedule.kind))
        self.kind.blockSignals(False)
        for name, field in self.fields.items():
            value = getattr(config.schedule if name in FIELD_TEXTS else config.stop, name)
            if value is None:
                field.edit.clear()
                field.set_error(None)
            else:
                field.show_value(value)
        self.error.hide()
        self._show_rows()

    def _show_rows(self) -> None:
        used = SCHEDULE_FIELDS[self.kind.currentData()]
        plateau = bool(self.fields["plateau"].text().strip())
        for name, field in self.fields.items():
            shown = name in used if name in FIELD_TEXTS else (name != "window" or plateau)
            self.form.setRowVisible(field, shown)

    def read(self) -> tuple[Schedule, StopRules]:
        """The form's schedule and stops; ConfigError names a field that is not a number."""
        kind = self.kind.currentData()
        current = self.current()
        numbers = {name: self.fields[name].value() if name in SCHEDULE_FIELDS[kind]
                   else getattr(current.schedule, name) for name in FIELD_TEXTS}
        stops: dict[str, object] = {}
        for name in STOP_TEXTS:
            field = self.fields[name]
            if name in OPTIONAL and not field.text().strip():
                stops[name] = None
            elif name == "window" and not field.text().strip():
                stops[name] = current.stop.window
            else:
                stops[name] = field.value()
        return Schedule(kind, **numbers), StopRules(**stops)

    def _edited(self) -> None:
        self._show_rows()
        for field in self.fields.values():
            field.set_error(None)
        try:
            schedule, stop = self.read()
            self.apply(self.current().with_changes(schedule=schedule, stop=stop))
        except ConfigError as exc:
            target = next((f for n, f in self.fields.items() if exc.field.endswith(n) or exc.field == n), None)
            if target is not None:
                target.set_error(exc.message)
                self.error.hide()
            else:
                self.error.setText(str(exc))
                self.error.show()
            return
        self.error.hide()
