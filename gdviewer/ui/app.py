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

    from PySide6.QtCore import QEvent, QObject, QTimer

    times: dict[str, float] = {}

    def finish() -> None:
        if "first_paint" in times and "ready" in times:
            with open(report_path, "w") as fh:
                json.dump(times, fh)
            QTimer.singleShot(0, window.close)

    class FirstPaint(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and "first_paint" not in times:
                times["first_paint"] = time.time()
                QTimer.singleShot(0, finish)
            return False

    window.ask_on_close = False
    watcher = FirstPaint(window)
    window.surface_panel.plot_widget.viewport().installEventFilter(watcher)

    def ready() -> None:
        times["ready"] = time.time()
        finish()

    if window.session_ready:
        ready()
    else:
        window.ready.connect(ready)


def gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gdviewer",
        description="Watch gradient descent train a PyTorch model, live. "
                    "Use 'gdviewer run --help' for the headless trainer.")
    p.add_argument("--preset", metavar="NAME", help="start with a preset (see the Presets menu)")
    p.add_argument("--config", metavar="FILE", help="start with a session file (.json)")
    p.add_argument("--run", action="store_true", help="start training at once")
    p.add_argument("--speed", type=_speed, default=None, metavar="STEPS_PER_SECOND",
                   help="training speed; 0 = as fast as possible (default)")
    p.add_argument("--screenshot", metavar="PATH",
                   help="render the window to this PNG and exit (after training, with --run)")
    p.add_argument("--size", type=_size, default=None, metavar="WxH", help="window size, e.g. 1280x800")
    p.add_argument("--version", action="version", version=f"gdviewer {__version__}")
    return p


def run_app(argv: Sequence[str]) -> int:
    """Open the window; returns the process exit status."""
    args = gui_parser().parse_args(list(argv))
    from PySide6.QtCore import QSettings, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_qt_message_handler)

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)

    from gdviewer.core.errors import DataError
    from gdviewer.core.session_file import load_session
    from gdviewer.presets import load_presets
    from gdviewer.ui.main_window import MainWindow
    from gdviewer.ui.theme import apply_plot_theme

    apply_plot_theme()
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
    window = MainWindow(settings=settings if not args.screenshot else None, recovery_path=recovery)
    if spec is not None:
        window.apply_spec(spec)
    elif recovery is not None:
        QTimer.singleShot(0, window.offer_recovery)
    if args.speed is not None:
        window.playback.set_speed(args.speed)
        window.session.set_speed(args.speed)
    if args.size:
        window.resize(*args.size)
    window.show()
    QTimer.singleShot(0, window.load_engine_in_background)
    probe = os.environ.get("GDVIEWER_STARTUP_PROBE")
    if probe:
        _install_startup_probe(window, probe)

    exit_code = 0

    def finish_screenshot() -> None:
        nonlocal exit_code
        if not window.save_screenshot(args.screenshot):
            print(f"gdviewer: error: could not write {args.screenshot}", file=sys.stderr)
            exit_code = 1
        window.close()

    if args.screenshot:
        window.quiet_errors = True
        window.ask_on_close = False
        if args.run:
            def on_state(state: str) -> None:
                from gdviewer.ui.session import FINAL_STATES

                if state in FINAL_STATES:
                    QTimer.singleShot(150, finish_screenshot)

            window.session.state_changed.connect(on_state)
        else:
            QTimer.singleShot(400, finish_screenshot)
    if args.run:
        QTimer.singleShot(0, window.session.play)

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
    return exit_code or status
