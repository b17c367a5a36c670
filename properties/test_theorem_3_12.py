"""Theorem 3.12 (Shi–Wei–Liang, NeurIPS 2023) on Hypothesis-generated Gaussian mixtures.

The true theorem must not be refuted (declared false-alarm rate: see each verdict); each
deliberately false variant must be refuted, on settings where it is false.
"""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from gflcheck.claims.theorem_3_12 import theorem_3_12_check
from gflcheck.models.gfl_runs import Theorem312Config
from gflcheck.runtime.profiles import budget
from gflcheck.strategies import log_uniform, mixture_settings, separated_mixture_settings
from gflcheck.theorems.gfl import opt_dropped, single_step

CONFIG = dataclasses.replace(Theorem312Config.within(budget()), power=None)
"""The check's declared constants, with the current profile's budget; seeds planned to confirm,
not to the power target (``gflcheck.strategies.PROPERTY_SEEDS_REASON``)."""

OVERLAPPING = mixture_settings(
    families=st.sampled_from(("two-cluster", "orthogonal")),
    dimension=st.integers(4, 8),
    separation_to_noise=st.floats(0.5, 1.2),
    gamma=log_uniform(0.0003, 0.002),
    epsilon=st.floats(0.03, 0.08),
    clusters=st.integers(2, 3),
)
"""Overlapping clusters: the Bayes hinge risk is large, and small γ, ε make a variant's bound
small."""


def bound_not_below(level: float):
    """``applies``: the variant is tested only where its bound is below ``level``."""

    def applies(verdict, evidence) -> str | None:
        if verdict.bound_value >= level:
            return f"variant not false here: bound {verdict.bound_value:.2f} ≥ {level}"
        return None

    return applies


def bayes_risk_above_bound(verdict, evidence) -> str | None:
    """``applies``: the variant is tested only where the Bayes hinge risk exceeds its bound."""
    bayes = float(evidence.prepared.bayes_risk.lower[0])
    if bayes <= verdict.bound_value:
        return f"variant not false here: Bayes hinge risk ≥ {bayes:.3f} is below the bound"
    return None


theorem_3_12_on_mixtures = theorem_3_12_check(config=CONFIG, settings=mixture_settings())
test_theorem_3_12_is_not_refuted = theorem_3_12_on_mixtures.property()

# False: one step leaves the output layer at its small initial scale, so L_D(f_1) ≥ 0.95
# (gflcheck.theorems.gfl.single_step); tested on separated clusters where the bound is below 0.9.
test_single_step_variant_is_refuted = theorem_3_12_check(
    single_step(), CONFIG, separated_mixture_settings()
).property(applies=bound_not_below(0.9))

# False: no network beats the Bayes hinge risk E[1 − |2η(x) − 1|]
# (gflcheck.theorems.gfl.opt_dropped); tested where that risk exceeds the bound.
test_opt_dropped_variant_is_refuted = theorem_3_12_check(
    opt_dropped(), CONFIG, OVERLAPPING
).property(applies=bayes_risk_above_bound)
