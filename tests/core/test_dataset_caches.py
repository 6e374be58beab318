"""What a data set remembers (its stable learning rates, its points as a session stores them)
equals what is computed from scratch, and is computed once."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import surface as surface_module
from gdviewer.core.data import Dataset
from gdviewer.core.surface import stable_learning_rate


def _data() -> Dataset:
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 7, 500)
    return Dataset(x.reshape(-1, 1), (2 * x + 1 + rng.normal(0, 0.3, 500)).reshape(-1, 1), source="points.csv")


@pytest.mark.parametrize("setting", [("batch", 10, "gd", 0.9), ("stochastic", 1, "momentum", 0.9),
                                     ("stochastic", 1, "nesterov", 0.5), ("minibatch", 25, "sgd", 0.9),
                                     ("batch", 10, "adam", 0.9)])
def test_the_remembered_stable_rate_is_the_computed_one(setting):
    data = _data()
    expected = stable_learning_rate(data.surface, data.x, *setting)
    assert data.stable_lr(*setting) == expected
    assert data.stable_lr(*setting) == expected  # (from the cache)


def test_the_one_sample_limit_is_computed_once(monkeypatch):
    data = _data()
    calls = []
    original = surface_module.per_sample_learning_rate_limit
    monkeypatch.setattr(surface_module, "per_sample_learning_rate_limit", lambda x: calls.append(1) or original(x))
    for optimizer in ("gd", "sgd", "momentum", "nesterov"):
        data.stable_lr("stochastic", 1, optimizer, 0.9)
    assert len(calls) == 1
    assert data.per_sample_limit == original(data.x)


def test_the_points_as_tuples_equal_the_points_as_entered():
    data = _data()
    xs, ys = data.entered_tuples()
    ex, ey = data.entered_points()
    assert xs == tuple(ex.tolist()) and ys == tuple(ey.tolist())
    assert data.entered_tuples() is data.entered_tuples()
