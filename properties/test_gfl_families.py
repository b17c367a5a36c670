"""Theorem 3.12 (Shi–Wei–Liang) on the poster's other families (THEORY.md §1.4), through the same
check as the Gaussian mixtures: structured k-sparse parity, with exact population sums.

Each verdict reports the gradient-feature hit rate p of the family's ground truth and whether the
bound is non-vacuous (below 1 for the 0-1 error).
"""

from __future__ import annotations

from hypothesis import given

from gflcheck.checks.theorem_3_12 import Theorem312Config, check_theorem_3_12
from gflcheck.profiles import budget
from gflcheck.report import format_verdict_details
from gflcheck.strategies import parity_settings
from gflcheck.verdicts import Outcome


def config() -> Theorem312Config:
    limits = budget()
    return Theorem312Config(max_width=limits.max_width, max_steps=limits.max_steps)


@given(setting=parity_settings())
def test_theorem_3_12_on_structured_parity_is_not_refuted(setting, gflcheck_session):
    outcome = {}

    def run():
        verdict, evidence = check_theorem_3_12(setting, config=config())
        outcome["p"], outcome["error"] = evidence.prepared.hit_rate.p, evidence.best_test_error
        return verdict, evidence

    verdict = gflcheck_session.check(run)
    gflcheck_session.note(
        f"parity d={setting.dimension}, k={setting.sparsity}, γ={setting.gamma:.2f}: p = "
        f"{outcome['p']:.3f}, m = {verdict.parameters['m']}, bound {verdict.bound_value:.1f} "
        f"({'non-vacuous' if verdict.non_vacuous else 'vacuous'}), best 0-1 error per seed "
        f"{outcome['error'].min():.3f}–{outcome['error'].max():.3f}"
    )
    assert verdict.non_vacuous is (verdict.bound_value < 1)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)
