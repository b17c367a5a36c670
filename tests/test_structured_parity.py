"""Structured k-sparse parity: exact sums over the cube against sampling, and its ground truth."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from gflcheck.core.estimators import student_t_interval
from gflcheck.models.distributions import StructuredParity
from gflcheck.models.gradient_features import monte_carlo_simplified_gradient
from gflcheck.models.ground_truth import staircase_output_weights, structured_parity_ground_truth
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator

PARITY = StructuredParity(8, (1, 4, 6))


def test_probabilities_sum_to_one_and_favour_a_constant_support():
    x, probability = PARITY.points()
    assert x.shape == (256, 8) and torch.isclose(probability.sum(), torch.tensor(1.0).double())
    constant = x[:, [1, 4, 6]].sum(-1).abs() == 3
    # ρ + (1 − ρ)·2^{1−k} of the mass sits where x_A is constant
    assert torch.isclose(probability[constant].sum(), torch.tensor(0.5 + 0.5 * 2**-2).double())


def test_sampling_matches_the_exact_law():
    x, y = PARITY.sample(40_000, torch_generator(0, "parity"), torch.float64)
    assert torch.equal(y, x[:, [1, 4, 6]].prod(-1))
    constant = int((x[:, [1, 4, 6]].sum(-1).abs() == 3).sum())
    assert stats.binomtest(constant, 40_000, 0.625).pvalue > 1e-3
    uniform = x[:, [0, 2, 3, 5, 7]].mean(0)
    assert uniform.abs().max() < 0.03


def test_exact_gradient_feature_lies_in_the_monte_carlo_interval():
    generator = torch_generator(1, "w")
    w = torch.randn(6, 8, generator=generator, dtype=torch.float64)
    b = 0.5 * torch.randn(6, generator=generator, dtype=torch.float64)
    exact = PARITY.simplified_gradient(w, b).numpy()
    x, y = PARITY.sample(200_000, torch_generator(2, "sample"), torch.float64)
    estimate = monte_carlo_simplified_gradient(x, y, w, b, 1e-4)
    half_width = estimate.estimate - estimate.lower
    assert np.all(np.abs(exact - estimate.estimate) <= 2 * half_width + 1e-12)


def test_exact_hinge_loss_agrees_with_a_sample():
    generator = torch_generator(3, "net")
    network = TwoLayerReLU(
        torch.randn(2, 5, generator=generator, dtype=torch.float64),
        torch.randn(2, 5, 8, generator=generator, dtype=torch.float64),
        torch.randn(2, 5, generator=generator, dtype=torch.float64),
    )
    x, y = PARITY.sample(100_000, torch_generator(4, "sample"), torch.float64)
    losses = (1 - y * network(x)).clamp_min(0)
    sampled = student_t_interval(losses, 1e-4)
    exact = PARITY.hinge_loss(network).numpy()
    assert np.all(np.abs(exact - sampled.estimate) <= 2 * (sampled.estimate - sampled.lower))


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_staircase_fits_the_parity_exactly(k):
    biases, weights = staircase_output_weights(k)
    assert len(biases) == k + 1 and torch.all(biases != 0)
    points = torch.arange(-k, k + 1, 2, dtype=torch.float64)
    values = ((points[:, None] - biases).clamp_min(0) * weights).sum(-1)
    assert torch.allclose(values, (-1.0) ** ((k - points) / 2))
    assert weights.abs().max() <= 4


def test_ground_truth_has_zero_loss_and_unit_directions():
    parity = StructuredParity(10, (0, 3, 5, 9))
    truth = structured_parity_ground_truth(parity)
    assert truth.width == 5 and float(parity.hinge_loss(truth.network)[0]) < 1e-12
    assert float(parity.zero_one_error(truth.network)[0]) == 0.0
    assert torch.allclose(truth.directions.norm(dim=-1), torch.ones(5).double())
    assert set(truth.signs.tolist()) <= {-1.0, 1.0}


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ((8, (1, 1)), "support"),
        ((8, (0, 8)), "support"),
        ((8, ()), "support"),
        ((1, (0,)), "dimension"),
        ((8, (0,), 1.5), "structured_weight"),
    ],
)
def test_bad_parameters_are_named(arguments, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        StructuredParity(*arguments)


def test_exact_sums_refuse_large_dimensions():
    with pytest.raises(ParameterRangeError, match="≤ 20"):
        StructuredParity(21, (0, 1)).points()


def test_theorem_3_12_runs_on_parity_and_reports_vacuity():
    from gflcheck.claims.theorem_3_12 import Theorem312Config, check_theorem_3_12
    from gflcheck.models.gfl_families import GflSetting

    setting = GflSetting("parity", 8, 0.1, 0.3, 0.2, 1, sparsity=2)
    assert setting.distribution().support == setting.distribution().support  # from the seed
    verdict, evidence = check_theorem_3_12(setting, config=Theorem312Config(max_width=256))
    assert verdict.check == "gfl-theorem-3.12/parity" and verdict.non_vacuous is False
    assert evidence.prepared.bayes_risk.method.startswith("exact")
    assert float(evidence.prepared.bayes_risk.lower[0]) == 0.0
    rows = {q.quantifier: q for q in verdict.quantifiers}
    assert "√d" in rows["B_x1"].instantiated_as and rows["B_x1"].value == f"{8**0.5:.4f}"
    assert evidence.prepared.opt.ground_truth.width == 3  # k + 1 staircase neurons


def test_parity_setting_names_bad_parameters():
    from gflcheck.models.gfl_families import GflSetting

    with pytest.raises(ParameterRangeError, match="sparsity"):
        GflSetting("parity", 4, 0.1, 0.3, 0.2, 1, sparsity=5)
    with pytest.raises(ParameterRangeError, match="gamma"):
        GflSetting("parity", 8, 1.5, 0.3, 0.2, 1, sparsity=2)
