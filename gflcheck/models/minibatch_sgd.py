"""Standard minibatch SGD on a two-layer ReLU network, both layers trained, on the logistic loss:
the learner of Glasgow (ICLR 2024, "SGD finds then tunes features in two-layer neural networks
with near-optimal sample complexity: a case study in the XOR problem"), for ``k`` seeds at once.

``f(x) = Σ_j a_j ReLU(⟨w_j, x⟩)`` with ``w_j ~ N(0, I/d)`` and ``a_j ~ N(0, 1/m)`` at
initialisation; each step draws ``B`` fresh points and moves ``(W, a)`` by ``−η`` times the
gradient of the mean logistic loss ``log(1 + e^{−y f(x)})`` on them, so ``n`` samples make
``⌊n/B⌋`` steps of one pass. The gradients are written out (``∂/∂a_j = mean ℓ'·ReLU_j``,
``∂/∂w_j = mean ℓ'·a_j·1[⟨w_j,x⟩ > 0]·x`` with ``ℓ' = −y·σ(−y f)``) and checked against autograd
in the tests. Every draw comes from the seed's streams ``sgd-init`` and ``sgd-train``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from gflcheck.core.estimators import zero_one_errors
from gflcheck.models.distributions.xor_cube import XorCube
from gflcheck.runtime.devices import stage_on_device, to_compute_device, to_host
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import require_positive, require_positive_int


@dataclass(frozen=True)
class SgdRecipe:
    """Width ``m``, batch ``B`` and step ``η`` (declared before any measurement; the first
    configuration tried)."""

    width: int = 64
    batch_size: int = 32
    learning_rate: float = 1.0

    def __post_init__(self) -> None:
        require_positive_int("width", self.width, "SgdRecipe")
        require_positive_int("batch_size", self.batch_size, "SgdRecipe")
        require_positive("learning_rate", self.learning_rate, "SgdRecipe")


@dataclass(frozen=True, eq=False)
class TwoLayerNetworks:
    """``k`` networks: first layers ``W [k, m, d]``, output layers ``a [k, m]``."""

    W: torch.Tensor
    a: torch.Tensor

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Scores ``[k, N]`` of each network on its own points ``x [k, N, d]``."""
        return torch.einsum("knm,km->kn", torch.einsum("knd,kmd->knm", x, self.W).relu(), self.a)


def logistic_gradients(
    networks: TwoLayerNetworks, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients ``(∂W, ∂a)`` of the mean logistic loss of each network on its batch
    (``x [k, B, d]``, ``y [k, B]``)."""
    pre = torch.bmm(x, networks.W.transpose(1, 2))  # [k, B, m]
    hidden = pre.relu()
    scores = torch.bmm(hidden, networks.a[:, :, None]).squeeze(-1)
    slope = -y * torch.sigmoid(-y * scores) / x.shape[1]  # ℓ'(y f)·y / B
    grad_a = torch.bmm(slope[:, None, :], hidden).squeeze(1)
    # Σ_b slope_b·1[pre_bj > 0]·x_b, then each row j times a_j: [m, B]·[B, d] as one bmm.
    active = (pre > 0).to(x.dtype).mul_(slope[:, :, None])
    grad_W = torch.bmm(active.transpose(1, 2), x).mul_(networks.a[:, :, None])
    return grad_W, grad_a


def train_minibatch_sgd(
    cube: XorCube, samples: int, seeds: Sequence[int], recipe: SgdRecipe | None = None
) -> TwoLayerNetworks:
    """One pass of minibatch SGD over ``samples`` fresh points per seed (``⌊samples/B⌋`` steps)."""
    recipe = recipe or SgdRecipe()
    require_positive_int("samples", samples, "train_minibatch_sgd")
    d, m = cube.dimension, recipe.width
    inits = [torch_generator(seed, "sgd-init") for seed in seeds]
    W = torch.stack([torch.randn(m, d, generator=g, dtype=torch.float64) for g in inits])
    a = torch.stack([torch.randn(m, generator=g, dtype=torch.float64) for g in inits])
    networks = TwoLayerNetworks(*to_compute_device(W / math.sqrt(d), a / math.sqrt(m)))
    steps, batch = samples // recipe.batch_size, recipe.batch_size
    if steps:
        # Each seed's points drawn at once: the same values as one draw a step (the stream
        # ``sgd-train`` yields them in order); the ±1 points are exact in int8, staged on the
        # device before the loop and widened there a step at a time.
        drawn = [
            cube.sample(steps * batch, torch_generator(seed, "sgd-train"), torch.int8)
            for seed in seeds
        ]
        xs, ys = stage_on_device(
            torch.stack([x for x, _ in drawn]).reshape(len(seeds), steps, batch, d).transpose(0, 1),
            torch.stack([y for _, y in drawn]).reshape(len(seeds), steps, batch).transpose(0, 1),
        )
        networks = minibatch_sgd_steps(networks, xs, ys, recipe.learning_rate)
    return to_host(networks)


def minibatch_sgd_steps(
    networks: TwoLayerNetworks, xs: torch.Tensor, ys: torch.Tensor, learning_rate: float
) -> TwoLayerNetworks:
    """One SGD step per batch, ``(W, a) ← (W, a) − η·(∂W, ∂a)`` on batch ``t`` of
    ``xs [T, k, B, d]``, ``ys [T, k, B]`` (on the networks' device, widened to their dtype a
    step at a time; nothing read back)."""
    W, a = networks.W, networks.a
    for x, y in zip(xs, ys, strict=True):
        x, y = x.to(W.dtype), y.to(W.dtype)
        grad_W, grad_a = logistic_gradients(TwoLayerNetworks(W, a), x, y)
        W, a = W - learning_rate * grad_W, a - learning_rate * grad_a
    return TwoLayerNetworks(W, a)


def cube_test_error(
    networks: TwoLayerNetworks, cube: XorCube, test_size: int, seeds: Sequence[int]
) -> np.ndarray:
    """Per seed, the 0-1 error on ``test_size`` fresh points (stream ``sgd-test``); a non-finite
    score counts as an error."""
    tests = [
        cube.sample(test_size, torch_generator(seed, "sgd-test"), torch.float64) for seed in seeds
    ]
    x = torch.stack([t[0] for t in tests])
    y = torch.stack([t[1] for t in tests])
    scores = networks(x)
    return (zero_one_errors(scores * y) | ~torch.isfinite(scores)).double().mean(-1).numpy()
