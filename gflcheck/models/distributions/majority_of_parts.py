"""A target with a linear part and two XOR parts on the cube: ``x`` uniform on ``{±1}^d``,
``y = sign(x₁ + x₂x₃ + x₄x₅)`` (``ours``, docs/setups.md §1.4).

The label is the majority of three ±1 parts, ``Maj(a, b, c) = (a + b + c − abc)/2``, so

    y = ½·x₁ + ½·x₂x₃ + ½·x₄x₅ − ½·x₁x₂x₃x₄x₅:

its Fourier coefficient on the linear part ``x₁`` and on each XOR part is ½, and a classifier
with zero error must carry all three. Labels are a function of ``x`` (Bayes error 0); every
population quantity is an exact average over the ``2^d`` points.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from gflcheck.models.distributions.xor_cube import cube_points, uniform_cube_sample
from gflcheck.runtime.validation import require_int_at_least, require_positive_int

PART_COEFFICIENT = 0.5
"""The label's Fourier coefficient on ``x₁``, on ``x₂x₃`` and on ``x₄x₅``."""


def linear_part(x: torch.Tensor) -> torch.Tensor:
    """``x₁`` of each point ``x [..., d]``."""
    return x[..., 0]


def xor_parts(x: torch.Tensor) -> torch.Tensor:
    """``(x₂x₃, x₄x₅)`` of each point: ``[..., 2]``."""
    return torch.stack((x[..., 1] * x[..., 2], x[..., 3] * x[..., 4]), -1)


@dataclass(frozen=True)
class MajorityOfParts:
    """``x ~ Uniform({±1}^d)``, ``y = sign(x₁ + x₂x₃ + x₄x₅)``; ``d ≥ 5``."""

    dimension: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 5, "MajorityOfParts (d ≥ 5)")

    def label(self, x: torch.Tensor) -> torch.Tensor:
        """``sign(x₁ + x₂x₃ + x₄x₅)`` (never 0: a sum of three ±1)."""
        return torch.sign(linear_part(x) + xor_parts(x).sum(-1))

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` points ``x [n, d]`` with labels ``y [n]``."""
        require_positive_int("n", n, "MajorityOfParts.sample")
        x = uniform_cube_sample(n, self.dimension, generator, dtype)
        return x, self.label(x)

    def points(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Every point of the cube, ``[2^d, d]``, in binary order."""
        return cube_points(self.dimension, dtype=dtype)
