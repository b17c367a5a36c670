"""The trainer loops never wait on the host: no host read and no host-to-device copy per step.

The trainers run with the compute device set to ``meta`` (shapes without values), so every move
of CPU data onto the compute device is a visible ``aten._to_copy``/``copy_`` between devices, and
a host read (``aten._local_scalar_dense``: what ``.item()`` and ``bool(tensor)`` become) is
counted too. A torch dispatch mode counts both; each trainer runs for two numbers of steps and
the counts must not grow with the steps: whatever moves, moves once, before the loop. The fresh
stream of Algorithm 1 stages one chunk of 16 steps' batches at a time (drawn on the CPU from each
seed's own generator, so a GPU run draws the CPU's numbers): two copies per 16 steps, asserted
exactly. The TTM XOR SGD stages every step's ±1 batch at once, in int8; the fixed-feature
learners' kernel ridge solve reads nothing back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from gflcheck.models import deep_networks, minibatch_sgd, quadratic, training
from gflcheck.models.distributions import xor_mixture
from gflcheck.models.distributions.xor_cube import XorCube
from gflcheck.runtime import devices
from gflcheck.runtime.random import torch_generator

META = torch.device("meta")


class HostTraffic(TorchDispatchMode):
    """Counts host reads and copies between devices."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.copies = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.ops.aten._local_scalar_dense.default:
            self.reads += 1
        elif func is torch.ops.aten._to_copy.default:
            target = kwargs.get("device")
            self.copies += int(target is not None and torch.device(target) != args[0].device)
        elif func is torch.ops.aten.copy_.default:
            self.copies += int(args[0].device != args[1].device)
        return func(*args, **kwargs)


@pytest.fixture
def meta_device(monkeypatch):
    """The trainers compute on ``meta``; their results stay there (``to_host`` is the identity:
    a meta tensor has no values to copy back)."""
    for module in (devices, deep_networks, training, minibatch_sgd, quadratic):
        if hasattr(module, "compute_device"):
            monkeypatch.setattr(module, "compute_device", lambda: META)
        if hasattr(module, "to_host"):
            monkeypatch.setattr(module, "to_host", lambda value: value)


def traffic(train: Callable[[int], object], steps: int) -> tuple[int, int]:
    """(host reads, copies) of ``train(steps)``."""
    with HostTraffic() as counted:
        train(steps)
    return counted.reads, counted.copies


def _deep_gd(steps: int):
    network = deep_networks.initialize_deep_network(4, 8, 2, seeds=[0, 1])
    x = torch.randn(2, 10, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    y = torch.ones(2, 10, dtype=torch.float64)
    return deep_networks.train_gradient_descent(network, x, y, 0.1, steps)


MIXTURE = xor_mixture(6, 6.0, 1.0, torch_generator(0, "distribution"))
RECIPE = training.gaussian_mixture_recipe(
    6, 8, MIXTURE.expected_norm(), MIXTURE.expected_squared_norm()
)
GIVEN = training.fresh_batches(MIXTURE, [0, 1], 32, 48)


def _algorithm_1_given(steps: int):
    batches = training.PresampledBatches(GIVEN.x[: steps + 1], GIVEN.y[: steps + 1])
    return training.train_algorithm_1(batches, RECIPE, 8, steps, 32, [0, 1])


def _algorithm_1_reused(steps: int):
    recipe = dataclasses.replace(RECIPE, fresh_samples=False)
    return training.train_algorithm_1(MIXTURE, recipe, 8, steps, 32, [0, 1])


def _algorithm_1_fresh(steps: int):
    return training.train_algorithm_1(MIXTURE, RECIPE, 8, steps, 32, [0, 1])


def _cube_xor_sgd(steps: int):
    recipe = minibatch_sgd.SgdRecipe(width=8, batch_size=4)
    return minibatch_sgd.train_minibatch_sgd(XorCube(8), 4 * steps, [0, 1], recipe)


def _ttm_xor_sgd(steps: int):
    return quadratic.train_xor_sgd(XorCube(8), 6, steps, 16, [0, 1])


def _ttm_xor_reused(steps: int):
    return quadratic.train_xor_sgd(XorCube(8), 6, steps, 16, [0, 1], training_size=32)


@pytest.mark.parametrize(
    "train",
    [
        _deep_gd,
        _algorithm_1_given,
        _algorithm_1_reused,
        _cube_xor_sgd,
        _ttm_xor_sgd,
        _ttm_xor_reused,
    ],
    ids=[
        "deep GD",
        "Algorithm 1, given batches",
        "Algorithm 1, reused sample",
        "cube-XOR SGD",
        "TTM XOR SGD, fresh",
        "TTM XOR SGD, one training set",
    ],
)
def test_a_trainer_loop_reads_and_copies_nothing_per_step(meta_device, train):
    short, long = traffic(train, 15), traffic(train, 47)
    assert short[0] == long[0] == 0, f"host reads: {short[0]} in 15 steps, {long[0]} in 47"
    assert short[1] == long[1], f"copies: {short[1]} in 15 steps, {long[1]} in 47"


def test_the_fresh_stream_stages_one_chunk_per_16_steps(meta_device):
    (reads_short, short), (reads_long, long) = (
        traffic(_algorithm_1_fresh, 15),
        traffic(_algorithm_1_fresh, 47),
    )
    assert reads_short == reads_long == 0
    assert long - short == 2 * 2  # steps 0..15 are one chunk, 0..47 three: x and y per chunk


def test_the_count_sees_a_copy_and_a_host_read(meta_device):
    """The counter is not blind: one upload and one ``.item()``-like read are counted."""
    with HostTraffic() as counted:
        on_device = torch.ones(3).to(META)
        torch.ones(3).sum().item()
    assert (counted.reads, counted.copies) == (1, 1)
    assert on_device.device == META


@pytest.mark.parametrize("points", [64, 24], ids=["primal", "dual"])
@pytest.mark.parametrize("learner", ["random features", "NTK-linearised"])
def test_a_ridge_solve_reads_nothing_back(learner, points):
    """The fixed-feature learners' kernel ridge solve, primal (fewer features than points) or
    dual, leaves its error on the device: the caller reads every seed's error at once."""
    from gflcheck.models.learners import Learner
    from gflcheck.models.separation_learners import _fixed_features, _ridge_test_error

    generator = torch.Generator().manual_seed(0)
    x, x_test = (torch.randn(n, 8, generator=generator, dtype=torch.float64) for n in (points, 100))
    y, y_test = (
        torch.randn(n, generator=generator, dtype=torch.float64).sign() for n in (points, 100)
    )
    features = _fixed_features(Learner(learner), 8, 32, 1)
    with HostTraffic() as counted:
        error = _ridge_test_error(features, x, y, x_test, y_test, 0.01)
    assert (counted.reads, counted.copies) == (0, 0) and error.ndim == 0


def test_block_sizes_are_chosen_per_device(monkeypatch):
    """On the CPU the runs of a step go in cache-sized blocks; on another device (``meta`` here)
    all at once: there a block costs kernel launches, not cache misses."""
    blocks = []
    original = training._block_gradients
    monkeypatch.setattr(
        training, "_block_gradients", lambda *args: blocks.append(1) or original(*args)
    )
    initial = training.symmetric_initialization(
        RECIPE.initialization, 128, 6, list(range(86)), torch.float32
    )
    x = torch.ones(86, 512, 6)
    y = torch.ones(86, 512)
    for device, expected in ((torch.device("cpu"), 22), (META, 1)):
        blocks.clear()
        network = training.TwoLayerReLU(*(p.to(device) for p in (initial.a, initial.W, initial.b)))
        training.hinge_loss_gradients(network, x.to(device), y.to(device))
        assert len(blocks) == expected, (device, len(blocks))
    assert training.gradient_block(torch.device("cpu")) == training.GRADIENT_BLOCK
