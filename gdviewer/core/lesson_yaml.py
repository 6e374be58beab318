"""Read a lesson file's YAML safely, keeping the line of every key and list item.

Why YAML: teachers write lessons by hand, with several paragraphs of Markdown per step; YAML's
block scalars (``prompt: |``) hold those as they are typed, where JSON needs ``\\n`` escapes and
TOML's nested arrays of tables read badly. PyYAML's safe loader builds no Python objects from
tags, and its node tree (``yaml.compose``) gives each key a line, so every message — a syntax
error, a wrong type found by the JSON Schema, a learning rate the engine refuses — names the line
to fix.

What a hostile file cannot do here: anchors and aliases are refused (a "billion laughs" file
expands a few lines into gigabytes when aliases are followed), nesting is limited to
:data:`MAX_DEPTH`, the count of YAML events to :data:`MAX_EVENTS`, duplicate keys are errors
(YAML would silently keep the last), and keys must be plain text.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from gdviewer.core.errors import DataError

#: Deeper than any lesson needs (lesson → steps → step → setup → runs → run → field is 7).
MAX_DEPTH = 16
#: YAML events (scalars, starts and ends of lists and mappings): a 10-step lesson has ~1,000.
MAX_EVENTS = 200_000

Path = tuple[str | int, ...]
#: libyaml's parser when PyYAML was built with it (about ten times faster on a large file), the
#: same safe rules either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LessonSyntaxError(DataError):
    """The file is not YAML a lesson can be read from; ``line`` is 1-based (0: unknown)."""

    def __init__(self, where: str, line: int, message: str) -> None:
        super().__init__(f"{where}, line {line}: {message}" if line else f"{where}: {message}")
        self.line = line
        self.message = message


def _line(mark: Any) -> int:
    return (mark.line + 1) if mark is not None else 0


def _check_events(text: str, where: str) -> None:
    """Refuse anchors, aliases, deep nesting and huge event counts before building anything."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_LOADER)):
        line = _line(event.start_mark)
        if count > MAX_EVENTS:
            raise LessonSyntaxError(where, line, f"too large: more than {MAX_EVENTS:,} YAML items")
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise LessonSyntaxError(where, line, "anchors (&name) and aliases (*name) are not allowed in "
                                    "lesson files; write the value out")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise LessonSyntaxError(where, line, f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_yaml(text: str, where: str) -> tuple[Any, dict[Path, int]]:
    """The document as plain Python (dicts, lists, str, int, float, bool, None) and the line of
    every key path (``("steps", 2, "question", "kind")`` → 41). Raises LessonSyntaxError."""
    try:
        _check_events(text, where)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise LessonSyntaxError(where, _line(mark), f"not valid YAML ({exc.problem or exc.context})") from None
    except yaml.YAMLError as exc:
        raise LessonSyntaxError(where, 0, f"not valid YAML ({exc})") from None
    if node is None:
        raise LessonSyntaxError(where, 1, "the file is empty")
    lines: dict[Path, int] = {(): _line(node.start_mark)}
    constructor = yaml.SafeLoader("")
    return _build(node, (), lines, constructor, where), lines


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], constructor: yaml.SafeLoader, where: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = _line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise LessonSyntaxError(where, line, "keys must be plain words (a key here is a number, a list "
                                        "or a mapping)")
            key = key_node.value
            if key in out:
                raise LessonSyntaxError(where, line, f"the key {key!r} appears twice")
            lines[(*path, key)] = line
            out[key] = _build(value_node, (*path, key), lines, constructor, where)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*path, i)] = _line(item.start_mark)
            items.append(_build(item, (*path, i), lines, constructor, where))
        return items
    try:
        value = constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise LessonSyntaxError(where, _line(node.start_mark),
                                f"unreadable value {node.value[:40]!r} ({exc})") from None
    if isinstance(value, float) and not math.isfinite(value):  # .nan slips past the schema's bounds
        raise LessonSyntaxError(where, _line(node.start_mark), f"{node.value[:40]!r}: numbers must be finite")
    if not isinstance(value, str | int | float | bool | type(None)):  # dates, binary: not lesson values
        raise LessonSyntaxError(where, _line(node.start_mark),
                                f"{node.value[:40]!r} reads as a {type(value).__name__}; put text in quotes")
    return value


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of ``path``, or of its nearest ancestor that has one (a missing key: its parent)."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 0)
