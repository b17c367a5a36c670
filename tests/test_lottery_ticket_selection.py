"""Lottery tickets: the multi-direction XOR mixture, ticket and random-subnetwork selection, the
checkpoints, and the per-seed decision on synthetic losses (no training)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gflcheck.claims import lottery_tickets
from gflcheck.claims.lottery_tickets import (
    LotteryEvidence,
    LotterySetting,
    check_lottery_ticket,
    checkpoint_steps,
    gradient_feature_ticket,
    random_subnetwork,
)
from gflcheck.core.verdicts import VIOLATION_ALPHA, Outcome, seeds_for_power
from gflcheck.models.distributions import multi_xor_mixture
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.theorems.lottery import ticket_matches_full_network, ticket_matches_in_few_steps


def test_multi_xor_mixture_pairs_opposite_clusters_with_one_label():
    mixture = multi_xor_mixture(6, 3, 2.0, 1.0, torch.Generator().manual_seed(0))
    assert mixture.labels.tolist() == [1.0, -1.0, 1.0, 1.0, -1.0, 1.0]
    torch.testing.assert_close(mixture.means[:3], -mixture.means[3:])
    gram = mixture.means[:3] @ mixture.means[:3].T
    torch.testing.assert_close(gram, 4.0 * torch.eye(3, dtype=torch.float64))


@pytest.mark.parametrize(
    ("arguments", "name"), [((6, 1, 2.0), "directions"), ((2, 3, 2.0), "dimension")]
)
def test_multi_xor_mixture_rejects_bad_input(arguments, name):
    with pytest.raises(ParameterRangeError, match=name):
        multi_xor_mixture(*arguments, 1.0, torch.Generator().manual_seed(0))


def test_setting_needs_room_for_two_tickets():
    with pytest.raises(ParameterRangeError, match="width"):
        LotterySetting(directions=4, per_cluster=4, width=48)


def test_checkpoints_are_evenly_spaced_and_end_at_the_last_step():
    assert checkpoint_steps(400, 10) == tuple(range(40, 401, 40))
    assert checkpoint_steps(3, 10) == (1, 2, 3)


def test_ticket_takes_the_aligned_neurons_whose_output_sign_matches_the_label():
    mixture = multi_xor_mixture(4, 2, 1.0, 1.0, torch.Generator().manual_seed(1))
    means = mixture.means  # clusters: u0 (+1), u1 (−1), −u0 (+1), −u1 (−1)
    # Neuron 2c points at cluster c with the right output sign, 2c+1 with the wrong one.
    W = torch.stack([means[c // 2] for c in range(8)])[None].float()
    a = torch.tensor([[mixture.labels[c // 2] * (1 if c % 2 == 0 else -1) for c in range(8)]])
    network = TwoLayerReLU(a.float(), W, torch.zeros(1, 8))
    assert gradient_feature_ticket(network, network, mixture, 1) == [[0, 2, 4, 6]]


def test_random_subnetworks_are_distinct_reproducible_neurons():
    first = random_subnetwork(64, 10, (3, 4))
    assert first == random_subnetwork(64, 10, (3, 4))
    assert all(len(set(row)) == 10 and max(row) < 64 for row in first)
    assert first[0] != first[1]


def _evidence(sub_lower: float, k: int, width: float = 0.01) -> LotteryEvidence:
    full = np.full((k, 2), 0.1)
    return LotteryEvidence(
        full_steps=(1, 2),
        full_loss=full,
        full_lower=full - 0.01,
        full_upper=full + 0.01,
        subnetwork_steps=(1, 2),
        subnetwork_loss=np.full((k, 2), sub_lower + 0.01),
        subnetwork_lower=np.full((k, 2), sub_lower),
        subnetwork_upper=np.full((k, 2), sub_lower + 0.01 + width),
        neurons=[[0]] * k,
        alignment=np.ones(k),
        diverged=np.zeros(k, dtype=bool),
    )


@pytest.mark.parametrize(
    ("sub_lower", "width", "expected"),
    [(0.05, 0.01, Outcome.HOLDS), (0.5, 0.01, Outcome.VIOLATED), (0.12, 0.1, Outcome.INCONCLUSIVE)],
)
def test_decision_compares_the_subnetwork_with_the_whole_network_plus_tolerance(
    monkeypatch, sub_lower, width, expected
):
    """Holds needs the subnetwork's upper bounds at or below the whole network's lower bound + τ
    (0.09 + 0.05); violated needs its lower bounds above the upper bound + τ (0.11 + 0.05)."""
    setting = LotterySetting()
    # the power target at δ = 0.2, α_v = 0.00125, β₋ = 0.01 (confirming alone needs 15)
    k = seeds_for_power(0.2, VIOLATION_ALPHA, 0.01)
    assert k == 86
    monkeypatch.setattr(
        lottery_tickets, "lottery_evidence", lambda *a: _evidence(sub_lower, k, width)
    )
    verdict, _ = check_lottery_ticket(setting, ticket_matches_full_network())
    assert verdict.outcome is expected
    assert len(verdict.seeds) == k
    refuted, _ = check_lottery_ticket(setting, ticket_matches_in_few_steps())
    assert refuted.false_variant and refuted.as_expected is (expected is Outcome.VIOLATED)
