"""Issue 13 in the window: devices, pipes and huge files opened or dropped explain and keep
the session; failed writes (session, export, screenshot, animation) say so and leave no file."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest

from gdviewer.core import atomic_write
from gdviewer.ui.animation import AnimationSettings


def full_disk(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("kind", ["fifo.csv", "zero.csv", "zero.json", "fifo.json", "folder.csv"])
def test_opening_a_device_or_pipe_explains_and_keeps_the_data(qtbot, window, tmp_path, kind):
    path = tmp_path / kind
    if kind.startswith("fifo"):
        os.mkfifo(path)
    elif kind.startswith("zero"):
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    before = window.session.dataset.x.copy()
    if path.suffix == ".csv":
        with qtbot.waitSignal(window.document.loader.failed, timeout=10000):
            window.document.open_path(path)
    else:
        assert not window.document.open_path(path)
    assert "not a regular file" in window.banner.label.text()
    np.testing.assert_array_equal(window.session.dataset.x, before)


def test_a_session_save_on_a_full_disk_says_so_and_keeps_the_old_file(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "lesson.json"
    target.write_text("the lesson")
    monkeypatch.setattr(atomic_write.os, "fsync", full_disk)
    assert not window.document.save_path(target)
    assert "Could not save" in window.banner.label.text()
    assert target.read_text() == "the lesson"
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.json"]


def test_exports_and_screenshots_on_a_full_disk_say_so_and_leave_nothing(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(atomic_write.os, "fsync", full_disk)
    assert not window.exports.panel("loss", tmp_path / "loss.png")
    assert "Could not export" in window.banner.label.text()
    assert not window.exports.screenshot(tmp_path / "shot.png")
    assert "Could not write the screenshot" in window.banner.label.text()
    assert window.exports.animation(tmp_path / "run.gif", AnimationSettings(4, 1.0)) == 0
    assert "Could not write the animation" in window.banner.label.text()
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_folder_is_reported_and_nothing_is_written(qtbot, window, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_write.tempfile, "mkstemp", refuse)  # (root ignores chmod; this is what it does)
    assert not window.document.save_path(tmp_path / "lesson.json")
    assert "Permission denied" in window.banner.label.text()
    assert window.exports.histories(tmp_path / "h.csv") == []
    assert "Could not write" in window.banner.label.text()
    assert list(tmp_path.iterdir()) == []


def test_settings_that_cannot_be_written_are_reported(qtbot, make_window, tmp_path, capfd):
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings.ini"
    folder.mkdir()  # a folder where the settings file should be: Qt cannot write it
    window = make_window(settings=QSettings(str(folder), QSettings.Format.IniFormat))
    window.close()
    assert "could not save the settings" in capfd.readouterr().err


def test_an_autosave_on_a_full_disk_says_so_and_keeps_the_session(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(recovery_path=tmp_path / "recovery.json")
    window.apply_run_config(window.session.run_config.with_changes(lr=0.05))
    monkeypatch.setattr(atomic_write.os, "fsync", full_disk)
    assert not window.autosave.write()
    assert "Could not write the recovery file" in window.statusBar().currentMessage()
    assert window.session.run_config.lr == 0.05 and not list(tmp_path.glob("recovery*.json"))
