"""Beyond the kernel regime (Shi–Wei–Liang poster, docs/setups.md §1.4) as growth statements.

On the XOR-like Gaussian mixture the poster claims that fixed-feature methods (random features,
the NTK-linearised network) need ``Ω(d²)`` features and samples, while gradient feature learning
needs ``O(log d)`` neurons and ``O((log d)²)`` samples; on parity, that fixed features need an
exponentially large size and gradient feature learning a polynomial one (``seed``).

A :class:`GrowthStatement` says how the *need* of one learner (the least sample size, or number of
features or neurons, at which its error reaches a declared level) grows with ``d`` (or with the
parity order ``k``): at least like its bound (``Ω``) or at most like it (``O``). The bound is a
sympy expression with a hidden constant ``C``; what a finite grid can check is its slope over that
grid (log-log in ``d``, log-linear in ``k``), compared with the grid-level slope of the measured
needs (:func:`gflcheck.core.statement_kinds.need_check`). :func:`rival` makes the statement a claim is
told apart from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from gflcheck.core.bounds import Bound, SymbolDomain, hidden_constant, positive, positive_integer
from gflcheck.core.provenance import (
    GFL_PAPER,
    GHORBANI21_PAPER,
    Provenance,
    Tag,
)
from gflcheck.models.learners import Learner
from gflcheck.runtime.errors import ParameterRangeError

_D = positive("d", "input dimension")
_C = hidden_constant("C", "the constant of the O(·) or Ω(·)")
_K = positive_integer("k", "parity order |A|")


SEPARATION_LEARNERS = (Learner.RANDOM_FEATURES, Learner.NTK, Learner.TRAINED_NETWORK)
"""The learners of the poster's separation (:mod:`gflcheck.claims.kernel_separation`)."""


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

    @property
    def at_least(self) -> bool:
        """An ``Ω`` statement: the need grows at least like the bound."""
        return self.direction is Direction.AT_LEAST


def growth_statement(
    name: str,
    learner: Learner,
    direction: Direction,
    expression: str,
    provenance: Provenance,
    why_false: str | None = None,
    variable: SymbolDomain = _D,
    need: str = "n*",
) -> GrowthStatement:
    """``need_learner(v) ≥ expression`` (``Ω``) or ``≤`` (``O``) as a :class:`GrowthStatement`,
    its bound a sympy expression in ``v`` (``d`` or ``k``) and ``C``; ``need`` names the
    measured size (``n*`` samples, ``m*`` neurons, ``N*`` features)."""
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


def rival(of: GrowthStatement, expression: str, shape: str, at_least: bool | None = None):
    """A rival of ``of`` (``ours``): the same learner's need growing like ``expression`` (shown
    as ``shape``), by default in the other direction (``O`` for an ``Ω`` claim): the rate the
    claim is contrasted with, or its negation. Judged on the claim's own measurement, it tells
    whether the grid can tell the two apart."""
    direction = (not of.at_least) if at_least is None else at_least
    relation = "Ω" if direction else "O"
    need = "samples" if of.bound.name.startswith("n*") else "size"
    return growth_statement(
        f"{of.learner.value} needs {relation}({shape}) {need} (rival)",
        of.learner,
        Direction.AT_LEAST if direction else Direction.AT_MOST,
        expression,
        Provenance(
            of.bound.provenance.paper,
            f"{of.bound.provenance.location}, rival {relation}({shape})",
            Tag.OURS,
            f"the rival of {of.name!r}",
        ),
        variable=_K if of.variable == "k" else _D,
        need=of.bound.name.split("_", 1)[0],
    )


_POSTER = "poster: beyond the kernel regime (Gaussian mixture)"


def fixed_features_need_quadratic_samples(learner: Learner) -> GrowthStatement:
    """Random features or the NTK-linearised model need ``Ω(d²)`` samples and features (``seed``)."""
    if learner is Learner.TRAINED_NETWORK:
        raise ParameterRangeError("learner", learner.value, "random features or NTK-linearised")
    return growth_statement(
        f"{learner.value} need Ω(d²) samples",
        learner,
        Direction.AT_LEAST,
        "C*d**2",
        Provenance(GFL_PAPER, _POSTER, Tag.SEED),
    )


def trained_network_needs_log_squared_samples() -> GrowthStatement:
    """Gradient feature learning needs ``O((log d)²)`` samples (``seed``)."""
    return growth_statement(
        "trained network needs O((log d)²) samples",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*log(d)**2",
        Provenance(GFL_PAPER, _POSTER, Tag.SEED),
    )


def trained_network_needs_logarithmic_neurons() -> GrowthStatement:
    """Gradient feature learning needs ``O(log d)`` neurons (``seed``)."""
    return growth_statement(
        "trained network needs O(log d) neurons",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*log(d)",
        Provenance(GFL_PAPER, _POSTER + ", neurons", Tag.SEED),
        need="m*",
    )


def random_features_need_quadratic_features() -> GrowthStatement:
    """Random features need ``Ω(d²)`` features (``seed``), the poster's count beside its samples:
    on the mixture's degree-2 label, ``N ≪ d²`` random features fit only its degree-≤1 part
    (Ghorbani, Mei, Misiakiewicz and Montanari 2021)."""
    return growth_statement(
        "random features need Ω(d²) features",
        Learner.RANDOM_FEATURES,
        Direction.AT_LEAST,
        "C*d**2",
        Provenance(GFL_PAPER, _POSTER + ", features", Tag.SEED),
        need="N*",
    )


def trained_network_needs_linear_samples() -> GrowthStatement:
    """The form that holds with isotropic noise of unit variance per coordinate (``ours``).

    The first step estimates the gradient features from ``n`` samples; with noise ``N(0, I_d)``
    that estimate's error is of order ``√(d/n)``, so ``n*`` grows like ``d``: no learner can
    find two directions in ``R^d`` from ``o(d)`` such samples."""
    return growth_statement(
        "trained network needs O(d) samples",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*d",
        Provenance(GFL_PAPER, _POSTER + ", measured form", Tag.OURS),
    )


def fixed_features_need_root_d_samples() -> GrowthStatement:
    """False variant (``ours``): random features need only ``O(√d)`` samples on the low-SNR
    mixture. Over d = 16…64 their need's log-log line bends, and at the top of the grid its
    local slope, measured 1.48 [1.28, 1.68] (95%, 6 df), refutes ``O(d^e)`` (``τ = 0.25``) at
    the family's share for ``e`` below about 0.8; ``O(d)`` is not refuted there."""
    return growth_statement(
        "random features need only O(√d) samples (false)",
        Learner.RANDOM_FEATURES,
        Direction.AT_MOST,
        "C*sqrt(d)",
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
    return growth_statement(
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
    return growth_statement(
        "trained network needs O(k²) neurons",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*k**2",
        Provenance(GFL_PAPER, _PARITY_POSTER + ", polynomial of degree 2", Tag.OURS),
        variable=_K,
        need="m*",
    )


def fixed_features_need_quartic_size() -> GrowthStatement:
    """A rival of :func:`fixed_features_need_exponential_size` (``ours``): only ``O(k⁴)`` random
    features, against "exponentially large"; a grid of ``k`` where both hold cannot tell them."""
    return growth_statement(
        "random features need only O(k⁴) features (rival)",
        Learner.RANDOM_FEATURES,
        Direction.AT_MOST,
        "C*k**4",
        Provenance(GFL_PAPER, _PARITY_POSTER + ", polynomial rival", Tag.OURS),
        variable=_K,
        need="N*",
    )


def trained_network_needs_exponential_width() -> GrowthStatement:
    """A rival of :func:`trained_network_needs_quadratic_width` (``ours``): Algorithm 1 needs
    ``Ω(2^k)`` neurons. If it is not refuted on a grid of ``k``, that grid cannot tell the
    trained network's polynomial need from an exponential one."""
    return growth_statement(
        "trained network needs Ω(2^k) neurons (rival)",
        Learner.TRAINED_NETWORK,
        Direction.AT_LEAST,
        "C*2**k",
        Provenance(GFL_PAPER, _PARITY_POSTER + ", exponential rival", Tag.OURS),
        variable=_K,
        need="m*",
    )


def fixed_features_need_linear_size() -> GrowthStatement:
    """False variant: random features need only ``O(k)`` features (``ours``)."""
    return growth_statement(
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


@dataclass(frozen=True)
class CollapseStatement:
    """How ``learner``'s test error moves with ``d`` when it gets ``n = c·d^a`` samples
    (``samples`` names that schedule): it *rises* (``rises``: the need grows faster than
    ``d^a``) or does not (the need grows no faster than ``d^a``). This is how a quadratic sample
    need can be seen on a range of ``d`` where lower-order terms bend a fitted slope of the need
    (docs/setups.md §5.1): at ``n ∝ d`` the error rises with ``d``, at ``n ∝ d²`` it does not."""

    name: str
    learner: Learner
    constant: float
    exponent: float
    rises: bool
    bound: Bound
    why_false: str | None = None

    @property
    def samples(self) -> str:
        """``n = 16·d``, ``n = 0.25·d²``…"""
        power = "d" if self.exponent == 1 else f"d^{self.exponent:g}"
        return f"n = {self.constant:g}·{power}"

    def sample_size(self, dimension: int) -> int:
        """``⌈c·d^a⌉``."""
        return int(np.ceil(self.constant * dimension**self.exponent))


def _error_level(learner: Learner, samples: str, rises: bool, provenance: Provenance) -> Bound:
    return Bound(
        f"error of {learner.value} at {samples} {'rises' if rises else 'stays bounded'} in d",
        "C",
        [_D, _C],
        provenance,
        f"test error of the {learner.value} learner at {samples}: its log-log slope in d is "
        + ("at least 0" if rises else "at most 0"),
    )


_LOW_SNR = "low-SNR XOR-like mixture (‖μ‖ fixed, noise N(0, I_d))"


def fixed_features_error_rises_at_linear_samples(
    learner: Learner, constant: float = 16.0
) -> CollapseStatement:
    """The part of "fixed features need ``Ω(d²)`` samples" (``seed``) that a finite range of ``d``
    can show: their need grows faster than ``d``, so with ``n = c·d`` samples their test error
    rises with ``d`` (a learner whose need grows like ``d`` keeps a constant error there). It does
    not show the exponent 2: see :func:`random_features_error_bounded_at_quadratic_samples`."""
    if learner is Learner.TRAINED_NETWORK:
        raise ParameterRangeError("learner", learner.value, "random features or NTK-linearised")
    samples = f"n = {constant:g}·d"
    return CollapseStatement(
        f"{learner.value}: error at {samples} rises with d (need ≫ d)",
        learner,
        constant,
        1.0,
        True,
        _error_level(
            learner,
            samples,
            True,
            Provenance(
                GFL_PAPER, _POSTER, Tag.SEED, f"Ω(d²) samples, read as need ≫ d; {_LOW_SNR}"
            ),
        ),
    )


def random_features_error_bounded_at_quadratic_samples(
    constant: float = 0.25,
) -> CollapseStatement:
    """Ghorbani, Mei, Misiakiewicz and Montanari 2021 (``secondary``): kernel and random-feature
    methods learn a degree-ℓ polynomial from ``n ≍ d^ℓ`` samples, so on the low-SNR XOR-like
    mixture (a degree-2 label) random features learn from of the order of ``d²`` samples: with
    ``n = c·d²`` their test error does not rise with ``d``. (Refinetti et al. 2021 show the other
    side: at ``n ∝ d`` they fail.)"""
    samples = f"n = {constant:g}·d²"
    return CollapseStatement(
        f"random features: error at {samples} does not rise with d (need ≲ d²)",
        Learner.RANDOM_FEATURES,
        constant,
        2.0,
        False,
        _error_level(
            Learner.RANDOM_FEATURES,
            samples,
            False,
            Provenance(
                GHORBANI21_PAPER,
                "kernels and random features learn degree-ℓ polynomials from n ≍ d^ℓ samples",
                Tag.SECONDARY,
                _LOW_SNR,
            ),
        ),
    )


def random_features_error_bounded_at_few_samples(
    constant: float = 4.0, exponent: float = 1.25
) -> CollapseStatement:
    """False variant (``ours``): random features learn the low-SNR mixture from ``n = c·d^a``
    samples with ``a < 2`` (default ``4·d^1.25``), so their error there does not rise with
    ``d``. False on the declared range because their need grows faster than ``d^1.25``."""
    samples = f"n = {constant:g}·d^{exponent:g}"
    return CollapseStatement(
        f"random features: error at {samples} does not rise with d (false)",
        Learner.RANDOM_FEATURES,
        constant,
        exponent,
        False,
        _error_level(
            Learner.RANDOM_FEATURES,
            samples,
            False,
            Provenance(GFL_PAPER, _POSTER, Tag.OURS, "deliberately false; " + _LOW_SNR),
        ),
        why_false=f"random features need more than d^{exponent:g} samples in the low-SNR regime",
    )


def trained_network_needs_root_d_samples() -> GrowthStatement:
    """False variant near the truth (``ours``): Algorithm 1 needs only ``O(√d)`` samples on the
    low-SNR mixture. The ``O(d)`` statement's grid-level slope over d = 16…64 is 1.07
    [0.97, 1.18] (9 points), refuted at the rate share once its threshold (1 + τ) drops by about
    0.4: ``√d`` lowers it by 0.5, within a factor 2 of that break point."""
    return growth_statement(
        "trained network needs only O(√d) samples (false)",
        Learner.TRAINED_NETWORK,
        Direction.AT_MOST,
        "C*sqrt(d)",
        Provenance(GFL_PAPER, _POSTER + ", √d", Tag.OURS, "deliberately false"),
        why_false="in the low-SNR regime the first step must find two directions in R^d: the "
        "measured need grows like d^1.07",
    )


def fixed_features_need_grows_faster(learner: Learner) -> Bound:
    """The separation's comparison itself (``seed``, the poster): fixed features need more samples
    than gradient feature learning, by a factor that grows with ``d``. Checked on the paired
    ratio ``n*_fixed/n*_trained``, whose growth exponent over ``d`` must be above 0 (the bound
    ``C·d⁰``: the ratio outgrows every constant)."""
    if learner is Learner.TRAINED_NETWORK or learner not in SEPARATION_LEARNERS:
        raise ParameterRangeError("learner", learner.value, "random features or NTK-linearised")
    return _growing_ratio(
        f"n*_{learner.value}(d)/n*_{Learner.TRAINED_NETWORK.value}(d)",
        _D,
        _POSTER,
        "the paired need ratio of fixed features over the trained network",
    )


def random_features_size_grows_faster_in_k() -> Bound:
    """The parity separation's comparison (``seed``, the poster: fixed features need exponentially
    many features, gradient feature learning polynomially many neurons): the paired ratio
    ``N*_random features/m*_trained`` grows with the parity order ``k``. Its log-linear slope in
    ``k`` must be above 0 (the bound ``C·k⁰``: the ratio outgrows every constant). It holds
    whichever rates the two needs follow, so it does not depend on telling ``2^k`` from ``k⁴`` on
    the grid."""
    return _growing_ratio(
        f"N*_{Learner.RANDOM_FEATURES.value}(k)/m*_{Learner.TRAINED_NETWORK.value}(k)",
        _K,
        _PARITY_POSTER,
        "the paired size ratio of random features over the trained network",
    )


def _growing_ratio(ratio: str, variable: SymbolDomain, location: str, description: str) -> Bound:
    """``ratio ≥ C·v⁰``, growing: the bound of a separation's paired comparison (``seed``)."""
    v = variable.name
    return Bound(
        f"{ratio} ≥ C·{v}^0, growing",
        f"C*{v}**0",
        [variable, _C],
        Provenance(GFL_PAPER, location, Tag.SEED),
        description,
    )


def ratio_stays_bounded(growing: Bound) -> Bound:
    """The rival of a growing paired ratio (``ours``): the ratio stays bounded, ``C·v⁰`` read as
    "at most" (its slope over the grid at most 0): the separation's negation."""
    ratio = growing.name.split(" ≥ ", 1)[0]
    return growing.variant(f"{ratio} ≤ C, bounded (rival)", growing.expression, "rival: bounded")
