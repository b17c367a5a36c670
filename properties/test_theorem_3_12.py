"""Theorem 3.12 (Shi–Wei–Liang, NeurIPS 2023) on Hypothesis-generated Gaussian mixtures.

The true theorem must not be refuted (declared false-alarm rate: see each verdict); each
deliberately false variant must be refuted, on settings where it is false.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from gflcheck.claims.theorem_3_12 import Theorem312Config, check_theorem_3_12
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import Outcome
from gflcheck.runtime.profiles import budget
from gflcheck.strategies import log_uniform, mixture_settings, separated_mixture_settings
from gflcheck.theorems.gfl import opt_dropped, single_step


def config() -> Theorem312Config:
    """The check's declared constants, with the current profile's budget; seeds planned to
    confirm, not to the power target (``gflcheck.strategies.PROPERTY_SEEDS_REASON``)."""
    return dataclasses.replace(Theorem312Config.within(budget()), power=None)


@given(setting=mixture_settings())
def test_theorem_3_12_is_not_refuted(setting, gflcheck_session):
    verdict = gflcheck_session.check(lambda: check_theorem_3_12(setting, config=config()))
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


# Non-vacuous region: well-separated clusters and small γ, ε keep the bound below 1.
SEPARATED = separated_mixture_settings()


def _bound_not_below(level: float):
    def applies(verdict, evidence) -> str | None:
        if verdict.bound_value >= level:
            return f"variant not false here: bound {verdict.bound_value:.2f} ≥ {level}"
        return None

    return applies


def _bayes_risk_not_above_bound(verdict, evidence) -> str | None:
    bayes = float(evidence.prepared.bayes_risk.lower[0])
    if bayes <= verdict.bound_value:
        return f"variant not false here: Bayes hinge risk ≥ {bayes:.3f} is below the bound"
    return None


@given(setting=SEPARATED)
def test_single_step_variant_is_refuted(setting, gflcheck_session):
    """False: one step leaves the output layer at its small initial scale, so L_D(f_1) ≥ 0.95
    (see :func:`gflcheck.theorems.gfl.single_step`); tested where the bound is below 0.9."""
    verdict = gflcheck_session.check(
        lambda: check_theorem_3_12(setting, single_step(), config=config()),
        applies=_bound_not_below(0.9),
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


# Overlapping clusters: the Bayes hinge risk is large, and small γ, ε make the variant's bound small.
OVERLAPPING = mixture_settings(
    families=st.sampled_from(("two-cluster", "orthogonal")),
    dimension=st.integers(4, 8),
    separation_to_noise=st.floats(0.5, 1.2),
    gamma=log_uniform(0.0003, 0.002),
    epsilon=st.floats(0.03, 0.08),
    clusters=st.integers(2, 3),
)


@given(setting=OVERLAPPING)
def test_opt_dropped_variant_is_refuted(setting, gflcheck_session):
    """False: no network beats the Bayes hinge risk E[1 − |2η(x) − 1|] (see
    :func:`gflcheck.theorems.gfl.opt_dropped`); tested where that risk exceeds the bound."""
    verdict = gflcheck_session.check(
        lambda: check_theorem_3_12(setting, opt_dropped(), config=config()),
        applies=_bayes_risk_not_above_bound,
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
