"""The Theorem 3.12 check as a library call: bad settings, budgets, reproducibility, report fields."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gflcheck.claims.theorem_3_12 import (
    Theorem312Config,
    check_theorem_3_12,
    dynamics_check,
    prepare,
)
from gflcheck.core.verdicts import Outcome
from gflcheck.models.distributions import xor_mixture
from gflcheck.models.gfl_families import GflSetting
from gflcheck.models.gfl_runs import layer_movement
from gflcheck.models.training import gaussian_mixture_recipe, train_algorithm_1
from gflcheck.runtime.errors import BudgetExceededError, ParameterRangeError, PreconditionError
from gflcheck.runtime.random import torch_generator

SMALL = Theorem312Config(hit_rate_draws=4000, opt_evaluation_size=20_000, test_size=2048)


def setting(**overrides) -> GflSetting:
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
    return GflSetting(**{**values, **overrides})


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
    # the binomial test's share of the family α plus the bound's estimated parts (OPT, p, Bayes)
    assert first.false_alarm_rate == pytest.approx(SMALL.false_alarm_rate)
    assert first.false_alarm_rate > SMALL.confidence.violation_alpha
    assert first.bound.provenance.tag.value == "seed"


def test_loading_a_profile_sets_the_budget():
    from hypothesis import settings

    from gflcheck.runtime import profiles

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


def test_the_bound_read_on_the_0_1_error_is_vacuous_at_the_constant_classifiers_error(tmp_path):
    """A hinge bound below 1 can still be no better than chance on the 0-1 error. The
    0-1 check reuses the hinge check's training runs through the run cache."""
    from gflcheck.claims.theorem_3_12 import theorem_3_12_check, theorem_3_12_error_check
    from gflcheck.runtime.cache import RunCache, use_cache

    run_cache = RunCache(tmp_path)
    with use_cache(run_cache):
        hinge = theorem_3_12_check(config=SMALL).run(setting())
        trained = run_cache.misses
        error = theorem_3_12_error_check(config=SMALL).run(setting())
    assert run_cache.misses == trained + 1 and run_cache.hits >= 1  # only the 0-1 reading is new
    assert hinge.outcome is Outcome.HOLDS and 0.5 <= hinge.bound_value < 1.0
    assert error.trivial_value == 0.5 and error.outcome is Outcome.VACUOUS
    assert error.bound_value == hinge.bound_value and error.seeds == hinge.seeds
    assert any(
        row.quantifier == "∃t ∈ [T]" and "Bayes error" in row.instantiated_as
        for row in error.quantifiers
    )


def test_class_probabilities_are_exact():
    orthogonal = setting(family="orthogonal", dimension=6, labels=(1, -1, 1)).distribution()
    assert orthogonal.positive_probability() == pytest.approx(2 / 3)
    assert setting().distribution().positive_probability() == pytest.approx(0.5)
    # even k: the structured part makes every x_j, j ∈ A, one sign, so the parity is +1
    parity = GflSetting("parity", 10, 0.2, 0.4, 0.2, 6, sparsity=2).distribution()
    assert parity.positive_probability() == pytest.approx(0.5 * 0.5 + 0.5)
    assert (
        GflSetting("linear", 8, 0.002, 0.1, 0.2, 7, margin=1.0)
        .distribution()
        .positive_probability()
        == 0.5
    )
    two_index = GflSetting("multiple-index", 8, 0.05, 0.2, 0.2, 8).distribution()
    assert two_index.positive_probability() == pytest.approx(0.5, abs=1e-6)


def test_layer_movement_measures_drift_from_the_first_step_and_growth_to_the_end():
    """``drift`` and ``growth`` (:func:`layer_movement`) against their formulas on a small run,
    with ``W_1`` from a one-step run of the same seeds (the run's own first step)."""
    mixture = xor_mixture(6, 6.0, 1.0, torch_generator(0, "distribution"))
    recipe = gaussian_mixture_recipe(
        6, 16, mixture.expected_norm(), mixture.expected_squared_norm()
    )
    run = train_algorithm_1(mixture, recipe, 16, 12, 64, (0, 1, 2), (1, 6, 12))
    first = train_algorithm_1(mixture, recipe, 16, 1, 64, (0, 1, 2), (1,))
    assert torch.equal(first.final.W, run.checkpoints[1].W)
    drift, growth = layer_movement(run, first)
    W1 = run.checkpoints[1].W
    expected = torch.stack(
        [(run.checkpoints[t].W - W1).flatten(1).norm(dim=1) for t in (1, 6, 12)]
    ).amax(0) / W1.flatten(1).norm(dim=1)
    np.testing.assert_allclose(drift, expected.double().numpy(), rtol=1e-6)
    ratio = run.final.a.norm(dim=1) / run.initial.a.norm(dim=1) - 1
    np.testing.assert_allclose(growth, ratio.double().numpy(), rtol=1e-6)


def test_a_dynamics_check_of_an_unknown_quantity_is_refused():
    with pytest.raises(ParameterRangeError, match="quantity='speed'"):
        dynamics_check("speed")


def test_one_setting_serves_every_family_and_refuses_parameters_of_another():
    """One :class:`GflSetting` with a table of families: a parameter of another family, or a
    missing one of its own, is refused by name; parity and the two-index model fill their
    defaults; a verdict reports the family's own parameters in order."""
    with pytest.raises(ParameterRangeError, match=r"sparsity=3.*not a parameter of the xor"):
        GflSetting("xor", 8, 0.01, 0.1, 0.2, 1, separation=8.0, noise=1.0, sparsity=3)
    with pytest.raises(ParameterRangeError, match=r"margin=None.*the family needs it"):
        GflSetting("linear", 8, 0.01, 0.1, 0.2, 1)
    with pytest.raises(ParameterRangeError, match="family='ring'"):
        GflSetting("ring", 8, 0.01, 0.1, 0.2, 1)
    parity = GflSetting("parity", 10, 0.2, 0.4, 0.2, 6, sparsity=2)
    assert parity.structured_weight == 0.5
    assert list(parity.reported_parameters()) == [
        "family",
        "dimension",
        "sparsity",
        "structured_weight",
        "gamma",
        "epsilon",
        "delta",
        "seed",
    ]
    assert GflSetting("multiple-index", 8, 0.05, 0.2, 0.2, 8).output_scale == 2.0
