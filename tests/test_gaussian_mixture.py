"""Gaussian mixtures: exact population quantities against Monte Carlo, sampling, bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from gflcheck.core.estimators import bayes_hinge_risk, expected_norm_estimate
from gflcheck.models.distributions import (
    GaussianMixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)
from gflcheck.models.gradient_features import monte_carlo_simplified_gradient
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator

# Each exact-vs-Monte-Carlo comparison below may fail by chance with probability ≤ 2·MISS per
# coordinate; the seeds are fixed, so the outcome is deterministic.
MISS = 1e-4


def test_exact_simplified_gradient_matches_monte_carlo(xor8, generator):
    w = torch.randn(6, 8, generator=generator, dtype=torch.float64) / math.sqrt(8)
    b = torch.randn(6, generator=generator, dtype=torch.float64)
    x, y = xor8.sample(200_000, generator, torch.float64)
    estimate = monte_carlo_simplified_gradient(x, y, w, b, MISS)
    exact = xor8.simplified_gradient(w, b).numpy()
    assert np.all(estimate.lower <= exact) and np.all(exact <= estimate.upper)
    assert np.abs(exact).max() > 0.1  # a non-trivial comparison


def test_simplified_gradient_at_zero_weight_is_the_label_moment(xor8):
    b = torch.tensor([-1.0, 1.0], dtype=torch.float64)
    G = xor8.simplified_gradient(torch.zeros(2, 8, dtype=torch.float64), b)
    expected = (xor8.weights * xor8.labels) @ xor8.means  # E[y x] = 0 for XOR
    torch.testing.assert_close(G[0], expected)
    torch.testing.assert_close(G[1], torch.zeros(8, dtype=torch.float64))


def test_simplified_gradient_rejects_mismatched_shapes(xor8):
    with pytest.raises(ParameterRangeError, match="w, b"):
        xor8.simplified_gradient(torch.zeros(3, 7), torch.zeros(3))


@pytest.mark.parametrize(
    "d, separation, noise", [(1, 0.0, 1.0), (3, 2.0, 0.5), (16, 8.0, 1.0), (256, 12.0, 1.0)]
)
def test_expected_norm_is_exact(d, separation, noise, generator):
    if separation == 0.0:
        mixture = GaussianMixture(torch.zeros(1, d), noise, [1.0], [1.0])
        # |N(0, σ²)| has mean σ√(2/π)
        assert mixture.expected_norm() == pytest.approx(noise * math.sqrt(2 / math.pi), rel=1e-12)
    else:
        mixture = two_cluster_mixture(d, separation, noise, generator)
    x, _ = mixture.sample(400_000, generator, torch.float64)
    estimate = expected_norm_estimate(x, MISS)  # the route for distributions without a closed form
    assert estimate.lower[0] <= mixture.expected_norm() <= estimate.upper[0]
    norms = x.norm(dim=-1).numpy()
    assert mixture.expected_squared_norm() == pytest.approx((norms**2).mean(), rel=5e-3)


def test_bayes_hinge_risk_of_two_clusters_is_twice_the_bayes_error(generator):
    mixture = two_cluster_mixture(3, 1.0, 1.0, generator)
    x, _ = mixture.sample(200_000, generator, torch.float64)
    risk = bayes_hinge_risk(mixture.positive_posterior(x), MISS)
    assert risk.lower[0] <= 2 * stats.norm.cdf(-1.0) <= risk.upper[0]


def test_sampling_is_reproducible_and_labelled(xor8):
    x1, y1 = xor8.sample(1000, torch_generator(7, "s"))
    x2, y2 = xor8.sample(1000, torch_generator(7, "s"))
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert set(y1.tolist()) == {-1.0, 1.0} and x1.shape == (1000, 8)


def test_families(generator):
    xor = xor_mixture(5, 3.0, 1.0, generator)
    assert abs(float(xor.means[0] @ xor.means[2])) < 1e-12  # μ₁ ⊥ μ₂
    torch.testing.assert_close(xor.means[1], -xor.means[0])
    ortho = orthogonal_mixture(6, (1, -1, 1), 2.0, 0.5, generator)
    gram = ortho.means @ ortho.means.T
    torch.testing.assert_close(gram, 4.0 * torch.eye(3, dtype=torch.float64))
    planar = three_cluster_example()
    assert planar.dimension == 2 and planar.n_clusters == 3
    embedded = three_cluster_example(4.0, 0.5, 7, generator)
    torch.testing.assert_close(
        embedded.means.norm(dim=-1), torch.full((3,), 4.0, dtype=torch.float64)
    )


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"weights": [0.5, 0.6]}, "weights"),
        ({"labels": [1.0, 0.0]}, "labels"),
        ({"noise": 0.0}, "noise"),
        ({"noise": -1.0}, "noise"),
    ],
)
def test_bad_mixture_parameters_are_named(kwargs, parameter):
    arguments = {
        "means": torch.eye(2),
        "noise": 1.0,
        "weights": [0.5, 0.5],
        "labels": [1.0, -1.0],
        **kwargs,
    }
    with pytest.raises(ParameterRangeError, match=parameter):
        GaussianMixture(**arguments)


@pytest.mark.parametrize("n", [0, -5, 2.5])
def test_non_positive_sample_size_is_refused(xor8, generator, n):
    with pytest.raises(ParameterRangeError, match=r"n=.*an integer ≥ 1"):
        xor8.sample(n, generator)
