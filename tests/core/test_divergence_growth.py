"""Issue 12: a run that ends with its loss far above where it began is reported as diverging
(batch GD at lr 0.13 for 20 epochs: 599 → 95,503), in the engine, the CLI and every preset."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdviewer.core import RunConfig, synthetic
from gdviewer.core.trainer import RunStatus, grew_out, train
from gdviewer.presets import load_presets

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("initial", "final", "minimum", "expected"), [
    (599.0, 95_503.0, 0.154, True),  # the case
    (599.0, 0.2, 0.154, False),  # converged
    (599.0, 5_000.0, 0.154, False),  # worse, but not by the factor
    (0.154, 0.16, 0.154, False),  # started at the optimum: noise multiplies a zero excess
    (0.154, 5.0, 0.154, True),  # started at the optimum and left it for good
    (599.0, float("inf"), 0.154, False),  # blow-ups are the other rule's
])
def test_growth_by_a_clear_factor_is_diverging(initial, final, minimum, expected):
    assert grew_out(initial, final, minimum) is expected


def test_batch_gd_just_above_the_stable_limit_is_diverging_not_finished():
    history, trainer = train(synthetic(), RunConfig(algorithm="batch", lr=0.13, epochs=20))
    assert trainer.status is RunStatus.DIVERGED
    assert "grew from 599 to 9.55e+04" in trainer.message and "stable limit" in trainer.message
    assert len(history) == 20  # every step is kept: the zig-zag out can be replayed


@pytest.mark.parametrize("config", [
    RunConfig(algorithm="batch", lr=0.1, epochs=20),
    RunConfig(algorithm="batch", lr=0.11, epochs=20),  # just below the limit: oscillates, converges
    RunConfig(algorithm="stochastic", lr=0.01, epochs=20),
    RunConfig(algorithm="minibatch", batch_size=10, lr=0.02, epochs=20, shuffle=True),
    RunConfig(algorithm="stochastic", lr=0.001, epochs=3, init_w=-5.0, init_b=0.0),  # from the optimum, noisy
])
def test_converging_runs_still_finish(config):
    _history, trainer = train(synthetic(), config)
    assert trainer.status is RunStatus.FINISHED, trainer.message


def test_each_preset_ends_as_its_name_says():
    from gdviewer.core.conditioning import transformed_dataset

    for name, spec in load_presets().items():
        raw = synthetic(spec.data)  # on the x the preset trains on
        _history, trainer = train(transformed_dataset(raw, spec.x_transform.following(raw.surface)),
                                  spec.all_runs()[0].config)
        diverges = "diverges" in name or "zig-zags out" in name
        assert (trainer.status is RunStatus.DIVERGED) is diverges, (name, trainer.message)


def test_the_cli_exits_3_for_a_run_that_grew_out():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--quiet", "--lr", "0.13", "--epochs", "20"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 3
    assert "Diverging: after 20 steps the full-data loss grew from 599" in result.stderr
