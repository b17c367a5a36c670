"""Statement kinds (iii)–(vi) as :class:`~gflcheck.core.declare.TheoryCheck` declarations.

Kinds (i) and (ii) are :class:`~gflcheck.core.declare.TheoryCheck` itself (``kind=WITH_PROBABILITY``
or ``FOR_EVERY``). The four here fix how the measured quantity and the number it is compared
with are formed; each is one road to the same verdict, table and report:

- (iii) :func:`rate_check`: ``measured(v) = O(g(v))`` (or ``Ω``) with hidden constants, by the
  grid-level slope over a declared grid, or by calibrate-then-predict: constants fitted on the
  smaller half of the grid, the prediction checked on the larger, held-out half;
- (iv) :func:`need_check`: the *need* of a learner (the least size at which its error reaches a
  declared level, walked up a size grid per run, censored where the largest size does not get
  there) grows like ``O(g(v))`` or ``Ω(g(v))``;
- (v) :func:`separation_check`: learner A needs more than learner B, by a gap ``Ω(g(v))`` that
  grows: the slope of the paired ratio ``A/B`` (the same runs for both), of measured values or of
  walked needs;
- (vi) :func:`hitting_time_check`: an ∃t- or ordering statement on first times, "the event
  happens by step ``T``" or "A is learned before B" (``τ_A ≤ τ_B``): per seed, exact hitting
  times; an event not reached within the horizon is known only to come later.

For (iii)–(v) ``measure`` returns the raw grid (:class:`~gflcheck.core.exponents.GridData`: one value
per grid point and run), and the estimate is formed when judging
(:attr:`TheoryCheck.estimate <gflcheck.core.declare.TheoryCheck>`): the grid-level slope of
:func:`~gflcheck.core.exponents.fit_exponent` (grid points, not seeds × points, carry the exponent;
a log–log line the lack-of-fit test rejects is judged at the top of the grid, the asymptotic
reading: refuted by the local slope there, confirmed only where the slope over the grid and the
local slope at the top both confirm), against the slope of the check's own bound over the same
grid, ``± τ``. A variant of the bound is judged against its own slope on the same raw grid.
Rivals (:class:`~gflcheck.core.declare.Rival`) are judged on the same grid; where one gets the claim's
verdict, the verdict says the grid cannot tell them apart and which grid would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import numpy as np
from hypothesis import strategies as st
from scipy import optimize, stats

from gflcheck.core.bounds import Bound
from gflcheck.core.declare import (
    Estimate,
    Measurement,
    Rival,
    StatementKind,
    TheoryCheck,
    no_setting_symbols,
)
from gflcheck.core.exponents import ExponentFit, GridData, Side, fit_exponent
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.runtime.cache import callable_fingerprint
from gflcheck.runtime.errors import ParameterRangeError

S = TypeVar("S")

RATE_METHODS = ("slope", "extrapolation")
Q = QuantifierInstantiation


def rate_check(
    name: str,
    bound: Bound,
    variable: str,
    settings: st.SearchStrategy[S],
    grid: Callable[[S], Sequence[float]],
    measure: Callable[[S, float, tuple[int, ...]], np.ndarray],
    *,
    at_least: bool = False,
    tolerance: float = 0.0,
    alpha: float = 0.05,
    runs: int = 8,
    method: str = "slope",
    logarithmic: bool = True,
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Mapping[str, str] | None = None,
    rivals: Sequence[Rival] = (),
    **fields: Any,
) -> TheoryCheck[S]:
    """A rate statement ``measured(v) = O(bound(v))`` (``at_least``: ``Ω``) in one variable
    ``v`` with hidden constants.

    ``measure(setting, v, seeds)`` returns one positive value per run at the grid point ``v``
    (``runs`` runs, the check's seeds). ``method``:

    - ``"slope"``: the grid-level slope of ``log measured`` on ``log v`` (on ``v`` when not
      ``logarithmic``: an exponential rate) with its two-sided ``1 − α`` interval on ``G − 2``
      degrees of freedom (:func:`~gflcheck.core.exponents.fit_exponent`), against the bound's own
      slope over the grid (hidden constants and other symbols fixed by ``bound_values``; a
      constant factor does not change a slope) plus ``tolerance`` (minus, for ``Ω``). Where the
      lack-of-fit test rejects a straight line at ``α`` (the exponent changes over the grid),
      the local slope at the top of the grid refutes, and confirming needs it and the slope over
      the grid both within the threshold;
    - ``"extrapolation"``: calibrate-then-predict, at the level of the grid. The hidden constants
      are fitted by least squares of ``ȳ_g − log bound(v_g)`` (``ȳ_g``: the mean ``log
      measured`` at a point) on the smaller half of the grid (unconstrained: a constant of the
      wrong sign is reported, not clipped); the estimate is the mean residual on the larger,
      held-out half minus that on the calibration half, with a two-sided ``1 − α`` t interval
      whose noise is the grid points' scatter about a straight log–log line (``G − 2`` degrees
      of freedom: a wrong rate in the bound does not inflate it); it must stay at most
      ``log(1 + tolerance)`` (at least ``−log(1 + tolerance)`` for ``Ω``). The constants are
      fitted when judging, so each variant of the bound is calibrated and judged on its own.

    *Violated* when the statement is refuted at the check's ``violation_alpha`` (exact t p-value),
    *holds* when the interval lies within the threshold. ``fields`` go to the
    :class:`~gflcheck.core.declare.TheoryCheck` (``statement``, ``label``, ``setup``, ``why_false``,
    ``observation``, ``seed_stream``, …).
    """
    if method not in RATE_METHODS:
        raise ParameterRangeError("method", method, f"one of {RATE_METHODS}", name)
    symbols = bound_values or no_setting_symbols
    collect = partial(_measured_over_grid, variable, grid, measure, logarithmic)
    if method == "slope":
        estimate = partial(_slope_estimate, variable, symbols, alpha)
        quantity = f"grid-level log-log slope in {variable}"
        if not logarithmic:
            quantity = f"grid-level slope of log measured per unit {variable}"
        check_tolerance = tolerance
    else:
        estimate = partial(_extrapolated_estimate, variable, symbols, alpha)
        quantity = f"held-out log(measured/bound) in {variable}, relative to calibration"
        check_tolerance = float(np.log1p(tolerance))
    return _grid_check(
        name,
        bound,
        settings,
        symbols,
        collect,
        estimate,
        at_least=at_least,
        tolerance=check_tolerance,
        alpha=alpha,
        runs=runs,
        quantity=quantity,
        quantifiers=quantifiers,
        rivals=rivals,
        fields=fields,
    )


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


def need_check(
    name: str,
    bound: Bound,
    variable: str,
    settings: st.SearchStrategy[S],
    grid: Callable[[S], Sequence[float]],
    walk: NeedWalk,
    *,
    at_least: bool = False,
    tolerance: float = 0.0,
    alpha: float = 0.05,
    runs: int = 8,
    logarithmic: bool = True,
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Mapping[str, str] | None = None,
    rivals: Sequence[Rival] = (),
    transform: Callable[[S, float, np.ndarray], np.ndarray] | None = None,
    **fields: Any,
) -> TheoryCheck[S]:
    """A growth statement about a need: ``need(v) = O(bound(v))`` (``at_least``: ``Ω``).

    At each grid point ``v`` every run walks the learner's size grid (:func:`walk_needs`); a
    run still above the error level at the cap is *censored*, reported and never dropped: it
    enters the fit at the cap, which leaves the slope known only from below
    (:func:`~gflcheck.core.exponents.fit_exponent`). The estimate is the grid-level slope of
    ``log need``, judged as in :func:`rate_check`'s ``"slope"`` method. ``transform(setting, v,
    needs)`` maps the walked needs to the quantity the statement is about (the samples of all
    ``T`` steps rather than one, say). The raw needs and every error walked are the verdict's
    evidence (:class:`WalkedNeeds`)."""
    symbols = bound_values or no_setting_symbols
    collect = partial(_walked, variable, grid, walk, logarithmic, transform)
    estimate = partial(_slope_estimate, variable, symbols, alpha)
    quantity = f"grid-level slope of log need in {'log ' if logarithmic else ''}{variable}"
    return _grid_check(
        name,
        bound,
        settings,
        symbols,
        collect,
        estimate,
        at_least=at_least,
        tolerance=tolerance,
        alpha=alpha,
        runs=runs,
        quantity=quantity,
        quantifiers=partial(_need_rows, quantifiers or {}),
        rivals=rivals,
        fields=fields,
    )


def _need_rows(
    declared: Mapping[str, str] | Callable[[Any, Any], Sequence[QuantifierInstantiation]],
    setting: Any,
    raw: Any,
) -> tuple[QuantifierInstantiation, ...]:
    """The declared rows (a mapping, or a function of the setting and the walked needs), then one
    row per walk: its level, the median need per grid point and the censored count."""
    if callable(declared):
        rows = tuple(declared(setting, raw))
    else:
        rows = tuple(Q(name, how, "") for name, how in declared.items())
    walks = raw.walks if isinstance(raw, WalkedRatio) else (raw,)
    return rows + tuple(
        Q(
            f"need of {walk.name}",
            f"least size on the size grid with error ≤ {walk.target_error:g}, walked per run up "
            "to a cap (a run above the level at the cap is censored, reported, never dropped)",
            f"median per point: {walk.medians()}; censored: {walk.grid.censored}",
        )
        for walk in walks
    )


def separation_check(
    name: str,
    bound: Bound,
    variable: str,
    settings: st.SearchStrategy[S],
    grid: Callable[[S], Sequence[float]],
    measure: Callable[[S, float, tuple[int, ...]], tuple[np.ndarray, np.ndarray]] | None = None,
    *,
    needs: tuple[NeedWalk, NeedWalk] | None = None,
    tolerance: float = 0.0,
    alpha: float = 0.05,
    runs: int = 8,
    logarithmic: bool = True,
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Mapping[str, str] | None = None,
    rivals: Sequence[Rival] = (),
    **fields: Any,
) -> TheoryCheck[S]:
    """A separation "learner A needs more than learner B, by a gap ``Ω(bound(v))``".

    Either ``measure(setting, v, seeds)`` returns ``(a, b)``, A's and B's need (samples, steps,
    error) on the same runs at the grid point ``v``, one positive value per run each; or
    ``needs=(A's walk, B's walk)`` walks both learners' needs (:class:`NeedWalk`) on the same
    runs. The estimate is the grid-level slope of the paired ratio ``a / b`` (pairing removes
    what both share: the distribution drawn, the test sample), compared with the slope of
    ``bound`` over the grid minus ``tolerance``: :func:`rate_check` of the ratio with
    ``at_least=True``. A ratio whose A is censored is known only from below (it enters at A's
    cap); one whose B is censored is unknown, and the fit cannot confirm or refute.
    """
    if (measure is None) == (needs is None):
        raise ParameterRangeError(
            "measure, needs", (measure, needs), "exactly one of the two", f"separation {name}"
        )
    symbols = bound_values or no_setting_symbols
    if needs is not None:
        collect = partial(_walked_ratio, variable, grid, needs, logarithmic)
    else:
        collect = partial(
            _measured_over_grid, variable, grid, partial(_paired_ratio, measure), logarithmic
        )
    estimate = partial(_slope_estimate, variable, symbols, alpha)
    declared: Any = quantifiers or {}
    return _grid_check(
        name,
        bound,
        settings,
        symbols,
        collect,
        estimate,
        at_least=True,
        tolerance=tolerance,
        alpha=alpha,
        runs=runs,
        quantity=f"grid-level slope of the paired ratio A/B in {'log ' if logarithmic else ''}"
        f"{variable}",
        quantifiers=partial(_need_rows, declared) if needs is not None else declared,
        rivals=rivals,
        fields=fields,
    )


@dataclass(frozen=True, eq=False)
class HittingTimes:
    """What a hitting-time measure may return instead of a bare mapping: the ``times`` per
    event, which seeds ``diverged`` (undetermined, never a pass), quantities the run fixed
    (``derived``, shown with the setting) and ``evidence`` for reports."""

    times: Mapping[str, np.ndarray]
    diverged: np.ndarray | None = None
    derived: Mapping[str, object] = field(default_factory=dict)
    evidence: Any = None


def hitting_time_check(
    name: str,
    bound: Bound,
    settings: st.SearchStrategy[S],
    hitting_times: Callable[[S, tuple[int, ...]], Mapping[str, np.ndarray] | HittingTimes],
    horizon: Callable[[S], int],
    *,
    event: str = "t",
    delta: float | Callable[[S], float] = 0.05,
    alpha: float = 0.05,
    seeds: int | None = None,
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Any = None,
    **fields: Any,
) -> TheoryCheck[S]:
    """An ∃t- or ordering statement, w.p. ≥ 1 − δ over the seed: ``τ_event ≤ bound``.

    ``hitting_times(setting, seeds)`` returns, per named event, the first step ``τ`` at which it
    happened on each seed (``np.inf`` where it did not happen within ``horizon(setting)``
    steps), as a mapping or a :class:`HittingTimes`. The measured quantity is ``τ_event``; the
    bound may use the other events' times as symbols (an ordering: "A before B" is
    ``τ_A ≤ τ_B − 1``, "A at least twice as soon" is ``τ_A ≤ τ_B/2``) and the setting's symbols
    from ``bound_values`` ("zero error by step T" is ``τ ≤ T``).

    Hitting times are exact, except that an event not reached is only known to come after the
    horizon ``H``: the measured event then lies in ``[H + 1, ∞)``, and another event the bound
    uses enters as the interval ``[H + 1, ∞)`` (the bound must be monotone in it): a seed
    violates only beyond the bound's largest value over it, and satisfies only within its
    smallest. Declared false-alarm rate: the check's ``violation_alpha``.
    """
    return TheoryCheck(
        name=name,
        bound=bound,
        settings=settings,
        bound_values=bound_values or no_setting_symbols,
        measure=partial(_hitting_times, event, hitting_times, horizon),
        quantifiers=quantifiers if quantifiers is not None else {},
        delta=delta,
        alpha=alpha,
        seeds=seeds,
        **{"quantity": f"first step τ of {event}", **fields},
    )


# -- grid kinds: the shared declaration, the raw grids and the estimates -------------------------
def _grid_check(
    name: str,
    bound: Bound,
    settings: st.SearchStrategy[Any],
    symbols: Callable[[Any], Mapping[str, float]],
    collect: Callable[[Any, tuple[int, ...]], Any],
    estimate: Callable[..., Estimate],
    *,
    at_least: bool,
    tolerance: float,
    alpha: float,
    runs: int,
    quantity: str,
    quantifiers: Any,
    rivals: Sequence[Rival],
    fields: Mapping[str, Any],
) -> TheoryCheck[Any]:
    if not isinstance(runs, int) or runs < 2:
        raise ParameterRangeError("runs", runs, "an integer ≥ 2 (runs per grid point)", name)
    return TheoryCheck(
        name=name,
        bound=bound,
        settings=settings,
        bound_values=symbols,
        measure=collect,
        estimate=estimate,
        rivals=tuple(rivals),
        quantifiers=quantifiers if callable(quantifiers) else dict(quantifiers or {}),
        kind=StatementKind.FOR_EVERY,
        miscoverage=alpha / 2,
        tolerance=tolerance,
        at_least=at_least,
        seeds=runs,
        **{"quantity": quantity, **fields},
    )


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


def _measured_over_grid(
    variable: str,
    grid: Callable[[Any], Sequence[float]],
    measure: Callable[[Any, float, tuple[int, ...]], np.ndarray],
    logarithmic: bool,
    setting: Any,
    seeds: tuple[int, ...],
) -> GridData:
    """``measure`` at each point of the (validated) grid on the check's runs: one finite
    positive value per run."""
    points = _grid_points(grid, setting, variable)
    rows = []
    for v in points:
        row = np.asarray(measure(setting, v, seeds), dtype=float)
        if row.shape != (len(seeds),) or not np.all(np.isfinite(row) & (row > 0)):
            raise ParameterRangeError(
                "measure",
                row.tolist(),
                f"{len(seeds)} finite positive values (one per run)",
                f"{variable} = {v:g}",
            )
        rows.append(row)
    return GridData(variable, tuple(points), np.array(rows), logarithmic=logarithmic)


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


def grid_of(raw: Any) -> GridData:
    """The :class:`~gflcheck.core.exponents.GridData` inside what a grid kind measured."""
    return raw if isinstance(raw, GridData) else raw.grid


def bound_slope(
    bound: Bound,
    variable: str,
    points: Sequence[float],
    symbols: Mapping[str, float],
    logarithmic: bool,
) -> float:
    """The bound's own slope over the grid: OLS of ``log bound(v)`` on ``log v`` (on ``v``), with
    the hidden constants at 1 and the other symbols from ``symbols``. For ``C·d²`` it is 2 on any
    grid; for ``C·(log d)²`` about ``2/log d``; for ``C·2^k`` per unit ``k``, ``log 2``."""
    values = {name: 1.0 for name in bound.hidden_constants}
    values.update({k: v for k, v in symbols.items() if k in bound.domains})
    v = np.asarray(points, dtype=float)
    evaluated = np.broadcast_to(bound.evaluate({**values, variable: v}), v.shape)
    if np.any(~np.isfinite(evaluated) | (evaluated <= 0)):
        raise ParameterRangeError(
            "bound", bound.name, "positive and finite on the grid", f"{variable} ∈ {list(v)}"
        )
    x = np.log(v) if logarithmic else v
    return float(stats.linregress(x, np.log(evaluated)).slope)


def _slope_estimate(
    variable: str,
    symbols: Callable[[Any], Mapping[str, float]],
    alpha: float,
    check: TheoryCheck[Any],
    setting: Any,
    raw: Any,
) -> Estimate:
    """The grid-level slope against the bound's own slope over the grid (module docstring)."""
    data = grid_of(raw)
    fit = fit_exponent(data, alpha)
    given = symbols(setting)

    def threshold_over(points: Sequence[float]) -> float:
        own = bound_slope(check.bound, variable, points, given, data.logarithmic)
        return own - check.tolerance if check.at_least else own + check.tolerance

    threshold = bound_slope(check.bound, variable, data.points, given, data.logarithmic)
    value, lower, upper, df = fit.slope, fit.lower, fit.upper, fit.degrees_of_freedom
    notes = []
    if not fit.straight:
        # The exponent changes over the grid: judged at the top of the grid (the asymptotic
        # reading), refuted by the local slope there, confirmed only where both the slope over
        # the grid and the local slope at the top confirm it.
        value, df = fit.local_slope, fit.points - 3
        if check.at_least:
            lower, upper = min(fit.lower, fit.local_lower), fit.local_upper
        else:
            lower, upper = fit.local_lower, max(fit.upper, fit.local_upper)
        notes.append(
            f"the exponent changes over the grid (lack of fit p = {fit.curvature_p_value:.3g} < "
            f"{alpha:g}): judged at the top of the grid, where the local slope, the asymptotic "
            f"reading, is {fit.local_slope:.3f} [{fit.local_lower:.3f}, {fit.local_upper:.3f}]; "
            "refuted by it, confirmed only if the slope over the grid confirms too"
        )
    if data.censored:
        notes.append(
            f"{data.censored} (point, run) values censored at the cap: they enter at the cap, so "
            "the slope is known only from below"
            + ("" if np.isfinite(lower) else " (not even that: a censored point lies low)")
        )
    if data.unknown:
        notes.append(f"{data.unknown} (point, run) values unknown: the slope is not bounded")
    measured = Measurement(
        [value],
        lower=[lower],
        upper=[upper],
        miscoverage=alpha / 2,
        derived={"grid": ", ".join(f"{v:g}" for v in data.points), "runs": fit.runs},
        degrees_of_freedom=df,
    )
    return Estimate(
        measured=measured,
        threshold=threshold,
        rows=_fit_rows(fit, threshold, check),
        notes=tuple(notes),
        fit=fit,
        side=Side(check.at_least, threshold_over, check.violation_alpha),
        points=data.points,
    )


def _fit_rows(fit: ExponentFit, threshold: float, check: TheoryCheck[Any]) -> tuple[Q, ...]:
    relation, sign = ("≥", "−") if check.at_least else ("≤", "+")
    return (
        Q(
            "the exponent (grid points carry it)",
            "OLS of the grid points' mean log value on "
            f"{fit.scale}, two-sided {1 - fit.alpha:.0%} t interval on G − 2 df",
            f"{fit.describe()}; exponents excluded: {fit.excluded()}",
        ),
        Q(
            "a straight rate (lack of fit)",
            "quadratic term of the grid points' means, t-test on G − 3 df at the check's α",
            fit.describe_curvature(),
        ),
        Q(
            f"slope {relation} the bound's {sign} τ",
            f"the bound's own slope over the same grid {sign} τ (τ = {check.tolerance:g})",
            f"{threshold:.3f} {sign} {check.tolerance:g}",
        ),
    )


def _extrapolated_estimate(
    variable: str,
    symbols: Callable[[Any], Mapping[str, float]],
    alpha: float,
    check: TheoryCheck[Any],
    setting: Any,
    raw: Any,
) -> Estimate:
    """Calibrate-then-predict at the level of the grid (:func:`rate_check`)."""
    data = grid_of(raw)
    bound = check.bound
    if data.censored or data.unknown:
        raise ParameterRangeError(
            "measure", "censored or unknown values", "measured values", "calibrate-then-predict"
        )
    points = np.asarray(data.points)
    means, _, _ = data.point_means()
    constants = bound.hidden_constants
    half = len(points) // 2
    if half <= len(constants) or len(points) < 4:
        raise ParameterRangeError(
            "grid",
            list(data.points),
            f"at least 4 points, with more than {len(constants)} in the smaller half (the "
            f"calibration points of {len(constants)} hidden constant(s))",
            variable,
        )
    fixed = {k: v for k, v in symbols(setting).items() if k in bound.domains}
    calibration, held_out = np.arange(half), np.arange(half, len(points))

    def log_bound(values: np.ndarray, at: np.ndarray) -> np.ndarray:
        named = dict(zip(constants, values, strict=True))
        try:
            evaluated = bound.evaluate({**fixed, **named, variable: at}, unchecked=constants)
        except ParameterRangeError:  # non-finite somewhere: no fit there
            return np.full(at.shape, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(np.broadcast_to(np.asarray(evaluated, dtype=float), at.shape))

    def residuals(values: np.ndarray) -> np.ndarray:
        predicted = log_bound(values, points[calibration])
        return np.where(np.isfinite(predicted), means[calibration] - predicted, 1e6)

    fitted = (
        optimize.least_squares(residuals, np.ones(len(constants))).x if constants else np.zeros(0)
    )
    named = dict(zip(constants, fitted.tolist(), strict=True))
    residual = means - log_bound(fitted, points)
    if not np.all(np.isfinite(residual)):
        raise ParameterRangeError(
            "bound",
            named,
            "positive on the grid with the fitted hidden constants",
            f"{bound.name}: {setting!r}",
        )
    cal, held = residual[calibration], residual[held_out]
    gap = float(held.mean() - cal.mean())
    noise = fit_exponent(data, alpha)  # the grid-level scatter about a straight line
    se = noise.residual_sd * float(np.sqrt(1 / len(cal) + 1 / len(held)))
    df = noise.degrees_of_freedom
    spread = float(stats.t.ppf(1 - alpha / 2, df)) * se
    measured = Measurement(
        [gap],
        lower=[gap - spread],
        upper=[gap + spread],
        miscoverage=alpha / 2,
        derived={
            "calibration": ", ".join(f"{points[i]:g}" for i in calibration),
            "held out": ", ".join(f"{points[i]:g}" for i in held_out),
            **{name: round(value, 6) for name, value in named.items()},
            "runs": int(data.values.shape[1]),
        },
        degrees_of_freedom=df,
    )
    rows = (
        Q(
            "calibrate, then predict",
            "hidden constants fitted on the smaller half of the grid's means; the held-out "
            "half's mean log(measured/bound) minus the calibration half's, t interval from the "
            f"grid points' scatter about a straight log-log line ({df} df)",
            f"{gap:.3f} [{gap - spread:.3f}, {gap + spread:.3f}]; "
            + ", ".join(f"{k} = {v:.4g}" for k, v in named.items()),
        ),
    )
    notes = tuple(
        f"fitted hidden constant {name} = {value:.4g} is negative (kept, not clipped)"
        for name, value in named.items()
        if value < 0
    )
    return Estimate(measured=measured, threshold=0.0, rows=rows, notes=notes)


def _hitting_times(
    event: str,
    hitting_times: Callable[[Any, tuple[int, ...]], Mapping[str, np.ndarray] | HittingTimes],
    horizon: Callable[[Any], int],
    setting: Any,
    seeds: tuple[int, ...],
) -> Measurement:
    """``τ_event`` per seed, exact where the events were reached within the horizon ``H``, and
    the other events as the bound's symbols (:func:`hitting_time_check`)."""
    last = int(horizon(setting))
    returned = hitting_times(setting, seeds)
    found = returned if isinstance(returned, HittingTimes) else HittingTimes(returned)
    times = {k: np.asarray(v, dtype=float) for k, v in found.times.items()}
    if event not in times:
        raise ParameterRangeError(
            "hitting_times", sorted(times), f"a time for {event!r}", "measure"
        )
    for name, value in times.items():
        finite = value[np.isfinite(value)]
        if value.shape != (len(seeds),) or np.any(finite < 0) or np.any(finite > last):
            raise ParameterRangeError(
                f"hitting_times[{name!r}]",
                value.tolist(),
                f"one step in [0, {last}] (or inf: not reached) per seed",
                "measure",
            )
    reached = {name: np.isfinite(value) for name, value in times.items()}
    later = last + 1.0
    value = np.where(reached[event], times[event], later)
    return Measurement(
        value,
        lower=value,
        upper=np.where(reached[event], value, np.inf),
        diverged=found.diverged,
        derived={"horizon": last, **found.derived},
        bound_values={
            name: (
                np.where(reached[name], time, later),
                np.where(reached[name], time, later),
                np.where(reached[name], time, np.inf),
            )
            if not reached[name].all()
            else time
            for name, time in times.items()
            if name != event
        },
        notes=tuple(
            f"{name} not reached within {last} steps on {int((~hit).sum())} seed(s): known only "
            "to come later"
            for name, hit in reached.items()
            if not hit.all()
        ),
        evidence=found.evidence if found.evidence is not None else times,
    )


__all__ = [
    "HittingTimes",
    "NeedWalk",
    "WalkedNeeds",
    "WalkedRatio",
    "bound_slope",
    "grid_of",
    "hitting_time_check",
    "need_check",
    "rate_check",
    "separation_check",
    "walk_needs",
]
