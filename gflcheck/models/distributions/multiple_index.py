"""Multiple-index models with Gaussian inputs (docs/setups.md §1.4, ``ours``), with two indices.

``x ~ N(0, I_d)``, ``s = Ux ∈ R²`` for an orthonormal pair ``U = (u₁; u₂)``, and the label
``y = g(s)`` is a *cone link*: ``g`` is constant on angular sectors of the index plane, so
``y = sign g̃(⟨u₁,x⟩, ⟨u₂,x⟩)`` for a positively homogeneous ``g̃``. The default link is
``y = sign(s₁s₂)`` (:func:`xor_link`), the Gaussian XOR of two hidden directions.

``G(w, b) = E[y x 1[wᵀx > b]]`` reduces to the index plane. With ``ρ = Uw``, ``w⊥ = w − Uᵀρ`` and
``σ = ‖w⊥‖``, ``wᵀx = ρ·s + z`` where ``z = w⊥ᵀx ~ N(0, σ²)`` is independent of ``s``, and

    G(w, b) = Uᵀ·E[y s Φ((ρ·s − b)/σ)] + (w⊥/σ)·E[y φ((ρ·s − b)/σ)].

Both are integrals over ``s ~ N(0, I₂)``. In polar coordinates ``s = r(cos θ, sin θ)`` the label
depends on ``θ`` alone, so each sector is a smooth integrand: Gauss–Legendre in ``θ`` per sector
and in ``r ∈ [0, 9]`` (the Rayleigh tail beyond 9 is below 1e-17), 24 × 48 nodes per sector. The
rule loses accuracy only when ``σ/|ρ|`` is small (``w`` almost inside the index plane, the
Gaussian step ``Φ`` sharp in ``r``), which for Gaussian ``w`` needs ``χ²_{d−2}`` small. Measured
against a 128 × 256 rule over 20 000 Gaussian ``(w, b)``: largest error 3e-7 at ``d = 8``, 4e-11 at
``d = 10``; ``tests/test_multiple_index.py`` also checks it against Monte Carlo intervals. The
Theorem 3.12 settings use ``d ≥ 8``.

``E‖x‖ = √2·Γ((d+1)/2)/Γ(d/2)`` (chi mean) and ``E‖x‖² = d`` exactly. The label is a function of
``x``, so the Bayes risk is 0.

Its ground truth is :func:`gflcheck.models.ground_truth.multiple_index_ground_truth`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import torch

from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_int_at_least, require_positive_int

_RADIUS_CUTOFF = 9.0
_CHUNK = 32
"""Rows of ``(w, b)`` per block of :meth:`MultipleIndex.simplified_gradient`: a ``[32, N]`` block
of the ``N = 4608`` quadrature nodes (float64, 1.2 MB) stays in a core's cache through the ten
elementwise passes, where 1024 rows (38 MB) streamed through memory each time: 3.5× faster on
8192 draws, the same numbers bit for bit (``bench/README.md``)."""


@dataclass(frozen=True)
class ConeLink:
    """``g(s)``: sector ``i`` is ``[θ_i, θ_{i+1})`` (the last wraps to ``θ₀ + 2π``), label ``ℓ_i``.

    ``boundaries`` are increasing angles in ``[0, 2π)``; ``labels`` are ±1, one per sector.
    """

    name: str
    boundaries: tuple[float, ...]
    labels: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.boundaries) < 2 or len(self.labels) != len(self.boundaries):
            raise ParameterRangeError(
                "labels", self.labels, "one ±1 label per sector, at least 2 sectors", "ConeLink"
            )
        if any(label not in (-1, 1) for label in self.labels):
            raise ParameterRangeError("labels", self.labels, "values in {-1, +1}", "ConeLink")
        angles = np.asarray(self.boundaries, dtype=float)
        if angles[0] < 0 or angles[-1] >= 2 * math.pi or np.any(np.diff(angles) <= 0):
            raise ParameterRangeError(
                "boundaries", self.boundaries, "increasing angles in [0, 2π)", "ConeLink"
            )

    def sectors(self) -> list[tuple[float, float, int]]:
        """``(start, end, label)`` per sector, ``end`` of the last one is ``θ₀ + 2π``."""
        ends = (*self.boundaries[1:], self.boundaries[0] + 2 * math.pi)
        return list(zip(self.boundaries, ends, self.labels, strict=True))

    def __call__(self, s: torch.Tensor) -> torch.Tensor:
        """Labels of index vectors ``s [..., 2]``."""
        angle = torch.atan2(s[..., 1], s[..., 0]).remainder(2 * math.pi)
        boundaries = torch.tensor(self.boundaries, dtype=angle.dtype)
        index = (torch.searchsorted(boundaries, angle.contiguous(), right=True) - 1).remainder(
            len(self.labels)
        )
        return torch.tensor(self.labels, dtype=s.dtype)[index]


def xor_link() -> ConeLink:
    """``y = sign(s₁s₂)``: +1 in the first and third quadrants."""
    quarter = math.pi / 2
    return ConeLink("sign(s₁s₂)", (0.0, quarter, 2 * quarter, 3 * quarter), (1, -1, 1, -1))


@dataclass(frozen=True, eq=False)
class MultipleIndex:
    """The model in the module docstring: ``d``, orthonormal index rows ``U [2, d]`` and a link."""

    label_is_function_of_input: ClassVar[bool] = True  # then the Bayes risk is 0
    simplified_gradient_method: ClassVar[str] = (
        "by Gauss–Legendre quadrature over the index plane (error < 1e-6)"
    )

    dimension: int
    basis: torch.Tensor = field(repr=False)
    link: ConeLink = field(default_factory=xor_link)
    angle_nodes: int = 24
    radius_nodes: int = 48

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 3, "MultipleIndex")
        require_positive_int("angle_nodes", self.angle_nodes, "MultipleIndex")
        require_positive_int("radius_nodes", self.radius_nodes, "MultipleIndex")
        basis = torch.as_tensor(self.basis, dtype=torch.float64)
        gram = basis @ basis.T if basis.shape == (2, self.dimension) else None
        if gram is None or not torch.allclose(gram, torch.eye(2, dtype=torch.float64), atol=1e-9):
            raise ParameterRangeError(
                "basis",
                tuple(basis.shape),
                f"two orthonormal rows of length {self.dimension}",
                "MultipleIndex",
            )

    @classmethod
    def random(
        cls, dimension: int, generator: torch.Generator, link: ConeLink | None = None
    ) -> MultipleIndex:
        """Index directions uniform on the Stiefel manifold (QR of a Gaussian ``[d, 2]``)."""
        require_int_at_least("dimension", dimension, 3, "MultipleIndex.random")
        gaussian = torch.randn(dimension, 2, generator=generator, dtype=torch.float64)
        q, r = torch.linalg.qr(gaussian)
        basis = (q * torch.sign(torch.diagonal(r))).T
        return cls(dimension, basis, link or xor_link())

    def labels(self, x: torch.Tensor) -> torch.Tensor:
        """``y = g(Ux)`` for ``x [..., d]``."""
        return self.link(x.double() @ self.basis.T).to(x.dtype)

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` points ``x ~ N(0, I_d)`` and their labels."""
        require_int_at_least("n", n, 1, "MultipleIndex.sample")
        x = torch.randn(n, self.dimension, generator=generator, dtype=torch.float64)
        return x.to(dtype), self.labels(x).to(dtype)

    def _quadrature(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Nodes ``s [N, 2]``, labels ``[N]`` and weights ``[N]`` with ``Σ w h(s) ≈ E[h(s)]``."""
        theta_unit, theta_weight = np.polynomial.legendre.leggauss(self.angle_nodes)
        radius_unit, radius_weight = np.polynomial.legendre.leggauss(self.radius_nodes)
        radius = _RADIUS_CUTOFF * (radius_unit + 1) / 2
        radial = radius_weight * _RADIUS_CUTOFF / 2 * radius * np.exp(-(radius**2) / 2)
        points, labels, weights = [], [], []
        for start, end, label in self.link.sectors():
            theta = start + (end - start) * (theta_unit + 1) / 2
            angular = theta_weight * (end - start) / 2 / (2 * math.pi)
            direction = np.stack([np.cos(theta), np.sin(theta)], axis=1)  # [nθ, 2]
            points.append((radius[:, None, None] * direction[None]).reshape(-1, 2))
            weights.append((radial[:, None] * angular[None]).reshape(-1))
            labels.append(np.full(len(radius) * len(theta), float(label)))
        return tuple(torch.as_tensor(np.concatenate(a)) for a in (points, labels, weights))

    def simplified_gradient(self, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """``G(w, b)`` by the quadrature of the module docstring: ``w [..., d]``, ``b [...]`` →
        ``[..., d]``."""
        nodes, labels, weights = self._quadrature()
        basis = self.basis
        w, b = w.double(), b.double()
        shape = w.shape[:-1]
        w, b = w.reshape(-1, self.dimension), b.reshape(-1)
        result = torch.empty_like(w)
        signed = labels * weights
        for start in range(0, len(w), _CHUNK):
            w_chunk, b_chunk = w[start : start + _CHUNK], b[start : start + _CHUNK]
            rho = w_chunk @ basis.T  # [c, 2]
            perpendicular = w_chunk - rho @ basis
            sigma = perpendicular.norm(dim=-1).clamp_min(1e-150)[:, None]
            standardised = (rho @ nodes.T - b_chunk[:, None]) / sigma  # [c, N]
            in_plane = (torch.special.ndtr(standardised) * signed) @ nodes  # E[y s Φ]
            density = torch.exp(-0.5 * standardised**2) / math.sqrt(2 * math.pi)
            across = (density * signed).sum(-1, keepdim=True)  # E[y φ]
            result[start : start + _CHUNK] = in_plane @ basis + across / sigma * perpendicular
        return result.reshape(*shape, self.dimension)

    def positive_probability(self) -> float:
        """``Pr[y = +1]`` by the model's quadrature over the index plane (½ for orthogonal
        indices)."""
        _, labels, weights = self._quadrature()
        return float((weights * (labels > 0)).sum() / weights.sum())

    def expected_norm(self) -> float:
        """``E‖x‖ = √2·Γ((d+1)/2)/Γ(d/2)``, the chi mean."""
        d = self.dimension
        return math.sqrt(2) * math.exp(math.lgamma((d + 1) / 2) - math.lgamma(d / 2))

    def expected_squared_norm(self) -> float:
        """``E‖x‖² = d``."""
        return float(self.dimension)
