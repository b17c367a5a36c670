"""Estimates a rate's verdict is judged on, formed from the raw grid when judging.

The grid-level slope (:func:`~gflcheck.core.exponents.fit_exponent`) against the slope of the
check's own bound over the same grid, ± τ, with the local slope at the top of the grid where the
log–log line bends; or calibrate-then-predict: hidden constants fitted on the smaller half of the
grid, the prediction checked on the held-out larger half."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from scipy import optimize, stats

from gflcheck.core.bounds import Bound
from gflcheck.core.declare import (
    Estimate,
    Measurement,
    TheoryCheck,
)
from gflcheck.core.exponents import ExponentFit, GridData, Side, fit_exponent
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.runtime.errors import ParameterRangeError

S = TypeVar("S")


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
        side=Side(check.at_least, threshold_over, check.confidence.violation_alpha),
        points=data.points,
    )


def _fit_rows(
    fit: ExponentFit, threshold: float, check: TheoryCheck[Any]
) -> tuple[QuantifierInstantiation, ...]:
    relation, sign = ("≥", "−") if check.at_least else ("≤", "+")
    return (
        QuantifierInstantiation(
            "the exponent (grid points carry it)",
            "OLS of the grid points' mean log value on "
            f"{fit.scale}, two-sided {1 - fit.alpha:.0%} t interval on G − 2 df",
            f"{fit.describe()}; exponents excluded: {fit.excluded()}",
        ),
        QuantifierInstantiation(
            "a straight rate (lack of fit)",
            "quadratic term of the grid points' means, t-test on G − 3 df at the check's α",
            fit.describe_curvature(),
        ),
        QuantifierInstantiation(
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
        QuantifierInstantiation(
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
