"""The separation check's pieces: settings, the tangent Gram matrix, growth statements, and the
decision rule on synthetic sample needs (no training)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.func import jacrev

from gflcheck.checks import kernel_separation
from gflcheck.checks.kernel_separation import (
    SampleNeeds,
    SeparationConfig,
    SeparationSetting,
    check_sample_growth,
    exponent_gap,
    learner_test_errors,
)
from gflcheck.errors import ParameterRangeError
from gflcheck.theorems.separation import (
    Learner,
    fixed_features_need_linear_samples,
    fixed_features_need_quadratic_samples,
    trained_network_needs_log_squared_samples,
)
from gflcheck.verdicts import Outcome


@pytest.mark.parametrize(
    ("field", "value"),
    [("dimensions", (8,)), ("dimensions", (1, 8)), ("target_error", 0.5), ("separation", 0.0)],
)
def test_setting_rejects_bad_input_naming_the_parameter(field, value):
    with pytest.raises(ParameterRangeError, match=field):
        SeparationSetting(**{field: value})


def test_sample_grid_has_ratio_root_two_up_to_the_cap():
    grid = SeparationConfig(smallest_sample=16, largest_sample=256).sample_grid()
    assert grid == (16, 23, 32, 45, 64, 91, 128, 181, 256)


def test_tangent_gram_matrix_equals_the_jacobian_features():
    """Σ_j ReLU_j ReLU_j' + ⟨x,x'⟩Σ_j a_j² 1_j 1_j' is ∇_θf(x)·∇_θf(x') for θ = (a, W)."""
    d, count, seed = 5, 24, 3
    gram = kernel_separation._fixed_feature_kernel(Learner.NTK, d, count, seed)
    generator = kernel_separation.torch_generator(seed, f"separation-features-{count}")
    neurons = math.ceil(count / (d + 1))
    W = torch.randn(neurons, d, generator=generator, dtype=torch.float64) / math.sqrt(d)
    b = torch.randn(neurons, generator=generator, dtype=torch.float64)
    a = torch.randn(neurons, generator=generator, dtype=torch.float64)
    x = torch.randn(7, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64)

    def network(a, W):
        return torch.relu(x @ W.T - b) @ a

    jacobian_a, jacobian_W = jacrev(network, argnums=(0, 1))(a, W)
    features = torch.cat([jacobian_a, jacobian_W.flatten(1)], dim=1)
    torch.testing.assert_close(gram(x, x), features @ features.T)


def test_growth_statements_compare_with_their_own_slope_over_the_grid():
    grid = (16, 24, 32, 48, 64)
    assert fixed_features_need_quadratic_samples(Learner.NTK).exponent_over(grid) == pytest.approx(
        2
    )
    d = np.array(grid, dtype=float)
    expected = np.polyfit(np.log(d), 2 * np.log(np.log(d)), 1)[0]
    log_squared = trained_network_needs_log_squared_samples()
    assert log_squared.exponent_over(grid) == pytest.approx(expected)
    with pytest.raises(ParameterRangeError, match="learner"):
        fixed_features_need_quadratic_samples(Learner.TRAINED_NETWORK)


def _synthetic(learner, exponent, censor=False, scale=1.0):
    setting, config = SeparationSetting(), SeparationConfig()
    rng = np.random.default_rng(0)
    needs = {
        d: scale * d**exponent * np.exp(rng.normal(0, 0.05, config.seeds))
        for d in setting.dimensions
    }
    if censor:
        needs[setting.dimensions[-1]][0] = np.inf
    seeds = tuple(range(config.seeds))
    return SampleNeeds(learner, setting, config, seeds, needs, {})


@pytest.mark.parametrize(
    ("exponent", "censor", "expected"),
    [
        (2.0, False, Outcome.HOLDS),
        (1.0, False, Outcome.VIOLATED),
        (2.0, True, Outcome.INCONCLUSIVE),
    ],
)
def test_omega_statement_decision_on_synthetic_needs(monkeypatch, exponent, censor, expected):
    measured = _synthetic(Learner.RANDOM_FEATURES, exponent, censor)
    monkeypatch.setattr(kernel_separation, "sample_needs", lambda *args: measured)
    statement = fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES)
    verdict, _ = check_sample_growth(statement)
    assert verdict.outcome is expected
    assert (verdict.counterexample is not None) == (expected is Outcome.VIOLATED)


def test_big_o_false_variant_is_refuted_on_quadratic_needs(monkeypatch):
    measured = _synthetic(Learner.RANDOM_FEATURES, 2.0)
    monkeypatch.setattr(kernel_separation, "sample_needs", lambda *args: measured)
    verdict, _ = check_sample_growth(fixed_features_need_linear_samples())
    assert verdict.outcome is Outcome.VIOLATED and verdict.as_expected


def test_exponent_gap_is_the_slope_of_the_paired_ratio():
    fixed = _synthetic(Learner.RANDOM_FEATURES, 2.0, scale=3.0)
    trained = _synthetic(Learner.TRAINED_NETWORK, 1.0)
    gap = exponent_gap(fixed, trained)
    assert gap.slope == pytest.approx(1.0, abs=1e-9)  # the same noise cancels in the ratio


@pytest.mark.parametrize("learner", list(Learner))
def test_learner_test_errors_are_reproducible_and_in_range(learner):
    setting = SeparationSetting(dimensions=(4, 8), seed=5)
    config = SeparationConfig(seeds=2, test_size=500, steps=20)
    seeds = (11, 12)
    first = learner_test_errors(learner, setting, config, 4, 64, seeds)
    again = learner_test_errors(learner, setting, config, 4, 64, seeds)
    assert first.shape == (2,) and np.all((first >= 0) & (first <= 1))
    np.testing.assert_array_equal(first, again)
