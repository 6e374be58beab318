"""``python -m gdviewer.bench`` runs, prints its table and writes well-formed JSON.

By default two short sections of the ``--quick`` suite (the structure of the table and the
JSON is the same for every section); with ``--long`` (``.ci/run`` runs it once) every
section, about 80 s. No timing is asserted, since these tests run on machines of every speed.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

VERDICTS = {True: "PASS", False: "FAIL", None: "info"}


def target_met(value: float, target: str) -> bool | None:
    """A target such as ``">= 1.0"`` or ``"<= 50"`` read independently; empty: informative."""
    if not target:
        return None
    op, number = target.split()
    assert op in (">=", "<="), target
    return value >= float(number) if op == ">=" else value <= float(number)


SECTIONS = {"engine", "streaming", "surface", "start-up", "memory", "large data", "overlays"}
#: The sections the default run of the suite checks (a few seconds each).
SHORT_SECTIONS = ("surface", "memory")


def test_the_quick_suite_runs_every_section_prints_a_table_and_writes_json(tmp_path, request):
    long = request.config.getoption("--long")
    out = tmp_path / "bench.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    sections = [] if long else ["--sections", *SHORT_SECTIONS]
    proc = subprocess.run([sys.executable, "-m", "gdviewer.bench", "--quick", "--json", str(out), *sections],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr

    report = json.loads(out.read_text())
    assert report["quick"] is True
    figures = report["figures"]
    assert {f["section"] for f in figures} == (SECTIONS if long else set(SHORT_SECTIONS))
    for f in figures:
        assert {"section", "name", "value", "unit", "target", "passed"} <= set(f), f
        assert isinstance(f["name"], str) and f["name"] and f["name"] != "section failed", f
        assert isinstance(f["value"], float) and math.isfinite(f["value"]), f
        assert isinstance(f["unit"], str) and isinstance(f["target"], str), f
        assert f["passed"] is target_met(f["value"], f["target"]), f
    assert any(f["target"] for f in figures), "every figure is informative: nothing is checked"

    # one table row per figure, naming it, with its verdict
    rows = [ln for ln in proc.stdout.splitlines() if ln.startswith(tuple(f"{s} " for s in SECTIONS))]
    assert len(rows) == len(figures), proc.stdout
    for row, f in zip(rows, figures, strict=True):
        assert f["name"] in row and VERDICTS[f["passed"]] in row.split(), (row, f)
    assert any(word in row.split() for row in rows for word in ("PASS", "FAIL")), proc.stdout
