"""Presets: every entry in resources/presets.json loads, the tutorial ones are the tutorial's settings,
and each one does what its name promises when trained headless."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from gdviewer.assets import resource_path, resources_dir
from gdviewer.core import DataConfig, RunConfig, RunStatus, synthetic, train
from gdviewer.core.session_file import SessionSpec
from gdviewer.presets import load_presets, preset

from .tutorial import tutorial_batch, tutorial_data, tutorial_sgd

#: The file itself, found from this test's location (independently of gdviewer.assets).
PRESETS_FILE = Path(__file__).resolve().parents[2] / "resources" / "presets.json"
RAW = json.loads(PRESETS_FILE.read_text(encoding="utf-8"))
NAMES = [entry["name"] for entry in RAW["presets"]]

BATCH = "Tutorial: batch GD"
STOCHASTIC = "Tutorial: stochastic GD"


def promises_divergence(name: str) -> bool:
    return "diverges" in name or "zig-zags out" in name


def test_the_file_lists_presets_with_distinct_names():
    assert RAW["format"] == "gdviewer-presets" and RAW["version"] == 1
    assert len(NAMES) >= 2 and len(set(NAMES)) == len(NAMES)
    assert BATCH in NAMES and STOCHASTIC in NAMES
    assert any(promises_divergence(n) for n in NAMES) and not all(promises_divergence(n) for n in NAMES)


def test_every_preset_in_the_file_loads_in_file_order():
    presets = load_presets()
    assert list(presets) == NAMES
    for entry in RAW["presets"]:
        spec = presets[entry["name"]]
        assert isinstance(spec, SessionSpec)
        assert spec.name == entry["name"] and spec.description == entry["description"]
        assert spec.description, "every preset explains what it shows"
        assert spec.data == DataConfig(**entry["data"])
        runs = [r["run"] for r in entry["runs"]] if "runs" in entry else [entry["run"]]
        assert [r.config for r in spec.all_runs()] == [RunConfig(**r) for r in runs]
        assert spec.run == RunConfig(**runs[0])


def test_tutorial_batch_preset_is_exactly_the_tutorials_batch_run():
    spec = preset(BATCH)
    run = spec.run
    assert (run.algorithm, run.optimizer, run.lr, run.epochs, run.init_w, run.init_b) == (
        "batch", "gd", 0.1, 20, -10.0, -20.0)
    assert not run.shuffle
    assert spec.data == DataConfig()


def test_tutorial_stochastic_preset_is_exactly_the_tutorials_sgd_run():
    spec = preset(STOCHASTIC)
    run = spec.run
    assert (run.algorithm, run.optimizer, run.lr, run.epochs, run.init_w, run.init_b) == (
        "stochastic", "gd", 0.01, 20, -10.0, -20.0)
    assert not run.shuffle
    assert spec.data == DataConfig()


def test_tutorial_presets_use_the_tutorials_data():
    X, Y = tutorial_data()
    for name in (BATCH, STOCHASTIC):
        data = synthetic(preset(name).data)
        assert torch.equal(data.X, X) and torch.equal(data.Y, Y)


def test_tutorial_presets_train_exactly_as_the_tutorials_loops():
    X, Y = tutorial_data()
    for name, ref in ((BATCH, tutorial_batch(X, Y)), (STOCHASTIC, tutorial_sgd(X, Y))):
        spec = preset(name)
        history, trainer = train(synthetic(spec.data), spec.run)
        assert trainer.status is RunStatus.FINISHED
        np.testing.assert_array_equal(history.epoch_losses(), np.float32(ref.losses))
        assert trainer.params == (ref.w[-1], ref.b[-1])


@pytest.mark.parametrize("name", NAMES)
def test_each_preset_does_what_its_name_says(name):
    from gdviewer.core.conditioning import transformed_dataset

    spec = preset(name)
    raw = synthetic(spec.data)
    history, trainer = train(transformed_dataset(raw, spec.x_transform.following(raw.surface)), spec.run)
    assert len(history) == trainer.steps_done
    if promises_divergence(name):
        assert trainer.status is RunStatus.DIVERGED, trainer.message
        assert trainer.steps_done < trainer.total_steps
        assert trainer.message.startswith("Diverged")
    else:
        assert trainer.status is RunStatus.FINISHED, trainer.message
        assert trainer.steps_done == trainer.total_steps
        # a run that finishes has learned something: the full-data loss fell
        assert history.full_loss[-1] < history.full_loss[0]


@pytest.mark.parametrize("name", ["Newton vs gradient descent", "Tilted valley: diagonal preconditioning falls short"])
def test_the_newton_presets_race_gd_the_diagonal_step_and_newton_as_they_describe(name):
    spec = preset(name)
    assert spec.clock == "step"
    assert [r.config.optimizer for r in spec.all_runs()] == ["gd", "diagonal", "newton"]
    assert len({(r.config.init_w, r.config.init_b) for r in spec.all_runs()}) == 1  # one start
    dataset = synthetic(spec.data)
    surface = dataset.surface
    excess = {}
    for run in spec.all_runs():
        history, trainer = train(dataset, run.config)
        assert trainer.status is RunStatus.FINISHED, trainer.message
        excess[run.config.optimizer] = [float(surface.loss(w, b)) - surface.min_loss
                                        for w, b in zip(history.w, history.b, strict=True)]
    start = float(surface.loss(spec.run.init_w, spec.run.init_b)) - surface.min_loss
    assert excess["newton"][0] < 1e-6 * start  # one step lands
    assert excess["gd"][0] > 0.1 * start  # one GD step does not
    if name.startswith("Tilted"):  # rescaling the axes does not land when the valley is tilted ...
        assert excess["diagonal"][0] > 0.1 * start and excess["diagonal"][9] > 1e-2 * start
        # ... it zig-zags in, by a constant factor a step, while GD crawls along the valley's floor
        assert excess["gd"][-1] > 100 * excess["diagonal"][-1]
    else:  # ... and nearly does when x is centred (the tutorial's x̄ = −0.05)
        assert excess["diagonal"][0] < 1e-3 * start and excess["diagonal"][4] < 1e-6 * start
        assert excess["gd"][4] > 1e-2 * start


def test_unknown_preset_is_a_key_error_listing_the_names():
    with pytest.raises(KeyError) as info:
        preset("No such preset")
    message = info.value.args[0]
    assert "No such preset" in message
    for name in NAMES:
        assert name in message


def test_preset_names_are_case_sensitive_and_exact():
    with pytest.raises(KeyError):
        preset(BATCH.lower())
    with pytest.raises(KeyError):
        preset(BATCH + " ")


def test_load_presets_is_read_once():
    assert load_presets() is load_presets()


# --- resources ---------------------------------------------------------------------------------

def test_resource_path_finds_presets_json():
    path = resource_path("presets.json")
    assert path.is_file() and path.name == "presets.json"
    assert path.parent == resources_dir()
    assert path.read_bytes() == PRESETS_FILE.read_bytes()


def test_resource_path_names_a_missing_resource():
    with pytest.raises(FileNotFoundError) as info:
        resource_path("no-such-file.svg")
    assert "no-such-file.svg" in str(info.value)
    assert str(resources_dir()) in str(info.value)


def test_the_standardise_preset_walks_straight_in_on_x_prime_and_blows_up_on_raw_x():
    from gdviewer.core.conditioning import standardised, transformed_dataset

    spec = preset("Far from 0: standardise x")
    assert spec.x_transform.kind == "standardize"
    raw = synthetic(spec.data)
    t = spec.x_transform.following(raw.surface)
    assert t == standardised(raw.surface)
    lams = np.linalg.eigvalsh(raw.surface.hessian)
    assert lams[-1] / lams[0] > 20_000  # the raw valley, as the description says
    _history, trainer = train(transformed_dataset(raw, t), spec.run)
    assert trainer.status is RunStatus.FINISHED
    assert t.raw_coefficients(*trainer.params) == pytest.approx(raw.surface.optimum, rel=1e-5)
    _, on_raw = train(raw, spec.run)
    assert on_raw.status is RunStatus.DIVERGED
