"""Declaring a new check: a bound, its setting strategy, a measurement, and what follows from them.

A :class:`TheoryCheck` declares a statement about a measured quantity, from:

- ``bound``: a :class:`~gflcheck.core.bounds.Bound` (sympy, symbol domains, hidden constants, provenance);
- ``settings``: a Hypothesis strategy of settings (any frozen dataclass);
- ``bound_values(setting)``: the bound's symbols for a setting (hidden constants included; values
  for symbols the bound does not use are ignored, so a variant can drop a term);
- ``measure(setting, seeds)``: the user's model and trainer (the library's, or any torch code),
  returning a :class:`Measurement`: per seed the measured value, exact or with one-sided lower
  and upper confidence bounds, and which seeds diverged;
- ``kind``: :attr:`StatementKind.WITH_PROBABILITY` ("w.p. ≥ 1 − δ over the seed, measured ≤
  bound": exact binomial tests) or :attr:`StatementKind.FOR_EVERY` (a deterministic ∀-statement:
  one certain violation refutes it; ``tolerance`` is the declared numerical tolerance of exact
  arithmetic); ``at_least=True`` states "measured ≥ bound" instead;
- ``trivial_value``: what a trivial predictor achieves on the measured quantity (a number or a
  function of the setting); a bound at or above it is reported VACUOUS, never HOLDS;
- ``preconditions``: the theorem's hypotheses; a setting outside them is rejected and counted;
- ``quantifiers``: how each quantifier of the theorem is instantiated (reported with the verdict).

From the declaration follow :meth:`TheoryCheck.run` (a :class:`~gflcheck.core.verdicts.Verdict` with
the outcome of :mod:`gflcheck.core.verdicts`, slack per seed, the quantifier table),
:meth:`TheoryCheck.property` (a pytest property over the strategy: no example may be VIOLATED and
at least ``holds_share`` of its examples must HOLD; its verdicts enter the plugin's table, JSON
artefact, baseline comparison and ``gflcheck report``), :meth:`TheoryCheck.catalogue_entry` (for
:func:`gflcheck.surface.power.measure_power`: its false-alarm or detection rate), and
:meth:`TheoryCheck.false_variant` (the same check with a deliberately false bound, which the
property asserts is refuted on every example). Measurements go through the run cache
(:mod:`gflcheck.runtime.cache`), keyed by the check's name and what ``measure`` runs, never by the
bound: a variant is judged against its own bound on the same cached measurement, and a check
whose statement is about an estimate (a rate's exponent) forms it when judging
(``estimate=``), so the measurement never sees the bound.

Declared false-alarm rate of a verdict (its share of the suite's family-wise α,
:data:`~gflcheck.core.verdicts.FAMILY_ALPHA`): ``α_v`` (``violation_alpha``, the binomial test's level),
with per-seed miscoverage of the lower bounds entering the null as ``δ + β``; for a ∀-statement,
``α_v`` when its bounds are Student-t bounds (``Measurement.degrees_of_freedom``: redrawn at
``α_v`` over its instances), else ``k·β₋`` (none when exact); plus ``bound_miscoverage``. *Holds*
is decided at the confirmation level ``alpha``. With ``power`` set (default 0.8), a probabilistic
statement runs enough seeds that a violation rate of ``2δ`` is refuted with that probability.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

if TYPE_CHECKING:
    import torch

from gflcheck.core.bounds import Bound, Monotonicity
from gflcheck.core.exponents import ExponentFit, Side, identifying_grid
from gflcheck.core.setups import SetUp
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import (
    CONFIRMATION_ALPHA,
    DEFAULT_HOLDS_SHARE,
    POWER_TARGET,
    VIOLATION_ALPHA,
    Identification,
    Outcome,
    QuantifierInstantiation,
    SeedStates,
    Verdict,
    classify_seeds,
    decide_every_instance,
    decide_violation_rate,
    refutation_power,
    seeds_for_power,
    seeds_to_confirm,
    vacuity,
)
from gflcheck.runtime.cache import cached_run, callable_fingerprint
from gflcheck.runtime.devices import using_device
from gflcheck.runtime.errors import ParameterRangeError, PreconditionError
from gflcheck.runtime.profiles import Budget, budget, profile_loaded
from gflcheck.runtime.random import stream_seed
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_non_negative,
    require_open_unit_interval,
    require_positive_int,
)

S = TypeVar("S")


@dataclass(frozen=True)
class CatalogueEntry:
    """A named check on a fixed ``setting`` (a dataclass with a ``seed`` field):
    ``check(setting, budget)`` returns its verdict and evidence (or raises
    :class:`~gflcheck.runtime.errors.SettingRejectedError`). A ``sweep`` entry measures a growth over a
    grid of settings in one run."""

    name: str
    description: str
    setting: Any
    check: Callable[[Any, Budget], tuple[Verdict, Any]]
    sweep: bool = False  # one run walks a grid of settings (minutes): power skips it by default
    long_running: bool = False  # a minute or more cold, not a sweep: -j starts it with the sweeps
    also_accepts: tuple[Outcome, ...] = ()
    because: str = ""
    observation: bool = False  # reported, not judged: nothing is expected of it

    def __post_init__(self) -> None:
        if self.also_accepts and not self.because:
            raise ParameterRangeError(
                "because",
                self.because,
                f"a reason, shown with the verdict, for accepting {list(self.also_accepts)}",
                f"CatalogueEntry {self.name!r}",
            )

    def as_expected(self, verdict: Verdict) -> bool:
        """The verdict is the expected one, or an outcome this entry declares acceptable."""
        return verdict.as_expected or verdict.outcome in self.also_accepts

    def run(self, limits: Budget, seed: int | None = None) -> tuple[Verdict, Any]:
        """Run the check; with ``seed``, on the same setting with that seed instead (fresh data,
        initialisations and test samples: :mod:`gflcheck.surface.power` repeats checks this way)."""
        setting = self.setting if seed is None else dataclasses.replace(self.setting, seed=seed)
        return self.check(setting, limits)


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
    fixed miscoverage.
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


@dataclass(frozen=True, eq=False)
class TheoryCheck(Generic[S]):
    """A declared check (see the module docstring).

    Beyond the fields named there:

    - ``delta``: the statement's failure probability, a number or a function of the setting;
    - ``violation_alpha``: the level of *violated*, this decision's share of the family-wise α
      (default :data:`~gflcheck.core.verdicts.VIOLATION_ALPHA`); ``alpha``: the level of *holds*
      (the confidence of the upper bounds that confirm);
    - ``power``: the chance of refuting a violation rate of ``2δ`` that the seed count must reach
      (:func:`~gflcheck.core.verdicts.seeds_for_power`; ``None``: not planned for, and the verdict's
      quantifier table still reports what it reaches; an observation, which is not judged, plans
      for none);
    - ``miscoverage``: the measurement's declared miscoverage, one number or ``(lower's,
      upper's)``, so that the seed count is known before measuring; a measurement with larger
      miscoverage is refused;
    - ``seeds``: a fixed seed count; else ``k = max(min_seeds, the fewest that confirm holds with
      `unconfirmed` seeds not certified to satisfy the statement, the fewest that reach the
      power)``, drawn from the streams
      ``"{seed_stream}-i"`` (default: the name) of the setting's ``seed``;
    - ``bound_miscoverage``: the chance that ``bound_values`` (estimates themselves, such as an
      upper bound on OPT) are wrong; it adds to the declared false-alarm rate;
    - ``estimate(check, setting, raw)``: for a statement about a quantity formed from the
      measurement at judging time (a rate's fitted exponent), the :class:`Estimate` the verdict
      is judged on: ``measure`` then returns the raw data (a grid of values), never anything
      derived from the bound, and this hook forms the estimate and the number it is compared
      with from the raw data and ``check.bound``. A variant (``false_variant``,
      ``dataclasses.replace``, a mutant) is thus judged against its own bound on the same
      cached measurement;
    - ``rivals``: the statements the claim is told apart from (:class:`Rival`: the one its
      paper contrasts it with, or its negation), each judged on the same measurement; where a
      rival gets the claim's verdict the verdict says that the measurement cannot tell them
      apart ("not identifiable"), and, for a rate, which grid would;
    - ``statement``: the statement's name in the verdict (default: the bound's name);
      ``quantity`` names the measured quantity in counterexamples; ``label(setting)`` adds to the
      check's name (e.g. the family);
    - ``quantifiers``: a mapping, or a function ``(setting, measurement)`` returning
      :class:`~gflcheck.core.verdicts.QuantifierInstantiation` rows;
    - ``setup``: the set-up the claim is checked in (:class:`~gflcheck.core.setups.SetUp`), or a
      function of the setting returning it; every verdict carries it;
    - ``discrepancy``: why the claim is expected to fail in this check's set-up or reading (a
      reading under which it is not reproduced, or its paper's own set-up failing): it stays
      judged, and is as expected only when VIOLATED, so that the suite fails if it starts to
      hold;
    - ``observation``: why the statement is reported and not judged (an observation outside
      what the paper claims, or a reading of an ambiguous claim it may not mean): its verdict
      expects no outcome, counts neither as a pass nor as a failure, and it has no property;
    - ``holds_share``: the share of a property's examples that must HOLD (default ½); a check
      whose bound is known to be vacuous or too weakly measured on part of its strategy lowers it,
      and must say why in ``holds_share_reason``;
    - ``detection_rate``: for a false variant near the truth (near its measured break point,
      :mod:`gflcheck.surface.sensitivity`), the rate at which its property's examples must refute it,
      by an exact binomial test, instead of every example (``None``).
    """

    name: str
    bound: Bound
    settings: st.SearchStrategy[S]
    bound_values: Callable[[S], Mapping[str, float]]
    measure: Callable[[S, tuple[int, ...]], Measurement]
    estimate: Callable[[TheoryCheck[S], S, Any], Estimate] | None = None
    rivals: tuple[Rival, ...] = ()
    quantifiers: (
        Mapping[str, str] | Callable[[S, Measurement], Sequence[QuantifierInstantiation]]
    ) = field(default_factory=dict)
    preconditions: Sequence[Precondition[S]] = ()
    kind: StatementKind = StatementKind.WITH_PROBABILITY
    delta: float | Callable[[S], float] = 0.05
    alpha: float = CONFIRMATION_ALPHA
    violation_alpha: float = VIOLATION_ALPHA
    power: float | None = POWER_TARGET
    miscoverage: float | tuple[float, float] | Callable[[S], float | tuple[float, float]] = 0.0
    tolerance: float = 0.0
    at_least: bool = False
    trivial_value: float | Callable[[S], float] | None = None
    seeds: int | None = None
    min_seeds: int = 1
    unconfirmed: int = 0
    seed_stream: str | None = None
    bound_miscoverage: float = 0.0
    statement: str | None = None
    quantity: str = "measured"
    label: Callable[[S], str] | None = None
    why_false: str | None = None
    discrepancy: str | None = None
    observation: str | None = None
    setup: SetUp | Callable[[S], SetUp] | None = None
    holds_share: float = DEFAULT_HOLDS_SHARE
    holds_share_reason: str | None = None
    detection_rate: float | None = None

    def __post_init__(self) -> None:
        context = f"TheoryCheck {self.name!r}"
        if not callable(self.delta):
            require_open_unit_interval("delta", self.delta, context)
        require_open_unit_interval("alpha", self.alpha, context)
        require_open_unit_interval("violation_alpha", self.violation_alpha, context)
        if self.power is not None:
            require_open_unit_interval("power", self.power, context)
        require_non_negative("tolerance", self.tolerance, context)
        require_non_negative("bound_miscoverage", self.bound_miscoverage, context)
        require_positive_int("min_seeds", self.min_seeds, context)
        require_int_at_least("unconfirmed", self.unconfirmed, 0, context)
        if not callable(self.miscoverage):
            self.declared_miscoverage(None)
        if not 0.0 <= self.holds_share <= 1.0:
            raise ParameterRangeError("holds_share", self.holds_share, "[0, 1]", context)
        if self.holds_share < DEFAULT_HOLDS_SHARE and not self.holds_share_reason:
            raise ParameterRangeError(
                "holds_share_reason",
                self.holds_share_reason,
                f"a reason, shown with the verdicts, for requiring fewer than "
                f"{DEFAULT_HOLDS_SHARE:.0%} of the examples to hold",
                context,
            )
        if self.seeds is not None:
            require_positive_int("seeds", self.seeds, context)
        declared = [
            name
            for name in ("why_false", "discrepancy", "observation")
            if getattr(self, name) is not None
        ]
        if len(declared) > 1:
            raise ParameterRangeError(
                ", ".join(declared),
                [getattr(self, name) for name in declared],
                "at most one: a false variant must be refuted, a discrepancy is a claim expected "
                "to fail here, an observation is reported without an expected outcome",
                context,
            )
        if self.detection_rate is not None:
            if self.why_false is None:
                raise ParameterRangeError(
                    "detection_rate",
                    self.detection_rate,
                    "None for a true statement (it is a false variant's declared rate)",
                    context,
                )
            require_open_unit_interval("detection_rate", self.detection_rate, context)
        if not isinstance(self.kind, StatementKind):
            raise ParameterRangeError("kind", self.kind, f"one of {list(StatementKind)}", context)

    @property
    def is_false_variant(self) -> bool:
        """Declared deliberately false: the suite must refute it."""
        return self.why_false is not None

    @property
    def is_true_statement(self) -> bool:
        """A statement the suite expects to hold and judges: neither a false variant nor an
        observation, nor a claim expected to fail here (what ``gflcheck mutate`` tightens)."""
        return not self.is_false_variant and self.observation is None and not self.discrepancy

    def false_variant(
        self,
        bound: Bound,
        why_false: str,
        settings: st.SearchStrategy[S] | None = None,
        statement: str | None = None,
        detection_rate: float | None = None,
    ) -> TheoryCheck[S]:
        """The same check with a deliberately false ``bound``; ``why_false`` says why, and
        ``settings`` (default: the check's) generates settings on which it is false. The
        measurement is the same, so the run cache serves it. ``detection_rate``: the rate at
        which the property must refute it (default: on every example)."""
        return dataclasses.replace(
            self,
            bound=bound,
            why_false=why_false,
            settings=self.settings if settings is None else settings,
            statement=statement,
            detection_rate=detection_rate,
        )

    def declared_miscoverage(self, setting: S | None) -> tuple[float, float]:
        """The measurement's declared ``(lower's, upper's)`` miscoverage on ``setting``."""
        value = self.miscoverage(setting) if callable(self.miscoverage) else self.miscoverage
        sides = [float(side) for side in np.atleast_1d(value)]
        if len(sides) not in (1, 2) or not all(0.0 <= side < 1.0 for side in sides):
            raise ParameterRangeError(
                "miscoverage", value, "in [0, 1), or a pair of such", f"TheoryCheck {self.name!r}"
            )
        return sides[0], sides[-1]

    def failure_probability(self, setting: S) -> float:
        """``δ`` on ``setting``."""
        if callable(self.delta):
            return require_open_unit_interval("delta", self.delta(setting), self.name)
        return require_open_unit_interval("delta", self.delta, self.name)

    def seed_count(self, setting: S) -> int:
        """``k`` (see the class docstring); 1 is never enough for a probabilistic statement."""
        if self.seeds:
            return self.seeds
        if self.kind is StatementKind.FOR_EVERY:
            return self.min_seeds
        delta = self.failure_probability(setting)
        lower, upper = self.declared_miscoverage(setting)
        count = max(self.min_seeds, seeds_to_confirm(delta, self.alpha, upper, self.unconfirmed))
        if self.power is None or self.observation is not None:  # an observation is not judged
            return count
        needed = seeds_for_power(delta, self.violation_alpha, lower, self.power)
        if needed is None:
            raise ParameterRangeError(
                "power",
                self.power,
                f"reachable at δ = {delta:g}, α_v = {self.violation_alpha:g}, β₋ = {lower:g} "
                "(with at most 10 000 seeds: 2δ + β₋ must be well above δ + β₋); lower the power "
                "or the per-seed miscoverage, or set power=None",
                self.name,
            )
        return max(count, needed)

    def cache_key(self) -> tuple[Any, ...]:
        """For :mod:`gflcheck.runtime.cache`: the name and what ``measure`` runs (its arguments and the
        source of every project module it reaches: :func:`gflcheck.runtime.cache.callable_fingerprint`).
        The bound is not part of it: a variant that changes only the bound reuses the
        measurements."""
        return (self.name, callable_fingerprint(self.measure))

    def evaluate_bound(
        self, setting: S, measured: Measurement | None = None
    ) -> tuple[BoundValues, dict[str, float]]:
        """The bound on ``setting`` and the per-setting symbol values it used. With ``measured``,
        its per-seed ``bound_values`` enter too: an exact array, or ``(lower, estimate, upper)``
        for a symbol measured with uncertainty, where the bound must be monotone in it (sympy
        decides); a seed then violates only above the bound's largest value over that interval,
        and satisfies only below its smallest."""
        given = {k: float(v) for k, v in self.bound_values(setting).items()}
        used = {k: v for k, v in given.items() if k in self.bound.domains}
        measured_values = dict(measured.bound_values) if measured is not None else {}
        ends: dict[str, list[Any]] = {"estimate": [], "high": [], "low": []}
        for name, value in measured_values.items():
            if isinstance(value, tuple):
                lower, estimate, upper = value
                direction = self.bound.monotonicity(name)
                if direction is Monotonicity.UNKNOWN:
                    raise ParameterRangeError(
                        f"bound_values[{name!r}]",
                        "an interval",
                        f"a symbol in which the bound is monotone (sympy cannot tell for {name})",
                        self.name,
                    )
                high, low = (
                    (upper, lower) if direction is Monotonicity.INCREASING else (lower, upper)
                )
                ends["estimate"].append((name, estimate))
                ends["high"].append((name, high))
                ends["low"].append((name, low))
            else:
                for end in ends.values():
                    end.append((name, value))
        evaluated = {}
        for end, pairs in ends.items():
            # An end of a measured symbol's interval may be infinite (an event known only to
            # come after the horizon): the bound's end there is unknown, +∞ for its largest
            # value and −∞ for its smallest, so that it certifies nothing; the estimate may not.
            unbounded = np.zeros((), bool)
            finite = {}
            for name, symbol_value in pairs:
                array = np.asarray(symbol_value, dtype=float)
                if end != "estimate" and np.isinf(array).any():
                    unbounded = unbounded | np.isinf(array)
                    estimate = dict(ends["estimate"])[name]
                    array = np.where(np.isinf(array), estimate, array)
                finite[name] = array
            value = np.asarray(self.bound.evaluate({**used, **finite}), dtype=float)
            if unbounded.any():
                value = np.where(unbounded, np.inf if end == "high" else -np.inf, value)
            running = (
                ~measured.diverged_seeds.reshape(-1, *[1] * (value.ndim - 1))
                if measured_values
                else True
            )
            usable = ~np.isnan(value) & (np.isfinite(value) | (end != "estimate"))
            if not np.all(usable | ~running):
                raise ParameterRangeError(
                    "bound", value, "a finite number on every setting", f"{self.name}: {setting!r}"
                )
            evaluated[end] = value if measured_values else float(value)
        return BoundValues(evaluated["estimate"], evaluated["high"], evaluated["low"]), used

    def measured(self, setting: S, seeds: tuple[int, ...]) -> Measurement:
        """The measurement on ``setting`` and ``seeds``, through the run cache, as :meth:`run`
        takes it: a check of another quantity derived from the same training runs (the 0-1
        error beside the hinge loss, say) calls this and trains nothing again."""
        return _measure(self, setting, seeds)

    def trivial(self, setting: S) -> float | None:
        """The declared trivial value of the measured quantity on ``setting`` (``None``: none)."""
        if callable(self.trivial_value):
            return float(self.trivial_value(setting))
        return None if self.trivial_value is None else float(self.trivial_value)

    def run(
        self, setting: S, seed: int | None = None, device: str | torch.device | None = None
    ) -> Verdict:
        """Check the statement on ``setting`` over ``k`` seeds derived from ``seed`` (default: the
        setting's ``seed`` field, else 0), training on ``device`` (default: the current one,
        :func:`gflcheck.runtime.devices.compute_device`; the draws are the same on every device).

        Raises :class:`~gflcheck.runtime.errors.PreconditionError` when a precondition fails, the
        setting's own :class:`~gflcheck.runtime.errors.SettingRejectedError` when it is over budget, and
        :class:`~gflcheck.runtime.errors.ParameterRangeError` for a device this machine does not have.
        """
        return self.run_with_evidence(setting, seed, device)[0]

    def run_with_evidence(
        self, setting: S, seed: int | None = None, device: str | torch.device | None = None
    ) -> tuple[Verdict, Any]:
        """:meth:`run`, with the measurement's ``evidence`` (for reports and figures)."""
        with using_device(device):
            return self._run_with_evidence(setting, seed)

    def _run_with_evidence(self, setting: S, seed: int | None) -> tuple[Verdict, Any]:
        if seed is None:
            seed = int(getattr(setting, "seed", 0))
        for precondition in self.preconditions:
            if not precondition.holds(setting):
                raise PreconditionError(precondition.description, repr(setting))
        self.bound_values(setting)  # a rejected setting is rejected before any training
        stream = self.seed_stream or self.name
        count = self.seed_count(setting)
        seeds = tuple(stream_seed(seed, f"{stream}-{i}") for i in range(count))
        measured = _measure(self, setting, seeds)
        for recorder in _RECORDERS:
            recorder.append(RecordedRun(self, setting, seeds, measured))
        return self.judge(setting, measured, seeds), _evidence(measured)

    def judge(self, setting: S, measured: Any, seeds: tuple[int, ...]) -> Verdict:
        """The verdict on ``setting`` from a measurement already made on ``seeds`` (what
        :meth:`run` does after measuring): a check that differs only in its bound, such as a
        mutant (:mod:`gflcheck.surface.sensitivity`), is judged on the same runs without training. With
        an ``estimate``, ``measured`` is the raw data and the estimate is formed here, against
        this check's own bound; each of the ``rivals`` is judged on the same data."""
        judged = self.judged_on(setting, measured)
        verdict = self.verdict_on(setting, judged, seeds)
        if not self.rivals:
            return verdict
        identification = tuple(
            self._identify(setting, measured, seeds, judged, verdict.outcome, rival)
            for rival in self.rivals
        )
        return dataclasses.replace(verdict, identification=identification)

    def rival_check(self, rival: Rival) -> TheoryCheck[S]:
        """The check of ``rival``: this check with the rival's bound, direction and tolerance,
        judged as a statement of its own (neither a false variant nor an observation)."""
        return dataclasses.replace(
            self,
            bound=rival.bound,
            at_least=rival.at_least,
            tolerance=self.tolerance if rival.tolerance is None else rival.tolerance,
            statement=rival.name or rival.bound.name,
            rivals=(),
            why_false=None,
            discrepancy=None,
            observation=None,
        )

    def _identify(
        self,
        setting: S,
        raw: Any,
        seeds: tuple[int, ...],
        judged: Judged,
        own: Outcome,
        rival: Rival,
    ) -> Identification:
        """The rival's verdict on the same data; where it is the claim's (``own``), the grid
        that would tell them apart (for an estimate with a grid-level fit)."""
        check = self.rival_check(rival)
        rival_judged = check.judged_on(setting, raw)
        outcome = check.verdict_on(setting, rival_judged, seeds).outcome
        identified = outcome is not own or own is Outcome.VIOLATED
        grid = None
        if not identified and judged.estimate is not None and rival_judged.estimate is not None:
            grid = judged.estimate.identifying_grid(rival_judged.estimate)
        return Identification(
            rival=check.statement or rival.bound.name,
            outcome=outcome,
            identified=identified,
            grid=grid,
        )

    def judged_on(self, setting: S, measured: Any) -> Judged:
        """What the verdict compares: the measurement (with an ``estimate``: the estimate formed
        from the raw data) and the bound's values, checked against the declared miscoverage."""
        estimate, raw = None, measured
        if self.estimate is not None:
            estimate = self.estimate(self, setting, measured)
            measured = estimate.measured
            threshold = float(estimate.threshold)
            bounds: BoundValues = BoundValues(threshold, threshold, threshold)
            values: dict[str, float] = {}
        elif not isinstance(measured, Measurement):
            raise ParameterRangeError(
                "measure",
                type(measured).__name__,
                "a function returning a Measurement (raw data needs an estimate=)",
                self.name,
            )
        else:
            bounds, values = self.evaluate_bound(setting, measured)
        declared = self.declared_miscoverage(setting)
        if (
            measured.lower_miscoverage > declared[0] + 1e-15
            or measured.upper_miscoverage > declared[1] + 1e-15
        ):
            raise ParameterRangeError(
                "miscoverage",
                measured.miscoverage,
                f"at most the check's declared miscoverage {declared}",
                self.name,
            )
        return Judged(measured, bounds, values, estimate, raw)

    def verdict_on(self, setting: S, judged: Judged, seeds: tuple[int, ...]) -> Verdict:
        """The verdict from what :meth:`judged_on` formed (without the rivals)."""
        measured, bounds, values, estimate, _ = judged
        forall = self.kind is StatementKind.FOR_EVERY
        exact_p = None
        if forall and measured.degrees_of_freedom is not None:
            # Student-t bounds: decide *violated* at α_v over all instances (Bonferroni), with
            # an exact p-value, instead of at the bounds' fixed miscoverage.
            compared = (
                (bounds.low - self.tolerance) if self.at_least else (bounds.high + self.tolerance)
            )
            p_values = measured.violation_p_values(
                np.broadcast_to(compared, measured.values.shape), self.at_least
            )
            running = ~measured.diverged_seeds.reshape(-1, *[1] * (p_values.ndim - 1))
            exact_p = min(1.0, float(np.min(np.where(running, p_values, 1.0))) * p_values.size)
            measured = measured.at_violation_miscoverage(
                self.violation_alpha / p_values.size, self.at_least
            )
        bound = np.broadcast_to(bounds.estimate, measured.values.shape)
        with np.errstate(invalid="ignore"):  # the slack: the room before a violation
            margin = self.tolerance + (
                (measured.values - bound) if self.at_least else (bound - measured.values)
            )
        tightest = _per_seed_tightest(margin)  # [k, 1]: the instance of least slack per seed
        per_seed_bound = np.take_along_axis(_as_instances(bound), tightest, 1)[:, 0]
        bound_value = (
            float(np.nanmedian(per_seed_bound))
            if np.ndim(bounds.estimate)
            else float(bounds.estimate)
        )
        states = classify_seeds(
            measured.lower_bounds,
            measured.upper_bounds,
            bounds.high if not self.at_least else bounds.low,
            self.tolerance,
            measured.diverged_seeds,
            self.at_least,
            bounds.low if not self.at_least else bounds.high,
        )
        delta = self.failure_probability(setting)
        if forall:
            decision = decide_every_instance(states, exact_p, self.violation_alpha)
        else:
            decision = decide_violation_rate(
                states,
                delta,
                self.violation_alpha,
                measured.lower_miscoverage,
                measured.upper_miscoverage,
                confirmation_alpha=self.alpha,
            )
        trivial = self.trivial(setting)
        slack = np.take_along_axis(_as_instances(margin), tightest, 1)[:, 0]
        return Verdict(
            check=self.name + (f"/{self.label(setting)}" if self.label else ""),
            statement=(self.statement or self.bound.name)
            + (" (false)" if self.is_false_variant and not self.statement else ""),
            outcome=vacuity(decision.outcome, bound_value, trivial),
            bound=self.bound,
            bound_value=bound_value,
            decision=decision,
            slack=np.where(measured.diverged_seeds, np.nan, slack),
            seeds=seeds,
            quantifiers=self._quantifier_table(
                setting, values, measured, trivial, delta, seeds, estimate, judged.raw
            ),
            parameters={**_parameters(setting), **measured.derived, "k": len(seeds)},
            declared=tuple(_parameters(setting)),
            false_alarm_rate=self._false_alarm_rate(measured, exact_p is not None),
            trivial_value=trivial,
            counterexample=self._counterexample(
                states, measured, bounds.low if self.at_least else bounds.high, seeds
            ),
            notes=self._notes(measured, seeds) + (estimate.notes if estimate is not None else ()),
            false_variant=self.is_false_variant,
            observation=self.observation,
            discrepancy=self.discrepancy,
            setup=self.setup(setting) if callable(self.setup) else self.setup,
            quantity=self.quantity,
            at_least=self.at_least,
            compared=estimate is not None,
            interval=(
                (
                    float(judged.measured.values.flat[0]),
                    float(judged.measured.lower_bounds.flat[0]),
                    float(judged.measured.upper_bounds.flat[0]),
                )
                if estimate is not None
                else None
            ),
        )

    def _false_alarm_rate(self, measured: Measurement, exact_p: bool) -> float:
        """The declared ``Pr[violated | the statement holds]`` (module docstring): ``α_v`` for a
        binomial test or Student-t bounds redrawn at it, else the union over the instances of the
        violation side's miscoverage; plus ``bound_miscoverage``."""
        if self.kind is StatementKind.WITH_PROBABILITY or exact_p:
            rate = self.violation_alpha
        else:
            side = measured.upper_miscoverage if self.at_least else measured.lower_miscoverage
            rate = measured.values.size * side
        return rate + self.bound_miscoverage

    def _notes(self, measured: Measurement, seeds: tuple[int, ...]) -> tuple[str, ...]:
        notes = [f"false variant: {self.why_false}"] if self.why_false else []
        if self.discrepancy:
            notes.append(f"expected to fail here (judged): {self.discrepancy}")
        if self.observation:
            notes.append(f"observation, reported and not judged: {self.observation}")
        diverged = measured.diverged_seeds
        if diverged.any():
            notes.append(
                f"{int(diverged.sum())} of {len(seeds)} seed(s) diverged (non-finite numbers): "
                "undetermined, never a pass"
            )
        return (*notes, *measured.notes)

    def _counterexample(
        self,
        states: SeedStates,
        measured: Measurement,
        bound: np.ndarray | float,
        seeds: tuple[int, ...],
    ) -> str | None:
        violated = states.violates
        if not violated.any():
            return None
        values = _as_instances(measured.values)
        bound = _as_instances(np.broadcast_to(bound, measured.values.shape))
        if self.at_least:
            side, bounds, relation = "upper", _as_instances(measured.upper_bounds), "<"
            excess = bound - bounds
        else:
            side, bounds, relation = "lower", _as_instances(measured.lower_bounds), ">"
            excess = bounds - bound
        with np.errstate(invalid="ignore"):
            excess = np.where(np.isnan(excess), -np.inf, excess)
        worst = int(np.argmax(np.where(violated, excess.max(1), -np.inf)))
        at = (worst, int(np.argmax(excess[worst])))
        instance = f", instance {at[1]}" if measured.values.ndim == 2 else ""
        tolerance = f" (tolerance {self.tolerance:g})" if self.tolerance else ""
        if self.estimate is not None:  # one estimate, from every run
            return (
                f"{self.quantity} {values[at]:.6g} ({side} bound {bounds[at]:.6g} at α_v) "
                f"{relation} {bound[at]:.6g}{tolerance}, from {len(seeds)} runs per point"
            )
        return (
            f"seed {seeds[worst]}{instance}: {self.quantity} {values[at]:.6g} ({side} bound "
            f"{bounds[at]:.6g}) {relation} bound {bound[at]:.6g}{tolerance}; "
            f"{int(violated.sum())}/{len(seeds)} seeds violate"
        )

    def catalogue_entry(
        self,
        setting: S,
        description: str = "",
        name: str | None = None,
        sweep: bool = False,
        *,
        long_running: bool = False,
        also_accepts: tuple[Outcome, ...] = (),
        because: str = "",
    ) -> CatalogueEntry:
        """This check on a fixed ``setting`` (a dataclass with a ``seed`` field), as an entry of
        the main job (named ``name``, default: the check's) that
        :func:`gflcheck.surface.power.measure_power` repeats with fresh seeds (a ``sweep``, which walks
        a grid of settings in one run, only when asked); the scheduling hint and the accepted
        outcomes are :class:`CatalogueEntry`'s."""
        return CatalogueEntry(
            name or self.name,
            description,
            setting,
            partial(_run_entry, self),
            sweep=sweep,
            long_running=long_running,
            also_accepts=also_accepts,
            because=because,
            observation=self.observation is not None,
        )

    def property(self) -> Callable[..., None]:
        """A pytest property: no generated setting may refute the statement, and at least
        ``holds_share`` of them must confirm it (a false variant: every setting refutes it, or
        with a ``detection_rate``, the examples refute it at a rate not significantly below it).
        Assign it to a ``test_…`` name in a test module. An observation has no property: no
        outcome is expected of it (run it in the main job, or with :meth:`run`).

        The test carries gflcheck's Hypothesis profile itself (the session's
        ``--gflcheck-profile``), so it runs the same whether or not its module imports gflcheck."""
        check = self
        if self.observation is not None:
            raise ParameterRangeError(
                "observation",
                self.observation,
                "None for a property: a property asserts an expected outcome, and an observation "
                "has none; report it through a catalogue entry or TheoryCheck.run",
                f"TheoryCheck {self.name!r}.property()",
            )

        def test(setting: Any, gflcheck_session: Any) -> None:
            __tracebackhide__ = True  # the verdict's report is the message; gflcheck's frame is not
            verdict = gflcheck_session.check(lambda: check.run_with_evidence(setting))
            if check.discrepancy is not None:  # expected to fail here, and judged
                assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
            elif not check.is_false_variant:
                assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)
            elif check.detection_rate is None:  # else the session tests the rate over examples
                assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)

        with profile_loaded():  # @given takes the current settings when it decorates
            test = given(setting=self.settings)(test)
        test = pytest.mark.gflcheck_property(
            holds_share=0.0 if self.is_false_variant else self.holds_share,
            reason=self.holds_share_reason,
            detection_rate=self.detection_rate,
            alpha=self.alpha,
        )(test)
        test.__name__ = f"test_{self.name}"
        return test

    def _quantifier_table(
        self,
        setting: S,
        values: Mapping[str, float],
        measured: Measurement,
        trivial: float | None,
        delta: float,
        seeds: tuple[int, ...],
        estimate: Estimate | None,
        raw: Any,
    ) -> tuple[QuantifierInstantiation, ...]:
        if callable(self.quantifiers):  # on the raw data, for an estimate
            rows = list(self.quantifiers(setting, measured if estimate is None else raw))
        else:
            rows = [
                QuantifierInstantiation(quantifier, how, "")
                for quantifier, how in self.quantifiers.items()
            ]
        rows += [
            QuantifierInstantiation(
                f"hypothesis: {p.description}", "checked on the setting", "holds"
            )
            for p in self.preconditions
        ]
        described = {row.quantifier for row in rows}
        rows += [
            QuantifierInstantiation(name, "bound_values(setting)", f"{value:.6g}")
            for name, value in values.items()
            if name not in described
        ]
        if estimate is not None:
            rows.append(
                QuantifierInstantiation(
                    "the estimate",
                    f"{self.quantity}, formed from the raw data against this statement's bound "
                    f"when judging; violated: exact t p-value below α_v = "
                    f"{self.violation_alpha:g}; holds: its {1 - 2 * measured.upper_miscoverage:.0%}"
                    " interval within the threshold",
                    f"{len(seeds)} runs per point; tolerance τ = {self.tolerance:g}",
                )
            )
            return (*rows, *estimate.rows)
        exact = measured.lower is None and measured.upper is None
        rows.append(
            QuantifierInstantiation(
                "measured quantity",
                "exact per seed"
                if exact
                else "one-sided confidence bounds per seed, miscoverage "
                f"{measured.lower_miscoverage:g} (lower), {measured.upper_miscoverage:g} (upper)",
                f"trivial value {trivial:.6g}" if trivial is not None else "no trivial value",
            )
        )
        if self.kind is StatementKind.FOR_EVERY:
            rows.append(
                QuantifierInstantiation(
                    "∀ instance",
                    f"{len(seeds)} instances; one certain violation refutes, all certainly "
                    "satisfying confirms"
                    + (
                        f"; Student-t bounds: violated at α_v = {self.violation_alpha:g} over "
                        f"the instances (exact p-value), confirmed at the bounds' level"
                        if measured.degrees_of_freedom is not None
                        else ""
                    ),
                    f"tolerance {self.tolerance:g}",
                )
            )
        else:
            rows.append(
                QuantifierInstantiation(
                    "w.p. ≥ 1 − δ over the seed",
                    f"{len(seeds)} seeds; violated: exact binomial test of violation rate ≤ δ + "
                    "β₋ at level α_v (this decision's share of the family-wise α); holds: "
                    "Clopper–Pearson upper bound at level 1 − α on the rate of seeds not "
                    "certified to satisfy the bound, plus β₊, ≤ δ",
                    f"δ = {delta:g}, α_v = {self.violation_alpha:g}, α = {self.alpha:g}, β₋ = "
                    f"{measured.lower_miscoverage:g}, β₊ = {measured.upper_miscoverage:g}",
                )
            )
            rows.append(
                _power_row(
                    len(seeds),
                    delta,
                    self.violation_alpha,
                    measured.lower_miscoverage,
                    self.power or POWER_TARGET,
                )
            )
        return tuple(rows)


@dataclass(frozen=True, eq=False)
class RecordedRun(Generic[S]):
    """One :meth:`TheoryCheck.run` seen by :func:`recorded_runs`: the check, the setting, the
    seeds and the measurement its verdict was judged on (the raw data, for a check that forms
    an :class:`Estimate` at judging time)."""

    check: TheoryCheck[S]
    setting: S
    seeds: tuple[int, ...]
    measured: Any


_RECORDERS: list[list[RecordedRun[Any]]] = []


@contextmanager
def recorded_runs() -> Iterator[list[RecordedRun[Any]]]:
    """Within the block, every :meth:`TheoryCheck.run` (in this process) is appended to the list
    this yields: how ``gflcheck mutate`` finds the checks behind any catalogue entry, the user's
    included, with no code added to them."""
    runs: list[RecordedRun[Any]] = []
    _RECORDERS.append(runs)
    try:
        yield runs
    finally:
        _RECORDERS.remove(runs)


def _power_row(
    seeds: int, delta: float, alpha: float, miscoverage: float, target: float
) -> QuantifierInstantiation:
    """What the seed count can detect: the chance of *violated* against a violation rate of 2δ,
    and the seeds that would reach the ``target``."""
    needed = seeds_for_power(delta, alpha, miscoverage, target)
    return QuantifierInstantiation(
        "power at 2δ",
        f"chance that {seeds} seeds refute a statement violated at rate 2δ = {2 * delta:g} "
        f"(exact binomial at α_v); target {target:g}",
        f"{refutation_power(seeds, delta, alpha, miscoverage):.2f}; "
        + (f"{needed} seeds reach {target:g}" if needed else "no seed count reaches it"),
    )


def _as_instances(array: np.ndarray) -> np.ndarray:
    """``[k]`` as ``[k, 1]``; ``[k, n]`` as it is."""
    array = np.asarray(array, dtype=float)
    return array[:, None] if array.ndim == 1 else array


def _per_seed_tightest(margin: np.ndarray) -> np.ndarray:
    """``[k, 1]`` indices of each seed's instance of least margin (NaN instances last)."""
    instances = _as_instances(margin)
    with np.errstate(invalid="ignore"):
        return np.argmin(np.where(np.isnan(instances), np.inf, instances), axis=1)[:, None]


def no_setting_symbols(setting: Any) -> dict[str, float]:
    """``bound_values`` of a check whose bound takes every symbol from the measurement (or whose
    ``estimate`` derives the number it compares with)."""
    return {}


def delta_of_setting(setting: Any) -> float:
    """``delta`` of a check whose failure probability is the setting's own ``delta`` field."""
    return setting.delta


def _run_entry(check: TheoryCheck[Any], setting: Any, limits: Any) -> tuple[Verdict, Any]:
    return check.run_with_evidence(setting)


def entries_property(entries: Sequence[CatalogueEntry]) -> Callable[..., None]:
    """A pytest property over fixed catalogue ``entries``, one test case each: the entry's check
    runs on its declared setting and must come out as the entry expects (a true statement
    confirmed, a false variant refuted, a claim expected to fail here refuted, or an outcome the
    entry declares acceptable, with its reason). Observations are left out: nothing is expected
    of them (the main job reports them). Assign it to a ``test_…`` name in a test module."""
    cases = [
        pytest.param(
            entry,
            id=entry.name,
            marks=[pytest.mark.gflcheck_property(holds_share=0.0, reason=entry.because)]
            if entry.also_accepts
            else [],
        )
        for entry in entries
        if not entry.observation
    ]

    @pytest.mark.parametrize("entry", cases)
    def test(entry: CatalogueEntry, gflcheck_session: Any) -> None:
        __tracebackhide__ = True
        verdict = gflcheck_session.check(lambda: entry.run(budget()))
        assert entry.as_expected(verdict), format_verdict_details(verdict)

    return test


def _evidence(measured: Any) -> Any:
    """The evidence a run keeps for reports: a :class:`Measurement`'s ``evidence``, or the raw
    data of a check that forms its estimate at judging time."""
    return measured.evidence if isinstance(measured, Measurement) else measured


@cached_run
def _measure(check: TheoryCheck[Any], setting: Any, seeds: tuple[int, ...]) -> Any:
    measured = check.measure(setting, seeds)
    if check.estimate is not None:  # raw data: the estimate checks it when it forms itself
        return measured
    if not isinstance(measured, Measurement):
        raise ParameterRangeError(
            "measure", type(measured).__name__, "a function returning a Measurement", check.name
        )
    if measured.values.shape[0] != len(seeds):
        raise ParameterRangeError(
            "measure",
            np.shape(measured.values),
            f"one value (or one row of instances) per seed ({len(seeds)})",
            check.name,
        )
    return measured


def _parameters(setting: Any) -> dict[str, object]:
    if dataclasses.is_dataclass(setting) and not isinstance(setting, type):
        return {
            k: v for k, v in dataclasses.asdict(setting).items() if isinstance(v, int | float | str)
        }
    return {"setting": repr(setting)}


__all__ = [
    "BoundValues",
    "CatalogueEntry",
    "Estimate",
    "Judged",
    "Measurement",
    "Precondition",
    "RecordedRun",
    "Rival",
    "StatementKind",
    "TheoryCheck",
    "delta_of_setting",
    "entries_property",
    "no_setting_symbols",
    "recorded_runs",
]
