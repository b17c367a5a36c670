"""Beyond the kernel regime on the XOR-like mixture: how the sample need of each learner grows in d.

The poster's separation (Shi–Wei–Liang, THEORY.md §1.4) made measurable (``ours``):

- **Data**: the XOR-like mixture ``±μ₁ → +1``, ``±μ₂ → −1``, ``μ₁ ⊥ μ₂``, noise ``N(0, I_d)``,
  so the label is a degree-2 function of two directions hidden in ``R^d``, in one of Refinetti et
  al.'s two scalings (:class:`MeanScaling`, FIDELITY.md §1): *low SNR*, ``‖μ‖ = R`` at every
  ``d`` (every learner needs ``Ω(d)`` samples; fixed features about ``d²``); *high SNR*,
  ``‖μ‖ = R·√(d/d₀)`` with ``d₀`` the grid's smallest ``d`` (equivalently noise ``I/d`` with
  ``‖μ‖ = O(1)``), where the clusters stay apart as ``d`` grows.
- **Learners**, all on the same training sample of size ``n`` per seed:
  *random features*, ``N = ⌈n/2⌉`` fixed ReLU features ``ReLU(⟨w,x⟩ − b)`` with
  ``w ~ N(0, I/d)``, ``b ~ N(0, 1)``, output layer by ridge regression on the labels;
  *NTK-linearised*, the tangent features ``(ReLU(⟨w_j,x⟩ − b_j), a_j 1[⟨w_j,x⟩ > b_j]·x)`` of a
  width-``⌈N/(d+1)⌉`` network at initialisation (``a ~ N(0, 1)``), so the same ``≈ N``
  features, fitted the same way; the *trained network*, Algorithm 1 at width
  ``m = 2⌈C_m ln d⌉`` (neurons growing like ``log d``), full-batch on the sample for ``T`` steps.
  Ridge: ``(K + λ·tr(K)/n·I)α = y`` with ``K = ΦΦᵀ``, solved by Cholesky in float64.
- **Sample need** ``n*(d)`` of one seed: the least ``n`` of a geometric grid (ratio ``√2``) at
  which the seed's test error (on ``test_size`` fresh points) is at most the declared level. Each
  seed walks the grid up until it reaches the level (:func:`walk_needs`), to a declared cap; a seed
  still above it at the cap is *censored* and reported, never dropped. Seeds are the streams
  ``separation-0, 1, …`` of the setting's seed, so a learner measured on fewer seeds shares a
  prefix with the others.
- **Growth**: OLS of ``log n*`` on ``log d`` over all seeds and dimensions, with a two-sided
  ``1 − α`` t interval on the slope (:func:`~gflcheck.checks.kernel_rates.log_log_slope`). A
  statement "``n* = Ω(B(d))``" *holds* when the slope's lower bound is at least ``e − τ`` and is
  *violated* when its upper bound is below ``e − τ``; "``n* = O(B(d))``" holds when the upper
  bound is at most ``e + τ`` and is violated when the lower bound exceeds it. ``e`` is the bound's
  own log-log slope over the grid (:meth:`GrowthStatement.exponent_over`) and ``τ`` a declared
  tolerance for lower-order terms. With censored seeds the verdict is *inconclusive*.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck._validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)
from gflcheck.bounds import Bound
from gflcheck.cache import cached_run
from gflcheck.declare import (
    Measurement,
    StatementKind,
    TheoryCheck,
    no_setting_symbols,
)
from gflcheck.devices import to_compute_device
from gflcheck.distributions.gaussian_mixture import GaussianMixture, xor_mixture
from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import SlopeFit, log_linear_slope, log_log_slope
from gflcheck.random import stream_seed, torch_generator
from gflcheck.setups import SetUp, separation_setup
from gflcheck.statement_kinds import rate_check
from gflcheck.theorems.separation import (
    CollapseStatement,
    Direction,
    GrowthStatement,
    Learner,
    fixed_features_need_grows_faster,
)
from gflcheck.training import PresampledBatches, gaussian_mixture_recipe, train_algorithm_1
from gflcheck.verdicts import QuantifierInstantiation, Verdict


def distinct_dimensions(dimensions: Sequence[int]) -> tuple[int, ...]:
    """``dimensions`` sorted and without repeats; at least two distinct integers ≥ 2, or
    :class:`~gflcheck.errors.ParameterRangeError` naming ``dimensions``."""
    values = tuple(int(d) for d in dimensions)
    if len(set(values)) < 2 or min(values) < 2:
        raise ParameterRangeError(
            "dimensions", list(dimensions), "at least two distinct integers ≥ 2"
        )
    return tuple(sorted(set(values)))


def geometric_sample_grid(smallest: int, largest: int) -> tuple[int, ...]:
    """``n = ⌊n₀·2^{j/2}⌉`` (ratio ``√2``) from ``smallest`` up to ``largest``."""
    steps = math.floor(2 * math.log2(largest / smallest) + 1e-9)
    return tuple(round(smallest * 2 ** (j / 2)) for j in range(steps + 1))


@dataclass(frozen=True)
class SampleNeedConfig:
    """Declared constants of a sample-need walk on a geometric grid: seeds, the grid's ends, the
    test set, the growth check's ``τ`` and ``α`` (subclassed by the checks that walk one)."""

    seeds: int = 16
    smallest_sample: int = 32
    largest_sample: int = 1 << 17
    test_size: int = 4000
    tolerance: float = 0.25
    alpha: float = 0.05

    def __post_init__(self) -> None:
        context = type(self).__name__
        require_int_at_least("seeds", self.seeds, 2, context)
        require_positive_int("smallest_sample", self.smallest_sample, context)
        require_int_at_least("largest_sample", self.largest_sample, self.smallest_sample, context)
        require_positive_int("test_size", self.test_size, context)
        require_positive("tolerance", self.tolerance, context)
        require_open_unit_interval("alpha", self.alpha, context)

    def sample_grid(self) -> tuple[int, ...]:
        """``n = ⌊n₀·2^{j/2}⌉`` from ``smallest_sample`` up to ``largest_sample``."""
        return geometric_sample_grid(self.smallest_sample, self.largest_sample)


class MeanScaling(StrEnum):
    """How the cluster means scale with ``d`` at unit noise per coordinate (FIDELITY.md §1)."""

    LOW_SNR = "low SNR: ‖μ‖ = R, noise N(0, I_d)"
    HIGH_SNR = "high SNR: ‖μ‖ = R·√(d/d₀), noise N(0, I_d)"


@dataclass(frozen=True)
class SeparationSetting:
    """The dimensions, the mean norm ``R`` (at every ``d``, or at the smallest ``d₀`` under the
    high-SNR scaling), the error level that counts as learned, the seed, and the scaling."""

    dimensions: tuple[int, ...] = (16, 24, 32, 48, 64)
    separation: float = 3.0
    target_error: float = 0.25
    seed: int = 0
    scaling: MeanScaling = MeanScaling.LOW_SNR

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", distinct_dimensions(self.dimensions))
        require_positive("separation", self.separation, "SeparationSetting")
        require_open_unit_interval("target_error", self.target_error, "SeparationSetting")
        if self.target_error >= 0.5:
            raise ParameterRangeError("target_error", self.target_error, "a level in (0, 0.5)")
        require_int_at_least("seed", self.seed, 0, "SeparationSetting")
        if not isinstance(self.scaling, MeanScaling):
            raise ParameterRangeError("scaling", self.scaling, f"one of {list(MeanScaling)}")

    def mean_norm(self, dimension: int) -> float:
        """``‖μ‖`` at ``d``: ``R``, or ``R·√(d/d₀)`` under the high-SNR scaling."""
        if self.scaling is MeanScaling.LOW_SNR:
            return self.separation
        return self.separation * math.sqrt(dimension / self.dimensions[0])

    def distribution(self, dimension: int) -> GaussianMixture:
        """The XOR-like mixture in ``R^dimension`` (its directions from the setting's seed)."""
        generator = torch_generator(self.seed, f"separation-mixture-{dimension}")
        return xor_mixture(dimension, self.mean_norm(dimension), 1.0, generator)


@dataclass(frozen=True)
class SeparationConfig:
    """Declared constants of the separation check (module docstring)."""

    seeds: int = 16
    ntk_seeds: int = 8
    smallest_sample: int = 16
    largest_sample: int = 8192
    test_size: int = 4000
    ridge: float = 1e-2
    width_constant: float = 4.0
    steps: int = 300
    learning_rate_factor: float = 8.0
    tolerance: float = 0.25
    alpha: float = 0.05

    def __post_init__(self) -> None:
        require_int_at_least("seeds", self.seeds, 2, "SeparationConfig")
        require_int_at_least("ntk_seeds", self.ntk_seeds, 2, "SeparationConfig")
        require_int_at_least("smallest_sample", self.smallest_sample, 2, "SeparationConfig")
        require_int_at_least(
            "largest_sample", self.largest_sample, self.smallest_sample, "SeparationConfig"
        )
        require_positive_int("test_size", self.test_size, "SeparationConfig")
        require_positive("ridge", self.ridge, "SeparationConfig")
        require_positive("width_constant", self.width_constant, "SeparationConfig")
        require_positive_int("steps", self.steps, "SeparationConfig")
        require_positive("learning_rate_factor", self.learning_rate_factor, "SeparationConfig")
        require_positive("tolerance", self.tolerance, "SeparationConfig")
        require_open_unit_interval("alpha", self.alpha, "SeparationConfig")

    def sample_grid(self) -> tuple[int, ...]:
        """``n = ⌊n₀·2^{j/2}⌉`` from ``smallest_sample`` up to ``largest_sample``."""
        return geometric_sample_grid(self.smallest_sample, self.largest_sample)

    def seeds_for(self, learner: Learner) -> int:
        """``ntk_seeds`` for the NTK-linearised learner (its ``n × n`` Gram matrices, ``n`` up to
        about 6000 at d = 64, are the costly part), ``seeds`` for the others."""
        return self.ntk_seeds if learner is Learner.NTK else self.seeds

    def trained_width(self, dimension: int) -> int:
        """``m = 2⌈C_m ln d⌉``: neurons growing like ``log d``, in ± pairs."""
        return 2 * math.ceil(self.width_constant * math.log(dimension))


def _samples(
    distribution: GaussianMixture, size: int, seeds: Sequence[int], stream: str
) -> tuple[torch.Tensor, torch.Tensor]:
    xs, ys = zip(
        *(
            distribution.sample(size, torch_generator(seed, stream), torch.float64)
            for seed in seeds
        ),
        strict=True,
    )
    return torch.stack(xs), torch.stack(ys)


def _fixed_feature_kernel(learner: Learner, dimension: int, count: int, seed: int):
    """``(x [n, d], x' [n', d]) → K [n, n']``, the Gram matrix ``ΦΦ'ᵀ`` of one seed's random
    features or of its NTK-linearised model's tangent features (module docstring).

    The tangent Gram matrix is formed without the ``M(d+1)`` features:
    ``Σ_j ReLU_j(x)ReLU_j(x') + ⟨x, x'⟩·Σ_j a_j² 1_j(x)1_j(x')``."""
    generator = torch_generator(seed, f"separation-features-{count}")
    neurons = count if learner is Learner.RANDOM_FEATURES else math.ceil(count / (dimension + 1))
    W = torch.randn(neurons, dimension, generator=generator, dtype=torch.float64)
    W /= math.sqrt(dimension)
    b = torch.randn(neurons, generator=generator, dtype=torch.float64)
    a = torch.randn(neurons, generator=generator, dtype=torch.float64)
    W, b, a = to_compute_device(W, b, a)  # drawn on the CPU; the solve runs on the device

    def gram(x: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
        pre, other_pre = (z @ W.T - b for z in (x, other))  # [n, M]
        kernel = torch.relu(pre) @ torch.relu(other_pre).T
        if learner is Learner.RANDOM_FEATURES:
            return kernel
        active, other_active = ((z > 0).to(z.dtype) * a for z in (pre, other_pre))
        return kernel.add_((x @ other.T).mul_(active @ other_active.T))

    return gram


def _ridge_test_error(gram, x, y, x_test, y_test, ridge: float) -> float:
    """Kernel ridge regression on ``(x, y)``, then the 0-1 error of its sign on the test points
    (on the compute device)."""
    x, y, x_test, y_test = to_compute_device(x, y, x_test, y_test)
    kernel = gram(x, x)
    scale = kernel.diagonal().mean()  # tr(K)/n
    scale = scale if scale > 0 else torch.ones_like(scale)  # no active feature: K = 0
    kernel.diagonal().add_(ridge * scale)
    coefficients = torch.cholesky_solve(y[:, None], torch.linalg.cholesky(kernel))
    prediction = (gram(x_test, x) @ coefficients).squeeze(-1)
    return float((torch.sign(prediction) != y_test).double().mean())


@cached_run
def learner_test_errors(
    learner: Learner,
    setting: SeparationSetting,
    config: SeparationConfig,
    dimension: int,
    samples: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    """Per seed, the 0-1 test error of ``learner`` trained on ``samples`` points in ``R^dimension``.

    Training sample: stream ``separation-train-{n}`` of each seed (the same for all learners);
    test sample: ``test_size`` points from stream ``separation-test``."""
    distribution = setting.distribution(dimension)
    x, y = _samples(distribution, samples, seeds, f"separation-train-{samples}")
    x_test, y_test = _samples(distribution, config.test_size, seeds, "separation-test")
    if learner is not Learner.TRAINED_NETWORK:
        # One seed at a time: an n×n Gram matrix per seed is the memory that matters.
        count = math.ceil(samples / 2)
        return np.array(
            [
                _ridge_test_error(
                    _fixed_feature_kernel(learner, dimension, count, seed),
                    x[i],
                    y[i],
                    x_test[i],
                    y_test[i],
                    config.ridge,
                )
                for i, seed in enumerate(seeds)
            ]
        )
    width = config.trained_width(dimension)
    recipe = gaussian_mixture_recipe(
        dimension, width, distribution.expected_norm(), distribution.expected_squared_norm()
    )
    recipe = replace(
        recipe,
        name="kernel-separation",
        learning_rate=config.learning_rate_factor / distribution.expected_squared_norm(),
        fresh_samples=False,
        description=f"gaussian-mixture recipe, η = {config.learning_rate_factor:g}/B_x2, one sample",
    )
    steps = config.steps
    batches = PresampledBatches(
        x.float()[None].expand(steps + 1, -1, -1, -1), y.float()[None].expand(steps + 1, -1, -1)
    )
    run = train_algorithm_1(batches, recipe, width, steps, samples, seeds)
    prediction = run.final(x_test.float())
    wrong = (torch.sign(prediction) != y_test.float()).double().mean(1)
    return torch.where(run.diverged, torch.ones_like(wrong), wrong).numpy()


@dataclass(frozen=True, eq=False)
class SampleNeeds:
    """Per value of the variable (``d``; ``k`` for parity) and seed, the need (``inf``: censored at
    the cap), and every measured error (``errors[d][n]``, per seed) of the walk up the grid."""

    learner: Learner
    setting: Any
    config: Any
    seeds: tuple[int, ...]
    needs: dict[int, np.ndarray]
    errors: dict[int, dict[int, np.ndarray]]
    logarithmic: bool = True  # the variable (d) on a log scale; False for k (exponential rates)

    @property
    def censored(self) -> int:
        """How many (dimension, seed) pairs never reached the level."""
        return int(sum(np.isinf(v).sum() for v in self.needs.values()))

    def points(self) -> tuple[list[float], list[float]]:
        """``(d, n*)`` pairs of the uncensored seeds, for the fit."""
        pairs = [(d, n) for d, row in self.needs.items() for n in row if np.isfinite(n)]
        return [float(d) for d, _ in pairs], [float(n) for _, n in pairs]

    def medians(self, variable: str) -> str:
        """``"d=16: 91, d=24: 181, …"``: the median need per value (``censored`` where a seed
        never got there)."""
        return ", ".join(
            f"{variable}={v}: {np.median(row):g}"
            if np.isfinite(row).all()
            else f"{variable}={v}: censored"
            for v, row in self.needs.items()
        )

    def fit(self, variable: list[float], values: list[float]) -> SlopeFit:
        """OLS slope of ``log values`` on ``log variable`` (or on ``variable``), ``1 − α`` interval."""
        slope = log_log_slope if self.logarithmic else log_linear_slope
        return slope(variable, values, self.config.alpha)

    def growth(self) -> SlopeFit:
        """The slope of ``log n*`` on ``log d`` (or on ``k``) with its ``1 − α`` interval."""
        return self.fit(*self.points())


def walk_needs(
    values: Sequence[int],
    grid: Callable[[int], Sequence[int]],
    errors_at: Callable[[int, int, tuple[int, ...]], np.ndarray],
    target_error: float,
    seeds: tuple[int, ...],
) -> tuple[dict[int, np.ndarray], dict[int, dict[int, np.ndarray]]]:
    """For each value ``v`` (``d`` or ``k``), each seed walks ``grid(v)`` upwards until its error
    ``errors_at(v, size, seeds_left)`` is at most ``target_error``; per seed, the first such size
    (``inf``: censored), and every error measured on the way (``NaN`` for a seed that had already
    got there).

    Only the seeds still walking are measured at the next size: a seed's error does not depend on
    which other seeds are measured with it (each draws from its own streams), so the needs are
    those of walking every seed up to the last seed's need, at the cost of the seeds that need it.
    """
    needs: dict[int, np.ndarray] = {}
    errors: dict[int, dict[int, np.ndarray]] = {}
    for value in values:
        need = np.full(len(seeds), np.inf)
        errors[value] = {}
        for size in grid(value):
            walking = np.flatnonzero(np.isinf(need))
            error = np.full(len(seeds), np.nan)
            error[walking] = errors_at(value, size, tuple(seeds[i] for i in walking))
            errors[value][size] = error
            need = np.where(np.isinf(need) & (error <= target_error), size, need)
            if np.isfinite(need).all():
                break
        needs[value] = need
    return needs, errors


def sample_needs(
    learner: Learner, setting: SeparationSetting, config: SeparationConfig | None = None
) -> SampleNeeds:
    """Walk the sample grid at every dimension (module docstring)."""
    config = config or SeparationConfig()
    count = config.seeds_for(learner)
    seeds = tuple(stream_seed(setting.seed, f"separation-{i}") for i in range(count))
    needs, errors = walk_needs(
        setting.dimensions,
        lambda d: config.sample_grid(),
        lambda d, n, walking: learner_test_errors(learner, setting, config, d, n, walking),
        setting.target_error,
        seeds,
    )
    return SampleNeeds(learner, setting, config, seeds, needs, errors)


def exponent_gap(fixed: SampleNeeds, trained: SampleNeeds) -> SlopeFit:
    """How much faster ``fixed``'s need grows than ``trained``'s: OLS slope of
    ``log(n*_fixed/n*_trained)`` on ``log d`` (on ``k`` for needs fitted log-linearly), paired by
    value and seed (the seeds both measured), with its ``1 − α`` interval. Censored
    pairs are left out."""
    common = min(len(fixed.seeds), len(trained.seeds))
    if fixed.seeds[:common] != trained.seeds[:common] or fixed.setting != trained.setting:
        raise ParameterRangeError("trained", "other seeds or setting", "the same as fixed's")
    d, ratio = [], []
    for dimension, row in fixed.needs.items():
        pairs = zip(row[:common], trained.needs[dimension][:common], strict=True)
        for need, other in pairs:
            if np.isfinite(need) and np.isfinite(other):
                d.append(float(dimension))
                ratio.append(need / other)
    return fixed.fit(d, ratio)


def paired_gap_check(
    fixed: Learner = Learner.RANDOM_FEATURES, config: SeparationConfig | None = None
) -> TheoryCheck[SeparationSetting]:
    """The separation's comparison on the mixture
    (:func:`~gflcheck.theorems.separation.fixed_features_need_grows_faster`): the paired ratio
    ``n*_fixed/n*_trained`` grows with ``d`` (:func:`need_ratio_check`, slope on ``log d``)."""
    config = config or SeparationConfig()
    return need_ratio_check(
        fixed,
        fixed_features_need_grows_faster(fixed),
        f"gfl-kernel-separation/paired-gap/{fixed.name.lower().replace('_', '-')}",
        partial(_sample_needs_of, config),
        setting_dimensions,
        "d",
        config.alpha,
        "both learners see the same training samples",
        label=_scaling_label,
        setup=partial(setup_of_separation, fixed),
    )


def need_ratio_check(
    fixed: Learner,
    bound: Bound,
    name: str,
    needs: Callable[[Learner, Any], SampleNeeds],
    grid: Callable[[Any], Sequence[int]],
    variable: str,
    alpha: float,
    pairing: str,
    label: Callable[[Any], str] | None = None,
    setup: SetUp | Callable[[Any], SetUp] | None = None,
    logarithmic: bool = True,
) -> TheoryCheck[Any]:
    """A separation's comparison as a :class:`~gflcheck.declare.TheoryCheck`: the slope of the
    paired ratio ``need_fixed/need_trained`` (:func:`exponent_gap`; on ``log d``, or on ``k``
    with ``logarithmic=False``), with its two-sided ``1 − α`` interval, against the slope of
    ``bound`` (a constant: 0). *Holds* when the interval's lower end is above 0 (the ratio grows),
    *violated* when its upper end is below (exact p-value at ``α_v``). Censored pairs are left out
    and counted in the verdict's notes. ``pairing`` says what the two learners share for a seed.
    Declared false-alarm rate: ``α_v``."""
    return TheoryCheck(
        name=name,
        bound=bound,
        settings=st.nothing(),
        bound_values=no_setting_symbols,
        compared_with=partial(_constant_slope, variable),
        measure=partial(_paired_gap, fixed, needs, variable, alpha),
        quantifiers=partial(_paired_gap_quantifiers, fixed, grid, variable, pairing),
        kind=StatementKind.FOR_EVERY,
        miscoverage=alpha / 2,
        at_least=True,
        seeds=1,
        statement=f"{fixed.value} need grows faster than the trained network's",
        quantity=f"slope of log(n*_fixed/n*_trained) on {'log ' if logarithmic else ''}{variable}",
        label=label,
        setup=setup,
    )


def _constant_slope(variable: str, bound: Bound, setting: Any) -> float:
    """The bound's slope in ``variable`` (``∂log B/∂log v``; the bound is a constant, so 0 on
    the log-linear scale too)."""
    slope = float(bound.exponent(variable))
    if slope != 0:
        raise ParameterRangeError("bound", bound.name, f"a constant in {variable}")
    return slope


def _scaling_label(setting: SeparationSetting) -> str:
    return setting.scaling.name.lower().replace("_", "-")


def _paired_gap(
    fixed: Learner,
    needs_of: Callable[[Learner, Any], SampleNeeds],
    variable: str,
    alpha: float,
    setting: Any,
    seeds: tuple[int, ...],
) -> Measurement:
    needs = (needs_of(fixed, setting), needs_of(Learner.TRAINED_NETWORK, setting))
    gap = exponent_gap(*needs)
    censored = sum(n.censored for n in needs)
    return Measurement(
        [gap.slope],
        lower=[gap.lower],
        upper=[gap.upper],
        miscoverage=alpha / 2,
        notes=(f"{censored} ({variable}, seed) needs censored at the cap, left out",)
        if censored
        else (),
        evidence=needs,
        degrees_of_freedom=gap.degrees_of_freedom,
    )


def _paired_gap_quantifiers(
    fixed: Learner,
    grid: Callable[[Any], Sequence[int]],
    variable: str,
    pairing: str,
    setting: Any,
    measured: Measurement,
) -> tuple[QuantifierInstantiation, ...]:
    fixed_needs, trained_needs = measured.evidence
    values = list(grid(setting))
    largest = max(values)
    common = min(len(fixed_needs.seeds), len(trained_needs.seeds))
    more = int((fixed_needs.needs[largest][:common] > trained_needs.needs[largest][:common]).sum())
    scale = f"log {variable}" if fixed_needs.logarithmic else variable
    return (
        QuantifierInstantiation(
            "paired by seed",
            f"{pairing}; ratio n*_fixed/n*_trained per ({variable}, seed), OLS slope of its log "
            f"on {scale}",
            f"slope {float(measured.values[0]):.2f}, CI [{float(measured.lower_bounds[0]):.2f}, "
            f"{float(measured.upper_bounds[0]):.2f}] on {common} seeds × {len(values)} "
            f"{variable}",
        ),
        QuantifierInstantiation(
            f"at the largest {variable}",
            f"seeds whose {fixed.value} need exceeds the trained network's at "
            f"{variable} = {largest}",
            f"{more} of {common}; median needs {np.median(fixed_needs.needs[largest]):g} "
            f"against {np.median(trained_needs.needs[largest]):g}",
        ),
    )


def check_sample_growth(
    statement: GrowthStatement,
    setting: SeparationSetting | None = None,
    config: SeparationConfig | None = None,
    observation: str | None = None,
) -> tuple[Verdict, SampleNeeds]:
    """Check ``statement`` against the fitted growth of its learner's sample need (reported and
    not judged with an ``observation``: see :class:`~gflcheck.declare.TheoryCheck`)."""
    setting = setting or SeparationSetting()
    config = config or SeparationConfig()
    high = setting.scaling is MeanScaling.HIGH_SNR
    check = growth_check(
        statement,
        "gfl-kernel-separation" + ("/high-snr" if high else ""),
        partial(_sample_needs_of, config),
        setting_dimensions,
        config.tolerance,
        config.alpha,
        partial(_quantifiers, statement, config),
        observation,
        partial(setup_of_separation, statement.learner),
    )
    return check.run_with_evidence(setting)


def _sample_needs_of(
    config: SeparationConfig, learner: Learner, setting: SeparationSetting
) -> SampleNeeds:
    return sample_needs(learner, setting, config)


def setting_dimensions(setting: Any) -> Sequence[int]:
    """The grid of a need check over ``d``: its setting's ``dimensions``."""
    return setting.dimensions


def growth_check(
    statement: GrowthStatement,
    family: str,
    needs: Callable[[Learner, Any], SampleNeeds],
    grid: Callable[[Any], Sequence[int]],
    tolerance: float,
    alpha: float,
    quantifiers: Callable[[Any, SampleNeeds, SlopeFit, float], Any],
    observation: str | None = None,
    setup: SetUp | Callable[[Any], SetUp] | None = None,
) -> TheoryCheck[Any]:
    """A growth statement as a :class:`~gflcheck.declare.TheoryCheck` (module docstring): the
    fitted slope of the learner's need, with its two-sided ``1 − α`` interval, against the
    statement's own slope over the grid ``∓ tolerance`` (``compared_with``). One estimate: it
    violates an ``O`` statement when its lower end is above, and satisfies it when its upper end is
    at or below (the other way round for ``Ω``); censored seeds leave the statement unconfirmed.
    Declared false-alarm rate: ``α/2``."""
    at_least = statement.direction is Direction.AT_LEAST
    return TheoryCheck(
        name=f"{family}/{statement.learner.name.lower().replace('_', '-')}",
        bound=statement.bound,
        settings=st.nothing(),
        bound_values=no_setting_symbols,
        compared_with=partial(_growth_threshold, statement, grid, tolerance),
        measure=partial(_fitted_growth, statement, needs, grid, tolerance, alpha),
        quantifiers=partial(_growth_quantifiers, statement, grid, quantifiers),
        kind=StatementKind.FOR_EVERY,
        miscoverage=alpha / 2,
        at_least=at_least,
        seeds=1,
        statement=statement.name,
        quantity="fitted growth slope of the need",
        why_false=statement.why_false,
        observation=observation,
        setup=setup,
    )


def _growth_threshold(
    statement: GrowthStatement,
    grid: Callable[[Any], Sequence[int]],
    tolerance: float,
    bound: Bound,
    setting: Any,
) -> float:
    exponent = replace(statement, bound=bound).exponent_over(grid(setting))
    return (
        exponent - tolerance if statement.direction is Direction.AT_LEAST else exponent + tolerance
    )


def _fitted_growth(
    statement: GrowthStatement,
    needs: Callable[[Learner, Any], SampleNeeds],
    grid: Callable[[Any], Sequence[int]],
    tolerance: float,
    alpha: float,
    setting: Any,
    seeds: tuple[int, ...],
) -> Measurement:
    measured = needs(statement.learner, setting)
    fit = measured.growth()
    lower, upper = fit.lower, fit.upper
    if measured.censored:  # a censored need is only known from below: no confirmation
        if statement.direction is Direction.AT_LEAST:
            lower = -np.inf
        else:
            upper = np.inf
    return Measurement(
        [fit.slope],
        lower=[lower],
        upper=[upper],
        miscoverage=alpha / 2,
        derived={
            "learner": statement.learner.value,
            "exponent": statement.exponent_over(grid(setting)),
            "tolerance": tolerance,
        },
        notes=(f"{measured.censored} (value, seed) needs censored at the cap",)
        if measured.censored
        else (),
        evidence=measured,
        degrees_of_freedom=fit.degrees_of_freedom,
    )


def _growth_quantifiers(
    statement: GrowthStatement,
    grid: Callable[[Any], Sequence[int]],
    quantifiers: Callable[[Any, SampleNeeds, SlopeFit, float], Any],
    setting: Any,
    measured: Measurement,
) -> Any:
    needs: SampleNeeds = measured.evidence
    return quantifiers(setting, needs, needs.growth(), statement.exponent_over(grid(setting)))


def _learner_description(learner: Learner, config: SeparationConfig) -> str:
    if learner is Learner.RANDOM_FEATURES:
        return f"N = ⌈n/2⌉ ReLU random features, ridge λ = {config.ridge:g}·tr(K)/n"
    if learner is Learner.NTK:
        return (
            f"tangent features of a width-⌈N/(d+1)⌉ network at init (N = ⌈n/2⌉), ridge "
            f"λ = {config.ridge:g}·tr(K)/n"
        )
    return (
        f"Algorithm 1, m = 2⌈{config.width_constant:g} ln d⌉, full batch, T = {config.steps}, "
        f"η = {config.learning_rate_factor:g}/B_x2"
    )


def _quantifiers(statement, config, setting, measured, fit, exponent):
    Q = QuantifierInstantiation
    return (
        Q(
            "the Gaussian mixture",
            f"XOR-like mixture, {setting.scaling.value}, R = {setting.separation:g}",
            f"d ∈ {list(setting.dimensions)}; ‖μ‖ = "
            + ", ".join(f"{setting.mean_norm(d):.3g}" for d in setting.dimensions),
        ),
        Q("the learner", statement.learner.value, _learner_description(statement.learner, config)),
        samples_needed_row(config, setting.target_error, measured),
        growth_row(statement, fit, exponent, config.tolerance, config.alpha),
    )


def samples_needed_row(
    config: SampleNeedConfig | SeparationConfig, target_error: float, measured: SampleNeeds
) -> QuantifierInstantiation:
    """The quantifier row of a sample need walked on ``config``'s grid to ``target_error``."""
    return QuantifierInstantiation(
        "samples needed",
        f"least n on the grid {config.smallest_sample}·2^(j/2) ≤ {config.largest_sample} with "
        f"test error ≤ {target_error:g} ({config.test_size} test points), per seed",
        f"median n* per d: {measured.medians('d')}; censored: {measured.censored}",
    )


def growth_row(
    statement: GrowthStatement,
    fit: SlopeFit,
    exponent: float,
    tolerance: float,
    alpha: float,
    need: str = "n*",
) -> QuantifierInstantiation:
    """The quantifier row of a growth check in ``d``: the fitted slope of ``log need`` against
    the bound's own slope over the grid, ``∓ τ``."""
    at_least = statement.direction is Direction.AT_LEAST
    relation, sign = ("≥", "−") if at_least else ("≤", "+")
    return QuantifierInstantiation(
        f"{need} = {'Ω' if at_least else 'O'}({statement.bound.expression})",
        f"OLS slope of log {need} on log d {relation} the bound's slope over the grid "
        f"{sign} τ (τ = {tolerance:g})",
        f"slope {fit.slope:.2f}, {1 - alpha:.0%} CI [{fit.lower:.2f}, {fit.upper:.2f}] "
        f"on {fit.points} runs; bound's slope {exponent:.2f}",
    )


def setup_of_separation(learner: Learner, setting: SeparationSetting) -> SetUp:
    """The set-up of ``learner`` on the mixture in ``setting``'s scaling."""
    high = setting.scaling is MeanScaling.HIGH_SNR
    return separation_setup(learner.value, "high SNR" if high else "low SNR")


def collapse_check(
    statement: CollapseStatement, config: SeparationConfig | None = None
) -> TheoryCheck[SeparationSetting]:
    """``statement`` as a rate statement (:func:`~gflcheck.statement_kinds.rate_check`, method
    ``slope``) on the setting's dimensions: per seed, the learner's test error with
    ``n = c·d^a`` samples (:func:`learner_test_errors`, ``test_size`` fresh points), and the OLS
    slope of ``log error`` on ``log d`` with its two-sided ``1 − α`` interval. *Rises*: the
    interval lies at or above 0; *does not rise*: at or below 0. No tolerance either way: a
    learner whose need grows like ``d^a`` keeps a flat error, and a tolerance would let the
    schedules on either side of it pass."""
    config = config or SeparationConfig()
    learner = statement.learner.name.lower().replace("_", "-")
    schedule = "linear" if statement.exponent == 1 else f"d{statement.exponent:g}"
    check = rate_check(
        f"gfl-kernel-separation/{learner}/error-at-{schedule}-n",
        statement.bound,
        "d",
        st.nothing(),
        setting_dimensions,
        partial(_errors_at_schedule, statement, config),
        at_least=statement.rises,
        alpha=config.alpha,
        seeds=config.seeds_for(statement.learner),
        quantifiers={
            "the learner": f"{statement.learner.value}: "
            f"{_learner_description(statement.learner, config)}",
            "samples": f"{statement.samples} per seed (the same sample for every learner)",
            "test error": f"0-1 error on {config.test_size} fresh points per seed",
        },
    )
    return replace(
        check,
        why_false=statement.why_false,
        setup=partial(setup_of_separation, statement.learner),
    )


def _errors_at_schedule(
    statement: CollapseStatement,
    config: SeparationConfig,
    setting: SeparationSetting,
    dimension: float,
    seeds: tuple[int, ...],
) -> np.ndarray:
    d = int(dimension)
    return learner_test_errors(
        statement.learner, setting, config, d, statement.sample_size(d), seeds
    )
