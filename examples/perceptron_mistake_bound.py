"""A new check in a few dozen lines: Novikoff's perceptron mistake bound on linear data.

Novikoff (1962): on data with ‖x‖ ≤ R, separable by a unit vector u with margin y⟨u,x⟩ ≥ γ, the
perceptron makes at most (R/γ)² mistakes, however long it runs. The statement is deterministic
(for every such data set), so it is declared ``StatementKind.FOR_EVERY``: one data set with more
mistakes refutes it. The data family is gflcheck's linear teacher on the sphere (‖x‖ = √d,
y⟨u,x⟩ ≥ margin·√d, so R/γ ≤ 1/margin); the trainer is plain torch code, batched over seeds.
The false variant drops the square.

Run it: ``pytest examples/perceptron_mistake_bound.py``.
"""

from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Measurement,
    Precondition,
    Provenance,
    SeedPlan,
    StatementKind,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.models.distributions import MarginSphere
from gflcheck.runtime.random import torch_generator

PAPER = "Novikoff. On convergence proofs on perceptrons. Symp. Math. Theory of Automata, 1962"


@dataclass(frozen=True)
class LinearData:
    dimension: int
    margin: float
    samples: int
    seed: int


def linear_data(dimension, margin, samples):
    return st.builds(LinearData, dimension, margin, samples, st.integers(0, 2**32 - 1))


def mistake_bound(name, expression, where):
    symbols = [positive("R"), positive("gamma")]
    return Bound(name, expression, symbols, Provenance(PAPER, where, Tag.OURS))


def perceptron_mistakes(setting: LinearData, seeds: tuple[int, ...]) -> Measurement:
    """Cycle through each seed's sample until an epoch without mistakes; count the mistakes."""
    teacher = torch_generator(setting.seed, "teacher")
    data = MarginSphere.random(setting.dimension, setting.margin, teacher)
    x, y = map(
        torch.stack,
        zip(
            *[data.sample(setting.samples, torch_generator(s, "sample")) for s in seeds],
            strict=True,
        ),
    )
    w, mistakes = torch.zeros(len(seeds), setting.dimension, dtype=x.dtype), torch.zeros(len(seeds))
    for _ in range(10_000):  # Novikoff: at most (R/γ)² updates, so this ends well before
        epoch = torch.zeros(len(seeds))
        for i in range(setting.samples):
            wrong = y[:, i] * (x[:, i] * w).sum(1) <= 0
            w += wrong[:, None] * y[:, i, None] * x[:, i]
            epoch += wrong
        mistakes += epoch
        if not epoch.any():
            break
    return Measurement(mistakes.numpy(), diverged=epoch.numpy() > 0)


novikoff = TheoryCheck(
    name="perceptron-mistakes",
    bound=mistake_bound("Novikoff (R/γ)²", "(R/gamma)**2", "Theorem 1"),
    settings=linear_data(st.integers(5, 30), st.floats(0.05, 0.3), st.integers(50, 300)),
    bound_values=lambda s: {"R": np.sqrt(s.dimension), "gamma": s.margin * np.sqrt(s.dimension)},
    measure=perceptron_mistakes,
    kind=StatementKind.FOR_EVERY,
    quantifiers={
        "∀ data separable with margin γ, radius R": "linear teacher on the sphere (Hypothesis)",
        "∀ order of presentation": "the sample's order, cycled until an epoch has no mistake",
    },
    preconditions=[Precondition("margin > 0", lambda s: s.margin > 0)],
    seed_plan=SeedPlan(count=20),
)
no_square = novikoff.false_variant(
    mistake_bound("R/γ", "R/gamma", "Theorem 1, square dropped"),
    why_false="the perceptron needs about d updates to find the teacher, more than 1/margin",
    settings=linear_data(st.integers(20, 40), st.floats(0.05, 0.1), st.integers(200, 300)),
)

test_novikoff_mistake_bound = novikoff.property()
test_novikoff_without_the_square_is_refuted = no_square.property()
