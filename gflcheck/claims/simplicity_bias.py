"""Simplicity bias (Shi–Wei–Liang poster, docs/setups.md §1.4): which part of a mixed target is learned
first.

Target ``f*(x) = α·x₁ + β·x₂x₃`` on the uniform cube ``{±1}^d``. A two-layer ReLU network
``f(x) = Σ_j a_j ReLU(⟨w_j, x⟩ − b_j)`` (``ours``: ``w ~ N(0, I/d)``, ``b = 0``,
``a ~ N(0, (σ_a/m)²)``) is trained by gradient descent on the exact population loss
``½E(f − f*)²`` (a sum over the ``2^d`` points), step ``η`` for ``a`` and ``η·m`` for ``(w, b)``
(mean-field scaling, so that the first layer moves at every width). Seeds change only the
initialisation; all ``k`` seeds train as one batched program.

Per seed and part, the crossing step is the first ``t`` at which the normalised correlation
(``E[f_t x₁]/α`` or ``E[f_t x₂x₃]/β``, exact) reaches the declared ``level``; a part that never
crosses within ``T`` gets ``T + 1``. A seed violates "``first`` is learned first" when
``t_first > t_later − 1``; a seed on which neither part crosses is undetermined. The verdict is the
exact binomial test of :mod:`gflcheck.core.verdicts` (per-seed quantities are exact: no miscoverage),
and the crossing steps are reported with t intervals over seeds.

The same order in GFL's own mechanism (:func:`algorithm_1_simplicity_check`): Algorithm 1 with
Theorem 3.12's recipe (hinge loss, fresh points, a first step that turns each neuron into its
gradient feature) on ``y = sign(x₁ + x₂x₃ + x₄x₅)``, whose Fourier coefficient is ½ on ``x₁``
and on each XOR part; each part's correlation is divided by that ½, and the XOR part's crossing
is the first of its two parts'.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck.core.confidence import Confidence, SeedPlan, require_claim_plan
from gflcheck.core.declare import CatalogueEntry, Measurement, TheoryCheck, delta_of_setting
from gflcheck.core.estimators import student_t_interval
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.setups import SIMPLICITY_BIAS, SIMPLICITY_BIAS_ALGORITHM_1, SetUp
from gflcheck.core.statement_kinds import HittingTimes, hitting_time_check
from gflcheck.core.verdicts import (
    QuantifierInstantiation,
)
from gflcheck.models.distributions.majority_of_parts import (
    PART_COEFFICIENT,
    MajorityOfParts,
    linear_part,
    xor_parts,
)
from gflcheck.models.distributions.xor_cube import cube_points
from gflcheck.models.training import Recipe, gaussian_mixture_recipe, train_algorithm_1
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.devices import to_compute_device
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)
from gflcheck.theorems.simplicity import (
    OrderStatement,
    linear_part_first,
    linear_part_in_a_third_of_the_time,
    linear_part_in_a_thirty_second_of_the_time,
    xor_part_first,
)

EXACT_DIMENSION_LIMIT = 14


def _require_exact_sums(dimension: int) -> None:
    if dimension > EXACT_DIMENSION_LIMIT:
        raise ParameterRangeError(
            "dimension", dimension, f"≤ {EXACT_DIMENSION_LIMIT} (exact sums over 2^d points)"
        )


@dataclass(frozen=True)
class SimplicitySetting:
    """``d``, width ``m``, the coefficients ``α`` (linear) and ``β`` (XOR), ``δ`` and the seed."""

    dimension: int
    width: int
    linear_coefficient: float
    xor_coefficient: float
    delta: float
    seed: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 3, "SimplicitySetting (d ≥ 3)")
        _require_exact_sums(self.dimension)
        require_positive_int("width", self.width, "SimplicitySetting")
        require_positive("linear_coefficient", self.linear_coefficient, "SimplicitySetting")
        require_positive("xor_coefficient", self.xor_coefficient, "SimplicitySetting")
        require_open_unit_interval("delta", self.delta, "SimplicitySetting")
        require_int_at_least("seed", self.seed, 0, "SimplicitySetting")


@dataclass(frozen=True)
class SimplicityConfig:
    """Declared constants: level, steps, step size, output scale, the error rates and the seed plan
    (at least 8 seeds)."""

    level: float = 0.5
    steps: int = 400
    learning_rate: float = 0.05
    output_scale: float = 0.1
    confidence: Confidence = field(default_factory=Confidence)
    seed_plan: SeedPlan = field(default_factory=lambda: SeedPlan(minimum=8))

    def __post_init__(self) -> None:
        require_claim_plan(self.confidence, self.seed_plan, "SimplicityConfig")
        require_open_unit_interval("level", self.level, "SimplicityConfig")
        require_positive_int("steps", self.steps, "SimplicityConfig")
        require_positive("learning_rate", self.learning_rate, "SimplicityConfig")
        require_positive("output_scale", self.output_scale, "SimplicityConfig")


@dataclass(frozen=True, eq=False)
class CorrelationPaths:
    """Per seed and step ``t = 0..t_stop``: the normalised correlations and the population loss.

    The paths stop at ``T`` (``horizon``) or at the first step by which every seed's two parts
    have crossed the level (later steps cannot change a crossing step; the flow, which reads the
    device back every ``CROSSING_CHECK_STEPS`` steps, may have run a few steps past it)."""

    linear: np.ndarray
    xor: np.ndarray
    loss: np.ndarray
    seeds: tuple[int, ...]
    horizon: int

    def crossing_steps(self, level: float) -> dict[str, np.ndarray]:
        """First ``t`` with correlation ≥ ``level``, per seed (``T + 1`` if none), per part."""

        def first(path: np.ndarray) -> np.ndarray:
            reached = path >= level
            return np.where(reached.any(1), reached.argmax(1), self.horizon + 1)

        return {"linear": first(self.linear), "xor": first(self.xor)}


CROSSING_CHECK_STEPS = 32
"""The flow checks whether every seed has crossed every this many steps (one host read); the
paths are then cut at the first step at which all had, as if it had stopped there."""


def _all_crossed_at(paths: torch.Tensor, level: float) -> int | None:
    """The first step by which every seed's linear and XOR correlations (``paths[0]``,
    ``paths[1]``, ``[k, t+1]``) have reached ``level``, or ``None`` if some have not yet."""
    reached = paths[:2] >= level  # [2, k, t+1]
    if not bool(reached.any(2).all()):
        return None
    return int(reached.to(torch.uint8).argmax(2).max())


@cached_run
def correlation_paths(
    setting: SimplicitySetting, config: SimplicityConfig, seeds: tuple[int, ...]
) -> CorrelationPaths:
    """Train ``len(seeds)`` networks at once (module docstring) and record the exact paths."""
    d, m, k = setting.dimension, setting.width, len(seeds)
    draws = [torch_generator(s, "simplicity-init") for s in seeds]
    W = torch.stack([torch.randn(m, d, generator=g, dtype=torch.float64) for g in draws])
    a = torch.stack([torch.randn(m, generator=g, dtype=torch.float64) for g in draws])
    # Drawn on the CPU; the gradient flow runs on the compute device.
    x, W, a = to_compute_device(cube_points(d, dtype=torch.float64), W, a)
    linear, xor = x[:, 0], x[:, 1] * x[:, 2]
    target = setting.linear_coefficient * linear + setting.xor_coefficient * xor
    W = (W / math.sqrt(d)).requires_grad_()
    b = torch.zeros(k, m, dtype=torch.float64, device=W.device, requires_grad=True)
    a = (a * config.output_scale / m).requires_grad_()
    rates = (config.learning_rate * m, config.learning_rate * m, config.learning_rate)
    # Written on the device and read back every CROSSING_CHECK_STEPS steps, not every step.
    paths = torch.full((3, k, config.steps + 1), math.nan, dtype=torch.float64, device=W.device)
    for t in range(config.steps + 1):
        f = torch.einsum(
            "knm,km->kn", torch.relu(torch.einsum("nd,kmd->knm", x, W) - b[:, None]), a
        )
        loss = 0.5 * (f - target).pow(2).mean(1)
        with torch.no_grad():
            paths[0, :, t] = (f * linear).mean(1) / setting.linear_coefficient
            paths[1, :, t] = (f * xor).mean(1) / setting.xor_coefficient
            paths[2, :, t] = loss
        if t == config.steps or (t + 1) % CROSSING_CHECK_STEPS == 0:
            stop = _all_crossed_at(paths[:, :, : t + 1], config.level)
            if t == config.steps or stop is not None:
                break
        gradients = torch.autograd.grad(loss.sum(), (W, b, a))
        with torch.no_grad():
            for parameter, gradient, rate in zip((W, b, a), gradients, rates, strict=True):
                parameter -= rate * gradient
    end = t if stop is None else stop
    paths = paths[:, :, : end + 1].cpu().numpy()
    return CorrelationPaths(paths[0], paths[1], paths[2], seeds, config.steps)


def simplicity_bias_check(
    statement: OrderStatement | None = None,
    config: SimplicityConfig | None = None,
    settings: st.SearchStrategy[SimplicitySetting] | None = None,
) -> TheoryCheck[SimplicitySetting]:
    """``statement`` (default: the linear part first) as an ordering of first times
    (:func:`~gflcheck.core.statement_kinds.hitting_time_check`): per seed, the exact crossing step of
    the part claimed first (the event ``t``) against the bound in the other part's crossing step
    ``t_later``. A part that does not cross within the horizon is known only to cross later; a
    seed on which neither part crosses is undetermined. Declared false-alarm rate: the check's
    ``violation_alpha``."""
    return _order_check(
        "gfl-simplicity-bias",
        statement or linear_part_first(),
        config or SimplicityConfig(),
        settings,
        correlation_paths,
        _mean_field_quantifiers,
        SIMPLICITY_BIAS,
    )


def _order_check(
    name: str,
    statement: OrderStatement,
    config: SimplicityConfig | Algorithm1SimplicityConfig,
    settings: st.SearchStrategy[Any] | None,
    paths_of: Callable[[Any, Any, tuple[int, ...]], CorrelationPaths],
    describe: Callable[[Any, Any], tuple[QuantifierInstantiation, QuantifierInstantiation]],
    setup: SetUp,
) -> TheoryCheck[Any]:
    """The order check of ``statement`` on the paths ``paths_of(setting, config, seeds)``."""
    return hitting_time_check(
        name,
        statement.bound,
        st.nothing() if settings is None else settings,
        partial(crossing_steps, paths_of, statement, config),
        partial(_horizon, config),
        delta=delta_of_setting,
        alpha=config.confidence.alpha,
        quantifiers=partial(_quantifiers, describe, config),
        wording=Wording(
            statement=statement.name,
            quantity=f"the {statement.first} part's crossing step",
            label=_label,
        ),
        expectation=Expectation(why_false=statement.why_false),
        setup=setup,
        confidence=config.confidence,
        seed_plan=replace(config.seed_plan, stream="simplicity"),
    )


def _horizon(config: SimplicityConfig | Algorithm1SimplicityConfig, setting: Any) -> int:
    return config.steps


def _label(setting: SimplicitySetting | MajoritySetting) -> str:
    return f"d={setting.dimension},m={setting.width}"


def crossing_steps(
    paths_of: Callable[[Any, Any, tuple[int, ...]], CorrelationPaths],
    statement: OrderStatement,
    config: SimplicityConfig | Algorithm1SimplicityConfig,
    setting: SimplicitySetting | MajoritySetting,
    seeds: tuple[int, ...],
) -> HittingTimes:
    """The crossing steps of the part claimed first (``t``) and of the other (``t_later``),
    ``inf`` where a part did not cross within the horizon, and the seeds whose run diverged."""
    paths = paths_of(setting, config, seeds)
    crossing = paths.crossing_steps(config.level)
    never = config.steps + 1

    def times(part: str) -> np.ndarray:
        return np.where(crossing[part] == never, np.inf, crossing[part]).astype(float)

    return HittingTimes(
        {"t": times(statement.first), "t_later": times(statement.later)},
        diverged=~np.isfinite(paths.loss[:, -1]),
        derived={"m": setting.width, "T": config.steps},
        evidence=paths,
    )


def _quantifiers(
    describe: Callable[[Any, Any], tuple[QuantifierInstantiation, QuantifierInstantiation]],
    config: SimplicityConfig | Algorithm1SimplicityConfig,
    setting: SimplicitySetting | MajoritySetting,
    measured: Measurement,
) -> tuple[QuantifierInstantiation, ...]:
    crossing = measured.evidence.crossing_steps(config.level)
    intervals = {
        part: student_t_interval(steps.astype(float), config.confidence.alpha / 2)
        for part, steps in crossing.items()
    }

    def interval(part: str) -> str:
        estimate = intervals[part]
        return (
            f"{float(estimate.estimate):.1f} [{float(estimate.lower):.1f}, "
            f"{float(estimate.upper):.1f}]"
        )

    return (
        *describe(config, setting),
        QuantifierInstantiation(
            "'learned' (a part's correlation)",
            f"first t with E[f_t·part]/(part's coefficient in the target) ≥ {config.level:g} "
            "(declared level)",
            f"mean crossing step, 95% t interval over seeds: linear {interval('linear')}, "
            f"XOR {interval('xor')}",
        ),
    )


def _mean_field_quantifiers(
    config: SimplicityConfig, setting: SimplicitySetting
) -> tuple[QuantifierInstantiation, QuantifierInstantiation]:
    Q = QuantifierInstantiation
    return (
        Q(
            "a target mixing a linear and a nonlinear part",
            f"f* = {setting.linear_coefficient:g}·x₁ + {setting.xor_coefficient:g}·x₂x₃ on the "
            f"uniform cube, d = {setting.dimension}",
            "exact sums over 2^d points",
        ),
        Q(
            "networks (trained by gradient descent)",
            f"two-layer ReLU, m = {setting.width}, w ~ N(0, I/d), b = 0, a ~ N(0, "
            f"({config.output_scale:g}/m)²); population GD, η = {config.learning_rate:g} (a), "
            f"η·m (w, b)",
            f"T = {config.steps}",
        ),
    )


@dataclass(frozen=True)
class MajoritySetting:
    """``d`` (≥ 5, at most :data:`EXACT_DIMENSION_LIMIT`), width ``m``, ``δ`` and the seed, for
    ``y = sign(x₁ + x₂x₃ + x₄x₅)`` on the cube."""

    dimension: int
    width: int
    delta: float
    seed: int

    def __post_init__(self) -> None:
        MajorityOfParts(self.dimension)  # d ≥ 5
        _require_exact_sums(self.dimension)
        require_positive_int("width", self.width, "MajoritySetting")
        require_open_unit_interval("delta", self.delta, "MajoritySetting")
        require_int_at_least("seed", self.seed, 0, "MajoritySetting")


ALGORITHM_1_SHARE = 0.0005
"""The declared share of the family-wise α of the Algorithm 1 order decision: the main job's
other decisions on true statements declare 0.0493 of α = 0.05 (union bound)."""


@dataclass(frozen=True)
class Algorithm1SimplicityConfig:
    """Declared constants of the Algorithm 1 reading: level, steps ``T``, fresh points per step,
    the error rates and the seed plan (at least 8 seeds). The recipe is Theorem 3.12's
    (:func:`~gflcheck.models.training.gaussian_mixture_recipe` with ``B_x1 = √d``,
    ``B_x2 = d``, the cube's exact moments)."""

    level: float = 0.5
    steps: int = 400
    batch_size: int = 256
    confidence: Confidence = field(
        default_factory=lambda: Confidence(violation_alpha=ALGORITHM_1_SHARE)
    )
    seed_plan: SeedPlan = field(default_factory=lambda: SeedPlan(minimum=8))

    def __post_init__(self) -> None:
        require_claim_plan(self.confidence, self.seed_plan, "Algorithm1SimplicityConfig")
        require_open_unit_interval("level", self.level, "Algorithm1SimplicityConfig")
        require_positive_int("steps", self.steps, "Algorithm1SimplicityConfig")
        require_positive_int("batch_size", self.batch_size, "Algorithm1SimplicityConfig")


def algorithm_1_recipe(setting: MajoritySetting) -> Recipe:
    """Theorem 3.12's recipe at ``d`` and ``m``, with the cube's ``E‖x‖ = √d``, ``E‖x‖² = d``."""
    d = setting.dimension
    return gaussian_mixture_recipe(d, setting.width, math.sqrt(d), float(d))


@cached_run
def algorithm_1_correlation_paths(
    setting: MajoritySetting, config: Algorithm1SimplicityConfig, seeds: tuple[int, ...]
) -> CorrelationPaths:
    """Algorithm 1 (hinge loss, a large first step that turns each neuron into its gradient
    feature, then both layers at rate ``η``; fresh points every step) on
    ``y = sign(x₁ + x₂x₃ + x₄x₅)``, and after every step ``t`` the exact normalised correlations
    ``E[f_t x₁]/½`` (linear) and ``max(E[f_t x₂x₃], E[f_t x₄x₅])/½`` (the first XOR part to
    rise), over the ``2^d`` points. ``loss`` is the hinge loss on each step's fresh points (NaN
    from a divergence on)."""
    distribution = MajorityOfParts(setting.dimension)
    run = train_algorithm_1.uncached(  # its every-step checkpoints are not worth storing
        distribution,
        algorithm_1_recipe(setting),
        setting.width,
        config.steps,
        config.batch_size,
        seeds,
        checkpoint_steps=range(1, config.steps + 1),
    )
    x = distribution.points()
    linear, xor = linear_part(x), xor_parts(x)
    paths = np.zeros((2, len(seeds), config.steps + 1))
    for t in range(1, config.steps + 1):
        with torch.no_grad():
            f = run.checkpoints[t](x)  # [k, 2^d]; f_0 ≡ 0 (symmetric initialisation)
            paths[0, :, t] = ((f @ linear) / len(x) / PART_COEFFICIENT).numpy()
            paths[1, :, t] = ((f @ xor).amax(1) / len(x) / PART_COEFFICIENT).numpy()
    return CorrelationPaths(paths[0], paths[1], run.online_loss_mean.numpy(), seeds, config.steps)


def algorithm_1_simplicity_check(
    statement: OrderStatement | None = None,
    config: Algorithm1SimplicityConfig | None = None,
    settings: st.SearchStrategy[MajoritySetting] | None = None,
) -> TheoryCheck[MajoritySetting]:
    """``statement`` (default: the linear part first) under Algorithm 1, GFL's own mechanism:
    the order check of :func:`simplicity_bias_check` on
    :func:`algorithm_1_correlation_paths`."""
    return _order_check(
        "gfl-simplicity-bias-algorithm-1",
        statement or linear_part_first(),
        config or Algorithm1SimplicityConfig(),
        settings,
        algorithm_1_correlation_paths,
        _algorithm_1_quantifiers,
        SIMPLICITY_BIAS_ALGORITHM_1,
    )


def _algorithm_1_quantifiers(
    config: Algorithm1SimplicityConfig, setting: MajoritySetting
) -> tuple[QuantifierInstantiation, QuantifierInstantiation]:
    Q = QuantifierInstantiation
    recipe = algorithm_1_recipe(setting)
    return (
        Q(
            "a target mixing a linear and a nonlinear part",
            f"y = sign(x₁ + x₂x₃ + x₄x₅) = ½x₁ + ½x₂x₃ + ½x₄x₅ − ½x₁x₂x₃x₄x₅ on the uniform "
            f"cube, d = {setting.dimension}",
            "correlations: exact sums over 2^d points",
        ),
        Q(
            "networks (trained by Algorithm 1)",
            f"two-layer ReLU, m = {setting.width}, hinge loss, {config.batch_size} fresh points "
            f"per step; recipe {recipe.name}: {recipe.description}",
            f"T = {config.steps}",
        ),
    )


SIMPLICITY_SETTING = SimplicitySetting(10, 64, 1.0, 1.0, 0.2, 1)
MAJORITY_SETTING = MajoritySetting(10, 64, 0.2, 1)


ENTRIES: tuple[CatalogueEntry, ...] = (
    *(
        simplicity_bias_check(statement()).catalogue_entry(SIMPLICITY_SETTING, description, name)
        for name, description, statement in (
            (
                "gfl/simplicity-bias",
                "f* = x₁ + x₂x₃ on {±1}^10, m = 64: the linear part is learned first",
                linear_part_first,
            ),
            (
                "gfl/simplicity-bias/xor-first",
                "false variant: the XOR part is learned first",
                xor_part_first,
            ),
            (
                "gfl/simplicity-bias/a-third-of-the-time",
                "false variant near the break point: t_linear ≤ (t_xor − 1)/3 (measured 2.34× "
                "loose)",
                linear_part_in_a_third_of_the_time,
            ),
        )
    ),
    *(
        algorithm_1_simplicity_check(statement()).catalogue_entry(
            MAJORITY_SETTING, description, name
        )
        for name, description, statement in (
            (
                "gfl/simplicity-bias/algorithm-1",
                "y = sign(x₁ + x₂x₃ + x₄x₅) on {±1}^10, m = 64, Algorithm 1: the linear part is "
                "learned first",
                linear_part_first,
            ),
            (
                "gfl/simplicity-bias/algorithm-1/xor-first",
                "false variant: under Algorithm 1 an XOR part is learned first",
                xor_part_first,
            ),
            (
                "gfl/simplicity-bias/algorithm-1/a-thirty-second-of-the-time",
                "false variant near the break point: t_linear ≤ (t_xor − 1)/32 under Algorithm 1 "
                "(measured 20.3× loose)",
                linear_part_in_a_thirty_second_of_the_time,
            ),
        )
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""


def simplicity_settings(
    dimension: st.SearchStrategy[int] = st.integers(6, 11),
    width: st.SearchStrategy[int] = st.sampled_from((32, 64)),
    coefficient: st.SearchStrategy[float] = st.floats(0.5, 2.0),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.3),
) -> st.SearchStrategy[SimplicitySetting]:
    """Targets ``α·x₁ + β·x₂x₃`` on the cube, ``α, β`` drawn from ``coefficient``."""
    return st.builds(
        SimplicitySetting,
        dimension=dimension,
        width=width,
        linear_coefficient=coefficient,
        xor_coefficient=coefficient,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )


def majority_settings(
    dimension: st.SearchStrategy[int] = st.integers(6, 11),
    width: st.SearchStrategy[int] = st.sampled_from((32, 64)),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.3),
) -> st.SearchStrategy[MajoritySetting]:
    """``y = sign(x₁ + x₂x₃ + x₄x₅)`` on the cube, for the Algorithm 1 reading."""
    return st.builds(
        MajoritySetting,
        dimension=dimension,
        width=width,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )
