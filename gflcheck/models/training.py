"""Algorithm 1 of Shi–Wei–Liang (NeurIPS 2023), batched over seeds.

Outline (``secondary``) with our constants (``ours``), docs/setups.md §1.2:

1. symmetric initialisation (``f ≡ 0``), biases fixed throughout;
2. step 1 on the empirical hinge loss with rate ``η¹`` and weight decay ``λ¹ = 1/η¹`` on the first
   layer, so that ``w_i¹ = (1 − η¹λ¹)w_i⁰ + η¹ a_i Ĝ(w_i⁰, b_i) = η¹ a_i Ĝ(w_i⁰, b_i)``: each neuron
   becomes its (empirical) gradient feature; output weights stay at their initial values;
3. steps ``2..T`` with rate ``η`` and weight decay ``λ`` on both layers.

Each step draws a fresh sample by default (online), or reuses one fixed sample (``fresh_samples``
off). The hinge-loss gradients are written out (``∂ℓ/∂f = −y·1[yf < 1]/n``) and computed with
batched matrix products over the ``k`` runs; ``tests/test_training.py`` checks them against autograd.

Because step ``t+1``'s fresh sample is independent of ``f_t``, the loss on it (computed anyway for
the gradient) is an unbiased estimate of ``L_D(f_t)``: the run records it for every step.

Given ``E‖x‖``, the run also records a deterministic bound on how far each step moves the function:

    E|f_{t+1}(x) − f_t(x)| ≤ Σ_i |Δa_i|·(‖w_i‖·E‖x‖ + |b_i|) + |a_i'|·‖Δw_i‖·E‖x‖,

(ReLU is 1-Lipschitz and ``|ReLU(⟨w,x⟩ − b)| ≤ ‖w‖‖x‖ + |b|``). Since the hinge loss is 1-Lipschitz,
it bounds ``|L_D(f_{t+1}) − L_D(f_t)|``, which lets checkpoint estimates cover the steps between them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import torch

from gflcheck.core.estimators import zero_one_errors
from gflcheck.core.provenance import GFL_PAPER, Provenance, Tag
from gflcheck.models.networks import InitializationLaw, TwoLayerReLU, symmetric_initialization
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.devices import compute_device, stage_on_device, to_host
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_non_negative,
    require_positive,
    require_positive_int,
)

# Fresh samples are drawn for this many steps at a time; a constant, so streams are reproducible.
_SAMPLE_CHUNK_STEPS = 16

GRADIENT_BLOCK = 2**18
"""Hidden units per block of runs in a gradient step on the CPU (1 MiB in float32, within a
core's cache)."""

ACCELERATOR_GRADIENT_BLOCK = 2**27
"""Hidden units per block on any other device (512 MiB in float32): there each block costs
kernel launches, not cache misses, so a step of the suite's sizes takes all its runs at once
(the near-noise shape, 51 runs × 4096 × 108 units, would be about 90 blocks at the CPU's
size, each several kernels)."""


def gradient_block(device: torch.device) -> int:
    """Hidden units per block of runs on ``device``: :data:`GRADIENT_BLOCK` on the CPU,
    :data:`ACCELERATOR_GRADIENT_BLOCK` elsewhere. Each run's products are the same whatever its
    block."""
    return GRADIENT_BLOCK if device.type == "cpu" else ACCELERATOR_GRADIENT_BLOCK


def runs_per_block(runs: int, batch: int, width: int, device: torch.device) -> int:
    """How many of ``runs`` runs a gradient step takes at once: as many ``[batch, width]`` hidden
    layers as fit in :func:`gradient_block` units, at least one, at most all."""
    return min(runs, max(1, gradient_block(device) // (batch * width)))


class LabelledSampler(Protocol):
    """Anything with ``sample(n, generator, dtype) -> (x [n, d], y [n])`` and a ``dimension``."""

    @property
    def dimension(self) -> int: ...

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = ...
    ) -> tuple[torch.Tensor, torch.Tensor]: ...


@dataclass(frozen=True)
class Recipe:
    """A named hyper-parameter recipe for Algorithm 1 (the theorem's "proper hyper-parameters").

    ``first_step_weight_decay`` defaults to ``1/first_step_rate``, as the algorithm prescribes.
    """

    name: str
    initialization: InitializationLaw
    first_step_rate: float
    learning_rate: float
    weight_decay: float
    fresh_samples: bool = True
    first_step_weight_decay: float | None = None
    description: str = ""
    provenance: Provenance = field(
        default_factory=lambda: Provenance(GFL_PAPER, "Algorithm 1 (constants)", Tag.OURS)
    )

    def __post_init__(self) -> None:
        require_positive("first_step_rate", self.first_step_rate, self.name)
        require_positive("learning_rate", self.learning_rate, self.name)
        require_non_negative("weight_decay", self.weight_decay, self.name)
        if self.first_step_weight_decay is None:
            object.__setattr__(self, "first_step_weight_decay", 1.0 / self.first_step_rate)
        require_non_negative("first_step_weight_decay", self.first_step_weight_decay, self.name)

    def with_first_step_boost(self, factor: float, name: str) -> Recipe:
        """This recipe with ``η¹`` multiplied by ``factor`` and ``λ¹ = 1/η¹`` kept, so that the
        first-step neurons ``η¹ a_i Ĝ_i`` are ``factor`` times longer (long enough to cross
        their biases, where the plain recipe leaves them short)."""
        require_positive("factor", factor, "Recipe.with_first_step_boost")
        rate = self.first_step_rate * factor
        return replace(
            self,
            name=name,
            first_step_rate=rate,
            first_step_weight_decay=1.0 / rate,
            description=f"{self.description}; η¹ × {factor:g}",
        )


def first_layer_law(dimension: int) -> InitializationLaw:
    """The ``(𝒲, ℬ)`` of the Gaussian-mixture recipe: ``w ~ N(0, I_d/d)``, ``b ~ N(0, 1)``.

    Gradient-feature hit rates depend on this law only (``σ_a`` is set with the width)."""
    require_positive_int("dimension", dimension, "first_layer_law")
    return InitializationLaw(sigma_a=0.0, sigma_w=1.0 / math.sqrt(dimension), sigma_b=1.0)


def gaussian_mixture_recipe(
    dimension: int,
    width: int,
    expected_norm: float,
    expected_squared_norm: float,
    fresh_samples: bool = True,
) -> Recipe:
    """The documented recipe for Gaussian mixtures (``ours``).

    - ``σ_w = 1/√d``, ``σ_b = 1``;
    - ``σ_a = 0.05/(m·(B_x1 + 0.4σ_b))``: output weights start small, so that after step 1
      ``E|f_1(x)| ≤ (B_x1/σ_a)Σa_i² + Σ|a_i|(−b_i)_+ ≈ 0.05`` (with ``η¹`` below and
      ``‖Ĝ‖ ≤ B_x1``). A fixed ``σ_a = 0.01`` let one step already fit the data at ``m ≈ 60``;
    - ``η¹ = 1/(σ_a·B_x1)``, ``λ¹ = 1/η¹``: the first-step neurons ``η¹ a_i Ĝ_i`` have norm
      ``(|a_i|/σ_a)·‖Ĝ_i‖/B_x1``, independent of ``σ_a``;
    - ``η = 1/B_x2`` (the hinge loss's curvature in ``a`` scales like ``B_x2``), ``λ = 10⁻⁴``.
      ``η = 8/B_x2`` was tried first and oscillated on overlapping clusters.
    """
    require_positive_int("dimension", dimension, "gaussian_mixture_recipe")
    require_positive_int("width", width, "gaussian_mixture_recipe")
    require_positive("expected_norm", expected_norm, "gaussian_mixture_recipe")
    require_positive("expected_squared_norm", expected_squared_norm, "gaussian_mixture_recipe")
    law = first_layer_law(dimension)
    sigma_a = 0.05 / (width * (expected_norm + 0.4 * law.sigma_b))
    return Recipe(
        name="gaussian-mixture-v3",
        initialization=replace(law, sigma_a=sigma_a),
        first_step_rate=1.0 / (sigma_a * expected_norm),
        learning_rate=1.0 / expected_squared_norm,
        weight_decay=1e-4,
        fresh_samples=fresh_samples,
        description=(
            "σ_a=0.05/(m(B_x1+0.4)), σ_w=1/√d, σ_b=1, η¹=1/(σ_a·B_x1), λ¹=1/η¹, η=1/B_x2, λ=1e-4"
        ),
    )


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """What Algorithm 1 produced for ``k`` seeds.

    ``online_loss_mean``/``online_loss_std``/``online_error`` are ``[k, T+1]``: entry ``t`` is the
    hinge loss mean, its sample standard deviation, and the 0-1 error (a tie counts as an error:
    :data:`~gflcheck.core.estimators.TIE_MARGIN`)
    of ``f_t`` on a sample of ``batch_size`` points. With fresh samples that sample is independent of
    ``f_t``; with a reused sample it is the training sample. ``diverged_at[i]`` is the first step
    ``t`` at which run ``i`` had a non-finite loss or parameter, or −1. Entries from a diverged step
    on are NaN: a divergence is a recorded outcome, not an error. ``function_drift`` (``[k, T]``,
    when ``E‖x‖`` was given) bounds ``E|f_{t+1}(x) − f_t(x)|`` in column ``t``.
    """

    recipe: Recipe
    seeds: tuple[int, ...]
    width: int
    steps: int
    batch_size: int
    initial: TwoLayerReLU
    final: TwoLayerReLU
    checkpoints: dict[int, TwoLayerReLU]
    online_loss_mean: torch.Tensor
    online_loss_std: torch.Tensor
    online_error: torch.Tensor
    diverged_at: torch.Tensor
    function_drift: torch.Tensor | None = None

    @property
    def diverged(self) -> torch.Tensor:
        """``[k]`` booleans."""
        return self.diverged_at >= 0


def hinge_loss_gradients(
    network: TwoLayerReLU,
    x: torch.Tensor,
    y: torch.Tensor,
    workspace: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Margins ``y·f(x)`` and the gradients of the empirical hinge loss ``(1/n)Σ max(0, 1 − y f(x))``.

    Returns ``(margins [k, n], grad_a [k, m], grad_W [k, m, d])``. With ``g = ∂L̂/∂f = −y·1[yf<1]/n``:
    ``∂L̂/∂a_i = Σ_n g·ReLU(⟨w_i,x⟩−b_i)`` and ``∂L̂/∂w_i = Σ_n g·a_i·1[⟨w_i,x⟩ > b_i]·x``.

    The runs are taken in blocks whose hidden layer fits in :func:`gradient_block` numbers (on
    the CPU a core's cache), each computed in ``workspace`` (a ``[k', n, m]`` buffer with ``k'`` at least
    the block, overwritten): the same products per run, 1.5–2× faster than one ``[k, n, m]``
    tensor streamed through memory several times (``bench/bench_trainer.py``).
    """
    k, n, m = network.runs, y.shape[-1], network.width
    block = runs_per_block(k, n, m, network.W.device)
    if workspace is None or workspace.shape[0] < block:
        workspace = torch.empty((block, n, m), dtype=network.W.dtype, device=network.W.device)
    margins = torch.empty((k, n), dtype=network.W.dtype, device=network.W.device)
    grad_a = torch.empty((k, m), dtype=network.W.dtype, device=network.W.device)
    # Stored [k, d, m] and returned as its [k, m, d] transpose (see _block_gradients).
    grad_W = torch.empty(
        (k, network.dimension, m), dtype=network.W.dtype, device=network.W.device
    ).transpose(1, 2)
    x = x.to(network.W.dtype)
    if x.ndim == 2:  # one sample shared by every run
        x = x.expand(k, *x.shape)
    for start in range(0, k, block):
        runs = slice(start, min(k, start + block))
        part = TwoLayerReLU(network.a[runs], network.W[runs], network.b[runs])
        _block_gradients(
            part,
            x[runs],
            y[runs],
            workspace[: runs.stop - start],
            (margins[runs], grad_a[runs], grad_W[runs]),
        )
    return margins, grad_a, grad_W


def _block_gradients(
    network: TwoLayerReLU,
    x: torch.Tensor,
    y: torch.Tensor,
    workspace: torch.Tensor,
    out: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
) -> None:
    """:func:`hinge_loss_gradients` of a block of runs, written into ``out``."""
    margins, grad_a, grad_W = out
    hidden = network.preactivations(x, out=workspace).clamp_min_(0)  # [k, n, m], ReLU in place
    torch.mul(y, torch.bmm(hidden, network.a[:, :, None]).squeeze(-1), out=margins)
    g = torch.where(margins < 1, -y, torch.zeros_like(y)) / y.shape[-1]  # [k, n]
    torch.bmm(g[:, None, :], hidden, out=grad_a[:, None, :])
    # a_i factors out of ∂L̂/∂w_i, and g_j out of the sum's terms: Σ_j 1[hidden_ji > 0]·(g_j x_j),
    # then each row i times a_i. The [n, d] points are scaled by g, not the [n, m] indicators
    # (the same products: 1[·]·g is exact). It is formed as its transpose (g∘x)ᵀ·1[hidden > 0],
    # [d, m]: with d small the BLAS runs the [m, n]·[n, d] product 2–7× slower than
    # [d, n]·[n, m] (4.3× at n = 4096, m = 108, d = 6; bench/README.md). The sums' order is the
    # BLAS's, so the last bits differ from the other layout's.
    active = hidden.sign_()  # in place: hidden is not needed again
    torch.bmm((x * g[:, :, None]).transpose(1, 2), active, out=grad_W.transpose(1, 2))
    grad_W.mul_(network.a[:, :, None])


def algorithm_1_step(
    network: TwoLayerReLU, x: torch.Tensor, y: torch.Tensor, recipe: Recipe, first: bool
) -> TwoLayerReLU:
    """One step of Algorithm 1 on the sample ``(x, y)``: the first step, or a later one.

    First step: ``W ← (1 − η¹λ¹)W − η¹∇_W L̂`` with ``a`` unchanged. Later steps:
    ``a ← (1 − ηλ)a − η∇_a L̂`` and ``W ← (1 − ηλ)W − η∇_W L̂``. Biases never change.
    """
    _, grad_a, grad_W = hinge_loss_gradients(network, x, y)
    a, W = _updated(recipe, first, network.a, network.W, grad_a, grad_W)
    return TwoLayerReLU(a, W, network.b)


def _updated(
    recipe: Recipe,
    first: bool,
    a: torch.Tensor,
    W: torch.Tensor,
    grad_a: torch.Tensor,
    grad_W: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    if first:
        rate, decay = recipe.first_step_rate, recipe.first_step_weight_decay
        return a, (1 - rate * decay) * W - rate * grad_W
    rate, decay = recipe.learning_rate, recipe.weight_decay
    return (1 - rate * decay) * a - rate * grad_a, (1 - rate * decay) * W - rate * grad_W


@dataclass(frozen=True, eq=False)
class PresampledBatches:
    """Training data given in advance: ``x [T+1, k, n, d]`` and ``y [T+1, k, n]``.

    Batch ``t`` is used at step ``t+1`` (and the last one only to measure ``f_T``). Use it to
    train on data drawn elsewhere, or to give two trainers exactly the same data.
    """

    x: torch.Tensor
    y: torch.Tensor

    def __post_init__(self) -> None:
        if self.x.ndim != 4 or self.y.shape != self.x.shape[:3]:
            raise ParameterRangeError(
                "x, y",
                (tuple(self.x.shape), tuple(self.y.shape)),
                "shapes [T+1, k, n, d], [T+1, k, n]",
            )

    @property
    def dimension(self) -> int:
        """``d``."""
        return int(self.x.shape[3])


def fresh_batches(
    distribution: LabelledSampler,
    seeds: Sequence[int],
    batch_size: int,
    steps: int,
    dtype: torch.dtype = torch.float32,
) -> PresampledBatches:
    """The ``steps + 1`` fresh batches that :func:`train_algorithm_1` draws for ``seeds`` (the same
    streams, the same values), drawn in advance: ``x [T+1, k, n, d]``, ``y [T+1, k, n]``. A seed's
    batches do not depend on the width, so runs of one seed at several widths can share them."""
    require_positive_int("steps", steps, "fresh_batches")
    require_positive_int("batch_size", batch_size, "fresh_batches")
    seeds = tuple(int(s) for s in seeds)
    stream = _BatchStream(distribution, seeds, batch_size, True, dtype, torch.device("cpu"))
    xs, ys = zip(*(stream.next() for _ in range(steps + 1)), strict=True)
    return PresampledBatches(torch.stack(xs), torch.stack(ys))


@cached_run
def train_algorithm_1(
    distribution: LabelledSampler | PresampledBatches,
    recipe: Recipe,
    width: int,
    steps: int,
    batch_size: int,
    seeds: Sequence[int],
    checkpoint_steps: Iterable[int] = (),
    dtype: torch.dtype = torch.float32,
    expected_input_norm: float | None = None,
    neurons: Sequence[Sequence[int]] | None = None,
) -> TrainingRun:
    """Train ``len(seeds)`` networks of width ``width`` for ``steps`` steps of Algorithm 1, at once.

    ``checkpoint_steps`` (subset of ``1..steps``) are the steps after which a copy of the parameters
    is kept. Run ``i`` draws only from streams of ``seeds[i]``. ``distribution`` is sampled from
    (fresh each step or one reused sample, per ``recipe.fresh_samples``), or is
    :class:`PresampledBatches` holding one batch per step. With ``expected_input_norm`` (``E‖x‖``)
    the per-step function drift bound is recorded. With ``neurons`` (per seed, the same number of
    indices into ``0..width−1``) only those neurons of each seed's width-``width`` initialisation
    are trained, on the same batches: a subnetwork (a lottery ticket) trained alone.
    """
    require_positive_int("steps", steps, "train_algorithm_1")
    require_positive_int("batch_size", batch_size, "train_algorithm_1")
    checkpoint_set = sorted(set(checkpoint_steps))
    if checkpoint_set and not (checkpoint_set[0] >= 1 and checkpoint_set[-1] <= steps):
        raise ParameterRangeError("checkpoint_steps", checkpoint_set, f"steps in 1..{steps}")
    seeds = tuple(int(s) for s in seeds)
    initial = symmetric_initialization(
        recipe.initialization, width, distribution.dimension, seeds, dtype
    )
    if neurons is not None:
        initial = _subnetwork(initial, neurons)
    device = compute_device()
    if isinstance(distribution, PresampledBatches):
        expected = (steps + 1, len(seeds), batch_size)
        if tuple(distribution.y.shape) != expected:
            raise ParameterRangeError(
                "batches", tuple(distribution.y.shape), f"y of shape {expected}"
            )
        # Staged on the device before the loop, converted a step at a time there: the batches
        # may be stored narrower (±1 points as int8).
        xs, ys = stage_on_device(distribution.x, distribution.y, device=device)
        given = ((x.to(dtype), y.to(dtype)) for x, y in zip(xs, ys, strict=True))
        data = _GivenBatches(given)
    else:
        data = _BatchStream(distribution, seeds, batch_size, recipe.fresh_samples, dtype, device)
    k = len(seeds)
    loss_mean = torch.full((k, steps + 1), math.nan, dtype=torch.float64, device=device)
    loss_std = torch.full_like(loss_mean, math.nan)
    error = torch.full_like(loss_mean, math.nan)
    # Row t: one float64 number per run, finite exactly when the run's step-t margins and
    # parameters are (see _finiteness_screen); read once, after the last step.
    screen = torch.empty((steps + 1, k), dtype=torch.float64, device=device)
    drift = (
        None
        if expected_input_norm is None
        else torch.zeros((k, steps), dtype=torch.float64, device=device)
    )
    a, W, b = (p.to(device, copy=True) for p in (initial.a, initial.W, initial.b))
    checkpoints: dict[int, TwoLayerReLU] = {}
    block = runs_per_block(k, batch_size, initial.width, device)
    workspace = torch.empty((block, batch_size, initial.width), dtype=dtype, device=device)
    for t in range(steps + 1):
        x, y = data.next()
        network = TwoLayerReLU(a, W, b)
        margins, grad_a, grad_W = hinge_loss_gradients(network, x, y, workspace)
        _record(t, margins, network, loss_mean, loss_std, error, screen[t])
        if t == steps:
            break
        new_a, new_W = _updated(recipe, t == 0, a, W, grad_a, grad_W)
        if drift is not None:
            drift[:, t] = _function_drift(a, W, b, new_a, new_W, expected_input_norm)
        a, W = new_a, new_W
        if t + 1 in checkpoint_set:
            checkpoints[t + 1] = TwoLayerReLU(a.clone(), W.clone(), b.clone())
    diverged_at = _first_divergence(screen, (loss_mean, loss_std, error))
    return to_host(
        TrainingRun(
            recipe=recipe,
            seeds=seeds,
            width=initial.width,
            steps=steps,
            batch_size=batch_size,
            initial=initial,
            final=TwoLayerReLU(a, W, b),
            checkpoints=checkpoints,
            online_loss_mean=loss_mean,
            online_loss_std=loss_std,
            online_error=error,
            diverged_at=diverged_at,
            function_drift=drift,
        )
    )


def _subnetwork(network: TwoLayerReLU, neurons: Sequence[Sequence[int]]) -> TwoLayerReLU:
    """Neurons ``neurons[i]`` of run ``i`` (every run keeps the same number)."""
    index = torch.as_tensor([list(row) for row in neurons], dtype=torch.long)
    if index.ndim != 2 or index.shape[0] != network.runs or index.shape[1] < 1:
        raise ParameterRangeError(
            "neurons", tuple(index.shape), f"[{network.runs}, s] indices, the same s ≥ 1 per seed"
        )
    if bool((index < 0).any()) or bool((index >= network.width).any()):
        raise ParameterRangeError("neurons", "out of range", f"indices in [0, {network.width})")
    return TwoLayerReLU(
        network.a.gather(1, index),
        network.W.gather(1, index[..., None].expand(-1, -1, network.dimension)),
        network.b.gather(1, index),
    )


def _function_drift(
    a: torch.Tensor,
    W: torch.Tensor,
    b: torch.Tensor,
    new_a: torch.Tensor,
    new_W: torch.Tensor,
    expected_input_norm: float,
) -> torch.Tensor:
    """``Σ_i |Δa_i|(‖w_i‖E‖x‖ + |b_i|) + |a_i'|·‖Δw_i‖·E‖x‖`` per run (see the module docstring)."""
    output_change = (new_a - a).abs() * (W.norm(dim=-1) * expected_input_norm + b.abs())
    input_change = new_a.abs() * (new_W - W).norm(dim=-1) * expected_input_norm
    return (output_change + input_change).sum(-1).double()


def _record(
    t: int,
    margins: torch.Tensor,
    network: TwoLayerReLU,
    loss_mean: torch.Tensor,
    loss_std: torch.Tensor,
    error: torch.Tensor,
    screen: torch.Tensor,
) -> None:
    """Store step ``t``'s hinge loss and 0-1 error per run, and in ``screen`` (``[k]``) a number
    per run that is finite exactly when its margins and parameters are. Nothing is read back to
    the host, so on a GPU the steps queue without waiting; :func:`_first_divergence` reads the
    screens once, after the last step. Per-run sums, not ``isfinite`` passes: one reduction per
    tensor (three ``isfinite`` passes and a host read a step were 7% of the parity walk's profile)."""
    torch.add(_finiteness_screen(margins, (1,)), _finiteness_screen(network.a, (1,)), out=screen)
    screen.add_(_finiteness_screen(network.W, (1, 2)))
    losses = (1 - margins).clamp_min_(0)
    loss_std[:, t], loss_mean[:, t] = torch.std_mean(losses, dim=1)
    error[:, t] = zero_one_errors(margins).mean(1, dtype=margins.dtype)


def _finiteness_screen(tensor: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """Per run (``dims``: the axes within a run), a float64 sum that is finite exactly when every
    entry is: a NaN or ±inf entry makes it NaN or ±inf, and finite entries cannot overflow it,
    nor the sum of three such screens (float64's largest number is 1.8·10³⁰⁸). float32 numbers
    (at most 3.4·10³⁸) summed in float64 stay far below it however many there are (2⁶³ of them:
    3·10⁵⁷); float64 numbers are first scaled by 2⁻⁷⁰, which keeps ±inf and NaN, and 2⁶³ of
    them then sum to at most 1.4·10³⁰⁶."""
    if tensor.dtype == torch.float64:
        tensor = tensor * 2.0**-70
    return tensor.sum(dims, dtype=torch.float64)


def _first_divergence(screen: torch.Tensor, records: Sequence[torch.Tensor]) -> torch.Tensor:
    """``diverged_at`` (``[k]``: the first step whose screen is not finite, or −1) from the
    screens ``[T+1, k]``; each record ``[k, T+1]`` is set to NaN from a run's divergence on."""
    bad = ~torch.isfinite(screen).T  # [k, T+1]
    dead = bad.cummax(dim=1).values  # from the first non-finite step on
    for record in records:
        record.masked_fill_(dead, math.nan)
    first = bad.to(torch.uint8).argmax(dim=1)
    return torch.where(dead[:, -1], first, -1)


class _GivenBatches:
    def __init__(self, batches) -> None:
        self._batches = batches

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        return next(self._batches)


class _BatchStream:
    """Per-seed training samples: fresh each step (drawn in fixed chunks) or one reused sample,
    drawn on the CPU from each seed's generator and staged on ``device`` a chunk at a time
    (:func:`~gflcheck.runtime.devices.stage_on_device`: one copy of ``x`` and of ``y`` per 16
    steps, which never waits)."""

    def __init__(
        self,
        distribution: LabelledSampler,
        seeds: tuple[int, ...],
        batch_size: int,
        fresh: bool,
        dtype: torch.dtype,
        device: torch.device,
    ) -> None:
        self._distribution = distribution
        self._device = device
        self._generators = [torch_generator(seed, "train") for seed in seeds]
        self._n = batch_size
        self._fresh = fresh
        self._dtype = dtype
        self._chunk: tuple[torch.Tensor, torch.Tensor] | None = None
        self._position = 0
        if not fresh:
            self._chunk = self._draw(1)

    def _draw(self, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = zip(
            *(self._distribution.sample(self._n * steps, g, self._dtype) for g in self._generators),
            strict=True,
        )
        k = len(xs)
        x = torch.stack(xs).reshape(k, steps, self._n, -1).transpose(0, 1)
        y = torch.stack(ys).reshape(k, steps, self._n).transpose(0, 1)
        return stage_on_device(x, y, device=self._device)

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        if not self._fresh:
            assert self._chunk is not None
            return self._chunk[0][0], self._chunk[1][0]
        if self._chunk is None or self._position == _SAMPLE_CHUNK_STEPS:
            self._chunk = self._draw(_SAMPLE_CHUNK_STEPS)
            self._position = 0
        x, y = self._chunk[0][self._position], self._chunk[1][self._position]
        self._position += 1
        return x, y
