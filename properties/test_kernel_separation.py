"""Beyond the kernel regime (Shi–Wei–Liang poster, THEORY.md §1.4), measured twice.

On the XOR-like Gaussian mixture (‖μ‖ = 3, noise N(0, I_d), d ∈ {16, 24, 32, 48, 64}): how the number of
samples (and features) each learner needs grows with d.

- random features and the NTK-linearised model: the need grows like d² (Ω statement, seed);
- Algorithm 1 with 2⌈4 ln d⌉ neurons (log d neurons): O(d) samples (ours, the form that holds);
- the fixed-feature needs grow faster than the trained network's (paired by seed and d);
- false variant: random features need only O(d) samples (refuted);
- the d² law the way d ≤ 64 can show it: at n = 16d the fixed-feature error rises with d; at
  n = d²/4 the random-feature error does not (Refinetti et al. 2021, secondary); the false variant
  "it does not rise at n = 4·d^1.25" is refuted;
- where the clusters stay apart (‖μ‖ = 3·√(d/16), d = 16…128): the poster's O((log d)²) samples
  for the trained network, and the paired gap; there random features need far fewer than d²
  samples, so no single scaling shows both halves (an observation of the main job, FIDELITY.md §1).

On structured k-sparse parity on {±1}^12 (k ∈ {2, 3, 4, 5}, exact population sums): how many
random features (fitted on the population) and how many trained neurons each k needs:

- random features: Ω(2^k) features (seed: "exponentially large");
- Algorithm 1: O(k²) neurons (ours: the poster's "polynomial", degree 2);
- the fixed-feature need grows faster than the trained one (paired by seed and k);
- false variant: random features need only O(k) features (refuted).

Declared settings (``gflcheck.catalogue.SEPARATION_SETTING`` and ``PARITY_SEPARATION_SETTING``;
each need walks a grid for 8–16 seeds), measured once per learner and session. Select with
``-k kernel_separation``. The plots are in ``gflcheck report`` ("Beyond the kernel regime").
"""

from __future__ import annotations

import pytest

from gflcheck import catalogue
from gflcheck.checks.kernel_separation import (
    check_sample_growth,
    collapse_check,
    paired_gap_check,
)
from gflcheck.checks.parity_separation import check_size_growth
from gflcheck.checks.parity_separation import paired_gap_check as parity_paired_gap_check
from gflcheck.report import format_verdict_details
from gflcheck.theorems.separation import (
    Learner,
    fixed_features_error_rises_at_linear_samples,
    fixed_features_need_exponential_size,
    fixed_features_need_linear_samples,
    fixed_features_need_linear_size,
    fixed_features_need_quadratic_samples,
    random_features_error_bounded_at_few_samples,
    random_features_error_bounded_at_quadratic_samples,
    trained_network_needs_linear_samples,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
)
from gflcheck.verdicts import Outcome

pytestmark = pytest.mark.expensive


def _checked(statement, gflcheck_session):
    check, setting = (
        (check_size_growth, catalogue.PARITY_SEPARATION_SETTING)
        if statement.variable == "k"
        else (check_sample_growth, catalogue.SEPARATION_SETTING)
    )
    verdict = gflcheck_session.check(lambda: check(statement, setting))
    gflcheck_session.note(f"{statement.learner.value}: {_growth(verdict)}")
    return verdict


def _growth(verdict) -> str:
    """The fitted slope row of a growth verdict's quantifier table (``n* = O(…)``, ``need = Ω(…)``)."""
    return next(
        q.value for q in verdict.quantifiers if q.quantifier.startswith(("n* = ", "need = "))
    )


@pytest.mark.gflcheck_property(
    holds_share=0.0,
    reason="in the low-SNR regime the d² law has not set in at d ≤ 64: lower-order terms bend the "
    "fitted slope below 2 − τ (FIDELITY.md §1); inconclusive, never violated",
)
def test_kernel_separation_fixed_features_need_quadratic_samples(gflcheck_session):
    """The slope form, for random features only: the NTK-linearised model's need walk (minutes of
    n × n Gram matrices) is in `gflcheck report`; its verdict here is the collapse test below."""
    statement = fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES)
    verdict = _checked(statement, gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_trained_network_needs_linear_samples(gflcheck_session):
    verdict = _checked(trained_network_needs_linear_samples(), gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_linear_samples_for_random_features_is_refuted(gflcheck_session):
    verdict = _checked(fixed_features_need_linear_samples(), gflcheck_session)
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


@pytest.mark.parametrize(
    "setting",
    [catalogue.SEPARATION_SETTING, catalogue.HIGH_SNR_SEPARATION_SETTING],
    ids=["low SNR", "high SNR"],
)
def test_kernel_separation_paired_gap_grows_in_each_regime(setting, gflcheck_session):
    """The paired gap between the learners stays in each regime (issue 14):
    n*_random features/n*_trained, paired by seed, grows with d (the declared
    :func:`~gflcheck.checks.kernel_separation.paired_gap_check` HOLDS), and at the largest d every
    seed needs more with random features. In the high-SNR scaling random features need far fewer
    than d² samples (the main job's observation), yet the gap stays."""
    verdict = gflcheck_session.check(lambda: paired_gap_check().run_with_evidence(setting))
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)
    fixed = catalogue.separation_needs(Learner.RANDOM_FEATURES, setting)
    trained = catalogue.separation_needs(Learner.TRAINED_NETWORK, setting)
    largest = max(fixed.needs)
    assert fixed.censored == 0 and trained.censored == 0
    assert (fixed.needs[largest] > trained.needs[largest]).all()


@pytest.mark.parametrize("learner", [Learner.RANDOM_FEATURES, Learner.NTK], ids=["rf", "ntk"])
def test_kernel_separation_fixed_features_error_at_linear_samples_rises(learner, gflcheck_session):
    """The Ω(d²) claim as this range can show it (FIDELITY.md §1): at n = 16d the fixed-feature
    error rises with d, so their need grows faster than d."""
    check = collapse_check(fixed_features_error_rises_at_linear_samples(learner))
    verdict = gflcheck_session.check(lambda: check.run_with_evidence(catalogue.SEPARATION_SETTING))
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_random_features_error_at_quadratic_samples_is_bounded(gflcheck_session):
    """Refinetti et al. 2021 (secondary): at n = d²/4 the random-feature error does not rise."""
    check = collapse_check(random_features_error_bounded_at_quadratic_samples())
    verdict = gflcheck_session.check(lambda: check.run_with_evidence(catalogue.SEPARATION_SETTING))
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_error_bounded_at_d_to_the_1_25_is_refuted(gflcheck_session):
    """False variant near the truth: random features learn from n = 4·d^1.25 samples."""
    check = collapse_check(random_features_error_bounded_at_few_samples())
    verdict = gflcheck_session.check(lambda: check.run_with_evidence(catalogue.SEPARATION_SETTING))
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


# -- where the clusters stay apart (high SNR: ‖μ‖ = 3·√(d/16), d = 16…128) ----------------------


def test_kernel_separation_trained_network_needs_log_squared_samples_where_clusters_stay_apart(
    gflcheck_session,
):
    """The poster's O((log d)²) samples, in the scaling where it can hold (FIDELITY.md §1): with
    noise N(0, I_d) and ‖μ‖ fixed, finding two directions in R^d takes of the order of d samples
    for any learner, so the claim is checked where the clusters stay apart as d grows."""
    setting = catalogue.HIGH_SNR_SEPARATION_SETTING
    verdict = gflcheck_session.check(
        lambda: check_sample_growth(trained_network_needs_log_squared_samples(), setting)
    )
    gflcheck_session.note(f"high SNR, trained network: {_growth(verdict)}")
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


# -- structured parity ------------------------------------------------------------------------


def test_kernel_separation_parity_random_features_need_exponential_size(gflcheck_session):
    verdict = _checked(fixed_features_need_exponential_size(), gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_parity_trained_network_needs_quadratic_width(gflcheck_session):
    verdict = _checked(trained_network_needs_quadratic_width(), gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_parity_linear_size_for_random_features_is_refuted(gflcheck_session):
    verdict = _checked(fixed_features_need_linear_size(), gflcheck_session)
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


def test_kernel_separation_parity_fixed_features_need_grows_faster_than_trained(
    gflcheck_session,
):
    """The parity separation's comparison, declared (issue 14): N*_random features/m*_trained,
    paired by seed, grows with k (:func:`gflcheck.checks.parity_separation.paired_gap_check`
    HOLDS), whichever of 2^k and k⁴ the random-feature need follows on this grid; at the largest
    k every seed needs more random features than neurons."""
    setting = catalogue.PARITY_SEPARATION_SETTING
    verdict = gflcheck_session.check(lambda: parity_paired_gap_check().run_with_evidence(setting))
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)
    fixed = catalogue.parity_size_needs(Learner.RANDOM_FEATURES)
    trained = catalogue.parity_size_needs(Learner.TRAINED_NETWORK)
    largest = max(fixed.needs)
    assert fixed.censored == 0 and trained.censored == 0
    assert (fixed.needs[largest] > trained.needs[largest]).all()
