"""The PySide6 6.12.0 / Python 3.11 hazard: void calls that drop a reference to None.

On that pair, QPainter.setPen, drawLine, save/restore, QPen.setWidthF … each decrement
None's reference count, and a long-running window dies with "Fatal Python error:
none_dealloc". Python ≥ 3.12 is immune (None is immortal) and 6.11.x is clean. The first
test measures it on whatever is installed; the second checks the dependency bound keeps the
bad pair out of every supported install.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QImage, QPainter, QPen

ROOT = Path(__file__).resolve().parents[2]


def test_void_calls_leave_the_reference_count_of_none_alone(qapp):
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    pen = QPen()
    try:
        before = sys.getrefcount(None)
        for _ in range(2000):
            pen.setWidthF(1.5)
            painter.setPen(pen)
            painter.save()
            painter.drawLine(QLineF(QPointF(0, 0), QPointF(10, 10)))
            painter.restore()
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # 10,000 calls: a per-call drop would show as thousands; allow a little unrelated churn
    assert abs(after - before) < 100, f"None's reference count moved by {after - before}"


def test_the_dependency_bounds_exclude_pyside6_6_12_on_python_3_11():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pyside = [Requirement(r) for r in project["dependencies"] if r.lower().startswith("pyside6")]
    assert pyside, "PySide6 must be a dependency"
    for python, version, allowed in (("3.11", "6.12.0", False), ("3.11", "6.11.3", True),
                                     ("3.12", "6.12.0", True), ("3.13", "6.12.0", True)):
        env = {"python_version": python, "python_full_version": python + ".0"}
        active = [r for r in pyside if r.marker is None or Marker(str(r.marker)).evaluate(env)]
        assert active, f"no PySide6 requirement applies on Python {python}"
        ok = all(r.specifier.contains(version) for r in active)
        assert ok is allowed, f"PySide6 {version} on Python {python} should be {'allowed' if allowed else 'excluded'}"
