"""Statement kind (v), an ordering of first times: SGD learns the top eigendirection first.

Least squares with inputs ``x ~ N(0, diag(1, 1/κ))`` and target ``⟨w*, x⟩``, ``w* = (1, 1)``,
from ``w = 0`` by SGD with step ``η``: on the population loss the error along direction ``i``
decays like ``(1 − ηλᵢ)^t``, so direction ``i`` is within 10% of ``w*ᵢ`` after about
``ln 10/(ηλᵢ)`` steps, and the top one is learned about ``κ`` times sooner. The statement (ours,
with a margin for SGD's noise): ``τ_top ≤ 1.5·τ_bottom/κ`` with probability ≥ 0.95 over the seed.
The false variant asks the top direction to be learned 25% sooner than that spectral prediction.

Run it: ``pytest examples/spectral_ordering.py``.
"""

from dataclasses import make_dataclass

import torch
from hypothesis import strategies as st

from gflcheck import Bound, Provenance, Tag, hitting_time_check, non_negative, positive
from gflcheck.runtime.random import torch_generator

SOURCE = Provenance("gradient descent on a quadratic", "(1 − ηλ)^t per eigendirection", Tag.OURS)
SYMBOLS = [non_negative("t_bottom"), positive("kappa")]
Spectrum = make_dataclass("Spectrum", ["kappa", "step", "seed"], frozen=True)


def first_times(setting, seeds: tuple[int, ...]) -> dict:
    scale = torch.tensor([1.0, 1.0 / setting.kappa], dtype=torch.float64).sqrt()
    error = -torch.ones(len(seeds), 2, dtype=torch.float64)  # w − w*, from w = 0
    tau = torch.full((len(seeds), 2), float("inf"), dtype=torch.float64)
    generator = torch_generator(seeds[0], f"sgd-{len(seeds)}")  # one stream for the batch
    for t in range(1, 1001):
        x = torch.randn(len(seeds), 16, 2, generator=generator, dtype=torch.float64) * scale
        error = error - setting.step * (x * (x @ error.unsqueeze(-1))).mean(1)
        tau = torch.where((error.abs() <= 0.1) & tau.isinf(), float(t), tau)
    return {"t": tau[:, 0].numpy(), "t_bottom": tau[:, 1].numpy()}


spectral_order = hitting_time_check(
    "spectral-ordering",
    Bound("spectral order", "1.5*t_bottom/kappa", SYMBOLS, SOURCE),
    st.builds(Spectrum, st.floats(2.0, 6.0), st.floats(0.03, 0.06), st.integers(0, 2**32 - 1)),
    first_times,
    horizon=lambda s: 1000,
    bound_values=lambda s: {"kappa": s.kappa},
    seeds=100,
)
too_soon = spectral_order.false_variant(
    spectral_order.bound.variant("25% sooner", "0.8*t_bottom/kappa", "1.5 → 0.8"),
    why_false="τ_top·κ/τ_bottom concentrates near 1 (0.83–1.17 over 99% of seeds at η ≤ 0.05)",
)

test_spectral_ordering = spectral_order.property()
test_learning_the_top_direction_25_percent_sooner_is_refuted = too_soon.property()
