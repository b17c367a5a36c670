"""Statement kind (iii), a rate with a hidden constant: the Monte Carlo error decays like C/√n.

The error of the mean of ``n`` uniform draws is ``O(n^{-1/2})`` (the central limit theorem; the
constant ``C`` is hidden). ``rate_check`` fits the log-log slope of the error over a declared grid
of ``n`` at the level of the grid (the nine grid points carry the exponent; the 100 runs at each
make its mean precise) with a 95% interval, and compares it with the bound's own slope over the
same grid (−½) plus a declared tolerance. The false variant claims ``O(1/n)``.

Run it: ``pytest examples/monte_carlo_rate.py``.
"""

from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from gflcheck import Bound, Provenance, Tag, hidden_constant, positive, rate_check
from gflcheck.runtime.random import torch_generator

SOURCE = Provenance("the central limit theorem", "mean of n draws", Tag.SECONDARY)


@dataclass(frozen=True)
class Grid:
    smallest: int
    seed: int


def mean_error(setting: Grid, n: float, seeds: tuple[int, ...]):
    draws = [
        torch.rand(int(n), generator=torch_generator(s, f"n={n}"), dtype=torch.float64)
        for s in seeds
    ]
    return (torch.stack(draws).mean(1) - 0.5).abs().numpy()


monte_carlo = rate_check(
    "monte-carlo-rate",
    Bound("C/√n", "C/sqrt(n)", [hidden_constant("C"), positive("n")], SOURCE),
    "n",
    st.builds(Grid, st.integers(10, 100), st.integers(0, 2**32 - 1)),
    grid=lambda s: [s.smallest * 2**i for i in range(9)],
    measure=mean_error,
    tolerance=0.15,
    runs=100,
)
one_over_n = monte_carlo.false_variant(
    monte_carlo.bound.variant("C/n", "C/n", "1/√n → 1/n"),
    why_false="the error of a mean of n independent draws is of order n^{-1/2}, not n^{-1}",
    # refuted at a rate, not on every example: where the lack-of-fit test rejects the straight
    # line by chance (5%), only the grid's top slope judges, and it may not reach −1 + τ
    detection_rate=0.9,
)

test_monte_carlo_rate = monte_carlo.property()
test_one_over_n_is_refuted = one_over_n.property()
