"""Suite-level error control: each decision at its share of the family-wise α, exact
p-values for Student-t bounds, and seed counts planned from the power target."""

from __future__ import annotations

import numpy as np
import pytest
from check_fields import grouped
from hypothesis import strategies as st
from scipy import stats

from gflcheck import (
    FAMILY_ALPHA,
    VIOLATION_ALPHA,
    Bound,
    Confidence,
    Measurement,
    Outcome,
    ParameterRangeError,
    Provenance,
    StatementKind,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.core.estimators import student_t_interval
from gflcheck.core.verdicts import (
    POWER_TARGET,
    SeedStates,
    decide_violation_rate,
    refutation_power,
    seeds_for_power,
    seeds_to_confirm,
)
from gflcheck.surface.baselines import family_false_alarm, family_false_alarm_line

SAMPLE = np.array([0.31, 0.52, 0.18, 0.44, 0.27, 0.39, 0.61, 0.23, 0.35, 0.48])


def t_bounded_mean(miscoverage: float = 0.025) -> Measurement:
    """The mean of :data:`SAMPLE` with one-sided Student-t bounds at ``miscoverage``."""
    interval = student_t_interval(SAMPLE[None, :], miscoverage)
    return Measurement(
        interval.estimate,
        lower=interval.lower,
        upper=interval.upper,
        miscoverage=miscoverage,
        degrees_of_freedom=len(SAMPLE) - 1,
    )


def declared(**changes) -> TheoryCheck:
    """A check of ``c`` (1 unless changed) on one setting, exact zeros per seed, δ = 0.2."""
    arguments = dict(
        name="power",
        bound=Bound("c", "c", [positive("c")], Provenance("unit test", "-", Tag.OURS)),
        settings=st.just(0),
        bound_values=lambda s: {"c": 1.0},
        measure=lambda s, seeds: Measurement(np.zeros(len(seeds))),
        delta=0.2,
    )
    return TheoryCheck(**grouped(**{**arguments, **changes}))


def mean_check(bound_value: float, **changes) -> TheoryCheck:
    """ "The mean of SAMPLE is ≤ bound_value", a ∀-statement on its Student-t bounds."""
    return declared(
        name="mean",
        bound_values=lambda s: {"c": bound_value},
        measure=lambda s, seeds: t_bounded_mean(),
        kind=StatementKind.FOR_EVERY,
        miscoverage=0.025,
        seeds=1,
        **changes,
    )


def test_the_default_share_splits_the_family_alpha_over_the_planned_decisions():
    assert pytest.approx(VIOLATION_ALPHA) == FAMILY_ALPHA / 40
    assert Confidence().violation_alpha == VIOLATION_ALPHA


def test_violated_and_holds_are_decided_at_their_own_levels():
    # 5 of 20 seeds certainly violate a statement with δ = 0.1: p = 0.043
    flags = np.arange(20) < 5
    states = SeedStates(flags, ~flags, flags & False)
    assert decide_violation_rate(states, 0.1, 0.05).outcome is Outcome.VIOLATED
    at_share = decide_violation_rate(states, 0.1, VIOLATION_ALPHA, confirmation_alpha=0.05)
    assert at_share.outcome is Outcome.INCONCLUSIVE
    assert at_share.alpha == VIOLATION_ALPHA and at_share.confirmation_alpha == 0.05
    none = SeedStates(flags & False, flags | True, flags & False)
    # holds is confirmed at the confirmation level, whatever the share of violated
    assert decide_violation_rate(none, 0.2, VIOLATION_ALPHA, confirmation_alpha=0.05).outcome is (
        Outcome.HOLDS
    )


def test_student_t_bounds_give_the_exact_one_sample_t_test():
    measured = t_bounded_mean()
    for bound in (0.2, 0.3, 0.37):
        expected = stats.ttest_1samp(SAMPLE, bound, alternative="greater").pvalue
        p = measured.violation_p_values(np.array([bound]), at_least=False)
        assert p[0] == pytest.approx(expected, rel=1e-9)
        p_at_least = measured.violation_p_values(np.array([bound]), at_least=True)
        assert p_at_least[0] == pytest.approx(1 - expected, rel=1e-9)
    redrawn = measured.at_violation_miscoverage(0.001, at_least=False)
    assert redrawn.lower[0] == pytest.approx(float(t_bounded_mean(0.001).lower[0]))
    assert redrawn.upper[0] == measured.upper[0] and redrawn.miscoverage == (0.001, 0.025)


def test_a_for_every_statement_with_t_bounds_is_refuted_only_below_its_share():
    p_at = {b: stats.ttest_1samp(SAMPLE, b, alternative="greater").pvalue for b in (0.15, 0.28)}
    # 0.28 lies below the 97.5% lower bound (about 0.28–0.29): refuted at the old fixed level,
    # but p ≈ 0.006 is above the share 0.00125
    assert VIOLATION_ALPHA < p_at[0.28] < 0.025
    near = mean_check(0.28).run(0)
    assert near.outcome is Outcome.INCONCLUSIVE
    assert near.decision.p_value == pytest.approx(p_at[0.28])
    assert near.false_alarm_rate == VIOLATION_ALPHA
    far = mean_check(0.15).run(0)
    assert p_at[0.15] < VIOLATION_ALPHA and far.outcome is Outcome.VIOLATED
    # a declared larger share refutes the near one
    assert mean_check(0.28, violation_alpha=0.025).run(0).outcome is Outcome.VIOLATED
    assert mean_check(0.7).run(0).outcome is Outcome.HOLDS


def test_t_bounds_need_degrees_of_freedom_and_a_level():
    with pytest.raises(ParameterRangeError, match="degrees_of_freedom"):
        Measurement([0.3], lower=[0.2], upper=[0.4], miscoverage=0.0, degrees_of_freedom=9)
    with pytest.raises(ParameterRangeError, match="degrees_of_freedom"):
        Measurement([0.3], lower=[0.2], upper=[0.4], miscoverage=0.025, degrees_of_freedom=0)


def test_the_seed_count_reaches_the_power_target_at_twice_delta():
    check = declared()
    k = check.seed_count(0)
    assert k == seeds_for_power(0.2, VIOLATION_ALPHA) > seeds_to_confirm(0.2, 0.05)
    assert refutation_power(k, 0.2, VIOLATION_ALPHA) >= POWER_TARGET
    assert refutation_power(k - 1, 0.2, VIOLATION_ALPHA) < POWER_TARGET
    verdict = check.run(0)
    assert verdict.outcome is Outcome.HOLDS and verdict.decision.seeds == k
    row = {q.quantifier: q.value for q in verdict.quantifiers}["power at 2δ"]
    assert row.startswith("0.8") or row.startswith("0.9")
    # without a power target, or for an observation (not judged), only confirmation counts
    assert declared(power=None).seed_count(0) == seeds_to_confirm(0.2, 0.05)
    observed = declared(observation="reported only")
    assert observed.seed_count(0) == seeds_to_confirm(0.2, 0.05)
    with pytest.raises(ParameterRangeError, match="power"):
        declared(power=1.5)


def test_the_family_line_states_the_split_and_whether_it_is_kept():
    def record(rate: float, false_variant: bool = False) -> dict:
        return {"false_alarm_rate": rate, "false_variant": false_variant, "observation": None}

    kept = [record(VIOLATION_ALPHA)] * 31 + [record(0.05, false_variant=True)]
    family = family_false_alarm(kept)
    assert family["decisions"] == 31 and family["within"]
    assert family["rate_sum"] == pytest.approx(31 * VIOLATION_ALPHA)
    assert "within the family-wise α = 0.05" in family_false_alarm_line(kept)
    over = [record(0.05)] * 3
    assert not family_false_alarm(over)["within"]
    assert "OVER the family-wise α" in family_false_alarm_line(over)
