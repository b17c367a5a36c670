"""Sweeps of the kernel regime: deep networks (:mod:`gflcheck.models.deep_networks`) trained by
full-batch GD at each setting of a grid, measured on a large test sample, with their distance
from initialisation and their NTK margins (Taheri–Thrampoulidis–Mazumdar's set-up)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import torch

from gflcheck.models.deep_networks import (
    KernelSetting,
    initialize_deep_network,
    pointwise_logistic_losses,
    train_gradient_descent,
    training_data,
)
from gflcheck.models.ntk import lipschitz_constant, max_margin, step_size_limit, tangent_kernel
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.executors import map_in_order
from gflcheck.runtime.random import stream_seed, torch_generator

SWEEP_DTYPE = torch.float32
"""The sweeps' networks train and are tested in float32 (their tangent kernels, margins and
step-size limits are computed in float64 from the same initialisation). At the rate's widest
shape (12 runs, n = 256, m = 256, L = 2) a GD step takes 33 ms against 74 ms in float64 on one
thread, and 50 steps' training losses agree to 1.2·10⁻⁷: far below the grid-level noise the
rates are judged by. The ∀-bound on the training loss (:mod:`gflcheck.claims.kernel_regime`) is
judged step by step with no room for rounding and stays in float64."""


@dataclass(frozen=True)
class SweepPoint:
    """One grid value: the setting, and per seed the test loss (with the standard error of its
    mean over the test sample), ``‖W_T − W₀‖`` (absolute, relative) and the NTK margin."""

    setting: KernelSetting
    test_loss: np.ndarray
    distance: np.ndarray
    relative_distance: np.ndarray
    margin: np.ndarray
    test_loss_standard_error: np.ndarray


def sweep(
    settings: Sequence[KernelSetting],
    seeds: int,
    test_size: int,
    step_fraction: float,
    executor: Executor | None = None,
) -> list[SweepPoint]:
    """Train and measure every setting (:func:`sweep_point`), here or on ``executor``
    (:func:`gflcheck.runtime.executors.map_in_order`: the same numbers either way)."""
    tasks = [(setting, seeds, test_size, step_fraction) for setting in settings]
    return map_in_order(sweep_point, tasks, executor)


@cached_run
def sweep_point(
    setting: KernelSetting, seeds: int, test_size: int, step_fraction: float
) -> SweepPoint:
    """One setting: its own seeds (the teacher comes from the setting's seed), GD at
    ``step_fraction`` of the step-size limit, test loss, ``‖W_T − W₀‖`` and the margins."""
    run_seeds = tuple(
        stream_seed(setting.seed, f"sweep-{setting.samples}-{setting.width}-{i}")
        for i in range(seeds)
    )
    x, y = training_data(setting, run_seeds)
    network = initialize_deep_network(setting.dimension, setting.width, setting.depth, run_seeds)
    kernels = [tangent_kernel(network, i, x[i]) for i in range(seeds)]
    limit = min(step_size_limit(lipschitz_constant(kernel)) for kernel in kernels)
    margins = np.array([max_margin(kernel, y[i]).gamma for i, kernel in enumerate(kernels)])
    run = train_gradient_descent(
        network.to(SWEEP_DTYPE),
        x.to(SWEEP_DTYPE),
        y.to(SWEEP_DTYPE),
        step_fraction * limit,
        setting.steps,
        limit,
    )
    data = setting.distribution()
    x_test, y_test = data.sample(test_size, torch_generator(setting.seed, "kernel-test"))
    distance = run.final.to(torch.float64).distance(network).numpy()
    losses = pointwise_logistic_losses(run.final, x_test, y_test).double()  # [k, test_size]
    return SweepPoint(
        setting,
        losses.mean(-1).numpy(),
        distance,
        distance / network.flat().norm(dim=1).numpy(),
        margins,
        (losses.std(-1) / test_size**0.5).numpy(),
    )
