"""Statement kind (ii), a deterministic ∀-bound: the rate of gradient descent on a convex quadratic.

For an ``L``-smooth convex ``f`` and step ``1/L``, ``f(x_T) − f* ≤ L‖x₀ − x*‖²/(2T)`` for every
start and every ``T`` (Nesterov 2004, Corollary 2.1.2); the measured quantity is the left side
over ``‖x₀ − x*‖²``, on quadratics ``f(x) = λx²/2`` from ``x₀ = 1`` with ``λ/L`` log-uniform in
``[10⁻⁴, 1]``, drawn per seed. Each instance is computed
exactly in float64, so one instance above the bound refutes the statement; the declared tolerance
covers rounding. The false variant claims the accelerated ``1/T²`` rate for plain gradient
descent: a curvature near ``L/T`` breaks it.

Run it: ``pytest examples/gradient_descent_rate.py``.
"""

from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Measurement,
    Provenance,
    SeedPlan,
    StatementKind,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.runtime.random import torch_generator

SOURCE = Provenance("Nesterov, Introductory Lectures (2004)", "Cor. 2.1.2", Tag.SECONDARY)


@dataclass(frozen=True)
class Steps:
    steps: int
    seed: int


def suboptimality(setting: Steps, seeds: tuple[int, ...]) -> Measurement:
    draws = [torch.rand(1, generator=torch_generator(s, "λ"), dtype=torch.float64) for s in seeds]
    curvature = 10 ** (-4 * torch.cat(draws))
    x = torch.ones_like(curvature)
    for _ in range(setting.steps):
        x = x - curvature * x  # x ← x − f'(x)/L, with L = 1
    return Measurement((0.5 * curvature * x**2).numpy())


gradient_descent = TheoryCheck(
    name="gradient-descent-rate",
    bound=Bound("GD rate L/(2T)", "L/(2*T)", [positive("L"), positive("T")], SOURCE),
    settings=st.builds(Steps, st.integers(1, 500), st.integers(0, 2**32 - 1)),
    bound_values=lambda s: {"L": 1.0, "T": s.steps},
    measure=suboptimality,
    kind=StatementKind.FOR_EVERY,
    tolerance=1e-12,
    seed_plan=SeedPlan(count=20),
    trivial_value=0.5,  # f(x₀) − f* ≤ L|x₀ − x*|²/2 before any step
)
accelerated = gradient_descent.false_variant(
    gradient_descent.bound.variant("accelerated rate L/(2T²)", "L/(2*T**2)", "1/T → 1/T²"),
    why_false="λ/L between about 0.05/T and 1.6/T keeps λ(1 − λ/L)^{2T} above L/T²",
    settings=st.builds(Steps, st.integers(20, 100), st.integers(0, 2**32 - 1)),
)

test_gradient_descent_rate = gradient_descent.property()
test_the_accelerated_rate_is_refuted_for_plain_gradient_descent = accelerated.property()
