"""The quadratic two-layer network of Taheri–Thrampoulidis–Mazumdar's XOR result, and its SGD.

``f(x) = Σ_j a_j ⟨w_j, x⟩²`` with the second layer fixed at ``a_j = ±1/m`` (half each), a standard
Gaussian first layer, and the linear (correlation) loss ``ℓ(t) = −t`` (docs/setups.md §2.2,
``secondary``). On a mini-batch ``B`` the loss ``−(1/|B|) Σ y f(x)`` has gradient
``∂/∂w_j = −2 a_j Ĉ w_j`` with ``Ĉ = (1/|B|) Σ y x xᵀ``, so a step of size ``η`` is

    w_j ← (I + 2η a_j Ĉ) w_j,

linear in ``W``. With ``η = m`` the weights grow geometrically (docs/setups.md §2.2): rescaling all of
``W`` by one positive factor multiplies ``f`` by its square and leaves ``sign f`` and every later
step's direction unchanged, so the trainer rescales ``W`` to unit Frobenius norm after each step.

The *kernel regime* at finite width is the same network linearised at initialisation,
``f_lin(x) = f(x; W₀) + Σ_j 2 a_j ⟨w_j⁰, x⟩⟨Δ_j, x⟩``, trained by the same SGD on ``Δ``: its
gradient ``−2 a_j Ĉ w_j⁰`` does not depend on ``Δ``. Table 2's contrast is checked at infinite
width, where this model has a closed form (:mod:`gflcheck.claims.xor_table_2`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from gflcheck.core.confidence import Confidence, SeedPlan, require_claim_plan
from gflcheck.models.distributions.xor_cube import ENUMERATION_LIMIT, XorCube
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.devices import stage_on_device, to_compute_device, to_host
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)


@dataclass(frozen=True)
class QuadraticNetwork:
    """``k`` quadratic networks: ``W [k, m, d]``, fixed ``a [m]``."""

    W: torch.Tensor
    a: torch.Tensor

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Scores ``f(x)`` of shape ``[k, N]`` for shared points ``x [N, d]``."""
        projections = torch.matmul(self.W, x.to(self.W.dtype).T)  # [k, m, N]
        return torch.matmul(self.a, projections.square_())

    def select(self, run: int) -> QuadraticNetwork:
        """Run ``run`` alone (``k = 1``)."""
        return QuadraticNetwork(self.W[run : run + 1], self.a)


@dataclass(frozen=True)
class LinearizedQuadraticNetwork:
    """The quadratic network linearised at ``W₀``: ``f(x; W₀) + Σ_j 2a_j⟨w_j⁰,x⟩⟨Δ_j,x⟩``."""

    W0: torch.Tensor
    delta: torch.Tensor
    a: torch.Tensor

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        points = x.to(self.W0.dtype).T
        initial = torch.matmul(self.W0, points)  # [k, m, N]
        moved = torch.matmul(self.delta, points)
        return torch.matmul(self.a, initial * (initial + 2 * moved))

    def select(self, run: int) -> LinearizedQuadraticNetwork:
        """Run ``run`` alone (``k = 1``)."""
        return LinearizedQuadraticNetwork(self.W0[run : run + 1], self.delta[run : run + 1], self.a)


def second_layer(width: int) -> torch.Tensor:
    """``a_j = +1/m`` for the first ``⌈m/2⌉`` neurons, ``−1/m`` for the rest."""
    require_positive_int("width", width, "second_layer")
    half = (width + 1) // 2
    return torch.cat([torch.full((half,), 1.0 / width), torch.full((width - half,), -1.0 / width)])


@dataclass(frozen=True, eq=False)
class XorRun:
    """What SGD produced: the networks after each iteration (``networks[t]``, ``t = 0..T``) and
    ``diverged_at [k]`` (first non-finite iteration, −1 if never)."""

    seeds: tuple[int, ...]
    width: int
    learning_rate: float
    batch_size: int
    training_size: int | None
    linearized: bool
    networks: list[QuadraticNetwork | LinearizedQuadraticNetwork]
    diverged_at: torch.Tensor


@cached_run
def train_xor_sgd(
    distribution: XorCube,
    width: int,
    iterations: int,
    batch_size: int,
    seeds: Sequence[int],
    learning_rate: float | None = None,
    training_size: int | None = None,
    linearized: bool = False,
    dtype: torch.dtype = torch.float64,
) -> XorRun:
    """Mini-batch SGD on the linear loss for ``len(seeds)`` networks at once.

    ``learning_rate`` defaults to ``η = m``. With ``training_size = n`` each seed draws one
    training set of ``n`` points and every iteration uses a mini-batch of ``batch_size`` of them
    (drawn without replacement; ``batch_size = n`` is full-batch GD); with ``training_size=None``
    each iteration draws ``batch_size`` fresh points (online SGD).
    """
    require_positive_int("width", width, "train_xor_sgd (m ≥ 1)")
    require_positive_int("iterations", iterations, "train_xor_sgd")
    require_positive_int("batch_size", batch_size, "train_xor_sgd")
    eta = (
        float(width)
        if learning_rate is None
        else require_positive("learning_rate", learning_rate, "train_xor_sgd")
    )
    if training_size is not None:
        require_positive_int("training_size", training_size, "train_xor_sgd")
        if batch_size > training_size:
            raise ParameterRangeError(
                "batch_size", batch_size, f"at most training_size = {training_size}"
            )
    d = distribution.dimension
    a = second_layer(width).to(dtype)
    generators = [torch_generator(seed, "xor-train") for seed in seeds]
    W0 = torch.stack(
        [
            torch.randn(width, d, generator=torch_generator(s, "xor-init"), dtype=dtype)
            for s in seeds
        ]
    )
    training = (
        [distribution.sample(training_size, g, dtype)[0] for g in generators]
        if training_size is not None
        else None
    )
    # Every step's batch is drawn before the loop, from each seed's generator in step order
    # (the same draws as one step at a time); the ±1 points are exact in int8, staged on the
    # compute device once and widened there a step at a time.
    draws = [
        [_batch(distribution, batch_size, g, dtype, training, i) for _ in range(iterations)]
        for i, g in enumerate(generators)
    ]
    xs, ys = stage_on_device(
        torch.stack([torch.stack([x.to(torch.int8) for x, _ in run]) for run in draws], 1),
        torch.stack([torch.stack([y.to(torch.int8) for _, y in run]) for run in draws], 1),
    )  # [T, k, b, d], [T, k, b]
    del draws
    a, W0 = to_compute_device(a, W0)  # drawn on the CPU; trained on the compute device
    networks, diverged_at = xor_sgd_steps(W0, a, xs, ys, eta, linearized)
    return to_host(
        XorRun(
            seeds=tuple(seeds),
            width=width,
            learning_rate=eta,
            batch_size=batch_size,
            training_size=training_size,
            linearized=linearized,
            networks=networks,
            diverged_at=diverged_at,
        )
    )


def xor_sgd_steps(
    W0: torch.Tensor,
    a: torch.Tensor,
    xs: torch.Tensor,
    ys: torch.Tensor,
    eta: float,
    linearized: bool = False,
) -> tuple[list[QuadraticNetwork | LinearizedQuadraticNetwork], torch.Tensor]:
    """SGD from ``W0 [k, m, d]`` on the batches ``xs [T, k, b, d]``, ``ys [T, k, b]`` (widened
    to ``W0``'s dtype a step at a time): ``W ← (W + 2η a ⊙ W Ĉ)/‖·‖_F``, or ``Δ ← Δ + 2η a ⊙ W₀ Ĉ``
    for the linearised model. Returns the networks after each step (``t = 0..T``) and, per
    seed, the first non-finite step (−1 if none), on the device, with no host read."""
    W = W0 / W0.flatten(1).norm(dim=1)[:, None, None]
    delta = torch.zeros_like(W0)
    networks: list[QuadraticNetwork | LinearizedQuadraticNetwork] = [
        LinearizedQuadraticNetwork(W0, delta, a) if linearized else QuadraticNetwork(W, a)
    ]
    diverged_at = torch.full((W0.shape[0],), -1, dtype=torch.long, device=W0.device)
    step = 2 * eta * a[None, :, None]
    for t, (x, y) in enumerate(zip(xs, ys, strict=True), start=1):
        x, y = x.to(W0.dtype), y.to(W0.dtype)  # [k, b, d], [k, b]
        moved = _times_correlation(W0 if linearized else W, x, y)  # W Ĉ (or W₀ Ĉ), [k, m, d]
        if linearized:
            delta = delta + step * moved
            networks.append(LinearizedQuadraticNetwork(W0, delta, a))
        else:
            W = W + step * moved
            W = W / W.flatten(1).norm(dim=1)[:, None, None]  # sign f unchanged
            networks.append(QuadraticNetwork(W, a))
        state = delta if linearized else W
        bad = ~torch.isfinite(state).flatten(1).all(1) & (diverged_at < 0)
        diverged_at.masked_fill_(bad, t)  # no host read
    return networks, diverged_at


def _batch(
    distribution: XorCube,
    batch_size: int,
    generator: torch.Generator,
    dtype: torch.dtype,
    training: list[torch.Tensor] | None,
    index: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """This iteration's mini-batch: fresh points, or a draw without replacement from the training set."""
    if training is None:
        return distribution.sample(batch_size, generator, dtype)
    pool = training[index]
    x = pool[torch.randperm(pool.shape[0], generator=generator)[:batch_size]]
    return x, x[:, 0] * x[:, 1]


def _times_correlation(W: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``W Ĉ`` with ``Ĉ = (1/b) Σ y x xᵀ``, as ``((W xᵀ) ⊙ y) x / b`` (never forms the d×d ``Ĉ``).

    Batched: ``W [k, m, d]``, ``x [k, b, d]``, ``y [k, b]`` (or unbatched without ``k``)."""
    return ((W @ x.transpose(-1, -2)) * y.unsqueeze(-2)) @ x / x.shape[-2]


@dataclass(frozen=True)
class XorSetting:
    """``d``, the failure probability ``δ`` and the seed of every draw."""

    dimension: int
    delta: float
    seed: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "XorSetting (d ≥ 2)")
        require_open_unit_interval("delta", self.delta, "XorSetting")
        require_int_at_least("seed", self.seed, 0, "XorSetting")


@dataclass(frozen=True)
class XorConfig:
    """Declared constants: width ``m``, ``c``, ``C_n``, certification miscoverage, the error rates
    and the seed plan."""

    width: int = 20
    iteration_constant: float = 1.0
    samples_constant: float = 40.0
    certification_miscoverage: float = 0.01
    confidence: Confidence = field(default_factory=Confidence)
    seed_plan: SeedPlan = field(default_factory=lambda: SeedPlan(minimum=8))

    def __post_init__(self) -> None:
        require_claim_plan(self.confidence, self.seed_plan, "XorConfig")
        require_positive_int("width", self.width, "XorConfig (m ≥ 1)")
        require_positive("iteration_constant", self.iteration_constant, "XorConfig")
        require_positive("samples_constant", self.samples_constant, "XorConfig")
        require_open_unit_interval(
            "certification_miscoverage", self.certification_miscoverage, "XorConfig"
        )


def certification_miscoverage(dimension: int, iterations: int, config: XorConfig) -> float:
    """Chance that a seed is certified to reach zero error when it does not: 0 by enumeration
    (``d ≤ 20``), else one certification miscoverage per iteration tried (union bound)."""
    if dimension <= ENUMERATION_LIMIT:
        return 0.0
    return (iterations + 1) * config.certification_miscoverage


@cached_run
def first_zero_error_iteration(
    run: XorRun, cube: XorCube, miscoverage: float, seed: int
) -> np.ndarray:
    """Per seed, the first ``t`` whose network has zero test error (−1 if none): exactly zero by
    enumeration for ``d ≤ 20``, else certified by :meth:`XorCube.has_zero_error` at
    ``miscoverage``; ``seed`` seeds the certification samples (stream ``xor-test``)."""
    generator = torch_generator(seed, "xor-test")
    first = np.full(len(run.seeds), -1)
    for seed_index in range(len(run.seeds)):
        for t, network in enumerate(run.networks):
            if cube.has_zero_error(network.select(seed_index), miscoverage, generator):
                first[seed_index] = t
                break
    return first


def dimension_label(setting: XorSetting) -> str:
    """``d=…``: the part of an XOR check's name that tells its settings apart."""
    return f"d={setting.dimension}"
