"""Simplicity bias (Shi–Wei–Liang poster, docs/setups.md §1.4): on f* = α·x₁ + β·x₂x₃ the linear
part is learned first; the reversed order (a false variant) is refuted. Crossing steps are
reported with t intervals over seeds."""

from __future__ import annotations

from gflcheck.claims.simplicity_bias import SimplicityConfig, simplicity_bias_check
from gflcheck.core.confidence import Confidence
from gflcheck.strategies import simplicity_settings
from gflcheck.theorems.simplicity import xor_part_first

CONFIG = SimplicityConfig(
    confidence=Confidence(power=None)
)  # seeds planned to confirm: strategies.PROPERTY_SEEDS_REASON

linear_part_first = simplicity_bias_check(config=CONFIG, settings=simplicity_settings())
xor_first = simplicity_bias_check(xor_part_first(), CONFIG, simplicity_settings())

test_linear_part_is_learned_first = linear_part_first.property()
test_xor_part_first_variant_is_refuted = xor_first.property()
