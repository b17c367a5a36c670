"""Deep NTK networks, Jacobian features and the tangent kernel, the max-margin solver and GD:
against finite differences, a hand-solved case, and bad inputs."""

from __future__ import annotations

import math

import pytest
import torch

from gflcheck.models.deep_networks import (
    DeepNetwork,
    initialize_deep_network,
    logistic_loss,
    logistic_risk_gradients,
    network_output,
    train_gradient_descent,
)
from gflcheck.models.distributions.margin_sphere import MarginSphere
from gflcheck.models.ntk import (
    NotSeparableError,
    jacobian_features,
    lipschitz_constant,
    max_margin,
    step_size_limit,
    tangent_kernel,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator


def _output_with(network, run, flat, x):
    """Run ``run``'s output at ``x`` with its parameters replaced by the vector ``flat``."""
    pieces, start = [], 0
    for p in network.parameters:
        pieces.append(flat[start : start + p[run].numel()].reshape(p[run].shape))
        start += p[run].numel()
    return network_output(tuple(pieces), x)


def test_jacobian_features_match_finite_differences():
    network = initialize_deep_network(3, 5, 2, seeds=[0, 1])
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    features = jacobian_features(network, 1, x)
    flat = network.flat()[1]
    assert features.shape == (4, flat.numel())
    step = 1e-6
    for index in (0, 7, 20, flat.numel() - 1):
        up, down = flat.clone(), flat.clone()
        up[index] += step
        down[index] -= step
        numeric = (_output_with(network, 1, up, x) - _output_with(network, 1, down, x)) / (2 * step)
        torch.testing.assert_close(features[:, index], numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_the_tangent_kernel_is_the_gram_matrix_of_the_jacobian_features(depth):
    """Layer by layer, without the [n, P] features: the Gram matrix, a combination Σ c_i φ_i,
    G₀, and the max-margin solution all equal those of the explicit Jacobian features."""
    network = initialize_deep_network(5, 7, depth, seeds=[0, 1])
    x = torch.randn(9, 5, generator=torch.Generator().manual_seed(depth), dtype=torch.float64)
    features = jacobian_features(network, 1, x)
    kernel = tangent_kernel(network, 1, x)
    torch.testing.assert_close(kernel.gram, features @ features.T, rtol=1e-12, atol=1e-13)
    coefficients = torch.randn(9, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    torch.testing.assert_close(
        kernel.combination(coefficients), coefficients @ features, rtol=1e-12, atol=1e-13
    )
    assert lipschitz_constant(kernel) == pytest.approx(lipschitz_constant(features), rel=1e-12)
    y = torch.where(x[:, 0] >= 0, 1.0, -1.0).double()
    explicit, layerwise = max_margin(features, y), max_margin(kernel, y)
    assert layerwise.gamma_lower == pytest.approx(explicit.gamma_lower, rel=1e-9)
    torch.testing.assert_close(layerwise.direction, explicit.direction, rtol=1e-8, atol=1e-10)


def test_max_margin_on_a_case_solved_by_hand():
    """φ₁ = (1, 0) with y = +1 and φ₂ = (0, 1) with y = −1: W̄ = (1, −1)/√2, γ = 1/√2."""
    solution = max_margin(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([1.0, -1.0]))
    assert solution.gamma_lower == pytest.approx(1 / math.sqrt(2), abs=1e-7)
    assert 0 <= solution.optimality_gap < 1e-7
    torch.testing.assert_close(
        solution.direction, torch.tensor([1.0, -1.0], dtype=torch.float64) / math.sqrt(2)
    )


def test_non_separable_sample_is_refused():
    with pytest.raises(NotSeparableError, match="not separable"):
        max_margin(torch.tensor([[1.0, 0.0], [1.0, 0.0]]), torch.tensor([1.0, -1.0]))


def test_ntk_margin_of_margin_sphere_data_is_certified():
    data = MarginSphere.random(6, 0.2, torch_generator(0, "teacher"))
    x, y = data.sample(60, torch_generator(0, "train"))
    assert ((x @ data.teacher).abs() / math.sqrt(6) >= 0.2).all()
    network = initialize_deep_network(6, 32, 2, seeds=[3])
    solution = max_margin(jacobian_features(network, 0, x), y)
    assert solution.gamma_lower > 0 and solution.optimality_gap < 1e-4 * solution.gamma_lower


def test_gradient_descent_decreases_the_training_loss_and_refuses_large_steps():
    data = MarginSphere.random(4, 0.2, torch_generator(1, "teacher"))
    x, y = data.sample(40, torch_generator(1, "train"))
    network = initialize_deep_network(4, 16, 2, seeds=[0, 1])
    limit = step_size_limit(lipschitz_constant(jacobian_features(network, 0, x)))
    run = train_gradient_descent(network, x, y, 0.5 * limit, 50, step_size_limit=limit)
    assert (run.training_loss[:, -1] < run.training_loss[:, 0]).all()
    with pytest.raises(ParameterRangeError, match=r"learning_rate=.*η < 1/\(G₀² \+ ¼\)"):
        train_gradient_descent(network, x, y, 2 * limit, 5, step_size_limit=limit)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_the_written_out_gradients_are_autograds(depth):
    """The chain rule of ``logistic_risk_gradients`` against autograd through the forward pass,
    one training set per run."""
    generator = torch.Generator().manual_seed(depth)
    network = initialize_deep_network(5, 7, depth, seeds=[0, 1, 2])
    x = torch.randn(3, 11, 5, generator=generator, dtype=torch.float64)
    y = torch.randint(0, 2, (3, 11), generator=generator).double() * 2 - 1
    parameters = [p.clone().requires_grad_() for p in network.parameters]
    risk = logistic_loss(y * torch.func.vmap(network_output)(tuple(parameters), x)).mean(-1)
    expected = torch.autograd.grad(risk.sum(), parameters)
    written_risk, written = logistic_risk_gradients(network.parameters, x, y)
    torch.testing.assert_close(written_risk, risk.detach(), rtol=1e-13, atol=0)
    for ours, autograd in zip(written, expected, strict=True):
        torch.testing.assert_close(ours, autograd, rtol=1e-12, atol=1e-15)


def test_a_run_that_diverges_is_recorded_from_its_first_non_finite_step():
    """A run whose parameters hold a NaN diverges at step 0 (its losses NaN throughout); the
    other runs train on, with finite losses and ``diverged_at = −1``."""
    network = initialize_deep_network(4, 6, 2, seeds=[0, 1])
    output = network.output.clone()
    output[1, 0] = math.nan
    broken = DeepNetwork(network.layers, output)
    x = torch.randn(2, 8, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    y = torch.ones(2, 8, dtype=torch.float64)
    run = train_gradient_descent(broken, x, y, 0.1, 3)
    assert run.diverged_at.tolist() == [-1, 0]
    assert torch.isfinite(run.training_loss[0]).all()
    assert torch.isnan(run.training_loss[1]).all()


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: initialize_deep_network(3, 4, 0, [0]), "depth"),
        (lambda: initialize_deep_network(3, 0, 2, [0]), "width"),
        (lambda: MarginSphere.random(1, 0.1, torch.Generator()), "dimension"),
        (lambda: MarginSphere.random(3, 0.95, torch.Generator()), "margin"),
    ],
)
def test_bad_inputs_name_the_parameter(call, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        call()


def test_product_teacher_family_and_its_margin():
    data = MarginSphere.random(5, 0.1, torch_generator(2, "teacher"), family="product")
    x, y = data.sample(200, torch_generator(2, "train"))
    score = (x @ data.teacher) * (x @ data.second_teacher) / 5
    assert (score.abs() >= 0.1).all() and torch.equal(y, torch.sign(score))
    assert abs(float(data.teacher @ data.second_teacher)) < 1e-12
    with pytest.raises(ParameterRangeError, match="family"):
        MarginSphere.random(5, 0.1, torch_generator(2, "teacher"), family="spiral")


def test_a_non_separable_sample_is_a_precondition_failure():
    from gflcheck.runtime.errors import PreconditionError

    with pytest.raises(PreconditionError, match="NTK-separable"):
        max_margin(torch.tensor([[1.0, 0.0], [1.0, 0.0]]), torch.tensor([1.0, -1.0]))


def test_pointwise_losses_in_blocks_equal_one_pass(monkeypatch):
    """Blocks of points (here 7 points a block, a ragged last one) give the one-pass losses."""
    from gflcheck.models import deep_networks

    network = initialize_deep_network(4, 5, 2, seeds=[0, 1])
    x = torch.randn(23, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    y = torch.where(x[:, 0] >= 0, 1.0, -1.0).double()
    whole = deep_networks._pointwise_losses(network.parameters, x, y)
    monkeypatch.setattr(deep_networks, "POINT_BLOCK_NUMBERS", 2 * 5 * 7)
    blocked = deep_networks.pointwise_logistic_losses(network, x, y)
    assert blocked.shape == (2, 23)
    torch.testing.assert_close(blocked, whole, rtol=1e-12, atol=1e-14)
    risk = deep_networks.empirical_risk(network, x, y)  # the same blocks, averaged
    torch.testing.assert_close(risk, whole.mean(-1), rtol=1e-12, atol=1e-14)
