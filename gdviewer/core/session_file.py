"""Session files: versioned JSON holding the data settings and the runs' settings.

Version 2 holds several runs (``runs``: name, colour, settings) and the clock they race on;
version 1 files (one ``run``) open as a single run. Presets use the same objects. Reading never raises anything but
:class:`DataError` with a message that says what is wrong, so a caller can show it and keep
its current session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from reprlib import repr as _brief
from typing import Any

from gdviewer.core.atomic_write import write_atomically
from gdviewer.core.conditioning import RAW, XTransform
from gdviewer.core.config import CLOCKS, DataConfig, RunConfig
from gdviewer.core.errors import ConfigError, DataError
from gdviewer.core.input_files import SESSION_LIMIT_BYTES, read_limited
from gdviewer.core.roster import MAX_RUNS
from gdviewer.core.text_limits import DESCRIPTION_CHARS, bounded, bounded_name

FORMAT = "gdviewer-session"
VERSION = 2
_HEX = set("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class RunSpec:
    """One run of a session: its settings, name and colour (``#RRGGBB``; empty: automatic)."""

    config: RunConfig
    name: str = ""
    colour: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "colour": self.colour, "run": self.config.to_dict()}


@dataclass(frozen=True)
class SessionSpec:
    """What a session file or a preset describes."""

    data: DataConfig = field(default_factory=DataConfig)
    run: RunConfig = field(default_factory=RunConfig)
    name: str = ""
    description: str = ""
    runs: tuple[RunSpec, ...] = ()
    clock: str = "epoch"
    #: The data points themselves, for data that did not come from ``data`` (a CSV file):
    #: (x values, y values, where they came from).
    points: tuple[tuple[float, ...], tuple[float, ...], str] | None = None
    #: How the window showed it: loss x-axis, log scale, selected run (all optional).
    view: dict[str, Any] = field(default_factory=dict)
    #: The runs train on x′ = (x − c)/s (core/conditioning.py); files without it: raw x.
    x_transform: XTransform = RAW

    def all_runs(self) -> tuple[RunSpec, ...]:
        """The runs; a single-run spec is its ``run``."""
        return self.runs or (RunSpec(self.run, "Run 1"),)

    def to_dict(self) -> dict[str, Any]:
        out = {"format": FORMAT, "version": VERSION, "name": self.name, "description": self.description,
               "data": self.data.to_dict(), "run": self.all_runs()[0].config.to_dict(), "clock": self.clock}
        if self.runs:
            out["runs"] = [r.to_dict() for r in self.runs]
        if self.points is not None:
            xs, ys, source = self.points
            out["points"] = {"source": source, "x": list(xs), "y": list(ys)}
        if self.view:
            out["view"] = dict(self.view)
        if self.x_transform != RAW:
            out["x_transform"] = self.x_transform.to_dict()
        return out


def _runs_from(obj: Any, where: str, n: int) -> tuple[RunSpec, ...]:
    if not isinstance(obj, list) or not 1 <= len(obj) <= MAX_RUNS:
        raise DataError(f"{where}: runs must be a list of 1 to {MAX_RUNS} runs")
    runs = []
    for i, entry in enumerate(obj):
        if not isinstance(entry, dict):
            raise DataError(f"{where}: run {i + 1} must be an object, got {type(entry).__name__}")
        name, colour = entry.get("name", ""), entry.get("colour", "")
        if not isinstance(name, str) or not isinstance(colour, str):
            raise DataError(f"{where}: run {i + 1}: name and colour must be text")
        if colour and not (len(colour) == 7 and colour[0] == "#" and set(colour[1:]) <= _HEX):
            raise DataError(f"{where}: run {i + 1}: colour must look like #E69F00, got {_brief(colour)}")
        try:
            config = RunConfig.from_dict(entry.get("run", {})).validate(n)
        except ConfigError as exc:
            raise DataError(f"{where}: run {i + 1}: invalid setting {exc}") from None
        except TypeError as exc:
            raise DataError(f"{where}: run {i + 1}: invalid settings ({exc})") from None
        runs.append(RunSpec(config, bounded_name(name)[:60], colour))
    return tuple(runs)


def spec_from_dict(obj: Any, where: str = "session") -> SessionSpec:
    """Build and validate a SessionSpec from parsed JSON; DataError on any problem."""
    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    fmt = obj.get("format", FORMAT)
    if fmt != FORMAT:
        raise DataError(f"{where}: not a gdviewer session (format {_brief(fmt)})")
    version = obj.get("version", VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise DataError(f"{where}: version must be a whole number, got {_brief(version)}")
    if version > VERSION:
        raise DataError(f"{where}: written by a newer gdviewer (session version {version}; this one reads "
                        f"up to {VERSION}). Update gdviewer to open it.")
    try:
        data = DataConfig.from_dict(obj.get("data", {})).validate()
        run = RunConfig.from_dict(obj.get("run", {}))
        n = None if data is None else _count(data)
        run.validate(n)
    except ConfigError as exc:
        raise DataError(f"{where}: invalid setting {exc}") from None
    except TypeError as exc:
        raise DataError(f"{where}: invalid settings ({exc})") from None
    runs: tuple[RunSpec, ...] = ()
    if version >= 2 and "runs" in obj:
        runs = _runs_from(obj["runs"], where, _count(data))
        run = runs[0].config
    points = None
    if "points" in obj:
        points = _points_from(obj["points"], where)
        n_points = len(points[0])
        for spec_run in runs or (RunSpec(run),):
            try:
                spec_run.config.validate(n_points)
            except ConfigError as exc:
                raise DataError(f"{where}: invalid setting for these {n_points} points: {exc}") from None
    view = obj.get("view", {})
    if not isinstance(view, dict):
        raise DataError(f"{where}: view must be an object, got {type(view).__name__}")
    clock = obj.get("clock", "epoch")
    if clock not in CLOCKS:
        raise DataError(f"{where}: clock must be one of {', '.join(CLOCKS)}, got {_brief(clock)}")
    try:
        x_transform = XTransform.from_dict(obj.get("x_transform", RAW.to_dict()))
    except (ConfigError, TypeError) as exc:
        raise DataError(f"{where}: invalid x_transform: {exc}") from None
    texts = {}
    for key in ("name", "description"):
        value = obj.get(key, "")
        if not isinstance(value, str):
            raise DataError(f"{where}: {key} must be text, got {type(value).__name__}")
        texts[key] = bounded_name(value) if key == "name" else bounded(value, DESCRIPTION_CHARS)
    return SessionSpec(data=data, run=run, runs=runs, clock=clock, points=points, view=view,
                       x_transform=x_transform, **texts)


def _points_from(obj: Any, where: str) -> tuple[tuple[float, ...], tuple[float, ...], str]:
    import math

    if not isinstance(obj, dict):
        raise DataError(f"{where}: points must be an object with x and y lists")
    xs, ys, source = obj.get("x"), obj.get("y"), obj.get("source", "session")
    if not isinstance(xs, list) or not isinstance(ys, list) or len(xs) != len(ys):
        raise DataError(f"{where}: points need x and y lists of the same length")
    if len(xs) < 2:
        raise DataError(f"{where}: points: need at least 2, got {len(xs)}")
    try:
        fx = tuple(float(v) for v in xs if not isinstance(v, bool))
        fy = tuple(float(v) for v in ys if not isinstance(v, bool))
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"{where}: points must all be numbers") from None
    if len(fx) != len(xs) or len(fy) != len(ys) or not all(map(math.isfinite, fx + fy)):
        raise DataError(f"{where}: points must all be finite numbers")
    if not isinstance(source, str):
        raise DataError(f"{where}: points source must be text")
    return fx, fy, bounded_name(source)


def _count(data: DataConfig) -> int:
    return data.point_count


def load_session(path: str | Path, max_bytes: int = SESSION_LIMIT_BYTES) -> SessionSpec:
    path = Path(path)
    raw = read_limited(path, max_bytes, "session file")  # regular files only, size checked first
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; is this a session file?") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise DataError(f"{path}: not a session file (JSON nested too deeply)") from None
    except ValueError:  # json's int() refuses numbers longer than sys.get_int_max_str_digits()
        raise DataError(f"{path}: not a session file (a number has too many digits)") from None
    return spec_from_dict(obj, str(path))


def save_session(path: str | Path, spec: SessionSpec) -> None:
    """Write the session completely or not at all (a full disk raises ``OSError``; the old file stays)."""
    write_atomically(path, json.dumps(spec.to_dict(), indent=2) + "\n")
