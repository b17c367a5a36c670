"""Algorithm 1: symmetric initialisation, the first step, gradients, determinism, divergence."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch
from torch.func import grad, vmap

from gflcheck.models.gradient_features import empirical_simplified_gradient
from gflcheck.models.networks import InitializationLaw, TwoLayerReLU, symmetric_initialization
from gflcheck.models.training import (
    _finiteness_screen,
    algorithm_1_step,
    hinge_loss_gradients,
    train_algorithm_1,
)
from gflcheck.runtime.errors import ParameterRangeError

LAW = InitializationLaw(sigma_a=0.5, sigma_w=0.4, sigma_b=1.0)


def test_symmetric_initialisation_gives_the_zero_function(xor8, generator):
    network = symmetric_initialization(LAW, 32, 8, seeds=[1, 2, 3], dtype=torch.float64)
    x, _ = xor8.sample(500, generator, torch.float64)
    assert torch.all(network(x).abs() <= 1e-12)
    assert torch.equal(network.a[:, :16], -network.a[:, 16:])
    assert torch.equal(network.W[:, :16], network.W[:, 16:])


def test_width_must_be_even_and_positive():
    with pytest.raises(ParameterRangeError, match=r"width=7.*even"):
        symmetric_initialization(LAW, 7, 3, seeds=[0])
    with pytest.raises(ParameterRangeError, match="width=0"):
        symmetric_initialization(LAW, 0, 3, seeds=[0])


def test_first_step_turns_each_neuron_into_its_empirical_gradient_feature(
    xor8, xor8_recipe, generator
):
    """With λ¹ = 1/η¹: w_i¹ = η¹·a_i·Ĝ(w_i⁰, b_i), Ĝ on the step's own sample."""
    network = symmetric_initialization(xor8_recipe.initialization, 16, 8, [4, 5], torch.float64)
    x, y = xor8.sample(300, generator, torch.float64)
    stepped = algorithm_1_step(
        network, x.expand(2, -1, -1), y.expand(2, -1), xor8_recipe, first=True
    )
    for run in range(2):
        G_hat = empirical_simplified_gradient(x, y, network.W[run], network.b[run])
        expected = xor8_recipe.first_step_rate * network.a[run][:, None] * G_hat
        torch.testing.assert_close(stepped.W[run], expected, rtol=1e-9, atol=1e-12)
    assert torch.equal(stepped.a, network.a) and torch.equal(stepped.b, network.b)


def _hinge_loss(a, W, b, x, y):
    f = torch.relu(x @ W.T - b) @ a
    return torch.clamp(1 - y * f, min=0).mean()


def test_hand_written_gradients_match_autograd(xor8, generator):
    network = symmetric_initialization(LAW, 12, 8, [9, 10, 11], torch.float64)
    network = TwoLayerReLU(
        network.a + 0.3 * torch.randn(network.a.shape, generator=generator, dtype=torch.float64),
        network.W,
        network.b,
    )
    x, y = xor8.sample(64, generator, torch.float64)
    xs, ys = x.expand(3, -1, -1), y.expand(3, -1)
    _, grad_a, grad_W = hinge_loss_gradients(network, xs, ys)
    auto_a, auto_W = vmap(grad(_hinge_loss, argnums=(0, 1)))(
        network.a, network.W, network.b, xs, ys
    )
    torch.testing.assert_close(grad_a, auto_a)
    torch.testing.assert_close(grad_W, auto_W)
    workspace = torch.full((3, 64, 12), float("nan"), dtype=torch.float64)
    in_workspace = hinge_loss_gradients(network, xs, ys, workspace)
    for reused, fresh in zip(in_workspace, (_, grad_a, grad_W), strict=True):
        assert torch.equal(reused, fresh)  # the trainer's reused buffer changes no number


def test_same_seed_gives_identical_numbers_in_any_batch(xor8, xor8_recipe):
    first = train_algorithm_1(xor8, xor8_recipe, 8, 20, 32, seeds=[3, 4], checkpoint_steps=[10])
    again = train_algorithm_1(xor8, xor8_recipe, 8, 20, 32, seeds=[3, 4], checkpoint_steps=[10])
    alone = train_algorithm_1(xor8, xor8_recipe, 8, 20, 32, seeds=[4], checkpoint_steps=[10])
    assert torch.equal(first.final.W, again.final.W)
    assert torch.equal(first.online_loss_mean, again.online_loss_mean)
    torch.testing.assert_close(first.final.W[1], alone.final.W[0])
    torch.testing.assert_close(first.checkpoints[10].a[1], alone.checkpoints[10].a[0])


def test_training_learns_and_records_every_step(xor8, xor8_recipe):
    run = train_algorithm_1(
        xor8, xor8_recipe, 64, 150, 128, seeds=[0, 1], checkpoint_steps=[75, 150]
    )
    assert run.online_loss_mean.shape == (2, 151)
    assert torch.all(run.online_loss_mean[:, 0] == 1.0)  # f ≡ 0 at t = 0
    assert torch.all(run.online_loss_mean[:, -1] < 0.2)
    assert not run.diverged.any()
    assert set(run.checkpoints) == {75, 150}


def test_reused_sample_is_the_same_every_step(xor8, xor8_recipe):
    recipe = replace(xor8_recipe, fresh_samples=False, learning_rate=1e-12)
    run = train_algorithm_1(xor8, recipe, 4, 5, 16, seeds=[0])
    # with a negligible rate after step 1 the loss on a reused sample cannot change
    torch.testing.assert_close(run.online_loss_mean[0, 2:], run.online_loss_mean[0, 1].expand(4))


def test_divergence_is_recorded_not_raised(xor8, xor8_recipe):
    recipe = replace(xor8_recipe, learning_rate=1e6)
    run = train_algorithm_1(xor8, recipe, 16, 60, 64, seeds=[0, 1, 2])
    assert run.diverged.all()
    for i, step in enumerate(run.diverged_at.tolist()):
        assert torch.isnan(run.online_loss_mean[i, step:]).all()
        assert torch.isfinite(run.online_loss_mean[i, :step]).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_the_divergence_screen_is_finite_exactly_when_every_entry_is(dtype):
    """The trainer's per-run screen (read once, after the last step) against ``isfinite`` entry
    by entry: every mix of non-finite entries, and finite entries at the dtype's largest value,
    whose sum in the dtype itself overflows."""
    largest = torch.finfo(dtype).max
    runs = torch.full((6, 4, 5), largest, dtype=dtype)
    runs[1, 0, 0] = math.nan
    runs[2, 3, 4] = math.inf
    runs[3, 1, 1] = -math.inf
    runs[4, 0, 0], runs[4, 0, 1] = math.inf, -math.inf
    runs[5] = -largest
    expected = torch.isfinite(runs).flatten(1).all(1)
    assert expected.tolist() == [True, False, False, False, False, True]
    screen = _finiteness_screen(runs, (1, 2))
    assert torch.equal(torch.isfinite(screen), expected)
    assert torch.equal(torch.isfinite(screen + screen + screen), expected)  # the trainer adds 3
    assert not torch.isfinite(runs.sum((1, 2))).any()  # the naive sum would call all diverged


def test_function_drift_bounds_the_change_of_the_loss(xor8, xor8_recipe, generator):
    """|L(f_{t+1}) − L(f_t)| ≤ E|f_{t+1} − f_t| ≤ recorded drift; checked on a large sample."""
    run = train_algorithm_1(
        xor8,
        xor8_recipe,
        16,
        6,
        64,
        seeds=[0],
        checkpoint_steps=range(1, 7),
        dtype=torch.float64,
        expected_input_norm=xor8.expected_norm(),
    )
    x, _ = xor8.sample(50_000, generator, torch.float64)
    networks = [run.initial] + [run.checkpoints[t] for t in range(1, 7)]
    for t in range(6):
        change = (networks[t + 1](x) - networks[t](x)).abs().mean()
        assert change <= run.function_drift[0, t]


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"steps": 0}, "steps"),
        ({"batch_size": -1}, "batch_size"),
        ({"checkpoint_steps": [99]}, "checkpoint_steps"),
    ],
)
def test_bad_training_arguments_are_named(xor8, xor8_recipe, kwargs, parameter):
    arguments = {"width": 4, "steps": 5, "batch_size": 8, "seeds": [0], **kwargs}
    with pytest.raises(ParameterRangeError, match=parameter):
        train_algorithm_1(xor8, xor8_recipe, **arguments)


def test_recipe_refuses_non_positive_rates(xor8_recipe):
    with pytest.raises(ParameterRangeError, match="learning_rate"):
        replace(xor8_recipe, learning_rate=0.0)
    with pytest.raises(ParameterRangeError, match="first_step_rate"):
        replace(xor8_recipe, first_step_rate=-1.0)


def test_presampled_batches_train_exactly_as_manual_steps(xor8, xor8_recipe, generator):
    from gflcheck.models.training import PresampledBatches

    steps, k, n = 3, 2, 32
    x = torch.stack([xor8.sample(n * k, generator)[0].reshape(k, n, 8) for _ in range(steps + 1)])
    y = torch.where(x[..., 0] > 0, 1.0, -1.0)
    run = train_algorithm_1(PresampledBatches(x, y), xor8_recipe, 8, steps, n, seeds=[0, 1])
    network = run.initial
    for t in range(steps):
        network = algorithm_1_step(network, x[t], y[t], xor8_recipe, first=t == 0)
    torch.testing.assert_close(run.final.W, network.W)
    torch.testing.assert_close(run.final.a, network.a)
    with pytest.raises(ParameterRangeError, match="batches"):
        train_algorithm_1(PresampledBatches(x, y), xor8_recipe, 8, steps + 1, n, seeds=[0, 1])


def test_fresh_batches_drawn_in_advance_train_exactly_as_the_stream(xor8, xor8_recipe):
    """Runs of one seed at several widths share its batches (the parity walk): drawn in advance
    and stored narrower, they must give the numbers the trainer's own stream gives."""
    from gflcheck.models.distributions.structured_parity import StructuredParity
    from gflcheck.models.training import PresampledBatches, fresh_batches

    seeds, steps = (3, 4), 20  # more steps than one of the stream's chunks
    direct = train_algorithm_1(xor8, xor8_recipe, 8, steps, 32, seeds)
    given = train_algorithm_1(
        fresh_batches(xor8, seeds, 32, steps), xor8_recipe, 8, steps, 32, seeds
    )
    assert torch.equal(given.final.W, direct.final.W) and torch.equal(given.final.a, direct.final.a)
    parity = StructuredParity(6, (0, 2))
    batches = fresh_batches(parity, seeds, 16, steps)
    assert batches.x.shape == (steps + 1, 2, 16, 6) and batches.y.shape == (steps + 1, 2, 16)
    narrow = PresampledBatches(batches.x.to(torch.int8), batches.y.to(torch.int8))
    one = train_algorithm_1(parity, xor8_recipe, 8, steps, 16, seeds)
    other = train_algorithm_1(narrow, xor8_recipe, 8, steps, 16, seeds)
    assert torch.equal(one.final.W, other.final.W)
    with pytest.raises(ParameterRangeError, match="steps"):
        fresh_batches(parity, seeds, 16, 0)


def test_a_subnetwork_trains_its_own_neurons_on_the_same_batches(xor8, xor8_recipe):
    seeds = (1, 2)
    full = train_algorithm_1(xor8, xor8_recipe, 64, 3, 32, seeds, dtype=torch.float64)
    everything = [list(range(64))] * 2
    same = train_algorithm_1(
        xor8, xor8_recipe, 64, 3, 32, seeds, dtype=torch.float64, neurons=everything
    )
    assert torch.equal(same.final.W, full.final.W) and torch.equal(same.final.a, full.final.a)
    chosen = [[0, 5, 40], [3, 9, 63]]
    ticket = train_algorithm_1(
        xor8, xor8_recipe, 64, 3, 32, seeds, dtype=torch.float64, neurons=chosen
    )
    assert ticket.width == 3
    for run, rows in enumerate(chosen):
        assert torch.equal(ticket.initial.W[run], full.initial.W[run, rows])
        assert torch.equal(ticket.initial.a[run], full.initial.a[run, rows])
    with pytest.raises(ParameterRangeError, match="neurons"):
        train_algorithm_1(xor8, xor8_recipe, 64, 3, 32, seeds, neurons=[[0, 64], [1, 2]])
    with pytest.raises(ParameterRangeError, match="neurons"):
        train_algorithm_1(xor8, xor8_recipe, 64, 3, 32, seeds, neurons=[[0, 1]])


def test_a_network_evaluated_block_by_block_gives_each_blocks_product(monkeypatch):
    """``TwoLayerReLU.__call__`` reuses one buffer over blocks of points: each block's outputs
    are its own product ``bmm(ReLU(xWᵀ − b), a)`` bit for bit, for per-run and shared points; a
    set of points that fits one block gives the one-shot product's numbers."""
    from gflcheck.models import networks

    monkeypatch.setattr(networks, "EVALUATION_BLOCK", 3 * 8 * 7)  # 7 points per block
    generator = torch.Generator().manual_seed(5)
    shapes = ((3, 8), (3, 8, 4), (3, 8))
    network = TwoLayerReLU(*(torch.randn(shape, generator=generator) for shape in shapes))

    def product(x):
        return torch.bmm(torch.relu(network.preactivations(x)), network.a[:, :, None]).squeeze(-1)

    for x in (torch.randn(3, 50, 4, generator=generator), torch.randn(50, 4, generator=generator)):
        blocks = [product(x[..., start : start + 7, :]) for start in range(0, 50, 7)]
        assert torch.equal(network(x), torch.cat(blocks, 1))
        torch.testing.assert_close(network(x), product(x))
    one_block = torch.randn(3, 7, 4, generator=generator)
    assert torch.equal(network(one_block), product(one_block))
