"""Errors the engine raises on purpose: each names what is wrong in plain words."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is invalid.

    ``field`` is the name of the offending field (as in the dataclass and the UI), so the
    caller can show the message beside the right control.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DataError(ValueError):
    """A data set could not be read or is unusable (bad CSV, too few points, …)."""
