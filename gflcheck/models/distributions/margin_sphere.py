"""Separable data with a controllable margin, for the kernel-regime checks (``ours``).

``x`` uniform on the sphere of radius ``√d``, two teachers drawn once from a generator:

- ``linear``: ``y = sign⟨u, x⟩``, kept when ``|⟨u, x⟩|/√d ≥ margin``;
- ``product``: ``y = sign(⟨u, x⟩⟨v, x⟩)`` (``u ⊥ v``, an XOR-like, not linearly separable
  teacher), kept when ``|⟨u, x⟩⟨v, x⟩|/d ≥ margin``.

The teacher's margin controls the NTK margin ``γ`` of a network at initialisation, which the
checks measure (and certify: a sample that is not NTK-separable is refused).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_int_at_least, require_positive_int

FAMILIES = ("linear", "product")


@dataclass(frozen=True, eq=False)
class MarginSphere:
    """Sphere data with margin ``margin ∈ [0, 1)`` to the teacher hyperplane ``u``."""

    dimension: int
    margin: float
    teacher: torch.Tensor = field(repr=False)
    second_teacher: torch.Tensor | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "MarginSphere")
        if not 0.0 <= self.margin < 0.9:
            raise ParameterRangeError("margin", self.margin, "a number in [0, 0.9)", "MarginSphere")
        if self.teacher.shape != (self.dimension,):
            raise ParameterRangeError(
                "teacher", tuple(self.teacher.shape), f"a [{self.dimension}] vector"
            )

    @classmethod
    def random(
        cls, dimension: int, margin: float, generator: torch.Generator, family: str = "linear"
    ) -> MarginSphere:
        """Teachers drawn uniformly from the unit sphere (``family``: ``linear`` or ``product``)."""
        require_int_at_least("dimension", dimension, 2, "MarginSphere.random")
        if family not in FAMILIES:
            raise ParameterRangeError("family", family, f"one of {FAMILIES}", "MarginSphere")
        q, _ = torch.linalg.qr(torch.randn(dimension, 2, generator=generator, dtype=torch.float64))
        return cls(dimension, margin, q[:, 0], q[:, 1] if family == "product" else None)

    def _score(self, x: torch.Tensor) -> torch.Tensor:
        """``⟨u,x⟩/√d`` (linear) or ``⟨u,x⟩⟨v,x⟩/d`` (product): label = sign, margin = |·|."""
        score = x @ self.teacher / math.sqrt(self.dimension)
        if self.second_teacher is not None:
            score = score * (x @ self.second_teacher) / math.sqrt(self.dimension)
        return score

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
            x = x[self._score(x).abs() >= self.margin]
            kept.append(x)
            count += len(x)
        x = torch.cat(kept)[:n]
        return x.to(dtype), torch.sign(self._score(x)).to(dtype)
