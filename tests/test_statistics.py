"""Estimators and verdict decisions: intervals against scipy, the binomial decision rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gflcheck.core.estimators import (
    clopper_pearson,
    hinge_loss_estimate,
    student_t_interval,
    t_interval_at,
    zero_one_error_estimate,
)
from gflcheck.core.verdicts import (
    Outcome,
    SeedStates,
    classify_seeds,
    decide_every_instance,
    decide_violation_rate,
    seeds_to_confirm,
    vacuity,
)
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.runtime.errors import ParameterRangeError


@pytest.mark.parametrize("successes, trials", [(0, 20), (3, 20), (20, 20), (17, 400)])
def test_clopper_pearson_matches_scipy_exact_interval(successes, trials):
    ours = clopper_pearson(successes, trials, 0.025)
    theirs = stats.binomtest(successes, trials).proportion_ci(0.95, method="exact")
    assert float(ours.lower) == pytest.approx(theirs.low, abs=1e-12)
    assert float(ours.upper) == pytest.approx(theirs.high, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.01, 10.0),
    m=st.integers(1, 6),
)
def test_zero_one_error_never_exceeds_the_hinge_loss(seed, scale, m):
    """Pr[sign f ≠ y] ≤ L_D(f) pointwise: 1[yf ≤ 0] ≤ max(0, 1 − yf), so also on every sample."""
    g = torch.Generator().manual_seed(seed)
    network = TwoLayerReLU(
        scale * torch.randn(2, m, generator=g, dtype=torch.float64),
        torch.randn(2, m, 3, generator=g, dtype=torch.float64),
        torch.randn(2, m, generator=g, dtype=torch.float64),
    )
    x = torch.randn(200, 3, generator=g, dtype=torch.float64)
    y = torch.where(torch.rand(200, generator=g) < 0.5, -1.0, 1.0).double()
    error = zero_one_error_estimate(network, x, y, 0.01).estimate
    hinge = hinge_loss_estimate(network, x, y, 0.01).estimate
    assert np.all(error <= hinge + 1e-12)


def test_seeds_to_confirm_is_the_least_sufficient_count():
    for delta, alpha in [(0.1, 0.05), (0.3, 0.05), (0.2, 0.01)]:
        k = seeds_to_confirm(delta, alpha)
        assert 1 - alpha ** (1 / k) <= delta < 1 - alpha ** (1 / (k - 1))


def states(violates, satisfies, diverged=None) -> SeedStates:
    violates, satisfies = np.asarray(violates, bool), np.asarray(satisfies, bool)
    return SeedStates(
        violates, satisfies, np.zeros_like(violates) if diverged is None else np.asarray(diverged)
    )


def test_decision_rule():
    k = seeds_to_confirm(0.2, 0.05)
    none, every = np.zeros(k, dtype=bool), np.ones(k, dtype=bool)
    holds = decide_violation_rate(states(none, every), 0.2, 0.05, 0.01)
    assert holds.outcome is Outcome.HOLDS and holds.p_value == 1.0 and holds.satisfied == k
    violated = decide_violation_rate(states(every, none), 0.2, 0.05, 0.01)
    assert violated.outcome is Outcome.VIOLATED and violated.p_value < 1e-6
    few = none.copy()
    few[:2] = True
    middle = decide_violation_rate(states(few, ~few), 0.2, 0.05, 0.01)
    assert middle.outcome is Outcome.INCONCLUSIVE
    diverged = none.copy()
    diverged[:3] = True
    undetermined = decide_violation_rate(states(none, ~diverged, diverged), 0.2, 0.05, 0.01)
    assert undetermined.outcome is Outcome.INCONCLUSIVE
    assert undetermined.undetermined == 3 and undetermined.diverged == 3


def test_no_certified_violation_is_not_holds():
    """Seeds that neither certainly violate nor certainly satisfy the bound confirm nothing."""
    k = seeds_to_confirm(0.2, 0.05)
    nothing = np.zeros(k, dtype=bool)
    decision = decide_violation_rate(states(nothing, nothing), 0.2, 0.05)
    assert decision.outcome is Outcome.INCONCLUSIVE and decision.undetermined == k


def test_the_satisfaction_miscoverage_needs_more_seeds_to_confirm():
    k = seeds_to_confirm(0.2, 0.05)
    every, none = np.ones(k, dtype=bool), np.zeros(k, dtype=bool)
    weak = decide_violation_rate(states(none, every), 0.2, 0.05, 0.0, satisfaction_miscoverage=0.05)
    assert weak.outcome is Outcome.INCONCLUSIVE
    more = seeds_to_confirm(0.2, 0.05, 0.05)
    assert more > k
    strong = decide_violation_rate(
        states(np.zeros(more, bool), np.ones(more, bool)), 0.2, 0.05, 0.0, 0.05
    )
    assert strong.outcome is Outcome.HOLDS
    with pytest.raises(ParameterRangeError, match="satisfaction_miscoverage"):
        seeds_to_confirm(0.1, 0.05, 0.1)


def test_seed_states_from_confidence_bounds():
    lower = np.array([0.0, 0.5, 1.5, np.nan, -np.inf, 0.2])
    upper = np.array([0.5, 1.5, 2.0, np.nan, 5.0, 0.4])
    diverged = np.array([False, False, False, False, False, True])
    seeds = classify_seeds(lower, upper, 1.0, diverged=diverged)
    assert seeds.satisfies.tolist() == [True, False, False, False, False, False]
    assert seeds.violates.tolist() == [False, False, True, False, False, False]
    assert seeds.undetermined.tolist() == [False, True, False, True, True, True]
    at_least = classify_seeds(lower, upper, 1.0, at_least=True)
    assert at_least.violates.tolist() == [True, False, False, False, False, True]
    assert at_least.satisfies.tolist() == [False, False, True, False, False, False]
    tolerant = classify_seeds(np.array([1.0 + 1e-9]), np.array([1.0 + 1e-9]), 1.0, 1e-8)
    assert tolerant.satisfies.all()


def test_every_instance_decision():
    one = decide_every_instance(states([False, True, False], [True, False, True]))
    assert one.outcome is Outcome.VIOLATED and one.p_value == 0.0
    assert decide_every_instance(states([False] * 3, [True] * 3)).outcome is Outcome.HOLDS
    open_case = decide_every_instance(states([False] * 3, [True, False, True]))
    assert open_case.outcome is Outcome.INCONCLUSIVE


def test_a_bound_at_or_above_the_trivial_value_is_vacuous():
    assert vacuity(Outcome.HOLDS, 1.0, 1.0) is Outcome.VACUOUS
    assert vacuity(Outcome.INCONCLUSIVE, 3.0, 1.0) is Outcome.VACUOUS
    assert vacuity(Outcome.VIOLATED, 3.0, 1.0) is Outcome.VIOLATED
    assert vacuity(Outcome.HOLDS, 0.4, 0.5) is Outcome.HOLDS
    assert vacuity(Outcome.HOLDS, 7.0, None) is Outcome.HOLDS


def test_decision_p_value_is_the_exact_binomial_tail():
    flags = np.array([True] * 4 + [False] * 6)
    decision = decide_violation_rate(states(flags, ~flags), 0.1, 0.05, 0.02)
    assert decision.p_value == pytest.approx(stats.binom.sf(3, 10, 0.12))


def test_decision_refuses_bad_inputs():
    with pytest.raises(ParameterRangeError, match="delta"):
        decide_violation_rate(states([False] * 3, [True] * 3), 1.5, 0.05, 0.0)
    with pytest.raises(ParameterRangeError, match="violates, satisfies, diverged"):
        SeedStates(np.zeros(3, bool), np.zeros(4, bool), np.zeros(3, bool))
    with pytest.raises(ParameterRangeError, match="overlaps"):
        SeedStates(np.ones(3, bool), np.ones(3, bool), np.zeros(3, bool))


def test_a_t_interval_at_another_miscoverage_equals_one_computed_afresh():
    values = np.random.default_rng(3).exponential(size=(2, 500))
    once = student_t_interval(values, 0.01)
    np.testing.assert_allclose(
        t_interval_at(once, 0.001).upper, student_t_interval(values, 0.001).upper
    )
    np.testing.assert_allclose(
        t_interval_at(once, 0.2).lower, student_t_interval(values, 0.2).lower
    )


def test_refutation_power_is_the_binomial_tail_past_the_tests_critical_count():
    """With δ = 0.2 and 14 seeds the exact test at 0.05 needs 6 certain violations
    (P[X ≥ 6 | 14, 0.2] = 0.044); a statement violated at rate 0.4 gives them with probability
    P[X ≥ 6 | 14, 0.4] ≈ 0.51: about a coin flip, so 35 seeds are needed for 0.8."""
    from scipy import stats as scipy_stats

    from gflcheck.core.verdicts import refutation_power, seeds_for_power

    assert scipy_stats.binom.sf(5, 14, 0.2) < 0.05 <= scipy_stats.binom.sf(4, 14, 0.2)
    assert refutation_power(14, 0.2, 0.05) == pytest.approx(scipy_stats.binom.sf(5, 14, 0.4))
    needed = seeds_for_power(0.2, 0.05)
    assert refutation_power(needed, 0.2, 0.05) >= 0.8 > refutation_power(needed - 1, 0.2, 0.05)
    assert needed == 35
    # the decision rule agrees: at the critical count the verdict is VIOLATED, one below it not
    flags = np.zeros(14, bool)
    flags[:6] = True
    states = SeedStates(flags, ~flags, np.zeros(14, bool))
    assert decide_violation_rate(states, 0.2, 0.05).outcome is Outcome.VIOLATED
    flags[5] = False
    states = SeedStates(flags, ~flags, np.zeros(14, bool))
    assert decide_violation_rate(states, 0.2, 0.05).outcome is not Outcome.VIOLATED
    assert refutation_power(3, 0.4, 0.05) == 0.0  # no count rejects: nothing can be refuted


@pytest.mark.parametrize(
    ("delta", "alpha", "power", "most"),
    [
        (0.2, 0.05, 0.8, 10_000),
        (0.02, 0.00125, 0.8, 10_000),
        (0.1, 0.01, 0.95, 100),
        (0.4, 0.5, 0.9, 3),
    ],
)
def test_seeds_for_power_is_the_least_count_of_a_scan_of_every_count(delta, alpha, power, most):
    """The search goes through the counts in blocks and stops at the first block that reaches
    the power (the power is not monotone in k): the answer is that of scanning every count."""
    from gflcheck.core.verdicts import refutation_power, seeds_for_power

    found = seeds_for_power.__wrapped__(delta, alpha, power=power, most=most)
    counts = range(1, most + 1)
    assert found == next((k for k in counts if refutation_power(k, delta, alpha) >= power), None)


def test_dependent_seeds_are_decided_per_cluster():
    """Seeds that share a data set are one unit of replication: 16 seeds in 4 clusters of 4,
    one cluster wholly violating, decide as 1 violation of 4 (not 4 of 16), and a cluster with
    one unsatisfied seed is not certified."""
    from gflcheck import (
        Bound,
        Confidence,
        Measurement,
        Provenance,
        SeedPlan,
        Tag,
        TheoryCheck,
        positive,
    )
    from gflcheck.core.verdicts import SeedStates

    flags = np.zeros(16, dtype=bool)
    flags[:4] = True
    clusters = np.repeat(np.arange(4), 4)
    by_cluster = SeedStates(flags, ~flags, np.zeros(16, dtype=bool)).by_cluster(clusters)
    assert by_cluster.violates.tolist() == [True, False, False, False]
    assert by_cluster.satisfies.tolist() == [False, True, True, True]
    mixed = flags.copy()
    mixed[:4] = [True, False, False, False]
    split = SeedStates(mixed, ~mixed, np.zeros(16, dtype=bool)).by_cluster(clusters)
    assert not split.violates[0] and not split.satisfies[0]

    values = np.where(flags, 2.0, 0.0)
    check = TheoryCheck(
        name="clustered",
        bound=Bound("one", "c", [positive("c")], Provenance("t", "-", Tag.OURS)),
        settings=st.just(0),
        bound_values=lambda s: {"c": 1.0},
        measure=lambda s, seeds: Measurement(values, clusters=clusters),
        confidence=Confidence(delta=0.1, power=None),
        seed_plan=SeedPlan(count=16),
    )
    verdict = check.run(0)
    assert (verdict.decision.seeds, verdict.decision.violations) == (4, 1)
    assert any("4 clusters of dependent seeds (16 seeds)" in note for note in verdict.notes)
    with pytest.raises(ParameterRangeError, match="clusters"):
        Measurement(values, clusters=np.zeros(3, dtype=int))


def test_an_output_zero_up_to_rounding_is_a_tie_and_counts_as_an_error():
    """The declared tie rule: a margin y·f(x) at or below TIE_MARGIN is an error, so the sign of
    a rounding residue never scores; the 0-1 error stays below the hinge loss up to the margin."""
    from gflcheck.core.estimators import TIE_MARGIN, zero_one_errors

    margins = torch.tensor(
        [-1.0, -1e-7, 0.0, 1e-7, TIE_MARGIN, 2 * TIE_MARGIN, 0.5], dtype=torch.float64
    )
    assert zero_one_errors(margins).tolist() == [True, True, True, True, True, False, False]
    hinge = (1 - margins).clamp_min(0)
    assert (zero_one_errors(margins).double() <= hinge + TIE_MARGIN).all()
