"""The truth behind a lesson step: its runs trained headless, and each question's real answer.

A lesson file never holds an answer: a teacher who changes a learning rate would have to work
the answer out again, and a wrong typed answer teaches the wrong thing. :func:`reveal` trains the
step's runs exactly as the window does (the same data, the same x transform, ``core.trainer``;
deterministic, a few milliseconds to a fraction of a second) and :func:`true_answer` reads the
answer off the histories. ``core/lesson_scoring.py`` compares the student's answer with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviewer.core.conditioning import transformed_dataset
from gdviewer.core.data import Dataset, synthetic
from gdviewer.core.history import History
from gdviewer.core.lesson_file import Question, Step
from gdviewer.core.run_status import RunStatus
from gdviewer.core.session_file import SessionSpec
from gdviewer.core.surface import LossSurface
from gdviewer.core.trainer import train
from gdviewer.core.valley import valley_axes

#: A run's fate: the choice keys and the words the window shows.
FATES: dict[str, str] = {"converges": "converges", "oscillates": "oscillates but converges", "diverges": "diverges"}
#: The first step's direction in (w, b): ``+`` the parameter grows, ``-`` it shrinks.
DIRECTIONS: dict[str, str] = {"w+b+": "w up, b up", "w+b-": "w up, b down", "w-b+": "w down, b up",
                              "w-b-": "w down, b down"}
#: The first_to_optimum choice when no run gets there within its epochs.
NO_RUN = "none"
#: A run zig-zags when, while its error along a valley axis is still above this fraction of
#: where it started, the error changes sign on at least half of its steps (and at least 3 times).
OSCILLATION_FLOOR = 0.01


@dataclass(frozen=True)
class RunOutcome:
    """One run of the step, trained to its end (or divergence)."""

    name: str
    history: History
    status: RunStatus
    message: str
    steps_per_epoch: int
    #: where the reveal's playing stops (a step count; the run's length if the play is unbounded)
    play_steps: int


@dataclass(frozen=True)
class Truth:
    """A question's real answer: ``value`` is a choice key (several keys for a tie, joined by
    ``|``), a (w, b) pair, a number, or None (the thing never happened in the run); ``text`` says
    it in words with the numbers that decide it."""

    kind: str
    value: str | tuple[float, float] | float | None
    text: str
    #: choice questions: key → words, in the order to show them
    options: tuple[tuple[str, str], ...] = ()
    #: click questions: the length distances are measured against (start → optimum)
    scale: float = 1.0


@dataclass(frozen=True)
class Reveal:
    """Everything the window needs to play a step's reveal and check the prediction."""

    dataset: Dataset
    surface: LossSurface
    runs: tuple[RunOutcome, ...]
    truth: Truth | None


def build_dataset(session: SessionSpec) -> Dataset:
    """The data the session's runs train on: its points or synthetic data, through its x transform
    (centring and standardising follow the data, as in the window)."""
    if session.points is not None:
        xs, ys, source = session.points
        raw = Dataset.from_arrays(np.asarray(xs), np.asarray(ys), source=source)
    else:
        raw = synthetic(session.data)
    return transformed_dataset(raw, session.x_transform.following(raw.surface))


def reveal(step: Step) -> Reveal:
    """Train the step's runs and compute its question's true answer (None without a question).
    Class mode reveals with no answer from anyone: the same call, no scoring."""
    dataset = build_dataset(step.setup.session)
    outcomes = []
    for spec in step.setup.session.all_runs():
        history, trainer = train(dataset, spec.config)
        spe = trainer.steps_per_epoch
        bound = (step.play.steps if step.play.steps is not None else
                 step.play.epochs * spe if step.play.epochs is not None else len(history))
        outcomes.append(RunOutcome(spec.name, history, trainer.status, trainer.message, spe, min(bound, len(history))))
    surface = dataset.surface
    runs = tuple(outcomes)
    truth = None if step.question is None else true_answer(step.question, runs, surface, step.setup.session.clock)
    return Reveal(dataset=dataset, surface=surface, runs=runs, truth=truth)


def true_answer(question: Question, runs: tuple[RunOutcome, ...], surface: LossSurface, clock: str = "epoch") -> Truth:
    """The answer to ``question`` as the runs played it."""
    run = runs[question.run - 1]
    kind = question.kind
    if kind == "fate":
        key, why = run_fate(run, surface)
        return Truth(kind, key, f"{run.name} {FATES[key]}: {why}", options=tuple(FATES.items()))
    if kind == "first_step_direction":
        return _first_step(run)
    if kind == "first_to_optimum":
        return _first_to_optimum(question, runs, surface, clock)
    if kind == "position_after":
        return _position_after(question, run, surface)
    if kind == "epochs_below":
        return _epochs_below(question, run, surface)
    axes = valley_axes(surface)
    if kind == "stable_lr":
        value = surface.critical_learning_rate
        return Truth(kind, value, f"2/λmax = 2/{axes.lambda_max:.4g} = {value:.4g}")
    kappa = axes.condition_number
    return Truth(kind, kappa, f"κ = λmax/λmin = {axes.lambda_max:.4g}/{axes.lambda_min:.4g} = {kappa:.4g}")


def path_losses(history: History, surface: LossSurface) -> np.ndarray:
    """The full-data loss at the start and after every step (length n + 1), in float64."""
    w, b = history.path()
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(surface.loss(w, b), dtype=np.float64)


def run_fate(run: RunOutcome, surface: LossSurface) -> tuple[str, str]:
    """("converges" | "oscillates" | "diverges", why).

    Diverges: the trainer's own test fired, or the error along a valley axis ended larger than it
    started (a rate just above 2/λmax grows so slowly that the loss may not yet have blown up).
    Oscillates: the error along a valley axis kept changing sign while it was still large (for
    batch GD: lr·λmax > 1, the factor 1 − lr·λmax is negative). Else converges."""
    if run.status is RunStatus.DIVERGED:
        return "diverges", run.message
    axes = valley_axes(surface)
    w, b = run.history.path()
    errors = axes.project(w, b)
    loss = path_losses(run.history, surface)
    end = f"the full-data loss went from {loss[0]:.4g} to {loss[-1]:.4g}"
    size = math.hypot(float(errors[0][0]), float(errors[1][0]))
    for name, e in zip(("flat", "steep"), errors, strict=True):
        if abs(e[-1]) > abs(e[0]) and abs(e[-1]) > 1e-3 * size:  # |1 − lr·λ| > 1: slower than the trainer's test
            return "diverges", (f"the error along the {name} axis of the valley grew from {abs(e[0]):.3g} to "
                                f"{abs(e[-1]):.3g} in {len(e) - 1} steps; {end}")
    flips = []
    for e in errors:
        big = np.abs(e) > OSCILLATION_FLOOR * abs(e[0])
        head = e[: int(np.argmin(big)) if not big.all() else len(e)]  # while the error is still large
        signs = np.sign(head)
        changed = int(np.count_nonzero(signs[1:] * signs[:-1] < 0))
        flips.append((changed, max(len(head) - 1, 1)))
    changed, steps = max(flips, key=lambda f: f[0] / f[1])
    if changed >= 3 and changed >= 0.5 * steps:
        return "oscillates", (f"the error along a valley axis changed sign on {changed} of its first {steps} "
                              f"steps; {end}")
    return "converges", f"no zig-zag across the valley; {end}"


def _first_step(run: RunOutcome) -> Truth:
    h = run.history
    dw, db = float(h.w[0]) - h.initial_w, float(h.b[0]) - h.initial_b
    key = f"w{'+' if dw >= 0 else '-'}b{'+' if db >= 0 else '-'}"
    return Truth("first_step_direction", key, f"{run.name}'s first step: Δw = {dw:+.4g}, Δb = {db:+.4g} "
                 f"(the step goes against the gradient (∂L/∂w, ∂L/∂b) = ({h.dw[0]:.4g}, {h.db[0]:.4g}))",
                 options=tuple(DIRECTIONS.items()))


def reach_step(run: RunOutcome, surface: LossSurface, within: float) -> int | None:
    """The first step count after which the full-data loss is within ``within`` × (the start's
    excess over the least-squares minimum) of that minimum; None if it never is."""
    loss = path_losses(run.history, surface)
    target = surface.min_loss + within * max(loss[0] - surface.min_loss, 0.0)
    hits = np.flatnonzero(loss <= target)
    return int(hits[0]) if hits.size else None


def clock_time(run: RunOutcome, steps: int, n: int, clock: str) -> float:
    """Where a run is on the race's clock after ``steps`` steps (core/race.py's rule)."""
    if clock == "step":
        return float(steps)
    if clock == "epoch":
        return steps / run.steps_per_epoch
    return (int(run.history.samples[steps - 1]) if steps else 0) / n


def _first_to_optimum(question: Question, runs: tuple[RunOutcome, ...], surface: LossSurface, clock: str) -> Truth:
    unit = {"epoch": "epochs", "step": "steps", "samples": "passes over the data"}[clock]
    times: list[tuple[float, str]] = []
    parts = []
    for run in runs:
        k = reach_step(run, surface, question.within)
        if k is None:
            parts.append(f"{run.name}: never")
        else:
            t = clock_time(run, k, surface.n, clock)
            times.append((t, run.name))
            parts.append(f"{run.name}: after {t:.4g} {unit} (step {k})")
    options = (*((r.name, r.name) for r in runs), (NO_RUN, "none of them"))
    if not times:
        return Truth("first_to_optimum", NO_RUN, "No run got there. " + "; ".join(parts) + ".", options=options)
    best = min(t for t, _ in times)
    winners = "|".join(name for t, name in times if math.isclose(t, best, rel_tol=1e-12, abs_tol=1e-12))
    return Truth("first_to_optimum", winners, "; ".join(parts) + ".", options=options)


def _position_after(question: Question, run: RunOutcome, surface: LossSurface) -> Truth:
    w, b = run.history.path()
    k = min(question.steps, len(w) - 1)
    w_opt, b_opt = surface.optimum
    scale = math.hypot(w[0] - w_opt, b[0] - b_opt) or 1.0
    note = "" if k == question.steps else f" (the run ended after {k} steps)"
    point = (float(w[k]), float(b[k]))
    return Truth("position_after", point, f"after {k} steps {run.name} is at w = {point[0]:.4g}, b = {point[1]:.4g}"
                 f"{note}; the optimum is at w = {w_opt:.4g}, b = {b_opt:.4g}", scale=scale)


def _epochs_below(question: Question, run: RunOutcome, surface: LossSurface) -> Truth:
    loss = path_losses(run.history, surface)
    ends = loss[:: run.steps_per_epoch]  # after 0, 1, 2, … whole epochs
    hits = np.flatnonzero(ends < question.below)
    if not hits.size:
        return Truth("epochs_below", None, f"{run.name}'s full-data loss never went below {question.below:g} "
                     f"in its {(len(loss) - 1) // run.steps_per_epoch} epochs (lowest: {np.nanmin(ends):.4g})")
    e = int(hits[0])
    before = f", after {e - 1} it was {ends[e - 1]:.4g}" if e else ""
    return Truth("epochs_below", float(e), f"after {e} epoch{'s' if e != 1 else ''} {run.name}'s full-data loss "
                 f"is {ends[e]:.4g}{before}")
