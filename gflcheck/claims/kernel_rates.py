"""Rates in the kernel regime (Taheri–Thrampoulidis–Mazumdar against Chen et al. 2021).

A sweep (:class:`KernelSweep`) trains runs at each grid value (``n`` or ``m``), measures the
population logistic loss on a large test sample (and ``‖W_T − W₀‖``); a rate statement
``y = O(x^e)`` over it is :func:`~gflcheck.core.statement_kinds.rate_check`'s grid-level slope of
``log y`` on ``log x`` against the bound's own slope ``+ τ`` (``τ`` declared, for the log factors
of ``Õ``), told apart from its rival (TTM's ``1/n`` from Chen et al.'s ``1/√n``).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st
from scipy import stats

from gflcheck.claims.kernel_regime import KernelSetting, training_data
from gflcheck.core.bounds import Bound
from gflcheck.core.declare import Rival, TheoryCheck
from gflcheck.core.setups import KERNEL_REGIME
from gflcheck.core.statement_kinds import rate_check
from gflcheck.models.deep_networks import (
    initialize_deep_network,
    pointwise_logistic_losses,
    train_gradient_descent,
)
from gflcheck.models.ntk import lipschitz_constant, max_margin, step_size_limit, tangent_kernel
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.executors import map_in_order
from gflcheck.runtime.random import stream_seed, torch_generator


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
    run = train_gradient_descent(network, x, y, step_fraction * limit, setting.steps, limit)
    data = setting.distribution()
    x_test, y_test = data.sample(test_size, torch_generator(setting.seed, "kernel-test"))
    distance = run.final.distance(network).numpy()
    losses = pointwise_logistic_losses(run.final, x_test, y_test)  # [k, test_size]
    return SweepPoint(
        setting,
        losses.mean(-1).numpy(),
        distance,
        distance / network.flat().norm(dim=1).numpy(),
        margins,
        (losses.std(-1) / test_size**0.5).numpy(),
    )


SWEPT_SYMBOLS = {"samples": "n", "width": "m"}
"""The bound's symbol for each swept field of :class:`KernelSetting`."""


@dataclass(frozen=True)
class KernelSweep:
    """A declared sweep of the kernel regime: one setting per grid point (``points``, differing
    only in the ``variable`` field, ``samples`` or ``width``), the test sample per point and the
    step as a fraction of the step-size limit. Each point trains its own runs (:func:`sweep_point`:
    their seeds come from the point's setting)."""

    points: tuple[KernelSetting, ...]
    variable: str
    test_size: int
    step_fraction: float
    seed: int = 0

    def __post_init__(self) -> None:
        if self.variable not in SWEPT_SYMBOLS:
            raise ParameterRangeError("variable", self.variable, f"one of {list(SWEPT_SYMBOLS)}")

    @property
    def symbol(self) -> str:
        """The bound's symbol of the swept variable (``n`` or ``m``)."""
        return SWEPT_SYMBOLS[self.variable]

    def point(self, value: float) -> KernelSetting:
        """The grid point whose swept variable is ``value``."""
        for setting in self.points:
            if getattr(setting, self.variable) == value:
                return setting
        raise ParameterRangeError(self.variable, value, "a point of the sweep", "KernelSweep")


def sweep_grid(sweep: KernelSweep) -> list[float]:
    """The swept values, for :func:`~gflcheck.core.statement_kinds.rate_check`'s ``grid``."""
    return [float(getattr(setting, sweep.variable)) for setting in sweep.points]


def sweep_symbols(sweep: KernelSweep) -> dict[str, float]:
    """The bound's other symbols at the sweep's first point (``γ`` is the declared data margin,
    ``L`` the depth): constant over the grid, so they do not change a slope."""
    first = sweep.points[0]
    return {"n": first.samples, "m": first.width, "L": first.depth, "gamma": first.margin}


def swept_values(measure: str, sweep: KernelSweep, value: float, seeds: tuple[int, ...]):
    """Per run, ``measure`` (``test_loss``, ``distance``…) at the grid point ``value``, from
    ``len(seeds)`` runs of that point (:func:`sweep_point`)."""
    point = sweep_point(sweep.point(value), len(seeds), sweep.test_size, sweep.step_fraction)
    return getattr(point, measure)


def kernel_rate_check(
    name: str,
    bound: Bound,
    sweep_symbol: str,
    measure: str = "test_loss",
    *,
    runs: int,
    tolerance: float = 0.0,
    rivals: tuple[Rival, ...] = (),
    **fields: Any,
) -> TheoryCheck[KernelSweep]:
    """A rate in ``n`` or ``m`` of a per-run ``measure`` over a declared :class:`KernelSweep`
    (:func:`~gflcheck.core.statement_kinds.rate_check`, method ``slope``): the grid-level slope of
    ``log measure`` on ``log n`` (``log m``) against the bound's own slope over the grid
    ``+ τ``, told apart from ``rivals``."""
    return rate_check(
        name,
        bound,
        sweep_symbol,
        st.nothing(),
        sweep_grid,
        partial(swept_values, measure),
        tolerance=tolerance,
        runs=runs,
        bound_values=sweep_symbols,
        rivals=rivals,
        quantifiers={
            "the sweep": f"one setting per grid point, {runs} runs each (their own seeds), "
            f"{measure.replace('_', ' ')} per run",
        },
        setup=KERNEL_REGIME,
        **fields,
    )


def samples_grid(
    dimension: int,
    width: int,
    depth: int,
    margin: float,
    sizes: Sequence[int],
    steps_per_sample: int,
    seed: int,
) -> list[KernelSetting]:
    """Settings over ``n`` with ``T = steps_per_sample·n`` (the bounds are read at ``T ∝ n``)."""
    return [
        KernelSetting(dimension, width, depth, n, margin, steps_per_sample * n, seed) for n in sizes
    ]


@dataclass(frozen=True)
class CalibratedConstants:
    """Hidden constants of ``C₁e^{C₂L}/(γ²n)`` fitted on calibration runs (docs/setups.md §3)."""

    C1: float
    C2: float
    runs: int
    fitted_depth_slope: float


def calibrate_ttm_constants(points: Sequence[SweepPoint]) -> CalibratedConstants:
    """Fit ``log(loss·γ²·n) = log C₁ + C₂·L`` by OLS for ``C₂``, then raise ``C₁`` to the upper
    envelope (every calibration run satisfies the bound with these constants).

    ``C₂`` is a hidden constant of ``e^{O(L)}``, declared positive: a fitted slope ≤ 0 is
    replaced by the smallest representable positive value, which only enlarges the bound (the
    measured slope is reported as ``fitted_depth_slope``)."""
    depth = np.array([p.setting.depth for p in points for _ in p.test_loss], dtype=float)
    scaled = np.array(
        [
            loss * g**2 * p.setting.samples
            for p in points
            for loss, g in zip(p.test_loss, p.margin, strict=True)
        ]
    )
    fitted = float(stats.linregress(depth, np.log(scaled)).slope) if len(set(depth)) > 1 else 0.0
    C2 = max(fitted, float(np.finfo(float).tiny))
    C1 = float(np.max(scaled * np.exp(-C2 * depth)))
    return CalibratedConstants(C1, C2, len(scaled), fitted)
