"""Linearly separable data with a controllable margin, for the kernel-regime checks (``ours``).

``x`` uniform on the sphere of radius ``√d`` conditioned on ``|⟨u, x⟩|/√d ≥ margin``, label
``y = sign⟨u, x⟩``, for a unit teacher ``u`` (drawn once from a generator). The teacher's margin
controls the NTK margin ``γ`` of a network at initialisation, which the checks measure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from gflcheck._validation import require_int_at_least, require_positive_int
from gflcheck.errors import ParameterRangeError


@dataclass(frozen=True, eq=False)
class MarginSphere:
    """Sphere data with margin ``margin ∈ [0, 1)`` to the teacher hyperplane ``u``."""

    dimension: int
    margin: float
    teacher: torch.Tensor = field(repr=False)

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "MarginSphere")
        if not 0.0 <= self.margin < 0.9:
            raise ParameterRangeError("margin", self.margin, "a number in [0, 0.9)", "MarginSphere")
        if self.teacher.shape != (self.dimension,):
            raise ParameterRangeError(
                "teacher", tuple(self.teacher.shape), f"a [{self.dimension}] vector"
            )

    @classmethod
    def random(cls, dimension: int, margin: float, generator: torch.Generator) -> MarginSphere:
        """A teacher drawn uniformly from the unit sphere."""
        require_int_at_least("dimension", dimension, 2, "MarginSphere.random")
        u = torch.randn(dimension, generator=generator, dtype=torch.float64)
        return cls(dimension, margin, u / u.norm())

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float64
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` points ``x [n, d]`` (norm ``√d``) and labels ``y [n]``, by rejection sampling."""
        require_positive_int("n", n, "MarginSphere.sample")
        kept: list[torch.Tensor] = []
        count = 0
        while count < n:
            x = torch.randn(2 * n + 16, self.dimension, generator=generator, dtype=torch.float64)
            x = x / x.norm(dim=1, keepdim=True) * math.sqrt(self.dimension)
            x = x[(x @ self.teacher).abs() / math.sqrt(self.dimension) >= self.margin]
            kept.append(x)
            count += len(x)
        x = torch.cat(kept)[:n]
        return x.to(dtype), torch.sign(x @ self.teacher).to(dtype)
