"""Beyond the kernel regime (Shi–Wei–Liang poster, THEORY.md §1.4) as growth statements.

On the XOR-like Gaussian mixture the poster claims that fixed-feature methods (random features,
the NTK-linearised network) need ``Ω(d²)`` features and samples, while gradient feature learning
needs ``O(log d)`` neurons and ``O((log d)²)`` samples; on parity, that fixed features need an
exponentially large size and gradient feature learning a polynomial one (``seed``).

A :class:`GrowthStatement` says how the *need* of one learner (the least sample size, or number of
features or neurons, at which its error reaches a declared level) grows with ``d`` (or with the
parity order ``k``): at least like its bound (``Ω``) or at most like it (``O``). The bound is a
sympy expression with a hidden constant ``C``; what a finite grid can check is its slope over that
grid, :meth:`GrowthStatement.exponent_over` (log-log in ``d``, log-linear in ``k``), compared with
the fitted slope of the measured needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats

from gflcheck.bounds import Bound, SymbolDomain, hidden_constant, positive, positive_integer
from gflcheck.errors import ParameterRangeError
from gflcheck.provenance import GFL_PAPER, Provenance, Tag

_D = positive("d", "input dimension")
_C = hidden_constant("C", "the constant of the O(·) or Ω(·)")
_K = positive_integer("k", "parity order |A|")


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
    """``need_learner(v)`` grows ``direction`` like ``bound``, a sympy expression in the variable
    ``v`` (``d`` or ``k``) and ``C``. Growth is measured on a log scale of ``v`` when
    ``logarithmic`` (polynomial rates: log-log slopes), else on ``v`` itself (exponential rates:
    slopes of ``log need`` per unit of ``v``)."""

    name: str
    learner: Learner
    direction: Direction
    bound: Bound
    why_false: str | None = None
    variable: str = "d"
    logarithmic: bool = True

    @property
    def is_false_variant(self) -> bool:
        """``True`` for a deliberately false statement."""
        return self.why_false is not None

    def exponent_over(self, values: Sequence[int]) -> float:
        """The bound's own slope over the grid: OLS of ``log B`` on ``log v`` (or on ``v``).

        For ``C·d²`` it is 2 on any grid; for ``C·(log d)²`` it is about ``2/log d`` (0.58 over
        ``d ∈ {16, 24, 32, 48, 64}``); for ``C·2^k`` on a linear scale it is ``log 2``. The same
        fit of the measured needs is compared with it."""
        v = np.asarray(sorted(set(values)), dtype=float)
        if v.size < 2 or v[0] <= (1 if self.logarithmic else 0):
            raise ParameterRangeError(
                "values", list(values), "at least two distinct values, all > 1 (> 0 for k)"
            )
        bound = self.bound.evaluate({self.variable: v, "C": 1.0})
        x = np.log(v) if self.logarithmic else v
        return float(stats.linregress(x, np.log(bound)).slope)


def _statement(
    name: str,
    learner: Learner,
    direction: Direction,
    expression: str,
    provenance: Provenance,
    why_false: str | None = None,
    variable: SymbolDomain = _D,
    need: str = "n*",
) -> GrowthStatement:
    relation = "≥" if direction is Direction.AT_LEAST else "≤"
    bound = Bound(
        f"{need}_{learner.value}({variable.name}) {relation} {expression}",
        expression,
        [variable, _C],
        provenance,
        f"{'sample' if need == 'n*' else 'size'} need of the {learner.value} learner",
    )
    return GrowthStatement(
        name, learner, direction, bound, why_false, variable.name, variable is _D
    )


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


# -- structured parity: size needed against the parity order k (variable k, linear scale) ----------
_PARITY_POSTER = "poster: beyond the kernel regime (parity)"


def fixed_features_need_exponential_size() -> GrowthStatement:
    """Random features need ``Ω(2^k)`` features for ``k``-sparse structured parity (``seed``:
    "exponentially large"; base 2 is the weakest exponential we state)."""
    return _statement(
        "random features need Ω(2^k) features",
        Learner.RANDOM_FEATURES,
        Direction.AT_LEAST,
        "C*2**k",
        Provenance(GFL_PAPER, _PARITY_POSTER, Tag.SEED),
        variable=_K,
        need="N*",
    )


def trained_network_needs_quadratic_width() -> GrowthStatement:
    """Algorithm 1 needs ``O(k²)`` neurons (``ours``: the poster's "polynomial" with degree 2;
    the ground truth has ``k + 1`` neurons, each a gradient feature hit with probability that
    falls with ``k``)."""
    return _statement(
        "trained network needs O(k²) neurons",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*k**2",
        Provenance(GFL_PAPER, _PARITY_POSTER + ", polynomial of degree 2", Tag.OURS),
        variable=_K,
        need="m*",
    )


def fixed_features_need_linear_size() -> GrowthStatement:
    """False variant: random features need only ``O(k)`` features (``ours``)."""
    return _statement(
        "random features need only O(k) features (false)",
        Learner.RANDOM_FEATURES,
        Direction.AT_MOST,
        "C*k",
        Provenance(GFL_PAPER, _PARITY_POSTER + ", rate lowered", Tag.OURS, "deliberately false"),
        why_false=(
            "on the uniform half of the data the k-parity is orthogonal to every function of "
            "degree below k: fixed features must span enough degree-k Walsh functions"
        ),
        variable=_K,
        need="N*",
    )
