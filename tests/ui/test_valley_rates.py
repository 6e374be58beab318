"""The links under the learning rate set the rate the formulas give (from numpy's eigenvalues
of the data's Hessian), through the same path as a typed rate; they are greyed where the
formulas do not hold."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.data import Dataset


def eigenvalues(window) -> np.ndarray:
    x = np.asarray(window.session.dataset.x, dtype=np.float64)
    return np.linalg.eigvalsh(2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]]))


def test_best_fixed_step_sets_two_over_the_sum_of_the_eigenvalues(qtbot, window):
    s = window.session
    links = window.run_controls.rate_links
    lam_min, lam_max = eigenvalues(window)
    best = 2.0 / (lam_min + lam_max)
    assert links.best.isEnabled()
    assert f"best fixed step 2/(λmin+λmax) ≈ {best:.3g}" in links.best.text()
    links.best.linkActivated.emit("best")  # a click on the link
    assert s.run_config.lr == pytest.approx(best, rel=1e-9)
    assert window.run_controls.fields["lr"].value() == pytest.approx(best, rel=1e-9)  # the field shows it


def test_stable_limit_sets_just_below_two_over_lambda_max(qtbot, window):
    s = window.session
    links = window.run_controls.rate_links
    _lam_min, lam_max = eigenvalues(window)
    assert f"stable limit 2/λmax ≈ {2.0 / lam_max:.3g}" in links.limit.text()
    assert "0.99" in links.limit.toolTip()
    links.limit.linkActivated.emit("limit")
    assert s.run_config.lr == pytest.approx(0.99 * 2.0 / lam_max, rel=1e-9)
    assert s.run_config.lr < s.stable_lr()  # the hint does not warn
    assert "⚠" not in window.run_controls.lr_hint.text()


@pytest.mark.parametrize(("changes", "why"), [({"algorithm": "stochastic"}, "batch GD"),
                                               ({"algorithm": "minibatch"}, "batch GD"),
                                               ({"optimizer": "momentum"}, "momentum"),
                                               ({"optimizer": "adam"}, "rescales")])
def test_links_are_greyed_where_the_formulas_do_not_hold(qtbot, window, changes, why):
    s = window.session
    window.apply_run_config(s.run_config.with_changes(**changes))
    window.run_controls.show_current()
    links = window.run_controls.rate_links
    lr = s.run_config.lr
    for label, key in ((links.best, "best"), (links.limit, "limit")):
        assert not label.isEnabled()
        assert why in label.toolTip()
        assert "<a " not in label.text()
        label.linkActivated.emit(key)
    assert s.run_config.lr == lr


def test_plain_sgd_counts_as_plain_gd(qtbot, window):
    window.apply_run_config(window.session.run_config.with_changes(optimizer="sgd"))
    window.run_controls.show_current()
    assert window.run_controls.rate_links.best.isEnabled()


def test_the_links_follow_new_data(qtbot, window):
    links = window.run_controls.rate_links
    before = links.rates["best"]
    window.session.set_dataset(Dataset.from_arrays(np.linspace(0.0, 3.0, 40), np.linspace(1.0, 2.0, 40)))
    lam_min, lam_max = eigenvalues(window)
    assert links.rates["best"] == pytest.approx(2.0 / (lam_min + lam_max), rel=1e-9) != before
    # all x equal: no best step (the flat axis never shrinks), the limit still holds
    window.session.set_dataset(Dataset.from_arrays(np.full(10, 2.0), np.linspace(0.0, 1.0, 10)))
    assert not links.best.isEnabled() and "line of optima" in links.best.toolTip()
    assert links.limit.isEnabled()
