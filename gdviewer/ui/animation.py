"""Animations of a run for slides: the window replayed step by step into a GIF (or MP4).

The run is trained first (in the worker, as always); the frames then replay it through the
timeline at evenly spaced steps, so the animation shows exactly what the window showed.
GIF is written with Pillow; MP4 with imageio-ffmpeg when it is installed (it ships an
ffmpeg binary), otherwise a clear message says how to get it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from gdviewer.ui.session import FINAL_STATES, Session


class AnimationCancelled(Exception):
    """The user cancelled; the partial file was removed."""


@dataclass(frozen=True)
class AnimationSettings:
    """What an animation shows and how long it lasts. ``plots_only`` leaves out the menus,
    docks and controls: the four plots as on screen; ``width`` None keeps the pictures at the
    screen's own size (1:1, text exactly as legible as in the window)."""

    fps: int = 12
    seconds: float = 6.0
    width: int | None = 960  # pixels; the height follows the picture's shape
    plots_only: bool = False

    def validate(self) -> AnimationSettings:
        if not 1 <= self.fps <= 60:
            raise ValueError(f"frame rate must be 1 to 60 frames per second, got {self.fps}")
        if not 0.5 <= self.seconds <= 120:
            raise ValueError(f"length must be 0.5 to 120 seconds, got {self.seconds}")
        if self.width is not None and not 160 <= self.width <= 3840:
            raise ValueError(f"width must be 160 to 3840 pixels, got {self.width}")
        return self

    @property
    def frames(self) -> int:
        return max(2, round(self.fps * self.seconds))


def frame_steps(total_steps: int, frames: int) -> np.ndarray:
    """The step shown in each frame: from the start (0) to the last step, evenly spaced.
    Exactly ``frames`` of them: a run with fewer steps than frames holds each step for several
    frames, so the animation lasts as long as asked (it used to drop the repeats: 21 frames)."""
    return np.linspace(0, total_steps, max(frames, 2)).round().astype(np.int64)


def frame_durations_ms(frames: int, fps: int) -> list[int]:
    """Per-frame display times that add up to exactly ``frames / fps`` seconds. GIF stores them
    in hundredths of a second, so 12 fps cannot be 83 ms each (that became 80 ms, and 6 s
    became 5.76 s): the hundredths are spread so their sum is exact."""
    ticks = [round(i * 100 / fps) for i in range(frames + 1)]
    return [10 * (b - a) for a, b in itertools.pairwise(ticks)]


def _rgb(image: QImage, width: int | None) -> tuple[bytes, int, int]:
    if width is not None and width != image.width():
        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    stride = image.bytesPerLine()
    raw = bytes(image.constBits())
    rows = [raw[y * stride : y * stride + 3 * w] for y in range(h)]  # drop the row padding
    return b"".join(rows), w, h


def _panel_image(panel) -> QImage:
    """One panel's plot and the caption under it (its options row left out)."""
    plot = panel.plot_widget.grab().toImage()
    caption = panel.readout.grab().toImage() if panel.readout.isVisible() else None
    height = plot.height() + (caption.height() if caption is not None else 0)
    image = QImage(plot.width(), height, QImage.Format.Format_RGB32)
    image.fill(panel.palette().window().color())
    painter = QPainter(image)
    painter.drawImage(0, 0, plot)
    if caption is not None:
        painter.drawImage(0, plot.height(), caption)
    painter.end()
    return image


@dataclass(frozen=True)
class Stage:
    """What an animation films: the session it replays, how the window draws a moment, the
    window itself, and the plot panels (the surface, and those stacked beside it)."""

    session: Session
    redraw: Callable[[], None]
    window: QWidget
    surface: QWidget
    side: tuple[QWidget, ...]


def plots_image(stage: Stage) -> QImage:
    """The plots without the window around them: the surface on the left, the other panels
    stacked on its right, each at its size on screen. Falls back to the whole window when
    every panel is hidden."""
    left = [p for p in (stage.surface,) if p.isVisible()]
    right = [p for p in stage.side if p.isVisible()]
    if not left and not right:
        return stage.window.grab().toImage()
    columns = [[_panel_image(p) for p in column] for column in (left, right) if column]
    widths = [max(i.width() for i in column) for column in columns]
    heights = [sum(i.height() for i in column) for column in columns]
    gap = 6
    image = QImage(sum(widths) + gap * (len(columns) - 1), max(heights), QImage.Format.Format_RGB32)
    image.fill(stage.surface.palette().window().color())
    painter = QPainter(image)
    x = 0
    for column, width in zip(columns, widths, strict=True):
        y = 0
        for part in column:
            painter.drawImage(x, y, part)
            y += part.height()
        x += width + gap
    painter.end()
    return image


def frame_image(stage: Stage, settings: AnimationSettings) -> QImage:
    """The picture of one frame: the plots only, or the whole window."""
    if settings.plots_only:
        return plots_image(stage)
    return stage.window.grab().toImage()


def train_to_end(session: Session, timeout_s: float = 600.0) -> None:
    """Run the session to its end (in the worker) and wait, events flowing."""
    s = session
    if s.state in FINAL_STATES and len(s.history):
        return
    pace = s.speed
    s.set_speed(0)  # the animation replays the steps at its own rate: train at full speed
    try:
        if s.state != "running":
            s.play()
        loop = QEventLoop()
        s.state_changed.connect(lambda state: loop.quit() if state in FINAL_STATES else None)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        if s.state not in FINAL_STATES:
            loop.exec()
    finally:
        s.set_speed(pace)


def render_animation(stage: Stage, path: str | Path, settings: AnimationSettings,
                     progress: Callable[[int, int], bool] | None = None) -> int:
    """Write the animation of the stage's (finished) run to ``path``; returns the frame count.

    ``progress(done, total)`` is called after each frame; returning False cancels (the
    partial file is removed and AnimationCancelled raised).
    """
    settings.validate()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"animations are .gif or .mp4, not {suffix or 'no suffix'}")
    s = stage.session
    steps = frame_steps(len(s.history), settings.frames)
    writer = _GifWriter(path, settings.fps) if suffix == ".gif" else _Mp4Writer(path, settings.fps)
    s.animating = True  # the time series grow with the frames, no replay cursors
    try:
        frame = None
        for k, step in enumerate(steps):
            if frame is None or step != steps[k - 1]:  # a held step reuses its picture
                s.set_view_step(int(step))
                stage.redraw()
                QApplication.processEvents()
                frame = _rgb(frame_image(stage, settings), settings.width)
            writer.add(*frame)
            if progress is not None and progress(k + 1, len(steps)) is False:
                raise AnimationCancelled
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        s.animating = False
        s.set_view_step(None)
        stage.redraw()
    return len(steps)


class _GifWriter:
    def __init__(self, path: Path, fps: int) -> None:
        self.path, self.fps = path, fps
        self.frames: list = []

    def add(self, rgb: bytes, w: int, h: int) -> None:
        from PIL import Image

        # one adaptive palette per frame keeps the heatmap's gradient smooth
        self.frames.append(Image.frombytes("RGB", (w, h), rgb).quantize(colors=255, method=Image.Quantize.MEDIANCUT))

    def close(self) -> None:
        first, rest = self.frames[0], self.frames[1:]
        durations = frame_durations_ms(len(self.frames), self.fps)
        first.save(self.path, save_all=True, append_images=rest, duration=durations, loop=0, disposal=1)

    def abort(self) -> None:
        self.frames = []
        self.path.unlink(missing_ok=True)


class _Mp4Writer:
    def __init__(self, path: Path, fps: int) -> None:
        try:
            import imageio_ffmpeg
        except ImportError:
            raise ValueError("MP4 needs the imageio-ffmpeg package (pip install imageio-ffmpeg); "
                             "GIF works without it") from None
        self.module = imageio_ffmpeg
        self.path, self.fps = path, fps
        self.gen = None
        self.sent = 0

    def add(self, rgb: bytes, w: int, h: int) -> None:
        if self.gen is None:
            w2, h2 = w - w % 2, h - h % 2  # H.264 wants even sizes
            self.size = (w, h, w2, h2)
            self.gen = self.module.write_frames(str(self.path), (w2, h2), fps=self.fps, quality=7,
                                                macro_block_size=1)
            self.gen.send(None)
        w, h, w2, h2 = self.size
        frame = np.frombuffer(rgb, dtype=np.uint8).reshape(h, w, 3)[:h2, :w2]
        self.gen.send(np.ascontiguousarray(frame).tobytes())
        self.sent += 1

    def close(self) -> None:
        if self.gen is not None:
            self.gen.close()
            self._check()

    def _check(self) -> None:
        """imageio-ffmpeg does not look at ffmpeg's exit status: a full disk ("No space left on
        device") left a truncated video and no error. Read the file back and count its frames."""
        try:
            frames, _seconds = self.module.count_frames_and_secs(str(self.path))
        except Exception:  # ffmpeg's own errors: RuntimeError, OSError, …
            frames = 0
        if frames < self.sent:
            raise OSError(f"ffmpeg wrote {frames} of {self.sent} frames to {self.path.name} "
                          "(is the disk full?)")

    def abort(self) -> None:
        if self.gen is not None:
            self.gen.close()
        self.path.unlink(missing_ok=True)


class AnimationDialog(QDialog):
    """What to show, frame rate, length and width of an animation."""

    def __init__(self, parent: QWidget | None = None, settings: AnimationSettings | None = None,
                 plots_width: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export an animation")
        settings = settings or AnimationSettings()
        self._plots_width = plots_width  # the plots' width on screen: 1:1 keeps their text legible
        self.content = QComboBox()
        self.content.addItems(["The whole window", "The plots only"])
        self.content.setAccessibleName("What the animation shows")
        self.content.setToolTip("The plots only: the surface and the other panels as on screen, without "
                                "menus, docks and controls — the text stays as large as in the window")
        self.content.setCurrentIndex(1 if settings.plots_only else 0)
        self.fps = QSpinBox()
        self.fps.setRange(1, 60)
        self.fps.setValue(settings.fps)
        self.fps.setSuffix(" frames/s")
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0.5, 120.0)
        self.seconds.setValue(settings.seconds)
        self.seconds.setSuffix(" s")
        self.width_box = QSpinBox()
        self.width_box.setRange(160, 3840)
        self.width_box.setValue(settings.width or plots_width or 960)
        self.width_box.setSuffix(" px wide")
        self.size_note = QLabel()
        self.size_note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel("The run is trained to its end, then replayed into the file."))
        form.addRow("Show", self.content)
        form.addRow("Frame rate", self.fps)
        form.addRow("Length", self.seconds)
        form.addRow("Size", self.width_box)
        form.addRow(self.size_note)
        form.addRow(buttons)
        self.content.currentIndexChanged.connect(self._on_content)
        self.width_box.valueChanged.connect(self._explain_size)
        self._explain_size()

    def _on_content(self, index: int) -> None:
        if index == 1 and self._plots_width:
            self.width_box.setValue(max(160, min(3840, self._plots_width)))  # 1:1 with the screen
        self._explain_size()

    def _explain_size(self) -> None:
        if self.content.currentIndex() == 1 and self._plots_width:
            scale = self.width_box.value() / self._plots_width
            self.size_note.setText(f"The plots are {self._plots_width} px wide on screen: "
                                   + ("the text stays as legible as in the window." if scale >= 0.95 else
                                      f"at {scale:.0%} of that, small text gets harder to read."))
        else:
            self.size_note.setText("The whole window, scaled to this width.")

    def settings(self) -> AnimationSettings:
        return AnimationSettings(self.fps.value(), float(self.seconds.value()), self.width_box.value(),
                                 plots_only=self.content.currentIndex() == 1)
