"""ARCHITECTURE.md stays true: its module table names every module under gdviewer/ and no other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules_in_code() -> set[str]:
    found = set()
    for path in (ROOT / "gdviewer").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.add(".".join(parts))
    return found


def modules_in_table() -> set[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text[text.index("## Module → its one job"):]
    return set(re.findall(r"^\| `(gdviewer[\w.]*)` \|", table, flags=re.MULTILINE))


def test_every_module_is_in_the_table_and_the_table_names_no_other():
    code, table = modules_in_code(), modules_in_table()
    assert not code - table, f"add to ARCHITECTURE.md: {sorted(code - table)}"
    assert not table - code, f"no longer in the code: {sorted(table - code)}"


def test_the_readme_points_to_the_architecture_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(ARCHITECTURE.md)" in readme
    assert "../shared" not in readme
