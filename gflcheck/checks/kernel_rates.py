"""Rates in the kernel regime (THEORY.md §2.1, §3): log-log slopes with confidence intervals.

A sweep trains ``k`` seeds at each grid value (``n`` or ``m``), measures the population logistic
loss on a large test sample (and ``‖W_T − W₀‖``), and fits ``log y = a + b·log x`` by OLS
(``scipy.stats.linregress``) with a two-sided ``1 − α`` Student-t interval on ``b``.

A rate statement ``y ≤ C·x^e`` (``e`` derived by sympy from the bound, ``Bound.exponent``) *holds*
when the slope's upper confidence bound is at most ``e + τ`` (``τ`` declared, for the log factors of
``Õ``), is *violated* when its lower confidence bound exceeds ``e + τ``, and is *inconclusive* else.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial

import numpy as np
from hypothesis import strategies as st
from scipy import stats

from gflcheck.bounds import Bound
from gflcheck.cache import cached_run
from gflcheck.checks.kernel_regime import KernelSetting, training_data
from gflcheck.declare import (
    Measurement,
    StatementKind,
    TheoryCheck,
    no_setting_symbols,
)
from gflcheck.deep_networks import (
    initialize_deep_network,
    pointwise_logistic_losses,
    train_gradient_descent,
)
from gflcheck.estimators import SlopeFit, log_log_slope
from gflcheck.executors import map_in_order
from gflcheck.ntk import lipschitz_constant, max_margin, step_size_limit, tangent_kernel
from gflcheck.random import stream_seed, torch_generator
from gflcheck.setups import KERNEL_REGIME
from gflcheck.verdicts import QuantifierInstantiation, Verdict


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
    (:func:`gflcheck.executors.map_in_order`: the same numbers either way)."""
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


def sweep_slope(
    points: Sequence[SweepPoint], variable: str, measure: str, alpha: float
) -> SlopeFit:
    """:func:`log_log_slope` of a per-seed ``measure`` (``test_loss``, ``relative_distance``…) on
    the setting field ``variable`` (``samples``, ``width``…), one point per seed."""
    xs = [getattr(p.setting, variable) for p in points for _ in getattr(p, measure)]
    ys = [value for p in points for value in getattr(p, measure)]
    return log_log_slope(xs, ys, alpha)


@dataclass(frozen=True)
class RateSetting:
    """What a rate check is about: the variable of the fit and the declared tolerance."""

    variable: str
    tolerance: float
    seed: int = 0


def rate_verdict(
    name: str,
    bound: Bound,
    variable: str,
    fit: SlopeFit,
    tolerance: float,
    alpha: float,
    parameters: dict[str, object],
    false_variant: bool = False,
) -> Verdict:
    """The verdict of ``y ≤ C·x^e`` with ``e = ∂log B/∂log x`` from sympy (module docstring),
    through a :class:`~gflcheck.declare.TheoryCheck` on one estimate: the fitted slope with its
    two-sided ``1 − α`` interval against ``e + τ``. Declared false-alarm rate: ``α/2``."""
    check = TheoryCheck(
        name=f"ttm-kernel/rate-in-{variable}",
        bound=bound,
        settings=st.nothing(),
        bound_values=no_setting_symbols,
        compared_with=_allowed_exponent,
        measure=partial(_fitted_slope, fit, alpha, parameters),
        quantifiers=partial(_rate_quantifiers, bound, fit, alpha),
        kind=StatementKind.FOR_EVERY,
        miscoverage=alpha / 2,
        seeds=1,
        statement=name,
        quantity=f"fitted log-log slope in {variable}",
        why_false="declared false" if false_variant else None,
        setup=KERNEL_REGIME,
    )
    return check.run(RateSetting(variable, tolerance))


def _allowed_exponent(bound: Bound, setting: RateSetting) -> float:
    return float(bound.exponent(setting.variable)) + setting.tolerance


def _fitted_slope(
    fit: SlopeFit,
    alpha: float,
    parameters: dict[str, object],
    setting: RateSetting,
    seeds: tuple[int, ...],
) -> Measurement:
    return Measurement(
        [fit.slope],
        lower=[fit.lower],
        upper=[fit.upper],
        miscoverage=alpha / 2,
        derived=parameters,
        degrees_of_freedom=fit.degrees_of_freedom,
    )


def _rate_quantifiers(
    bound: Bound, fit: SlopeFit, alpha: float, setting: RateSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    exponent = float(bound.exponent(setting.variable))
    return (
        QuantifierInstantiation(
            f"rate in {setting.variable}",
            f"exponent ∂log B/∂log {setting.variable} = {exponent:g} (sympy) + tolerance "
            f"τ = {setting.tolerance:g}",
            f"slope {fit.slope:.3f}, {1 - alpha:.0%} CI [{fit.lower:.3f}, {fit.upper:.3f}] on "
            f"{fit.points} runs",
        ),
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
    """Hidden constants of ``C₁e^{C₂L}/(γ²n)`` fitted on calibration runs (THEORY.md §3)."""

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
