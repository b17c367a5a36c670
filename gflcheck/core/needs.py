"""Needs walked over a grid: per run, the least size at which a learner's error reaches a
declared level (:class:`NeedWalk`), censored at the largest size; and the paired ratio of two
learners' needs on the same runs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from gflcheck.core.exponents import GridData
from gflcheck.runtime.cache import callable_fingerprint
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)

S = TypeVar("S")


@dataclass(frozen=True)
class NeedWalk:
    """How one learner's need is measured at a grid point ``v``: the sizes it may need
    (``sizes(setting, v)``, ascending; the last is the cap), the error of a size on some runs
    (``error_at(setting, v, size, seeds)``, one value per seed), and the error level that counts
    as learned (a number, or a function of the setting). ``runs``: fewer runs than the check's
    (the first of its seeds, so that learners measured on fewer share a prefix); ``name`` names
    the learner in the verdict."""

    sizes: Callable[[Any, float], Sequence[int]]
    error_at: Callable[[Any, float, int, tuple[int, ...]], np.ndarray]
    target_error: float | Callable[[Any], float]
    runs: int | None = None
    name: str = "learner"

    def target(self, setting: Any) -> float:
        """The error level on ``setting``."""
        value = self.target_error(setting) if callable(self.target_error) else self.target_error
        return float(value)

    def cache_key(self) -> tuple[Any, ...]:
        """For the run cache: what the walk runs (:func:`gflcheck.runtime.cache.callable_fingerprint`)."""
        target = self.target_error
        return (
            callable_fingerprint(self.sizes),
            callable_fingerprint(self.error_at),
            callable_fingerprint(target) if callable(target) else float(target),
            self.runs,
            self.name,
        )


@dataclass(frozen=True, eq=False)
class WalkedNeeds:
    """What a need walk measured: per grid point and run the need (``grid``; ``+inf``:
    censored at the cap), and every error measured on the way (``errors[v][size]``, per run; NaN
    for a run that had already got there), with the seeds and the error level."""

    grid: GridData
    errors: dict[float, dict[int, np.ndarray]]
    seeds: tuple[int, ...]
    target_error: float
    name: str = "learner"

    @property
    def needs(self) -> dict[float, np.ndarray]:
        """Per grid point, the need of each run."""
        return dict(zip(self.grid.points, self.grid.values, strict=True))

    def medians(self) -> str:
        """``"d=16: 91, d=24: 181, …"`` (``censored`` where the median run did not get there)."""
        return ", ".join(
            f"{self.grid.variable}={v:g}: {np.median(row):g}"
            if np.isfinite(np.median(row))
            else f"{self.grid.variable}={v:g}: censored"
            for v, row in self.needs.items()
        )


def walk_needs(walk: NeedWalk, setting: Any, points: Sequence[float], seeds: tuple[int, ...]):
    """Per grid point, each run walks ``walk.sizes`` upwards until its error is at most the
    level: its need is the first such size (``+inf``: censored at the last size). Only the runs
    still walking are measured at the next size: a run's error does not depend on which other
    runs are measured with it (each draws from its own streams), so the needs are those of
    walking every run to the last size, at the cost of the runs that need it."""
    target = walk.target(setting)
    needs, errors, caps = [], {}, []
    for value in points:
        need = np.full(len(seeds), np.inf)
        errors[value] = {}
        sizes = [int(size) for size in walk.sizes(setting, value)]
        if not sizes or sizes != sorted(set(sizes)) or sizes[0] < 1:
            raise ParameterRangeError(
                "sizes", sizes, "ascending distinct sizes ≥ 1", f"{walk.name} at {value:g}"
            )
        for size in sizes:
            walking = np.flatnonzero(np.isinf(need))
            error = np.full(len(seeds), np.nan)
            error[walking] = walk.error_at(setting, value, size, tuple(seeds[i] for i in walking))
            errors[value][size] = error
            need = np.where(np.isinf(need) & (error <= target), size, need)
            if np.isfinite(need).all():
                break
        needs.append(need)
        caps.append(float(sizes[-1]))
    return needs, errors, caps


def _walked(
    variable: str,
    grid: Callable[[Any], Sequence[float]],
    walk: NeedWalk,
    logarithmic: bool,
    transform: Callable[[Any, float, np.ndarray], np.ndarray] | None,
    setting: Any,
    seeds: tuple[int, ...],
) -> WalkedNeeds:
    points = _grid_points(grid, setting, variable)
    seeds = seeds[: walk.runs] if walk.runs else seeds
    needs, errors, caps = walk_needs(walk, setting, points, seeds)
    if transform is not None:
        needs = [
            np.asarray(transform(setting, v, n), float) for v, n in zip(points, needs, strict=True)
        ]
        caps = [
            float(transform(setting, v, np.array([c]))[0])
            for v, c in zip(points, caps, strict=True)
        ]
    data = GridData(variable, tuple(points), np.array(needs), tuple(caps), logarithmic)
    return WalkedNeeds(data, errors, seeds, walk.target(setting), walk.name)


@dataclass(frozen=True, eq=False)
class WalkedRatio:
    """A separation walked on needs: the paired ratio's grid, and both learners' walks."""

    grid: GridData
    walks: tuple[WalkedNeeds, WalkedNeeds]


def _walked_ratio(
    variable: str,
    grid: Callable[[Any], Sequence[float]],
    walks: tuple[NeedWalk, NeedWalk],
    logarithmic: bool,
    setting: Any,
    seeds: tuple[int, ...],
) -> WalkedRatio:
    more, less = (_walked(variable, grid, w, logarithmic, None, setting, seeds) for w in walks)
    common = min(len(more.seeds), len(less.seeds))
    a, b = more.grid.values[:, :common], less.grid.values[:, :common]
    caps = np.asarray(more.grid.caps)[:, None] / np.where(np.isfinite(b), b, 1.0)
    ratio = np.where(np.isposinf(b), np.nan, a / np.where(np.isfinite(b), b, 1.0))
    censored = np.isposinf(ratio).any()
    data = GridData(
        variable,
        more.grid.points,
        ratio,
        tuple(map(tuple, caps)) if censored else None,
        logarithmic,
    )
    return WalkedRatio(data, (more, less))


def _paired_ratio(
    measure: Callable[[Any, float, tuple[int, ...]], tuple[np.ndarray, np.ndarray]],
    setting: Any,
    v: float,
    seeds: tuple[int, ...],
) -> np.ndarray:
    more, less = (np.asarray(side, dtype=float) for side in measure(setting, v, seeds))
    if not (np.all(more > 0) and np.all(less > 0)):
        raise ParameterRangeError(
            "measure",
            (more.tolist(), less.tolist()),
            "positive needs (a, b) per run",
            f"v = {v:g}",
        )
    return more / less


def _grid_points(grid: Callable[[Any], Sequence[float]], setting: Any, variable: str) -> list:
    points = sorted(float(v) for v in grid(setting))
    if len(set(points)) < 3:
        raise ParameterRangeError(
            "grid",
            points,
            "at least three distinct values: the grid points carry the exponent, and a line "
            "through them needs one degree of freedom beyond its two parameters",
            variable,
        )
    return points


def distinct_dimensions(dimensions: Sequence[int]) -> tuple[int, ...]:
    """``dimensions`` sorted and without repeats; at least three distinct integers ≥ 2 (the grid
    points carry a growth's exponent), or :class:`~gflcheck.runtime.errors.ParameterRangeError` naming
    ``dimensions``."""
    values = tuple(int(d) for d in dimensions)
    if len(set(values)) < 3 or min(values) < 2:
        raise ParameterRangeError(
            "dimensions", list(dimensions), "at least three distinct integers ≥ 2"
        )
    return tuple(sorted(set(values)))


def geometric_sample_grid(smallest: int, largest: int) -> tuple[int, ...]:
    """``n = ⌊n₀·2^{j/2}⌉`` (ratio ``√2``) from ``smallest`` up to ``largest``."""
    steps = math.floor(2 * math.log2(largest / smallest) + 1e-9)
    return tuple(round(smallest * 2 ** (j / 2)) for j in range(steps + 1))


def the_same_sizes(sizes: tuple[int, ...], setting: Any, value: float) -> tuple[int, ...]:
    """``sizes`` at every grid point and setting: a :class:`NeedWalk`'s ``sizes`` as
    ``partial(the_same_sizes, grid)``."""
    return sizes


def setting_dimensions(setting: Any) -> Sequence[int]:
    """The grid of a need check over ``d``: its setting's ``dimensions``."""
    return setting.dimensions


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

    def sample_grid(self, setting: Any = None, value: float = 0.0) -> tuple[int, ...]:
        """``n = ⌊n₀·2^{j/2}⌉`` from ``smallest_sample`` up to ``largest_sample`` (the same at
        every grid point: a :class:`~gflcheck.core.statement_kinds.NeedWalk`'s ``sizes``)."""
        return geometric_sample_grid(self.smallest_sample, self.largest_sample)
