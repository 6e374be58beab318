"""Animations: the run replayed into GIF/MP4 frames, cancellable; and from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gdviewer.ui.animation import (
    AnimationCancelled,
    AnimationDialog,
    AnimationSettings,
    frame_durations_ms,
    frame_steps,
    plots_image,
    render_animation,
)

ROOT = Path(__file__).resolve().parents[2]


def test_frames_are_spread_from_the_start_to_the_last_step():
    steps = frame_steps(2000, 30)
    assert steps[0] == 0 and steps[-1] == 2000 and steps.size == 30
    assert np.all(np.diff(steps) > 0)
    short = frame_steps(5, 30)  # fewer steps than frames: each step is held (issue 12: 21 frames for 6 s)
    assert short.size == 30 and short[0] == 0 and short[-1] == 5 and np.all(np.diff(short) >= 0)


@pytest.mark.parametrize(("fps", "seconds"), [(12, 6.0), (7, 3.0), (30, 1.5), (1, 2.0)])
def test_frame_durations_add_up_to_the_length_in_gif_hundredths(fps, seconds):
    frames = AnimationSettings(fps=fps, seconds=seconds).frames
    durations = frame_durations_ms(frames, fps)
    assert len(durations) == frames and sum(durations) == round(seconds * 1000)
    assert all(d % 10 == 0 and abs(d - 1000 / fps) < 10 for d in durations)


def test_a_short_run_still_makes_a_gif_as_long_as_asked(qtbot, window, tmp_path):
    window.document.apply_preset("Tutorial: batch GD")  # 20 steps
    path = tmp_path / "batch.gif"
    assert window.exports.animation(path, AnimationSettings(fps=12, seconds=6.0, width=320)) == 72
    with Image.open(path) as gif:
        total = 0
        for k in range(gif.n_frames):
            gif.seek(k)
            total += gif.info["duration"]
    assert total == 6000  # (Pillow merges identical frames and adds their durations)


def test_a_gif_has_the_frames_asked_for_and_the_window_comes_back_live(qtbot, window, tmp_path):
    window.document.apply_preset("Tutorial: stochastic GD")
    path = tmp_path / "run.gif"
    frames = window.exports.animation(path, AnimationSettings(fps=10, seconds=2.0, width=400))
    assert frames == 20
    with Image.open(path) as gif:
        assert gif.n_frames == 20 and gif.size[0] == 400
        assert gif.info["duration"] == 100
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=np.int16)
        gif.seek(19)
        last = np.asarray(gif.convert("RGB"), dtype=np.int16)
    assert np.abs(first - last).mean() > 1  # the picture changes as the run trains
    s = window.session
    assert s.view_step is None and not s.animating and len(s.history) == 2000


def test_the_plots_only_animation_keeps_the_plots_at_their_size_on_screen(qtbot, window, tmp_path):
    """Issue 12: the plots without menus and docks, at 1:1 so their text stays legible."""
    window.resize(1280, 800)
    window.document.apply_preset("Tutorial: batch GD")
    qtbot.wait(50)
    plots = plots_image(window.exports.stage)
    surface = window.surface_panel.plot_widget
    assert plots.width() < window.width() and plots.height() < window.height()  # no menus, no docks
    assert plots.width() >= surface.width() + window.data_panel.plot_widget.width()
    path = tmp_path / "plots.gif"
    assert window.exports.animation(path, AnimationSettings(fps=4, seconds=1.0, width=None, plots_only=True)) == 4
    with Image.open(path) as gif:
        assert gif.size == (plots.width(), plots.height())  # not scaled: the text as on screen
        gif.seek(3)
        last = np.asarray(gif.convert("RGB"))
    window.redraw()
    qtbot.wait(50)
    screen = window.surface_panel.plot_widget.grab().toImage()
    screen = screen.convertToFormat(screen.Format.Format_RGB888)
    top_left = last[: screen.height(), : screen.width()]
    expected = np.frombuffer(screen.constBits(), np.uint8)
    expected = expected.reshape(screen.height(), screen.bytesPerLine())[:, : 3 * screen.width()]
    expected = expected.reshape(screen.height(), screen.width(), 3).astype(np.int16)
    assert np.abs(top_left.astype(np.int16) - expected).mean() < 8  # the surface, as on screen (GIF palette)


def test_the_dialog_offers_the_plots_at_their_screen_width(qtbot, window):
    dialog = AnimationDialog(window, plots_width=900)
    qtbot.addWidget(dialog)
    assert not dialog.settings().plots_only and dialog.settings().width == 960
    dialog.content.setCurrentIndex(1)
    assert dialog.settings().plots_only and dialog.settings().width == 900
    assert "as legible as in the window" in dialog.size_note.text()
    dialog.width_box.setValue(450)
    assert "50%" in dialog.size_note.text()


def test_an_mp4_is_written_when_imageio_ffmpeg_is_there(qtbot, window, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / "run.mp4"
    assert window.exports.animation(path, AnimationSettings(fps=5, seconds=1.0, width=320)) == 5
    assert path.read_bytes()[4:8] == b"ftyp"


def test_cancelling_removes_the_partial_file(qtbot, window, tmp_path):
    from gdviewer.ui.animation import train_to_end

    train_to_end(window.session)
    path = tmp_path / "run.gif"
    with pytest.raises(AnimationCancelled):
        render_animation(window.exports.stage, path, AnimationSettings(fps=10, seconds=2.0, width=200),
                         progress=lambda done, total: done < 3)
    assert not path.exists()
    assert window.session.view_step is None


@pytest.mark.parametrize("bad", [AnimationSettings(fps=0), AnimationSettings(seconds=1000),
                                 AnimationSettings(width=10)])
def test_bad_animation_settings_are_refused(bad):
    with pytest.raises(ValueError):
        bad.validate()


def test_headless_run_writes_an_animation(tmp_path):
    out = tmp_path / "cli.gif"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--quiet", "--animation", str(out),
                           "--animation-fps", "4", "--animation-seconds", "2", "--animation-plots"],
                          capture_output=True, text=True, env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    with Image.open(out) as gif:
        assert gif.n_frames == 8
        assert gif.size[0] not in (960, 1360)  # the plots at their own size, not the window scaled
    lonely = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--animation-plots"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert lonely.returncode == 2 and "--animation-plots only makes sense with --animation" in lonely.stderr
    bad = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--animation", str(tmp_path / "x.avi")],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and ".gif or .mp4" in bad.stderr
