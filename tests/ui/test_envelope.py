"""The min/max envelope that the time-series panels draw: every bucket of ``bucket``
consecutive values becomes two points, its minimum and its maximum, both at the bucket's
first index; computed incrementally as a curve grows, it equals computing it afresh."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdviewer.ui.panels.decimate import MAX_POINTS, Envelope, thin_to_pixels


def reference(values, bucket: int) -> tuple[list[float], list[float]]:
    """The envelope by definition, one bucket at a time in plain Python: NaN is a gap (left
    out of min and max; a bucket of nothing but NaN gives NaN), ±inf are values like others."""
    if bucket == 1:
        return [float(i) for i in range(len(values))], [float(v) for v in values]
    xs: list[float] = []
    ys: list[float] = []
    for start in range(0, len(values), bucket):
        present = [float(v) for v in values[start : start + bucket] if not math.isnan(v)]
        low, high = (min(present), max(present)) if present else (math.nan, math.nan)
        xs += [float(start), float(start)]
        ys += [low, high]
    return xs, ys


def assert_envelope(result: tuple[np.ndarray, np.ndarray], expected: tuple[list[float], list[float]]) -> None:
    x, y = result
    assert x.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(x, np.array(expected[0], dtype=np.float64))
    np.testing.assert_array_equal(y, np.array(expected[1], dtype=np.float64))  # NaN == NaN here


def noisy_curve(n: int, seed: int) -> np.ndarray:
    """A loss-like float32 curve: decaying, noisy, with a few spikes."""
    rng = np.random.default_rng(seed)
    curve = np.exp(-np.linspace(0, 8, n)) * 100 + rng.standard_normal(n)
    spikes = rng.choice(n, size=max(1, n // 500), replace=False)
    curve[spikes] *= 50
    return curve.astype(np.float32)


@pytest.mark.parametrize(("total", "max_points"), [
    (10_000, 2000), (2001, 2000), (12_345, 100), (999, 10), (50, 2000), (7, 3), (1000, 2000),
])
def test_bucket_size_keeps_the_drawing_within_max_points(total, max_points):
    env = Envelope(total, max_points)
    values = noisy_curve(total, seed=total)
    x, y = env.compute(values, values)
    assert x.shape == y.shape
    assert x.size <= max_points + 2
    if env.bucket > 1:  # a smaller bucket would have been too many points
        assert 2 * math.ceil(total / (env.bucket - 1)) > max_points


def test_the_default_max_points_is_2000():
    env = Envelope(1_000_000)
    values = noisy_curve(1_000_000, seed=0)
    x, _ = env.compute(values, values)
    assert MAX_POINTS == 2000
    assert 1000 <= x.size <= 2000 + 2


@pytest.mark.parametrize(("total", "max_points", "n"), [
    (10_000, 2000, 10_000), (10_000, 2000, 9_999), (10_000, 2000, 4_321), (12_345, 100, 12_345),
    (999, 10, 998), (2001, 2000, 2001), (7, 3, 7),
])
def test_random_data_matches_the_brute_force_envelope(total, max_points, n):
    rng = np.random.default_rng(n)
    values = rng.standard_normal(total).astype(np.float32)[:n]
    env = Envelope(total, max_points)
    assert_envelope(env.compute(values, values), reference(values, env.bucket))


def test_float64_values_are_kept_exactly():
    values = np.random.default_rng(1).standard_normal(5000) * 1e-300  # would vanish in float32
    env = Envelope(5000, 100)
    assert_envelope(env.compute(values, values), reference(values, env.bucket))


def test_the_extremes_survive_decimation():
    values = noisy_curve(100_000, seed=3)
    values[31_337] = 1e9
    values[77_777] = -1e9
    x, y = Envelope(100_000).compute(values, values)
    assert (y.min(), y.max()) == (-1e9, 1e9)
    assert x[y.argmax()] <= 31_337 < x[y.argmax()] + Envelope(100_000).bucket


@pytest.mark.parametrize(("total", "max_points"), [(10_000, 2000), (3_000, 50), (257, 16)])
def test_a_growing_curve_computed_frame_by_frame_equals_computing_it_afresh(total, max_points):
    """As in a live run: one buffer filled in place, its filled prefix drawn every frame."""
    rng = np.random.default_rng(total)
    final = noisy_curve(total, seed=total)
    buffer = np.full(total, np.float32(-12345.0))  # not yet written: never to be read
    owner = object()
    live = Envelope(total, max_points)
    assert live.bucket > 1
    n = 0
    lengths = []
    while n < total:
        b = live.bucket
        grown = min(total, n + int(rng.choice([0, 1, 2, b - 1, b, b + 1, 3 * b + 5])))
        buffer[n:grown] = final[n:grown]
        n = grown
        lengths.append(n)
        fresh = Envelope(total, max_points)
        expected = fresh.compute(final[:n], object())
        result = live.compute(buffer[:n], owner)
        assert_envelope(result, reference(final[:n], live.bucket))
        np.testing.assert_array_equal(result[1], expected[1])
    assert lengths[-1] == total
    assert len({k % live.bucket for k in lengths}) >= 3, "the frames should end at many places within a bucket"


def test_a_shorter_prefix_of_the_same_values_is_still_right():
    values = noisy_curve(5000, seed=5)
    env = Envelope(5000, 100)
    for n in (5000, 4000, 4049, 1234, 50, 3, 5000):
        assert_envelope(env.compute(values[:n], values), reference(values[:n], env.bucket))


def test_a_new_source_starts_over():
    first = noisy_curve(4000, seed=1)
    second = noisy_curve(4000, seed=2)
    env = Envelope(4000, 100)
    env.compute(first, "run 1")
    assert_envelope(env.compute(second, "run 2"), reference(second, env.bucket))
    assert_envelope(env.compute(first, "run 3"), reference(first, env.bucket))


def test_the_same_source_reuses_complete_buckets():
    """What the cache is for (and why a new run must bring a new source): a source promises
    that values once written never change, so complete buckets are not read again."""
    first = noisy_curve(4000, seed=1)
    second = noisy_curve(4000, seed=2)
    owner = object()
    env = Envelope(4000, 100)
    env.compute(first, owner)
    _, y = env.compute(second, owner)
    np.testing.assert_array_equal(y, reference(first, env.bucket)[1])


def test_reset_starts_over_for_a_new_length_with_the_same_max_points():
    env = Envelope(100, 10)
    values = noisy_curve(100, seed=4)
    env.compute(values, values)
    env.reset(10_000)
    assert env.bucket == 2000
    longer = noisy_curve(10_000, seed=5)
    x, y = env.compute(longer, values)  # even with the old source: reset forgets it
    assert x.size <= 10 + 2
    assert_envelope((x, y), reference(longer, 2000))


def test_nan_is_a_gap_and_a_bucket_of_only_nan_is_nan_without_a_warning():
    values = np.arange(40, dtype=np.float64)
    values[0:10] = np.nan  # a whole bucket
    values[12] = np.nan  # one value of a bucket
    values[35:40] = np.nan  # the whole of the partial last bucket
    values[31] = np.nan
    env = Envelope(40, 8)  # buckets of 10
    assert env.bucket == 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = env.compute(values, values)
        partial = values[:23].copy()
        partial[20:23] = np.nan  # the partial last bucket, only NaN
        _, y2 = Envelope(40, 8).compute(partial, partial)
    np.testing.assert_array_equal(x, [0, 0, 10, 10, 20, 20, 30, 30])
    np.testing.assert_array_equal(y, [np.nan, np.nan, 10, 19, 20, 29, 30, 34])
    np.testing.assert_array_equal(y2, [np.nan, np.nan, 10, 19, np.nan, np.nan])
    assert_envelope((x, y), reference(values, 10))


def test_infinities_are_kept():
    values = np.linspace(0, 1, 30)
    values[3] = np.inf
    values[14] = -np.inf
    values[25], values[26] = np.inf, -np.inf
    values[27] = np.nan
    x, y = Envelope(30, 6).compute(values, values)
    np.testing.assert_array_equal(x, [0, 0, 10, 10, 20, 20])
    assert y[1] == np.inf and y[2] == -np.inf and (y[4], y[5]) == (-np.inf, np.inf)
    assert y[0] == 0.0 and y[3] == values[19]
    assert_envelope((x, y), reference(values, 10))


@pytest.mark.parametrize("n", [0, 1, 2, 999, 1000])
def test_bucket_of_one_passes_the_data_through(n):
    values = noisy_curve(1000, seed=8)[:n]
    if n > 10:
        values[7] = np.nan
        values[8] = np.inf
    env = Envelope(1000)
    assert env.bucket == 1
    x, y = env.compute(values, values)
    np.testing.assert_array_equal(x, np.arange(n, dtype=np.float64))
    np.testing.assert_array_equal(y, values.astype(np.float64))
    assert y.dtype == np.float64 and x.dtype == np.float64


def test_an_empty_curve_draws_nothing():
    x, y = Envelope(10_000).compute(np.empty(0, dtype=np.float32), "run")
    assert x.size == 0 and y.size == 0


@pytest.mark.parametrize("max_points", [3, 4, 5, 100, 2000, 2001])
@pytest.mark.parametrize("total", [2, 3, 10, 1999, 2000, 2001, 4003, 100_003])
def test_never_more_than_max_points_plus_two(total, max_points):
    values = np.zeros(total, dtype=np.float32)
    env = Envelope(total, max_points)
    owner = object()
    for n in sorted({1, total // 3, total // 2 + 1, total - 1, total}):
        x, y = env.compute(values[:n], owner)
        assert x.size == y.size <= max_points + 2
        assert np.all(np.diff(x) >= 0) and (x.size == 0 or 0 <= x[0] <= x[-1] < n)


def test_a_path_thinned_to_pixels_keeps_its_ends_and_every_pixel_it_enters():
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(0, 0.01, 5000))
    y = np.cumsum(rng.normal(0, 0.01, 5000))
    tx, ty = thin_to_pixels(x, y, 0.05, 0.05)
    assert tx.size < x.size / 2, "most steps stay within a pixel of the last"
    assert (tx[0], ty[0], tx[-1], ty[-1]) == (x[0], y[0], x[-1], y[-1])
    kept = np.isin(x, tx) & np.isin(y, ty)
    cells = np.stack([np.floor(x / 0.05), np.floor(y / 0.05)], axis=1)
    for i in np.flatnonzero(~kept):  # a point left out is in the pixel of the point before it
        assert (cells[i] == cells[i - 1]).all()
    assert thin_to_pixels(x, y, float("nan"), 0.05)[0] is x  # unknown pixel size: drawn whole
