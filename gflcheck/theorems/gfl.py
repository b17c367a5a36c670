"""Shi–Wei–Liang (NeurIPS 2023), Theorem 3.12, as sympy statements with provenance.

    Pr[sign f_{Ξ⁽ᵗ⁾}(x) ≠ y] ≤ L_D(f_{Ξ⁽ᵗ⁾}) ≤ OPT_{d,r,B_F,S_{p,γ,B_G}} + r·B_a1·B_x1·√(2γ) + ε

for some ``t ∈ [T]``, with probability ≥ 1 − δ, if ``m ≤ e^d``,
``m = Ω(poly(1/p, 1/ε, 1/δ, B_a1, B_x1, log r))`` and
``T = Ω(poly(m, 1/p, 1/ε, 1/δ, B_a2, B_x1, √r))`` (``seed``). The two ``Ω(poly(·))`` requirements
are made explicit here with hidden constants ``C_m`` and ``C_T`` (``ours``, docs/setups.md §1.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from gflcheck.core.bounds import (
    Bound,
    hidden_constant,
    non_negative,
    positive,
    positive_integer,
    unit_interval,
)
from gflcheck.core.provenance import GFL_PAPER, Provenance, Tag

_OPT = non_negative("OPT", "optimal loss over the gradient-feature-induced class F_{d,r,B_F,S}")
_R = positive_integer("r", "width of the gradient-feature-induced networks")
_B_A1 = positive("B_a1", "bound on each output weight |a_i| of the induced networks")
_B_A2 = positive("B_a2", "bound on ‖a‖₂ of the induced networks")
_B_X1 = positive("B_x1", "bound on E‖x‖₂")
_GAMMA = unit_interval("gamma", "gradient-feature alignment slack γ")
_EPSILON = unit_interval("epsilon", "excess loss ε")
_DELTA = unit_interval("delta", "failure probability δ")
_P = unit_interval("p", "gradient-feature hit probability p")


def theorem_3_12_bound() -> Bound:
    """``OPT + r·B_a1·B_x1·√(2γ) + ε`` (seed: the poster's Main Results)."""
    return Bound(
        "GFL Theorem 3.12",
        "OPT + r*B_a1*B_x1*sqrt(2*gamma) + epsilon",  # the poster's order
        [_OPT, _R, _B_A1, _B_X1, _GAMMA, _EPSILON],
        Provenance(GFL_PAPER, "Theorem 3.12 (Main Results)", Tag.SEED),
        "bound on the population hinge loss L_D(f_t) of some iterate t ∈ [T]",
    )


def width_requirement() -> Bound:
    """``m ≥ C_m·(1/p)·log(r/δ)``: our explicit instance of ``m = Ω(poly(1/p, 1/δ, log r))``.

    ``1/p·log(r/δ)`` initial neurons hit each of the ``r`` features with probability ≥ 1 − δ
    (coupon-collector reasoning); the degree in ``1/ε, B_a1, B_x1`` is taken as 0 (``ours``).
    """
    C_m, p, r, delta = (d.symbol for d in (hidden_constant("C_m"), _P, _R, _DELTA))
    return Bound(
        "width requirement",
        C_m / p * sympy.log(r / delta),
        [hidden_constant("C_m", "hidden constant of the width requirement"), _P, _R, _DELTA],
        Provenance(GFL_PAPER, "Theorem 3.12, m = Ω(poly(·))", Tag.OURS, "explicit polynomial"),
    )


def steps_requirement() -> Bound:
    """``T ≥ C_T·√r·B_a2·B_x1/ε``: our explicit instance of ``T = Ω(poly(√r, B_a2, B_x1, 1/ε))``.

    The scale of the second phase: output weights of norm ``B_a2`` on features of size ``B_x1``
    learnt to accuracy ``ε`` (``ours``; degree 0 in ``m``, ``1/p``, ``1/δ``).
    """
    C_T, r, B_a2, B_x1, epsilon = (
        d.symbol for d in (hidden_constant("C_T"), _R, _B_A2, _B_X1, _EPSILON)
    )
    return Bound(
        "steps requirement",
        C_T * sympy.sqrt(r) * B_a2 * B_x1 / epsilon,
        [
            hidden_constant("C_T", "hidden constant of the steps requirement"),
            _R,
            _B_A2,
            _B_X1,
            _EPSILON,
        ],
        Provenance(GFL_PAPER, "Theorem 3.12, T = Ω(poly(·))", Tag.OURS, "explicit polynomial"),
    )


@dataclass(frozen=True)
class Statement:
    """A version of Theorem 3.12 to check: the true one, or a deliberately false variant.

    ``steps``/``width`` replace the theorem's requirements when set. ``why_false`` explains,
    for a variant, why the statement is false and where.
    """

    name: str
    bound: Bound
    steps: int | None = None
    width: int | None = None
    why_false: str | None = None

    @property
    def is_false_variant(self) -> bool:
        """``True`` for a deliberately false statement."""
        return self.why_false is not None


def theorem_3_12() -> Statement:
    """The theorem as stated."""
    return Statement("Theorem 3.12", theorem_3_12_bound())


def opt_dropped() -> Statement:
    """False variant: ``L_D(f_t) ≤ r·B_a1·B_x1·√(2γ) + ε``, without OPT.

    False because no classifier beats the Bayes hinge risk ``E[1 − |2η(x) − 1|]``: on overlapping
    clusters that risk is positive, and once ``r·B_a1·B_x1·√(2γ) + ε`` is below it, every network at
    every step violates the variant.
    """
    r, B_a1, B_x1, gamma, epsilon = (d.symbol for d in (_R, _B_A1, _B_X1, _GAMMA, _EPSILON))
    bound = Bound(
        "GFL Theorem 3.12 without OPT (false)",
        r * B_a1 * B_x1 * sympy.sqrt(2 * gamma) + epsilon,
        [_OPT, _R, _B_A1, _B_X1, _GAMMA, _EPSILON],
        Provenance(GFL_PAPER, "Theorem 3.12, OPT dropped", Tag.OURS, "deliberately false"),
    )
    return Statement(
        "OPT dropped",
        bound,
        why_false="ignores the Bayes hinge risk, positive on overlapping clusters",
    )


def single_step() -> Statement:
    """False variant: the bound already holds after the first step (``T = 1``).

    False because step 1 changes only the first layer: the output weights keep their initial scale
    ``σ_a``, so ``|f_1| ≪ 1`` and ``L_D(f_1) ≈ 1``, above every non-vacuous bound.
    """
    return Statement(
        "single step (T=1)",
        theorem_3_12_bound(),
        steps=1,
        why_false="after one step the output layer is still at its small initial scale: L ≈ 1",
    )


def single_step_without_feature_term() -> Statement:
    """False variant: ``L_D(f_1) ≤ OPT + ε`` already after the first step, with the
    feature-approximation term ``r·B_a1·B_x1·√(2γ)`` dropped.

    False for the reason of :func:`single_step` (``L_D(f_1) ≈ 1``), and unlike it, it stays false
    where the theorem's bound is vacuous: it is refutable wherever ``OPT + ε < 1``, e.g. on
    structured parity (``OPT = 0``) and the two-index model.
    """
    OPT, epsilon = (d.symbol for d in (_OPT, _EPSILON))
    bound = Bound(
        "GFL Theorem 3.12 after one step, feature term dropped (false)",
        OPT + epsilon,
        [_OPT, _R, _B_A1, _B_X1, _GAMMA, _EPSILON],
        Provenance(
            GFL_PAPER,
            "Theorem 3.12, T = 1 and r·B_a1·B_x1·√(2γ) dropped",
            Tag.OURS,
            "deliberately false",
        ),
        "bound on L_D(f_t) for some t ∈ [1]",
    )
    return Statement(
        "single step, feature term dropped",
        bound,
        steps=1,
        why_false="after one step the output layer is still at its small initial scale: "
        "L ≈ 1 > OPT + ε",
    )


def quarter_of_the_bound() -> Statement:
    """False variant near the truth (``ours``): ``L_D(f_t) ≤ (OPT + r·B_a1·B_x1·√(2γ) +
    ε)/4``.

    On overlapping clusters OPT dominates the bound and the trained network gets close to it:
    ``gflcheck mutate`` measured the theorem 1.73× loose there (noisy two-cluster, ‖μ‖/σ = 1),
    refuted from ÷ 2.1. A quarter of the bound is below the Bayes hinge risk wherever OPT is
    more than ¾ of the bound, so no network meets it; it sits within a factor 2 of the break
    point, where a weak check would miss it."""
    bound = theorem_3_12_bound()
    return Statement(
        "a quarter of the bound",
        bound.variant(
            "GFL Theorem 3.12 ÷ 4 (false)", bound.expression / 4, "the right-hand side ÷ 4"
        ),
        why_false="below the Bayes hinge risk where OPT is most of the bound (measured break "
        "point ÷ 2.1 on overlapping clusters)",
    )
