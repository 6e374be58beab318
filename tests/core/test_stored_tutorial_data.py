"""The stored copy of the tutorial's data set: the very numbers torch makes, so the window can
show them before torch is imported; every other data set is made by torch as before."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import gdviewer.core.data as data_module
from gdviewer.core import DataConfig, synthetic
from gdviewer.core.data import TUTORIAL_DATA_FILE, generate_synthetic


def bits(values) -> tuple[str, tuple[int, ...], bytes]:
    """dtype, shape and raw bytes: equal only if bit for bit equal (-0.0 ≠ 0.0, NaN == same NaN)."""
    array = values.detach().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    return str(array.dtype), array.shape, array.tobytes()


def stored() -> tuple[np.ndarray, np.ndarray]:
    with np.load(TUTORIAL_DATA_FILE) as data:
        assert sorted(data.files) == ["x", "y"]
        return data["x"], data["y"]


def tutorial_as_written() -> tuple[torch.Tensor, torch.Tensor]:
    """The tutorial's lines verbatim, on torch's global generator (restored afterwards)."""
    saved = torch.get_rng_state()
    try:
        torch.manual_seed(42)
        X = torch.arange(-5, 5, 0.1).view(-1, 1)
        Y = -5 * X + 0.4 * torch.randn(X.size())
    finally:
        torch.set_rng_state(saved)
    return X, Y


def test_the_stored_file_exists_and_holds_100_float32_samples():
    x, y = stored()
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert x.shape == (100,) and y.shape == (100,)


def test_the_stored_arrays_are_what_torch_generates_for_the_default_config():
    x, y = stored()
    generated = generate_synthetic(DataConfig())
    assert bits(x) == bits(generated.x)
    assert bits(y) == bits(generated.y)


def test_the_stored_arrays_are_the_tutorial_code_bit_for_bit():
    before = torch.get_rng_state()
    X, Y = tutorial_as_written()
    assert torch.equal(torch.get_rng_state(), before), "the reference must leave torch's random state alone"
    x, y = stored()
    assert bits(x) == bits(X.view(-1))
    assert bits(y) == bits(Y.view(-1))


def test_the_default_data_set_is_read_from_the_file_and_equals_the_tutorial():
    X, Y = tutorial_as_written()
    for config in (None, DataConfig()):
        ds = synthetic(config)
        assert bits(ds.X) == bits(X) and bits(ds.Y) == bits(Y)
        assert (ds.source, ds.true_slope, ds.true_intercept, ds.config) == ("synthetic", -5.0, 0.0, DataConfig())


def test_the_default_data_set_comes_from_the_file_not_from_torch(monkeypatch):
    """Proof that the file is used: generating with torch is never asked for the default."""

    def no_torch(config):
        raise AssertionError(f"generated with torch: {config}")

    monkeypatch.setattr(data_module, "generate_synthetic", no_torch)
    x, y = stored()
    ds = synthetic()
    assert bits(ds.x) == bits(x) and bits(ds.y) == bits(y)
    with pytest.raises(AssertionError, match="generated with torch"):
        synthetic(DataConfig(seed=43))


@pytest.mark.parametrize("config", [
    DataConfig(seed=43),
    DataConfig(slope=2.0, intercept=-1.5, noise=0.1),
    DataConfig(noise=0.0),
    DataConfig(x_step=0.3),
    DataConfig(n_points=100),
    DataConfig(x_start=-4.0, x_stop=6.0),
])
def test_any_other_config_is_generated_by_torch(config):
    ds, reference = synthetic(config), generate_synthetic(config)
    assert config != DataConfig()
    assert bits(ds.X) == bits(reference.X) and bits(ds.Y) == bits(reference.Y)
    assert ds.config == config


@pytest.mark.parametrize("make", [synthetic, lambda: generate_synthetic(DataConfig()),
                                  lambda: synthetic(DataConfig(seed=1, n_points=33))],
                         ids=["stored", "generated", "other"])
def test_the_tensors_are_float32_n_by_1_views_of_the_arrays(make):
    ds = make()
    for tensor, array in ((ds.X, ds.x), (ds.Y, ds.y)):
        assert tensor.dtype == torch.float32
        assert tuple(tensor.shape) == (ds.n, 1)
        assert array.dtype == np.float32 and array.shape == (ds.n,)
        assert np.shares_memory(tensor.numpy(), array)
        assert bits(tensor.view(-1)) == bits(array)


POINT_COUNT_CONFIGS = [
    DataConfig(),
    DataConfig(x_step=0.3),
    DataConfig(x_step=0.7),
    DataConfig(x_step=1 / 3),
    DataConfig(x_step=0.05),
    DataConfig(x_start=-1.0, x_stop=1.0, x_step=1 / 3),
    DataConfig(x_start=-1.0, x_stop=1.0, x_step=0.1),
    DataConfig(x_start=0.0, x_stop=0.9, x_step=0.1),
    DataConfig(x_start=0.0, x_stop=0.9, x_step=0.3),
    DataConfig(x_start=0.0, x_stop=0.9, x_step=0.45),
    DataConfig(x_start=1.0, x_stop=1.3, x_step=0.1),
    DataConfig(x_start=1000.0, x_stop=1000.3, x_step=0.1),
    DataConfig(x_start=1000.0, x_stop=1000.5, x_step=0.1),
    DataConfig(x_start=1000.0, x_stop=1000.5, x_step=0.05),
    DataConfig(x_start=-0.3, x_stop=0.3, x_step=0.1),
    DataConfig(x_start=-5.0, x_stop=5.0, x_step=3.0),
    DataConfig(n_points=2),
    DataConfig(n_points=7, x_start=-3.0, x_stop=3.0),
    DataConfig(n_points=20.0),
    DataConfig(n_points=1001, x_start=1000.0, x_stop=1000.5),
]


@pytest.mark.parametrize("config", POINT_COUNT_CONFIGS, ids=repr)
def test_point_count_predicts_how_many_points_torch_makes(config):
    ds = generate_synthetic(config)
    assert config.point_count == ds.n
    assert isinstance(config.point_count, int)
    if config.n_points is None:  # and what torch makes is the tutorial's arange
        assert ds.n == torch.arange(config.x_start, config.x_stop, config.x_step).numel()
