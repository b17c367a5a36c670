"""Two-index models: the quadrature G against adaptive quadrature and sampling; the ground truth."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from gflcheck.models.distributions.multiple_index import ConeLink, MultipleIndex, xor_link
from gflcheck.models.gradient_features import monte_carlo_simplified_gradient
from gflcheck.models.ground_truth import multiple_index_ground_truth, opt_upper_bound
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator

MODEL = MultipleIndex.random(8, torch_generator(0, "index"))


def adaptive_gradient(w: np.ndarray, b: float) -> np.ndarray:
    """G(w, b) by scipy.integrate.nquad over each quadrant of s (an independent rule)."""
    basis = MODEL.basis.numpy()
    rho = basis @ w
    perpendicular = w - basis.T @ rho
    sigma = float(np.linalg.norm(perpendicular))

    def integrand(s1, s2, part):
        s = np.array([s1, s2])
        z = (rho @ s - b) / sigma
        weight = np.sign(s1 * s2) * stats.norm.pdf(s1) * stats.norm.pdf(s2)
        return weight * (stats.norm.cdf(z) * s[part] if part < 2 else stats.norm.pdf(z))

    quadrants = [((0, 9), (0, 9)), ((-9, 0), (0, 9)), ((-9, 0), (-9, 0)), ((0, 9), (-9, 0))]
    parts = [
        sum(
            integrate.nquad(integrand, list(q), args=(part,), opts={"epsabs": 1e-10})[0]
            for q in quadrants
        )
        for part in range(3)
    ]
    return basis.T @ np.array(parts[:2]) + parts[2] / sigma * perpendicular


def test_quadrature_gradient_matches_adaptive_quadrature():
    generator = torch_generator(1, "w")
    w = torch.randn(8, generator=generator, dtype=torch.float64)
    b = float(torch.randn(1, generator=generator, dtype=torch.float64))
    rule = MODEL.simplified_gradient(w, torch.tensor(b, dtype=torch.float64)).numpy()
    assert np.allclose(rule, adaptive_gradient(w.numpy(), b), atol=1e-7)


def test_quadrature_gradient_is_stable_under_refinement():
    generator = torch_generator(2, "w")
    w = torch.randn(300, 8, generator=generator, dtype=torch.float64)
    b = torch.randn(300, generator=generator, dtype=torch.float64)
    fine = MultipleIndex(8, MODEL.basis, angle_nodes=96, radius_nodes=192)
    error = (MODEL.simplified_gradient(w, b) - fine.simplified_gradient(w, b)).abs().max()
    assert float(error) < 1e-6


def test_quadrature_gradient_lies_in_the_monte_carlo_interval():
    generator = torch_generator(3, "w")
    w = torch.randn(6, 8, generator=generator, dtype=torch.float64)
    b = torch.randn(6, generator=generator, dtype=torch.float64)
    x, y = MODEL.sample(200_000, torch_generator(4, "sample"), torch.float64)
    estimate = monte_carlo_simplified_gradient(x, y, w, b, 1e-4)
    exact = MODEL.simplified_gradient(w, b).numpy()
    assert np.all(np.abs(exact - estimate.estimate) <= 2 * (estimate.estimate - estimate.lower))


def test_labels_are_the_sign_of_the_index_product_and_balanced():
    x, y = MODEL.sample(100_000, torch_generator(5, "sample"), torch.float64)
    s = x @ MODEL.basis.T
    assert torch.equal(y, torch.sign(s[:, 0] * s[:, 1]))
    assert stats.binomtest(int((y > 0).sum()), len(y), 0.5).pvalue > 1e-3


def test_expected_norm_is_the_chi_mean():
    assert MODEL.expected_norm() == pytest.approx(stats.chi(8).mean(), rel=1e-12)
    assert MODEL.expected_squared_norm() == 8.0


def test_ground_truth_has_the_sign_of_the_label_away_from_the_axes():
    truth = multiple_index_ground_truth(MODEL, bias=0.1, output_scale=2.0)
    assert truth.width == 4 and truth.output_weight_bound == 2.0
    assert torch.allclose(truth.directions @ MODEL.basis.T @ MODEL.basis, truth.directions)
    x, y = MODEL.sample(20_000, torch_generator(6, "sample"), torch.float64)
    s = x @ MODEL.basis.T
    t = torch.stack([s.sum(1), s[:, 0] - s[:, 1]], 1) / math.sqrt(2)
    away = t.abs().max(1).values > 0.1
    margin = y * truth.network(x)[0]
    assert bool((margin[away & (t[:, 0].abs() != t[:, 1].abs())] > 0).all())


def test_opt_upper_bound_is_positive_and_shrinks_with_the_output_scale():
    values = []
    for scale in (1.0, 4.0):
        truth = multiple_index_ground_truth(MODEL, output_scale=scale)
        opt = opt_upper_bound(truth, MODEL, 50_000, torch_generator(7, "opt"), 0.005, 2000)
        values.append(opt.value)
    assert 0 < values[1] < values[0] < 1


def test_cone_link_and_model_reject_bad_input():
    with pytest.raises(ParameterRangeError, match="labels"):
        ConeLink("bad", (0.0, 1.0), (1, 0))
    with pytest.raises(ParameterRangeError, match="boundaries"):
        ConeLink("bad", (1.0, 0.5), (1, -1))
    with pytest.raises(ParameterRangeError, match="basis"):
        MultipleIndex(4, torch.ones(2, 4), xor_link())
    with pytest.raises(ParameterRangeError, match="output_scale"):
        multiple_index_ground_truth(MODEL, output_scale=0.0)
