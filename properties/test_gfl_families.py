"""Theorem 3.12 (Shi–Wei–Liang) on the poster's other families (docs/setups.md §1.4), through the same
check as the Gaussian mixtures: structured k-sparse parity (exact sums over the cube), linear
data with a margin (closed-form G) and the two-index model y = sign(⟨u₁,x⟩⟨u₂,x⟩) (G by quadrature
over the index plane).

Each verdict reports the gradient-feature hit rate p of the family's ground truth and whether the
bound is non-vacuous (below 1 for the 0-1 error).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gflcheck.claims.theorem_3_12 import Theorem312Config, check_theorem_3_12
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import Outcome
from gflcheck.runtime.profiles import budget
from gflcheck.strategies import (
    linear_settings,
    log_uniform,
    multiple_index_settings,
    parity_settings,
)
from gflcheck.theorems.gfl import single_step, single_step_without_feature_term


def config() -> Theorem312Config:
    """Seeds planned to confirm, not to the power target (``PROPERTY_SEEDS_REASON``)."""
    return dataclasses.replace(Theorem312Config.within(budget()), power=None)


def checked(setting, session):
    """Theorem 3.12 on ``setting`` through the session (rejections counted there); returns the
    verdict and the evidence that the notes quote."""
    kept = {}

    def run():
        kept["result"] = check_theorem_3_12(setting, config=config())
        return kept["result"]

    session.check(run)
    return kept["result"]


@pytest.mark.gflcheck_property(
    holds_share=0.0,
    reason="r·B_a1·B_x1·√(2γ) exceeds the trivial hinge loss 1 on parity at every γ whose hit "
    "rate fits the budget: vacuous by construction; the one-step variant below is refutable",
)
@given(setting=parity_settings())
def test_theorem_3_12_on_structured_parity_is_not_refuted(setting, gflcheck_session):
    verdict, evidence = checked(setting, gflcheck_session)
    gflcheck_session.note(
        f"parity d={setting.dimension}, k={setting.sparsity}, γ={setting.gamma:.2f}: p = "
        f"{evidence.prepared.hit_rate.p:.3f}, m = {verdict.parameters['m']}, bound {verdict.bound_value:.1f} "
        f"({'non-vacuous' if verdict.non_vacuous else 'vacuous'}), best 0-1 error per seed "
        f"{evidence.best_test_error.min():.3f}–{evidence.best_test_error.max():.3f}"
    )
    assert verdict.non_vacuous is (verdict.bound_value < 1)
    assert verdict.outcome is not Outcome.HOLDS or verdict.non_vacuous
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


@given(setting=linear_settings())
def test_theorem_3_12_on_linear_data_is_not_refuted(setting, gflcheck_session):
    verdict, evidence = checked(setting, gflcheck_session)
    gflcheck_session.note(
        f"linear d={setting.dimension}, margin={setting.margin:.2f}, γ={setting.gamma:.4f}: "
        f"p = {evidence.prepared.hit_rate.p:.3f}, m = {verdict.parameters['m']}, bound {verdict.bound_value:.3f} "
        f"({'non-vacuous' if verdict.non_vacuous else 'vacuous'})"
    )
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


@pytest.mark.gflcheck_property(
    holds_share=0.0,
    reason="the hit rate p ≈ γ forces γ where the bound exceeds the trivial hinge loss 1 within "
    "the budget: vacuous by construction; the one-step variant below is refutable",
)
@pytest.mark.expensive
@given(setting=multiple_index_settings())
def test_theorem_3_12_on_the_two_index_model_is_not_refuted(setting, gflcheck_session):
    verdict, evidence = checked(setting, gflcheck_session)
    gflcheck_session.note(
        f"two-index d={setting.dimension}, γ={setting.gamma:.3f}: p = {evidence.prepared.hit_rate.p:.3f}, "
        f"m = {verdict.parameters['m']}, OPT ≤ {evidence.prepared.opt.value:.3f}, bound "
        f"{verdict.bound_value:.2f} ({'non-vacuous' if verdict.non_vacuous else 'vacuous'}), best "
        f"0-1 error per seed {evidence.best_test_error.min():.3f}–{evidence.best_test_error.max():.3f}"
    )
    assert verdict.non_vacuous is (verdict.bound_value < 1)
    assert verdict.outcome is not Outcome.HOLDS or verdict.non_vacuous
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


@given(setting=st.one_of(parity_settings(), multiple_index_settings()))
def test_single_step_without_feature_term_is_refuted_on_parity_and_two_index(
    setting, gflcheck_session
):
    """False: after one step the output layer is still at its small initial scale (L ≈ 1), above
    OPT + ε; tested where OPT + ε < 0.9. The theorem's own bound is vacuous on these families, so
    this is the variant that can fail there."""

    def applies(verdict, evidence) -> str | None:
        if verdict.bound_value >= 0.9:
            return f"variant not false here: OPT + ε = {verdict.bound_value:.2f} ≥ 0.9"
        return None

    verdict = gflcheck_session.check(
        lambda: check_theorem_3_12(setting, single_step_without_feature_term(), config=config()),
        applies=applies,
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


WIDE_MARGIN = linear_settings(margin=st.floats(0.8, 1.5), gamma=log_uniform(0.001, 0.003))


@given(setting=WIDE_MARGIN)
def test_single_step_variant_is_refuted_on_linear_data(setting, gflcheck_session):
    """False: after one step the output layer is still at its small initial scale (L ≈ 1);
    tested where the bound is below 0.9."""

    def applies(verdict, evidence) -> str | None:
        if verdict.bound_value >= 0.9:
            return f"variant not false here: bound {verdict.bound_value:.2f} ≥ 0.9"
        return None

    verdict = gflcheck_session.check(
        lambda: check_theorem_3_12(setting, single_step(), config=config()), applies=applies
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
