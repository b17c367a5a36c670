"""TTM's Table 2 on cube XOR, as sample needs over ``d``: the kernel regime needs ``d²`` samples,
feature learning ``d`` (``seed``; docs/setups.md §2.2). Made measurable (``ours``), every constant
declared before measuring:

- **Data**: ``x ~ U({±1}^d)``, ``y = x₁x₂`` (:class:`~gflcheck.models.distributions.xor_cube.XorCube`).
- **Kernel regime**: the quadratic network linearised at its initialisation, at infinite width.
  Its NTK is ``K(x, x′) = (4/m)·E_w[⟨w,x⟩⟨w,x′⟩]·⟨x,x′⟩ = (4/m)⟨x,x′⟩²`` and the initial function
  vanishes; under TTM's linear loss the gradient does not depend on ``f``, so gradient descent
  from ``f ≡ 0`` gives ``f_t(x) = (4ηt/(mn))·Σᵢ yᵢ⟨xᵢ,x⟩²`` after any ``t`` steps: the classifier
  ``sign(xᵀMx)`` with ``M = Σᵢ yᵢxᵢxᵢᵀ``, computed exactly (no loop, no width).
- **Feature learning**: TTM's algorithm (:func:`gflcheck.models.quadratic.train_xor_sgd`: width
  ``m = 20``, ``η = m``, linear loss), ``T = ⌈ln d⌉ + 1`` steps (Figure 1's) of ``n`` fresh
  points each. What "samples" counts is not stated (docs/setups.md §5.2): the batch per step, the
  theorem's ``n`` (its batch-size condition), or all ``T·n`` points. Both readings are checked
  side by side (``Table2Setting.count``); they differ by the factor ``T``, whose growth alone adds
  about 0.33 to the slope over ``d = 8…64``.
- **Sample need** of a seed: the least ``n`` of a geometric grid (ratio ``√2``) at which its test
  error (``test_size`` fresh points of its own) is at most the declared level; a seed above it at
  the cap is censored, reported, never dropped (:class:`~gflcheck.core.statement_kinds.NeedWalk`).
- **Growth**: :func:`~gflcheck.core.statement_kinds.need_check`, the grid-level slope of ``log n*``
  on ``log d`` against the statement's own slope over the grid ``∓ τ``. No ``d₀`` and no error
  threshold is read off the data: the level (0.05), the grid and ``τ`` are those of the other
  need checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck.core.confidence import SeedPlan
from gflcheck.core.coverage import TableCell
from gflcheck.core.declare import CatalogueEntry, Rival, TheoryCheck
from gflcheck.core.entries import at_rate_share
from gflcheck.core.estimators import zero_one_errors
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.needs import (
    SampleNeedConfig,
    distinct_dimensions,
    setting_dimensions,
    the_same_sizes,
)
from gflcheck.core.provenance import TTM_PAPER
from gflcheck.core.setups import TTM_KERNEL_LIMIT, SetUp, xor_setup
from gflcheck.core.statement_kinds import NeedWalk, need_check
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.models.distributions.xor_cube import XorCube
from gflcheck.models.quadratic import train_xor_sgd
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive_int,
)
from gflcheck.theorems.separation import (
    GrowthStatement,
    Learner,
    rival,
)
from gflcheck.theorems.xor_cube_needs import (
    feature_learning_needs_constant_width,
    feature_learning_needs_linear_samples,
    kernel_regime_needs_linear_samples,
    kernel_regime_needs_quadratic_samples,
)

TABLE_2_LEARNERS = (Learner.TTM_KERNEL_REGIME, Learner.TTM_FEATURE_LEARNING)
PER_STEP, IN_ALL = "per step", "in all"


@dataclass(frozen=True)
class Table2Setting:
    """The dimensions, the error level that counts as learned, the seed, and what a sample
    count counts for feature learning: the fresh points of one step (``"per step"``, the
    theorem's ``n``) or of all ``T`` steps (``"in all"``); the kernel's one training set is both."""

    dimensions: tuple[int, ...] = (8, 16, 32, 64)
    target_error: float = 0.05
    seed: int = 0
    count: str = PER_STEP

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", distinct_dimensions(self.dimensions))
        require_open_unit_interval("target_error", self.target_error, "Table2Setting")
        require_int_at_least("seed", self.seed, 0, "Table2Setting")
        if self.count not in (PER_STEP, IN_ALL):
            raise ParameterRangeError("count", self.count, f"{PER_STEP!r} or {IN_ALL!r}")


@dataclass(frozen=True)
class Table2Config(SampleNeedConfig):
    """Declared constants: the width, and the walk's (:class:`SampleNeedConfig`): seeds, the
    sample grid from 8, the test set, ``τ`` and ``α``."""

    smallest_sample: int = 8
    width: int = 20

    def __post_init__(self) -> None:
        super().__post_init__()
        require_positive_int("width", self.width, "Table2Config (m ≥ 1)")


def feature_learning_steps(dimension: int) -> int:
    """``T = ⌈ln d⌉ + 1``, Figure 1's step count."""
    return math.ceil(math.log(dimension)) + 1


def kernel_limit_scores(x: torch.Tensor, y: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """``Σᵢ yᵢ⟨xᵢ, x⟩²`` at each of ``points`` (module docstring), as ``xᵀMx`` with
    ``M = Σᵢ yᵢxᵢxᵢᵀ``: the kernel-regime classifier trained on ``(x, y)``, up to a positive
    factor."""
    M = x.T @ (y[:, None] * x)
    return ((points @ M) * points).sum(-1)


@cached_run
def table_2_test_errors(
    learner: Learner, config: Table2Config, dimension: int, samples: int, seeds: tuple[int, ...]
) -> np.ndarray:
    """Per seed, the test error of ``learner`` trained on ``samples`` points (feature learning:
    ``samples`` fresh points at each step; module docstring), on ``test_size`` fresh points of the
    seed's own; a non-finite score counts as an error."""
    cube = XorCube(dimension)
    tests = [
        cube.sample(config.test_size, torch_generator(seed, "table-2-test"), torch.float64)
        for seed in seeds
    ]
    if learner is Learner.TTM_KERNEL_REGIME:
        scores = []
        for seed, (points, _) in zip(seeds, tests, strict=True):
            x, y = cube.sample(samples, torch_generator(seed, "table-2-kernel"), torch.float64)
            scores.append(kernel_limit_scores(x, y, points))
    elif learner is Learner.TTM_FEATURE_LEARNING:
        steps = feature_learning_steps(dimension)
        run = train_xor_sgd(cube, config.width, steps, samples, seeds)
        final = run.networks[-1]
        scores = [final.select(i)(points)[0] for i, (points, _) in enumerate(tests)]
    else:
        raise ParameterRangeError("learner", learner.value, "a learner of TTM's Table 2")
    return np.array(
        [
            float((zero_one_errors(score * labels) | ~torch.isfinite(score)).double().mean())
            for score, (_, labels) in zip(scores, tests, strict=True)
        ]
    )


def table_2_walk(learner: Learner, config: Table2Config | None = None) -> NeedWalk:
    """How ``learner``'s sample need is walked at each ``d`` (module docstring)."""
    if learner not in TABLE_2_LEARNERS:
        raise ParameterRangeError("learner", learner.value, "a learner of TTM's Table 2")
    config = config or Table2Config()
    return NeedWalk(
        sizes=config.sample_grid,
        error_at=partial(_test_errors_at, learner, config),
        target_error=_target_error,
        name=learner.value,
    )


def _test_errors_at(
    learner: Learner,
    config: Table2Config,
    setting: Table2Setting,
    dimension: float,
    samples: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    return table_2_test_errors(learner, config, int(dimension), samples, seeds)


def _target_error(setting: Any) -> float:
    return setting.target_error


def _counted(setting: Table2Setting, dimension: float, needs: np.ndarray) -> np.ndarray:
    """Feature learning's needs per step, or over all ``T`` steps (the same runs)."""
    if setting.count == IN_ALL:
        return needs * feature_learning_steps(int(dimension))
    return needs


def table_2_need_check(
    statement: GrowthStatement,
    config: Table2Config | None = None,
    rivals: tuple[GrowthStatement, ...] = (),
    observation: str | None = None,
) -> TheoryCheck[Table2Setting]:
    """A growth ``statement`` about one learner of TTM's Table 2 on cube XOR
    (:func:`~gflcheck.core.statement_kinds.need_check`), told apart from ``rivals`` (reported and not
    judged with an ``observation``)."""
    if statement.learner not in TABLE_2_LEARNERS:
        raise ParameterRangeError(
            "statement", statement.name, "a statement about a learner of TTM's Table 2"
        )
    config = config or Table2Config()
    kernel = statement.learner is Learner.TTM_KERNEL_REGIME
    return _table_2_check(
        f"ttm-table-2/{statement.learner.name.lower().replace('_', '-')}",
        statement,
        table_2_walk(statement.learner, config),
        partial(_quantifiers, statement.learner, config),
        config,
        rivals,
        Expectation(why_false=statement.why_false, observation=observation),
        transform=None if kernel else _counted,
        setup=TTM_KERNEL_LIMIT if kernel else xor_setup("fresh"),
    )


def _table_2_check(
    name: str,
    statement: GrowthStatement,
    walk: NeedWalk,
    quantifiers: Callable[[Table2Setting, Any], tuple[QuantifierInstantiation, ...]],
    config: Table2Config,
    rivals: tuple[GrowthStatement, ...],
    expectation: Expectation,
    transform: Callable[[Table2Setting, float, np.ndarray], np.ndarray] | None,
    setup: SetUp,
) -> TheoryCheck[Table2Setting]:
    """:func:`~gflcheck.core.statement_kinds.need_check` of ``statement`` over the setting's
    dimensions with ``walk``."""
    return need_check(
        name,
        statement.bound,
        "d",
        st.nothing(),
        setting_dimensions,
        walk,
        at_least=statement.at_least,
        tolerance=config.tolerance,
        alpha=config.alpha,
        runs=config.seeds,
        quantifiers=quantifiers,
        rivals=[Rival(r.bound, r.at_least, name=r.name) for r in rivals],
        transform=transform,
        wording=Wording(statement=statement.name),
        expectation=expectation,
        setup=setup,
        seed_plan=SeedPlan(stream="table-2"),
    )


def _quantifiers(
    learner: Learner, config: Table2Config, setting: Table2Setting, raw: Any
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    if learner is Learner.TTM_KERNEL_REGIME:
        row = Q(
            "kernel regime",
            "the linearised quadratic network at infinite width, linear loss: sign(Σᵢ yᵢ⟨xᵢ,x⟩²)",
            "exact at any number of steps; one training set of n points per seed",
        )
    else:
        steps = {d: feature_learning_steps(d) for d in setting.dimensions}
        row = Q(
            "feature learning",
            f"TTM's mini-batch SGD, m = {config.width}, η = m, linear loss, T = ⌈ln d⌉ + 1 "
            f"steps of b fresh points; samples counted {setting.count}"
            + (" (n = b)" if setting.count == PER_STEP else " (n = T·b)"),
            f"T per d: {steps}",
        )
    return (Q("the data", "x ~ U({±1}^d), y = x₁x₂", f"d ∈ {list(setting.dimensions)}"), row)


WIDTH_GRID = (2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64)
"""The widths a width need walks (ratio about √2; the last is the cap). Two neurons of opposite
output sign are the fewest that can carry ``x₁x₂ = ((x₁ + x₂)² − (x₁ − x₂)²)/4``."""

WIDTH_SAMPLES_PER_DIMENSION = 8
"""A width walk's fresh points per step: ``8d`` (Figure 1's ``6d``, with room)."""


def _width_errors_at(
    config: Table2Config,
    setting: Table2Setting,
    dimension: float,
    width: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    d = int(dimension)
    samples = WIDTH_SAMPLES_PER_DIMENSION * d
    learner = Learner.TTM_FEATURE_LEARNING
    return table_2_test_errors(learner, replace(config, width=width), d, samples, seeds)


def table_2_width_check(
    statement: GrowthStatement,
    config: Table2Config | None = None,
    rivals: tuple[GrowthStatement, ...] = (),
) -> TheoryCheck[Table2Setting]:
    """Table 2's width column for feature learning as a need: per seed and ``d``, the least
    width of :data:`WIDTH_GRID` at which TTM's SGD (``η = m``, ``⌈ln d⌉ + 1`` steps of ``8d``
    fresh points) reaches the setting's error level; its growth in ``d`` against ``statement``
    (:func:`~gflcheck.core.statement_kinds.need_check`), told apart from ``rivals``."""
    config = config or Table2Config()
    walk = NeedWalk(
        sizes=partial(the_same_sizes, WIDTH_GRID),
        error_at=partial(_width_errors_at, config),
        target_error=_target_error,
        name=f"{Learner.TTM_FEATURE_LEARNING.value} (width)",
    )
    return _table_2_check(
        "ttm-table-2/feature-learning-width",
        statement,
        walk,
        _width_quantifiers,
        config,
        rivals,
        Expectation(why_false=statement.why_false),
        transform=None,
        setup=xor_setup("fresh"),
    )


def _width_quantifiers(setting: Table2Setting, raw: Any) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    return (
        Q("the data", "x ~ U({±1}^d), y = x₁x₂", f"d ∈ {list(setting.dimensions)}"),
        Q(
            "feature learning, width",
            f"TTM's mini-batch SGD, η = m, linear loss, T = ⌈ln d⌉ + 1 steps of "
            f"{WIDTH_SAMPLES_PER_DIMENSION}d fresh points",
            f"the least m in {list(WIDTH_GRID)} with test error ≤ {setting.target_error:g}",
        ),
    )


CUBE_DIMENSIONS = (8, 10, 12, 14, 16, 24, 32, 40, 48, 64)


TABLE_2_SETTING = Table2Setting(dimensions=CUBE_DIMENSIONS)


ENTRIES: tuple[CatalogueEntry, ...] = (
    at_rate_share(
        table_2_need_check(
            kernel_regime_needs_quadratic_samples(),
            rivals=(rival(kernel_regime_needs_quadratic_samples(), "C*d**(3/2)", "d^1.5"),),
        )
    ).catalogue_entry(
        TABLE_2_SETTING,
        "Table 2 on {±1}^d, d = 8…64: the kernel regime (the linearised network at infinite "
        "width, linear loss) needs Ω(d²) samples",
        "ttm-xor/table-2/kernel-regime",
        sweep=True,
    ),
    at_rate_share(
        table_2_need_check(
            feature_learning_needs_linear_samples(),
            rivals=(rival(feature_learning_needs_linear_samples(), "C*d**(3/2)", "d^1.5"),),
        )
    ).catalogue_entry(
        TABLE_2_SETTING,
        "Table 2 on {±1}^d, d = 8…64: feature learning (m = 20, ⌈ln d⌉ + 1 steps) needs O(d) "
        "samples per step (the theorem's n)",
        "ttm-xor/table-2/feature-learning",
        sweep=True,
    ),
    at_rate_share(
        table_2_need_check(
            feature_learning_needs_linear_samples(),
            observation="the theorem's n is the batch per step (its batch-size condition); "
            "counted over all ⌈ln d⌉ + 1 steps the need carries the step count's growth, a log "
            "factor the 'd' of Table 2 leaves out",
        )
    ).catalogue_entry(
        replace(TABLE_2_SETTING, count=IN_ALL),
        "observation: the same runs, samples counted over all ⌈ln d⌉ + 1 steps (the other "
        "reading of 'samples')",
        "ttm-xor/table-2/feature-learning/in-all",
        sweep=True,
    ),
    at_rate_share(table_2_need_check(kernel_regime_needs_linear_samples())).catalogue_entry(
        TABLE_2_SETTING,
        "false variant: the kernel regime needs only O(d) samples (Table 2's contrast denied)",
        "ttm-xor/table-2/kernel-regime/linear",
        sweep=True,
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""

WIDTH_ENTRY = at_rate_share(
    table_2_width_check(
        feature_learning_needs_constant_width(),
        rivals=(rival(feature_learning_needs_constant_width(), "C*d**(1/2)", "√d"),),
    )
).catalogue_entry(
    TABLE_2_SETTING,
    "Table 2's width column on {±1}^d, d = 8…64: feature learning (η = m, ⌈ln d⌉ + 1 steps "
    f"of {WIDTH_SAMPLES_PER_DIMENSION}d fresh points) learns with a width that does not grow in d",
    "ttm-xor/table-2/feature-learning/width",
    sweep=True,
)
"""Table 2's feature-learning width as a need. Checked by
``properties/test_xor_feature_learning.py``, not in the main job: the main job's decisions on
true statements already declare 0.0498 of its family-wise α = 0.05."""


_TABLE_2 = partial(TableCell, TTM_PAPER, "Table 2")
_KERNEL_ROW, _FEATURE_ROW = "kernel regime", "feature learning"

COVERAGE: tuple[TableCell, ...] = (
    _TABLE_2(
        _KERNEL_ROW,
        "width",
        "Ω(poly(d))",
        unchecked="the kernel-regime learner here is the linearised network at infinite width "
        "(its NTK in closed form, (4/m)⟨x,x′⟩²); the least finite width that stays in the "
        "kernel regime on XOR is not measured",
    ),
    _TABLE_2(
        _KERNEL_ROW,
        "iteration",
        "d²",
        unchecked="under TTM's linear loss, gradient descent on the linearised network from f ≡ 0 "
        "gives f_t ∝ t·Σᵢ yᵢ⟨xᵢ,x⟩²: the same classifier after every step, so iterations do not "
        "change its errors and no iteration need exists in this reading",
    ),
    _TABLE_2(
        _KERNEL_ROW,
        "sample",
        "d²",
        checked_by=("ttm-xor/table-2/kernel-regime", "ttm-xor/table-2/kernel-regime/linear"),
        reading="the sample need's growth in d over d = 8…64, at test error ≤ 0.05",
    ),
    _TABLE_2(
        _FEATURE_ROW,
        "width",
        "Ω(1)",
        checked_by=(
            "properties/test_xor_feature_learning.py::test_table_2_width_need_does_not_grow",
            "ttm-xor/table-2/feature-learning",
        ),
        reading="the least width of 2…64 at which ⌈ln d⌉ + 1 steps of 8d fresh points reach "
        "test error ≤ 0.05, per seed, and its growth in d (told apart from √d); and m = 20 "
        "serving every d in the sample-need checks",
    ),
    _TABLE_2(
        _FEATURE_ROW,
        "iteration",
        "log d",
        checked_by=("ttm-xor/d=16", "ttm-xor/d=64/log-log-steps"),
        reading="zero test error within c⌈log d⌉ SGD steps (and the growth in d of the step "
        "count, properties/test_xor_feature_learning.py)",
    ),
    _TABLE_2(
        _FEATURE_ROW,
        "sample",
        "d",
        checked_by=(
            "ttm-xor/table-2/feature-learning",
            "ttm-xor/table-2/feature-learning/in-all",
            "ttm-xor/d=32/sqrt-d-samples",
        ),
        reading="the sample need per step (the theorem's n), and over all steps as an observation",
    ),
)
"""Table 2's cells: which checks test each, and why the kernel row's width and iterations are
not checked."""
