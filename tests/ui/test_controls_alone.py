"""The run and data controls on their own: they show their owner's configuration, propose
edits to it, keep no copy, and the engine validates an edit once."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import Dataset, synthetic
from gdviewer.core.errors import ConfigError
from gdviewer.ui.controls.data_controls import DataControls
from gdviewer.ui.controls.run_controls import RunControls


class Owner:
    """A stand-in for the session: holds the configuration, validates what is proposed."""

    def __init__(self) -> None:
        self.config = RunConfig()
        self.proposed: list[RunConfig] = []

    def apply(self, config: RunConfig) -> None:
        self.proposed.append(config)
        config.validate(100)
        if config.epochs > 500:
            raise ConfigError("epochs", "too many for this test")
        self.config = config


def type_into(controls, name: str, text: str) -> None:
    edit = controls.fields[name].edit
    edit.setText(text)
    edit.textEdited.emit(text)
    QApplication.processEvents()


def test_an_edit_is_proposed_once_and_the_owner_is_what_the_form_shows(qtbot):
    owner = Owner()
    controls = RunControls(lambda: owner.config, owner.apply)
    qtbot.addWidget(controls)
    type_into(controls, "lr", "0.050")
    assert owner.proposed == [RunConfig(lr=0.05)] and owner.config.lr == 0.05
    assert controls.fields["lr"].text() == "0.050", "the typed text stays"
    controls.show_current()
    assert controls.fields["lr"].text() == "0.050", "showing the same value keeps the text as typed"
    assert controls.shown_config() == owner.config


def test_the_owners_refusal_is_shown_at_its_field_and_changes_nothing(qtbot):
    owner = Owner()
    controls = RunControls(lambda: owner.config, owner.apply)
    qtbot.addWidget(controls)
    with qtbot.waitSignal(controls.validity_changed, check_params_cb=lambda valid: not valid):
        type_into(controls, "epochs", "600")
    assert owner.config == RunConfig()
    assert controls.fields["epochs"].error.text() == "too many for this test"
    type_into(controls, "lr", "abc")  # not a number: nothing is proposed
    assert len(owner.proposed) == 1
    owner.config = RunConfig(lr=0.02, epochs=7)  # changed elsewhere (another run selected)
    controls.show_current()
    assert controls.valid and controls.fields["epochs"].error.isHidden()
    assert controls.shown_config() == owner.config


def test_the_window_validates_an_edit_once_in_the_engine(window, monkeypatch):
    calls = []
    original = RunConfig.validate

    def counted(self, n=None):
        calls.append(self)
        return original(self, n)

    monkeypatch.setattr(RunConfig, "validate", counted)
    type_into(window.run_controls, "lr", "0.02")
    assert window.session.run_config.lr == 0.02
    assert len(calls) == 1, f"validated {len(calls)} times"


def test_the_data_controls_follow_the_data_in_use(qtbot):
    config = DataConfig(seed=3)
    dataset = synthetic(config)
    state = {"now": (config, dataset)}
    controls = DataControls(lambda: state["now"])
    qtbot.addWidget(controls)
    assert controls.fields["seed"].text() == "3" and controls.source.text() == ""
    state["now"] = (config, Dataset.from_arrays(np.arange(5.0), np.arange(5.0), source="class.csv"))
    controls.show_current()
    assert controls.source.text() == "Using 5 points from class.csv"
    with qtbot.waitSignal(controls.data_requested) as request:
        controls.new_seed.click()
    assert request.args[0].seed == 4 and request.args[0].slope == config.slope


def test_choosing_newton_proposes_it_hides_the_other_optimisers_fields_and_states_its_limit(qtbot):
    from gdviewer.core.surface import stable_learning_rate

    data = synthetic(DataConfig(x_start=0.0, x_stop=10.0))
    owner = Owner()
    owner.config = RunConfig(optimizer="adam")
    controls = RunControls(lambda: owner.config, owner.apply, lambda c: stable_learning_rate(
        data.surface, data.x, c.algorithm, c.batch_size, c.optimizer, c.momentum))
    qtbot.addWidget(controls)
    controls.show()
    assert controls.fields["beta1"].isVisibleTo(controls)
    for name, label in (("newton", "Newton"), ("diagonal", "Diagonal-preconditioned GD")):
        index = controls.optimizer.findData(name)
        assert controls.optimizer.itemText(index) == label
        controls.optimizer.setCurrentIndex(index)
        QApplication.processEvents()
        assert owner.config == RunConfig(optimizer=name)
        hidden = ("momentum", "beta1", "beta2", "alpha", "eps")
        assert not any(controls.fields[f].isVisibleTo(controls) for f in hidden), name
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("newton"))
    QApplication.processEvents()
    assert controls.lr_hint.text() == "Stable below ≈ 2 (Newton: lr 1 lands on the batch's minimum)"
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("diagonal"))
    QApplication.processEvents()
    limit = stable_learning_rate(data.surface, data.x, "batch", 10, "diagonal")
    assert controls.lr_hint.text() == f"Stable below ≈ {limit:.3g} (2/λmax of D^-½HD^-½)"
