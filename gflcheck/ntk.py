"""Neural-tangent quantities at initialisation (Taheri–Thrampoulidis–Mazumdar, THEORY.md §2.1).

- Jacobian features ``φ_i = ∇_W f(W₀; x_i)`` (``torch.func.jacrev``, vmapped over the points);
- the NTK margin ``γ = max_{‖W̄‖=1} min_i y_i⟨φ_i, W̄⟩`` and its direction ``W̄``, from the hard-margin
  SVM without bias, solved in the dual ``max_{α≥0} Σα_i − ½ αᵀKα`` (``K_ij = y_iy_j⟨φ_i, φ_j⟩``) by
  L-BFGS-B. Both sides are certified: ``w = Σ α_i y_i φ_i`` gives ``γ ≥ min_i y_i⟨φ_i, w⟩/‖w‖``, and
  weak duality gives ``γ ≤ 1/√(2·D(α))``; their difference is the reported optimality gap;
- the Lipschitz constant ``G₀ = max_i ‖φ_i‖`` over the sample (``ours``: over the training points);
- the reference point ``w* = w₀ + c·W̄`` and ``ρ* = max{‖w* − w₀‖, √(ηT F̂(w*)), √(η F̂(w₀))}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from scipy import optimize

from gflcheck.deep_networks import DeepNetwork, empirical_risk, network_output
from gflcheck.errors import PreconditionError


class NotSeparableError(PreconditionError, ValueError):
    """The sample is not (certifiably) separable by the NTK features, where the theorem assumes it."""

    def __init__(self, detail: str) -> None:
        super().__init__("NTK-separable sample", detail)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return type(self), (self.detail,)


def jacobian_features(network: DeepNetwork, run: int, x: torch.Tensor) -> torch.Tensor:
    """``φ_i = ∇_W f(W₀; x_i)`` for run ``run``: ``[n, P]`` (parameters in ``DeepNetwork.flat`` order)."""
    parameters = tuple(p[run] for p in network.parameters)

    def output(params: tuple[torch.Tensor, ...], point: torch.Tensor) -> torch.Tensor:
        return network_output(params, point[None])[0]

    jacobians = torch.func.vmap(torch.func.jacrev(output), in_dims=(None, 0))(parameters, x)
    return torch.cat([j.reshape(x.shape[0], -1) for j in jacobians], 1)


@dataclass(frozen=True)
class MaxMarginSolution:
    """``γ ∈ [gamma_lower, gamma_upper]`` (certified), direction ``W̄`` (unit, ``[P]``), solver record."""

    gamma_lower: float
    gamma_upper: float
    direction: torch.Tensor
    dual: np.ndarray
    iterations: int
    message: str

    @property
    def gamma(self) -> float:
        """The certified lower bound (the margin ``W̄`` actually attains)."""
        return self.gamma_lower

    @property
    def optimality_gap(self) -> float:
        """``gamma_upper − gamma_lower`` ≥ 0."""
        return self.gamma_upper - self.gamma_lower


def max_margin(
    features: torch.Tensor, labels: torch.Tensor, tolerance: float = 1e-12
) -> MaxMarginSolution:
    """The hard-margin SVM (no bias) on ``features [n, P]``, labels ±1; see the module docstring.

    Raises :class:`NotSeparableError` when no positive margin is certified.
    """
    signed = (features * labels[:, None]).double()
    gram = (signed @ signed.T).numpy()
    n = gram.shape[0]

    def negative_dual(alpha: np.ndarray) -> tuple[float, np.ndarray]:
        k_alpha = gram @ alpha
        return -(alpha.sum() - 0.5 * alpha @ k_alpha), -(1.0 - k_alpha)

    result = optimize.minimize(
        negative_dual,
        np.zeros(n),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, None)] * n,
        options={"maxiter": 20_000, "ftol": tolerance, "gtol": 1e-10},
    )
    alpha = result.x
    dual_value = -float(result.fun)
    w = torch.as_tensor(alpha) @ signed
    norm = float(w.norm())
    lower = float((signed @ w).min()) / norm if norm > 0 else -math.inf
    if not (lower > 0 and dual_value > 0 and math.isfinite(dual_value)):
        raise NotSeparableError(
            f"the sample is not separable by the NTK features: certified margin {lower:.3g} ≤ 0 "
            f"(dual value {dual_value:.3g}; {result.message})"
        )
    return MaxMarginSolution(
        gamma_lower=lower,
        gamma_upper=1.0 / math.sqrt(2.0 * dual_value),
        direction=w / norm,
        dual=alpha,
        iterations=int(result.nit),
        message=str(result.message),
    )


def lipschitz_constant(features: torch.Tensor) -> float:
    """``G₀ = max_i ‖∇_W f(W₀; x_i)‖`` over the given points."""
    return float(features.norm(dim=1).max())


def step_size_limit(lipschitz: float) -> float:
    """``1/(G₀² + ¼)``: the secondary bounds need ``η`` below this."""
    return 1.0 / (lipschitz**2 + 0.25)


def shifted(network: DeepNetwork, run: int, direction: torch.Tensor, scale: float) -> DeepNetwork:
    """Run ``run`` of ``network`` moved to ``w₀ + scale·W̄`` (``k = 1``)."""
    pieces, start = [], 0
    for parameter in network.parameters:
        size = parameter[run].numel()
        moved = parameter[run] + scale * direction[start : start + size].reshape(
            parameter[run].shape
        )
        pieces.append(moved[None].to(parameter.dtype))
        start += size
    return DeepNetwork(tuple(pieces[:-1]), pieces[-1])


def reference_risks(
    network: DeepNetwork,
    run: int,
    solution: MaxMarginSolution,
    x: torch.Tensor,
    y: torch.Tensor,
    scales: Sequence[float],
) -> tuple[float, np.ndarray]:
    """``F̂(w₀)`` and ``F̂(w₀ + c·W̄)`` for every ``c`` in ``scales`` (run ``run``)."""
    initial = float(empirical_risk(network.select(run), x, y)[0])
    moved = np.array(
        [
            float(empirical_risk(shifted(network, run, solution.direction, c), x, y)[0])
            for c in scales
        ]
    )
    return initial, moved


def reference_rho(
    scales: np.ndarray, initial_risk: float, risks: np.ndarray, eta: float, steps: np.ndarray
) -> np.ndarray:
    """``ρ*(c, t) = max{c, √(ηt F̂(w*_c)), √(η F̂(w₀))}``, shape ``[len(scales), len(steps)]``."""
    return np.maximum.reduce(
        [
            np.broadcast_to(scales[:, None], (len(scales), len(steps))),
            np.sqrt(eta * steps[None, :] * risks[:, None]),
            np.full((len(scales), len(steps)), math.sqrt(eta * initial_risk)),
        ]
    )
