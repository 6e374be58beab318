"""Command line: ``gdviewer`` opens the window, ``gdviewer run …`` trains headless,
``gdviewer install-desktop`` adds it to a Linux desktop's menu (see gdviewer/desktop.py).

The headless run reproduces the tutorial: with no flags it prints the same per-epoch lines
as the tutorial's batch loop. Exit status: 0 finished, 2 bad arguments or data, 3 diverged.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DIVERGED = 3
ANIMATION_FPS = 12
ANIMATION_SECONDS = 6.0


def _file_name(text: str) -> str:
    """A path option's value: an empty one is a mistake (a shell variable that was not set)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value; give a file name")
    return text


def _run_parser() -> argparse.ArgumentParser:
    from gdviewer.core.config import ALGORITHMS, OPTIMIZERS, DataConfig, RunConfig
    from gdviewer.core.steering import SCHEDULES, STEERABLE, Schedule

    run, data, schedule = RunConfig(), DataConfig(), Schedule()
    p = argparse.ArgumentParser(
        prog="gdviewer run",
        description="Train y = w·x + b headless and print one line per epoch, like the tutorial.")
    g = p.add_argument_group("training")
    g.add_argument("--algorithm", choices=ALGORITHMS, default=run.algorithm)
    g.add_argument("--batch-size", type=int, default=run.batch_size, metavar="B",
                   help="samples per step for minibatch (default %(default)s)")
    g.add_argument("--optimizer", choices=OPTIMIZERS, default=run.optimizer,
                   help="gd is the tutorial's hand-written update; newton and diagonal divide the gradient by "
                   "the batch loss's curvature (Newton: lr 1 lands on least squares in one batch step) "
                   "(default %(default)s)")
    g.add_argument("--lr", type=float, default=run.lr, help="learning rate (default %(default)s)")
    g.add_argument("--momentum", type=float, default=run.momentum, help="for momentum/nesterov (default %(default)s)")
    g.add_argument("--beta1", type=float, default=run.beta1, help="Adam (default %(default)s)")
    g.add_argument("--beta2", type=float, default=run.beta2, help="Adam (default %(default)s)")
    g.add_argument("--alpha", type=float, default=run.alpha, help="RMSprop smoothing (default %(default)s)")
    g.add_argument("--eps", type=float, default=run.eps, help="Adam/RMSprop/Adagrad (default %(default)s)")
    g.add_argument("--epochs", type=int, default=run.epochs, help="(default %(default)s)")
    g.add_argument("--init-w", type=float, default=run.init_w, metavar="W", help="(default %(default)s)")
    g.add_argument("--init-b", type=float, default=run.init_b, metavar="B", help="(default %(default)s)")
    g.add_argument("--shuffle", action="store_true", help="shuffle samples each epoch")
    g.add_argument("--shuffle-seed", type=int, default=run.shuffle_seed, metavar="S")
    d = p.add_argument_group("data (synthetic unless --data-csv)")
    d.add_argument("--seed", type=int, default=data.seed, help="(default %(default)s)")
    d.add_argument("--slope", type=float, default=data.slope, help="(default %(default)s)")
    d.add_argument("--intercept", type=float, default=data.intercept, help="(default %(default)s)")
    d.add_argument("--noise", type=float, default=data.noise, help="(default %(default)s)")
    d.add_argument("--x-start", type=float, default=data.x_start, help="(default %(default)s)")
    d.add_argument("--x-stop", type=float, default=data.x_stop, help="(default %(default)s)")
    d.add_argument("--x-step", type=float, default=data.x_step, help="(default %(default)s)")
    d.add_argument("--n-points", type=int, default=None, help="evenly spaced points instead of --x-step")
    d.add_argument("--data-csv", metavar="PATH", type=_file_name,
                   help="two numeric columns x, y (header optional)")
    d.add_argument("--config", metavar="SESSION", type=_file_name,
                   help="take the data and the first run from a session file saved by the window; "
                   "flags given as well override its settings")
    st = p.add_argument_group("steering: a schedule, changes mid-run, early stops")
    st.add_argument("--schedule", choices=SCHEDULES, default="constant",
                    help="the learning rate's schedule, lr·f(step) (default constant)")
    st.add_argument("--schedule-gamma", type=float, default=schedule.gamma, metavar="G",
                    help="step: ×G every --schedule-every steps; exponential: ×G a step (default %(default)s)")
    st.add_argument("--schedule-every", type=int, default=schedule.every, metavar="N", help="(default %(default)s)")
    st.add_argument("--schedule-decay", type=float, default=schedule.decay, metavar="D",
                    help="inverse_time: lr/(1 + D·step) (default %(default)s)")
    st.add_argument("--schedule-floor", type=float, default=schedule.floor, metavar="F",
                    help="cosine: down to F·lr at the end (default %(default)s)")
    st.add_argument("--warmup-steps", type=int, default=schedule.warmup, metavar="N", help="(default %(default)s)")
    st.add_argument("--warmup-start", type=float, default=schedule.start, metavar="F",
                    help="warmup: from F·lr up to lr (default %(default)s)")
    for field in STEERABLE:
        st.add_argument(f"--{field.replace('_', '-')}-change", action="append", default=[], metavar="STEP:VALUE",
                        help=f"set {field} to VALUE from step STEP on, without starting again (repeatable)")
    st.add_argument("--stop-target", type=float, metavar="L", help="stop once the full-data loss is at most L")
    st.add_argument("--stop-grad-norm", type=float, metavar="EPS", help="stop once ‖∇L‖ < EPS (full data)")
    st.add_argument("--stop-plateau", type=float, metavar="DELTA",
                    help="stop once the loss changed less than DELTA over --stop-window steps")
    st.add_argument("--stop-window", type=int, default=100, metavar="N", help="(default %(default)s)")
    st.add_argument("--max-steps", type=int, metavar="N", help="stop after N steps at most")
    st.add_argument("--max-samples", type=int, metavar="N", help="stop once N samples were seen (gradient evaluations)")
    c = p.add_argument_group("conditioning (train on x′ = (x − c)/s; the answer is printed on raw x too)")
    which = c.add_mutually_exclusive_group()
    which.add_argument("--center", action="store_true", help="x′ = x − mean(x): the valley's tilt goes")
    which.add_argument("--standardize", action="store_true",
                       help="x′ = (x − mean(x))/std(x): a round valley (κ = 1)")
    c.add_argument("--x-shift", type=float, metavar="C", help="x′ = (x − C)/S with --x-scale (default 0)")
    c.add_argument("--x-scale", type=float, metavar="S", help="(default 1)")
    o = p.add_argument_group("output")
    o.add_argument("--history-csv", metavar="PATH", type=_file_name, help="write every step to this CSV file")
    o.add_argument("--quiet", action="store_true", help="print only the summary line")
    o.add_argument("--animation", metavar="PATH", type=_file_name,
                   help="also write the run as an animation (.gif, or .mp4 with imageio-ffmpeg), "
                   "rendered by the window offscreen")
    o.add_argument("--animation-fps", type=int, default=ANIMATION_FPS, metavar="N",
                   help="frames per second (default %(default)s; with --animation)")
    o.add_argument("--animation-seconds", type=float, default=ANIMATION_SECONDS, metavar="S",
                   help="length (default %(default)s; with --animation)")
    o.add_argument("--animation-plots", action="store_true",
                   help="the plots only, at their size on screen (not the whole window scaled down; "
                   "with --animation)")
    return p


def run_headless(argv: Sequence[str]) -> int:
    """``gdviewer run``: train to the end and report like the tutorial."""
    from gdviewer.core.config import DataConfig, RunConfig
    from gdviewer.core.data import load_csv, synthetic
    from gdviewer.core.errors import ConfigError, DataError

    parser = _run_parser()
    args = parser.parse_args(list(argv))
    given = _explicit_flags(list(argv))
    lonely = [f"--{name.replace('_', '-')}" for name in ("animation_fps", "animation_seconds", "animation_plots")
              if name in given]
    if lonely and not args.animation:
        parser.exit(EXIT_USAGE, f"gdviewer run: error: {' and '.join(lonely)} only "
                                f"{'make' if len(lonely) > 1 else 'makes'} sense with --animation PATH\n")
    if args.animation and not args.animation.lower().endswith((".gif", ".mp4")):
        parser.exit(EXIT_USAGE, f"gdviewer run: error: --animation must name a .gif or .mp4 file, got "
                                f"{args.animation!r}\n")
    try:
        if args.config:
            return _run_session(parser, args, list(argv))
        if args.data_csv:
            dataset = load_csv(args.data_csv)
        else:
            dataset = synthetic(DataConfig(
                slope=args.slope, intercept=args.intercept, noise=args.noise, x_start=args.x_start,
                x_stop=args.x_stop, x_step=args.x_step, n_points=args.n_points, seed=args.seed))
        config = RunConfig(
            algorithm=args.algorithm, batch_size=args.batch_size, optimizer=args.optimizer, lr=args.lr,
            momentum=args.momentum, beta1=args.beta1, beta2=args.beta2, alpha=args.alpha, eps=args.eps,
            epochs=args.epochs, init_w=args.init_w, init_b=args.init_b, shuffle=args.shuffle,
            shuffle_seed=args.shuffle_seed, **_steering(args)).validate(dataset.n)
    except (ConfigError, DataError) as exc:
        parser.exit(EXIT_USAGE, f"gdviewer run: error: {exc}\n")
    return _train_and_report(parser, args, dataset, config)


def _transform(parser: argparse.ArgumentParser, args: argparse.Namespace, dataset, default):
    """The x transform the flags ask for (``default``: a session's own, or raw x)."""
    from gdviewer.core.conditioning import XTransform, centred, standardised
    from gdviewer.core.errors import ConfigError

    custom = args.x_shift is not None or args.x_scale is not None
    if custom and (args.center or args.standardize):
        parser.exit(EXIT_USAGE, "gdviewer run: error: --x-shift/--x-scale cannot be combined with "
                                f"--{'center' if args.center else 'standardize'}\n")
    if args.center:
        return centred(dataset.surface)
    if args.standardize:
        return standardised(dataset.surface)
    if custom:
        transform = XTransform(args.x_shift or 0.0, 1.0 if args.x_scale is None else args.x_scale, "custom")
        try:
            return transform.validate()
        except ConfigError as exc:
            field = {"center": "--x-shift", "scale": "--x-scale"}.get(exc.field, exc.field)
            parser.exit(EXIT_USAGE, f"gdviewer run: error: {field} {exc.message}\n")
    return default.following(dataset.surface)


def _steering(args: argparse.Namespace, given: dict[str, object] | None = None) -> dict[str, object]:
    """The schedule, changes and stops the flags ask for (with ``given``, the typed flags only:
    a session's own stay unless a flag of theirs was typed)."""
    from gdviewer.core.steering import STEERABLE, RunChange, Schedule, StopRules

    out: dict[str, object] = {}
    if given is None or any(k.startswith(("schedule", "warmup")) for k in given):
        out["schedule"] = Schedule(args.schedule, args.schedule_every, args.schedule_gamma, args.schedule_decay,
                                   args.schedule_floor, args.warmup_steps, args.warmup_start)
    changes = [RunChange.parse(text, field) for field in STEERABLE for text in getattr(args, f"{field}_change")]
    if given is None or changes:
        out["changes"] = tuple(sorted(changes, key=lambda c: c.step))
    if given is None or any(k.startswith("stop") or k in ("max_steps", "max_samples") for k in given):
        out["stop"] = StopRules(args.stop_grad_norm, args.stop_plateau, args.stop_window, args.stop_target,
                                args.max_steps, args.max_samples)
    return out


def _explicit_flags(argv: list[str]) -> dict[str, object]:
    """The flags actually typed (argparse fills in defaults; this parse has none)."""
    quiet = _run_parser()
    for action in quiet._actions:
        action.default = argparse.SUPPRESS
    return vars(quiet.parse_args(argv))


RUN_FLAGS = ("algorithm", "batch_size", "optimizer", "lr", "momentum", "beta1", "beta2", "alpha", "eps", "epochs",
             "init_w", "init_b", "shuffle", "shuffle_seed")
DATA_FLAGS = {"seed": "seed", "slope": "slope", "intercept": "intercept", "noise": "noise", "x_start": "x_start",
              "x_stop": "x_stop", "x_step": "x_step", "n_points": "n_points"}


def _run_session(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str]) -> int:
    """``gdviewer run --config SESSION``: the session's data and first run, flags overriding."""
    import numpy as np

    from gdviewer.core.data import Dataset, load_csv, synthetic
    from gdviewer.core.errors import ConfigError, DataError
    from gdviewer.core.session_file import load_session

    try:
        spec = load_session(args.config)
        given = _explicit_flags(argv)
        run = spec.all_runs()[0].config.with_changes(**{k: given[k] for k in RUN_FLAGS if k in given},
                                                     **_steering(args, given))
        if args.data_csv:
            dataset = load_csv(args.data_csv)
        elif spec.points is not None:
            xs, ys, source = spec.points
            dataset = Dataset.from_arrays(np.asarray(xs), np.asarray(ys), source=source)
        else:
            changes = {v: given[k] for k, v in DATA_FLAGS.items() if k in given}
            dataset = synthetic(spec.data.__class__(**{**spec.data.to_dict(), **changes}))
        run.validate(dataset.n)
    except (ConfigError, DataError) as exc:
        parser.exit(EXIT_USAGE, f"gdviewer run: error: {exc}\n")
    return _train_and_report(parser, args, dataset, run, spec.x_transform)


def _train_and_report(parser: argparse.ArgumentParser, args: argparse.Namespace, raw, config,
                      default_transform=None) -> int:
    from gdviewer.core.conditioning import RAW, transformed_dataset
    from gdviewer.core.trainer import RunStatus, train

    transform = _transform(parser, args, raw, default_transform or RAW)
    dataset = transformed_dataset(raw, transform)
    history, trainer = train(dataset, config)
    if not args.quiet:
        epochs = history.epoch
        ends = list(_epoch_ends(epochs))
        starts = history.epoch_loss
        for e, last in ends:
            first = last - int((epochs[: last + 1] == e).sum()) + 1
            print(f"{e}, \t{float(starts[first])}, \t{float(history.w[last])}, \t{float(history.b[last])}")
    surface = trainer.surface
    w_opt, b_opt = surface.optimum
    final = trainer.params
    final_loss = float(surface.loss(*final)) if all(map(math.isfinite, final)) else math.inf
    print(f"final: loss {final_loss:.6g}, w {final[0]:.6g}, b {final[1]:.6g} | least squares: "
          f"w* {w_opt:.6g}, b* {b_opt:.6g}, loss {surface.min_loss:.6g} | "
          f"{trainer.status.value} after {trainer.steps_done} steps"
          + (f" (stopped early: {trainer.stop_reason})" if trainer.stop_reason else ""))
    if not transform.identity:
        raw_w, raw_b = transform.raw_coefficients(*final)
        raw_opt = raw.surface.optimum
        print(f"on raw x ({transform.describe()}): w {raw_w:.6g}, b {raw_b:.6g} | least squares on raw x: "
              f"w* {raw_opt[0]:.6g}, b* {raw_opt[1]:.6g}")
    if args.history_csv:
        try:
            history.to_csv(args.history_csv)
        except OSError as exc:
            parser.exit(EXIT_USAGE, f"gdviewer run: error: cannot write {args.history_csv}: {exc.strerror or exc}\n")
    if args.animation:
        error = _write_animation(args, raw, config, transform)
        if error:
            parser.exit(EXIT_USAGE, f"gdviewer run: error: {error}\n")
    if trainer.status is RunStatus.DIVERGED:
        print(f"gdviewer run: {trainer.message}", file=sys.stderr)
        return EXIT_DIVERGED
    return EXIT_OK


def _write_animation(args: argparse.Namespace, dataset, config, transform) -> str | None:
    """Render the run into an animation with the window, offscreen when there is no screen."""
    import os

    from gdviewer.qt_platform import check_xcb

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or check_xcb():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen, or one Qt cannot open
    try:
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from gdviewer.core.atomic_write import atomic_path
        from gdviewer.ui.animation import AnimationSettings, render_animation, train_to_end
        from gdviewer.ui.app import _qt_message_handler, make_main_window
        from gdviewer.ui.theme import apply_plot_theme

        settings = AnimationSettings(args.animation_fps, args.animation_seconds,
                                     width=None if args.animation_plots else 960,
                                     plots_only=args.animation_plots).validate()
    except ValueError as exc:
        return str(exc)
    qInstallMessageHandler(_qt_message_handler)
    app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841 (kept alive while rendering)
    apply_plot_theme()
    window = make_main_window()
    window.playback.set_speed(0)
    window.ask_on_close = False
    window.questions.quiet = True
    try:
        window.session.set_dataset(dataset)
        window.session.set_transform(transform)
        window.session.set_run_config(config)
        window.resize(1360, 860)
        window.show()
        train_to_end(window.session)
        with atomic_path(args.animation) as tmp:  # a full disk leaves no partial file and exits ≠ 0
            frames = render_animation(window.exports.stage, tmp, settings)
    except (OSError, ValueError) as exc:
        return f"could not write the animation: {exc}"
    finally:
        window.close()
    if not args.quiet:
        print(f"animation: {frames} frames written to {args.animation}")
    return None


def _epoch_ends(epochs) -> list[tuple[int, int]]:
    """(epoch, index of its last step) for each epoch present in ``epochs``."""
    import numpy as np

    if len(epochs) == 0:
        return []
    change = np.flatnonzero(np.diff(epochs))
    lasts = np.append(change, len(epochs) - 1)
    return [(int(epochs[i]), int(i)) for i in lasts]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``gdviewer`` and ``python -m gdviewer``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run":
        return run_headless(argv[1:])
    if argv and argv[0] == "lesson-check":
        from gdviewer.lesson_check import main as lesson_check

        return lesson_check(argv[1:])
    if argv and argv[0] == "install-desktop":
        from gdviewer.desktop import main as install_desktop

        return install_desktop(argv[1:])
    from gdviewer.ui.app import run_app

    return run_app(argv)
