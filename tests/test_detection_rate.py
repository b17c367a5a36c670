"""A false variant near the truth is asserted at a declared detection rate, by an exact binomial
test over its property's examples, not on every example."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    ParameterRangeError,
    PropertyRule,
    Provenance,
    Tag,
    TheoryCheck,
    positive,
)

pytest_plugins = ["pytester"]

MODULE = """
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from gflcheck import Bound, Measurement, Provenance, StatementKind, Tag, TheoryCheck
from gflcheck import positive_integer


@dataclass(frozen=True)
class Size:
    n: int
    seed: int = 0


def exactly_n(setting, seeds):
    return Measurement(np.full(len(seeds), float(setting.n)))


SOURCE = Provenance("unit test", "-", Tag.OURS)
check = TheoryCheck(
    name="exact",
    bound=Bound("n", "n", [positive_integer("n")], SOURCE),
    settings=st.builds(Size, st.integers(1, 100)),
    bound_values=lambda s: {{"n": s.n}},
    measure=exactly_n,
    kind=StatementKind.FOR_EVERY,
)
variant = check.false_variant(
    check.bound.variant("fixed", "{bound}", "n → {bound}"),
    why_false="below n where n > {bound}",
    detection_rate=0.9,
)
test_variant = variant.property()
"""


def run_variant(pytester, bound: str):
    pytester.makepyfile(test_variant=MODULE.format(bound=bound))
    return pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-no-cache")


def test_a_variant_refuted_on_every_example_meets_its_declared_rate(pytester):
    result = run_variant(pytester, "1/2")  # n ≥ 1 > 1/2: false on every example
    result.assert_outcomes(passed=1)
    assert "of 8 examples refute the false variant" in result.stdout.str()


def test_a_variant_refuted_on_about_half_the_examples_fails_its_declared_rate(pytester):
    result = run_variant(pytester, "50")  # false only where n > 50
    result.assert_outcomes(failed=1)
    assert "significantly less often than declared" in result.stdout.str()


def test_a_detection_rate_is_declared_only_for_a_false_variant_and_in_0_1():
    check = TheoryCheck(
        name="c",
        bound=Bound("x", "x", [positive("x")], Provenance("t", "-", Tag.OURS)),
        settings=st.nothing(),
        bound_values=lambda s: {},
        measure=lambda s, seeds: None,
    )
    with pytest.raises(ParameterRangeError, match="detection_rate"):
        TheoryCheck(**{**check.__dict__, "property_rule": PropertyRule(detection_rate=0.9)})
    with pytest.raises(ParameterRangeError, match="detection_rate"):
        check.false_variant(check.bound, "false", detection_rate=1.5)
