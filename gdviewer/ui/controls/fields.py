"""Form fields that validate as the user types and show the engine's message beside them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from gdviewer.core.errors import ConfigError
from gdviewer.ui.theme import set_tone

MAX_TEXT = 64
C = TypeVar("C")


def format_number(value: float | int) -> str:
    """Show numbers compactly but exactly enough to round-trip what the user typed."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.10g}"


class NumberField(QWidget):
    """A line edit for one numeric config field plus an error label under it."""

    edited = Signal()

    def __init__(self, name: str, label: str, kind: type = float, tooltip: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.label = label
        self.kind = kind
        self.edit = QLineEdit()
        self.edit.setMaxLength(MAX_TEXT)
        self.edit.setAccessibleName(label)
        self.edit.setObjectName(f"field_{name}")
        if tooltip:
            self.edit.setToolTip(tooltip)
        self.error = QLabel()
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(lambda _text: self.edited.emit())

    def text(self) -> str:
        return self.edit.text()

    def set_value(self, value: float | int) -> None:
        self.edit.setText(format_number(value))
        self.set_error(None)

    def show_value(self, value: float | int) -> None:
        """Show ``value``, keeping the text if it already means it (as typed: "0.050")."""
        try:
            if self.value() == value:
                self.set_error(None)
                return
        except ConfigError:
            pass
        self.set_value(value)

    def value(self) -> float | int:
        """The parsed value; raises ConfigError naming this field if it is not a number."""
        text = self.edit.text().strip().replace("−", "-")
        if not text:
            raise ConfigError(self.name, "is empty; enter a number")
        try:
            if self.kind is int:
                try:
                    return int(text)  # exact, however many digits
                except ValueError:
                    number = float(text)  # "1e3", "20.0"
                if not math.isfinite(number) or not number.is_integer():
                    raise ValueError
                return int(number)
            return float(text)
        except (ValueError, OverflowError):
            what = "a whole number" if self.kind is int else "a number"
            shown = text if len(text) <= 20 else text[:17] + "..."
            raise ConfigError(self.name, f"{shown!r} is not {what}") from None

    def set_error(self, message: str | None) -> None:
        if message:
            self.error.setText(message)
            self.error.show()
            set_tone(self.edit, "invalid")
            self.edit.setAccessibleDescription(message)
        else:
            self.error.clear()
            self.error.hide()
            set_tone(self.edit, None)
            self.edit.setAccessibleDescription("")


def read_config(fields: dict[str, NumberField], shown: Iterable[str], values: dict[str, object],
                make: Callable[[dict[str, object]], C]) -> tuple[C | None, str]:
    """The one rule for a form of fields: parse the ``shown`` fields into ``values``, then let
    the engine build and validate the configuration (``make``). Each field shows its own
    error; returns the configuration (None if anything is wrong) and an error that belongs to
    no field."""
    errors: dict[str, str] = {}
    for name in shown:
        try:
            values[name] = fields[name].value()
        except ConfigError as exc:
            errors[name] = exc.message
    config: C | None = None
    general = ""
    if not errors:
        try:
            config = make(values)
        except ConfigError as exc:
            if exc.field in fields:
                errors[exc.field] = exc.message
            else:
                general = str(exc)
    for name, field in fields.items():
        field.set_error(errors.get(name))
    return config, general
