"""The race loop on its own (no process, no Qt): every step sent once and in order, pause
and step budgets exact, a stop ends the race as STOPPED."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import synthetic
from gdviewer.core.race import Race
from gdviewer.core.race_loop import RaceLoop
from gdviewer.core.run_status import RunStatus
from gdviewer.core.trainer import Trainer, train

DATA = synthetic(DataConfig())
SGD = RunConfig(algorithm="stochastic", lr=0.01, epochs=2)


def steps_of(sent: list) -> list[int]:
    return np.concatenate([c[0].columns["step"] for c in sent]).tolist() if sent else []


def test_every_step_is_sent_once_in_order_and_equals_the_engine():
    sent: list = []
    loop = RaceLoop(Race([Trainer(DATA, SGD)]), sent.append, lambda _timeout: None)
    loop.run()
    assert steps_of(sent) == list(range(1, 201))
    reference, _ = train(DATA, SGD)
    w = np.concatenate([c[0].columns["w"] for c in sent])
    np.testing.assert_array_equal(w, reference.column("w"))


def test_a_paused_loop_takes_exactly_its_budget_then_waits_and_stops_on_request():
    sent: list = []
    idle: list[int] = []
    script = [lambda: loop.request_steps(5), lambda: loop.request_epoch(), lambda: setattr(loop, "stop", True)]

    def poll(timeout: float) -> None:
        if timeout > 0 and script:  # waiting: the next command arrives
            script.pop(0)()

    loop = RaceLoop(Race([Trainer(DATA, SGD)]), sent.append, poll, paused=True,
                    idle=lambda: idle.append(len(steps_of(sent))))
    loop.run()
    assert idle == [0, 5, 100], "idle once per wait, after every step taken was sent"
    assert steps_of(sent) == list(range(1, 101)), "5 steps, then the rest of epoch 1"
    assert loop.race.trainers[0].status is RunStatus.STOPPED


def paused_at(speed: float) -> tuple[list[int], list[int]]:
    """Where a loop told to pause at 37, then at 120 steps, waited; and every step it sent."""
    sent: list = []
    idle: list[int] = []
    script = [lambda: loop.pause_at(37), lambda: loop.pause_at(120), lambda: setattr(loop, "stop", True)]

    def poll(timeout: float) -> None:
        if timeout > 0 and script and loop.paused:  # waiting (not between two paced steps)
            script.pop(0)()

    loop = RaceLoop(Race([Trainer(DATA, SGD)]), sent.append, poll, paused=True, speed=speed,
                    idle=lambda: idle.append(len(steps_of(sent))))
    loop.run()
    return idle, steps_of(sent)


@pytest.mark.parametrize("speed", [0.0, 400.0])
def test_pause_at_plays_on_and_waits_exactly_there_at_speed_and_at_full_speed(speed):
    idle, steps = paused_at(speed)
    assert idle[:3] == [0, 37, 120], idle
    assert steps == list(range(1, 121))
