"""Statement kinds (iii)–(v) as :class:`~gflcheck.declare.TheoryCheck` declarations.

Kinds (i) and (ii) are :class:`~gflcheck.declare.TheoryCheck` itself (``kind=WITH_PROBABILITY``
or ``FOR_EVERY``). The three here fix how the measured quantity and the number it is compared with
are formed; each is one road to the same verdict, table and report:

- (iii) :func:`rate_check`: ``measured(v) = O(g(v))`` (or ``Ω``) with hidden constants, by the
  log-log slope over a declared grid, or by calibrate-then-predict: constants fitted on the
  smaller half of the grid, the prediction checked on the larger, held-out half;
- (iv) :func:`separation_check`: learner A needs more than learner B, by a gap ``Ω(g(v))`` that
  grows: the slope of the paired log-ratio ``A/B`` (same seeds for both);
- (v) :func:`hitting_time_check`: an ∃t- or ordering statement on first times, "the event
  happens by step ``T``" or "A is learned before B" (``τ_A ≤ τ_B``): per seed, exact hitting
  times; an event not reached within the horizon is known only to come later.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import numpy as np
from hypothesis import strategies as st
from scipy import optimize, stats

from gflcheck.bounds import Bound
from gflcheck.declare import Measurement, StatementKind, TheoryCheck, no_setting_symbols
from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import log_log_slope
from gflcheck.random import stream_seed

S = TypeVar("S")

RATE_METHODS = ("slope", "extrapolation")


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
    seeds: int = 8,
    method: str = "slope",
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Mapping[str, str] | None = None,
) -> TheoryCheck[S]:
    """A rate statement ``measured(v) = O(bound(v))`` (``at_least``: ``Ω``) in one variable
    ``v`` with hidden constants, as a :class:`TheoryCheck` on one estimate.

    ``measure(setting, v, seeds)`` returns one positive value per seed at the grid point ``v``
    (seeds drawn from the check's seed). ``method``:

    - ``"slope"``: the OLS slope of ``log measured`` on ``log v`` over every grid point and seed,
      with its two-sided ``1 − α`` t interval, against the bound's own slope over the grid (hidden
      constants and other symbols fixed by ``bound_values``; a constant factor does not change a
      slope) plus ``tolerance`` (minus, for ``Ω``);
    - ``"extrapolation"``: calibrate-then-predict. The hidden constants are fitted by least
      squares of ``log measured − log bound`` on the smaller half of the grid (unconstrained: a
      constant of the wrong sign is reported, not clipped); the estimate is the mean log-residual
      ``log(measured / bound)`` on the larger, held-out half minus that on the calibration half,
      with a two-sided ``1 − α`` Welch interval (the calibration's own noise included); it must
      stay at most ``log(1 + tolerance)`` (at least ``−log(1 + tolerance)`` for ``Ω``).

    *Violated* when the interval lies beyond the threshold, *holds* when it lies within; declared
    false-alarm rate ``α/2``.
    """
    if method not in RATE_METHODS:
        raise ParameterRangeError("method", method, f"one of {RATE_METHODS}", name)
    symbols = bound_values or no_setting_symbols
    if method == "slope":
        compared_with = partial(_slope_over_grid, variable, grid, symbols, tolerance, at_least)
        fitted = partial(_fitted_rate, variable, grid, measure, seeds, alpha)
        quantity = f"fitted log-log slope in {variable}"
    else:
        log_tolerance = float(np.log1p(tolerance))
        compared_with = partial(_constant, -log_tolerance if at_least else log_tolerance)
        fitted = partial(_extrapolated_rate, bound, variable, grid, symbols, measure, seeds, alpha)
        quantity = f"held-out log(measured/bound) in {variable}, relative to calibration"
    return TheoryCheck(
        name=name,
        bound=bound,
        settings=settings,
        bound_values=symbols,
        compared_with=compared_with,
        measure=fitted,
        quantifiers=dict(quantifiers or {}),
        kind=StatementKind.FOR_EVERY,
        miscoverage=alpha / 2,
        at_least=at_least,
        seeds=1,
        quantity=quantity,
    )


def separation_check(
    name: str,
    bound: Bound,
    variable: str,
    settings: st.SearchStrategy[S],
    grid: Callable[[S], Sequence[float]],
    measure: Callable[[S, float, tuple[int, ...]], tuple[np.ndarray, np.ndarray]],
    *,
    tolerance: float = 0.0,
    alpha: float = 0.05,
    seeds: int = 8,
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Mapping[str, str] | None = None,
) -> TheoryCheck[S]:
    """A separation "learner A needs more than learner B, by a gap ``Ω(bound(v))``".

    ``measure(setting, v, seeds)`` returns ``(a, b)``: A's and B's need (samples, steps, error)
    on the same seeds at the grid point ``v``, one positive value per seed each. The estimate is
    the log-log slope of the paired ratio ``a / b`` (pairing removes what both share: the
    distribution drawn, the test sample), compared with the slope of ``bound`` over the grid
    minus ``tolerance``: :func:`rate_check` of the ratio with ``at_least=True``.
    """
    check = rate_check(
        name,
        bound,
        variable,
        settings,
        grid,
        partial(_paired_ratio, measure),
        at_least=True,
        tolerance=tolerance,
        alpha=alpha,
        seeds=seeds,
        bound_values=bound_values,
        quantifiers=quantifiers,
    )
    return dataclasses.replace(
        check, quantity=f"fitted log-log slope of the paired ratio A/B in {variable}"
    )


def hitting_time_check(
    name: str,
    bound: Bound,
    settings: st.SearchStrategy[S],
    hitting_times: Callable[[S, tuple[int, ...]], Mapping[str, np.ndarray]],
    horizon: Callable[[S], int],
    *,
    event: str = "t",
    delta: float | Callable[[S], float] = 0.05,
    alpha: float = 0.05,
    seeds: int | None = None,
    bound_values: Callable[[S], Mapping[str, float]] | None = None,
    quantifiers: Mapping[str, str] | None = None,
) -> TheoryCheck[S]:
    """An ∃t- or ordering statement, w.p. ≥ 1 − δ over the seed: ``τ_event ≤ bound``.

    ``hitting_times(setting, seeds)`` returns, per named event, the first step ``τ`` at which it
    happened on each seed (``np.inf`` where it did not happen within ``horizon(setting)`` steps).
    The measured quantity is ``τ_event``; the bound may use the other events' times as symbols
    (an ordering: "A before B" is ``τ_A ≤ τ_B``, "A at least twice as soon" is ``τ_A ≤ τ_B/2``)
    and the setting's symbols from ``bound_values`` ("zero error by step T" is ``τ ≤ T``).

    Hitting times are exact, except that an event not reached is only known to come after the
    horizon: if it is the measured event, the seed violates a bound below the horizon and is
    undetermined otherwise; if the bound uses it, the seed is undetermined.
    Declared false-alarm rate ``α`` (the exact binomial test).
    """
    return TheoryCheck(
        name=name,
        bound=bound,
        settings=settings,
        bound_values=bound_values or no_setting_symbols,
        measure=partial(_hitting_times, event, hitting_times, horizon),
        quantifiers=dict(quantifiers or {}),
        delta=delta,
        alpha=alpha,
        seeds=seeds,
        quantity=f"first step τ of {event}",
    )


def _constant(value: float, bound: Bound, setting: Any) -> float:
    return value


def _slope_over_grid(
    variable: str,
    grid: Callable[[Any], Sequence[float]],
    symbols: Callable[[Any], Mapping[str, float]],
    tolerance: float,
    at_least: bool,
    bound: Bound,
    setting: Any,
) -> float:
    points = _grid_points(grid, setting, variable, 2)
    values = {name: 1.0 for name in bound.hidden_constants}
    values.update({k: v for k, v in symbols(setting).items() if k in bound.domains})
    own = log_log_slope(
        points, np.broadcast_to(bound.evaluate({**values, variable: points}), points.shape), 0.05
    )
    return own.slope - tolerance if at_least else own.slope + tolerance


def _grid_points(
    grid: Callable[[Any], Sequence[float]], setting: Any, variable: str, least: int
) -> np.ndarray:
    points = np.asarray(grid(setting), dtype=float)
    if points.size < least or np.any(points <= 0):
        raise ParameterRangeError(
            "grid", list(points), f"at least {least} values, all > 0", variable
        )
    return points


def _measured_over_grid(
    grid: Callable[[Any], Sequence[float]],
    measure: Callable[[Any, float, tuple[int, ...]], np.ndarray],
    count: int,
    setting: Any,
    seeds: tuple[int, ...],
    variable: str,
    least: int,
) -> tuple[list[float], list[np.ndarray]]:
    """``measure`` at each point of the (validated) grid on ``count`` seeds drawn from the
    check's seed: one finite positive value per seed."""
    runs = tuple(stream_seed(seeds[0], f"rate-{i}") for i in range(count))
    points = _grid_points(grid, setting, variable, least).tolist()
    measured = [np.asarray(measure(setting, v, runs), dtype=float) for v in points]
    for v, row in zip(points, measured, strict=True):
        if row.shape != (count,) or not np.all(np.isfinite(row) & (row > 0)):
            raise ParameterRangeError(
                "measure",
                row.tolist(),
                f"{count} finite positive values (one per seed)",
                f"v = {v:g}",
            )
    return points, measured


def _fitted_rate(
    variable: str,
    grid: Callable[[Any], Sequence[float]],
    measure: Callable[[Any, float, tuple[int, ...]], np.ndarray],
    count: int,
    alpha: float,
    setting: Any,
    seeds: tuple[int, ...],
) -> Measurement:
    points, measured = _measured_over_grid(grid, measure, count, setting, seeds, variable, 2)
    xs = [v for v, row in zip(points, measured, strict=True) for _ in row]
    fit = log_log_slope(xs, np.concatenate(measured), alpha)
    return Measurement(
        [fit.slope],
        lower=[fit.lower],
        upper=[fit.upper],
        miscoverage=alpha / 2,
        derived={"grid": ", ".join(f"{v:g}" for v in points), "runs": count},
        evidence=(points, measured, fit),
        degrees_of_freedom=fit.degrees_of_freedom,
    )


def _extrapolated_rate(
    bound: Bound,
    variable: str,
    grid: Callable[[Any], Sequence[float]],
    symbols: Callable[[Any], Mapping[str, float]],
    measure: Callable[[Any, float, tuple[int, ...]], np.ndarray],
    count: int,
    alpha: float,
    setting: Any,
    seeds: tuple[int, ...],
) -> Measurement:
    points, measured = _measured_over_grid(grid, measure, count, setting, seeds, variable, 4)
    order = np.argsort(points)
    half = len(points) // 2
    calibration, held_out = order[:half], order[half:]
    fixed = {k: v for k, v in symbols(setting).items() if k in bound.domains}
    constants = bound.hidden_constants
    v_cal = np.repeat([points[i] for i in calibration], count)
    y_cal = np.concatenate([measured[i] for i in calibration])

    def log_bound(values: np.ndarray, at: np.ndarray) -> np.ndarray:
        named = dict(zip(constants, values, strict=True))
        try:
            evaluated = bound.evaluate({**fixed, **named, variable: at}, unchecked=constants)
        except ParameterRangeError:  # non-finite somewhere: no fit there
            return np.full(at.shape, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(np.broadcast_to(np.asarray(evaluated, dtype=float), at.shape))

    def residuals(values: np.ndarray) -> np.ndarray:
        predicted = log_bound(values, v_cal)
        return np.where(np.isfinite(predicted), np.log(y_cal) - predicted, 1e6)

    fit = optimize.least_squares(residuals, np.ones(len(constants))) if constants else None
    fitted = fit.x if fit is not None else np.zeros(0)
    v_held = np.repeat([points[i] for i in held_out], count)
    y_held = np.concatenate([measured[i] for i in held_out])
    named = dict(zip(constants, fitted.tolist(), strict=True))
    cal_residual = np.log(y_cal) - log_bound(fitted, v_cal)
    held_residual = np.log(y_held) - log_bound(fitted, v_held)
    if not (np.all(np.isfinite(cal_residual)) and np.all(np.isfinite(held_residual))):
        raise ParameterRangeError(
            "bound",
            named,
            "positive on the grid with the fitted hidden constants",
            f"{bound.name}: {setting!r}",
        )
    test = stats.ttest_ind(held_residual, cal_residual, equal_var=False)
    interval = test.confidence_interval(1 - alpha)
    gap = float(held_residual.mean() - cal_residual.mean())
    return Measurement(
        [gap],
        lower=[float(interval.low)],
        upper=[float(interval.high)],
        miscoverage=alpha / 2,
        derived={
            "calibration": ", ".join(f"{points[i]:g}" for i in calibration),
            "held out": ", ".join(f"{points[i]:g}" for i in held_out),
            **{name: round(value, 6) for name, value in named.items()},
            "runs": count,
        },
        notes=tuple(
            f"fitted hidden constant {name} = {value:.4g} is negative (kept, not clipped)"
            for name, value in named.items()
            if value < 0
        ),
        evidence=(points, measured, named),
        degrees_of_freedom=float(test.df),
    )


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
            "positive needs (a, b) per seed",
            f"v = {v:g}",
        )
    return more / less


def _hitting_times(
    event: str,
    hitting_times: Callable[[Any, tuple[int, ...]], Mapping[str, np.ndarray]],
    horizon: Callable[[Any], int],
    setting: Any,
    seeds: tuple[int, ...],
) -> Measurement:
    """``τ_event`` per seed, exact where the events were reached within the horizon ``H``.

    An event not reached is only known to come after ``H``: ``τ_event`` then has the value and
    lower bound ``H + 1`` and no upper bound; a seed on which an event the bound uses was not
    reached is undetermined (its bound is not known), with that event's time set to ``H + 1``
    only to show an estimate.
    """
    last = int(horizon(setting))
    times = {k: np.asarray(v, dtype=float) for k, v in hitting_times(setting, seeds).items()}
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
    value = np.where(reached[event], times[event], last + 1.0)
    others_reached = np.logical_and.reduce(
        [reached[name] for name in times if name != event] or [np.ones(len(seeds), bool)]
    )
    return Measurement(
        value,
        lower=np.where(others_reached, value, -np.inf),
        upper=np.where(others_reached & reached[event], value, np.inf),
        derived={"horizon": last},
        bound_values={
            name: np.where(reached[name], time, last + 1.0)
            for name, time in times.items()
            if name != event
        },
        notes=tuple(
            f"{name} not reached within {last} steps on {int((~hit).sum())} seed(s): known only "
            "to come later"
            for name, hit in reached.items()
            if not hit.all()
        ),
        evidence=times,
    )


__all__ = ["hitting_time_check", "rate_check", "separation_check"]
