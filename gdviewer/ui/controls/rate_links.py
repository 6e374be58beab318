"""Two links under the learning rate that set it from the valley's curvature: the best fixed
step 2/(λmin + λmax) and (just below) the stable limit 2/λmax.

The formulas hold for plain batch GD only, where every step multiplies the error along each of
the valley's axes by 1 − lr·λ; for other settings the links are greyed and say why. The
numbers come from the engine (``core/valley.py``); choosing one emits ``rate_chosen`` and the
run controls treat it as if the user had typed it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gdviewer.core.config import RunConfig
from gdviewer.core.valley import ValleyAxes, factors_are_exact
from gdviewer.ui.links import LinkLabel

#: The stable-limit link sets this fraction of 2/λmax: exactly at the limit the error along
#: the steep axis flips sign every step without shrinking, so the run never converges.
LIMIT_FRACTION = 0.99


def why_not(config: RunConfig) -> str:
    """Why the formulas do not hold for ``config`` (not plain batch GD)."""
    if config.algorithm != "batch":
        return ("They hold for batch GD: with mini-batches or single samples each step follows its own "
                "batch's curvature, so the limit is the worst batch's (the hint above).")
    if config.optimizer in ("momentum", "nesterov"):
        return "They hold for plain GD steps: momentum carries part of the last step over, which moves both rates."
    if config.optimizer in ("adam", "rmsprop", "adagrad"):
        return "They hold for plain GD steps: this optimiser rescales every step by its own running averages."
    return "They hold for plain gradient steps (the tutorial's update or torch.optim.SGD), which this optimiser is not."


class RateLinks(QWidget):
    """"best fixed step 2/(λmin+λmax) ≈ …" and "stable limit 2/λmax ≈ …", each a link."""

    rate_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rates: dict[str, float] = {}  # what each link sets, while it is enabled
        self.best = LinkLabel("")
        self.limit = LinkLabel("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for key, label, name in (("best", self.best, "Set the best fixed learning rate"),
                                 ("limit", self.limit, "Set the learning rate just below the stable limit")):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # Tab reaches it
            label.setAccessibleName(name)
            label.linkActivated.connect(lambda _href, k=key: self.choose(k))
            layout.addWidget(label)

    def choose(self, key: str) -> None:
        """Set the rate of link ``key`` ("best" or "limit"), as a click does."""
        if key in self.rates:
            self.rate_chosen.emit(self.rates[key])

    def show_for(self, config: RunConfig | None, axes: ValleyAxes | None) -> None:
        """The links for ``config`` on the data whose valley is ``axes`` (None: nothing to offer)."""
        self.rates = {}
        best = axes.best_learning_rate if axes is not None else None
        limit = axes.stable_learning_rate if axes is not None else None
        best_text = "best fixed step 2/(λmin+λmax)" + (f" ≈ {best:.3g}" if best is not None else "")
        limit_text = "stable limit 2/λmax" + (f" ≈ {limit:.3g}" if limit is not None else "")
        self.setVisible(axes is not None)  # (no data to take them from: the controls alone, in tests)
        if config is None or axes is None:
            reason = "Correct the settings marked in red first."
            self._show(self.best, best_text, None, reason)
            self._show(self.limit, limit_text, None, reason)
            return
        if not factors_are_exact(config.algorithm, config.optimizer):
            reason = why_not(config)
            self._show(self.best, best_text, None, reason)
            self._show(self.limit, limit_text, None, reason)
            return
        kappa = axes.condition_number
        if best is None:
            self._show(self.best, best_text, None, "All x are equal: along the flat axis nothing ever shrinks (it is "
                       "a line of optima), so no fixed step is best.")
        else:
            self.rates["best"] = best
            self._show(self.best, best_text, "best", f"Set lr = 2/(λmin + λmax) = {best:.6g}: the slower of the two "
                       f"axes shrinks fastest, both by (κ − 1)/(κ + 1) = {axes.best_contraction:.3g} a step "
                       f"(κ = {kappa:.3g}).")
        self.rates["limit"] = rate = LIMIT_FRACTION * limit
        self._show(self.limit, limit_text, "limit", f"Set lr = {LIMIT_FRACTION:g} × 2/λmax = {rate:.6g}, "
                   "just below the limit: exactly at it the error along the steep axis flips sign every step "
                   "without shrinking, so the run neither converges nor diverges; above it, it diverges.")

    @staticmethod
    def _show(label: LinkLabel, text: str, href: str | None, tip: str) -> None:
        label.set_html(f'<a href="{href}">{text}</a>' if href else text)
        label.setEnabled(href is not None)
        label.setToolTip(tip)
