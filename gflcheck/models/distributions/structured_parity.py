"""Structured k-sparse parity (Daniely–Malach style, docs/setups.md §1.4), with exact population sums.

``x ∈ {±1}^d``: with probability ``1 − ρ`` uniform; with probability ``ρ`` (default ½) the
coordinates in the support ``A`` (``|A| = k``) all equal one random sign and the rest are uniform.
The label is the parity ``y = Π_{j∈A} x_j``. So

    P(x) = (1 − ρ)·2^{−d} + ρ·½·2^{−(d−k)}·1[x_A = +1 or x_A = −1].

For ``d ≤ 20`` every population quantity is an exact sum over the ``2^d`` points: ``G(w, b)``,
``L_D(f)`` (hinge) and the 0-1 error. ``‖x‖ = √d`` always, so ``E‖x‖ = √d`` and ``E‖x‖² = d``.

Its ground truth is :func:`gflcheck.models.ground_truth.structured_parity_ground_truth`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch

from gflcheck.core.estimators import zero_one_errors
from gflcheck.models.distributions.xor_cube import cube_points
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_int_at_least

EXACT_DIMENSION_LIMIT = 20
_CHUNK = 1 << 16
_CACHED_ENTRIES = 1 << 16  # float64 entries of a block that fits a core's cache (512 KB)


@dataclass(frozen=True)
class StructuredParity:
    """The distribution in the module docstring: ``d``, support ``A`` and structured weight ``ρ``."""

    label_is_function_of_input: ClassVar[bool] = True  # then the Bayes risk is 0
    simplified_gradient_method: ClassVar[str] = "exact (sum over the cube)"

    dimension: int
    support: tuple[int, ...]
    structured_weight: float = 0.5

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "StructuredParity")
        k = len(self.support)
        if k < 1 or len(set(self.support)) != k:
            raise ParameterRangeError(
                "support", self.support, "k ≥ 1 distinct coordinates", "StructuredParity"
            )
        if not all(0 <= j < self.dimension for j in self.support):
            raise ParameterRangeError(
                "support", self.support, f"coordinates in [0, {self.dimension})", "StructuredParity"
            )
        if not 0.0 <= self.structured_weight <= 1.0:
            raise ParameterRangeError(
                "structured_weight", self.structured_weight, "[0, 1]", "StructuredParity"
            )

    @property
    def sparsity(self) -> int:
        """``k = |A|``."""
        return len(self.support)

    def labels(self, x: torch.Tensor) -> torch.Tensor:
        """``y = Π_{j∈A} x_j`` for points ``x [..., d]``."""
        return x[..., list(self.support)].prod(-1)

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw ``n`` labelled points ``x [n, d]``, ``y [n]`` from ``generator``."""
        require_int_at_least("n", n, 1, "StructuredParity.sample")
        # Bits drawn straight into ``dtype`` and mapped to ±1 in place: the same draws as integer
        # bits, without the int64 buffers (sampling is most of a fresh-batch parity run).
        x = torch.randint(0, 2, (n, self.dimension), generator=generator, dtype=dtype)
        x.mul_(2).sub_(1)
        structured = torch.rand(n, generator=generator) < self.structured_weight
        sign = torch.randint(0, 2, (n,), generator=generator, dtype=dtype).mul_(2).sub_(1)
        support = list(self.support)
        x[:, support] = torch.where(structured[:, None], sign[:, None], x[:, support])
        return x, self.labels(x)

    def points(self) -> tuple[torch.Tensor, torch.Tensor]:
        """All ``2^d`` points ``[2^d, d]`` (float64) and their probabilities; ``d ≤ 20``."""
        if self.dimension > EXACT_DIMENSION_LIMIT:
            raise ParameterRangeError(
                "dimension",
                self.dimension,
                f"≤ {EXACT_DIMENSION_LIMIT} for exact sums over the cube",
                "StructuredParity.points",
            )
        d, k, rho = self.dimension, self.sparsity, self.structured_weight
        x = cube_points(d, dtype=torch.float64)
        constant = x[:, list(self.support)].sum(-1).abs() == k
        probability = (1 - rho) * 2.0**-d + rho * 0.5 * 2.0 ** -(d - k) * constant.double()
        return x, probability

    def positive_probability(self) -> float:
        """``Pr[y = +1]``, an exact sum over the cube (above ½ for even ``k``: the structured
        part sets every ``x_j, j ∈ A``, to one sign)."""
        x, probability = self.points()
        return float((probability * (self.labels(x) > 0)).sum())

    def expected_norm(self) -> float:
        """``E‖x‖ = √d`` (every point has norm ``√d``)."""
        return math.sqrt(self.dimension)

    def expected_squared_norm(self) -> float:
        """``E‖x‖² = d``."""
        return float(self.dimension)

    def simplified_gradient(self, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Exact ``G(w, b) = Σ_x P(x) y x 1[wᵀx > b]``: ``w [..., d]``, ``b [...]`` → ``[..., d]``."""
        x, probability = self.points()
        weight = probability * self.labels(x)
        shape = w.shape
        w, b = w.double().reshape(-1, self.dimension), b.double().reshape(-1)
        total = torch.zeros(*w.shape, dtype=torch.float64)
        # Rows of (w, b) in blocks whose [rows, points] indicator stays in a core's cache (it
        # streamed through memory for all rows at once: 4.7× slower on 20 000 draws at d = 10,
        # the same sums bit for bit).
        rows = max(1, _CACHED_ENTRIES // min(len(x), _CHUNK))
        for first in range(0, len(w), rows):
            block = slice(first, first + rows)
            for start in range(0, len(x), _CHUNK):
                chunk = x[start : start + _CHUNK]
                active = (w[block] @ chunk.T > b[block, None]).double()  # [rows, chunk]
                total[block] += (active * weight[start : start + _CHUNK]) @ chunk
        return total.reshape(shape)

    def hinge_loss(self, network: TwoLayerReLU) -> torch.Tensor:
        """Exact ``L_D(f) = E max(0, 1 − y f(x))`` per run: ``[k]``."""
        return self._expectation(network, lambda margin: (1 - margin).clamp_min(0))

    def zero_one_error(self, network: TwoLayerReLU) -> torch.Tensor:
        """Exact ``Pr[y f(x) ≤ 0]`` per run: ``[k]``."""
        return self._expectation(network, lambda margin: zero_one_errors(margin).double())

    def _expectation(self, network: TwoLayerReLU, loss) -> torch.Tensor:
        x, probability = self.points()
        y = self.labels(x)
        total = torch.zeros(network.runs, dtype=torch.float64)
        for start in range(0, len(x), _CHUNK):
            chunk = slice(start, start + _CHUNK)
            margin = y[chunk] * network(x[chunk].to(network.W.dtype)).double()  # [k, chunk]
            total += loss(margin) @ probability[chunk]
        return total
