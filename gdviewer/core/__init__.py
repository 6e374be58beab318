"""The training engine: torch and numpy only, never Qt (enforced by import-linter)."""

from gdviewer.core.config import ALGORITHMS, OPTIMIZERS, DataConfig, RunConfig
from gdviewer.core.data import Dataset, load_csv, synthetic
from gdviewer.core.errors import ConfigError, DataError
from gdviewer.core.history import Chunk, History
from gdviewer.core.surface import LossSurface, stable_learning_rate
from gdviewer.core.trainer import RunStatus, Trainer, train

__all__ = [
    "ALGORITHMS", "OPTIMIZERS", "Chunk", "ConfigError", "DataConfig", "DataError", "Dataset",
    "History", "LossSurface", "RunConfig", "RunStatus", "Trainer", "load_csv",
    "stable_learning_rate", "synthetic", "train",
]
