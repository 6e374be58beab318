"""Conditioning: training on x′ = (x − c)/s changes the valley, not the answer.

References: numpy's least squares on the raw data (np.polyfit), numpy's eigenvalues, and the
surface computed from the transformed float32 samples themselves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviewer.core import DataConfig, RunConfig, RunStatus, synthetic, train
from gdviewer.core.conditioning import (
    RAW,
    XTransform,
    centred,
    standardised,
    transformed_dataset,
)
from gdviewer.core.data import Dataset
from gdviewer.core.errors import ConfigError
from gdviewer.core.surface import LossSurface

TUTORIAL = synthetic()
#: data far from 0 and wide: a badly conditioned valley on raw x (κ in the thousands)
OFF_CENTRE = synthetic(DataConfig(x_start=20.0, x_stop=60.0, slope=1.5, intercept=-4.0, noise=2.0, seed=3))


def kappa(surface: LossSurface) -> float:
    lams = np.linalg.eigvalsh(surface.hessian)
    return float(lams[-1] / lams[0])


def raw_least_squares(data: Dataset) -> tuple[float, float]:
    slope, intercept = np.polyfit(data.x.astype(np.float64), data.y.astype(np.float64), 1)
    return float(slope), float(intercept)


TRANSFORMS = {
    "centre": lambda d: centred(d.surface),
    "standardise": lambda d: standardised(d.surface),
    "custom": lambda _d: XTransform(7.5, 0.25, "custom"),
    "custom-far": lambda _d: XTransform(-300.0, 40.0, "custom"),
}


@pytest.mark.parametrize("data", [TUTORIAL, OFF_CENTRE], ids=["tutorial", "off-centre"])
@pytest.mark.parametrize("name", TRANSFORMS)
def test_the_optimum_on_x_prime_mapped_back_is_the_raw_least_squares_answer(data, name):
    t = TRANSFORMS[name](data)
    moved = transformed_dataset(data, t)
    w, b = t.raw_coefficients(*moved.surface.optimum)
    ref_w, ref_b = raw_least_squares(data)
    assert w == pytest.approx(ref_w, rel=1e-5)
    assert b == pytest.approx(ref_b, rel=1e-5, abs=1e-5 * max(1.0, abs(ref_w) * float(np.abs(data.x).max())))
    # and back again: the raw line expressed on x′
    assert t.trained_coefficients(w, b) == pytest.approx(moved.surface.optimum, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("data", [TUTORIAL, OFF_CENTRE], ids=["tutorial", "off-centre"])
def test_a_run_trained_on_standardised_x_ends_on_the_raw_least_squares_line(data):
    t = standardised(data.surface)
    # κ = 1: both curvatures are 2, so lr 1/2 = 1/λ takes batch GD to the optimum in one step
    _history, trainer = train(transformed_dataset(data, t), RunConfig(lr=0.5, epochs=2))
    assert trainer.status is RunStatus.FINISHED
    w, b = t.raw_coefficients(*trainer.params)
    ref_w, ref_b = raw_least_squares(data)
    assert w == pytest.approx(ref_w, rel=1e-4)
    assert b == pytest.approx(ref_b, rel=1e-4, abs=1e-3)
    # on raw x the same lr diverges (it is far above 2/λmax) — the point of the demo
    assert data.surface.critical_learning_rate < 0.5


@pytest.mark.parametrize("data", [TUTORIAL, OFF_CENTRE], ids=["tutorial", "off-centre"])
def test_kappa_falls_to_one_when_x_is_standardised_and_centring_removes_the_tilt(data):
    moved = transformed_dataset(data, standardised(data.surface))
    assert kappa(moved.surface) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(moved.surface.hessian, 2 * np.eye(2), atol=1e-5)
    centred_surface = transformed_dataset(data, centred(data.surface)).surface
    assert abs(centred_surface.hessian[0, 1]) < 1e-5 * centred_surface.hessian[0, 0]  # no tilt
    assert kappa(data.surface) > 5.0  # raw x was worse
    if data is OFF_CENTRE:
        assert kappa(data.surface) > 1000


@pytest.mark.parametrize("name", TRANSFORMS)
def test_the_sliders_preview_surface_equals_the_surface_of_the_transformed_samples(name):
    t = TRANSFORMS[name](OFF_CENTRE)
    preview = t.surface(OFF_CENTRE.surface)
    actual = transformed_dataset(OFF_CENTRE, t).surface
    for field in ("mean_x", "mean_y", "var_x", "cov_xy", "var_y"):
        assert getattr(preview, field) == pytest.approx(getattr(actual, field), rel=1e-5, abs=1e-6), field


def test_x_prime_is_worked_out_in_float64_and_stored_as_float32():
    t = XTransform(0.3, 7.0, "custom")
    moved = transformed_dataset(TUTORIAL, t)
    assert moved.x.dtype == np.float32
    np.testing.assert_array_equal(moved.x, ((TUTORIAL.x.astype(np.float64) - 0.3) / 7.0).astype(np.float32))
    assert moved.y is TUTORIAL.y or np.shares_memory(moved.y, TUTORIAL.y)  # y is not copied
    assert moved.source == TUTORIAL.source
    # the true line, known for synthetic data, in the new units: y = −5·x = −35·x′ − 1.5
    assert (moved.true_slope, moved.true_intercept) == pytest.approx((-35.0, -1.5))
    assert transformed_dataset(TUTORIAL, RAW) is TUTORIAL


def test_centring_and_standardising_follow_new_data_a_custom_transform_stays():
    s = standardised(TUTORIAL.surface)
    assert s.following(OFF_CENTRE.surface) == standardised(OFF_CENTRE.surface)
    assert centred(TUTORIAL.surface).following(OFF_CENTRE.surface).center == pytest.approx(float(OFF_CENTRE.x.mean()))
    custom = XTransform(2.0, 3.0, "custom")
    assert custom.following(OFF_CENTRE.surface) is custom
    assert RAW.following(OFF_CENTRE.surface) is RAW


def test_all_equal_x_can_be_centred_but_not_scaled_by_a_zero_spread():
    flat = Dataset.from_arrays(np.full(5, 3.0), np.arange(5.0))
    t = standardised(flat.surface)
    assert (t.center, t.scale) == (3.0, 1.0)
    t.validate()


@pytest.mark.parametrize("fields, field", [
    ({"scale": 0.0, "kind": "custom"}, "scale"),
    ({"scale": -2.0, "kind": "custom"}, "scale"),
    ({"scale": math.nan, "kind": "custom"}, "scale"),
    ({"center": math.inf, "kind": "custom"}, "center"),
    ({"center": 1e13, "kind": "custom"}, "center"),
    ({"center": "1", "kind": "custom"}, "center"),
    ({"center": True, "kind": "custom"}, "center"),
    ({"center": 10**400, "kind": "custom"}, "center"),  # a JSON file can hold it: beyond float (was an OverflowError)
    ({"kind": "whiten"}, "kind"),
    ({"center": 2.0}, "kind"),  # "none" with a shift
])
def test_invalid_transforms_are_refused_naming_the_field(fields, field):
    with pytest.raises(ConfigError) as info:
        XTransform(**fields).validate()
    assert info.value.field == field


def test_from_dict_refuses_unknown_keys_and_non_objects():
    with pytest.raises(ConfigError, match="shift"):
        XTransform.from_dict({"shift": 1.0})
    with pytest.raises(ConfigError, match="object"):
        XTransform.from_dict([1, 2])
    assert XTransform.from_dict(XTransform(1.0, 2.0, "custom").to_dict()) == XTransform(1.0, 2.0, "custom")


def test_the_formula_reads_as_a_teacher_would_write_it():
    assert RAW.formula() == "x′ = x"
    assert XTransform(0.5, 2.0, "custom").formula() == "x′ = (x − 0.5) / 2"
    assert XTransform(-0.05, 2.887, "standardize").formula() == "x′ = (x + 0.05) / 2.887"
    assert XTransform(0.0, 4.0, "custom").formula() == "x′ = x / 4"
    assert centred(TUTORIAL.surface).describe().startswith("centred x: x′ = (x + 0.05)")


# --- sessions and the command line -------------------------------------------------------------

def test_a_session_keeps_its_transform_and_old_files_open_on_raw_x(tmp_path):
    from gdviewer.core.session_file import SessionSpec, load_session, save_session, spec_from_dict

    spec = SessionSpec(x_transform=XTransform(-0.05, 2.8866, "standardize"))
    save_session(tmp_path / "s.json", spec)
    assert load_session(tmp_path / "s.json").x_transform == spec.x_transform
    plain = SessionSpec().to_dict()
    assert "x_transform" not in plain  # raw x writes the file as before
    assert spec_from_dict(plain).x_transform == RAW


@pytest.mark.parametrize("value", [{"center": 1.0, "scale": 0.0, "kind": "custom"}, {"shift": 2}, "standardize",
                                   {"kind": "whiten"}, {"center": None, "kind": "custom"}])
def test_a_session_with_a_bad_transform_says_so(value):
    from gdviewer.core.errors import DataError
    from gdviewer.core.session_file import SessionSpec, spec_from_dict

    with pytest.raises(DataError, match="x_transform"):
        spec_from_dict({**SessionSpec().to_dict(), "x_transform": value})


def raw_line(out: str) -> tuple[float, float, float, float]:
    line = next(ln for ln in out.splitlines() if ln.startswith("on raw x"))
    numbers = [float(v) for v in
               __import__("re").findall(r"(?:w\*?|b\*?) (-?[\d.]+(?:e[-+]\d+)?)", line.split("):", 1)[1])]
    assert len(numbers) == 4, line
    return tuple(numbers)


@pytest.mark.parametrize("flags", [["--standardize"], ["--center", "--lr", "0.05", "--epochs", "200"],
                                   ["--x-shift", "3", "--x-scale", "2", "--lr", "0.05", "--epochs", "300"]])
def test_gdviewer_run_trains_on_x_prime_and_prints_the_answer_on_raw_x(capsys, flags):
    from gdviewer.cli import run_headless

    assert run_headless([*flags, "--quiet", *(["--lr", "0.5"] if flags == ["--standardize"] else [])]) == 0
    out = capsys.readouterr().out
    w, b, w_star, b_star = raw_line(out)
    ref_w, ref_b = raw_least_squares(TUTORIAL)
    assert (w_star, b_star) == pytest.approx((ref_w, ref_b), rel=1e-5, abs=1e-5)
    assert (w, b) == pytest.approx((ref_w, ref_b), rel=1e-3, abs=1e-3)  # trained to the same line


def test_gdviewer_run_refuses_a_zero_scale_and_mixed_transforms(capsys):
    from gdviewer.cli import EXIT_USAGE, run_headless

    with pytest.raises(SystemExit) as info:
        run_headless(["--x-scale", "0"])
    assert info.value.code == EXIT_USAGE
    assert "--x-scale must be from" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_headless(["--standardize", "--x-shift", "1"])
    assert "cannot be combined" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_headless(["--standardize", "--center"])
    assert "not allowed with" in capsys.readouterr().err


def test_gdviewer_run_config_uses_the_sessions_transform(tmp_path, capsys):
    from gdviewer.cli import run_headless
    from gdviewer.core.session_file import SessionSpec, save_session

    save_session(tmp_path / "s.json", SessionSpec(run=RunConfig(lr=0.5, epochs=1),
                                                  x_transform=standardised(TUTORIAL.surface)))
    assert run_headless(["--config", str(tmp_path / "s.json"), "--quiet"]) == 0
    w, b, *_ = raw_line(capsys.readouterr().out)
    assert (w, b) == pytest.approx(raw_least_squares(TUTORIAL), rel=1e-4, abs=1e-4)  # one step, κ = 1
