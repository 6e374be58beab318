"""Run names that describe their settings keep describing them.

Why: a preset names its runs after their settings ("GD (lr 0.1)"); when the teacher lowers the
learning rate to 0.05 the legend still said "lr 0.1", so the class read a wrong number. A name
the program gave follows the settings; a name the user typed is theirs and stays.
"""

from __future__ import annotations

import re

from gdviewer.core.config import RunConfig


def follow_settings(name: str, old: RunConfig, new: RunConfig) -> str:
    """``name`` with its "lr <old rate>" part rewritten for ``new`` (nothing else changes)."""
    if old.lr == new.lr:
        return name
    pattern = rf"(?<![\w.])lr {re.escape(f'{old.lr:g}')}(?![\w.])"
    return re.sub(pattern, f"lr {new.lr:g}", name)
