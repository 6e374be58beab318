"""The arithmetic of one step, on the learner's own data: what the tutorial's loop computed.

For step k of a run this rebuilds, from the data and the run's history, the numbers a student
would write down: the batch's samples, the predictions ŷ = w·x + b at the parameters before
the step, the residuals, the two partial derivatives as sums, the optimiser's own update
(momentum buffer, Adam's moments with their bias correction, …) and the new (w, b).

What torch computed is kept beside what the formulas give, so the two can be shown side by
side and tested equal: the batch loss, the gradient and the new parameters are the recorded
ones (autograd's and the optimiser's float32 numbers). The optimiser's state is not recorded;
it is rebuilt here from the recorded gradients with the optimiser's own recurrence (float64),
which equals torch's state to float32 precision (tested against ``torch.optim``'s state).

Plain numpy: the window shows a step without importing torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdviewer.core.config import RunConfig
from gdviewer.core.history import History

#: The loss's scaling: factor applied to the mean of squared residuals' gradient.
#: "mean" is the tutorial's (and torch's default) MSE; "half" is ½·mean (the 2 cancels);
#: "sum" is the sum of squared residuals (B times the mean's gradient).
SCALINGS: tuple[str, ...] = ("mean", "half", "sum")
SCALING_LABELS: dict[str, str] = {"mean": "mean r² (tutorial)", "half": "½ · mean r²", "sum": "sum of r²"}

#: Steps between the optimiser states kept while replaying a long run (a scrub back to any
#: step replays at most this many recorded gradients).
CHECKPOINT_EVERY = 1024


def scaling_factor(scaling: str, batch: int) -> float:
    """How much larger the gradient of the ``scaling`` loss is than the mean's."""
    if scaling == "mean":
        return 1.0
    if scaling == "half":
        return 0.5
    if scaling == "sum":
        return float(batch)
    raise ValueError(f"unknown loss scaling {scaling!r} (one of {', '.join(SCALINGS)})")


@dataclass(frozen=True)
class StateLine:
    """One quantity of the optimiser's update, for both parameters: a name, the formula that
    made it and its value for w and for b."""

    name: str
    formula: str
    w: float
    b: float


@dataclass(frozen=True)
class StepArithmetic:
    """Every number of one step of one run."""

    step: int                  # 1-based
    epoch: int                 # 1-based, as the window counts
    optimizer: str
    lr: float
    scaling: str
    indices: np.ndarray        # the batch's sample indices
    x: np.ndarray
    y: np.ndarray
    y_hat: np.ndarray          # w·x + b at the parameters before the step
    residual: np.ndarray       # ŷ − y
    w_before: float
    b_before: float
    loss: float                # the batch's loss, by the formula, in the chosen scaling
    grad_w: float              # ∂L/∂w by the formula, in the chosen scaling
    grad_b: float
    torch_loss: float          # what torch computed for this step (mean scaling)
    torch_grad_w: float        # autograd's gradient (mean scaling)
    torch_grad_b: float
    w_after: float             # the parameters torch's update produced
    b_after: float
    update: tuple[StateLine, ...] = field(default=())  # the optimiser's arithmetic, last line the step

    @property
    def batch_size(self) -> int:
        return int(self.indices.shape[0])

    @property
    def scale(self) -> float:
        return scaling_factor(self.scaling, self.batch_size)

    @property
    def sum_rx(self) -> float:
        return float(np.sum(self.residual * self.x))

    @property
    def sum_r(self) -> float:
        return float(np.sum(self.residual))

    @property
    def round_off(self) -> tuple[float, float]:
        """How far float32 arithmetic can take ∂L/∂w and ∂L/∂b from their exact values (unit
        round-off times the sizes of what is rounded: ŷ, y and r, and their products with x, in
        the chosen scaling). Near the optimum the gradient is no larger than this, and
        autograd's float32 number and the float64 formula differ by up to this much."""
        u = 2.0**-24 * 2.0 * self.scale / max(1, self.batch_size)
        size = np.abs(self.y_hat) + np.abs(self.y) + np.abs(self.residual)
        return u * float(np.sum(size * np.abs(self.x))), u * float(np.sum(size))

    @property
    def gd_step(self) -> tuple[float, float]:
        """lr·g of plain gradient descent with the chosen scaling (what the same lr means
        with a differently scaled loss)."""
        return self.lr * self.grad_w, self.lr * self.grad_b


# --- the optimisers' recurrences ------------------------------------------------------------
# State: a tuple of floats per optimiser (w's and b's entries interleaved), None before step 1.

def _advance(config: RunConfig, state: tuple | None, t: int, gw: float, gb: float) -> tuple:
    """The optimiser's state after step ``t`` (1-based) with the gradient (gw, gb)."""
    name = config.optimizer
    if name in ("momentum", "nesterov"):
        if state is None:  # torch.optim.SGD: the buffer starts as the first gradient
            return (gw, gb)
        mu = config.momentum
        return (mu * state[0] + gw, mu * state[1] + gb)
    if name == "adam":
        m_w, m_b, v_w, v_b = state if state is not None else (0.0, 0.0, 0.0, 0.0)
        b1, b2 = config.beta1, config.beta2
        return (b1 * m_w + (1 - b1) * gw, b1 * m_b + (1 - b1) * gb,
                b2 * v_w + (1 - b2) * gw * gw, b2 * v_b + (1 - b2) * gb * gb)
    if name == "rmsprop":
        s_w, s_b = state if state is not None else (0.0, 0.0)
        a = config.alpha
        return (a * s_w + (1 - a) * gw * gw, a * s_b + (1 - a) * gb * gb)
    if name == "adagrad":
        s_w, s_b = state if state is not None else (0.0, 0.0)
        return (s_w + gw * gw, s_b + gb * gb)
    return ()


class StateReplay:
    """The optimiser's state before any step of a run, rebuilt from its recorded gradients.

    Keeps a state every CHECKPOINT_EVERY steps, so following a live run costs the new steps
    only and a scrub back replays at most CHECKPOINT_EVERY gradients. A new history (a reset,
    another run) starts over."""

    def __init__(self, config: RunConfig, n_points: int = 1) -> None:
        self.config = config
        self.n_points = n_points  # (the recurrences use momentum and betas as each step had them)
        self._history: History | None = None
        self._checkpoints: list[tuple | None] = [None]  # state after 0, E, 2E, … steps

    def state_after(self, history: History, k: int) -> tuple | None:
        """The state after ``k`` steps (None before the first)."""
        if history is not self._history:
            self._history = history
            self._checkpoints = [None]
        dw, db = history.column("dw"), history.column("db")
        k = max(0, min(k, len(history)))
        every = CHECKPOINT_EVERY
        while len(self._checkpoints) <= k // every:  # extend the checkpoints up to k
            start = (len(self._checkpoints) - 1) * every
            self._checkpoints.append(self._replay(self._checkpoints[-1], dw, db, start, start + every))
        base = (k // every) * every
        return self._replay(self._checkpoints[k // every], dw, db, base, k)

    def _replay(self, state: tuple | None, dw: np.ndarray, db: np.ndarray, start: int, stop: int) -> tuple | None:
        if self.config.optimizer not in ("momentum", "nesterov", "adam", "rmsprop", "adagrad"):
            return None
        gws = dw[start:stop].astype(np.float64).tolist()
        gbs = db[start:stop].astype(np.float64).tolist()
        for t, (gw, gb) in enumerate(zip(gws, gbs, strict=True), start=start + 1):
            state = _advance(self.config.at_step(t - 1, self.n_points), state, t, gw, gb)
        return state


def superscript(n: int) -> str:
    """``n`` as superscript digits (the step t in βᵗ)."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def update_lines(config: RunConfig, before: tuple | None, t: int, gw: float, gb: float) -> tuple[StateLine, ...]:
    """The optimiser's arithmetic of step ``t`` from its state ``before`` and the gradient:
    each intermediate quantity, the last line the step subtracted from (w, b)."""
    lr, name = config.lr, config.optimizer
    g = StateLine("g", "the batch's gradient (autograd)", gw, gb)
    if name in ("gd", "sgd"):
        return (g, StateLine("Δ", "lr · g", lr * gw, lr * gb))
    after = _advance(config, before, t, gw, gb)
    mu = config.momentum
    if name in ("momentum", "nesterov"):
        first = before is None
        buf = StateLine("v", "g (the first step)" if first else f"{mu:g} · v + g", after[0], after[1])
        if name == "momentum":
            return (g, buf, StateLine("Δ", "lr · v", lr * after[0], lr * after[1]))
        look = StateLine("g + μ·v", f"g + {mu:g} · v", gw + mu * after[0], gb + mu * after[1])
        return (g, buf, look, StateLine("Δ", "lr · (g + μ·v)", lr * look.w, lr * look.b))
    if name == "adam":
        b1, b2, eps = config.beta1, config.beta2, config.eps
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        m = StateLine("m", f"{b1:g} · m + {1 - b1:.3g} · g", after[0], after[1])
        v = StateLine("v", f"{b2:g} · v + {1 - b2:.3g} · g²", after[2], after[3])
        mh = StateLine("m̂", f"m / (1 − {b1:g}{superscript(t)})", after[0] / c1, after[1] / c1)
        vh = StateLine("v̂", f"v / (1 − {b2:g}{superscript(t)})", after[2] / c2, after[3] / c2)
        step = StateLine("Δ", "lr · m̂ / (√v̂ + ε)", lr * mh.w / (math.sqrt(vh.w) + eps),
                         lr * mh.b / (math.sqrt(vh.b) + eps))
        return (g, m, v, mh, vh, step)
    if name == "rmsprop":
        a, eps = config.alpha, config.eps
        s = StateLine("v", f"{a:g} · v + {1 - a:.3g} · g²", after[0], after[1])
        step = StateLine("Δ", "lr · g / (√v + ε)", lr * gw / (math.sqrt(after[0]) + eps),
                         lr * gb / (math.sqrt(after[1]) + eps))
        return (g, s, step)
    if name == "adagrad":
        eps = config.eps
        s = StateLine("G", "G + g²", after[0], after[1])
        step = StateLine("Δ", "lr · g / (√G + ε)", lr * gw / (math.sqrt(after[0]) + eps),
                         lr * gb / (math.sqrt(after[1]) + eps))
        return (g, s, step)
    return (g,)  # an optimiser without a worked update here: the panel shows torch's result


def second_order_lines(config: RunConfig, x: np.ndarray, gw: float, gb: float) -> tuple[StateLine, ...]:
    """Newton's and the diagonal step's arithmetic: the batch loss's Hessian
    H = 2/B · [[Σx², Σx], [Σx, B]] (its rows as lines), the direction d (H⁺g, or g/diag H) and Δ = lr·d.
    The formula's numbers in float64; torch's own step is in float32 (the new w, b shown are torch's)."""
    n = max(1, x.shape[0])
    hww, hwb, hbb = 2.0 * float(np.sum(x * x)) / n, 2.0 * float(np.sum(x)) / n, 2.0
    g = StateLine("g", "the batch's gradient (autograd)", gw, gb)
    rows = (StateLine("H row 1", "2/B · (Σ x², Σ x)", hww, hwb), StateLine("H row 2", "2/B · (Σ x, B)", hwb, hbb))
    if config.optimizer == "diagonal":
        d = StateLine("d", "g / diag H  (w: ÷ 2/B·Σx², b: ÷ 2)", gw / hww if hww > 0 else 0.0, gb / hbb)
    else:
        h = np.array([[hww, hwb], [hwb, hbb]])
        dw, db = np.linalg.pinv(h, rtol=1e-6, hermitian=True) @ np.array([gw, gb])
        d = StateLine("d", "H⁻¹ · g (pseudo-inverse when H is singular)", float(dw), float(db))
    return (g, *rows, d, StateLine("Δ", "lr · d", config.lr * d.w, config.lr * d.b))


def explain_step(x_all: np.ndarray, y_all: np.ndarray, config: RunConfig, history: History, k: int,
                 indices: np.ndarray, scaling: str = "mean", replay: StateReplay | None = None) -> StepArithmetic:
    """The arithmetic of step ``k`` (1 ≤ k ≤ len(history)) of a run on the data (x, y), whose
    batch was ``indices`` (see ``replay.batch_of_step``). ``replay`` keeps the optimiser's
    states between calls (pass the same one for the same run)."""
    if not 1 <= k <= len(history):
        raise ValueError(f"step {k} is not a step of this run (it has {len(history)})")
    n_all = int(np.asarray(x_all).shape[0])
    replay = replay if replay is not None and replay.config == config else StateReplay(config, n_all)
    config = config.at_step(k - 1, n_all)  # the lr (momentum, betas) this step used
    idx = np.asarray(indices, dtype=np.int64)
    x = np.asarray(x_all, dtype=np.float64)[idx]
    y = np.asarray(y_all, dtype=np.float64)[idx]
    w0, b0 = (history.initial_w, history.initial_b) if k == 1 else (
        float(history.column("w")[k - 2]), float(history.column("b")[k - 2]))
    y_hat = w0 * x + b0
    r = y_hat - y
    n = max(1, idx.shape[0])
    s = scaling_factor(scaling, n)
    mse = float(np.mean(r * r)) if r.size else math.nan
    loss = mse * (0.5 if scaling == "half" else n if scaling == "sum" else 1.0)
    grad_w = s * 2.0 * float(np.sum(r * x)) / n
    grad_b = s * 2.0 * float(np.sum(r)) / n
    gw, gb = float(history.column("dw")[k - 1]), float(history.column("db")[k - 1])
    before = replay.state_after(history, k - 1)
    return StepArithmetic(
        step=k, epoch=int(history.column("epoch")[k - 1]) + 1, optimizer=config.optimizer, lr=config.lr,
        scaling=scaling, indices=idx, x=x, y=y, y_hat=y_hat, residual=r, w_before=w0, b_before=b0,
        loss=loss, grad_w=grad_w, grad_b=grad_b, torch_loss=float(history.column("loss")[k - 1]),
        torch_grad_w=gw, torch_grad_b=gb, w_after=float(history.column("w")[k - 1]),
        b_after=float(history.column("b")[k - 1]),
        update=(second_order_lines(config, x, gw, gb) if config.optimizer in ("newton", "diagonal")
                else update_lines(config, before, k, gw, gb)))
