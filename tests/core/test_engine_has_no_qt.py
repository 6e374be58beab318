"""The engine runs without Qt: importing and training never loads PySide6 or pyqtgraph."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    import gdviewer.core
    import gdviewer.cli
    from gdviewer.core import RunConfig, synthetic, train
    from gdviewer.core import LossSurface, load_csv  # noqa: F401

    history, trainer = train(synthetic(), RunConfig(epochs=3))
    assert len(history) == 3, len(history)
    assert trainer.status.value == "finished", trainer.status
    LossSurface.from_data(trainer.dataset.x, trainer.dataset.y).grid((-1, 1), (-1, 1), (4, 4))
    assert gdviewer.cli.run_headless(["--quiet", "--epochs", "2"]) == 0
    loaded = sorted(m for m in sys.modules
                    if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6") or m.startswith("gdviewer.ui"))
    print("QT:" + ",".join(loaded))
""")


def test_engine_imports_and_trains_without_qt():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    marker = [ln for ln in proc.stdout.splitlines() if ln.startswith("QT:")]
    assert marker == ["QT:"], f"Qt modules were imported: {marker}"
