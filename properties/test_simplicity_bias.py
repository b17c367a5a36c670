"""Simplicity bias (Shi–Wei–Liang poster, docs/setups.md §1.4): on f* = α·x₁ + β·x₂x₃ the linear part
is learned first; the reversed order (a false variant) is refuted. Crossing steps are reported
with t intervals over seeds."""

from __future__ import annotations

from hypothesis import given

from gflcheck.claims.simplicity_bias import SimplicityConfig, simplicity_bias_check
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import Outcome
from gflcheck.strategies import simplicity_settings
from gflcheck.theorems.simplicity import xor_part_first

CONFIG = SimplicityConfig(power=None)  # seeds planned to confirm: strategies.PROPERTY_SEEDS_REASON


@given(setting=simplicity_settings())
def test_linear_part_is_learned_first(setting, gflcheck_session):
    verdict = gflcheck_session.check(
        lambda: simplicity_bias_check(config=CONFIG).run_with_evidence(setting)
    )
    learned = next(q for q in verdict.quantifiers if q.quantifier.startswith("'learned'"))
    gflcheck_session.note(
        f"d={setting.dimension}, m={setting.width}, α={setting.linear_coefficient:.2f}, "
        f"β={setting.xor_coefficient:.2f}: {learned.value}"
    )
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


@given(setting=simplicity_settings())
def test_xor_part_first_variant_is_refuted(setting, gflcheck_session):
    verdict = gflcheck_session.check(
        lambda: simplicity_bias_check(xor_part_first(), CONFIG).run_with_evidence(setting)
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
