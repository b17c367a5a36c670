"""Feature learning on XOR (Taheri–Thrampoulidis–Mazumdar, ICLR 2025), docs/setups.md §2.2.

(a) zero test error within c⌈log d⌉ SGD steps w.p. ≥ 1 − δ; (b) the growth of the steps needed
is no faster than c·log d; (c) Table 2: the kernel regime needs Ω(d²) samples, feature learning
O(d), with a width that does not grow in d; (d) false
variants are refuted; (e) the poster's Figure 1 (n = 6d fresh points per step) reaches test error
≤ 2% after ⌈ln d⌉ + 1 steps.
"""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from gflcheck import catalogue
from gflcheck.claims import xor_table_2
from gflcheck.claims.xor_feature_learning import XorConfig, steps_growth_check, xor_check
from gflcheck.claims.xor_figure_1 import Figure1Config, Figure1Reading, figure_1_check
from gflcheck.core.confidence import Confidence, PropertyRule
from gflcheck.core.declare import entries_property
from gflcheck.runtime.profiles import budget
from gflcheck.strategies import xor_settings
from gflcheck.theorems.ttm import log_log_iterations, sqrt_d_samples

CONFIG = XorConfig(
    confidence=Confidence(power=None)
)  # seeds planned to confirm: strategies.PROPERTY_SEEDS_REASON


def dimensions(low: int) -> st.SearchStrategy[int]:
    """``d`` from ``low`` up to the profile's XOR budget (96 default, 512 thorough)."""
    return st.integers(low, budget().xor_max_dimension)


zero_error_in_c_log_d_steps = xor_check(
    config=CONFIG, settings=xor_settings(dimension=dimensions(2))
)
test_xor_zero_error_within_c_log_d_steps = zero_error_in_c_log_d_steps.property()

# (d) False variants, on dimensions where they are false. ⌈log log d⌉ = 2 steps for 16 ≤ d ≤ 1618,
# and zero error takes 3 steps from d ≈ 32 on (at d = 16 about half the seeds need only 2). Near
# d = 32 most seeds but not all need 3 steps (10 of 12 at δ = 0.375: p = 0.0016 against α_v), so
# the variant is near its break point there: refuted at the suite's detection target over the
# examples (an exact binomial test), not on every example.
test_xor_log_log_d_steps_variant_is_refuted = dataclasses.replace(
    xor_check(log_log_iterations(), CONFIG, xor_settings(dimension=dimensions(32))),
    property_rule=PropertyRule(detection_rate=0.9),
).property()
test_xor_sqrt_d_samples_variant_is_refuted = xor_check(
    sqrt_d_samples(), CONFIG, xor_settings(dimension=dimensions(8))
).property()


# (b) The steps to zero error grow no faster than C·log d (a rate over d = 4…64, ratio √2, 8 runs
# each, up to 3⌈log d⌉ steps so that no run is censored), told apart from linear growth.
test_xor_steps_grow_no_faster_than_log_d = steps_growth_check(CONFIG).property()


# (a′), (c), (d): the theorem's zero-error form over d ∈ {8, …, 64} (the least batch per step
# that reaches certified zero test error within ⌈log d⌉ steps grows like Õ(d), read as
# d·(log d)²; the verdict reports the least C_n = b*/d per d), and Table 2 as sample needs (the
# kernel regime needs Ω(d²) samples, feature learning O(d) per step; the contrast denied is
# refuted): the main job's declared entries, each judged as it expects.
test_zero_error_form_and_table_2 = entries_property(
    catalogue.entries("ttm-xor/zero-error/") + catalogue.entries("ttm-xor/table-2/")
)

# (c′) Table 2's width column for feature learning, as a need: the least width that learns, per
# seed and d, does not grow in d (told apart from √d).
test_table_2_width_need_does_not_grow = entries_property((xor_table_2.WIDTH_ENTRY,))


# (e) The poster's Figure 1 (η = m = 20, n = 6d) read as the theorem means it, 6d fresh points per
# step: test error ≤ 2% after ⌈ln d⌉ + 1 steps. The other reading (one set of 6d reused) is an
# observation of the main job (`gflcheck check -k figure-1`), not a claim of the paper.
figure_1_with_fresh_batches = figure_1_check(
    Figure1Reading.FRESH,
    Figure1Config(confidence=Confidence(power=None)),
    xor_settings(dimension=dimensions(16)),
)
test_xor_figure_1_with_fresh_batches = figure_1_with_fresh_batches.property()
