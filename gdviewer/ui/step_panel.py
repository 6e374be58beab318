"""The "Step" panel: the arithmetic of the step shown, laid out as the tutorial writes it.

Students reproduce the update rule and cannot explain it; here it is worked on their own
data for the step the timeline shows: the batch's samples, ŷ = w·x + b, the residuals, the two
partial derivatives as sums with the real numbers, the optimiser's own update (momentum
buffer, Adam's moments with their bias correction) and the new (w, b), with torch's numbers
beside the formulas'. The numbers come from ``core.step_arithmetic`` (no maths here); a switch
of the loss's scaling shows how the same learning rate then means a different step.

While a run streams live the text follows at a readable pace (``PacedText``), and only while
the panel is on screen.
"""

from __future__ import annotations

import html
import math
import re

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from gdviewer.core.config import ALGORITHM_LABELS, OPTIMIZER_LABELS
from gdviewer.core.moment import Moment
from gdviewer.core.step_arithmetic import SCALING_LABELS, SCALINGS, StateReplay, StepArithmetic, explain_step
from gdviewer.ui.paced_text import PacedText, streaming

#: A table cell's attribute: numbers are never broken over two lines.
NOWRAP = "style='white-space:nowrap'"

#: Rows of the batch table shown before the ellipsis (and the last row after it).
HEAD_ROWS = 5

#: Significant digits of the table's cells, and of the parameters (a late step moves w by
#: 1e-4: six digits show it).
CELL_DIGITS = 4
PARAM_DIGITS = 6

#: The loss and its gradient per scaling: (loss formula, ∂L/∂w formula, ∂L/∂b formula).
FORMULAS = {
    "mean": ("1/B · Σ r²", "2/B · Σ r·x", "2/B · Σ r"),
    "half": ("1/(2B) · Σ r²", "1/B · Σ r·x", "1/B · Σ r"),
    "sum": ("Σ r²", "2 · Σ r·x", "2 · Σ r"),
}


def fmt(value: float, digits: int = CELL_DIGITS) -> str:
    """A number as a student writes it: ``digits`` significant digits, a real minus sign."""
    if not math.isfinite(value):
        return "not finite" if math.isnan(value) else ("+∞" if value > 0 else "−∞")
    return f"{value:.{digits}g}".replace("-", "−")


def paren(value: float, digits: int = CELL_DIGITS) -> str:
    """A negative number in parentheses, for writing it after an operator."""
    text = fmt(value, digits)
    return f"({text})" if value < 0 else text


class StepPanel(QWidget):
    """The selected run's step at the moment shown, worked out."""

    def __init__(self, moment: Moment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.moment = moment
        self.scaling = "mean"
        self._replays: dict[int, StateReplay] = {}
        self.scaling_box = QComboBox()
        for key in SCALINGS:
            self.scaling_box.addItem(SCALING_LABELS[key], key)
        self.scaling_box.setAccessibleName("Loss scaling")
        # (its longest entry must not set the dock's width: presentation mode at 1024 × 768)
        self.scaling_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scaling_box.setMinimumContentsLength(8)
        self.scaling_box.setToolTip("The loss the formulas use. The runs train on the mean (the tutorial's MSE); "
                                    "½·mean or the sum scale the gradient, so the same learning rate takes a "
                                    "different step and the stable limit moves.")
        self.scaling_box.currentIndexChanged.connect(self._on_scaling)
        self.body = QTextBrowser()
        self.body.setAccessibleName("The step's arithmetic")
        self.body.setOpenLinks(False)
        self._text = PacedText(self.body.setHtml)
        self._header = QHBoxLayout()
        self._header.addWidget(QLabel("Loss:"))
        self._header.addWidget(self.scaling_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._header)
        layout.addWidget(self.body, 1)

    def add_header_widget(self, widget: QWidget) -> None:
        """A widget at the right of the header (the help button)."""
        self._header.addWidget(widget)

    # --- following the window ------------------------------------------------------------
    def show_moment(self, moment: Moment) -> None:
        """The frame's moment: shown now if the panel is on screen."""
        self.moment = moment
        if not self.visibleRegion().isEmpty():
            self.refresh(live=streaming(moment))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._text.forget()
            self.refresh(live=False)  # shown again (a tab raised, the dock reopened): catch up at once
        return super().event(event)

    def _on_scaling(self) -> None:
        self.scaling = self.scaling_box.currentData()
        self.refresh(live=False)

    def arithmetic(self) -> StepArithmetic | None:
        """The shown step of the selected run (None before its first step)."""
        m = self.moment
        k = m.shown_steps
        if k <= 0 or k > len(m.history):
            return None
        replay = self._replays.get(m.selected)
        if replay is None or replay.config != m.run_config:
            replay = self._replays[m.selected] = StateReplay(m.run_config, m.dataset.n)
        return explain_step(m.dataset.x, m.dataset.y, m.run_config, m.history, k, m.shown_batch(),
                            self.scaling, replay)

    def refresh(self, live: bool = False) -> None:
        if not self._text.due(live):
            return  # (live, the text changes 5 times a second: the arithmetic is not worked 33 times)
        a = self.arithmetic()
        text = self._before_first_step() if a is None else render(a, self._title(), self.moment.stable_lr())
        self._text.set(text, live=live)

    def _title(self) -> str:
        m = self.moment
        run, c = m.run, m.run_config
        k = max(m.shown_steps - 1, 0)
        method = (f"{ALGORITHM_LABELS[c.algorithm]}, {OPTIMIZER_LABELS.get(c.optimizer, c.optimizer)}, "
                  f"lr {c.lr_at(k, m.dataset.n):g}")
        note = "" if m.transform.identity else (  # the numbers are x′'s, not the data panel's x
            f"<br>x below is x′: the run trains on {html.escape(m.transform.describe())}")
        return f"{html.escape(run.name)} <span style='color:gray'>({method})</span>{note}"

    def _before_first_step(self) -> str:
        m = self.moment
        return (f"<p><b>{self._title()}</b></p><p>No step yet: (w, b) = ({fmt(m.history.initial_w, PARAM_DIGITS)}, "
                f"{fmt(m.history.initial_b, PARAM_DIGITS)}). Take a step (Step, or Play) and its arithmetic "
                "appears here; drag the timeline to see any earlier step's.</p>")


# --- the text ------------------------------------------------------------------------------

def _batch_table(a: StepArithmetic) -> str:
    n = a.batch_size
    rows = list(range(n)) if n <= HEAD_ROWS + 1 else [*range(HEAD_ROWS), None, n - 1]
    head = "".join(f"<th align='right'>{h}</th>" for h in ("#", "x", "y", "ŷ", "r", "r·x"))
    body = []
    for i in rows:
        if i is None:
            more = n - HEAD_ROWS - 1
            body.append(f"<tr><td align='right'>⋮</td><td colspan='5'>&nbsp;{more:,} more samples</td></tr>")
            continue
        cells = (f"{int(a.indices[i]) + 1}", fmt(a.x[i]), fmt(a.y[i]), fmt(a.y_hat[i]), fmt(a.residual[i]),
                 fmt(a.residual[i] * a.x[i]))
        body.append("<tr>" + "".join(f"<td align='right' {NOWRAP}>{c}</td>" for c in cells) + "</tr>")
    total = (f"<tr><td align='right'><b>Σ</b></td><td></td><td></td><td></td>"
             f"<td align='right' {NOWRAP}><b>{fmt(a.sum_r)}</b></td>"
             f"<td align='right' {NOWRAP}><b>{fmt(a.sum_rx)}</b></td></tr>")
    return (f"<table cellspacing='0' cellpadding='2'><tr>{head}</tr>{''.join(body)}{total}</table>"
            "<p>ŷ = w·x + b, the line's prediction before the step; r = ŷ − y, its error.</p>")


def _gradient(a: StepArithmetic) -> str:
    loss_f, dw_f, db_f = FORMULAS[a.scaling]
    b = a.batch_size
    factor = {"mean": f"2/{b}", "half": f"1/{b}", "sum": "2"}[a.scaling]
    torch_note = a.scaling == "mean"
    lines = [
        f"L = {loss_f} = <b>{fmt(a.loss, 6)}</b>" + (f" &nbsp;(torch: {fmt(a.torch_loss, 6)})" if torch_note else ""),
        f"∂L/∂w = {dw_f} = {factor} · {paren(a.sum_rx, 6)} = <b>{fmt(a.grad_w, 6)}</b>"
        + (f" &nbsp;(autograd: {fmt(a.torch_grad_w, 6)})" if torch_note else ""),
        f"∂L/∂b = {db_f} = {factor} · {paren(a.sum_r, 6)} = <b>{fmt(a.grad_b, 6)}</b>"
        + (f" &nbsp;(autograd: {fmt(a.torch_grad_b, 6)})" if torch_note else ""),
    ]
    noise_w, noise_b = a.round_off
    differ = [(ours, theirs, noise) for ours, theirs, noise in ((a.grad_w, a.torch_grad_w, noise_w),
                                                                 (a.grad_b, a.torch_grad_b, noise_b))
              if fmt(ours, 3) != fmt(theirs, 3) and abs(ours - theirs) <= noise]
    if torch_note and differ:
        lines.append("<i>These differ by float32 round-off (up to ±" + fmt(max(d[2] for d in differ), 2)
                     + " here): torch computes in float32, the formula here in float64. A gradient that "
                       "small is zero to float32's precision: the optimum is reached.</i>")
    return "<br>".join(lines)


def _scaling_note(a: StepArithmetic, stable: float | None) -> str:
    if a.scaling == "mean":
        return ""
    s = a.scale
    dw, db = a.gd_step
    limit = (f"; gradient descent's stable limit moves from ≈ {fmt(stable)} to ≈ {fmt(stable / s)}"
             if stable is not None else "")
    return (f"<p><i>With this loss the gradient is {fmt(s)}× the mean's, so the same lr {a.lr:g} would step "
            f"lr·g = ({fmt(dw, 4)}, {fmt(db, 4)}) — {fmt(s)}× the tutorial's step{limit}. "
            f"The run itself trained on the mean; its update:</i></p>")


def math_html(text: str) -> str:
    """``text`` as HTML, with letters under a combining hat (m̂, v̂) in italics: Qt draws a
    combining mark on an upright letter a line too high, on an italic one where it belongs."""
    return re.sub("(.\u0302)", r"<i>\1</i>", html.escape(text))


def _update(a: StepArithmetic) -> str:
    rows = "".join(f"<tr><td><b>{math_html(line.name)}</b></td><td>= {math_html(line.formula)}</td>"
                   f"<td align='right'>{fmt(line.w, 6)}</td><td align='right'>{fmt(line.b, 6)}</td></tr>"
                   for line in a.update)
    table = (f"<table cellspacing='0' cellpadding='3'><tr><th></th><th></th><th align='right'>for w</th>"
             f"<th align='right'>for b</th></tr>{rows}</table>")
    last = a.update[-1] if a.update else None
    if last is not None and last.name == "Δ":
        w_line = (f"w ← w − Δ = {fmt(a.w_before, PARAM_DIGITS)} − {paren(last.w, 4)} = "
                  f"<b>{fmt(a.w_after, PARAM_DIGITS)}</b>")
        b_line = (f"b ← b − Δ = {fmt(a.b_before, PARAM_DIGITS)} − {paren(last.b, 4)} = "
                  f"<b>{fmt(a.b_after, PARAM_DIGITS)}</b>")
        new = f"{w_line}<br>{b_line} &nbsp;(torch's update)"
    else:
        new = (f"w ← <b>{fmt(a.w_after, PARAM_DIGITS)}</b>, b ← <b>{fmt(a.b_after, PARAM_DIGITS)}</b> "
               "(torch's update)")
    return table + "<p>" + new + "</p>"


def render(a: StepArithmetic, title: str, stable: float | None) -> str:
    """The whole text of one step."""
    b = a.batch_size
    return (f"<p><b>Step {a.step:,}</b> · epoch {a.epoch} · {title}<br>"
            f"before it: w = {fmt(a.w_before, PARAM_DIGITS)}, b = {fmt(a.b_before, PARAM_DIGITS)}</p>"
            f"<p><b>1. The batch</b>: {b:,} sample{'s' if b != 1 else ''} (# from 1)</p>"
            f"{_batch_table(a)}"
            f"<p><b>2. The loss and its gradient</b> (B = {b:,})<br>{_gradient(a)}</p>"
            f"{_scaling_note(a, stable)}"
            f"<p><b>3. The update</b> ({html.escape(OPTIMIZER_LABELS.get(a.optimizer, a.optimizer))})</p>"
            f"{_update(a)}")
