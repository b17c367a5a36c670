"""Gradient-feature hit rates and the explicit ground-truth network (OPT upper bound)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gflcheck.models.distributions import two_cluster_mixture
from gflcheck.models.gradient_features import gradient_feature_hit_rate
from gflcheck.models.ground_truth import (
    gaussian_mixture_ground_truth,
    opt_upper_bound,
    refit_output_weights,
)
from gflcheck.models.networks import InitializationLaw
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator

LAW = InitializationLaw(0.01, 1 / math.sqrt(8), 1.0)


def test_hit_rate_counts_aligned_draws_by_brute_force(xor8, generator):
    truth = gaussian_mixture_ground_truth(xor8)
    rate = gradient_feature_hit_rate(
        xor8, truth.directions, truth.signs, 0.05, 0.0, LAW, 4000, torch_generator(1, "h"), 0.01
    )
    # the same draws, checked one by one
    w, b = LAW.sample_first_layer(4000, 8, torch_generator(1, "h"))
    hits = np.zeros(4, dtype=int)
    for i in range(4000):
        G = xor8.simplified_gradient(w[i], b[i])
        for j in range(4):
            cosine = abs(float(G @ truth.directions[j])) / float(G.norm())
            hits[j] += int(cosine > 0.95 and b[i] > 0)
    np.testing.assert_array_equal(rate.hits, hits)
    assert 0 < rate.p <= hits.min() / 4000
    # ±μ₁ are the same direction up to sign, so they are hit by the same draws
    assert rate.hits[0] == rate.hits[1]


def test_hit_rate_falls_as_gamma_tightens(xor8):
    truth = gaussian_mixture_ground_truth(xor8)
    rates = [
        gradient_feature_hit_rate(
            xor8,
            truth.directions,
            truth.signs,
            gamma,
            0.0,
            LAW,
            5000,
            torch_generator(2, "h"),
            0.01,
        ).hits.sum()
        for gamma in (0.2, 0.05, 0.005)
    ]
    assert rates[0] >= rates[1] >= rates[2]


def test_hit_rate_refuses_bad_arguments(xor8, generator):
    truth = gaussian_mixture_ground_truth(xor8)
    with pytest.raises(ParameterRangeError, match="gamma"):
        gradient_feature_hit_rate(
            xor8, truth.directions, truth.signs, 1.0, 0.0, LAW, 10, generator, 0.01
        )
    with pytest.raises(ParameterRangeError, match="directions"):
        gradient_feature_hit_rate(
            xor8, 2 * truth.directions, truth.signs, 0.1, 0.0, LAW, 10, generator, 0.01
        )


def test_ground_truth_is_in_the_class_and_fits_the_clusters(xor8):
    truth = gaussian_mixture_ground_truth(xor8, bias_fraction=0.25)
    torch.testing.assert_close(truth.directions.norm(dim=-1), torch.ones(4, dtype=torch.float64))
    assert torch.all(truth.network.a.abs() <= truth.output_weight_bound + 1e-12)
    assert torch.all(truth.network.b > 0)  # s_j = +1
    centres = truth.network(xor8.means)
    assert torch.all(xor8.labels * centres[0] >= 1 - 1e-12)  # margin ≥ 1 at every centre


def test_refit_never_leaves_the_box_and_never_raises_the_empirical_loss(generator):
    mixture = two_cluster_mixture(4, 1.5, 1.0, generator)
    truth = gaussian_mixture_ground_truth(mixture)
    x, y = mixture.sample(1500, generator, torch.float64)
    refit = refit_output_weights(truth, x, y)
    assert torch.all(refit.network.a.abs() <= truth.output_weight_bound * (1 + 1e-9))

    def empirical(t):
        return (1 - y * t.network(x)[0]).clamp_min(0).mean()

    assert empirical(refit) <= empirical(truth) + 1e-9


def test_opt_upper_bound_is_an_upper_confidence_bound(generator):
    mixture = two_cluster_mixture(4, 2.0, 1.0, generator)
    truth = gaussian_mixture_ground_truth(mixture)
    bound = opt_upper_bound(
        truth, mixture, 20_000, torch_generator(0, "opt"), 0.005, refit_size=1000
    )
    assert bound.value == pytest.approx(float(bound.loss.upper[0]))
    assert bound.value > float(bound.loss.estimate[0])
    assert "Student-t" in bound.loss.method
