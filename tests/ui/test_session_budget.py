"""Issue 13 in the window: runs whose histories together exceed the memory budget are refused
before anything changes, with the message the run controls show."""

from __future__ import annotations

import pytest

from gdviewer.core.errors import ConfigError


def test_adding_or_lengthening_runs_past_the_budget_is_refused_and_changes_nothing(window, monkeypatch):
    s = window.session
    config = s.run_config.with_changes(algorithm="stochastic", epochs=300)  # 30,000 steps: 1.5 MB each
    monkeypatch.setenv("GDVIEWER_MEMORY_MB", "4")
    s.set_run_config(config)
    s.roster.add(config)
    with pytest.raises(ConfigError, match=r"these 3 runs needs 4\.5 MB"):
        s.roster.add(config)
    assert len(s.runs) == 2
    with pytest.raises(ConfigError, match=r"memory budget is 4\.0 MB"):
        s.set_run_config(config.with_changes(epochs=600))
    assert s.run_config == config
    with pytest.raises(ConfigError, match="at most 268, 268, 268 epochs"):
        s.roster.replace([(config, "a", ""), (config, "b", ""), (config, "c", "")])
    assert [r.config for r in s.runs] == [config, config]
