"""Start-up: QApplication, the main window, command-line options, screenshots, signals."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from gdviewer import __version__

ORGANIZATION = "gdviewer"
APPLICATION = "gdviewer"


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, got {text!r}") from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise argparse.ArgumentTypeError(f"size must be between 200x200 and 10000x10000, got {text!r}")
    return w, h


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed must be a number of steps per second, got {text!r}") from None
    if not (value >= 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"speed must be 0 (max) or a positive number, got {text!r}")
    return value


def _zoom(text: str) -> float:
    from gdviewer.ui.theme import Appearance

    try:
        return Appearance(zoom=float(text)).zoom
    except ValueError as exc:
        message = str(exc) if "between" in str(exc) else "zoom must be a number such as 1.5"
        raise argparse.ArgumentTypeError(f"{message}, got {text!r}" if "got" not in message else message) from None


#: Qt messages that say nothing to a user (the offscreen platform used for headless
#: screenshots cannot size top-level windows).
QUIET_QT_MESSAGES = ("This plugin does not support propagateSizeHints",)


def _qt_message_handler(mode, context, message: str) -> None:
    if message.startswith(QUIET_QT_MESSAGES):
        return
    print(message, file=sys.stderr)


def _install_startup_probe(window, report_path: str) -> None:
    """For the benchmark: write the wall-clock times of the window's first paint and of
    ready-to-train to ``report_path`` as JSON, then quit."""
    import json
    import time

    from PySide6.QtCore import QTimer

    times: dict[str, float] = {}

    def finish() -> None:
        if "first_paint" in times and "ready" in times:
            with open(report_path, "w") as fh:
                json.dump(times, fh)
            QTimer.singleShot(0, window.close)

    def first_paint() -> None:
        times["first_paint"] = time.time()
        QTimer.singleShot(0, finish)

    window.ask_on_close = False
    from gdviewer.ui.engine_loader import on_first_paint

    on_first_paint(window.surface_panel.plot_widget.viewport(), first_paint)

    def ready() -> None:
        times["ready"] = time.time()
        finish()

    if window.engine.is_ready:
        ready()
    else:
        window.engine.ready.connect(ready)


def _start_up(window, spec, file: str | None, run: bool, tour_step: int | None, first_tour: bool) -> None:
    """What happens once the window is up, in this order: the offer to restore a session
    lost in a crash (before anything could overwrite its recovery file), the preset, session
    or data file asked for, training (--run), then the tour, once no dialog is open."""
    from gdviewer.ui.document import is_session_file

    restored = window.autosave.offer()
    if restored and (spec is not None or file is not None):
        asked = Path(file).name if file is not None else spec.name or "the session asked for"
        window.banner.show_message("Restored the session from before gdviewer stopped unexpectedly. "
                                   f"{asked} was not opened, so nothing of it is lost: save it first.")
    elif spec is not None:
        window.document.apply_spec(spec)
    elif file is not None:
        if run and not is_session_file(file):  # data load in the background: train after
            window.document.after_data_loaded(lambda ok: window.session.play() if ok else None)
            run = False
        window.document.open_path(file)
    if run and not restored:
        window.session.play()
    if tour_step is not None:
        tour = window.start_tour()
        for _ in range(max(0, min(tour_step, len(tour.steps)) - 1)):
            tour.next()
    elif first_tour:
        window.start_tour_when_idle()


def make_main_window(settings=None, recovery_path: str | Path | None = None):
    """A main window: the one place outside the window's own module that builds one (the
    command line's animations, the benchmarks and the soak come here too)."""
    from gdviewer.ui.main_window import MainWindow

    return MainWindow(settings=settings, recovery_path=recovery_path)


def gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gdviewer",
        description="Watch gradient descent train a PyTorch model, live. "
                    "Use 'gdviewer run --help' for the headless trainer.")
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="a session (.json) or data file (.csv) to open, as File → Open does")
    p.add_argument("--preset", metavar="NAME", help="start with a preset (see the Presets menu)")
    p.add_argument("--config", metavar="FILE", help="start with a session file (.json)")
    p.add_argument("--run", action="store_true", help="start training at once")
    p.add_argument("--speed", type=_speed, default=None, metavar="STEPS_PER_SECOND",
                   help="training speed per run; 0 = as fast as possible (default: as last time, else 10; "
                   "screenshots: 0)")
    p.add_argument("--screenshot", metavar="PATH",
                   help="render the window to this PNG and exit (after training, with --run)")
    p.add_argument("--size", type=_size, default=None, metavar="WxH", help="window size, e.g. 1280x800")
    p.add_argument("--theme", choices=("system", "light", "dark"), default=None,
                   help="colours (default: as last time, else follow the system)")
    p.add_argument("--zoom", type=_zoom, default=None, metavar="FACTOR",
                   help="text size, 0.8 to 3 (Ctrl + / Ctrl − in the window)")
    p.add_argument("--presentation", action="store_true",
                   help="start in presentation mode: full screen, large text, thick lines")
    p.add_argument("--tour", nargs="?", type=int, const=1, default=None, metavar="STEP",
                   help="start the guided tour (at STEP, from 1); it also opens by itself on the first start")
    p.add_argument("--step-panel", action="store_true",
                   help="open the Step panel: the arithmetic of the step shown, worked out on the data")
    p.add_argument("--lesson", metavar="FILE", default=None,
                   help="open a lesson (.yaml): predict, then reveal (File → Lessons has the ones that ship)")
    p.add_argument("--class-mode", action="store_true",
                   help="with --lesson: the teacher reveals when the room has voted, no scores shown")
    p.add_argument("--help-topic", metavar="TOPIC", default=None,
                   help="open the 'What am I looking at?' panel at TOPIC (e.g. surface, zigzag)")
    p.add_argument("--version", action="version", version=f"gdviewer {__version__}")
    return p


def run_app(argv: Sequence[str]) -> int:
    """Open the window; returns the process exit status."""
    args = gui_parser().parse_args(list(argv))
    from gdviewer.qt_platform import check_xcb

    problem = check_xcb()  # Qt's xcb plugin aborts the process on a missing library: say why first
    if problem:
        print(problem, file=sys.stderr, end="")
        return 1
    from PySide6.QtCore import QSettings, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_qt_message_handler)

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("gdviewer")  # Wayland matches the window to gdviewer.desktop and its icon

    from gdviewer.core.errors import DataError
    from gdviewer.core.session_file import load_session
    from gdviewer.presets import load_presets
    from gdviewer.ui.document import is_session_file
    from gdviewer.ui.theme import apply_plot_theme

    apply_plot_theme()
    from gdviewer.ui.icons import app_icon

    app.setWindowIcon(app_icon())
    if args.file is not None and not Path(args.file).is_file():
        print(f"gdviewer: error: no such file: {args.file}", file=sys.stderr)
        return 2
    if args.help_topic is not None:
        from gdviewer.ui.help_panel import load_help_topics

        topics = [t.id for t in load_help_topics()]
        if args.help_topic not in topics:
            print(f"gdviewer: error: unknown help topic {args.help_topic!r}; choose one of: {', '.join(topics)}",
                  file=sys.stderr)
            return 2
    spec = None
    try:
        if args.preset:
            presets = load_presets()
            if args.preset not in presets:
                print(f"gdviewer: error: unknown preset {args.preset!r}; choose one of: "
                      + "; ".join(presets), file=sys.stderr)
                return 2
            spec = presets[args.preset]
        if args.config:
            spec = load_session(args.config)
    except DataError as exc:
        print(f"gdviewer: error: {exc}", file=sys.stderr)
        return 2
    from PySide6.QtCore import QStandardPaths

    settings = QSettings()
    recovery = None
    if not args.screenshot and not os.environ.get("GDVIEWER_STARTUP_PROBE"):
        recovery = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)) / \
            "recovery.json"
    window = make_main_window(settings=settings if not args.screenshot else None, recovery_path=recovery)
    if recovery is None and spec is not None:
        window.document.apply_spec(spec)  # nothing to ask first: the first frame shows it
        spec = None

    speed = args.speed
    if speed is None and args.screenshot:
        speed = 0  # a screenshot of a trained run needs no pacing
    if speed is not None:
        window.playback.set_speed(speed)
        window.session.set_speed(speed)
    if args.size:
        window.resize(*args.size)
    if args.theme is not None or args.zoom is not None:
        from dataclasses import replace

        view = window.view_options
        view.set_appearance(replace(view.appearance, theme=args.theme or view.appearance.theme,
                                    zoom=args.zoom or view.appearance.zoom))
    window.show()
    if args.help_topic is not None:
        window.show_help(args.help_topic)
    if args.step_panel:
        window.docks["step"].show()
        window.docks["step"].raise_()
    if args.lesson:
        window.lesson.open(args.lesson, "class" if args.class_mode else "self-study")
    if args.presentation:
        window.view_options.set_presentation(True)
        if args.size:  # (a desktop without a window manager does not make it full screen)
            window.resize(*args.size)
            QTimer.singleShot(0, lambda: window.resize(*args.size))  # (after docks placed for it)
    if args.run or not args.screenshot:  # (a screenshot of the untrained window needs no torch)
        window.engine.load_after_first_paint(window.surface_panel.plot_widget.viewport())
    probe = os.environ.get("GDVIEWER_STARTUP_PROBE")
    from gdviewer.ui.tour import tour_seen

    first_tour = args.tour is None and not args.screenshot and not probe and not tour_seen(settings)
    QTimer.singleShot(0, lambda: _start_up(window, spec, args.file, args.run, args.tour, first_tour))
    if probe:
        _install_startup_probe(window, probe)

    exit_code = 0

    def finish_screenshot() -> None:
        nonlocal exit_code
        if not window.exports.screenshot(args.screenshot):
            print(f"gdviewer: error: could not write {args.screenshot}", file=sys.stderr)
            exit_code = 1
        window.close()

    if args.screenshot:
        window.questions.quiet = True
        window.ask_on_close = False
        window.questions.choose_columns = lambda _name, _columns, default=(0, 1): default  # the proposal
        if args.run:
            def on_state(state: str) -> None:
                from gdviewer.ui.session import FINAL_STATES

                if state in FINAL_STATES:
                    QTimer.singleShot(150, finish_screenshot)

            window.session.state_changed.connect(on_state)
        elif args.file is not None and not is_session_file(args.file):  # loads in the background: wait
            window.document.after_data_loaded(lambda _ok: QTimer.singleShot(400, finish_screenshot))
        else:
            QTimer.singleShot(400, finish_screenshot)

    # Ctrl+C and SIGTERM close the window cleanly (stopping the worker thread first).
    def on_signal(_signum: int, _frame: object) -> None:
        window.ask_on_close = False  # asked from a terminal to stop: no dialog in the way
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    wake = QTimer()
    wake.start(200)  # lets the interpreter run Python signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    window.closed.connect(app.quit)
    status = app.exec()
    wake.stop()
    from gdviewer.ui.background import wait_for_background_threads

    wait_for_background_threads()  # never destroy a QThread that is still running
    window.engine.close()
    return exit_code or status
