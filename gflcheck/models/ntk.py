"""Neural-tangent quantities at initialisation (Taheri–Thrampoulidis–Mazumdar, docs/setups.md §2.1).

- Jacobian features ``φ_i = ∇_W f(W₀; x_i)`` (``torch.func.jacrev``, vmapped over the points), and
  the tangent kernel ``K_ij = ⟨φ_i, φ_j⟩`` formed layer by layer without them
  (:func:`tangent_kernel`: memory ``O(n·m)`` rather than ``O(n·P)``, ``P ≈ L·m²``);
- the NTK margin ``γ = max_{‖W̄‖=1} min_i y_i⟨φ_i, W̄⟩`` and its direction ``W̄``, from the hard-margin
  SVM without bias, solved in the dual ``max_{α≥0} Σα_i − ½ αᵀKα`` (``K_ij = y_iy_j⟨φ_i, φ_j⟩``) by
  L-BFGS-B. Both sides are certified: ``w = Σ α_i y_i φ_i`` gives ``γ ≥ min_i y_i⟨φ_i, w⟩/‖w‖``, and
  weak duality gives ``γ ≤ 1/√(2·D(α))``; their difference is the reported optimality gap;
- the Lipschitz constant ``G₀ = max_i ‖φ_i‖`` over the sample (``ours``: over the training points);
- the reference point ``w* = w₀ + c·W̄`` and ``ρ* = max{‖w* − w₀‖, √(ηT F̂(w*)), √(η F̂(w₀))}``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from scipy import optimize

from gflcheck.models.deep_networks import DeepNetwork, empirical_risk, network_output
from gflcheck.runtime.errors import PreconditionError


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


@dataclass(frozen=True, eq=False)
class TangentKernel:
    """The tangent kernel at ``W₀`` of one run on ``n`` points, from the layer-wise chain rule of
    the NTK-parameterised network (:mod:`gflcheck.models.deep_networks`). With ``a₀ = x``,
    ``a_l = tanh(h_l)``, ``δ_L = ∂f/∂h_L = v ⊙ tanh′(h_L)/√m`` and
    ``δ_{l−1} = (δ_l W_l/√m) ⊙ tanh′(h_{l−1})``, the parameter gradient of ``f(x_i)`` is
    ``∂f/∂W_l = δ_l a_{l−1}ᵀ/√fan_in_l`` and ``∂f/∂v = a_L/√m``, so

        K_ij = Σ_l (δ_{l,i}·δ_{l,j})(a_{l−1,i}·a_{l−1,j})/fan_in_l + (a_{L,i}·a_{L,j})/m,

    and a combination ``Σ_i c_i φ_i`` is, per layer, ``(c ⊙ δ_l)ᵀ a_{l−1}/√fan_in_l``. Equal to
    ``φφᵀ`` of :func:`jacobian_features` (a test checks it) without the ``[n, P]`` features."""

    deltas: tuple[torch.Tensor, ...]
    """``δ_l`` for ``l = 1…L``, each ``[n, m]``."""
    inputs: tuple[torch.Tensor, ...]
    """``a_{l−1}`` for ``l = 1…L`` (``a₀ = x``), each ``[n, fan_in_l]``."""
    last: torch.Tensor
    """``a_L``, ``[n, m]``: the output layer's input."""

    @functools.cached_property
    def gram(self) -> torch.Tensor:
        """``K [n, n]``, in float64."""
        gram = self.last @ self.last.T / self.last.shape[1]
        for delta, inputs in zip(self.deltas, self.inputs, strict=True):
            gram = gram + (delta @ delta.T) * (inputs @ inputs.T) / inputs.shape[1]
        return gram

    def combination(self, coefficients: torch.Tensor) -> torch.Tensor:
        """``Σ_i c_i φ_i`` as one ``[P]`` vector, in ``DeepNetwork.flat`` order."""
        pieces = [
            ((coefficients[:, None] * delta).T @ inputs / math.sqrt(inputs.shape[1])).flatten()
            for delta, inputs in zip(self.deltas, self.inputs, strict=True)
        ]
        return torch.cat([*pieces, coefficients @ self.last / math.sqrt(self.last.shape[1])])


def tangent_kernel(network: DeepNetwork, run: int, x: torch.Tensor) -> TangentKernel:
    """The :class:`TangentKernel` of run ``run`` of ``network`` on the points ``x [n, d]``."""
    with torch.no_grad():
        layers = [layer[run].double() for layer in network.layers]
        output = network.output[run].double()
        inputs, activation = [], x.double()
        for weight in layers:
            inputs.append(activation)
            activation = torch.tanh(activation @ weight.T / math.sqrt(weight.shape[1]))
        delta = output * (1 - activation**2) / math.sqrt(output.shape[0])
        deltas = [delta]
        for weight, below in zip(layers[:0:-1], inputs[:0:-1], strict=True):
            delta = (delta @ weight / math.sqrt(weight.shape[1])) * (1 - below**2)
            deltas.append(delta)
    return TangentKernel(tuple(deltas[::-1]), tuple(inputs), activation)


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
    features: torch.Tensor | TangentKernel, labels: torch.Tensor, tolerance: float = 1e-12
) -> MaxMarginSolution:
    """The hard-margin SVM (no bias) on ``features [n, P]`` or their :class:`TangentKernel`,
    labels ±1; see the module docstring.

    Raises :class:`NotSeparableError` when no positive margin is certified.
    """
    if isinstance(features, TangentKernel):
        return _max_margin(features.gram, labels, features.combination, tolerance)
    features = features.double()
    return _max_margin(features @ features.T, labels, lambda c: c @ features, tolerance)


def _max_margin(
    kernel: torch.Tensor,
    labels: torch.Tensor,
    combination: Callable[[torch.Tensor], torch.Tensor],
    tolerance: float,
) -> MaxMarginSolution:
    signs = labels.double()
    gram = (kernel * signs[:, None] * signs[None, :]).numpy()
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
    coefficients = torch.as_tensor(alpha) * signs
    w = combination(coefficients)
    norm = float(w.norm())
    margins = signs * (kernel @ coefficients)  # y_i⟨φ_i, w⟩
    lower = float(margins.min()) / norm if norm > 0 else -math.inf
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


def lipschitz_constant(features: torch.Tensor | TangentKernel) -> float:
    """``G₀ = max_i ‖∇_W f(W₀; x_i)‖`` over the given points (``√max_i K_ii`` from a kernel)."""
    if isinstance(features, TangentKernel):
        return math.sqrt(float(features.gram.diagonal().max()))
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
