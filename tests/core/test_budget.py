"""Issue 13: work and memory a configuration asks for are checked before the run starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdviewer.core.budget import BYTES_PER_STEP, MAX_SAMPLE_GRADIENTS, check_memory, memory_budget_bytes
from gdviewer.core.config import RunConfig
from gdviewer.core.errors import ConfigError
from gdviewer.core.history import COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def test_bytes_per_step_is_one_history_row():
    assert sum(np.dtype(d).itemsize for d in COLUMNS.values()) == BYTES_PER_STEP


def test_a_run_of_too_many_sample_gradients_is_refused_with_what_fits():
    config = RunConfig(algorithm="batch", epochs=1_000_000)
    with pytest.raises(ConfigError, match=r"at most 1,000 epochs") as info:
        config.validate(10_000_000)
    assert info.value.field == "epochs"
    RunConfig(algorithm="batch", epochs=1000).validate(10_000_000)  # the boundary fits
    assert MAX_SAMPLE_GRADIENTS == 1000 * 10_000_000


@pytest.mark.parametrize(("steps", "epochs", "budget_mb", "fits"), [
    ([10_000_000], [100], 256, "at most 51 epochs"),
    ([5_000_000, 5_000_000], [50, 50], 256, "at most 25, 25 epochs"),
    ([1_000_000] * 8, [10] * 8, 100, "at most 2, 2, 2, 2, 2, 2, 2, 2 epochs"),
])
def test_histories_over_the_memory_budget_are_refused_with_what_fits(steps, epochs, budget_mb, fits):
    with pytest.raises(ConfigError, match=fits):
        check_memory(steps, epochs, budget_mb << 20)
    check_memory([s // 10 for s in steps], epochs, budget_mb << 20)


@pytest.mark.parametrize(("raw", "mb"), [("", 2048), ("512", 512), ("abc", 2048), ("nan", 2048), ("inf", 2048),
                                         ("-inf", 2048), ("0", 1)])
def test_the_budget_comes_from_the_environment(monkeypatch, raw, mb):
    monkeypatch.setenv("GDVIEWER_MEMORY_MB", raw)
    assert memory_budget_bytes() == mb << 20


def test_the_cli_refuses_a_run_over_the_budget_at_once_with_exit_2(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GDVIEWER_MEMORY_MB": "1"}
    result = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--quiet", "--algorithm", "stochastic",
                             "--epochs", "500"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "memory budget is 1.0 MB" in result.stderr and "at most 201 epochs" in result.stderr
