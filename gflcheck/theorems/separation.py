"""Beyond the kernel regime (Shi–Wei–Liang poster, THEORY.md §1.4) as growth statements in ``d``.

On the XOR-like Gaussian mixture the poster claims that fixed-feature methods (random features,
the NTK-linearised network) need ``Ω(d²)`` features and samples, while gradient feature learning
needs ``O(log d)`` neurons and ``O((log d)²)`` samples (``seed``).

A :class:`GrowthStatement` says how the *sample need* ``n*(d)`` of one learner (the least training
sample size at which its test error reaches a declared level) grows with ``d``: at least like its
bound (``Ω``) or at most like it (``O``). The bound is a sympy expression in ``d`` with a hidden
constant ``C``; what a finite grid of dimensions can check is its log-log slope over that grid,
:meth:`GrowthStatement.exponent_over`, compared with the fitted slope of the measured needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats

from gflcheck.bounds import Bound, hidden_constant, positive
from gflcheck.errors import ParameterRangeError
from gflcheck.provenance import GFL_PAPER, Provenance, Tag

_D = positive("d", "input dimension")
_C = hidden_constant("C", "the constant of the O(·) or Ω(·)")


class Learner(StrEnum):
    """The three learners of the separation."""

    RANDOM_FEATURES = "random features"
    NTK = "NTK-linearised"
    TRAINED_NETWORK = "trained network"


class Direction(StrEnum):
    """``at least`` for an ``Ω`` (lower-bound) statement, ``at most`` for an ``O`` statement."""

    AT_LEAST = "at least"
    AT_MOST = "at most"


@dataclass(frozen=True)
class GrowthStatement:
    """``n*_learner(d)`` grows ``direction`` like ``bound`` (a sympy expression in ``d`` and ``C``)."""

    name: str
    learner: Learner
    direction: Direction
    bound: Bound
    why_false: str | None = None

    @property
    def is_false_variant(self) -> bool:
        """``True`` for a deliberately false statement."""
        return self.why_false is not None

    def exponent_over(self, dimensions: Sequence[int]) -> float:
        """The bound's log-log slope in ``d`` over the grid: OLS of ``log B(d)`` on ``log d``.

        For ``C·d²`` it is 2 on any grid; for ``C·(log d)²`` it is about ``2/log d`` (0.58 over
        ``d ∈ {16, 24, 32, 48, 64}``), the slope the same fit of the measured needs is compared with."""
        d = np.asarray(sorted(set(dimensions)), dtype=float)
        if d.size < 2 or d[0] <= 1:
            raise ParameterRangeError(
                "dimensions", list(dimensions), "at least two distinct values, all > 1"
            )
        values = self.bound.evaluate({"d": d, "C": 1.0})
        return float(stats.linregress(np.log(d), np.log(values)).slope)


def _statement(
    name: str,
    learner: Learner,
    direction: Direction,
    expression: str,
    provenance: Provenance,
    why_false: str | None = None,
) -> GrowthStatement:
    relation = "≥" if direction is Direction.AT_LEAST else "≤"
    bound = Bound(
        f"n*_{learner.value}(d) {relation} {expression}",
        expression,
        [_D, _C],
        provenance,
        f"sample need of the {learner.value} learner",
    )
    return GrowthStatement(name, learner, direction, bound, why_false)


_POSTER = "poster: beyond the kernel regime (Gaussian mixture)"


def fixed_features_need_quadratic_samples(learner: Learner) -> GrowthStatement:
    """Random features or the NTK-linearised model need ``Ω(d²)`` samples and features (``seed``)."""
    if learner is Learner.TRAINED_NETWORK:
        raise ParameterRangeError("learner", learner.value, "random features or NTK-linearised")
    return _statement(
        f"{learner.value} need Ω(d²) samples",
        learner,
        Direction.AT_LEAST,
        "C*d**2",
        Provenance(GFL_PAPER, _POSTER, Tag.SEED),
    )


def trained_network_needs_log_squared_samples() -> GrowthStatement:
    """Gradient feature learning needs ``O((log d)²)`` samples (``seed``)."""
    return _statement(
        "trained network needs O((log d)²) samples",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*log(d)**2",
        Provenance(GFL_PAPER, _POSTER, Tag.SEED),
    )


def trained_network_needs_linear_samples() -> GrowthStatement:
    """The form that holds with isotropic noise of unit variance per coordinate (``ours``).

    The first step estimates the gradient features from ``n`` samples; with noise ``N(0, I_d)``
    that estimate's error is of order ``√(d/n)``, so ``n*`` grows like ``d``: no learner can
    find two directions in ``R^d`` from ``o(d)`` such samples."""
    return _statement(
        "trained network needs O(d) samples",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*d",
        Provenance(GFL_PAPER, _POSTER + ", measured form", Tag.OURS),
    )


def fixed_features_need_linear_samples() -> GrowthStatement:
    """False variant: random features need only ``O(d)`` samples (``ours``)."""
    return _statement(
        "random features need only O(d) samples (false)",
        Learner.RANDOM_FEATURES,
        Direction.AT_MOST,
        "C*d",
        Provenance(GFL_PAPER, _POSTER + ", rate lowered", Tag.OURS, "deliberately false"),
        why_false=(
            "the XOR label is a degree-2 function of x: a rotation-invariant kernel needs of "
            "the order of d² samples to fit a degree-2 polynomial in d dimensions"
        ),
    )
