"""Glasgow's learner: minibatch SGD on a two-layer ReLU network (both layers, logistic loss):
hand-written gradients against autograd, determinism, bad input, and the cube-XOR check's wiring."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gflcheck.claims import sgd_cube_xor
from gflcheck.claims.sgd_cube_xor import CubeXorConfig, CubeXorSetting, sgd_need_check
from gflcheck.core.verdicts import Outcome
from gflcheck.models.distributions import XorCube
from gflcheck.models.minibatch_sgd import (
    SgdRecipe,
    TwoLayerNetworks,
    cube_test_error,
    logistic_gradients,
    train_minibatch_sgd,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.theorems.separation import (
    trained_network_needs_linear_samples,
)
from gflcheck.theorems.xor_cube_needs import (
    minibatch_sgd_needs_d_polylog_samples,
    minibatch_sgd_needs_root_d_samples,
)


def test_hand_written_gradients_match_autograd():
    generator = torch_generator(0, "test")
    W = torch.randn(3, 5, 6, generator=generator, dtype=torch.float64, requires_grad=True)
    a = torch.randn(3, 5, generator=generator, dtype=torch.float64, requires_grad=True)
    x, y = XorCube(6).sample(3 * 7, generator, torch.float64)
    x, y = x.reshape(3, 7, 6), y.reshape(3, 7)
    loss = torch.nn.functional.softplus(-y * TwoLayerNetworks(W, a)(x)).mean(-1).sum()
    loss.backward()
    grad_W, grad_a = logistic_gradients(TwoLayerNetworks(W.detach(), a.detach()), x, y)
    assert torch.allclose(grad_W, W.grad) and torch.allclose(grad_a, a.grad)


def test_training_is_deterministic_per_seed_and_learns_xor():
    cube = XorCube(8)
    first = train_minibatch_sgd(cube, 2048, (1, 2))
    repeated = train_minibatch_sgd(cube, 2048, (1, 2))
    assert torch.equal(first.W, repeated.W) and torch.equal(first.a, repeated.a)
    # a seed's draws are its own: alone it trains the same network (up to summation order)
    alone = train_minibatch_sgd(cube, 2048, (2,))
    assert torch.allclose(first.W[1], alone.W[0]) and torch.allclose(first.a[1], alone.a[0])
    errors = cube_test_error(first, cube, 2000, (1, 2))
    assert errors.shape == (2,) and np.all(errors <= 0.05)
    assert np.all(cube_test_error(train_minibatch_sgd(cube, 32, (1, 2)), cube, 2000, (1, 2)) > 0.2)


@pytest.mark.parametrize(
    ("build", "parameter"),
    [
        (lambda: SgdRecipe(width=0), "width"),
        (lambda: SgdRecipe(learning_rate=-1.0), "learning_rate"),
        (lambda: train_minibatch_sgd(XorCube(4), 0, (1,)), "samples"),
        (lambda: CubeXorSetting(dimensions=(16,)), "dimensions"),
        (lambda: CubeXorConfig(largest_sample=8), "largest_sample"),
        (lambda: sgd_need_check(trained_network_needs_linear_samples()), "statement"),
    ],
)
def test_bad_input_names_the_parameter(build, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        build()


@pytest.mark.parametrize(
    ("power", "polylog", "root_d"),
    [(1.0, Outcome.HOLDS, Outcome.VIOLATED), (2.5, Outcome.VIOLATED, Outcome.VIOLATED)],
)
def test_growth_verdicts_on_synthetic_errors(monkeypatch, power, polylog, root_d):
    """A learner whose error falls below the level at n ≈ 40·d^power (times a log-normal factor
    of each seed's own, the same at every d: the grid's rounding averages out)."""

    def errors(config, dimension, samples, seeds):
        spread = [np.random.default_rng(s).normal() for s in seeds]
        return np.where(samples >= 40 * dimension**power * np.exp(0.5 * np.array(spread)), 0, 0.4)

    monkeypatch.setattr(sgd_cube_xor, "sgd_test_errors", errors)
    config = CubeXorConfig(seeds=64, largest_sample=1 << 22)
    setting = CubeXorSetting(dimensions=(8, 11, 16, 22, 32, 45, 64))
    verdict, needs = sgd_need_check(
        minibatch_sgd_needs_d_polylog_samples(), config
    ).run_with_evidence(setting)
    assert verdict.outcome is polylog and needs.grid.censored == 0
    false = sgd_need_check(minibatch_sgd_needs_root_d_samples(), config).run(setting)
    assert false.outcome is root_d and false.false_variant
