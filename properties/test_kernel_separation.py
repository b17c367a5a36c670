"""Beyond the kernel regime (Shi–Wei–Liang poster, THEORY.md §1.4), measured on the XOR-like
Gaussian mixture (‖μ‖ = 3, noise N(0, I_d), d ∈ {16, 24, 32, 48, 64}): how the number of
samples (and features) each learner needs grows with d.

- random features and the NTK-linearised model: the need grows like d² (Ω statement, seed);
- Algorithm 1 with 2⌈4 ln d⌉ neurons (log d neurons): O(d) samples (ours, the form that holds);
- the fixed-feature needs grow faster than the trained network's (paired by seed and d);
- false variant: random features need only O(d) samples (refuted);
- documented discrepancy (strict xfail): the poster's O((log d)²) samples for the trained network.

One declared setting (``gflcheck.catalogue.SEPARATION_SETTING``; each need walks a sample grid for
16 seeds, 8 for the NTK, at 5 dimensions), measured once per learner and session. Select with ``-k kernel_separation``.
The plot is in ``gflcheck report`` ("Beyond the kernel regime").
"""

from __future__ import annotations

import numpy as np
import pytest

from gflcheck import catalogue
from gflcheck.checks.kernel_separation import check_sample_growth, exponent_gap
from gflcheck.report import format_verdict_details
from gflcheck.theorems.separation import (
    Learner,
    fixed_features_need_linear_samples,
    fixed_features_need_quadratic_samples,
    trained_network_needs_linear_samples,
    trained_network_needs_log_squared_samples,
)
from gflcheck.verdicts import Outcome

pytestmark = pytest.mark.expensive


def _checked(statement, gflcheck_session):
    verdict = gflcheck_session.check(
        lambda: check_sample_growth(statement, catalogue.SEPARATION_SETTING)
    )
    growth = next(q for q in verdict.quantifiers if q.quantifier.startswith("n* ="))
    gflcheck_session.note(f"{statement.learner.value}: {growth.value}")
    return verdict


@pytest.mark.parametrize("learner", [Learner.RANDOM_FEATURES, Learner.NTK], ids=["rf", "ntk"])
def test_kernel_separation_fixed_features_need_quadratic_samples(learner, gflcheck_session):
    verdict = _checked(fixed_features_need_quadratic_samples(learner), gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_trained_network_needs_linear_samples(gflcheck_session):
    verdict = _checked(trained_network_needs_linear_samples(), gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_linear_samples_for_random_features_is_refuted(gflcheck_session):
    verdict = _checked(fixed_features_need_linear_samples(), gflcheck_session)
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


@pytest.mark.parametrize("learner", [Learner.RANDOM_FEATURES, Learner.NTK], ids=["rf", "ntk"])
def test_kernel_separation_fixed_features_need_grows_faster_than_trained(learner, gflcheck_session):
    """The ratio n*_fixed/n*_trained, paired by seed and d, grows with d: the 95% lower bound of
    its log-log slope is above 0, and at d = 64 every seed's fixed-feature need is larger."""
    fixed = catalogue.separation_needs(learner)
    trained = catalogue.separation_needs(Learner.TRAINED_NETWORK)
    gap = exponent_gap(fixed, trained)
    largest = max(catalogue.SEPARATION_SETTING.dimensions)
    gflcheck_session.note(
        f"n*_{learner.value}/n*_trained ∝ d^{gap.slope:.2f} (95% CI [{gap.lower:.2f}, "
        f"{gap.upper:.2f}]); median needs at d={largest}: {np.median(fixed.needs[largest]):g} "
        f"against {np.median(trained.needs[largest]):g}"
    )
    assert fixed.censored == 0 and trained.censored == 0
    assert gap.lower > 0
    common = min(len(fixed.seeds), len(trained.seeds))  # the NTK is measured on the first 8
    assert (fixed.needs[largest][:common] > trained.needs[largest][:common]).all()


@pytest.mark.xfail(
    strict=True,
    reason=(
        "documented discrepancy (THEORY.md §4): with noise N(0, I_d) the trained network's need "
        "grows like d^1.08 (95% CI ≈ [0.95, 1.21]) over d ∈ [16, 64], not like (log d)² (slope "
        "0.58 over that grid, + τ = 0.25): estimating two directions in R^d from noisy samples "
        "takes of the order of d of them. The O(d) form holds (test above)"
    ),
)
def test_kernel_separation_trained_network_needs_log_squared_samples(gflcheck_session):
    verdict = _checked(trained_network_needs_log_squared_samples(), gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)
