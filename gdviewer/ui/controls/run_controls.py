"""Run controls: algorithm, optimiser and its hyperparameters, learning rate, epochs, start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from gdviewer.core.config import ALGORITHM_LABELS, ALGORITHMS, OPTIMIZER_LABELS, OPTIMIZERS, RunConfig
from gdviewer.core.errors import ConfigError
from gdviewer.core.valley import ValleyAxes
from gdviewer.ui.controls.fields import NumberField, read_config
from gdviewer.ui.controls.rate_links import RateLinks
from gdviewer.ui.theme import set_tone

#: Which hyperparameter fields each optimiser uses (the rest are hidden).
OPTIMIZER_FIELDS: dict[str, tuple[str, ...]] = {
    "gd": (), "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
    "adam": ("beta1", "beta2", "eps"), "rmsprop": ("alpha", "eps"), "adagrad": ("eps",),
    "diagonal": (), "newton": (),
}


class RunControls(QGroupBox):
    """Shows the selected run's RunConfig and proposes each edit to its owner.

    The controls keep no copy: ``current()`` is the configuration (the session's), an edit is
    built from the fields and handed to ``apply``, which validates it once in the engine and
    either trains with it or raises ConfigError, shown beside the field it names. ``show()``
    follows the owner when the configuration changes elsewhere (a preset, another run).
    """

    validity_changed = Signal(bool)

    def __init__(self, current: Callable[[], RunConfig], apply: Callable[[RunConfig], object],
                 stable_lr_for: Callable[[RunConfig], float | None] = lambda _c: None,
                 valley: Callable[[], ValleyAxes | None] = lambda: None,
                 parent: QWidget | None = None) -> None:
        """``stable_lr_for(config)``: the data's stable learning-rate limit, for the hint;
        ``valley()``: the data's valley axes, for the links that set the rate from them."""
        super().__init__("Run", parent)
        self.current = current
        self.apply = apply
        self.valid = True
        self.stable_lr_for = stable_lr_for
        self.valley = valley
        self._applying = False
        form = QFormLayout(self)
        self.form = form
        self.algorithm = QComboBox()
        for name in ALGORITHMS:
            self.algorithm.addItem(ALGORITHM_LABELS[name], name)
        self.algorithm.setToolTip("Batch: one step per epoch on all samples. Stochastic: one step per sample. "
                                  "Mini-batch: one step per batch of B samples.")
        self.algorithm.setAccessibleName("Algorithm")
        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_LABELS[name], name)
        self.optimizer.setToolTip("How a gradient becomes a step: the tutorial's plain update, "
                                  "a torch.optim optimiser, or a second-order step that divides the "
                                  "gradient by the batch loss's curvature (Newton, diagonal)")
        self.optimizer.setAccessibleName("Optimiser")
        for box in (self.algorithm, self.optimizer):  # may shrink (eliding) in a narrow dock
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        self.fields: dict[str, NumberField] = {}

        def add(name: str, label: str, kind: type = float, tip: str = "") -> NumberField:
            f = NumberField(name, label, kind, tip)
            self.fields[name] = f
            f.edited.connect(self._edited)
            return f

        form.addRow("Algorithm", self.algorithm)
        form.addRow("Batch size", add("batch_size", "Batch size", int, "Samples per mini-batch step"))
        form.addRow("Optimiser", self.optimizer)
        form.addRow("Learning rate", add("lr", "Learning rate", float,
                                         "Step size: how far each update moves along the negative gradient"))
        self.lr_hint = QLabel()
        self.lr_hint.setWordWrap(True)
        form.addRow("", self.lr_hint)
        self.rate_links = RateLinks()
        self.rate_links.rate_chosen.connect(self._set_lr)
        form.addRow("", self.rate_links)
        form.addRow("Momentum", add("momentum", "Momentum", float, "Fraction of the previous step kept (0 ≤ μ < 1)"))
        form.addRow("β₁", add("beta1", "β₁", float, "Adam: decay of the running mean of gradients"))
        form.addRow("β₂", add("beta2", "β₂", float, "Adam: decay of the running mean of squared gradients"))
        form.addRow("α", add("alpha", "α", float, "RMSprop: decay of the running mean of squared gradients"))
        form.addRow("ε", add("eps", "ε", float, "Added to denominators for numerical safety"))
        form.addRow("Epochs", add("epochs", "Epochs", int, "Passes over the whole data set"))
        form.addRow("Start w₀", add("init_w", "Start w₀", float, "Initial slope (or click the loss surface)"))
        form.addRow("Start b₀", add("init_b", "Start b₀", float, "Initial intercept (or click the loss surface)"))
        self.shuffle = QCheckBox("Shuffle each epoch")
        self.shuffle.setToolTip("Visit samples in a new random order each epoch (seeded, so runs repeat)")
        form.addRow(self.shuffle)  # the whole row: the label column need not widen for it
        form.addRow("Shuffle seed", add("shuffle_seed", "Shuffle seed", int, "Seed of the shuffling order"))
        self.general_error = QLabel()
        set_tone(self.general_error, "error")
        self.general_error.setWordWrap(True)
        form.addRow(self.general_error)
        self.algorithm.currentIndexChanged.connect(self._edited)
        self.optimizer.currentIndexChanged.connect(self._edited)
        self.shuffle.toggled.connect(self._edited)
        self.show_current()

    # --- public --------------------------------------------------------------------
    def show_current(self) -> None:
        """Show the owner's configuration (after a preset, another run, new data). A field
        whose text already means the shown value keeps it ("0.050" stays as typed)."""
        if self._applying:
            return  # this form's own edit, being applied: it shows it already
        config = self.current()
        widgets = [self.algorithm, self.optimizer, self.shuffle, *(f.edit for f in self.fields.values())]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.algorithm.setCurrentIndex(self.algorithm.findData(config.algorithm))
            self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))
            self.shuffle.setChecked(config.shuffle)
            for name, f in self.fields.items():
                f.show_value(getattr(config, name))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.general_error.clear()
        self.general_error.hide()
        self._show_rows(config.algorithm, config.optimizer)
        self._set_valid(True)
        self._update_hint(config)

    def shown_config(self) -> RunConfig | None:
        """What the form shows, read back (None while a field is not a number)."""
        algorithm, optimizer = self.algorithm.currentData(), self.optimizer.currentData()
        values = self._values(algorithm, optimizer)
        for name in self._visible_fields(algorithm, optimizer):
            try:
                values[name] = self.fields[name].value()
            except ConfigError:
                return None
        return RunConfig(**values)

    # --- an edit ------------------------------------------------------------------------
    def _visible_fields(self, algorithm: str, optimizer: str) -> set[str]:
        shown = {"lr", "epochs", "init_w", "init_b", *OPTIMIZER_FIELDS[optimizer]}
        if algorithm == "minibatch":
            shown.add("batch_size")
        if algorithm != "batch" and self.shuffle.isChecked():
            shown.add("shuffle_seed")
        return shown

    def _show_rows(self, algorithm: str, optimizer: str) -> None:
        shown = self._visible_fields(algorithm, optimizer)
        for name, f in self.fields.items():
            self.form.setRowVisible(f, name in shown)
        self.form.setRowVisible(self.shuffle, algorithm != "batch")

    def _values(self, algorithm: str, optimizer: str) -> dict[str, object]:
        """The settings the visible fields do not give: the combos', and the hidden fields'
        from the configuration in use."""
        current = self.current()
        shown = self._visible_fields(algorithm, optimizer)
        values: dict[str, object] = {"algorithm": algorithm, "optimizer": optimizer,
                                     "shuffle": self.shuffle.isChecked() and algorithm != "batch"}
        values.update({name: getattr(current, name) for name in self.fields if name not in shown})
        values.update(schedule=current.schedule, changes=current.changes, stop=current.stop)  # not fields here
        return values

    def _edited(self) -> None:
        """A field or combo changed: propose the form's configuration to the owner."""
        algorithm, optimizer = self.algorithm.currentData(), self.optimizer.currentData()
        self._show_rows(algorithm, optimizer)
        self._applying = True
        try:
            config, general = read_config(self.fields, self._visible_fields(algorithm, optimizer),
                                          self._values(algorithm, optimizer), self._propose)
        finally:
            self._applying = False
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))
        self._update_hint(config)
        self._set_valid(config is not None)

    def _propose(self, values: dict[str, object]) -> RunConfig:
        config = RunConfig(**values)
        self.apply(config)  # validates in the engine; ConfigError names the field
        return config

    def _set_valid(self, valid: bool) -> None:
        if valid != self.valid:
            self.valid = valid
            self.validity_changed.emit(valid)

    def _set_lr(self, lr: float) -> None:
        """A rate link was chosen: the learning rate as if typed, proposed like any edit."""
        self.fields["lr"].set_value(lr)
        self._edited()

    def _update_hint(self, config: RunConfig | None) -> None:
        self.rate_links.show_for(config, self.valley())
        if config is None:
            self.lr_hint.setText("")
            return
        limit = self.stable_lr_for(config)
        if limit is None:
            set_tone(self.lr_hint, "hint")
            self.lr_hint.setText("Diagonal steps on small batches: no fixed stable limit (a batch with x near 0 "
                                 "takes a huge step in w)" if config.optimizer == "diagonal"
                                 else "Adaptive optimiser: no fixed stable limit")
        elif config.lr > limit:
            set_tone(self.lr_hint, "warn")
            self.lr_hint.setText(f"⚠ Above the stable limit ≈ {limit:.3g} ({self._formula(config)}): "
                                 "expect this run to diverge")
        else:
            set_tone(self.lr_hint, "hint")
            self.lr_hint.setText(f"Stable below ≈ {limit:.3g} ({self._formula(config)})")
        batch = self.stable_lr_for(config.with_changes(algorithm="batch", optimizer="gd"))
        one = self.stable_lr_for(config.with_changes(algorithm="stochastic", optimizer="gd"))
        compare = (f"\nOn this data: batch GD is stable below 2/λmax ≈ {batch:.3g}; one-sample steps below "
                   f"1/(1 + max x²) ≈ {one:.3g}." if batch is not None and one is not None else "")
        self.lr_hint.setToolTip("The largest learning rate for which this algorithm's steps do not blow up: "
                                "2 divided by the largest curvature (Hessian eigenvalue λmax) of the loss each "
                                "step follows." + compare)

    @staticmethod
    def _formula(config: RunConfig) -> str:
        if config.optimizer == "newton":
            return "Newton: lr 1 lands on the batch's minimum"
        base = {"batch": "2/λmax", "stochastic": "one sample: 1/(1 + max x²)",
                "minibatch": "worst batch: 2/λmax"}[config.algorithm]
        if config.optimizer == "diagonal":
            return "2/λmax of D^-½HD^-½"
        if config.optimizer == "momentum":
            return f"{base} × (1 + μ)"
        if config.optimizer == "nesterov":
            return f"{base} × (1 + μ)/(1 + 2μ)"
        return base
