"""Statement kind (i), a probabilistic bound over seeds: Hoeffding's inequality.

For ``n`` independent draws in [0, 1] with mean ``p``, the sample mean deviates from ``p`` by at
most ``√(ln(2/δ)/(2n))`` with probability at least ``1 − δ`` (Hoeffding 1963, Theorem 2). Each
seed's deviation is exact (``p`` is known), so each seed certainly satisfies or violates the
bound; the verdict tests the failure rate against the statement's own ``δ``. The false variant
shrinks the width threefold: near ``p = ½`` it fails about a third of the time.

Run it: ``pytest examples/hoeffding_inequality.py``.
"""

from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Confidence,
    Measurement,
    Provenance,
    SeedPlan,
    Tag,
    TheoryCheck,
    positive_integer,
    unit_interval,
)
from gflcheck.runtime.random import torch_generator

SYMBOLS = [positive_integer("n"), unit_interval("delta")]
SOURCE = Provenance("Hoeffding, JASA 58 (1963)", "Theorem 2", Tag.SECONDARY)


@dataclass(frozen=True)
class Coins:
    draws: int
    mean: float
    seed: int


def coins(mean=st.floats(0.05, 0.95)):
    return st.builds(Coins, st.integers(10, 2000), mean, st.integers(0, 2**32 - 1))


def deviation(setting: Coins, seeds: tuple[int, ...]) -> Measurement:
    draws = [torch.rand(setting.draws, generator=torch_generator(s, "coins")) for s in seeds]
    heads = (torch.stack(draws) < setting.mean).double().mean(1)
    return Measurement((heads - setting.mean).abs().numpy())


hoeffding = TheoryCheck(
    name="hoeffding",
    bound=Bound("Hoeffding width", "sqrt(log(2/delta)/(2*n))", SYMBOLS, SOURCE),
    settings=coins(),
    bound_values=lambda s: {"n": s.draws, "delta": hoeffding.confidence.delta},
    measure=deviation,
    confidence=Confidence(delta=0.05),
    seed_plan=SeedPlan(count=200),
    trivial_value=1.0,  # |mean − p| < 1 always: a width ≥ 1 says nothing
)
third = hoeffding.false_variant(
    hoeffding.bound.variant("a third of the width", "sqrt(log(2/delta)/(2*n))/3", "width ÷ 3"),
    why_false="near p = 1/2 the deviation exceeds 0.45/√n with probability about 1/3 > δ",
    settings=coins(mean=st.floats(0.3, 0.7)),
)

test_hoeffding_inequality = hoeffding.property()
test_a_third_of_the_width_is_refuted = third.property()
