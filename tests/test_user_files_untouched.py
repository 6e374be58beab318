"""Issue 12: the test suite and the benchmark never write the user's settings, autosave or
recent files. A user is simulated with a home folder of their own and no XDG variables."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import USER_FOLDERS, XDG

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def a_users_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in XDG:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return home


def test_the_benchmarks_start_up_section_writes_nothing_in_the_users_home(a_users_home):
    from gdviewer.bench.startup import measure_once

    measure_once()  # the real window, started and closed as a user's would be
    assert [p for p in a_users_home.rglob("*")] == []


def test_settings_written_during_the_tests_land_in_the_tests_own_folder():
    import subprocess

    code = ("from PySide6.QtCore import QCoreApplication, QSettings; app = QCoreApplication([]); "
            "app.setOrganizationName('gdviewer'); app.setApplicationName('gdviewer'); "
            "s = QSettings(); s.setValue('probe', 1); s.sync(); print(s.fileName())")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    written = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             timeout=60, check=True).stdout.strip()
    assert written.startswith(os.environ["XDG_CONFIG_HOME"])
    assert not any(written.startswith(str(folder)) for folder in USER_FOLDERS)
