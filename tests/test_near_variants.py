"""The false variants placed near a measured break point: each is its true statement's
bound divided by a declared factor, tagged ``ours``, marked false, and in the main job."""

from __future__ import annotations

import pytest
import sympy

from gflcheck.catalogue import DEFAULT_CHECKS
from gflcheck.claims.xor_figure_1 import (
    NEAR_VARIANT_DIVISOR,
    Figure1Reading,
    figure_1_below_the_target,
    figure_1_bound,
)
from gflcheck.core.provenance import Tag
from gflcheck.theorems.gfl import quarter_of_the_bound, theorem_3_12_bound
from gflcheck.theorems.lottery import ticket_beats_the_full_network, ticket_matches_full_network
from gflcheck.theorems.simplicity import (
    linear_part_first,
    linear_part_in_a_third_of_the_time,
    linear_part_in_a_thirty_second_of_the_time,
)

CASES = [
    ("gfl/noisy-two-cluster/quarter", theorem_3_12_bound(), quarter_of_the_bound(), 4),
    (
        "gfl/simplicity-bias/a-third-of-the-time",
        linear_part_first().bound,
        linear_part_in_a_third_of_the_time(),
        3,
    ),
    (
        "gfl/simplicity-bias/algorithm-1/a-thirty-second-of-the-time",
        linear_part_first().bound,
        linear_part_in_a_thirty_second_of_the_time(),
        32,
    ),
    (
        "gfl/lottery-ticket/quarter",
        ticket_matches_full_network().bound,
        ticket_beats_the_full_network(),
        4,
    ),
    (
        f"ttm-xor/figure-1/d=64/divided-by-{NEAR_VARIANT_DIVISOR}",
        figure_1_bound(Figure1Reading.FRESH),
        figure_1_below_the_target(),
        NEAR_VARIANT_DIVISOR,
    ),
]


@pytest.mark.parametrize(("entry", "truth", "variant", "divisor"), CASES)
def test_a_near_variant_is_its_truth_divided_and_runs_in_the_main_job(
    entry, truth, variant, divisor
):
    assert sympy.simplify(truth.expression / variant.bound.expression - divisor) == 0
    assert variant.bound.provenance.tag is Tag.OURS
    assert variant.is_false_variant
    assert entry in {e.name for e in DEFAULT_CHECKS}


def test_the_built_in_theorems_are_declared_for_mutation_over_generated_settings():
    """Kill tables over generated settings for the built-ins, through the same
    ``gflcheck mutate --module`` a user's file gets: the property files name their true checks."""
    from pathlib import Path

    from gflcheck.surface.commands import _module_checks

    properties = Path(__file__).parent.parent / "properties"
    files = ("theorem_3_12", "xor_feature_learning", "simplicity_bias", "lottery_tickets")
    checks = [c for f in files for c in _module_checks(properties / f"test_{f}.py")]
    names = sorted(check.name for check in checks)
    assert names == [
        "gfl-lottery-ticket",
        "gfl-simplicity-bias",
        "gfl-simplicity-bias-algorithm-1",
        "gfl-theorem-3.12",
        "ttm-xor",
        "ttm-xor-figure-1/fresh",
    ]
    assert all(check.confidence.power is None for check in checks)  # as the properties plan seeds


def test_the_figure_1_variant_refuses_a_divisor_that_is_not_positive():
    from gflcheck.runtime.errors import ParameterRangeError

    with pytest.raises(ParameterRangeError, match="divisor"):
        figure_1_below_the_target(0)
