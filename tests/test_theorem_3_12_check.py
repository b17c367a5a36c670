"""The Theorem 3.12 check as a library call: bad settings, budgets, reproducibility, report fields."""

from __future__ import annotations

import numpy as np
import pytest

from gflcheck.checks.theorem_3_12 import (
    MixtureSetting,
    Theorem312Config,
    check_theorem_3_12,
    prepare,
)
from gflcheck.errors import BudgetExceededError, ParameterRangeError, PreconditionError
from gflcheck.verdicts import Outcome

SMALL = Theorem312Config(hit_rate_draws=4000, opt_evaluation_size=20_000, test_size=2048)


def setting(**overrides) -> MixtureSetting:
    values = dict(
        family="two-cluster",
        dimension=4,
        separation=6.0,
        noise=1.0,
        gamma=0.01,
        epsilon=0.2,
        delta=0.3,
        seed=5,
    )
    return MixtureSetting(**{**values, **overrides})


@pytest.mark.parametrize(
    "overrides, parameter",
    [
        ({"gamma": 0.0}, "gamma"),
        ({"gamma": 1.0}, "gamma"),
        ({"epsilon": 1.5}, "epsilon"),
        ({"delta": -0.1}, "delta"),
        ({"dimension": 0}, "dimension"),
        ({"noise": 0.0}, "noise"),
        ({"family": "spiral"}, "family"),
        ({"family": "orthogonal", "labels": (1, -1, 1), "dimension": 2}, "dimension"),
    ],
)
def test_bad_settings_name_the_parameter(overrides, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        setting(**overrides)


def test_width_above_e_to_the_d_is_outside_the_theorem():
    with pytest.raises(PreconditionError, match=r"m ≤ e\^d"):
        prepare(setting(family="three-cluster", dimension=2, separation=4.0, noise=0.5), SMALL)


def test_settings_over_budget_are_rejected_not_shrunk():
    tight = Theorem312Config(max_steps=10, hit_rate_draws=2000, opt_evaluation_size=5000)
    with pytest.raises(BudgetExceededError, match="T=") as caught:
        prepare(setting(), tight)
    assert caught.value.required > caught.value.budget == 10


def test_the_check_is_reproducible_and_reports_everything():
    first, evidence = check_theorem_3_12(setting(), config=SMALL)
    again, _ = check_theorem_3_12(setting(), config=SMALL)
    np.testing.assert_array_equal(first.slack, again.slack)
    assert first.outcome is again.outcome is Outcome.HOLDS
    assert first.bound_value == pytest.approx(
        evidence.prepared.opt.value
        + 2
        * evidence.prepared.opt.ground_truth.output_weight_bound
        * evidence.prepared.expected_norm
        * np.sqrt(2 * 0.01)
        + 0.2
    )
    quantifiers = {q.quantifier for q in first.quantifiers}
    assert {"OPT (a minimum)", "∃t ∈ [T]", "probability ≥ 1 − δ"} <= quantifiers
    assert first.parameters["k"] == len(first.seeds) >= 8
    assert first.false_alarm_rate > SMALL.alpha
    assert first.bound.provenance.tag.value == "seed"


def test_loading_a_profile_sets_the_budget():
    from hypothesis import settings

    from gflcheck import profiles

    outside = settings.get_current_profile_name()
    with profiles.profile_loaded("thorough") as name:
        assert name == "thorough" and profiles.budget().xor_max_dimension == 512
        assert settings().max_examples == 40
        with profiles.profile_loaded("default"):
            assert profiles.budget().xor_max_dimension == 96
        assert profiles.budget().xor_max_dimension == 512
    assert settings.get_current_profile_name() == outside  # Hypothesis' own profile again
    with pytest.raises(ParameterRangeError, match="profile"):
        profiles.profile_name("exhaustive")
