"""Explicit members of the gradient-feature-induced class ``F_{d,r,B_F,S}`` and OPT upper bounds.

``OPT_{d,r,B_F,S} = min_{f ∈ F_{d,r,B_F,S}} L_D(f)`` cannot be computed; any feasible ``f°`` gives
``OPT ≤ L_D(f°)``, and an upper confidence bound on ``L_D(f°)`` from a fresh sample keeps the check
sound (docs/setups.md §1.3): if the theorem holds, ``L(f_t) ≤ OPT + … ≤ L(f°) + …``.

For a Gaussian mixture (``ours``): one neuron per cluster, ``w_j = μ_j/‖μ_j‖`` (the cluster's unit
direction ``D_j``), bias ``b_j = τ‖μ_j‖ > 0`` (sign ``s_j = +1``), output weight
``a_j = y_j/((1−τ) min_k ‖μ_k‖)``, so the cluster centre has margin ≥ 1. ``B_a1`` is that output
scale and bounds ``|a_j|``. The output weights may then be refit, within ``|a_j| ≤ B_a1``, by
minimising the empirical hinge loss, a linear programme (hinge loss is convex in ``a``).

For linear data with a margin (``ours``): two neurons ``±u`` (:func:`linear_margin_ground_truth`).
For a two-index model (``ours``): one neuron per sector of the link, in the index plane
(:func:`multiple_index_ground_truth`).
For structured parity (``ours``): ``k + 1`` neurons on ``Σ_{j∈A} x_j`` with staircase biases, fitting
the parity exactly (:func:`structured_parity_ground_truth`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from scipy import optimize, sparse

from gflcheck.core.estimators import IntervalEstimate, hinge_loss_estimate
from gflcheck.models.distributions.gaussian_mixture import GaussianMixture
from gflcheck.models.distributions.linear_margin import LinearMargin
from gflcheck.models.distributions.multiple_index import MultipleIndex
from gflcheck.models.distributions.structured_parity import StructuredParity
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.runtime.errors import GflcheckError, ParameterRangeError
from gflcheck.runtime.validation import require_open_unit_interval, require_positive_int


@dataclass(frozen=True, eq=False)
class GroundTruthNetwork:
    """A width-``r`` member ``f°`` of ``F_{d,r,B_F,S}`` and its norms.

    ``directions`` (unit rows) and ``signs`` are the ``(D_j, s_j)`` that must lie in ``S``;
    ``output_weight_bound`` is ``B_a1`` (``|a_j| ≤ B_a1``).
    """

    network: TwoLayerReLU
    directions: torch.Tensor
    signs: torch.Tensor
    output_weight_bound: float
    construction: str

    @property
    def width(self) -> int:
        """``r``."""
        return self.network.width

    @property
    def output_weight_norm(self) -> float:
        """``B_a2 = ‖a‖₂`` bound: ``√r·B_a1`` (holds for every refit inside the box)."""
        return math.sqrt(self.width) * self.output_weight_bound

    @property
    def bias_bound(self) -> float:
        """``B_b = max_j |b_j|``."""
        return float(self.network.b.abs().max())


def gaussian_mixture_ground_truth(
    mixture: GaussianMixture, bias_fraction: float = 0.25
) -> GroundTruthNetwork:
    """The one-neuron-per-cluster member ``f°`` described in the module docstring (``τ`` = bias_fraction)."""
    require_open_unit_interval("bias_fraction", bias_fraction, "gaussian_mixture_ground_truth")
    radii = mixture.means.norm(dim=-1)
    if not bool(torch.all(radii > 0)):
        raise GflcheckError("every cluster mean must be non-zero to give a neuron direction")
    directions = mixture.means / radii[:, None]
    biases = bias_fraction * radii
    scale = 1.0 / ((1 - bias_fraction) * float(radii.min()))
    network = TwoLayerReLU(
        (scale * mixture.labels)[None, :], directions[None, :, :], biases[None, :]
    )
    return GroundTruthNetwork(
        network=network,
        directions=directions,
        signs=torch.ones(len(radii), dtype=torch.float64),
        output_weight_bound=scale,
        construction=(
            f"one neuron per cluster: w_j = μ_j/‖μ_j‖, b_j = {bias_fraction:g}·‖μ_j‖, "
            f"a_j = y_j·{scale:.4g}"
        ),
    )


def refit_output_weights(
    truth: GroundTruthNetwork, x: torch.Tensor, y: torch.Tensor
) -> GroundTruthNetwork:
    """Minimise the empirical hinge loss over ``a`` with ``|a_j| ≤ B_a1`` (an LP, solved by HiGHS).

    ``min_{a, ξ} (1/n) Σ ξ_i  s.t.  ξ_i ≥ 1 − y_i Σ_j a_j h_j(x_i),  ξ ≥ 0,  |a_j| ≤ B_a1``.
    """
    hidden = truth.network.preactivations(x.double()).clamp_min(0)[0].numpy()  # [n, r]
    labels = y.double().numpy()
    n, r = hidden.shape
    bound = truth.output_weight_bound
    constraints = sparse.hstack(
        [sparse.csr_matrix(-labels[:, None] * hidden), -sparse.identity(n, format="csr")]
    )
    result = optimize.linprog(
        c=np.concatenate([np.zeros(r), np.full(n, 1.0 / n)]),
        A_ub=constraints,
        b_ub=-np.ones(n),
        bounds=[(-bound, bound)] * r + [(0, None)] * n,
        method="highs",
    )
    if result.status != 0:
        raise GflcheckError(f"output-weight refit failed: {result.message}")
    a = torch.as_tensor(result.x[:r], dtype=torch.float64)[None, :]
    return replace(
        truth,
        network=TwoLayerReLU(a, truth.network.W, truth.network.b),
        construction=truth.construction + f"; a refit by LP on n={n} (|a_j| ≤ {bound:.4g})",
    )


@dataclass(frozen=True)
class OptUpperBound:
    """``OPT ≤ L_D(f°) ≤ value`` with ``value = loss.upper`` (one-sided miscoverage ``loss.miscoverage``)."""

    value: float
    loss: IntervalEstimate
    ground_truth: GroundTruthNetwork


def opt_upper_bound(
    truth: GroundTruthNetwork,
    mixture: GaussianMixture,
    evaluation_size: int,
    generator: torch.Generator,
    miscoverage: float,
    refit_size: int = 0,
) -> OptUpperBound:
    """Upper confidence bound on ``L_D(f°)``, after an optional LP refit on an independent sample.

    The refit sample (``refit_size`` points, 0 for none) is drawn before, and independently of,
    the ``evaluation_size`` points that estimate the loss.
    """
    require_positive_int("evaluation_size", evaluation_size, "opt_upper_bound")
    if refit_size:
        require_positive_int("refit_size", refit_size, "opt_upper_bound")
        x_fit, y_fit = mixture.sample(refit_size, generator, torch.float64)
        truth = refit_output_weights(truth, x_fit, y_fit)
    x, y = mixture.sample(evaluation_size, generator, torch.float64)
    loss = hinge_loss_estimate(truth.network, x, y, miscoverage)
    return OptUpperBound(value=float(loss.upper[0]), loss=loss, ground_truth=truth)


def staircase_output_weights(sparsity: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Biases ``β`` and output weights ``α`` of ``g(z) = Σ_i α_i ReLU(z − β_i)`` with
    ``g(z_j) = parity(z_j) = (−1)^{(k − z_j)/2}`` at ``z_j = −k + 2j``, ``j = 0..k``."""
    k = sparsity
    points = torch.arange(-k, k + 1, 2, dtype=torch.float64)
    biases = torch.cat([torch.tensor([-k - 1.0], dtype=torch.float64), points[:-1] + 0.5])
    design = (points[:, None] - biases[None, :]).clamp_min(0)  # [k+1, k+1], lower triangular
    parity = (-1.0) ** ((k - points) / 2)
    weights = torch.linalg.solve_triangular(design, parity[:, None], upper=False)[:, 0]
    return biases, weights


def structured_parity_ground_truth(distribution: StructuredParity) -> GroundTruthNetwork:
    """``k + 1`` neurons on the direction ``1_A/√k``, i.e. on ``z = Σ_{j∈A} x_j ∈ {−k, …, k}``,
    with the staircase biases of :func:`staircase_output_weights` (never 0, so each has a sign
    ``s_j``) and output weights with ``f(z_j) = parity(z_j)`` exactly: hinge loss 0 on every
    point, so ``OPT = 0`` (``ours``)."""
    k, d = distribution.sparsity, distribution.dimension
    biases, weights = staircase_output_weights(k)
    direction = torch.zeros(d, dtype=torch.float64)
    direction[list(distribution.support)] = 1 / math.sqrt(k)
    scale = math.sqrt(k)  # ReLU(z − β) = √k·ReLU(⟨w, x⟩ − β/√k) with w = 1_A/√k
    directions = direction.repeat(k + 1, 1)
    network = TwoLayerReLU((scale * weights)[None, :], directions[None], (biases / scale)[None, :])
    return GroundTruthNetwork(
        network=network,
        directions=directions,
        signs=torch.sign(biases),
        output_weight_bound=float((scale * weights).abs().max()),
        construction=(
            f"k+1 = {k + 1} neurons on w = 1_A/√k with staircase biases −(k+1)/√k, "
            f"(z_i + ½)/√k; a solved so that f(z_i) = parity exactly"
        ),
    )


def linear_margin_ground_truth(
    distribution: LinearMargin, bias_fraction: float = 0.25
) -> GroundTruthNetwork:
    """Two neurons ``±u`` with bias ``b = −β`` (``β = τγ₀``, so each bias has sign −1):
    ``ReLU(⟨u,x⟩ + β) − ReLU(−⟨u,x⟩ + β) = s ± β`` on ``|s| ≥ β``, so with
    ``a = ±1/(γ₀ + β)`` every point has ``y f°(x) ≥ 1``: hinge loss 0, ``OPT = 0`` (``ours``)."""
    require_open_unit_interval("bias_fraction", bias_fraction, "linear_margin_ground_truth")
    u = distribution.teacher.double()
    shift = bias_fraction * distribution.margin
    scale = 1.0 / (distribution.margin + shift)
    directions = torch.stack([u, -u])
    network = TwoLayerReLU(
        torch.tensor([[scale, -scale]], dtype=torch.float64),
        directions[None],
        torch.full((1, 2), -shift, dtype=torch.float64),
    )
    return GroundTruthNetwork(
        network=network,
        directions=directions,
        signs=-torch.ones(2, dtype=torch.float64),
        output_weight_bound=scale,
        construction=(
            f"two neurons ±u with b = −{bias_fraction:g}·γ₀ and a = ±1/(γ₀(1+{bias_fraction:g})): "
            "f°(x) = (⟨u,x⟩ ± β)/(γ₀ + β)"
        ),
    )


def multiple_index_ground_truth(
    distribution: MultipleIndex, bias: float = 0.1, output_scale: float = 2.0
) -> GroundTruthNetwork:
    """One neuron per sector of the link, in ``span(u₁, u₂)``: ``w_j = Uᵀ(cos θ_j, sin θ_j)`` at the
    sector's middle angle ``θ_j``, bias ``b_j = β > 0`` (sign +1) and ``a_j = ℓ_j·B_a1``.

    For ``y = sign(s₁s₂)`` the four neurons sit on the diagonals ``t = (s₁ ± s₂)/√2`` and
    ``f°(x) = B_a1·[(|t₁| − β)₊ − (|t₂| − β)₊]``, whose sign is ``sign(t₁² − t₂²) = sign(s₁s₂)``
    wherever ``max(|t₁|, |t₂|) > β``. The label has no margin, so ``OPT > 0``: points near the
    axes have ``|f°| < 1`` (``ours``). ``B_a1`` (``output_scale``) trades ``OPT`` against the
    bound's ``r·B_a1·B_x1·√(2γ)``; the LP refit of :func:`opt_upper_bound` then improves ``a``.
    """
    if bias <= 0:
        raise ParameterRangeError("bias", bias, "a number > 0", "multiple_index_ground_truth")
    if output_scale <= 0:
        raise ParameterRangeError(
            "output_scale", output_scale, "a number > 0", "multiple_index_ground_truth"
        )
    sectors = distribution.link.sectors()
    angles = torch.tensor([(start + end) / 2 for start, end, _ in sectors], dtype=torch.float64)
    labels = torch.tensor([float(label) for _, _, label in sectors], dtype=torch.float64)
    plane = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)  # [r, 2]
    directions = plane @ distribution.basis.double()
    r = len(sectors)
    network = TwoLayerReLU(
        (output_scale * labels)[None, :],
        directions[None],
        torch.full((1, r), bias, dtype=torch.float64),
    )
    return GroundTruthNetwork(
        network=network,
        directions=directions,
        signs=torch.ones(r, dtype=torch.float64),
        output_weight_bound=output_scale,
        construction=(
            f"{r} neurons in span(u₁, u₂), one per sector of the link {distribution.link.name} at "
            f"its middle angle, b = {bias:g}, a_j = ℓ_j·{output_scale:g}"
        ),
    )
