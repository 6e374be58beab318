"""The light part of the engine (configs, data, the loss surface, session files, presets)
loads without torch, so the window can open before torch has loaded; training imports it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    import tempfile
    from pathlib import Path

    import gdviewer.core
    from gdviewer.core import DataConfig, RunConfig, LossSurface, load_csv
    from gdviewer.core.session_file import SessionSpec, load_session, save_session
    from gdviewer.presets import load_presets

    presets = load_presets()
    assert presets, "no presets"
    data = gdviewer.core.synthetic()
    assert data.n == 100, data
    surface = LossSurface.from_data(data.x, data.y)
    surface.grid((-10, 0), (-20, 20), (8, 8))
    RunConfig().validate(data.n), DataConfig().validate()
    with tempfile.TemporaryDirectory() as tmp:
        spec = SessionSpec(data=DataConfig(seed=7), run=RunConfig(lr=0.05))
        save_session(Path(tmp) / "s.json", spec)
        assert load_session(Path(tmp) / "s.json").run.lr == 0.05
        Path(tmp, "d.csv").write_text("x,y\\n0,1\\n1,3\\n")
        assert load_csv(Path(tmp) / "d.csv").n == 2
    print("BEFORE:" + str("torch" in sys.modules))

    train = gdviewer.core.train
    print("AFTER:" + str("torch" in sys.modules))
    history, trainer = train(data, RunConfig(epochs=3))
    print("TRAINED:" + str(len(history)) + ":" + trainer.status.value)
""")


def run(script: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_configs_data_surface_sessions_and_presets_do_not_import_torch_and_training_does():
    proc = run(SCRIPT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["BEFORE:False", "AFTER:True", "TRAINED:3:finished"], proc.stdout


def test_the_check_sees_torch_when_something_imports_it():
    """The same probe reports torch when it is loaded early, so a True above is not vacuous."""
    proc = run("import torch\n" + SCRIPT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "BEFORE:True"
