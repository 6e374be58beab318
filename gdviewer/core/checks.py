"""Checks of single values for the settings dataclasses: each raises :class:`ConfigError`
naming the field, with the allowed values, so every front end shows the same message.

One place for them: the run and data settings (``config.py``), the schedules, changes and stops
(``steering.py``) and the x transform (``conditioning.py``) all check numbers the same way
(a JSON file can hold ``true`` for a number, ``1e999``, or an integer beyond float range).
"""

from __future__ import annotations

import math
from reprlib import repr as _brief
from typing import Any

from gdviewer.core.errors import ConfigError


def finite(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(field, f"must be a number, got {_brief(value)}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond float range (a JSON file can hold 10**400)
        raise ConfigError(field, "must be a finite number, got an integer beyond ±1.8e308") from None
    if not math.isfinite(value):
        raise ConfigError(field, f"must be a finite number, got {value}")
    return value


def whole_number(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ConfigError(field, f"must be a whole number from {low} to {high}, got {_brief(value)}")
    if not low <= value <= high:
        digits = str(value)
        shown = digits if len(digits) <= 16 else f"{digits[:4]}… ({len(digits.lstrip('-'))} digits)"
        raise ConfigError(field, f"must be a whole number from {low} to {high}, got {shown}")
    return value


def in_range(field: str, value: Any, low: float, high: float, *, low_open: bool = False,
              high_open: bool = False) -> float:
    v = finite(field, value)
    bad_low = v <= low if low_open else v < low
    bad_high = v >= high if high_open else v > high
    if bad_low or bad_high:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        raise ConfigError(field, f"must be in {lo}{low:g}, {high:g}{hi}, got {v:g}")
    return v


def whole_floats_to_int(config: Any, names: tuple[str, ...]) -> None:
    """Store a whole float given for a count (20.0) as an int: validate() accepts it, torch needs
    int (a JSON file or a form may write 20.0). The settings dataclasses all use it."""
    for name in names:
        value = getattr(config, name)
        if isinstance(value, float) and value.is_integer():
            object.__setattr__(config, name, int(value))
