"""Built-in theorems as declared ``TheoryCheck``s on generated settings, for
``gflcheck mutate --module properties/declared_checks.py --examples N``: break points and kill
tables of automatic mutants over settings drawn from the properties' strategies, not only the
main job's fixed ones. Not a test module (pytest collects ``test_*.py``). Seeds are
planned to confirm, as in the properties (``gflcheck.strategies.PROPERTY_SEEDS_REASON``)."""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from gflcheck.claims.lottery_tickets import LotteryConfig, lottery_ticket_check
from gflcheck.claims.simplicity_bias import SimplicityConfig, simplicity_bias_check
from gflcheck.claims.theorem_3_12 import Theorem312Config, theorem_3_12_check
from gflcheck.claims.xor_feature_learning import XorConfig, xor_check
from gflcheck.claims.xor_figure_1 import Figure1Config, Figure1Reading, figure_1_check
from gflcheck.runtime.profiles import budget
from gflcheck.strategies import (
    lottery_settings,
    separated_mixture_settings,
    simplicity_settings,
    xor_settings,
)

theorem_3_12_on_separated_mixtures = theorem_3_12_check(
    config=dataclasses.replace(Theorem312Config.within(budget()), power=None),
    settings=separated_mixture_settings(),
)
xor_in_log_d_steps = xor_check(
    config=XorConfig(power=None), settings=xor_settings(dimension=st.integers(8, 64))
)
linear_part_first = simplicity_bias_check(
    config=SimplicityConfig(power=None), settings=simplicity_settings()
)
ticket_reaches_the_whole_network = lottery_ticket_check(
    config=LotteryConfig(power=None), settings=lottery_settings()
)
figure_1_with_fresh_batches = figure_1_check(
    Figure1Reading.FRESH,
    Figure1Config(power=None),
    xor_settings(dimension=st.integers(16, 64)),
)
