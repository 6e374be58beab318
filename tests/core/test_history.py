"""History: a growable column store of step records, its CSV file and its memory use."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import Chunk, History, RunConfig, Trainer, synthetic, train
from gdviewer.core.history import COLUMNS

HEADER = ["step", "epoch", "samples", "w", "b", "loss", "dw", "db", "full_loss", "epoch_loss"]


def make_chunk(first_step: int, k: int) -> Chunk:
    """k rows starting at ``first_step`` with values derived from the step number."""
    s = np.arange(first_step, first_step + k)
    cols = {
        "step": s,
        "epoch": (s - 1) // 10,
        "samples": 3 * s,
        "w": 0.5 * s,
        "b": -0.25 * s,
        "loss": 1.0 / (s + 1),
        "dw": s * 1e-3,
        "db": -(s * 1e-3),
        "full_loss": 1.0 / (s + 1) + 1e-12,
        "epoch_loss": np.where((s - 1) % 10 == 0, 2.0 / (s + 1), np.nan),
    }
    return Chunk(columns={n: np.asarray(v, dtype=COLUMNS[n]) for n, v in cols.items()},
                 batch_indices=np.arange(3))


def test_columns_are_the_documented_ones():
    assert list(COLUMNS) == HEADER


def test_new_history_is_empty():
    h = History(-10.0, -20.0)
    assert len(h) == 0
    assert h.w.shape == (0,)
    w, b = h.path()
    np.testing.assert_array_equal(w, [-10.0])
    np.testing.assert_array_equal(b, [-20.0])
    assert h.epoch_losses().shape == (0,)


def test_append_then_read_columns():
    h = History(1.0, 2.0)
    h.append(make_chunk(1, 5))
    h.append(make_chunk(6, 3))
    assert len(h) == 8
    np.testing.assert_array_equal(h.step, np.arange(1, 9))
    np.testing.assert_array_equal(h.samples, 3 * np.arange(1, 9))
    np.testing.assert_array_equal(h.w, np.float32(0.5) * np.arange(1, 9, dtype=np.float32))
    assert h.column("loss").dtype == np.float32 and h.full_loss.dtype == np.float64


def test_columns_are_read_only_views():
    h = History()
    h.append(make_chunk(1, 4))
    with pytest.raises(ValueError):
        h.w[0] = 99.0


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        History().nonexistent  # noqa: B018


def test_append_grows_past_the_capacity_keeping_the_rows():
    h = History(capacity=4)
    assert h.capacity == 4
    for first in range(1, 101, 10):
        h.append(make_chunk(first, 10))
    assert len(h) == 100
    assert h.capacity >= 100
    np.testing.assert_array_equal(h.step, np.arange(1, 101))
    np.testing.assert_array_equal(h.b, (np.float32(-0.25) * np.arange(1, 101)).astype(np.float32))


def test_growth_is_geometric():
    h = History(capacity=1)
    capacities = set()
    for s in range(1, 1001):
        h.append(make_chunk(s, 1))
        capacities.add(h.capacity)
    assert len(capacities) <= 12  # doubling: about log2(1000) reallocations, not 1000


def test_reserve_keeps_rows_and_never_shrinks():
    h = History(capacity=2)
    h.append(make_chunk(1, 2))
    h.reserve(50)
    assert h.capacity == 50
    np.testing.assert_array_equal(h.step, [1, 2])
    h.reserve(10)
    assert h.capacity == 50
    h.append(make_chunk(3, 48))
    assert h.capacity == 50 and len(h) == 50


def test_empty_chunk_is_a_no_op():
    h = History()
    h.append(make_chunk(1, 0))
    assert len(h) == 0


def test_first_chunk_must_start_at_step_1():
    with pytest.raises(ValueError, match="expects step 1"):
        History().append(make_chunk(0, 3))
    with pytest.raises(ValueError, match="expects step 1"):
        History().append(make_chunk(2, 3))


@pytest.mark.parametrize("first", [2, 3, 5, 100])
def test_append_rejects_a_gap_or_a_repeat(first):
    h = History()
    h.append(make_chunk(1, 3))
    with pytest.raises(ValueError, match=r"starts at step \d+, history expects step 4"):
        h.append(make_chunk(first, 2))
    assert len(h) == 3  # nothing half-appended
    h.append(make_chunk(4, 2))
    np.testing.assert_array_equal(h.step, [1, 2, 3, 4, 5])


def test_path_starts_at_the_initial_point():
    h = History(-10.0, -20.0)
    h.append(make_chunk(1, 6))
    w, b = h.path()
    assert w.shape == b.shape == (7,)
    assert w.dtype == np.float64
    assert (w[0], b[0]) == (-10.0, -20.0)
    np.testing.assert_array_equal(w[1:], h.w)
    np.testing.assert_array_equal(b[1:], h.b)


def test_path_of_a_run_is_the_start_then_each_update():
    history, trainer = train(synthetic(), RunConfig(epochs=5))
    w, b = history.path()
    assert len(w) == 6
    assert (w[0], b[0]) == (-10.0, -20.0)
    assert (w[-1], b[-1]) == trainer.params


def test_epoch_losses_skips_the_nans():
    h = History()
    h.append(make_chunk(1, 25))
    np.testing.assert_array_equal(h.epoch_losses(), np.float32([2.0 / 2, 2.0 / 12, 2.0 / 22]))


def test_to_csv_writes_a_header_and_one_row_per_step(tmp_path):
    history, _ = train(synthetic(), RunConfig(algorithm="minibatch", batch_size=30, epochs=3, lr=0.01))
    path = tmp_path / "history.csv"
    history.to_csv(path)
    lines = path.read_text().splitlines()
    assert lines[0].split(",") == HEADER
    assert len(lines) == 1 + len(history) == 13
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    assert table.shape == (12, len(HEADER))
    for j, name in enumerate(HEADER):
        col = getattr(history, name)
        if name in ("step", "epoch", "samples"):
            np.testing.assert_array_equal(table[:, j], col)
        elif name == "full_loss":
            np.testing.assert_allclose(table[:, j], col, rtol=1e-8)
        else:
            # float32 columns are written with 9 significant digits: read back exactly
            np.testing.assert_array_equal(table[:, j].astype(np.float32), col)
    np.testing.assert_array_equal(table[:, 0], np.arange(1, 13))
    assert np.isnan(table[1, HEADER.index("epoch_loss")])


def test_to_csv_of_an_empty_history_is_just_the_header(tmp_path):
    path = tmp_path / "empty.csv"
    History().to_csv(path)
    assert path.read_text().splitlines() == [",".join(HEADER)]


def test_trainer_chunks_fill_a_history_without_gaps():
    trainer = Trainer(synthetic(), RunConfig(algorithm="stochastic", epochs=2, lr=0.01))
    history = trainer.new_history()
    assert history.capacity == 200
    while not trainer.done:
        trainer.run(37)
        history.append(trainer.take_chunk())
    assert len(history) == 200 and history.capacity == 200  # reserved exactly, never regrown
    np.testing.assert_array_equal(history.step, np.arange(1, 201))


def test_a_million_steps_fit_in_under_100_mb():
    h = History(capacity=1)
    h.reserve(1_000_000)
    assert h.capacity == 1_000_000
    assert h.nbytes() < 100 * 1024 * 1024
    assert h.nbytes() == 1_000_000 * sum(dt.itemsize for dt in COLUMNS.values())


def test_a_million_step_run_reserves_under_100_mb():
    trainer = Trainer(synthetic(), RunConfig(algorithm="stochastic", epochs=10_000, lr=0.01))
    assert trainer.total_steps == 1_000_000
    assert trainer.new_history().nbytes() < 100 * 1024 * 1024
