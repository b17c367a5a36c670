"""The separation checks' pieces (XOR mixture in d, structured parity in k): settings, grids,
the tangent Gram matrix, growth statements, and the decision rule on synthetic needs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.func import jacrev

from gflcheck.checks import kernel_separation, parity_separation
from gflcheck.checks.kernel_separation import (
    MeanScaling,
    SampleNeeds,
    SeparationConfig,
    SeparationSetting,
    check_sample_growth,
    collapse_check,
    exponent_gap,
    learner_test_errors,
    walk_needs,
)
from gflcheck.checks.parity_separation import (
    ParitySeparationConfig,
    ParitySeparationSetting,
    check_size_growth,
    learner_population_errors,
)
from gflcheck.checks.sgd_cube_xor import CubeXorConfig, sgd_test_errors
from gflcheck.errors import ParameterRangeError
from gflcheck.theorems.separation import (
    SEPARATION_LEARNERS,
    Learner,
    fixed_features_error_rises_at_linear_samples,
    fixed_features_need_exponential_size,
    fixed_features_need_linear_samples,
    fixed_features_need_linear_size,
    fixed_features_need_quadratic_samples,
    fixed_features_need_quartic_size,
    random_features_error_bounded_at_few_samples,
    random_features_error_bounded_at_quadratic_samples,
    trained_network_needs_exponential_width,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
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


@pytest.mark.parametrize(
    ("fixed_exponent", "expected"),
    [(2.0, Outcome.HOLDS), (0.5, Outcome.VIOLATED), (1.0, Outcome.INCONCLUSIVE)],
)
def test_paired_gap_check_decides_on_the_ratios_growth(monkeypatch, fixed_exponent, expected):
    """The trained network's need grows like d here: a fixed-feature need growing like d² makes
    the ratio grow (holds), like √d makes it shrink (violated), like d keeps it flat (neither
    side is confirmed)."""
    trained = _synthetic(Learner.TRAINED_NETWORK, 1.0, scale=0.5)
    rng = np.random.default_rng(1)  # other noise than the fixed learner's: the ratio has some
    for d, row in trained.needs.items():
        trained.needs[d] = row * np.exp(rng.normal(0, 0.05, row.shape))
    needs = {
        Learner.RANDOM_FEATURES: _synthetic(Learner.RANDOM_FEATURES, fixed_exponent),
        Learner.TRAINED_NETWORK: trained,
    }
    monkeypatch.setattr(kernel_separation, "sample_needs", lambda learner, *args: needs[learner])
    verdict = kernel_separation.paired_gap_check().run(SeparationSetting())
    assert verdict.outcome is expected


@pytest.mark.parametrize(
    ("random_feature_base", "expected"),
    [(2.0, Outcome.HOLDS), (1.1, Outcome.VIOLATED), (1.4, Outcome.INCONCLUSIVE)],
)
def test_parity_paired_gap_is_a_log_linear_slope_in_k(monkeypatch, random_feature_base, expected):
    """On parity the ratio of the sizes needed is fitted on k itself (log-linear): random
    features needing base^k against neurons needing about 1.4^k per unit k (k² over k = 2…5)
    grow the ratio for base 2, shrink it for 1.1, and keep it flat for 1.4."""
    setting, config = ParitySeparationSetting(), ParitySeparationConfig()
    rng = np.random.default_rng(2)
    seeds = tuple(range(config.seeds))

    def needs(learner, growth):
        sizes = {
            k: 4 * growth(k) * np.exp(rng.normal(0, 0.05, config.seeds)) for k in setting.sparsities
        }
        return SampleNeeds(learner, setting, config, seeds, sizes, {}, logarithmic=False)

    measured = {
        Learner.RANDOM_FEATURES: needs(Learner.RANDOM_FEATURES, lambda k: random_feature_base**k),
        Learner.TRAINED_NETWORK: needs(Learner.TRAINED_NETWORK, lambda k: 1.4**k),
    }
    monkeypatch.setattr(parity_separation, "size_needs", lambda learner, *args: measured[learner])
    verdict = parity_separation.paired_gap_check().run(setting)
    assert verdict.outcome is expected
    assert "on k" in verdict.quantity and "log d" not in verdict.quantity


@pytest.mark.parametrize("learner", SEPARATION_LEARNERS)
def test_learner_test_errors_are_reproducible_and_in_range(learner):
    setting = SeparationSetting(dimensions=(4, 8), seed=5)
    config = SeparationConfig(seeds=2, test_size=500, steps=20)
    seeds = (11, 12)
    first = learner_test_errors(learner, setting, config, 4, 64, seeds)
    again = learner_test_errors(learner, setting, config, 4, 64, seeds)
    assert first.shape == (2,) and np.all((first >= 0) & (first <= 1))
    np.testing.assert_array_equal(first, again)


# -- structured parity (growth in k) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("dimension", 15), ("sparsities", (2, 3)), ("sparsities", (2, 3, 13)), ("target_error", 1.0)],
)
def test_parity_setting_rejects_bad_input_naming_the_parameter(field, value):
    with pytest.raises(ParameterRangeError, match=field):
        ParitySeparationSetting(**{field: value})


def test_parity_size_grids_stop_at_two_to_the_d_features_and_use_even_widths():
    config = ParitySeparationConfig(smallest_size=4, largest_width=32)
    assert config.size_grid(Learner.RANDOM_FEATURES, 5)[-1] == 32
    widths = config.size_grid(Learner.TRAINED_NETWORK, 12)
    assert widths == (4, 6, 8, 12, 16, 22, 32) and all(m % 2 == 0 for m in widths)


def test_exponential_statements_are_fitted_per_unit_of_k():
    orders = (2, 3, 4, 5)
    assert fixed_features_need_exponential_size().exponent_over(orders) == pytest.approx(
        math.log(2)
    )
    k = np.array(orders, dtype=float)
    expected = np.polyfit(k, 2 * np.log(k), 1)[0]
    assert trained_network_needs_quadratic_width().exponent_over(orders) == pytest.approx(expected)
    # the rivals: k⁴ rises faster per unit k than 2^k on k = 2…5 (so it can pass as an upper
    # bound where Ω(2^k) holds), and Ω(2^k) for the trained network has 2^k's own slope
    quartic = fixed_features_need_quartic_size().exponent_over(orders)
    assert quartic == pytest.approx(np.polyfit(k, 4 * np.log(k), 1)[0]) and quartic > math.log(2)
    assert trained_network_needs_exponential_width().exponent_over(orders) == pytest.approx(
        math.log(2)
    )
    with pytest.raises(ParameterRangeError, match="statement"):
        check_size_growth(fixed_features_need_linear_samples())


def test_random_features_with_every_walsh_function_fit_parity_exactly():
    """With 2^d features fitted on the population the error is 0 (any labelling is in the span
    when the features are linearly independent); with 4 features a 3-parity is not learned."""
    setting = ParitySeparationSetting(dimension=5, sparsities=(1, 2, 3), seed=1)
    config = ParitySeparationConfig(seeds=2)
    seeds = (1, 2)
    full = learner_population_errors(Learner.RANDOM_FEATURES, setting, config, 3, 32, seeds)
    few = learner_population_errors(Learner.RANDOM_FEATURES, setting, config, 3, 4, seeds)
    np.testing.assert_allclose(full, 0.0, atol=1e-12)
    assert np.all(few > 0.05)


def test_exponential_omega_decision_on_synthetic_needs(monkeypatch):
    setting, config = ParitySeparationSetting(), ParitySeparationConfig()
    rng = np.random.default_rng(1)
    needs = {k: 3.0**k * np.exp(rng.normal(0, 0.05, config.seeds)) for k in setting.sparsities}
    measured = SampleNeeds(
        Learner.RANDOM_FEATURES, setting, config, tuple(range(8)), needs, {}, logarithmic=False
    )
    monkeypatch.setattr(parity_separation, "size_needs", lambda *args: measured)
    holds, _ = check_size_growth(fixed_features_need_exponential_size())
    refuted, _ = check_size_growth(fixed_features_need_linear_size())
    assert holds.outcome is Outcome.HOLDS
    assert refuted.outcome is Outcome.VIOLATED and refuted.as_expected


def _errors_growing_like(power: float):
    """A stand-in for :func:`learner_test_errors`: per seed, ``0.1·(d/16)^power`` with a little
    seed-to-seed spread, whatever the number of samples."""

    def errors(learner, setting, config, dimension, samples, seeds):
        spread = 1 + 0.02 * np.linspace(-1, 1, len(seeds))
        return 0.1 * (dimension / 16) ** power * spread

    return errors


@pytest.mark.parametrize(
    ("power", "rises", "bounded"),
    [
        (0.3, Outcome.HOLDS, Outcome.VIOLATED),  # the error rises: the need grows faster
        (-0.2, Outcome.VIOLATED, Outcome.HOLDS),  # it falls: the need grows slower
    ],
)
def test_collapse_statements_read_the_slope_of_the_error_in_d(monkeypatch, power, rises, bounded):
    """*Rises* needs the slope's interval at or above 0, *does not rise* at or below 0: no
    tolerance, so a learner whose error is flat confirms neither."""
    monkeypatch.setattr(kernel_separation, "learner_test_errors", _errors_growing_like(power))
    setting = SeparationSetting()
    rising = collapse_check(fixed_features_error_rises_at_linear_samples(Learner.NTK))
    assert rising.run(setting).outcome is rises
    at_d2 = collapse_check(random_features_error_bounded_at_quadratic_samples())
    verdict = at_d2.run(setting)
    assert verdict.outcome is bounded and verdict.bound.provenance.tag.value == "secondary"
    assert "Refinetti" in verdict.bound.provenance.paper


def test_collapse_schedules_and_the_false_variant():
    statement = fixed_features_error_rises_at_linear_samples(Learner.RANDOM_FEATURES)
    assert statement.samples == "n = 16·d" and statement.sample_size(24) == 384
    quadratic = random_features_error_bounded_at_quadratic_samples()
    assert quadratic.samples == "n = 0.25·d^2" and quadratic.sample_size(64) == 1024
    variant = collapse_check(random_features_error_bounded_at_few_samples())
    assert variant.is_false_variant and variant.name.endswith("error-at-d1.25-n")
    with pytest.raises(ParameterRangeError, match="learner"):
        fixed_features_error_rises_at_linear_samples(Learner.TRAINED_NETWORK)


def test_high_snr_means_grow_like_root_d_from_the_smallest_dimension():
    low = SeparationSetting(dimensions=(16, 64))
    high = SeparationSetting(dimensions=(16, 64), scaling=MeanScaling.HIGH_SNR)
    assert low.mean_norm(64) == 3.0 and high.mean_norm(16) == 3.0 and high.mean_norm(64) == 6.0
    assert float(high.distribution(64).means.norm(dim=-1)[0]) == pytest.approx(6.0)
    with pytest.raises(ParameterRangeError, match="scaling"):
        SeparationSetting(scaling="high")


def test_each_seed_walks_only_until_it_gets_there():
    """The walk measures a seed only while it has not reached the level; its needs are those of
    walking every seed to the last seed's need."""
    reach = {11: 8, 12: 32, 13: 4}  # per seed, the least size with error ≤ 0.1
    asked = []

    def errors_at(value, size, seeds):
        asked.append((size, seeds))
        return np.array([0.05 if size >= reach[seed] else 0.3 for seed in seeds])

    needs, errors = walk_needs([1], lambda v: (4, 8, 16, 32, 64), errors_at, 0.1, (11, 12, 13))
    assert needs[1].tolist() == [8, 32, 4]
    assert asked == [(4, (11, 12, 13)), (8, (11, 12)), (16, (12,)), (32, (12,))]
    assert np.isnan(errors[1][16][[0, 2]]).all() and errors[1][16][1] == 0.3
    assert 64 not in errors[1]
    censored, _ = walk_needs([1], lambda v: (4, 8), errors_at, 0.1, (11, 12))
    assert censored[1][0] == 8 and np.isinf(censored[1][1])


@pytest.mark.parametrize(
    "errors_of",
    [
        pytest.param(
            lambda seeds: learner_test_errors(
                Learner.TRAINED_NETWORK,
                SeparationSetting(dimensions=(4, 8)),
                SeparationConfig(steps=20),
                8,
                64,
                seeds,
            ),
            id="trained-network-on-the-mixture",
        ),
        pytest.param(
            lambda seeds: learner_test_errors(
                Learner.NTK, SeparationSetting(dimensions=(4, 8)), SeparationConfig(), 8, 64, seeds
            ),
            id="ntk-on-the-mixture",
        ),
        pytest.param(
            lambda seeds: learner_population_errors(
                Learner.TRAINED_NETWORK,
                ParitySeparationSetting(dimension=6, sparsities=(2, 3, 4)),
                ParitySeparationConfig(steps=40, batch_size=64, checkpoints=2),
                3,
                8,
                seeds,
            ),
            id="trained-network-on-parity",
        ),
        pytest.param(
            lambda seeds: sgd_test_errors(CubeXorConfig(), 8, 64, seeds),
            id="minibatch-sgd-on-the-cube",
        ),
    ],
)
def test_a_seeds_error_does_not_depend_on_the_seeds_measured_with_it(errors_of):
    """What lets the walk measure only the seeds still walking (walk_needs)."""
    together = errors_of((5, 6, 7, 8))
    assert np.array_equal(errors_of((6, 8)), together[[1, 3]])
    assert np.array_equal(errors_of((7,)), together[[2]])


def test_identifiability_of_rival_rates_on_the_grid():
    """On k = 2…5, Ω(2^k) and the rival O(k⁴) can both be confirmed by one fitted slope (k⁴'s
    log-slope per unit k, 1.21, is above 2^k's 0.69): not identifiable. Against O(k) (slope
    0.30) with τ = 0.1 the grid tells them apart; the same rival in the same direction is
    refused."""
    from gflcheck.checks.parity_separation import identifiable_from

    grid = (2, 3, 4, 5)
    exponential = fixed_features_need_exponential_size()
    identifiable, own, other = identifiable_from(
        exponential, fixed_features_need_quartic_size(), grid, 0.25
    )
    assert not identifiable and own == pytest.approx(math.log(2)) and other > own
    assert identifiable_from(exponential, fixed_features_need_linear_size(), grid, 0.1)[0]
    with pytest.raises(ParameterRangeError, match="rival"):
        identifiable_from(exponential, trained_network_needs_exponential_width(), grid, 0.25)
