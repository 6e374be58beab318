"""Which moment the window shows, computed without Qt (core/replay.py): against the
trainer's own records and the race's clock."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import synthetic
from gdviewer.core.race import Race
from gdviewer.core.replay import batch_of_step, params_at, same_moment, shown_steps
from gdviewer.core.trainer import Trainer, train

DATA = synthetic(DataConfig())
BATCH = RunConfig(algorithm="batch", epochs=5)
SGD = RunConfig(algorithm="stochastic", lr=0.01, epochs=5)
MINI = RunConfig(algorithm="minibatch", batch_size=10, lr=0.05, epochs=5, shuffle=True, shuffle_seed=3)


def test_shown_steps_follow_the_live_end_or_the_cursor():
    assert shown_steps(20, None) == 20
    assert shown_steps(20, 7) == 7
    assert shown_steps(20, 99) == 20  # a cursor past the end shows the end
    assert shown_steps(0, None) == 0


def test_params_at_reads_the_recorded_step_and_the_start():
    history, _ = train(DATA, BATCH)
    assert params_at(history, 0) == (BATCH.init_w, BATCH.init_b)
    assert params_at(history, 3) == (float(history.column("w")[2]), float(history.column("b")[2]))
    assert params_at(history, -1) == params_at(history, 0)


@pytest.mark.parametrize(("clock", "other", "expected"), [
    ("step", SGD, lambda k: k),
    ("epoch", SGD, lambda k: 100 * k),  # one batch step is one epoch: 100 SGD steps
    ("samples", MINI, lambda k: 10 * k),  # 100 samples a batch step, 10 a mini-batch step
])
def test_the_same_moment_of_another_run_is_the_same_time_on_the_clock(clock, other, expected):
    shown, _ = train(DATA, BATCH)
    other_history, _ = train(DATA, other)
    for k in range(0, len(shown) + 1):
        assert same_moment(clock, k, (shown, BATCH), (other_history, other), DATA.n) == expected(k)


def test_the_same_moment_agrees_with_the_race_taking_turns():
    """While two runs race on the epoch clock, the other run is never more than one of its
    epochs away from the moment computed for the run shown."""
    trainers = [Trainer(DATA, BATCH), Trainer(DATA, SGD)]
    race = Race(trainers, "epoch")
    histories = [t.new_history() for t in trainers]
    while race.step():
        for t, h in zip(trainers, histories, strict=True):
            chunk = t.take_chunk()
            if chunk is not None:
                h.append(chunk)
        k = len(histories[0])
        moment = same_moment("epoch", k, (histories[0], BATCH), (histories[1], SGD), DATA.n)
        assert moment <= len(histories[1]) and len(histories[1]) - moment <= 100


def test_the_batch_of_a_past_step_is_the_one_the_trainer_used():
    trainer = Trainer(DATA, MINI)
    for k in range(1, 25):
        trainer.step()
        np.testing.assert_array_equal(batch_of_step(MINI, DATA.n, k), trainer.last_batch_indices())
    assert batch_of_step(MINI, DATA.n, 0).size == 0


def test_the_epoch_shown_is_the_recorded_one_for_every_run():
    """Timeline, status line and readouts read the epoch from one place: the trainer's record."""
    from gdviewer.core.moment import Moment, Run

    runs = []
    for config in (BATCH, SGD):
        run = Run(config, config.algorithm, "#000000")
        run.history, _ = train(DATA, config)
        runs.append(run)
    for view_step, expected in ((None, (5, 5)), (0, (0, 0)), (3, (3, 3)), (1, (1, 1))):
        moment = Moment(DATA, DataConfig(), tuple(runs), 0, "epoch", view_step, False, "finished", 0.0)
        assert (moment.shown_epoch, moment.epoch_of(1)) == expected
    sgd_first = Moment(DATA, DataConfig(), tuple(runs), 1, "epoch", 150, False, "finished", 0.0)
    assert sgd_first.shown_epoch == 2 and sgd_first.epoch_of(0) == 1  # step 150 of SGD: epoch 2


def test_a_moment_works_its_batch_out_once(monkeypatch):
    """The panels of one frame share a moment: the surface's fan and the data panel both ask
    for the shown step's batch, and a shuffled past step is drawn again only once."""
    from gdviewer.core import moment as moment_module
    from gdviewer.core.moment import Moment, Run

    run = Run(MINI, "mini", "#000000")
    run.history, _ = train(DATA, MINI)
    calls = []
    monkeypatch.setattr(moment_module.replay, "batch_of_step",
                        lambda *a: calls.append(a) or batch_of_step(*a))
    moment = Moment(DATA, DataConfig(), (run,), 0, "epoch", 12, False, "finished", 0.0)
    first, again = moment.shown_batch(), moment.shown_batch()
    assert first is again and len(calls) == 1
    np.testing.assert_array_equal(first, batch_of_step(MINI, DATA.n, 12))
    later = Moment(DATA, DataConfig(), (run,), 0, "epoch", 13, False, "finished", 0.0)
    np.testing.assert_array_equal(later.shown_batch(), batch_of_step(MINI, DATA.n, 13))  # its own
