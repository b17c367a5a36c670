"""Taheri–Thrampoulidis–Mazumdar (ICLR 2025), kernel regime, against Chen et al. (ICLR 2021).

Table 1 (``seed``), with the ``O(·)`` made explicit by hidden constants (docs/setups.md §3):
TTM's test loss ``C₁e^{C₂L}/(γ²n)``; Chen21's ``C₁e^{C₂L}/γ²·√(m/n)``. The explicit forms
(``secondary``): training loss ``F̂(w_T) ≤ 4ρ*²/(ηT)``; generalisation gap
``E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀ + ¼)²/n``, for ``η < 1/(G₀² + ¼)``; the kernel-regime radius
condition ``‖W* − W₀‖ ≤ m^{C/L}`` (``seed``).
"""

from __future__ import annotations

import sympy

from gflcheck.core.bounds import (
    Bound,
    SymbolDomain,
    hidden_constant,
    non_negative,
    positive,
    positive_integer,
)
from gflcheck.core.provenance import CHEN21_PAPER, TTM_PAPER, Provenance, Tag

_C1, _C2 = hidden_constant("C1"), hidden_constant("C2")
_L = positive_integer("L", "depth (hidden layers)")
_M = positive_integer("m", "width")
_N = positive_integer("n", "number of training samples")
_T = positive_integer("T", "number of GD steps")
_GAMMA = SymbolDomain("gamma", lower=0.0, description="NTK margin at initialisation")
_RHO = positive("rho", "ρ* of the reference point")
_ETA = positive("eta", "step size")
_G0 = non_negative("G0", "Lipschitz constant of the network at initialisation")
_TABLE_1 = "poster, Table 1"
_EXPLICIT = "explicit bounds as quoted in docs/setups.md §2.1"


def _symbols(*domains: SymbolDomain):
    return [d.symbol for d in domains]


def ttm_test_loss() -> Bound:
    """``C₁e^{C₂L}/(γ²n)`` (seed: TTM's row of Table 1)."""
    return Bound(
        "TTM kernel-regime test loss",
        "C1*exp(C2*L)/(gamma**2*n)",  # the paper's Table 1 order
        [_C1, _C2, _L, _GAMMA, _N],
        Provenance(TTM_PAPER, _TABLE_1, Tag.SEED),
    )


def ttm_test_loss_calibrated() -> Bound:
    """``C₁e^{C₂L}/(γ²n)`` read with calibrated hidden constants (``ours``: the form is TTM's
    Table 1, the constants are fitted on declared calibration runs, docs/setups.md §3)."""
    C1, C2, L, gamma, n = _symbols(_C1, _C2, _L, _GAMMA, _N)
    return Bound(
        "TTM kernel-regime test loss, calibrated constants",
        C1 * sympy.exp(C2 * L) / (gamma**2 * n),
        [_C1, _C2, _L, _GAMMA, _N],
        Provenance(TTM_PAPER, _TABLE_1 + ", constants calibrated (docs/setups.md §3)", Tag.OURS),
    )


def chen21_test_loss() -> Bound:
    """``C₁e^{C₂L}/γ²·√(m/n)`` (seed: the Chen et al. 2021 row of TTM's Table 1)."""
    return Bound(
        "Chen21 test loss",
        "C1*exp(C2*L)/gamma**2*sqrt(m/n)",
        [_C1, _C2, _L, _GAMMA, _M, _N],
        Provenance(CHEN21_PAPER, "as quoted in TTM's Table 1", Tag.SEED),
    )


def training_loss_bound() -> Bound:
    """``F̂(w_T) ≤ 4ρ*²/(ηT)`` (secondary)."""
    return Bound(
        "TTM training loss",
        "4*rho**2/(eta*T)",
        [_RHO, _ETA, _T],
        Provenance(TTM_PAPER, _EXPLICIT + ", training loss", Tag.SECONDARY),
    )


def generalization_gap_bound() -> Bound:
    """``E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀ + ¼)²/n`` (secondary)."""
    return Bound(
        "TTM generalisation gap",
        "9*rho**2*(G0 + 1/4)**2/n",
        [_RHO, _G0, _N],
        Provenance(TTM_PAPER, _EXPLICIT + ", generalisation gap", Tag.SECONDARY),
    )


def kernel_radius_condition() -> Bound:
    """``‖W* − W₀‖ ≤ m^{C/L}`` (seed): the network operates in the kernel regime."""
    C = hidden_constant("C", "exponent constant")
    m, L = _symbols(_M, _L)
    return Bound(
        "kernel-regime radius",
        m ** (C.symbol / L),
        [C, _M, _L],
        Provenance(TTM_PAPER, "poster, Kernel regime's results", Tag.SEED),
    )


def training_loss_bound_squared_rate() -> Bound:
    """False variant: ``F̂(w_T) ≤ 4ρ*²/(ηT²)``.

    False: on separable data the logistic loss under GD with a fixed step decays like
    ``1/(γ²ηT)``, not ``1/T²``; for large ``T`` this bound drops below the measured loss."""
    rho, eta, T = _symbols(_RHO, _ETA, _T)
    return Bound(
        "TTM training loss, 1/T² (false)",
        4 * rho**2 / (eta * T**2),
        [_RHO, _ETA, _T],
        Provenance(TTM_PAPER, _EXPLICIT, Tag.OURS, "deliberately false"),
    )


def training_loss_bound_constant_one() -> Bound:
    """False variant near the truth (``ours``): ``F̂(w_t) ≤ ρ*²/(ηt)``, the constant 4
    replaced by 1.

    ``gflcheck mutate`` measured TTM's bound 3.4× loose on the exact training losses at every
    step (d = 6, m = 32, L = 2, n = 48), refuted from ÷ 3.42: the constant 1 is within a factor
    2 of that break point, where a weak check would miss it."""
    rho, eta, T = _symbols(_RHO, _ETA, _T)
    return Bound(
        "TTM training loss, constant 1 (false)",
        rho**2 / (eta * T),
        [_RHO, _ETA, _T],
        Provenance(TTM_PAPER, _EXPLICIT + ", 4 → 1", Tag.OURS, "deliberately false"),
    )


def generalization_gap_thousandth() -> Bound:
    """False variant near the measured break point (``ours``): the gap bound ÷ 1000,
    ``9ρ*²(G₀+¼)²/(1000n)``.

    ``gflcheck mutate`` measured TTM's gap bound 262× loose (95% interval of the tightness
    161–716) and refuted from ÷ 838: the bound is so loose that only a tightening of this order
    is false, and ÷ 1000 sits within a factor 2 of that break point."""
    rho, G0, n = _symbols(_RHO, _G0, _N)
    return Bound(
        "TTM generalisation gap ÷ 1000 (false)",
        9 * rho**2 * (G0 + sympy.Rational(1, 4)) ** 2 / (1000 * n),
        [_RHO, _G0, _N],
        Provenance(TTM_PAPER, _EXPLICIT + ", ÷ 1000", Tag.OURS, "deliberately false"),
    )


def no_generalization_gap() -> Bound:
    """False variant: ``E[F(w_T) − F̂(w_T)] ≤ 0`` (the gap term dropped).

    False: GD fits its own training set better than fresh data, so the expected test loss
    exceeds the expected training loss (measured gaps ≈ 10⁻³–10⁻²)."""
    rho, G0, n = _symbols(_RHO, _G0, _N)
    return Bound(
        "TTM generalisation gap dropped (false)",
        0 * rho * G0 / n,
        [_RHO, _G0, _N],
        Provenance(TTM_PAPER, _EXPLICIT, Tag.OURS, "deliberately false"),
    )
