"""Session files: what is saved loads back equal, and a bad file is a DataError that says what is wrong.

Reading a session must never raise anything but DataError (the window shows the message and keeps
its current session), whatever the file holds.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from gdviewer.core import DataConfig, DataError, RunConfig
from gdviewer.core.session_file import FORMAT, VERSION, SessionSpec, load_session, save_session, spec_from_dict

# --- round trip ------------------------------------------------------------------------------

SPECS = {
    "defaults": SessionSpec(),
    "minibatch + adam": SessionSpec(
        run=RunConfig(algorithm="minibatch", batch_size=7, optimizer="adam", lr=0.003, beta1=0.8, beta2=0.95,
                      eps=1e-6, epochs=3, init_w=1.5, init_b=-2.5),
        name="Adam in batches of 7", description="Mini-batches; every Adam setting changed."),
    "shuffled stochastic": SessionSpec(
        run=RunConfig(algorithm="stochastic", optimizer="momentum", momentum=0.5, lr=0.01, epochs=4,
                      shuffle=True, shuffle_seed=123),
        name="Shuffled", description="Samples in a new order each epoch."),
    "n_points data": SessionSpec(
        data=DataConfig(slope=2.5, intercept=-1.25, noise=0.0, x_start=-2.0, x_stop=3.0, n_points=33, seed=7),
        run=RunConfig(algorithm="minibatch", batch_size=33, optimizer="rmsprop", alpha=0.9, lr=0.05),
        name="33 points, ünïcödé name ≈ λ", description="Evenly spaced points from −2 to 3."),
    "awkward floats": SessionSpec(
        data=DataConfig(slope=0.1 + 0.2, x_step=1 / 3, noise=1e-300),
        run=RunConfig(lr=1e-12, init_w=-1e12, init_b=5e-324, eps=1.0)),
}


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_save_then_load_gives_the_same_spec(tmp_path, spec):
    path = tmp_path / "session.json"
    save_session(path, spec)
    loaded = load_session(path)
    assert loaded == spec
    # and the same again: saving what was loaded writes the same bytes
    again = tmp_path / "again.json"
    save_session(again, loaded)
    assert again.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_a_saved_session_is_plain_versioned_json(tmp_path, spec):
    path = tmp_path / "session.json"
    save_session(path, spec)
    obj = json.loads(path.read_text(encoding="utf-8"))
    assert obj["format"] == FORMAT == "gdviewer-session"
    assert obj["version"] == VERSION == 2
    assert obj["name"] == spec.name and obj["description"] == spec.description
    assert obj["data"] == {f: getattr(spec.data, f) for f in obj["data"]}
    # every setting, the steering parts (schedule, changes, stops) only when a run uses them
    assert set(obj["run"]) == set(RunConfig.__dataclass_fields__) - {"schedule", "changes", "stop"}
    assert obj["run"]["lr"] == spec.run.lr and obj["run"]["algorithm"] == spec.run.algorithm


def test_save_accepts_a_string_path(tmp_path):
    spec = SPECS["shuffled stochastic"]
    save_session(str(tmp_path / "s.json"), spec)
    assert load_session(str(tmp_path / "s.json")) == spec


def test_an_empty_object_is_the_tutorial_session(tmp_path):
    path = tmp_path / "empty-object.json"
    path.write_text("{}", encoding="utf-8")
    assert load_session(path) == SessionSpec(DataConfig(), RunConfig(), "", "")


def test_a_hand_written_file_with_some_settings_uses_defaults_for_the_rest(tmp_path):
    path = tmp_path / "hand.json"
    path.write_text('{"version": 1, "run": {"algorithm": "stochastic", "lr": 0.01}, "data": {"seed": 3}}',
                    encoding="utf-8")
    assert load_session(path) == SessionSpec(DataConfig(seed=3), RunConfig(algorithm="stochastic", lr=0.01))


def test_an_older_version_number_still_loads(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": FORMAT, "version": VERSION - 1, "run": {"epochs": 5}}), encoding="utf-8")
    assert load_session(path).run.epochs == 5


# --- bad files -------------------------------------------------------------------------------

def session(data=None, run=None, **top) -> str:
    """A session file's text with the given data / run settings and top-level keys."""
    obj = {"format": FORMAT, "version": VERSION, "data": data or {}, "run": run or {}, **top}
    return json.dumps(obj)


def with_run(text: str) -> str:
    """A session whose run object is ``text`` spliced in verbatim (for JSON json.dumps cannot write)."""
    return '{"format": "gdviewer-session", "version": 1, "run": ' + text + "}"


DEEP = "[" * 100_000 + "]" * 100_000

# id → (file content: str, bytes, or None for "no such file", or "<dir>" for a folder; words the message has)
BAD_FILES: dict[str, tuple[str | bytes | None, tuple[str, ...]]] = {
    "missing file": (None, ("file not found",)),
    "a folder": ("<dir>", ("is a folder, not a regular file",)),
    "not UTF-8": (b'{"name": "caf\xe9"}', ("not UTF-8",)),
    "binary junk": (bytes(range(256)) * 4, ("not UTF-8",)),
    "empty file": ("", ("line 1", "not valid JSON")),
    "only whitespace": ("\n\n   \n", ("line 4", "not valid JSON")),
    "invalid JSON": ('{\n  "run": {\n    "lr": 0.1,\n  }\n}', ("line 4", "not valid JSON")),
    "truncated JSON": ('{"run": {"lr": 0.1', ("line 1", "not valid JSON")),
    "JSON array": ("[1, 2, 3]", ("expected a JSON object", "list")),
    "JSON string": ('"a session"', ("expected a JSON object", "str")),
    "JSON null": ("null", ("expected a JSON object",)),
    "wrong format": (json.dumps({"format": "gdviewer-presets"}), ("not a gdviewer session", "gdviewer-presets")),
    "format null": (json.dumps({"format": None}), ("not a gdviewer session",)),
    "newer version": (json.dumps({"format": FORMAT, "version": VERSION + 1}),
                      ("newer", f"version {VERSION + 1}", f"up to {VERSION}")),
    "much newer version": (json.dumps({"version": 10**40}), ("newer",)),
    "version a string": (json.dumps({"version": "1"}), ("version must be a whole number", "'1'")),
    "version a float": (json.dumps({"version": 1.5}), ("version must be a whole number", "1.5")),
    "version true": (json.dumps({"version": True}), ("version must be a whole number",)),
    "version null": (json.dumps({"version": None}), ("version must be a whole number",)),
    "unknown data key": (session(data={"slop": -5.0}), ("slop", "not a DataConfig field")),
    "unknown run key": (session(run={"learning_rate": 0.1}), ("learning_rate", "not a RunConfig field")),
    "lr a word": (session(run={"lr": "fast"}), ("lr", "must be a number", "'fast'")),
    "epochs 2.5": (session(run={"epochs": 2.5}), ("epochs", "whole number", "2.5")),
    "shuffle a word": (session(run={"shuffle": "yes"}), ("shuffle", "true or false", "'yes'")),
    "shuffle 1": (session(run={"shuffle": 1}), ("shuffle", "true or false")),
    "algorithm unknown": (session(run={"algorithm": "sgd"}), ("algorithm", "batch, stochastic, minibatch")),
    "lr null": (session(run={"lr": None}), ("lr", "None")),
    "epochs null": (session(run={"epochs": None}), ("epochs", "None")),
    "slope null": (session(data={"slope": None}), ("slope", "None")),
    "data null": (json.dumps({"data": None}), ("DataConfig", "must be an object")),
    "run null": (json.dumps({"run": None}), ("RunConfig", "must be an object")),
    "run a list": (json.dumps({"run": [0.1, 20]}), ("RunConfig", "must be an object", "list")),
    "name null": (json.dumps({"name": None}), ("name must be text",)),
    "description a number": (json.dumps({"description": 3}), ("description must be text", "int")),
    "lr 0": (session(run={"lr": 0}), ("lr", "must be in (0")),
    "lr negative": (session(run={"lr": -0.1}), ("lr",)),
    "batch_size 0 with minibatch": (session(run={"algorithm": "minibatch", "batch_size": 0}),
                                    ("batch_size", "from 1 to 100")),
    "batch_size above the points": (session(run={"algorithm": "minibatch", "batch_size": 101}),
                                    ("batch_size", "from 1 to 100", "101")),
    "batch_size above n_points": (session(data={"n_points": 40}, run={"algorithm": "minibatch", "batch_size": 41}),
                                  ("batch_size", "from 1 to 40")),
    "n_points 1": (session(data={"n_points": 1}), ("n_points",)),
    "x_stop before x_start": (session(data={"x_start": 5, "x_stop": -5}), ("x_stop", "greater than x_start")),
    "lr 1e308": (session(run={"lr": 1e308}), ("lr", "must be in")),
    "lr infinite": (with_run('{"lr": 1e400}'), ("lr", "finite")),
    "lr NaN": (with_run('{"lr": NaN}'), ("lr", "finite")),
    "lr -Infinity": (with_run('{"lr": -Infinity}'), ("lr", "finite")),
    "lr a 400-digit integer": (with_run('{"lr": 1' + "0" * 400 + "}"), ("lr", "finite")),
    "init_w a 400-digit integer": (with_run('{"init_w": -1' + "0" * 400 + "}"), ("init_w", "finite")),
    "slope a 400-digit integer": ('{"data": {"slope": 1' + "0" * 400 + "}}", ("slope", "finite")),
    "epochs 10**30": (session(run={"epochs": 10**30}), ("epochs", "from 1 to 1000000")),
    "epochs 1e308": (session(run={"epochs": 1e308}), ("epochs", "from 1 to 1000000")),
    "n_points 10**30": (session(data={"n_points": 10**30}), ("n_points", "from 2 to 10000000")),
    "seed 10**30": (session(data={"seed": 10**30}), ("seed",)),
    "x_step 5e-324": (session(data={"x_step": 5e-324}), ("x_step", "points")),
    "a 5000-digit integer": (with_run('{"epochs": ' + "9" * 5000 + "}"), ("number has too many digits",)),
    "deeply nested array": (DEEP, ("nested too deeply",)),
    "deeply nested run value": (with_run('{"lr": ' + DEEP + "}"), ("nested too deeply",)),
    "nested junk as lr": (with_run('{"lr": ' + '{"a": [' * 50 + "1" + "]}" * 50 + "}"), ("lr", "must be a number")),
    "lr a megabyte of text": (session(run={"lr": "x" * 2**20}), ("lr", "must be a number", "...")),
    "algorithm a megabyte of text": (session(run={"algorithm": "y" * 2**20}), ("algorithm", "...")),
    "format a megabyte of text": (json.dumps({"format": "z" * 2**20}), ("not a gdviewer session", "...")),
    "nested junk as data": ('{"data": ' + "[" * 200 + "]" * 200 + "}", ("DataConfig", "must be an object")),
}


def write_bad_file(tmp_path: Path, content) -> Path:
    path = tmp_path / "bad.json"
    if content == "<dir>":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("content", "words"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_a_data_error_saying_what_is_wrong(tmp_path, content, words):
    path = write_bad_file(tmp_path, content)
    with pytest.raises(DataError) as info:  # anything else propagates and fails the test
        load_session(path)
    message = str(info.value)
    assert message.startswith(str(path)), "the message names the file"
    for word in words:
        assert word in message
    assert len(message) < 500, "a message a person can read"
    # the DataError replaces the internal error (json's, the OS's): no "during handling" traceback
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_the_good_versions_of_the_bad_files_load(tmp_path):
    """Each bad file above differs from a loadable one by the fault only, so the table tests the fault."""
    good = [
        session(data={"slope": -5.0}), session(run={"lr": 0.1}), session(run={"epochs": 2}),
        session(run={"shuffle": True}), session(run={"algorithm": "minibatch", "batch_size": 1}),
        session(run={"algorithm": "minibatch", "batch_size": 100}),
        session(data={"n_points": 40}, run={"algorithm": "minibatch", "batch_size": 40}),
        session(run={"lr": 1e6}), session(run={"epochs": 1_000_000}), session(data={"n_points": 2}),
        json.dumps({"format": FORMAT, "version": VERSION, "name": "n", "description": "d"}),
        with_run('{"lr": 1' + "0" * 5 + "}"), with_run('{"init_w": 1000000000000}'),
    ]
    for i, text in enumerate(good):
        path = tmp_path / f"good{i}.json"
        path.write_text(text, encoding="utf-8")
        assert isinstance(load_session(path), SessionSpec)


def test_a_file_name_with_a_nul_character_is_a_data_error():
    with pytest.raises(DataError) as info:
        load_session("session\0.json")
    assert "file name" in str(info.value)


def test_every_truncation_of_a_saved_session_is_a_data_error(tmp_path):
    path = tmp_path / "full.json"
    save_session(path, SPECS["minibatch + adam"])
    text = path.read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    for end in range(len(text.rstrip())):
        cut.write_text(text[:end], encoding="utf-8")
        with pytest.raises(DataError):
            load_session(cut)


JUNK = [None, True, False, -1, 0, 0.5, 2.5, 1e308, -1e308, 10**30, math.nan, math.inf, "", "x", [], [1], {}, {"a": 1}]


@pytest.mark.parametrize("section", ["data", "run"])
def test_any_junk_in_any_field_loads_or_is_a_data_error(tmp_path, section):
    fields = list(DataConfig.__dataclass_fields__ if section == "data" else RunConfig.__dataclass_fields__)
    path = tmp_path / "junk.json"
    loaded = rejected = 0
    for name in fields:
        for junk in JUNK:
            path.write_text(json.dumps({section: {name: junk}}), encoding="utf-8")
            try:
                spec = load_session(path)
            except DataError as exc:
                assert name in str(exc) or "Config" in str(exc)
                rejected += 1
            else:
                value = getattr(getattr(spec, section), name)
                if name in ("schedule", "changes", "stop"):  # read into their own objects
                    assert type(value).__name__ in ("Schedule", "StopRules", "tuple")
                else:
                    assert value == junk
                loaded += 1
    assert loaded and rejected


def test_spec_from_dict_names_where_the_problem_is():
    with pytest.raises(DataError) as info:
        spec_from_dict([], "preset 'Broken'")
    assert str(info.value).startswith("preset 'Broken': ")
    with pytest.raises(DataError) as info:
        spec_from_dict({"run": {"lr": -1}})
    assert str(info.value).startswith("session: ") and "lr" in str(info.value)


def test_spec_from_dict_survives_values_nested_deeper_than_json_allows():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    for bad in ({"run": {"lr": deep}}, {"run": {"algorithm": deep}}, {"version": deep}, {"format": deep},
                {"name": deep}):
        with pytest.raises(DataError) as info:
            spec_from_dict(bad)
        assert len(str(info.value)) < 200
