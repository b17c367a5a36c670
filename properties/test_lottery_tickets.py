"""Lottery tickets (Shi–Wei–Liang poster, docs/setups.md §1.4) on q-direction XOR mixtures: the
gradient-feature ticket (4 neurons per cluster, chosen after the whole network's first step)
trained alone reaches the whole network's best loss + τ within c·T steps (c = 4, τ = 0.05); the
false variant "within 0.1·T steps" is refuted. Whether a random subnetwork of the same size gets
there too is an observation, not a claim of the poster (docs/setups.md §5.4): the main job reports it
(`gflcheck check -k lottery-ticket/random-subnetwork`) and no property asserts it."""

from __future__ import annotations

import pytest
from hypothesis import given

from gflcheck.claims.lottery_tickets import (
    LotteryConfig,
    check_lottery_ticket,
    lottery_ticket_check,
)
from gflcheck.core.confidence import Confidence
from gflcheck.core.declare import max_examples
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import Outcome
from gflcheck.strategies import lottery_settings
from gflcheck.theorems.lottery import ticket_matches_in_few_steps

pytestmark = pytest.mark.expensive
CONFIG = LotteryConfig(
    confidence=Confidence(power=None)
)  # seeds planned to confirm: strategies.PROPERTY_SEEDS_REASON
ticket_reaches_the_whole_network = lottery_ticket_check(config=CONFIG, settings=lottery_settings())


def _note(verdict, gflcheck_session):
    whole, _, subnetwork = (q.value for q in verdict.quantifiers[1:4])
    gflcheck_session.note(
        f"{verdict.check} [{verdict.outcome.value}] whole network: {whole}; subnetwork: "
        f"{subnetwork}"
    )


@given(setting=lottery_settings())
def test_gradient_feature_ticket_reaches_the_whole_networks_loss_but_not_in_a_tenth_of_the_steps(
    setting, gflcheck_session
):
    """Both statements on every drawn setting: the true one must not be VIOLATED (and half its
    examples must HOLD), the false variant must be. The variant is judged on the whole
    network's runs the true statement trained, so it adds only its 0.1·T-step subnetworks (as
    two tests, each drew its own settings and trained its own: 28 s more in CI); so this property
    is written out rather than made with ``.property()``."""
    examples = max_examples(
        test_gradient_feature_ticket_reaches_the_whole_networks_loss_but_not_in_a_tenth_of_the_steps
    )  # the true statement's examples share its property's α, and pool their seeds
    example = ticket_reaches_the_whole_network.property_example(examples)
    verdict = gflcheck_session.check(lambda: example.run_with_evidence(setting))
    _note(verdict, gflcheck_session)
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)
    variant = gflcheck_session.check(
        lambda: check_lottery_ticket(setting, ticket_matches_in_few_steps(), CONFIG)
    )
    assert variant.outcome is Outcome.VIOLATED, format_verdict_details(variant)
