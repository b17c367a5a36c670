"""The separation checks' pieces (XOR mixture in d, structured parity in k): settings, grids,
the tangent Gram matrix, growth statements, and the decision rule on synthetic needs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.func import jacrev

from gflcheck.claims import kernel_separation, parity_separation
from gflcheck.claims.kernel_separation import (
    HIGH_SNR,
    SeparationConfig,
    SeparationSetting,
    collapse_check,
    learner_test_errors,
    paired_gap_check,
    sample_need_check,
)
from gflcheck.claims.parity_separation import (
    ParitySeparationConfig,
    ParitySeparationSetting,
    learner_population_errors,
    size_need_check,
)
from gflcheck.claims.sgd_cube_xor import CubeXorConfig, sgd_test_errors
from gflcheck.core.statement_kinds import NeedWalk, bound_slope, walk_needs
from gflcheck.core.verdicts import Outcome
from gflcheck.models import separation_learners
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.theorems.separation import (
    SEPARATION_LEARNERS,
    Learner,
    fixed_features_error_rises_at_linear_samples,
    fixed_features_need_exponential_size,
    fixed_features_need_linear_size,
    fixed_features_need_quadratic_samples,
    fixed_features_need_quartic_size,
    fixed_features_need_root_d_samples,
    random_features_error_bounded_at_few_samples,
    random_features_error_bounded_at_quadratic_samples,
    rival,
    trained_network_needs_exponential_width,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
)

DENSE = SeparationSetting(dimensions=(16, 20, 24, 28, 32, 40, 48, 56, 64))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dimensions", (8,)),
        ("dimensions", (8, 16)),
        ("dimensions", (1, 8, 16)),
        ("target_error", 0.5),
        ("separation", 0.0),
        ("snr_exponent", 1.5),
    ],
)
def test_setting_rejects_bad_input_naming_the_parameter(field, value):
    with pytest.raises(ParameterRangeError, match=field):
        SeparationSetting(**{field: value})


def test_sample_grid_has_ratio_root_two_up_to_the_cap():
    grid = SeparationConfig(smallest_sample=16, largest_sample=256).sample_grid()
    assert grid == (16, 23, 32, 45, 64, 91, 128, 181, 256)


@pytest.mark.parametrize("learner", [Learner.NTK, Learner.RANDOM_FEATURES])
def test_fixed_features_gram_and_prediction_equal_the_explicit_features(learner):
    """For the NTK: Σ_j ReLU_j ReLU_j' + ⟨x,x'⟩Σ_j a_j² 1_j 1_j' is ∇_θf(x)·∇_θf(x') for
    θ = (a, W); for random features, ΦΦᵀ. The prediction through the features equals
    ``K(x_t, x)·α`` with the explicit features."""
    d, count, seed = 5, 24, 3
    features_of = separation_learners._fixed_features(learner, d, count, seed)
    generator = separation_learners.torch_generator(seed, f"separation-features-{count}")
    neurons = count if learner is Learner.RANDOM_FEATURES else math.ceil(count / (d + 1))
    W = torch.randn(neurons, d, generator=generator, dtype=torch.float64) / math.sqrt(d)
    b = torch.randn(neurons, generator=generator, dtype=torch.float64)
    a = torch.randn(neurons, generator=generator, dtype=torch.float64)
    points = torch.Generator().manual_seed(0)
    x = torch.randn(7, d, generator=points, dtype=torch.float64)
    x_test = torch.randn(4, d, generator=points, dtype=torch.float64)

    def explicit(z):
        if learner is Learner.RANDOM_FEATURES:
            return torch.relu(z @ W.T - b)
        jacobian_a, jacobian_W = jacrev(lambda a, W: torch.relu(z @ W.T - b) @ a, (0, 1))(a, W)
        return torch.cat([jacobian_a, jacobian_W.flatten(1)], dim=1)

    torch.testing.assert_close(features_of.gram(x), explicit(x) @ explicit(x).T)
    alpha = torch.randn(7, generator=points, dtype=torch.float64)
    torch.testing.assert_close(
        features_of.predict(alpha, x, x_test), explicit(x_test) @ explicit(x).T @ alpha
    )


@pytest.mark.parametrize("learner", [Learner.NTK, Learner.RANDOM_FEATURES])
def test_the_primal_ridge_fit_predicts_as_the_dual_one(learner, monkeypatch):
    """With fewer features than points the fit is solved in the primal (ΦᵀΦ); the push-through
    identity Φᵀ(ΦΦᵀ + λI)⁻¹ = (ΦᵀΦ + λI)⁻¹Φᵀ makes it the dual's predictor."""
    d, count = 5, 24
    features = separation_learners._fixed_features(learner, d, count, 3)
    points = torch.Generator().manual_seed(0)
    x = torch.randn(200, d, generator=points, dtype=torch.float64)
    y = torch.randn(200, generator=points, dtype=torch.float64).sign()
    x_test = torch.randn(50, d, generator=points, dtype=torch.float64)
    assert features.count(d) < len(x)
    primal = separation_learners._ridge_prediction(features, x, y, x_test, 0.01)
    monkeypatch.setattr(separation_learners._FixedFeatures, "count", lambda self, d: len(x))
    dual = separation_learners._ridge_prediction(features, x, y, x_test, 0.01)
    torch.testing.assert_close(primal, dual, rtol=1e-8, atol=1e-10)


def test_a_feature_walk_tries_counts_at_ratio_root_two_up_to_d_squared():
    assert separation_learners.feature_counts(None, 8.0) == (16, 23, 32, 45, 64)
    walk = separation_learners.feature_walk(SeparationConfig(seeds=3))
    assert walk.runs == 3 and walk.sizes(None, 16.0)[-1] == 256


def test_each_need_walk_has_its_own_set_up_and_a_wrong_one_is_refused():
    from gflcheck.core.setups import separation_setup

    set_ups = [separation_setup("random features", 0.0, w) for w in ("samples", "features")]
    assert set_ups[0].name != set_ups[1].name and "16·d²" in set_ups[1].samples
    assert "2048" in separation_setup("trained network", 0.0, "neurons").samples
    with pytest.raises(ParameterRangeError, match="walked"):
        separation_setup("random features", 0.0, "widths")


def test_growth_statements_compare_with_their_own_slope_over_the_grid():
    grid = (16, 24, 32, 48, 64)
    quadratic = fixed_features_need_quadratic_samples(Learner.NTK).bound
    assert bound_slope(quadratic, "d", grid, {}, True) == pytest.approx(2)
    d = np.array(grid, dtype=float)
    expected = np.polyfit(np.log(d), 2 * np.log(np.log(d)), 1)[0]
    log_squared = trained_network_needs_log_squared_samples().bound
    assert bound_slope(log_squared, "d", grid, {}, True) == pytest.approx(expected)
    with pytest.raises(ParameterRangeError, match="learner"):
        fixed_features_need_quadratic_samples(Learner.TRAINED_NETWORK)


def _needing(exponent: float, scale: float = 1.0, spread: float = 0.3):
    """A stand-in for :func:`learner_test_errors`: a seed's error is 0 from ``n = scale·d^e``
    (times the seed's own log-normal factor) on, 1 below it."""

    def errors(learner, setting, config, dimension, samples, seeds):
        streams = [[s, dimension, list(Learner).index(learner)] for s in seeds]
        factor = np.exp(spread * np.array([np.random.default_rng(x).normal() for x in streams]))
        power = exponent[learner] if isinstance(exponent, dict) else exponent
        return np.where(samples >= scale * dimension**power * factor, 0.0, 1.0)

    return errors


@pytest.mark.parametrize(("exponent", "expected"), [(2.0, Outcome.HOLDS), (1.0, Outcome.VIOLATED)])
def test_an_omega_need_statement_is_judged_on_synthetic_needs(monkeypatch, exponent, expected):
    """Needs growing like d² confirm Ω(d²); like d they refute it (a counterexample names the
    estimate)."""
    monkeypatch.setattr(separation_learners, "learner_test_errors", _needing(exponent))
    statement = fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES)
    verdict = sample_need_check(statement).run(DENSE)
    assert verdict.outcome is expected, verdict.notes
    assert (verdict.counterexample is not None) == (expected is Outcome.VIOLATED)


def test_censored_needs_bound_the_slope_from_below(monkeypatch):
    """Needs beyond the cap at the largest d: an O statement cannot be confirmed (the slope is
    known only from below), and they are counted and reported."""
    monkeypatch.setattr(separation_learners, "learner_test_errors", _needing(2.2, scale=0.5))
    config = SeparationConfig(largest_sample=2048)
    check = sample_need_check(
        rival(fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES), "C*d**3", "d³"),
        config,
    )
    verdict, walked = check.run_with_evidence(DENSE)
    assert walked.grid.censored > 0 and verdict.outcome is not Outcome.HOLDS
    assert verdict.interval[2] == np.inf
    assert any("censored" in note for note in verdict.notes)


def test_a_false_rate_is_refuted_on_quadratic_needs(monkeypatch):
    monkeypatch.setattr(separation_learners, "learner_test_errors", _needing(2.0))
    verdict = sample_need_check(fixed_features_need_root_d_samples()).run(DENSE)
    assert verdict.outcome is Outcome.VIOLATED and verdict.as_expected


@pytest.mark.parametrize(
    ("fixed_exponent", "expected"),
    [(2.0, Outcome.HOLDS), (0.5, Outcome.VIOLATED), (1.0, Outcome.INCONCLUSIVE)],
)
def test_paired_gap_check_decides_on_the_ratios_growth(monkeypatch, fixed_exponent, expected):
    """The trained network's need grows like d here: a fixed-feature need growing like d² makes
    the ratio grow (holds), like √d makes it shrink (violated), like d keeps it flat (neither
    side is confirmed); its rival, a bounded ratio, is judged on the same walks."""
    exponents = {Learner.RANDOM_FEATURES: fixed_exponent, Learner.TRAINED_NETWORK: 1.0}
    monkeypatch.setattr(separation_learners, "learner_test_errors", _needing(exponents, scale=0.5))
    verdict = paired_gap_check().run(DENSE)
    assert verdict.outcome is expected, verdict.notes
    assert len(verdict.identification) == 1


@pytest.mark.parametrize(
    ("random_feature_base", "expected"),
    [(2.0, Outcome.HOLDS), (1.1, Outcome.VIOLATED), (1.4, Outcome.INCONCLUSIVE)],
)
def test_parity_paired_gap_is_a_log_linear_slope_in_k(monkeypatch, random_feature_base, expected):
    """On parity the ratio of the sizes needed is fitted on k itself (log-linear): random
    features needing base^k against neurons needing about 1.4^k grow the ratio for base 2,
    shrink it for 1.1, and keep it flat for 1.4."""
    setting = ParitySeparationSetting(sparsities=(2, 3, 4, 5, 6, 7, 8))

    def errors(learner, setting, config, k, size, seeds):
        base = random_feature_base if learner is Learner.RANDOM_FEATURES else 1.4
        factor = np.exp(0.1 * np.array([np.random.default_rng([s, k]).normal() for s in seeds]))
        return np.where(size >= 4 * base**k * factor, 0.0, 1.0)

    monkeypatch.setattr(parity_separation, "learner_population_errors", errors)
    config = ParitySeparationConfig(largest_width=1 << 12)
    verdict = parity_separation.paired_gap_check(config).run(setting)
    assert verdict.outcome is expected, verdict.notes
    assert "in k" in verdict.quantity and "log d" not in verdict.quantity


@pytest.mark.parametrize("learner", SEPARATION_LEARNERS)
def test_learner_test_errors_are_reproducible_and_in_range(learner):
    setting = SeparationSetting(dimensions=(4, 8, 16), seed=5)
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

    def slope(statement):
        return bound_slope(statement.bound, "k", orders, {}, False)

    assert slope(fixed_features_need_exponential_size()) == pytest.approx(math.log(2))
    k = np.array(orders, dtype=float)
    expected = np.polyfit(k, 2 * np.log(k), 1)[0]
    assert slope(trained_network_needs_quadratic_width()) == pytest.approx(expected)
    # the rivals: k⁴ rises faster per unit k than 2^k on k = 2…5 (so it can pass as an upper
    # bound where Ω(2^k) holds), and Ω(2^k) for the trained network has 2^k's own slope
    quartic = slope(fixed_features_need_quartic_size())
    assert quartic == pytest.approx(np.polyfit(k, 4 * np.log(k), 1)[0]) and quartic > math.log(2)
    assert slope(trained_network_needs_exponential_width()) == pytest.approx(math.log(2))
    with pytest.raises(ParameterRangeError, match="statement"):
        size_need_check(fixed_features_need_root_d_samples())


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


def test_exponential_needs_are_told_apart_from_a_polynomial_rival_only_on_a_long_grid(
    monkeypatch,
):
    """Needs growing like 3^k confirm Ω(2^k) and refute O(k); on k = 2…5 the rival O(k⁴) gets
    the same verdict (not identifiable, with the grid that would identify them), on k = 2…12
    it does not."""

    def errors(learner, setting, config, k, size, seeds):
        factor = np.exp(0.05 * np.array([np.random.default_rng([s, k]).normal() for s in seeds]))
        return np.where(size >= 3.0**k * factor, 0.0, 1.0)

    monkeypatch.setattr(parity_separation, "learner_population_errors", errors)
    config = ParitySeparationConfig(smallest_size=2)
    exponential = fixed_features_need_exponential_size()
    check = size_need_check(exponential, config, rivals=(fixed_features_need_quartic_size(),))
    short = check.run(ParitySeparationSetting(dimension=12, sparsities=(2, 3, 4, 5, 6)))
    assert short.outcome is Outcome.HOLDS and short.identified is False
    assert "identifiable on k" in short.identification[0].grid
    refuted = size_need_check(fixed_features_need_linear_size(), config).run(
        ParitySeparationSetting(dimension=12, sparsities=(2, 3, 4, 5, 6))
    )
    assert refuted.outcome is Outcome.VIOLATED and refuted.as_expected
    long = size_need_check(
        exponential,
        ParitySeparationConfig(smallest_size=2),
        rivals=(fixed_features_need_quartic_size(),),
    ).run(ParitySeparationSetting(dimension=14, sparsities=tuple(range(2, 13))))
    assert long.outcome is Outcome.HOLDS and long.identified is True


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
    assert "Ghorbani" in verdict.bound.provenance.paper


def test_collapse_schedules_and_the_false_variant():
    statement = fixed_features_error_rises_at_linear_samples(Learner.RANDOM_FEATURES)
    assert statement.samples == "n = 16·d" and statement.sample_size(24) == 384
    quadratic = random_features_error_bounded_at_quadratic_samples()
    assert quadratic.samples == "n = 0.25·d^2" and quadratic.sample_size(64) == 1024
    variant = collapse_check(random_features_error_bounded_at_few_samples())
    assert variant.is_false_variant and variant.name.endswith("error-at-d1.25-n")
    with pytest.raises(ParameterRangeError, match="learner"):
        fixed_features_error_rises_at_linear_samples(Learner.TRAINED_NETWORK)


def test_the_scaling_family_grows_the_means_like_d_to_the_a_from_the_smallest_dimension():
    low = SeparationSetting(dimensions=(16, 32, 64))
    high = SeparationSetting(dimensions=(16, 32, 64), snr_exponent=HIGH_SNR)
    quarter = SeparationSetting(dimensions=(16, 32, 64), snr_exponent=0.25)
    assert low.mean_norm(64) == 3.0 and high.mean_norm(16) == 3.0 and high.mean_norm(64) == 6.0
    assert quarter.mean_norm(64) == pytest.approx(3.0 * 4**0.25)
    assert float(high.distribution(64).means.norm(dim=-1)[0]) == pytest.approx(6.0)
    assert high.scaling == "a = 0.5 (high SNR)" and quarter.scaling == "a = 0.25"


def test_each_seed_walks_only_until_it_gets_there():
    """The walk measures a seed only while it has not reached the level; its needs are those of
    walking every seed to the last seed's need."""
    reach = {11: 8, 12: 32, 13: 4}  # per seed, the least size with error ≤ 0.1
    asked = []

    def errors_at(setting, value, size, seeds):
        asked.append((size, seeds))
        return np.array([0.05 if size >= reach[seed] else 0.3 for seed in seeds])

    walk = NeedWalk(lambda s, v: (4, 8, 16, 32, 64), errors_at, 0.1)
    needs, errors, caps = walk_needs(walk, None, [1.0], (11, 12, 13))
    assert needs[0].tolist() == [8, 32, 4] and caps == [64.0]
    assert asked == [(4, (11, 12, 13)), (8, (11, 12)), (16, (12,)), (32, (12,))]
    assert np.isnan(errors[1.0][16][[0, 2]]).all() and errors[1.0][16][1] == 0.3
    assert 64 not in errors[1.0]
    short = NeedWalk(lambda s, v: (4, 8), errors_at, 0.1)
    censored, _, _ = walk_needs(short, None, [1.0], (11, 12))
    assert censored[0][0] == 8 and np.isinf(censored[0][1])


@pytest.mark.parametrize(
    "errors_of",
    [
        pytest.param(
            lambda seeds: learner_test_errors(
                Learner.TRAINED_NETWORK,
                SeparationSetting(dimensions=(4, 8, 16)),
                SeparationConfig(steps=20),
                8,
                64,
                seeds,
            ),
            id="trained-network-on-the-mixture",
        ),
        pytest.param(
            lambda seeds: learner_test_errors(
                Learner.NTK,
                SeparationSetting(dimensions=(4, 8, 16)),
                SeparationConfig(),
                8,
                64,
                seeds,
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
        pytest.param(
            lambda seeds: separation_learners.random_feature_test_errors(
                SeparationSetting(dimensions=(4, 5, 6)),
                SeparationConfig(test_size=200),
                4,
                16,
                seeds,
            ),
            id="random-features-counted",
        ),
    ],
)
def test_a_seeds_error_does_not_depend_on_the_seeds_measured_with_it(errors_of):
    """What lets the walk measure only the seeds still walking (walk_needs)."""
    together = errors_of((5, 6, 7, 8))
    assert np.array_equal(errors_of((6, 8)), together[[1, 3]])
    assert np.array_equal(errors_of((7,)), together[[2]])
