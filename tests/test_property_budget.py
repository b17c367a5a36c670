"""A pytest session's error control: each property's share of the family-wise α, the session's
ledger, and the pooled confirmation that lets a true statement pass its property."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Confidence,
    Measurement,
    Outcome,
    ParameterRangeError,
    PropertyRule,
    Provenance,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.core.estimators import clopper_pearson
from gflcheck.core.pooled import (
    PASS_PROBABILITY,
    PLANNED_PASS_PROBABILITY,
    pooled_confirmation,
    pooled_pass_probability,
    seeds_for_pooled_confirmation,
)
from gflcheck.core.verdicts import FAMILY_ALPHA, PROPERTY_SHARE, seeds_to_confirm
from gflcheck.surface.pytest_session import GflcheckSession

pytest_plugins = ["pytester"]


@dataclass(frozen=True)
class FailingAt:
    """A setting on which the statement fails on each seed with probability ``rate``."""

    delta: float
    rate: float
    seed: int


def _uniform(seed: int) -> float:
    """A uniform draw in [0, 1) fixed by ``seed`` (the seeds are stream hashes)."""
    return int.from_bytes(hashlib.sha256(str(seed).encode()).digest()[:8], "big") / 2.0**64


def _failing_seeds(setting: FailingAt, seeds) -> Measurement:
    """Exact per-seed values: 2 (the statement ``≤ 1`` fails) with probability ``rate``."""
    return Measurement(np.array([2.0 if _uniform(s) < setting.rate else 0.0 for s in seeds]))


CHECK = TheoryCheck(
    name="fails-at-a-rate",
    bound=Bound("one", "c", [positive("c")], Provenance("unit test", "-", Tag.OURS)),
    settings=st.just(FailingAt(0.2, 0.1, 0)),
    bound_values=lambda s: {"c": 1.0},
    measure=_failing_seeds,
    confidence=Confidence(delta=lambda s: s.delta, power=None),
)


def _item(share: float = 0.5) -> SimpleNamespace:
    marker = SimpleNamespace(kwargs={"holds_share": share})
    return SimpleNamespace(name="test_fails_at_a_rate", get_closest_marker=lambda name: marker)


def _property_passes(check: TheoryCheck, settings: list[FailingAt]) -> bool:
    """One run of the property over ``settings``, judged as a pytest session judges it."""
    session = GflcheckSession(profile="default")
    for setting in settings:
        verdict = check.run(setting)
        if verdict.outcome is Outcome.VIOLATED:
            return False
        session.record(verdict)
    try:
        session.require_holds_share(_item(), 0)
    except AssertionError:
        return False
    return True


def test_each_example_decides_at_its_part_of_the_propertys_share():
    example = CHECK.property_example(8)
    assert example.confidence.violation_alpha == pytest.approx(PROPERTY_SHARE / 8)
    assert example.run(FailingAt(0.2, 0.0, 1)).false_alarm_rate == pytest.approx(PROPERTY_SHARE / 8)
    costly = dataclasses.replace(
        CHECK, confidence=Confidence(violation_alpha=0.01, power=None, bound_miscoverage=0.001)
    )
    with pytest.raises(ParameterRangeError, match="share"):
        costly.property_example(8)  # 8 × 0.001 spends the default share before any test
    assert PropertyRule(share=0.02).example_confidence(
        costly.confidence, 8, "t"
    ).violation_alpha == pytest.approx(0.02 / 8 - 0.001)


def test_the_pooled_plan_reaches_its_pass_probability_at_half_delta():
    for delta in (0.1, 0.2, 0.3):
        k = seeds_for_pooled_confirmation(delta, 0.05, 8)
        planned = pooled_pass_probability(8 * k, delta, 0.05)
        assert planned >= PLANNED_PASS_PROBABILITY > PASS_PROBABILITY
        assert (
            k == 1 or pooled_pass_probability(8 * (k - 1), delta, 0.05) < PLANNED_PASS_PROBABILITY
        )
        # the plan costs at most 1.4× the seeds that confirm one example with none unconfirmed
        assert k <= 1.4 * seeds_to_confirm(delta, 0.05)
    confirmation = pooled_confirmation([10, 30], [9, 27], [0.3, 0.1], [0.0, 0.0], 0.05)
    assert confirmation.seeds == 40 and confirmation.not_certified == 4
    assert confirmation.delta == pytest.approx((10 * 0.3 + 30 * 0.1) / 40)


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_a_true_statement_failing_at_half_delta_passes_its_property(scale):
    """Simulated: 200 runs of an 8-example property whose statement fails on each seed at
    ``scale · δ`` (δ = 0.1, 0.2 or 0.3 by example). At δ/2 it passes with probability ≥ 0.9 (the
    one-sided 95% Clopper–Pearson interval of the pass rate reaches 0.9); at 2δ it fails."""
    example = CHECK.property_example(8)
    deltas = (0.1, 0.2, 0.3, 0.2, 0.1, 0.3, 0.2, 0.2)
    passes = [
        _property_passes(
            example, [FailingAt(d, scale * d, 8 * run + i) for i, d in enumerate(deltas)]
        )
        for run in range(200)
    ]
    rate = float(np.mean(passes))
    if scale < 1:
        upper = float(clopper_pearson(sum(passes), len(passes), 0.05).upper)
        assert upper >= PASS_PROBABILITY and rate >= 0.85, rate
    else:
        assert rate <= 0.05, rate


OVER_BUDGET = """
import numpy as np
from hypothesis import strategies as st
from gflcheck import (
    Bound, Confidence, Measurement, PropertyRule, Provenance, Tag, TheoryCheck, positive
)

def exact(setting, seeds):
    return Measurement(np.zeros(len(seeds)))

check = TheoryCheck(
    name="greedy",
    bound=Bound("one", "c", [positive("c")], Provenance("t", "-", Tag.OURS)),
    settings=st.integers(0, 10),
    bound_values=lambda s: {{"c": 1.0}},
    measure=exact,
    confidence=Confidence(violation_alpha=0.05),
    property_rule=PropertyRule(share={share}),
)
test_greedy = check.property()
"""


@pytest.mark.parametrize("share", [PROPERTY_SHARE, 2 * FAMILY_ALPHA])
def test_the_session_prints_its_ledger_and_fails_over_its_alpha(pytester, share):
    pytester.makepyfile(test_greedy=OVER_BUDGET.format(share=share))
    result = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-no-cache")
    output = result.stdout.str()
    assert "family-wise:" in output
    if share < FAMILY_ALPHA:
        result.assert_outcomes(passed=1)
        assert "within the family-wise α = 0.05" in output
    else:
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        assert "OVER the family-wise α" in output and "FAILED: the session's decisions" in output
