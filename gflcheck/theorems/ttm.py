"""Taheri–Thrampoulidis–Mazumdar (ICLR 2025): feature learning on XOR, as sympy statements.

Poster, "Benefits of feature learning" (``seed``): a two-layer network of constant width ``m``
reaches zero test error on ``x ~ U({±1}^d)``, ``y = x₁x₂``, with ``n = Õ(d)`` samples after
``log d`` SGD iterations with step size ``η = m``. Table 2 (``seed``): the kernel regime needs width
``poly(d)``, ``d²`` iterations and ``d²`` samples; feature learning ``Ω(1)``, ``log d``, ``d``.

The hidden constants are explicit here: iterations ``c·⌈log d⌉``, fresh samples per iteration
``C_n·d`` (so ``n = C_n·d·c⌈log d⌉ = Õ(d)`` in all), width ``m ≥ C_w``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy

from gflcheck.core.bounds import Bound, SymbolDomain, hidden_constant
from gflcheck.core.provenance import TTM_PAPER, Provenance, Tag

_D = SymbolDomain("d", lower=2.0, lower_open=False, integer=True, description="input dimension")
_C = hidden_constant("c", "iterations per ⌈log d⌉")
_C_N = hidden_constant("C_n", "fresh samples per iteration per dimension")
_C_W = hidden_constant("C_w", "width constant")
_POSTER = "poster, Benefits of feature learning (informal theorem)"


def xor_iterations() -> Bound:
    """Iterations to zero test error: ``c·⌈log d⌉`` (``seed``: ``log d`` iterations)."""
    return Bound(
        "XOR iterations to zero error",
        _C.symbol * sympy.ceiling(sympy.log(_D.symbol)),
        [_C, _D],
        Provenance(TTM_PAPER, _POSTER, Tag.SEED),
    )


def xor_samples_per_iteration() -> Bound:
    """Fresh samples per SGD iteration, ``C_n·d`` (``ours``: the poster gives only the total)."""
    return Bound(
        "XOR samples per iteration",
        _C_N.symbol * _D.symbol,
        [_C_N, _D],
        Provenance(TTM_PAPER, _POSTER, Tag.OURS, "per-iteration split of n = Õ(d)"),
    )


def xor_total_samples() -> Bound:
    """``n = C_n·d·c⌈log d⌉ = Õ(d)`` samples in all (``seed``: ``n = Õ(d)``)."""
    return Bound(
        "XOR total samples",
        _C_N.symbol * _D.symbol * _C.symbol * sympy.ceiling(sympy.log(_D.symbol)),
        [_C_N, _C, _D],
        Provenance(TTM_PAPER, _POSTER + ", n = Õ(d)", Tag.SEED),
    )


def xor_width() -> Bound:
    """Width ``Ω(1)``: ``m ≥ C_w`` independent of ``d`` (``seed``, Table 2)."""
    return Bound(
        "XOR width (feature learning)",
        _C_W.symbol,
        [_C_W, _D],
        Provenance(TTM_PAPER, "Table 2, feature learning row", Tag.SEED),
    )


def kernel_regime_row() -> tuple[Bound, Bound, Bound]:
    """Table 2's kernel row: width ``C·d^p``, iterations ``C·d²``, samples ``C·d²`` (``seed``)."""
    C, p = hidden_constant("C"), hidden_constant("p", "degree of poly(d)")
    table = Provenance(TTM_PAPER, "Table 2, kernel regime row", Tag.SEED)
    return (
        Bound("kernel width", C.symbol * _D.symbol**p.symbol, [C, p, _D], table),
        Bound("kernel iterations", C.symbol * _D.symbol**2, [C, _D], table),
        Bound("kernel samples", C.symbol * _D.symbol**2, [C, _D], table),
    )


@dataclass(frozen=True)
class XorClaim:
    """A version of the XOR claim to check: ``iterations(d)`` SGD steps with ``batch(d)`` samples
    each reach zero test error w.p. ≥ 1 − δ, with fresh batches. ``why_false`` marks a deliberately
    false one. (The poster's Figure 1, whose ``n = 6d`` may also be read as one reused training
    set, is :mod:`gflcheck.claims.xor_figure_1`.)"""

    name: str
    iterations: Bound
    batch: Bound
    why_false: str | None = None

    @property
    def is_false_variant(self) -> bool:
        """``True`` for a deliberately false claim."""
        return self.why_false is not None

    def budget(
        self, dimension: int, iteration_constant: float, samples_constant: float
    ) -> tuple[int, int]:
        """``(T, b)``: the claim's iterations and fresh samples per iteration at ``d``, with the
        declared constants ``c`` and ``C_n`` (each at least 1)."""
        iterations = int(self.iterations.evaluate(c=iteration_constant, d=dimension))
        batch = math.ceil(self.batch.evaluate(C_n=samples_constant, d=dimension))
        return max(1, iterations), max(1, batch)


def feature_learning_claim() -> XorClaim:
    """The claim as instantiated: ``c⌈log d⌉`` iterations, ``C_n·d`` fresh samples each."""
    return XorClaim("XOR in c⌈log d⌉ steps", xor_iterations(), xor_samples_per_iteration())


def log_log_iterations() -> XorClaim:
    """False variant: ``max(1, ⌈log log d⌉)`` iterations suffice.

    False: each step multiplies the signal direction by at most 3 relative to the others (the
    population update is ``I ± 2C`` with eigenvalues 3, 1, −1), while the initial signal share is
    ``O(1/√d)``; too few steps leave a constant test error (measured ≈ 0.01–0.3)."""
    bound = Bound(
        "XOR iterations, log log d (false)",
        _C.symbol * sympy.Max(1, sympy.ceiling(sympy.log(sympy.log(_D.symbol)))),
        [_C, _D],
        Provenance(TTM_PAPER, _POSTER, Tag.OURS, "deliberately false"),
    )
    return XorClaim(
        "⌈log log d⌉ steps (false)",
        bound,
        xor_samples_per_iteration(),
        why_false="too few multiplicative steps for the signal to dominate the O(√d) noise",
    )


def sqrt_d_samples() -> XorClaim:
    """False variant: ``⌈√d⌉`` fresh samples per iteration suffice.

    False: the correlation estimate ``Ĉ`` from ``b`` points has noise of spectral norm about
    ``2√(d/b)``, far above the signal's 1 when ``b = √d``; SGD amplifies noise directions."""
    bound = Bound(
        "XOR samples per iteration, √d (false)",
        sympy.ceiling(sympy.sqrt(_D.symbol)),
        [_C_N, _D],
        Provenance(TTM_PAPER, _POSTER, Tag.OURS, "deliberately false"),
    )
    return XorClaim(
        "⌈√d⌉ samples per step (false)",
        xor_iterations(),
        bound,
        why_false="√d samples cannot estimate the d×d correlation the signal hides in",
    )
