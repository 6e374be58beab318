"""The synthetic data set: the tutorial's tensors by default, configurable, and RNG-neutral."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gdviewer.core import ConfigError, DataConfig, DataError, Dataset, synthetic

from .tutorial import tutorial_data


def reference_line(*, seed: int, slope: float, intercept: float, noise: float, X: torch.Tensor) -> torch.Tensor:
    """y = slope·x + intercept + noise·N(0, 1), the noise drawn as after ``torch.manual_seed(seed)``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        eps = torch.randn(X.size())
    return slope * X + intercept + noise * eps


def test_default_is_the_tutorial_data_bit_for_bit():
    X, Y = tutorial_data()
    ds = synthetic()
    assert ds.X.dtype == torch.float32 and ds.Y.dtype == torch.float32
    assert ds.X.shape == (100, 1) and ds.Y.shape == (100, 1)
    assert torch.equal(ds.X, X)
    assert torch.equal(ds.Y, Y)
    assert ds.n == 100


def test_default_config_object_gives_the_same_data():
    a, b = synthetic(), synthetic(DataConfig())
    assert torch.equal(a.X, b.X) and torch.equal(a.Y, b.Y)


def test_numpy_views_hold_the_same_values_as_the_tensors():
    ds = synthetic()
    assert ds.x.shape == (100,) and ds.y.shape == (100,)
    np.testing.assert_array_equal(ds.x, ds.X.numpy().ravel())
    np.testing.assert_array_equal(ds.y, ds.Y.numpy().ravel())


def test_true_line_is_recorded():
    ds = synthetic(DataConfig(slope=2.5, intercept=-1.0))
    assert ds.true_slope == 2.5 and ds.true_intercept == -1.0
    assert ds.source == "synthetic"


def test_seed_changes_the_noise_only():
    a = synthetic(DataConfig(seed=1))
    b = synthetic(DataConfig(seed=2))
    assert torch.equal(a.X, b.X)
    assert not torch.equal(a.Y, b.Y)
    X, _ = tutorial_data()
    expected = reference_line(seed=1, slope=-5.0, intercept=0.0, noise=0.4, X=X)
    torch.testing.assert_close(a.Y, expected, rtol=1e-6, atol=1e-6)


def test_slope_intercept_and_noise_are_applied():
    ds = synthetic(DataConfig(slope=3.0, intercept=2.0, noise=0.25, seed=7))
    X, _ = tutorial_data()
    assert torch.equal(ds.X, X)
    expected = reference_line(seed=7, slope=3.0, intercept=2.0, noise=0.25, X=X)
    torch.testing.assert_close(ds.Y, expected, rtol=1e-6, atol=1e-6)


def test_zero_noise_lies_exactly_on_the_line():
    ds = synthetic(DataConfig(slope=-2.0, intercept=1.5, noise=0.0))
    np.testing.assert_allclose(ds.y, -2.0 * ds.x.astype(np.float64) + 1.5, rtol=0, atol=1e-5)


def test_n_points_gives_evenly_spaced_points_including_both_ends():
    ds = synthetic(DataConfig(n_points=7, x_start=-3.0, x_stop=3.0, noise=0.0, slope=1.0))
    assert ds.n == 7
    np.testing.assert_allclose(ds.x, np.linspace(-3.0, 3.0, 7), rtol=0, atol=1e-6)
    assert ds.x[0] == -3.0 and ds.x[-1] == 3.0


def test_n_points_with_noise_matches_reference():
    ds = synthetic(DataConfig(n_points=50, x_start=0.0, x_stop=10.0, slope=0.5, intercept=-4.0, noise=1.0, seed=3))
    X = torch.linspace(0.0, 10.0, 50).view(-1, 1)
    torch.testing.assert_close(ds.X, X, rtol=0, atol=0)
    torch.testing.assert_close(ds.Y, reference_line(seed=3, slope=0.5, intercept=-4.0, noise=1.0, X=X),
                               rtol=1e-6, atol=1e-6)


def test_x_step_is_like_arange_stop_excluded():
    ds = synthetic(DataConfig(x_start=0.0, x_stop=1.0, x_step=0.25, noise=0.0))
    np.testing.assert_array_equal(ds.x, np.array([0.0, 0.25, 0.5, 0.75], dtype=np.float32))


def test_synthetic_does_not_touch_the_global_rng():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        state = torch.get_rng_state()
        synthetic()
        synthetic(DataConfig(seed=9, n_points=1000))
        assert torch.equal(torch.get_rng_state(), state)
        after = torch.rand(5)
        torch.manual_seed(123)
        assert torch.equal(after, torch.rand(5))


def test_synthetic_is_reproducible_whatever_the_global_rng_did():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(999)
        torch.rand(17)
        a = synthetic()
    assert torch.equal(a.Y, tutorial_data()[1])


def test_invalid_data_config_raises_config_error():
    with pytest.raises(ConfigError) as info:
        synthetic(DataConfig(n_points=1))
    assert info.value.field == "n_points"


def test_from_arrays_checks_its_input():
    ds = Dataset.from_arrays(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0]))
    assert ds.n == 3 and ds.X.dtype == torch.float32 and ds.X.shape == (3, 1)
    with pytest.raises(DataError, match="length"):
        Dataset.from_arrays(np.array([1.0, 2.0]), np.array([1.0]))
    with pytest.raises(DataError, match="at least 2"):
        Dataset.from_arrays(np.array([1.0]), np.array([1.0]))
    with pytest.raises(DataError, match="finite"):
        Dataset.from_arrays(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    with pytest.raises(DataError, match="finite"):
        Dataset.from_arrays(np.array([1.0, 2.0]), np.array([np.inf, 2.0]))


def test_dataset_rejects_wrong_shapes():
    with pytest.raises(DataError, match="shape"):
        Dataset(torch.zeros(5), torch.zeros(5))
    with pytest.raises(DataError, match="shape"):
        Dataset(torch.zeros(5, 1), torch.zeros(4, 1))
