"""Data controls: the synthetic line's slope, intercept, noise, x range, points and seed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from gdviewer.core.config import DataConfig
from gdviewer.core.data import Dataset
from gdviewer.core.errors import ConfigError
from gdviewer.ui.controls.fields import NumberField, read_config
from gdviewer.ui.theme import set_tone


class DataControls(QGroupBox):
    """Shows the data in use and proposes new synthetic data: Regenerate (or Enter) emits
    ``data_requested`` with the form's DataConfig.

    The controls keep no copy: ``current()`` gives the configuration and the data set in use
    (the session's); ``show_current()`` follows them when they change. While the user types,
    the engine's validation says which field is wrong and Regenerate waits for a valid form.
    """

    data_requested = Signal(object)  # DataConfig
    validity_changed = Signal(bool)

    def __init__(self, current: Callable[[], tuple[DataConfig, Dataset]], parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self.current = current
        self.valid = True
        form = QFormLayout(self)
        self.form = form
        self.fields: dict[str, NumberField] = {}

        def add(name: str, label: str, kind: type = float, tip: str = "") -> NumberField:
            f = NumberField(name, label, kind, tip)
            self.fields[name] = f
            f.edited.connect(self._validate)
            f.edit.returnPressed.connect(self.apply)
            form.addRow(label, f)
            return f

        add("slope", "True slope", float, "The slope of the line the data are drawn from")
        add("intercept", "True intercept", float, "Where the true line crosses x = 0")
        add("noise", "Noise σ", float, "Standard deviation of the Gaussian noise added to y")
        add("x_start", "x from", float, "First x value")
        add("x_stop", "x to", float, "x values stop before this (with a step) or end here (with a count)")
        self.spacing = QComboBox()
        self.spacing.addItem("step", "step")
        self.spacing.addItem("number of points", "count")
        self.spacing.setAccessibleName("x spacing")
        self.spacing.setToolTip("Space x by a fixed step (the tutorial: 0.1) or by a number of points")
        form.addRow("x spacing", self.spacing)
        add("x_step", "x step", float, "Distance between neighbouring x values")
        add("n_points", "Points", int, "How many evenly spaced x values")
        add("seed", "Seed", int, "Random seed of the noise: same seed, same data")
        self.general_error = QLabel()
        set_tone(self.general_error, "error")
        self.general_error.setWordWrap(True)
        form.addRow(self.general_error)
        self.source = QLabel()
        self.source.setWordWrap(True)
        form.addRow(self.source)
        buttons = QHBoxLayout()
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw the data again with these settings (resets the run)")
        self.new_seed = QPushButton("New noise")
        self.new_seed.setToolTip("Same line, fresh noise: the seed goes up by one")
        buttons.addWidget(self.regenerate)
        buttons.addWidget(self.new_seed)
        form.addRow(buttons)
        self.regenerate.clicked.connect(self.apply)
        self.new_seed.clicked.connect(self._next_seed)
        self.spacing.currentIndexChanged.connect(self._validate)
        self.show_current()

    def show_current(self) -> None:
        """Show the data in use: its settings and, for loaded or edited points, where they
        came from. A field whose text already means the value keeps it."""
        config, dataset = self.current()
        self.spacing.blockSignals(True)
        self.spacing.setCurrentIndex(1 if config.n_points is not None else 0)
        self.spacing.blockSignals(False)
        for name, f in self.fields.items():
            value = getattr(config, name)
            if name == "n_points" and value is None:
                value = dataset.n
            f.show_value(value)
        source = dataset.source
        self.source.setText(f"Using {dataset.n:,} points from {source}" if source != "synthetic" else "")
        self._validate()

    def apply(self) -> None:
        config = self._validate()
        if config is not None:
            self.data_requested.emit(config)

    def _next_seed(self) -> None:
        f = self.fields["seed"]
        try:
            f.set_value(int(f.value()) + 1)
        except ConfigError:
            f.set_value(self.current()[0].seed + 1)
        self.apply()

    def _validate(self) -> DataConfig | None:
        by_count = self.spacing.currentData() == "count"
        self.form.setRowVisible(self.fields["x_step"], not by_count)
        self.form.setRowVisible(self.fields["n_points"], by_count)
        values: dict[str, object] = {} if by_count else {"n_points": None}
        skipped = "x_step" if by_count else "n_points"
        config, general = read_config(self.fields, [n for n in self.fields if n != skipped], values,
                                      lambda v: DataConfig(**v).validate())
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))
        valid = config is not None
        self.regenerate.setEnabled(valid)
        self.new_seed.setEnabled(valid)
        if valid != self.valid:
            self.valid = valid
            self.validity_changed.emit(valid)
        return config
