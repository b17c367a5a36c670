"""Linear data with a margin (docs/setups.md §1.4, ``ours``): Gaussian inputs outside a slab.

``x = s·u + x⊥`` with ``s ~ N(0, 1)`` conditioned on ``|s| ≥ γ₀`` and ``x⊥ ~ N(0, I − uuᵀ)``
independent of ``s``; the label is ``y = sign⟨u, x⟩ = sign s``, so every point has margin ``≥ γ₀``
to the teacher hyperplane.

``G(w, b) = E[y x 1[wᵀx > b]]`` reduces to one dimension. With ``ρ = ⟨w, u⟩``,
``w⊥ = w − ρu`` and ``σ = ‖w⊥‖``, ``wᵀx = ρs + z`` where ``z = w⊥ᵀx⊥ ~ N(0, σ²)`` is independent
of ``s``, and

    G(w, b) = u·E[|s|·Φ((ρs − b)/σ)] + (w⊥/σ)·E[sign(s)·φ((b − ρs)/σ)]

(``σ = 0``: ``G = u·E[|s|·1[ρs > b]]``, the limit). Both expectations over the truncated normal
``s`` have closed forms: ``φ(s)φ((ρs − b)/σ)`` is Gaussian in ``s``, so with ``A = 1 + ρ²/σ²`` and
``μ = ρb/(σ² + ρ²)``, ``J⁺ = ∫_{γ₀}^∞ φ(s)φ((ρs−b)/σ)ds = φ(b/√(σ²+ρ²))·Φ(−√A(γ₀ − μ))/√A`` and
``J⁻`` likewise on ``(−∞, −γ₀]``; integrating ``sφ(s) = −φ′(s)`` by parts gives
``E[|s|Φ(·)] = (φ(γ₀)[Φ((ργ₀−b)/σ) + Φ((−ργ₀−b)/σ)] + (ρ/σ)(J⁺ − J⁻))/(2Φ̄(γ₀))`` and
``E[sign(s)φ(·)] = (J⁺ − J⁻)/(2Φ̄(γ₀))``.
``E‖x‖² = E[s²] + d − 1`` with ``E[s²] = 1 + γ₀φ(γ₀)/Φ̄(γ₀)``; ``B_x1`` is taken as ``√E‖x‖²``, an
upper bound on ``E‖x‖`` (Jensen), which keeps the theorem's bound valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import torch

from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_int_at_least, require_positive


def _normal_pdf(z: torch.Tensor) -> torch.Tensor:
    return torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _normal_cdf(z: torch.Tensor) -> torch.Tensor:
    return torch.special.ndtr(z)


@dataclass(frozen=True, eq=False)
class LinearMargin:
    """The distribution in the module docstring: ``d``, margin ``γ₀`` and unit teacher ``u``."""

    label_is_function_of_input: ClassVar[bool] = True  # then the Bayes risk is 0
    simplified_gradient_method: ClassVar[str] = "exact (closed form)"

    dimension: int
    margin: float
    teacher: torch.Tensor = field(repr=False)

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "LinearMargin")
        require_positive("margin", self.margin, "LinearMargin")
        if self.margin > 3.0:
            raise ParameterRangeError("margin", self.margin, "a number in (0, 3]", "LinearMargin")
        teacher = torch.as_tensor(self.teacher, dtype=torch.float64)
        if teacher.shape != (self.dimension,) or abs(float(teacher.norm()) - 1) > 1e-9:
            raise ParameterRangeError(
                "teacher", tuple(teacher.shape), f"a unit [{self.dimension}] vector", "LinearMargin"
            )

    @classmethod
    def random(cls, dimension: int, margin: float, generator: torch.Generator) -> LinearMargin:
        """A teacher drawn uniformly from the unit sphere."""
        require_int_at_least("dimension", dimension, 2, "LinearMargin.random")
        u = torch.randn(dimension, generator=generator, dtype=torch.float64)
        return cls(dimension, margin, u / u.norm())

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` points ``x [n, d]`` and labels ``y [n]`` (``s`` by the inverse normal CDF)."""
        require_int_at_least("n", n, 1, "LinearMargin.sample")
        u = self.teacher.double()
        tail = float(_normal_cdf(torch.tensor(-self.margin, dtype=torch.float64)))
        uniform = torch.rand(n, generator=generator, dtype=torch.float64).clamp_min(1e-300)
        magnitude = -torch.special.ndtri(uniform * tail)  # |s| ≥ γ₀
        sign = 2.0 * torch.randint(0, 2, (n,), generator=generator, dtype=torch.float64) - 1.0
        s = sign * magnitude
        noise = torch.randn(n, self.dimension, generator=generator, dtype=torch.float64)
        x = s[:, None] * u + noise - (noise @ u)[:, None] * u
        return x.to(dtype), sign.to(dtype)

    def simplified_gradient(self, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """``G(w, b)`` in closed form (module docstring): ``w [..., d]``, ``b [...]`` → ``[..., d]``."""
        u = self.teacher.double()
        w, b = w.double(), b.double()
        rho = w @ u
        perpendicular = w - rho[..., None] * u
        sigma = perpendicular.norm(dim=-1).clamp_min(1e-150)  # σ → 0 gives the step limits
        g = torch.tensor(self.margin, dtype=torch.float64)
        total = sigma.square() + rho.square()
        root_a = total.sqrt() / sigma  # √A, A = 1 + ρ²/σ²
        centre = rho * b / total  # μ
        scale = _normal_pdf(b / total.sqrt()) / root_a
        upper = scale * _normal_cdf(-root_a * (g - centre))  # J⁺ = ∫_{γ₀}^∞ φ(s)φ((ρs−b)/σ) ds
        lower = scale * _normal_cdf(root_a * (-g - centre))  # J⁻ = ∫_{−∞}^{−γ₀}
        mass = 2 * _normal_cdf(-g)  # Pr[|s| ≥ γ₀]
        boundary = _normal_pdf(g) * (
            _normal_cdf((rho * g - b) / sigma) + _normal_cdf((-rho * g - b) / sigma)
        )
        along = (boundary + rho / sigma * (upper - lower)) / mass  # E[|s|·Φ((ρs − b)/σ)]
        across = (upper - lower) / mass  # E[sign(s)·φ((b − ρs)/σ)]
        return along[..., None] * u + (across / sigma)[..., None] * perpendicular

    def second_moment_along_teacher(self) -> float:
        """``E[s²] = 1 + γ₀φ(γ₀)/Φ̄(γ₀)``."""
        g = torch.tensor(self.margin, dtype=torch.float64)
        return float(1 + g * _normal_pdf(g) / _normal_cdf(-g))

    def expected_squared_norm(self) -> float:
        """``E‖x‖² = E[s²] + d − 1``."""
        return self.second_moment_along_teacher() + self.dimension - 1

    def positive_probability(self) -> float:
        """``Pr[y = +1] = ½`` exactly: the sign of ``s`` is a fair coin."""
        return 0.5

    def expected_norm(self) -> float:
        """``√E‖x‖²``: an upper bound on ``E‖x‖`` (Jensen), used as ``B_x1``."""
        return math.sqrt(self.expected_squared_norm())
