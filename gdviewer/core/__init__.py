"""The training engine: torch and numpy only, never Qt (enforced by import-linter).

Names are loaded on first use (PEP 562), so importing a light part of the engine (configs,
the loss surface) does not import torch: the window opens first and loads torch after.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ALGORITHMS": "config", "OPTIMIZERS": "config", "DataConfig": "config", "RunConfig": "config",
    "Dataset": "data", "load_csv": "data", "synthetic": "data",
    "ConfigError": "errors", "DataError": "errors",
    "Chunk": "history", "History": "history",
    "LossSurface": "surface", "stable_learning_rate": "surface",
    "RunStatus": "trainer", "Trainer": "trainer", "train": "trainer",
}

__all__ = [  # noqa: RUF022 (grouped as in _EXPORTS)
    "ALGORITHMS", "OPTIMIZERS", "DataConfig", "RunConfig", "Dataset", "load_csv", "synthetic",
    "ConfigError", "DataError", "Chunk", "History", "LossSurface", "stable_learning_rate",
    "RunStatus", "Trainer", "train",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gdviewer.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"gdviewer.core.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from gdviewer.core.config import ALGORITHMS, OPTIMIZERS, DataConfig, RunConfig
    from gdviewer.core.data import Dataset, load_csv, synthetic
    from gdviewer.core.errors import ConfigError, DataError
    from gdviewer.core.history import Chunk, History
    from gdviewer.core.surface import LossSurface, stable_learning_rate
    from gdviewer.core.trainer import RunStatus, Trainer, train
