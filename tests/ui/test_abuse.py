"""Abuse: a seeded random walk of thousands of actions through the real window, and hostile
values in every field and every command-line flag. After every action the invariants hold."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from gdviewer.cli import run_headless
from gdviewer.ui.session import FINAL_STATES, FINISHED, READY

HOSTILE = ["", "abc", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-400", "-1", "0", "-0", "1" + "0" * 400,
           "١٢", "−3", "0x10", "1_000", "  5  ", "x" * 64, "💥", "2.5", "1e6", "3", "-1e12"]
ACTIONS = 150  # per run of the suite (4 minutes for all of it); --long (as .ci/run does once) walks 2,000
LONG_ACTIONS = 2000


def check_invariants(window) -> None:
    s = window.session
    if s.state == READY or s.state in FINAL_STATES:
        assert not s.thread_running, f"a thread is left running while {s.state}"
    for run in s.runs:
        steps = run.history.column("step")
        assert np.array_equal(steps, np.arange(1, steps.size + 1)), "steps are not contiguous"
        if run.status == FINISHED:
            assert np.isfinite(run.history.column("w")).all() and np.isfinite(run.history.column("loss")).all()
    if window.run_controls.valid:
        shown = window.run_controls.shown_config()
        assert shown == s.run_config, f"the controls show {shown}, the session trains {s.run_config}"
    assert window.run_list.list.count() == len(s.runs)
    assert window.status.labels["state"].text().lower().startswith(s.state)
    assert (window.commands.play.text() == "Pause") == (s.state == "running")


def random_action(window, rng: random.Random) -> str:
    s = window.session
    choice = rng.randrange(16)
    if choice == 0:
        s.play()
    elif choice == 1:
        s.pause()
    elif choice == 2:
        s.step(rng.randint(1, 50))
    elif choice == 3:
        s.step_epoch()
    elif choice == 4:
        s.reset()
    elif choice == 5:
        fields = window.run_controls.fields
        field = fields[rng.choice(list(fields))]
        field.edit.setText(rng.choice(HOSTILE))
        field.edited.emit()
    elif choice == 6:
        fields = window.data_controls.fields
        field = fields[rng.choice(list(fields))]
        field.edit.setText(rng.choice([*HOSTILE, "-5", "0.4", "42", "100"]))
        field.edited.emit()
        window.data_controls.apply()
    elif choice == 7:
        window.choose_start_point(rng.uniform(-15, 5), rng.uniform(-30, 10))
    elif choice == 8 and len(s.runs) < 8:
        window.run_list.add_button.click()
    elif choice == 9:
        window.run_list.remove_button.click()
    elif choice == 10:
        window.run_list.list.setCurrentRow(rng.randrange(len(s.runs)))
    elif choice == 11:
        window.document.apply_preset(rng.choice(list(window.preset_actions)))
    elif choice == 12:
        window.playback.set_speed(rng.choice([0, 0, 0, 5, 200, 5000]))
    elif choice == 13 and len(s.history):
        s.set_view_step(rng.randint(0, len(s.history)))
    elif choice == 14:
        clock = window.run_list.clock
        clock.setCurrentIndex(rng.randrange(clock.count()))
    else:
        window.run_controls.algorithm.setCurrentIndex(rng.randrange(3))
    return str(choice)


def test_a_random_walk_of_actions_keeps_every_invariant(qtbot, make_window, request):
    actions = LONG_ACTIONS if request.config.getoption("--long") else ACTIONS
    rng = random.Random(20261125)
    window = make_window()
    done = 0
    reopened = 0
    while done < actions:
        random_action(window, rng)
        QApplication.processEvents()
        check_invariants(window)
        done += 1
        if done % 125 == 0:  # sometimes let a run finish, sometimes close and reopen
            window.playback.set_speed(0)
            window.session.play()
            qtbot.waitUntil(lambda w=window: w.session.state in FINAL_STATES, timeout=60000)
            check_invariants(window)
        if done % (actions // 3 + 1) == 0:
            window.close()
            assert not window.session.thread_running
            window = make_window()
            reopened += 1
    assert reopened == 2
    assert done == actions


def test_every_run_field_rejects_or_accepts_a_hostile_value_cleanly(qtbot, window):
    """Every hostile value in every run field, one window for them all (a window per value
    cost a quarter of a second each of the suite's four minutes)."""
    controls = window.run_controls
    controls.algorithm.setCurrentIndex(controls.algorithm.findData("minibatch"))
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("adam"))
    for value in HOSTILE:
        for name, field in controls.fields.items():
            where = f"{name} = {value[:20]!r}"
            before = window.session.run_config
            field.edit.setText(value)
            field.edited.emit()
            if field.error.isVisibleTo(window):
                assert field.error.text(), where
                assert not window.commands.play.isEnabled(), where
                assert window.session.run_config == before, where  # nothing already set is lost
            else:
                assert window.commands.play.isEnabled() and controls.valid, where
            field.set_value(getattr(before, name))
            field.edited.emit()
            assert controls.valid, where


def test_every_data_field_rejects_or_accepts_a_hostile_value_cleanly(qtbot, window):
    controls = window.data_controls
    before_data = window.session.dataset
    for value in HOSTILE:
        for name, field in controls.fields.items():
            where = f"{name} = {value[:20]!r}"
            old = field.text()
            field.edit.setText(value)
            field.edited.emit()
            if field.error.isVisibleTo(window) or controls.general_error.isVisibleTo(window):
                assert not controls.regenerate.isEnabled(), where
                controls.apply()
                assert window.session.dataset is before_data, where
            field.edit.setText(old)
            field.edited.emit()
        assert controls.valid, value


NUMERIC_FLAGS = ["--lr", "--epochs", "--batch-size", "--momentum", "--beta1", "--beta2", "--alpha", "--eps",
                 "--init-w", "--init-b", "--seed", "--slope", "--intercept", "--noise", "--x-start", "--x-stop",
                 "--x-step", "--n-points", "--shuffle-seed"]


@pytest.mark.parametrize("flag", NUMERIC_FLAGS)
def test_every_cli_flag_answers_hostile_values_with_a_message_not_a_traceback(capsys, flag):
    for value in ["", "abc", "nan", "inf", "-1", "0", "1e308", "1" + "0" * 400, "💥", "x" * 64]:
        try:
            code = run_headless(["--quiet", "--epochs", "2", "--algorithm", "minibatch", "--optimizer", "adam",
                                 flag, value])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        assert code in (0, 2, 3), (flag, value, code)
        assert "Traceback" not in err + out, (flag, value)
        if code == 2:
            assert "error" in err, (flag, value)
