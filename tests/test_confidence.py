"""Confidence, SeedPlan and PropertyRule: what a check declares about its error rates, its seeds
and its property, each refusing a bad value by name before any work."""

from __future__ import annotations

import pytest

from gflcheck import Confidence, ParameterRangeError, PropertyRule, SeedPlan
from gflcheck.core.verdicts import CONFIRMATION_ALPHA, POWER_TARGET, VIOLATION_ALPHA


def test_the_defaults_are_the_suites_declared_rates():
    confidence = Confidence()
    assert (confidence.alpha, confidence.violation_alpha, confidence.power) == (
        CONFIRMATION_ALPHA,
        VIOLATION_ALPHA,
        POWER_TARGET,
    )
    assert confidence.declared_miscoverage(None, "here") == (0.0, 0.0)


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"delta": 1.5}, "delta"),
        ({"alpha": 0.0}, "alpha"),
        ({"violation_alpha": 1.0}, "violation_alpha"),
        ({"power": 2.0}, "power"),
        ({"miscoverage": (0.1, 0.2, 0.3)}, "miscoverage"),
        ({"bound_miscoverage": -0.1}, "bound_miscoverage"),
    ],
)
def test_a_bad_rate_is_refused_by_name(changes, name):
    with pytest.raises(ParameterRangeError, match=name):
        Confidence(**changes)


def test_delta_and_miscoverage_may_depend_on_the_setting():
    confidence = Confidence(delta=lambda s: s / 10, miscoverage=lambda s: (0.01, s / 100))
    assert confidence.failure_probability(2, "here") == 0.2
    assert confidence.declared_miscoverage(3, "here") == (0.01, 0.03)
    with pytest.raises(ParameterRangeError, match="delta"):
        confidence.failure_probability(20, "here")


@pytest.mark.parametrize(
    ("changes", "name"),
    [({"count": 0}, "count"), ({"minimum": 0}, "minimum"), ({"unconfirmed": -1}, "unconfirmed")],
)
def test_a_bad_seed_plan_is_refused_by_name(changes, name):
    with pytest.raises(ParameterRangeError, match=name):
        SeedPlan(**changes)


def test_the_seed_streams_are_named_and_reproducible():
    plan = SeedPlan(stream="mine")
    assert plan.seeds(3, 4, "check") == SeedPlan(stream="mine").seeds(3, 4, "other")
    assert plan.seeds(3, 4, "check") != SeedPlan().seeds(3, 4, "check")
    assert len(set(plan.seeds(3, 4, "check"))) == 4


def test_a_property_rule_below_half_needs_its_reason():
    with pytest.raises(ParameterRangeError, match="reason"):
        PropertyRule(holds_share=0.2)
    assert PropertyRule(0.2, "vacuous on half the strategy").holds_share == 0.2
    with pytest.raises(ParameterRangeError, match="detection_rate"):
        PropertyRule(detection_rate=1.0)
