"""Configs validate every field, name the bad one, and round-trip through dicts."""

from __future__ import annotations

import json
import math

import pytest

from gdviewer.core import ALGORITHMS, OPTIMIZERS, ConfigError, DataConfig, RunConfig, synthetic, train

NAN, INF = math.nan, math.inf

INVALID_RUN = [
    # (changes, field)
    (dict(lr=0), "lr"),
    (dict(lr=0.0), "lr"),
    (dict(lr=-1), "lr"),
    (dict(lr=NAN), "lr"),
    (dict(lr=INF), "lr"),
    (dict(lr=-INF), "lr"),
    (dict(lr="0.1"), "lr"),
    (dict(lr=True), "lr"),
    (dict(lr=None), "lr"),
    (dict(lr=1e7), "lr"),
    (dict(epochs=0), "epochs"),
    (dict(epochs=-3), "epochs"),
    (dict(epochs=2.5), "epochs"),
    (dict(epochs="20"), "epochs"),
    (dict(epochs=True), "epochs"),
    (dict(epochs=NAN), "epochs"),
    (dict(algorithm="minibatch", batch_size=0), "batch_size"),
    (dict(algorithm="minibatch", batch_size=-5), "batch_size"),
    (dict(algorithm="minibatch", batch_size=101), "batch_size"),
    (dict(algorithm="minibatch", batch_size="10"), "batch_size"),
    (dict(algorithm="minibatch", batch_size=True), "batch_size"),
    (dict(algorithm="minibatch", batch_size=1.5), "batch_size"),
    (dict(algorithm="sgd"), "algorithm"),
    (dict(algorithm="Batch"), "algorithm"),
    (dict(algorithm=""), "algorithm"),
    (dict(algorithm=None), "algorithm"),
    (dict(optimizer="lbfgs"), "optimizer"),
    (dict(optimizer="Adam"), "optimizer"),
    (dict(optimizer=1), "optimizer"),
    (dict(momentum=1.0), "momentum"),
    (dict(momentum=-0.1), "momentum"),
    (dict(momentum=NAN), "momentum"),
    (dict(optimizer="nesterov", momentum=0.0), "momentum"),
    (dict(beta1=1.0), "beta1"),
    (dict(beta1=-0.5), "beta1"),
    (dict(beta2=1.5), "beta2"),
    (dict(beta2=INF), "beta2"),
    (dict(alpha=1.0), "alpha"),
    (dict(alpha="x"), "alpha"),
    (dict(eps=0.0), "eps"),
    (dict(eps=-1e-8), "eps"),
    (dict(eps=2.0), "eps"),
    (dict(init_w=NAN), "init_w"),
    (dict(init_w=1e13), "init_w"),
    (dict(init_b=-INF), "init_b"),
    (dict(init_b="0"), "init_b"),
    (dict(shuffle="yes"), "shuffle"),
    (dict(shuffle=1), "shuffle"),
    (dict(shuffle_seed=-1), "shuffle_seed"),
    (dict(shuffle_seed=1.5), "shuffle_seed"),
    (dict(shuffle_seed=True), "shuffle_seed"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID_RUN, ids=[f"{c}" for c, _ in INVALID_RUN])
def test_invalid_run_config_names_the_field(changes, field):
    with pytest.raises(ConfigError) as info:
        RunConfig(**changes).validate(100)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert info.value.message


@pytest.mark.parametrize(("changes", "field"), [*INVALID_RUN[:6], (dict(epochs=0), "epochs")])
def test_trainer_refuses_invalid_configs(changes, field):
    with pytest.raises(ConfigError) as info:
        train(synthetic(), RunConfig(**changes))
    assert info.value.field == field


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)
    err = ConfigError("lr", "must be positive")
    assert err.field == "lr" and err.message == "must be positive" and str(err) == "lr: must be positive"


def test_batch_size_limit_depends_on_the_data_for_minibatch_only():
    RunConfig(algorithm="minibatch", batch_size=100).validate(100)
    with pytest.raises(ConfigError) as info:
        RunConfig(algorithm="minibatch", batch_size=100).validate(99)
    assert info.value.field == "batch_size"
    assert "99" in info.value.message  # says what the limit is
    # batch and stochastic ignore batch_size, so a large one is fine there
    RunConfig(algorithm="batch", batch_size=500).validate(100)
    RunConfig(algorithm="stochastic", batch_size=500).validate(100)


def test_too_few_points():
    with pytest.raises(ConfigError) as info:
        RunConfig().validate(1)
    assert info.value.field == "data"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_algorithm_and_optimizer_is_valid(algorithm, optimizer):
    assert RunConfig(algorithm=algorithm, optimizer=optimizer).validate(100) is not None


def test_valid_edge_values():
    for config, n in ((RunConfig(lr=1e-12, epochs=1, momentum=0.0, eps=1.0, init_w=1e12, init_b=-1e12), 2),
                      (RunConfig(lr=1e6), None)):
        assert config.validate(n) == config  # accepted as it is


def test_whole_float_counts_are_usable(tmp_path):
    """validate() accepts 20.0 for a count, so the config must also train with it."""
    config = RunConfig(algorithm="minibatch", batch_size=25.0, epochs=2.0, shuffle=True, shuffle_seed=3.0)
    config.validate(100)
    history, trainer = train(synthetic(DataConfig(n_points=100.0, seed=42.0)), config)
    assert len(history) == 8 and trainer.status.value == "finished"


INVALID_DATA = [
    (dict(slope=NAN), "slope"),
    (dict(slope="1"), "slope"),
    (dict(slope=1e7), "slope"),
    (dict(intercept=INF), "intercept"),
    (dict(intercept=True), "intercept"),
    (dict(noise=-0.1), "noise"),
    (dict(noise=NAN), "noise"),
    (dict(x_start=NAN), "x_start"),
    (dict(x_stop=-INF), "x_stop"),
    (dict(x_start=5.0, x_stop=5.0), "x_stop"),
    (dict(x_start=5.0, x_stop=-5.0), "x_stop"),
    (dict(x_step=0.0), "x_step"),
    (dict(x_step=-0.1), "x_step"),
    (dict(x_step=NAN), "x_step"),
    (dict(x_step=10.0), "x_step"),  # one point only
    (dict(x_step=1e-9), "x_step"),  # ten billion points
    (dict(x_step=1e-310), "x_step"),  # a count that overflows to infinity
    (dict(n_points=1), "n_points"),
    (dict(n_points=0), "n_points"),
    (dict(n_points=2.5), "n_points"),
    (dict(n_points="50"), "n_points"),
    (dict(n_points=10**8), "n_points"),
    (dict(seed=-1), "seed"),
    (dict(seed=2**63), "seed"),
    (dict(seed=1.5), "seed"),
    (dict(seed="42"), "seed"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID_DATA, ids=[f"{c}" for c, _ in INVALID_DATA])
def test_invalid_data_config_names_the_field(changes, field):
    with pytest.raises(ConfigError) as info:
        DataConfig(**changes).validate()
    assert info.value.field == field
    with pytest.raises(ConfigError):
        synthetic(DataConfig(**changes))


def test_defaults_are_the_tutorials():
    run = RunConfig()
    assert (run.algorithm, run.optimizer, run.lr, run.epochs, run.init_w, run.init_b) == (
        "batch", "gd", 0.1, 20, -10.0, -20.0)
    data = DataConfig()
    assert (data.slope, data.intercept, data.noise, data.x_start, data.x_stop, data.x_step, data.seed) == (
        -5.0, 0.0, 0.4, -5.0, 5.0, 0.1, 42)
    assert run.validate(100) is run and data.validate() is data


@pytest.mark.parametrize("cls", [RunConfig, DataConfig])
def test_dict_round_trip_default(cls):
    config = cls()
    d = config.to_dict()
    assert isinstance(d, dict)
    assert cls.from_dict(d) == config


def test_dict_round_trip_through_json():
    run = RunConfig(algorithm="minibatch", batch_size=7, optimizer="adam", lr=0.003, beta1=0.8, beta2=0.95,
                    eps=1e-6, epochs=3, init_w=1.5, init_b=-2.5, shuffle=True, shuffle_seed=9)
    assert RunConfig.from_dict(json.loads(json.dumps(run.to_dict()))) == run
    data = DataConfig(slope=2.0, intercept=1.0, noise=0.0, n_points=33, seed=5)
    assert DataConfig.from_dict(json.loads(json.dumps(data.to_dict()))) == data
    assert run.to_dict()["optimizer"] == "adam" and data.to_dict()["n_points"] == 33


def test_from_dict_with_missing_keys_uses_defaults():
    assert RunConfig.from_dict({"lr": 0.5}) == RunConfig(lr=0.5)


@pytest.mark.parametrize("cls", [RunConfig, DataConfig])
def test_from_dict_rejects_an_unknown_key(cls):
    d = cls().to_dict() | {"learning_rate": 0.1}
    with pytest.raises(ConfigError) as info:
        cls.from_dict(d)
    assert info.value.field == "learning_rate"


@pytest.mark.parametrize("not_a_dict", [None, [], "lr=0.1", 3])
def test_from_dict_rejects_a_non_object(not_a_dict):
    with pytest.raises(ConfigError):
        RunConfig.from_dict(not_a_dict)


def test_configs_are_frozen_values():
    run = RunConfig()
    with pytest.raises(AttributeError):
        run.lr = 1.0  # type: ignore[misc]
    changed = run.with_changes(lr=0.5)
    assert changed.lr == 0.5 and run.lr == 0.1
    assert RunConfig() == RunConfig() and hash(RunConfig()) == hash(RunConfig())
