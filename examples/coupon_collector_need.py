"""Statement kind (iv′), a need that grows: collecting d coupons takes O(d log d) draws.

Draw coupons uniformly from ``d`` kinds; the *need* of a run is the least number of draws, on a
geometric size grid, after which every kind has been seen (its "error", the share of kinds not
seen yet, reaches 0). Its expectation is ``d·H_d ≈ d ln d``. ``need_check`` walks each run up the
size grid at every ``d`` of a declared grid and judges the grid-level slope of ``log need`` on
``log d`` against ``d log d``'s own slope there, told apart from the rival ``Ω(d^1.5)``. The
false variant claims ``O(√d)`` draws.

Run it: ``pytest examples/coupon_collector_need.py``.
"""

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from gflcheck import Bound, NeedWalk, Provenance, Rival, Tag, hidden_constant, need_check, positive

SOURCE = Provenance("the coupon collector", "E[draws] = d·H_d", Tag.SECONDARY)
SYMBOLS = [hidden_constant("C"), positive("d")]


@dataclass(frozen=True)
class Kinds:
    smallest: int
    seed: int


def unseen_share(setting: Kinds, d: float, draws: int, seeds: tuple[int, ...]) -> np.ndarray:
    rngs = [np.random.default_rng([s, int(d)]) for s in seeds]  # the same draws at every size
    return np.array([1 - len(set(rng.integers(0, int(d), draws))) / d for rng in rngs])


walk = NeedWalk(lambda s, d: sorted({round(2 ** (j / 4)) for j in range(80)}), unseen_share, 0.0)
collector = need_check(
    "coupon-collector",
    Bound("O(d log d)", "C*d*log(d)", SYMBOLS, SOURCE),
    "d",
    st.builds(Kinds, st.integers(8, 32), st.integers(0, 2**32 - 1)),
    lambda s: [round(s.smallest * 2 ** (j / 2)) for j in range(9)],
    walk,
    tolerance=0.1,
    runs=32,
    rivals=[Rival(Bound("Ω(d^1.5)", "C*d**1.5", SYMBOLS, SOURCE), at_least=True)],
)
root_d = collector.false_variant(
    collector.bound.variant("O(√d)", "C*sqrt(d)", "d log d → √d"),
    why_false="every one of the d kinds must be drawn once: at least d draws",
)

test_collecting_d_coupons_takes_d_log_d_draws = collector.property()
test_root_d_draws_is_refuted = root_d.property()
