"""Statement kind (iv), a separation: not knowing the support costs a factor that grows like d.

Estimate a mean ``μ`` of ``N(μ, I_d)`` supported on its first 4 coordinates from ``n`` draws.
Learner A averages all ``d`` coordinates (squared error ``‖x̄ − μ‖²``, expectation ``d/n``);
learner B knows the support and averages those 4 (expectation ``4/n``). On the same draws (paired
seeds), A's error is ``Ω(d)`` times B's. ``separation_check`` fits the slope of the paired ratio ``A/B`` against
``log d`` over a declared grid; the false variant claims a gap of ``d^{1.25}``.

Run it: ``pytest examples/support_separation.py``.
"""

from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from gflcheck import Bound, Provenance, Tag, hidden_constant, positive, separation_check
from gflcheck.runtime.random import torch_generator

SOURCE = Provenance("estimating a sparse mean", "E‖x̄ − μ‖² = d/n", Tag.OURS)


@dataclass(frozen=True)
class Samples:
    draws: int
    seed: int


def squared_errors(setting: Samples, d: float, seeds: tuple[int, ...]):
    x = torch.stack(
        [
            torch.randn(setting.draws, int(d), generator=torch_generator(s, f"d={d:g}"))
            for s in seeds
        ]
    )
    error = x.double().mean(1)  # x̄ − μ: the draws are centred at μ
    return (error**2).sum(1).numpy(), (error[:, :4] ** 2).sum(1).numpy()


support = separation_check(
    "support-separation",
    Bound("gap d", "C*d", [hidden_constant("C"), positive("d")], SOURCE),
    "d",
    st.builds(Samples, st.integers(5, 50), st.integers(0, 2**32 - 1)),
    grid=lambda s: [8, 11, 16, 22, 32, 45, 64, 91, 128],
    measure=squared_errors,
    tolerance=0.1,
    runs=1000,
)
faster = support.false_variant(
    support.bound.variant("gap d^1.25", "C*d**1.25", "d → d^1.25"),
    why_false="E log(A/B) = E log χ²_d − E log χ²_4 = log d − 1/d + O(d⁻²) + const: slope 1.04 here",
)

test_not_knowing_the_support_costs_a_factor_d = support.property()
test_a_gap_of_d_to_the_1_25_is_refuted = faster.property()
