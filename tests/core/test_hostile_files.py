"""Issue 13: files that are not regular files, files too large, empty option values and
failed writes. Every case ends in a message and exit 2 (or an OSError for the caller to report),
never a hang, a MemoryError or a partial file under the user's name."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdviewer.core import atomic_write
from gdviewer.core.atomic_write import write_atomically
from gdviewer.core.data import load_csv, peek_columns
from gdviewer.core.errors import DataError
from gdviewer.core.history import History
from gdviewer.core.input_files import MB, read_limited
from gdviewer.core.session_file import SessionSpec, load_session, save_session

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: float = 60, preexec=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gdviewer", "run", "--quiet", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, preexec_fn=preexec)


@pytest.fixture
def odd_files(tmp_path) -> dict[str, Path]:
    """A FIFO with no writer, a symlink to /dev/zero, /dev/zero itself, a folder."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    return {"fifo": fifo, "symlink to /dev/zero": link, "/dev/zero": Path("/dev/zero"), "folder": folder}


KIND_WORDS = {"fifo": "named pipe", "symlink to /dev/zero": "character device", "/dev/zero": "character device",
              "folder": "folder"}


@pytest.mark.parametrize("kind", list(KIND_WORDS))
def test_csv_and_session_readers_refuse_what_is_not_a_regular_file(odd_files, kind):
    path = odd_files[kind]
    for read in (load_csv, load_session):
        with pytest.raises(DataError, match=KIND_WORDS[kind]):
            read(path)
    assert peek_columns(path) == []  # at once: opening the FIFO would block


@pytest.mark.parametrize("option", ["--data-csv", "--config"])
@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero"])
def test_the_cli_refuses_devices_and_pipes_with_exit_2(odd_files, option, kind):
    result = run_cli(option, str(odd_files[kind]), timeout=30)  # a FIFO used to hang forever
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_a_file_over_the_limit_is_refused_before_it_is_read_with_a_row_estimate(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.write(b"1,2\n" * (MB // 4))  # 1 MB of 4-byte rows …
        fh.truncate(300 * MB)  # … and a sparse tail: 300 MB on paper, nothing to read
    with pytest.raises(DataError, match=r"too large \(300 MB, about 78,643,200 rows\); the limit is 128 MB"):
        load_csv(big)
    small_limit = tmp_path / "s.json"
    small_limit.write_text("{}" + " " * 2048)
    with pytest.raises(DataError, match="the limit is 0 MB"):
        read_limited(small_limit, 1024)
    result = run_cli("--data-csv", str(big))
    assert result.returncode == 2 and "about 78,643,200 rows" in result.stderr


@pytest.mark.parametrize("args", [
    ["--data-csv", ""], ["--config", ""], ["--history-csv", ""], ["--animation", ""], ["--data-csv", "  "],
])
def test_an_option_given_an_empty_value_is_an_error(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "an empty value" in result.stderr


@pytest.mark.parametrize("args", [["--animation-fps", "0"], ["--animation-seconds=3"],
                                  ["--animation-fps", "5", "--animation-seconds", "2"]])
def test_animation_options_without_an_animation_say_so(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "sense with --animation PATH" in result.stderr


def full_disk(to_raise: int = errno.ENOSPC):
    def fail(fd):
        raise OSError(to_raise, os.strerror(to_raise))
    return fail


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EDQUOT])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, code):
    target = tmp_path / "lesson.json"
    target.write_text("the teacher's lesson")
    monkeypatch.setattr(atomic_write.os, "fsync", full_disk(code))
    with pytest.raises(OSError):
        write_atomically(target, "x" * 10_000)
    with pytest.raises(OSError):
        save_session(target, SessionSpec())
    with pytest.raises(OSError):
        History().to_csv(tmp_path / "history.csv")
    assert target.read_text() == "the teacher's lesson"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.json"]


def test_an_atomic_write_keeps_the_files_permissions_and_writes_everything(tmp_path):
    target = tmp_path / "session.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640
    fresh = tmp_path / "fresh.json"
    write_atomically(fresh, "")
    assert fresh.read_text() == ""


def _small_file_limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # like a disk with 20 kB free


@pytest.mark.parametrize("output", [["--history-csv", "h.csv"],
                                    ["--animation", "a.gif", "--animation-fps", "4", "--animation-seconds", "1"],
                                    ["--animation", "a.mp4", "--animation-fps", "4", "--animation-seconds", "2"]])
def test_the_cli_exits_non_zero_on_a_full_disk_and_leaves_no_file(tmp_path, output):
    *flags, name = output[:2]
    args = [*flags, str(tmp_path / name), *output[2:]]
    result = run_cli(*args, "--algorithm", "stochastic", "--lr", "0.01", "--epochs", "5",
                     preexec=_small_file_limit, timeout=120)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "error" in result.stderr
    assert list(tmp_path.iterdir()) == []
