"""What a check measures and what its verdict compares: per-seed :class:`Measurement` with
one-sided confidence bounds, the bound's values (:class:`BoundValues`), an :class:`Estimate` formed
at judging time (a rate's exponent), the :class:`Rival` statements a claim is told apart from,
the :class:`StatementKind` and a theorem's :class:`Precondition`."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import numpy as np
from scipy import stats

if TYPE_CHECKING:
    pass

from gflcheck.core.bounds import Bound
from gflcheck.core.estimators import (
    empirical_bernstein_interval,
    hoeffding_interval,
    student_t_interval,
    sub_gaussian_interval,
)
from gflcheck.core.exponents import ExponentFit, Side, identifying_grid
from gflcheck.core.verdicts import (
    QuantifierInstantiation,
)
from gflcheck.runtime.errors import ParameterRangeError

S = TypeVar("S")


@dataclass(frozen=True)
class BoundValues:
    """The bound per seed (or one number): at the measured symbols' estimates, and its largest
    (``high``) and smallest (``low``) values over their confidence intervals."""

    estimate: np.ndarray | float
    high: np.ndarray | float
    low: np.ndarray | float


@dataclass(frozen=True)
class Rival:
    """A statement a claim is told apart from (:attr:`TheoryCheck.rivals`): ``bound`` read as
    "the measured quantity is at least" it (``at_least``) or at most it, with its own
    ``tolerance`` (``None``: the claim's) and ``name`` (default: the bound's)."""

    bound: Bound
    at_least: bool
    tolerance: float | None = None
    name: str | None = None


@dataclass(frozen=True, eq=False)
class Estimate:
    """What a verdict on a quantity formed at judging time is judged on
    (:attr:`TheoryCheck.estimate`): ``measured``, the estimate (one value with its confidence
    bounds), against ``threshold``, the number the check's bound gives for it; ``rows`` and
    ``notes`` for the verdict. For a rate, ``fit`` is the grid-level fit and ``side`` the
    statement's threshold as a function of the grid, over the grid ``points``: what
    :meth:`identifying_grid` extends."""

    measured: Measurement
    threshold: float
    rows: tuple[QuantifierInstantiation, ...] = ()
    notes: tuple[str, ...] = ()
    fit: ExponentFit | None = None
    side: Side | None = None
    points: tuple[float, ...] = ()

    def identifying_grid(self, rival: Estimate) -> str | None:
        """The grid that would tell this statement from ``rival``'s, if the slope and the
        grid-level noise stayed as measured (:func:`gflcheck.core.exponents.identifying_grid`), in
        words; ``None`` without a fit."""
        if self.fit is None or self.side is None or rival.side is None:
            return None
        grid = identifying_grid(self.fit, self.points, self.side, rival.side)
        if grid is None:
            return (
                "no continuation of the grid by up to 64 points would tell them apart at the "
                f"measured slope {self.fit.slope:.3f}"
            )
        shown = ", ".join(f"{v:g}" for v in grid[:3]) + ", …, " + f"{grid[-1]:g}"
        return (
            f"it would be identifiable on {self.fit.variable} ∈ {{{shown}}} ({len(grid)} points "
            f"at the grid's spacing, {self.fit.runs} runs each), predicted from the measured "
            f"slope {self.fit.slope:.3f} and grid-level noise {self.fit.residual_sd:.3g}"
        )


class Judged(NamedTuple):
    """What a verdict compares (:meth:`TheoryCheck.judged_on`)."""

    measured: Measurement
    bounds: BoundValues
    values: dict[str, float]
    estimate: Estimate | None
    raw: Any = None


class StatementKind(StrEnum):
    """How a statement quantifies over seeds (module docstring)."""

    WITH_PROBABILITY = "with probability ≥ 1 − δ over the seed"
    FOR_EVERY = "for every instance"


@dataclass(frozen=True, eq=False)
class Measurement:
    """Per-seed measurements ``[k]`` of the bounded quantity, or ``[k, n]``: ``n`` instances of a
    ∀-statement per seed (every step ``t``, say), the seed satisfying the statement only if every
    instance does and violating it if any does.

    ``values`` are the measured values (exact, or point estimates; a list is taken as an array).
    ``lower`` and ``upper`` are one-sided confidence bounds, each missing with probability at most
    ``miscoverage`` (one number for both sides, or the pair ``(lower's, upper's)``). With neither given the values are exact, their own bounds; with only one
    given, the other side is unknown (``∓∞``), so a point estimate never confirms a bound.
    ``diverged`` marks seeds whose training did not finish with finite numbers: recorded, never a
    pass. A non-finite value, or a NaN bound, on a seed not marked diverged is refused, naming
    the seed; so is a bound on the wrong side of its value. ``derived`` are quantities the
    measurement fixed (a width, a number of steps) reported with the setting; ``bound_values``
    are symbols of the bound measured per seed, which make the bound a per-seed one: an exact
    array (the other part's crossing step, say) or ``(lower, estimate, upper)`` for a symbol
    measured with uncertainty (the whole network's loss), whose miscoverage the measurement's
    ``miscoverage`` must include; ``notes`` and
    ``evidence`` (anything, e.g. the training runs) are kept with the verdict for reports.
    ``degrees_of_freedom``: the bounds are Student-t bounds ``value ∓ t_{1−β}(df)·se`` (a t
    interval, a regression slope's): a ∀-statement's *violated* is then decided at the check's
    own level ``α_v`` with an exact p-value (:meth:`violation_p_values`), not at the bounds'
    fixed miscoverage. ``clusters``: per seed, the label of its cluster of dependent seeds
    (seeds that share a data set, say); a "with probability" statement is then decided over the
    clusters, the unit of replication (:meth:`~gflcheck.core.verdicts.SeedStates.by_cluster`).
    """

    values: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    miscoverage: float | tuple[float, float] = 0.0
    diverged: np.ndarray | None = None
    derived: Mapping[str, object] = field(default_factory=dict)
    bound_values: Mapping[str, np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )
    notes: tuple[str, ...] = ()
    evidence: Any = None
    degrees_of_freedom: float | None = None
    clusters: np.ndarray | None = None
    floor: float | None = None
    """The least value any predictor's measured quantity can take here (a confidence lower bound
    on the Bayes risk, say): a bound below it is false for every predictor, so a tightening that
    only the floor refutes says nothing of the training (:attr:`BreakPoint.at_floor`)."""

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=float)
        if values.ndim not in (1, 2) or values.size == 0:
            raise ParameterRangeError(
                "values", values.shape, "a non-empty [k] or [k, n] array", "Measurement"
            )
        object.__setattr__(self, "values", values)
        for name in ("lower", "upper", "diverged"):
            array = getattr(self, name)
            if array is None:
                continue
            array = np.asarray(array, dtype=bool if name == "diverged" else float)
            shape = values.shape[:1] if name == "diverged" else values.shape
            if array.shape != shape:
                raise ParameterRangeError(
                    name, array.shape, f"shape {shape}, like values", "Measurement"
                )
            object.__setattr__(self, name, array)
        for name, value in self.bound_values.items():
            for array in value if isinstance(value, tuple) else (value,):
                if np.shape(array) == values.shape:
                    continue
                raise ParameterRangeError(
                    f"bound_values[{name!r}]",
                    np.shape(array),
                    f"one value per seed, shape {values.shape}",
                    "Measurement",
                )
        for side in (self.lower_miscoverage, self.upper_miscoverage):
            if not 0.0 <= side < 1.0:
                raise ParameterRangeError(
                    "miscoverage", self.miscoverage, "in [0, 1), or a pair of such", "Measurement"
                )
        running = np.broadcast_to(
            ~self.diverged_seeds.reshape(-1, *[1] * (values.ndim - 1)), values.shape
        )
        self._require_finite(values, "values", running)
        lower, upper = self.lower_bounds, self.upper_bounds
        for name, bound in (("lower", lower), ("upper", upper)):
            self._require_finite(bound, name, running & ~np.isinf(bound))
        with np.errstate(invalid="ignore"):
            wrong = running & ((lower > values) | (values > upper))
        if wrong.any():
            at = np.unravel_index(int(np.argmax(wrong)), wrong.shape)
            raise ParameterRangeError(
                "lower, upper",
                (float(lower[at]), float(values[at]), float(upper[at])),
                f"lower ≤ value ≤ upper on every seed (seed index {at[0]} breaks it)",
                "Measurement",
            )

        if self.floor is not None and not math.isfinite(self.floor):
            raise ParameterRangeError(
                "floor", self.floor, "a finite number, or None", "Measurement"
            )
        if self.clusters is not None:
            clusters = np.asarray(self.clusters)
            if clusters.shape != values.shape[:1] or clusters.dtype.kind not in "iu":
                raise ParameterRangeError(
                    "clusters",
                    clusters.shape,
                    f"one integer label per seed, shape {values.shape[:1]}",
                    "Measurement",
                )
            object.__setattr__(self, "clusters", clusters)
        if self.degrees_of_freedom is not None and not (
            self.degrees_of_freedom > 0
            and self.lower_miscoverage > 0
            and self.upper_miscoverage > 0
        ):
            raise ParameterRangeError(
                "degrees_of_freedom, miscoverage",
                (self.degrees_of_freedom, self.miscoverage),
                "positive degrees of freedom with a positive miscoverage on both sides (the "
                "t quantile the bounds were drawn at)",
                "Measurement",
            )

    @staticmethod
    def _require_finite(array: np.ndarray, name: str, where: np.ndarray) -> None:
        bad = where & ~np.isfinite(array)
        if bad.any():
            at = np.unravel_index(int(np.argmax(bad)), bad.shape)
            raise ParameterRangeError(
                name,
                float(array[at]),
                f"finite numbers on every seed not marked diverged (seed index {at[0]} is "
                f"{array[at]}); a run that produced non-finite numbers is marked in "
                "diverged=..., where it counts as undetermined, never as a pass",
                "Measurement",
            )

    @property
    def lower_miscoverage(self) -> float:
        """Chance that a seed's lower bound is above its true value."""
        return float(np.atleast_1d(self.miscoverage)[0])

    @property
    def upper_miscoverage(self) -> float:
        """Chance that a seed's upper bound is below its true value."""
        return float(np.atleast_1d(self.miscoverage)[-1])

    @property
    def diverged_seeds(self) -> np.ndarray:
        """``[k]`` booleans: the seeds marked diverged."""
        if self.diverged is None:
            return np.zeros(self.values.shape[:1], bool)
        return np.asarray(self.diverged, dtype=bool)

    def _standard_errors(self, at_least: bool) -> np.ndarray:
        """From the violation side's t bound: ``|value − bound| / t_{1−β}(df)`` (∞ where that
        bound is infinite)."""
        if at_least:
            side, miscoverage = self.upper_bounds - self.values, self.upper_miscoverage
        else:
            side, miscoverage = self.values - self.lower_bounds, self.lower_miscoverage
        return side / stats.t.ppf(1 - miscoverage, self.degrees_of_freedom)

    def violation_p_values(self, bound: np.ndarray, at_least: bool) -> np.ndarray:
        """For Student-t bounds (``degrees_of_freedom``): per seed and instance, the exact
        one-sided p-value of "the true value is on the statement's side of ``bound``" (≤ it, or ≥
        it when ``at_least``): ``P[T_df ≥ (value − bound)/se]`` (``(bound − value)/se``)."""
        se = self._standard_errors(at_least)
        excess = (bound - self.values) if at_least else (self.values - bound)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(se > 0, excess / se, np.where(excess > 0, np.inf, -np.inf))
        return stats.t.sf(z, self.degrees_of_freedom)

    def at_violation_miscoverage(self, miscoverage: float, at_least: bool) -> Measurement:
        """For Student-t bounds: the same measurement with the violation side's bound (the lower
        one, the upper when ``at_least``) redrawn at ``miscoverage``."""
        quantile = stats.t.ppf(1 - miscoverage, self.degrees_of_freedom)
        spread = quantile * self._standard_errors(at_least)
        lower, upper = self.lower_miscoverage, self.upper_miscoverage
        if at_least:
            return dataclasses.replace(
                self, upper=self.values + spread, miscoverage=(lower, miscoverage)
            )
        return dataclasses.replace(
            self, lower=self.values - spread, miscoverage=(miscoverage, upper)
        )

    @property
    def lower_bounds(self) -> np.ndarray:
        """Per seed, the lower confidence bound (the value if exact, −∞ if only ``upper`` given)."""
        if self.lower is not None:
            return np.asarray(self.lower, dtype=float)
        return self.values if self.upper is None else np.full(self.values.shape, -np.inf)

    @property
    def upper_bounds(self) -> np.ndarray:
        """Per seed, the upper confidence bound (the value if exact, +∞ if only ``lower`` given)."""
        if self.upper is not None:
            return np.asarray(self.upper, dtype=float)
        return self.values if self.lower is None else np.full(self.values.shape, np.inf)


@dataclass(frozen=True)
class Precondition(Generic[S]):
    """A hypothesis of the theorem: ``holds(setting)`` is true inside it."""

    description: str
    holds: Callable[[S], bool]


def no_setting_symbols(setting: Any) -> dict[str, float]:
    """``bound_values`` of a check whose bound takes every symbol from the measurement (or whose
    ``estimate`` derives the number it compares with)."""
    return {}


def delta_of_setting(setting: Any) -> float:
    """``delta`` of a check whose failure probability is the setting's own ``delta`` field."""
    return setting.delta


MEAN_BOUNDS = ("empirical Bernstein", "Hoeffding", "sub-Gaussian", "Student-t")
"""The per-seed bounds :func:`mean_measurement` offers (see :mod:`gflcheck.core.estimators`)."""


def mean_measurement(
    samples: Any,
    miscoverage: float,
    bounds: str = "empirical Bernstein",
    value_range: tuple[float, float] | None = None,
    variance_proxy: float | None = None,
) -> Measurement:
    """Per seed, the mean of ``samples [k, n]`` (``n`` draws per seed) with one-sided bounds that
    each miss with probability at most ``miscoverage``:

    - ``"empirical Bernstein"`` or ``"Hoeffding"``: for a quantity known to lie in
      ``value_range = (low, high)`` (a clipped loss, an error, a rate); exact for every
      distribution on it and every ``n``, whatever its skew;
    - ``"sub-Gaussian"``: for an unbounded quantity with a declared ``variance_proxy`` σ²;
      exact for every ``n`` under that assumption, which the notes state;
    - ``"Student-t"``: the CLT approximation, for an unbounded quantity; it is exact only for
      normal data, so the measurement's notes state the assumption, and on skewed data the side
      away from the skew (the lower bound of a right-skewed loss) is the safe one to judge on.
    """
    if bounds not in MEAN_BOUNDS:
        raise ParameterRangeError("bounds", bounds, f"one of {MEAN_BOUNDS}", "mean_measurement")
    array = np.asarray(samples, dtype=float)
    if array.ndim != 2 or array.shape[1] < 2:
        raise ParameterRangeError(
            "samples", array.shape, "an array [k seeds, n ≥ 2 draws]", "mean_measurement"
        )
    if (variance_proxy is not None) != (bounds == "sub-Gaussian"):
        raise ParameterRangeError(
            "variance_proxy",
            variance_proxy,
            "σ² with bounds='sub-Gaussian' (the declared assumption), and only with it",
            "mean_measurement",
        )
    degrees_of_freedom: float | None = None
    if bounds == "sub-Gaussian":
        estimate = sub_gaussian_interval(array, float(variance_proxy), miscoverage)
        note = f"{estimate.method}: the guarantee rests on the declared assumption"
    elif bounds == "Student-t":
        if value_range is not None:
            raise ParameterRangeError(
                "value_range",
                value_range,
                "None for Student-t bounds (a known range calls for exact bounds: "
                "bounds='empirical Bernstein')",
                "mean_measurement",
            )
        estimate = student_t_interval(array, miscoverage)
        note = (
            f"{estimate.method}: assumes the mean is near normal (CLT); on skewed data the side "
            "toward the skew misses more often than declared"
        )
        degrees_of_freedom = array.shape[1] - 1
    else:
        if value_range is None:
            raise ParameterRangeError(
                "value_range",
                None,
                f"(low, high), the range the quantity lies in, for {bounds} bounds",
                "mean_measurement",
            )
        interval = (
            empirical_bernstein_interval if bounds == "empirical Bernstein" else hoeffding_interval
        )
        estimate = interval(array, *value_range, miscoverage)
        note = estimate.method
    return Measurement(
        estimate.estimate,
        lower=estimate.lower,
        upper=estimate.upper,
        miscoverage=miscoverage,
        degrees_of_freedom=degrees_of_freedom,
        notes=(note,),
    )
