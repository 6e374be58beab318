"""Trainer: stepped from outside, one recorded step at a time, with a status and a message."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import RunConfig, RunStatus, Trainer, synthetic, train


@pytest.fixture(scope="module")
def data():
    return synthetic()


def test_status_goes_ready_running_finished(data):
    trainer = Trainer(data, RunConfig(epochs=3))
    assert trainer.status is RunStatus.READY and not trainer.done
    assert trainer.params == (-10.0, -20.0)
    assert trainer.take_chunk() is None
    assert trainer.step() is True
    assert trainer.status is RunStatus.RUNNING
    assert trainer.run(100) == 2
    assert trainer.status is RunStatus.FINISHED and trainer.done
    assert "Finished 3 epochs" in trainer.message
    assert trainer.step() is False and trainer.run(10) == 0


def test_epoch_counts_the_next_step(data):
    trainer = Trainer(data, RunConfig(algorithm="minibatch", batch_size=30, epochs=2))
    assert (trainer.steps_per_epoch, trainer.total_steps) == (4, 8)
    seen = []
    while not trainer.done:
        seen.append(trainer.epoch)
        trainer.step()
    assert seen == [0, 0, 0, 0, 1, 1, 1, 1]
    assert trainer.epoch == 2


def test_chunks_hold_the_steps_since_the_last_call(data):
    trainer = Trainer(data, RunConfig(algorithm="stochastic", epochs=1, lr=0.01))
    trainer.run(30)
    first = trainer.take_chunk()
    trainer.run(5)
    second = trainer.take_chunk()
    assert len(first) == 30 and len(second) == 5
    np.testing.assert_array_equal(second.columns["step"], np.arange(31, 36))
    np.testing.assert_array_equal(second.batch_indices, [34])  # the last step's sample
    assert trainer.take_chunk() is None
    assert (float(second.columns["w"][-1]), float(second.columns["b"][-1])) == trainer.params


def test_chunk_arrays_are_owned_copies(data):
    trainer = Trainer(data, RunConfig(epochs=4))
    trainer.run(2)
    chunk = trainer.take_chunk()
    w = chunk.columns["w"].copy()
    trainer.run(2)
    trainer.take_chunk()
    np.testing.assert_array_equal(chunk.columns["w"], w)


@pytest.mark.parametrize("chunk_steps", [1, 7, 10_000])
def test_chunk_size_does_not_change_the_result(data, chunk_steps):
    config = RunConfig(algorithm="minibatch", batch_size=16, epochs=3, lr=0.02)
    ref, _ = train(data, config)
    history, _ = train(data, config, chunk_steps=chunk_steps)
    for name in ("step", "w", "b", "loss", "full_loss"):
        np.testing.assert_array_equal(getattr(history, name), getattr(ref, name))


def test_stop_before_any_step(data):
    trainer = Trainer(data, RunConfig())
    trainer.stop()
    assert trainer.status is RunStatus.STOPPED
    assert trainer.step() is False
    assert trainer.take_chunk() is None


def test_stop_after_the_end_keeps_finished(data):
    _, trainer = train(data, RunConfig(epochs=2))
    trainer.stop()
    assert trainer.status is RunStatus.FINISHED
