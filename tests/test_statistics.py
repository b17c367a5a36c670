"""Estimators and verdict decisions: intervals against scipy, the binomial decision rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import clopper_pearson, hinge_loss_estimate, zero_one_error_estimate
from gflcheck.networks import TwoLayerReLU
from gflcheck.verdicts import Outcome, decide_violation_rate, seeds_to_confirm


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


def test_decision_rule():
    k = seeds_to_confirm(0.2, 0.05)
    none = np.zeros(k, dtype=bool)
    holds = decide_violation_rate(none, none, 0.2, 0.05, 0.01)
    assert holds.outcome is Outcome.HOLDS and holds.p_value == 1.0
    everything = np.ones(k, dtype=bool)
    violated = decide_violation_rate(everything, none, 0.2, 0.05, 0.01)
    assert violated.outcome is Outcome.VIOLATED and violated.p_value < 1e-6
    few = none.copy()
    few[:2] = True
    middle = decide_violation_rate(few, none, 0.2, 0.05, 0.01)
    assert middle.outcome is Outcome.INCONCLUSIVE
    diverged = none.copy()
    diverged[:3] = True
    undetermined = decide_violation_rate(none, diverged, 0.2, 0.05, 0.01)
    assert undetermined.outcome is Outcome.INCONCLUSIVE and undetermined.undetermined == 3


def test_decision_p_value_is_the_exact_binomial_tail():
    flags = np.array([True] * 4 + [False] * 6)
    decision = decide_violation_rate(flags, np.zeros(10, dtype=bool), 0.1, 0.05, 0.02)
    assert decision.p_value == pytest.approx(stats.binom.sf(3, 10, 0.12))


def test_decision_refuses_bad_inputs():
    with pytest.raises(ParameterRangeError, match="delta"):
        decide_violation_rate(np.zeros(3, bool), np.zeros(3, bool), 1.5, 0.05, 0.0)
    with pytest.raises(ParameterRangeError, match="violated, undetermined"):
        decide_violation_rate(np.zeros(3, bool), np.zeros(4, bool), 0.1, 0.05, 0.0)


def test_interval_decision():
    from gflcheck.verdicts import decide_interval

    assert decide_interval(0.1, 0.2, 0.3, 0.5, 8, 0.05).outcome is Outcome.HOLDS
    assert decide_interval(0.1, 0.4, 0.3, 0.5, 8, 0.05).outcome is Outcome.INCONCLUSIVE
    assert decide_interval(0.6, 0.9, 0.3, 0.5, 8, 0.05).outcome is Outcome.VIOLATED
