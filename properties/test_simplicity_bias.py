"""Simplicity bias (Shi–Wei–Liang poster, docs/setups.md §1.4): networks learn the linear part of
a target before its XOR part, read two ways. Mean-field population gradient descent on the square
loss, target f* = α·x₁ + β·x₂x₃; and Algorithm 1 (hinge loss, a large first step that makes each
neuron its gradient feature), labels y = sign(x₁ + x₂x₃ + x₄x₅). In each the reversed order (a
false variant) is refuted. Crossing steps are reported with t intervals over seeds."""

from __future__ import annotations

from gflcheck.claims.simplicity_bias import (
    Algorithm1SimplicityConfig,
    SimplicityConfig,
    algorithm_1_simplicity_check,
    simplicity_bias_check,
)
from gflcheck.core.confidence import Confidence
from gflcheck.strategies import majority_settings, simplicity_settings
from gflcheck.theorems.simplicity import xor_part_first

CONFIG = SimplicityConfig(
    confidence=Confidence(power=None)
)  # seeds planned to confirm: strategies.PROPERTY_SEEDS_REASON
ALGORITHM_1 = Algorithm1SimplicityConfig(confidence=Confidence(power=None))

linear_part_first = simplicity_bias_check(config=CONFIG, settings=simplicity_settings())
xor_first = simplicity_bias_check(xor_part_first(), CONFIG, simplicity_settings())
linear_part_first_under_algorithm_1 = algorithm_1_simplicity_check(
    config=ALGORITHM_1, settings=majority_settings()
)
xor_first_under_algorithm_1 = algorithm_1_simplicity_check(
    xor_part_first(), ALGORITHM_1, majority_settings()
)

test_linear_part_is_learned_first = linear_part_first.property()
test_xor_part_first_variant_is_refuted = xor_first.property()
test_linear_part_is_learned_first_under_algorithm_1 = linear_part_first_under_algorithm_1.property()
test_xor_part_first_under_algorithm_1_is_refuted = xor_first_under_algorithm_1.property()
