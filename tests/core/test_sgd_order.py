"""The tutorial's SGD visits the samples in order and draws a smooth curl; shuffled it zig-zags.
The presets and help say so, and the pictures agree (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gdviewer.core import synthetic, train
from gdviewer.presets import preset

ROOT = Path(__file__).resolve().parents[2]
RAW = json.loads((ROOT / "resources" / "presets.json").read_text(encoding="utf-8"))
SHUFFLED = "Stochastic GD, shuffled: the noisy zig-zag"


def reversals(name: str, steps: int = 300) -> float:
    """Fraction of the first ``steps`` steps that turn back (more than 90°) from the step before:
    the descent, the part of the path one sees; near the optimum every run jitters."""
    spec = preset(name)
    history, _ = train(synthetic(spec.data), spec.run)
    w = np.r_[history.initial_w, history.column("w")[:steps]].astype(np.float64)
    b = np.r_[history.initial_b, history.column("b")[:steps]].astype(np.float64)
    d = np.c_[np.diff(w), np.diff(b)]
    return float(np.mean(np.sum(d[1:] * d[:-1], axis=1) < 0))


def test_the_tutorial_sgd_curls_and_the_shuffled_one_zig_zags():
    assert reversals("Tutorial: stochastic GD") < 0.25  # 14%: a smooth curl
    assert reversals(SHUFFLED) > 0.35  # 47%: every other step turns back


def test_texts_say_what_the_pictures_show():
    for entry in RAW["presets"]:
        runs = [entry["run"]] if "run" in entry else [r["run"] for r in entry["runs"]]
        in_order_sgd = any(r["algorithm"] == "stochastic" and not r.get("shuffle") for r in runs)
        text = entry["description"].lower()
        if in_order_sgd and "nois" in text:
            assert "shuffle" in text and "order" in text, entry["name"]  # noisy only when shuffled
    tutorial = next(e for e in RAW["presets"] if e["name"] == "Tutorial: stochastic GD")["description"]
    assert "in order" in tutorial and "curl" in tutorial
    help_text = (ROOT / "resources" / "help" / "zigzag.md").read_text(encoding="utf-8")
    assert "curl" in help_text and "Shuffle" in help_text
