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
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import numpy as np
from hypothesis import strategies as st

from gflcheck.core.bounds import Bound
from gflcheck.core.confidence import Confidence, SeedPlan
from gflcheck.core.declare import (
    Estimate,
    Measurement,
    Rival,
    StatementKind,
    TheoryCheck,
    no_setting_symbols,
)
from gflcheck.core.expectations import Wording
from gflcheck.core.exponents import GridData
from gflcheck.core.needs import (
    NeedWalk,
    WalkedNeeds,
    WalkedRatio,
    _grid_points,
    _paired_ratio,
    _walked,
    _walked_ratio,
    walk_needs,
)
from gflcheck.core.rate_estimates import (
    _extrapolated_estimate,
    _slope_estimate,
    bound_slope,
    grid_of,
)
from gflcheck.core.verdicts import QuantifierInstantiation
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
    :class:`~gflcheck.core.declare.TheoryCheck` (``wording``, ``setup``, ``expectation``,
    ``seed_plan``, …).
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
        **_with_plan(
            fields, {"delta": delta, "alpha": alpha}, {"count": seeds}, f"first step τ of {event}"
        ),
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
        tolerance=tolerance,
        at_least=at_least,
        **_with_plan(fields, {"miscoverage": alpha / 2}, {"count": runs}, quantity),
    )


def _with_plan(
    fields: Mapping[str, Any],
    confidence: Mapping[str, Any],
    seed_plan: Mapping[str, Any],
    quantity: str,
) -> dict[str, Any]:
    """``fields`` with the kind's own error rates and seed count set in the caller's
    ``confidence`` and ``seed_plan`` (or the defaults): the kind owns these, the caller the
    rest (its ``violation_alpha``, power, seed stream); the kind names the measured
    ``quantity`` unless the caller's ``wording`` does."""
    fields = dict(fields)
    wording = fields.get("wording", Wording())
    if wording.quantity == Wording.quantity:
        fields["wording"] = replace(wording, quantity=quantity)
    fields["confidence"] = replace(fields.get("confidence", Confidence()), **confidence)
    fields["seed_plan"] = replace(fields.get("seed_plan", SeedPlan()), **seed_plan)
    return fields


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
