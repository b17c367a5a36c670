"""The XOR distribution of Taheri–Thrampoulidis–Mazumdar (ICLR 2025): ``x`` uniform on ``{±1}^d``,
``y = x₁·x₂`` (docs/setups.md §2.2, ``seed``).

Exact quantities: the label is a function of ``x``, so the Bayes error is 0, and the test error of
a classifier is an exact average over the ``2^d`` points of the cube for ``d ≤ 20``. For larger
``d`` it is estimated on a sample large enough that *zero* observed errors put the Clopper–Pearson
upper bound below ``1/d²`` (docs/setups.md §2.2).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from gflcheck.core.estimators import IntervalEstimate, clopper_pearson, zero_one_errors
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive_int,
)

ENUMERATION_LIMIT = 20
_CHUNK = 1 << 16  # points scored at a time


def cube_points(
    dimension: int, start: int = 0, stop: int | None = None, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Points ``start..stop-1`` of ``{±1}^d`` in binary order (bit ``j`` of the index is
    coordinate ``j``): ``[count, d]``. Every exact sum over the cube enumerates it with this."""
    stop = 2**dimension if stop is None else stop
    index = torch.arange(start, stop)
    bits = (index[:, None] >> torch.arange(dimension)) & 1
    return bits.to(dtype).mul_(2).sub_(1)


def uniform_cube_sample(
    n: int, dimension: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """``n`` points drawn uniformly from ``{±1}^d`` (one ``int8`` bit per coordinate)."""
    bits = torch.randint(0, 2, (n, dimension), generator=generator, dtype=torch.int8)
    return bits.to(dtype).mul_(2).sub_(1)


@dataclass(frozen=True)
class XorCube:
    """``x ~ Uniform({±1}^d)``, ``y = x₁x₂``; ``d ≥ 2``."""

    dimension: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "XorCube (d ≥ 2)")

    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` points ``x [n, d]`` with labels ``y [n]``."""
        require_positive_int("n", n, "XorCube.sample")
        x = uniform_cube_sample(n, self.dimension, generator, dtype)
        return x, x[:, 0] * x[:, 1]

    def points(self, start: int = 0, stop: int | None = None) -> torch.Tensor:
        """Cube points ``start..stop-1`` in binary order (``d ≤ 20``), as float32 ``[count, d]``."""
        if self.dimension > ENUMERATION_LIMIT:
            raise ValueError(f"enumeration is for d ≤ {ENUMERATION_LIMIT}, got d={self.dimension}")
        return cube_points(self.dimension, start, stop)

    def zero_error_threshold(self) -> float:
        """An error (upper bound) below this is "zero test error": ``2^{-d}`` when the cube is
        enumerated (so only exactly zero passes), ``1/d²`` otherwise (docs/setups.md §2.2)."""
        if self.dimension <= ENUMERATION_LIMIT:
            return 2.0**-self.dimension
        return 1.0 / self.dimension**2

    def sample_size_for_zero_error(self, miscoverage: float) -> int:
        """Least ``N`` with ``1 − β^{1/N} < 1/d²``: zero errors in ``N`` draws certify error < ``1/d²``."""
        require_open_unit_interval("miscoverage", miscoverage, "XorCube.sample_size_for_zero_error")
        return math.floor(math.log(miscoverage) / math.log1p(-1.0 / self.dimension**2)) + 1

    def has_zero_error(
        self,
        classifier: Callable[[torch.Tensor], torch.Tensor],
        miscoverage: float,
        generator: torch.Generator,
        screen_size: int = 4096,
    ) -> bool:
        """Is the error of a single classifier (``k = 1``) "zero" (below :meth:`zero_error_threshold`)?

        A screen of ``screen_size`` fresh points comes first: one misclassified point proves the
        error is positive, with certainty. Only a clean screen pays for :meth:`test_error`.
        """
        if self.dimension > ENUMERATION_LIMIT:
            x, _ = self.sample(screen_size, generator)
            if int(_errors(classifier, x).sum()) > 0:
                return False
        estimate = self.test_error(classifier, miscoverage, generator)
        return bool(estimate.upper[0] < self.zero_error_threshold())

    def test_error(
        self,
        classifier: Callable[[torch.Tensor], torch.Tensor],
        miscoverage: float,
        generator: torch.Generator,
    ) -> IntervalEstimate:
        """Test error of ``classifier`` (``x [N, d] → scores [k, N]``, sign 0 counts as an error).

        Exact by enumeration for ``d ≤ 20`` (then ``lower = upper = estimate``); otherwise
        Clopper–Pearson bounds on :meth:`sample_size_for_zero_error` fresh points.
        """
        if self.dimension <= ENUMERATION_LIMIT:
            size = 2**self.dimension
            chunks = (self.points(s, min(size, s + _CHUNK)) for s in range(0, size, _CHUNK))
        else:
            size = self.sample_size_for_zero_error(miscoverage)
            chunks = (
                self.sample(min(_CHUNK, size - s), generator)[0] for s in range(0, size, _CHUNK)
            )
        wrong = sum(_errors(classifier, x) for x in chunks).numpy().astype(np.int64)
        if self.dimension <= ENUMERATION_LIMIT:
            rate = wrong / size
            return IntervalEstimate(
                rate, rate, rate, size, miscoverage, f"exact: all {size} points"
            )
        return clopper_pearson(wrong, size, miscoverage)


def _errors(classifier: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    scores = classifier(x)
    label = x[:, 0] * x[:, 1]
    return (zero_one_errors(scores * label) | ~torch.isfinite(scores)).sum(-1)
