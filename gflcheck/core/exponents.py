"""Exponents of rates and growths, estimated at the level of the grid that carries them.

A rate statement ``y(v) = O(v^e)`` is about how ``y`` moves *between grid points* ``v``; the runs
at one grid point (seeds) only make that point's value more precise. Runs at one point share
whatever that point shares (a distribution drawn once per dimension, a test set, the step of a
geometric size grid a need is rounded to), so seeds × points are not independent observations of
the line. The unit of replication is the grid point:

- **the line**: per grid point ``v_g`` the mean ``ȳ_g`` of ``log y`` over its runs, and the OLS
  fit of ``ȳ_g = a + b·x_g`` over the ``G`` points, ``x = log v`` (a polynomial rate) or ``x = v``
  (an exponential rate, ``y ∝ e^{b·v}``). Its two-sided ``1 − α`` interval is Student-t on the
  residuals of the grid means, with ``G − 2`` degrees of freedom. With the same runs at every
  point this is the exact interval of the model with a random effect per grid point
  (``log y = a + b·x + u_g + ε``), whatever the split of the variance between ``u`` and ``ε``;
- **lack of fit**: the quadratic ``ȳ_g = c₀ + c₁x + c₂x²`` (``G ≥ 4``); the two-sided t-test of
  ``c₂ = 0`` on ``G − 3`` degrees of freedom tells a curved log–log line from a straight one
  against the same grid-level noise. Where it rejects at the check's level, the exponent changes
  over the grid: the straight-line slope is no rate, and the quadratic's local slope at the top of
  the grid, ``c₁ + 2c₂x_max``, with its interval, is the asymptotic reading;
- **censoring**: a run whose value is only known to exceed its point's cap (a need that did not
  reach the error level by the largest size tried) enters at the cap. Its point's mean is then a
  lower estimate, so the slope is known only from below, and only while every censored point lies
  above the mean ``x̄`` (raising a value there can only raise the slope): the upper end of the
  interval opens to ``+∞``, and both ends open if a censored point lies at or below ``x̄``. A
  point with an unknown value (``NaN``) opens both ends.

:func:`identifying_grid` extends a grid until a statement and its rival would get different
verdicts, predicted from the measured slope and the measured grid-level noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from gflcheck.runtime.errors import ParameterRangeError


@dataclass(frozen=True, eq=False)
class GridData:
    """Per grid point (``points``, ascending) and run, a positive value (``values`` ``[G, r]``):
    ``+inf`` where a run's value is censored (only known to exceed its cap: ``caps``, one per
    point ``[G]`` or per value ``[G, r]``), ``NaN`` where it is unknown. ``logarithmic``: the
    variable enters on a log scale (polynomial rates) or as it is (exponential rates, per unit of
    the variable)."""

    variable: str
    points: tuple[float, ...]
    values: np.ndarray
    caps: Sequence[float] | np.ndarray | None = None
    logarithmic: bool = True

    def __post_init__(self) -> None:
        points = tuple(float(v) for v in self.points)
        values = np.asarray(self.values, dtype=float)
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "values", values)
        least = 1e-300 if self.logarithmic else -np.inf
        if (
            len(points) < 3
            or len(set(points)) != len(points)
            or list(points) != sorted(points)
            or min(points) <= least
        ):
            raise ParameterRangeError(
                "points",
                list(points),
                "at least three distinct ascending values (> 0 on a log scale): a line through "
                "the grid needs one degree of freedom beyond its two parameters",
                f"the grid of {self.variable}",
            )
        if values.ndim != 2 or values.shape[0] != len(points) or values.shape[1] == 0:
            raise ParameterRangeError(
                "values", values.shape, f"[{len(points)}, runs]: one row per grid point", "GridData"
            )
        measured = values[np.isfinite(values)]
        if np.any(measured <= 0):
            raise ParameterRangeError(
                "values", float(measured.min()), "positive (their logarithm is fitted)", "GridData"
            )
        if np.any(np.isneginf(values)):
            raise ParameterRangeError("values", "-inf", "positive, +inf (censored) or NaN")
        censored = np.isposinf(values)
        if censored.any():
            try:
                caps = self._caps()
            except ValueError:
                caps = None
            if caps is None:
                raise ParameterRangeError(
                    "caps",
                    self.caps,
                    "one cap per grid point ([G]) or per value ([G, runs]): censored values "
                    "(+inf) enter at their cap",
                    "GridData",
                )
            if not np.all(np.isfinite(caps[censored]) & (caps[censored] > 0)):
                raise ParameterRangeError("caps", self.caps, "finite positive caps", "GridData")

    def _caps(self) -> np.ndarray | None:
        """The caps as a ``[G, r]`` array (``None``: none declared)."""
        if self.caps is None:
            return None
        caps = np.asarray(self.caps, dtype=float)
        if caps.ndim == 1:
            caps = caps[:, None]
        return np.broadcast_to(caps, self.values.shape)

    @property
    def x(self) -> np.ndarray:
        """The regressor: ``log v``, or ``v``."""
        points = np.asarray(self.points)
        return np.log(points) if self.logarithmic else points

    @property
    def censored(self) -> int:
        """How many (point, run) values are censored."""
        return int(np.isposinf(self.values).sum())

    @property
    def unknown(self) -> int:
        """How many (point, run) values are unknown."""
        return int(np.isnan(self.values).sum())

    def point_means(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(ȳ [G], censored [G], unknown [G])``: per point the mean of ``log value`` (censored
        values at the point's cap), and which points hold a censored or an unknown value."""
        censored = np.isposinf(self.values)
        unknown = np.isnan(self.values).any(1)
        caps = self._caps()
        capped = self.values if caps is None else np.where(censored, caps, self.values)
        with np.errstate(invalid="ignore"):
            means = np.log(capped).mean(1)
        return means, censored.any(1), unknown


@dataclass(frozen=True)
class ExponentFit:
    """The grid-level fit of :func:`fit_exponent` (module docstring).

    ``slope`` with its two-sided ``1 − alpha`` interval ``[lower, upper]`` (``±∞`` where
    censoring or unknown values leave an end open) and ``standard_error`` on
    ``degrees_of_freedom = G − 2``; ``means`` and ``x`` are the grid points the line goes
    through, ``residual_sd`` their scatter about it (the grid-level noise). ``curvature_p_value``
    is the lack-of-fit test's (``NaN``: not testable, ``G < 4`` or censored); ``local_slope``
    ``[local_lower, local_upper]`` the quadratic's slope at the top of the grid."""

    variable: str
    logarithmic: bool
    alpha: float
    x: tuple[float, ...]
    means: tuple[float, ...]
    runs: int
    slope: float
    intercept: float
    standard_error: float
    degrees_of_freedom: int
    lower: float
    upper: float
    residual_sd: float
    curvature_p_value: float
    local_slope: float
    local_lower: float
    local_upper: float
    censored: int = 0
    unknown: int = 0

    @property
    def points(self) -> int:
        """``G``: the grid points the slope is estimated from."""
        return len(self.x)

    @property
    def straight(self) -> bool:
        """The lack-of-fit test does not reject a straight log–log line at ``alpha`` (or it could
        not be run)."""
        return not self.curvature_p_value < self.alpha

    @property
    def scale(self) -> str:
        """``log d`` or ``k``: what the slope is per unit of."""
        return f"log {self.variable}" if self.logarithmic else self.variable

    def excluded(self) -> str:
        """The exponents the data exclude at the fit's level, in words."""
        level = f"{1 - self.alpha:.0%}"
        parts = []
        if np.isfinite(self.lower):
            parts.append(f"below {self.lower:.2f}")
        if np.isfinite(self.upper):
            parts.append(f"above {self.upper:.2f}")
        return f"{' and '.join(parts)} (at {level})" if parts else "none (an open interval)"

    def describe(self) -> str:
        """``slope 1.21 [0.95, 1.47] per unit of log d, grid-level t on 3 df (5 points × 16
        runs)``."""
        return (
            f"slope {self.slope:.3f} [{self.lower:.3f}, {self.upper:.3f}] per unit of "
            f"{self.scale}; grid-level Student-t on {self.degrees_of_freedom} df ({self.points} "
            f"points × {self.runs} runs, residual sd {self.residual_sd:.3g})"
        )

    def describe_curvature(self) -> str:
        """The lack-of-fit test and the local slope at the top of the grid, in words."""
        if not np.isfinite(self.curvature_p_value):
            return "not testable (fewer than 4 grid points, or censored values)"
        verdict = "straight" if self.straight else "the exponent changes over the grid"
        return (
            f"quadratic term p = {self.curvature_p_value:.3g} on {self.points - 3} df: {verdict}; "
            f"local slope at the top {self.local_slope:.3f} [{self.local_lower:.3f}, "
            f"{self.local_upper:.3f}]"
        )


def fit_exponent(data: GridData, alpha: float) -> ExponentFit:
    """The grid-level slope of ``log value`` on ``x`` with its interval and the lack-of-fit test
    (module docstring)."""
    if not 0 < alpha < 1:
        raise ParameterRangeError("alpha", alpha, "in (0, 1)", "fit_exponent")
    x = data.x
    means, censored, unknown = data.point_means()
    G = len(x)
    centre = x.mean()
    sxx = float(((x - centre) ** 2).sum())
    known = ~unknown
    if known.sum() >= 3:  # the line through the known points (the interval stays open)
        slope, intercept = np.polyfit(x[known], means[known], 1)
    else:
        slope, intercept = np.nan, np.nan
    slope, intercept = float(slope), float(intercept)
    usable = np.where(known, means, intercept + slope * x)
    residuals = usable - (intercept + slope * x)
    df = G - 2
    residual_sd = float(np.sqrt((residuals**2).sum() / max(int(known.sum()) - 2, 1)))
    standard_error = residual_sd / np.sqrt(sxx)
    half = float(stats.t.ppf(1 - alpha / 2, df)) * standard_error
    lower, upper = slope - half, slope + half
    if unknown.any() or (censored & (x <= centre)).any():
        lower, upper = -np.inf, np.inf
    elif censored.any():
        upper = np.inf
    curvature = _curvature(x, usable, alpha) if G >= 4 and not (censored | unknown).any() else None
    p, local, local_lower, local_upper = curvature or (np.nan, np.nan, np.nan, np.nan)
    return ExponentFit(
        variable=data.variable,
        logarithmic=data.logarithmic,
        alpha=alpha,
        x=tuple(float(v) for v in x),
        means=tuple(float(v) for v in usable),
        runs=int(data.values.shape[1]),
        slope=slope,
        intercept=intercept,
        standard_error=float(standard_error),
        degrees_of_freedom=df,
        lower=float(lower),
        upper=float(upper),
        residual_sd=residual_sd,
        curvature_p_value=float(p),
        local_slope=float(local),
        local_lower=float(local_lower),
        local_upper=float(local_upper),
        censored=data.censored,
        unknown=data.unknown,
    )


def _curvature(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[float, float, float, float]:
    """The quadratic fit's ``c₂`` t-test p-value (two-sided, ``G − 3`` df) and its slope at the
    largest ``x`` with its two-sided ``1 − α`` interval."""
    u = x - x.mean()
    design = np.stack([np.ones_like(u), u, u**2], axis=1)
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    df = len(x) - 3
    residual = y - design @ coefficients
    variance = float((residual**2).sum() / df)
    covariance = variance * np.linalg.inv(design.T @ design)
    gradient = np.array([0.0, 1.0, 2.0 * u.max()])
    local = float(gradient @ coefficients)
    local_se = float(np.sqrt(gradient @ covariance @ gradient))
    c2, c2_se = float(coefficients[2]), float(np.sqrt(covariance[2, 2]))
    if c2_se > 0:
        p = float(2 * stats.t.sf(abs(c2) / c2_se, df))
    else:  # the quadratic goes through every point
        p = 0.0 if abs(c2) > 1e-12 * max(1.0, float(np.abs(y).max())) else 1.0
    half = float(stats.t.ppf(1 - alpha / 2, df)) * local_se
    return p, local, local - half, local + half


@dataclass(frozen=True)
class Side:
    """A statement about an exponent as a verdict sees it: ``at_least`` (``Ω``: the slope must be
    at least ``threshold``) or not (``O``: at most), its ``threshold`` as a function of the grid
    (the bound's own slope over those points, ``∓ τ``), and the level ``violation_alpha`` at which
    it is refuted."""

    at_least: bool
    threshold: Callable[[Sequence[float]], float]
    violation_alpha: float


def predicted_outcome(
    slope: float, standard_error: float, df: int, alpha: float, threshold: float, side: Side
) -> str:
    """``holds``, ``violated`` or ``inconclusive``, as the verdict rule would decide a slope
    measured at ``slope`` with ``standard_error`` on ``df`` degrees of freedom."""
    confirm = float(stats.t.ppf(1 - alpha / 2, df)) * standard_error
    refute = float(stats.t.ppf(1 - side.violation_alpha, df)) * standard_error
    beyond = (threshold - slope) if side.at_least else (slope - threshold)
    if beyond > refute:
        return "violated"
    if -beyond >= confirm:
        return "holds"
    return "inconclusive"


def extended_grid(points: Sequence[float], logarithmic: bool, extra: int) -> list[float]:
    """``points`` continued upwards by ``extra`` points at the grid's own spacing: its geometric
    ratio on a log scale, its mean step otherwise (whole numbers where the grid is)."""
    points = [float(v) for v in points]
    whole = all(v == round(v) for v in points)
    if logarithmic:
        ratio = (points[-1] / points[0]) ** (1 / (len(points) - 1))
        more = [points[-1] * ratio**j for j in range(1, extra + 1)]
    else:
        step = (points[-1] - points[0]) / (len(points) - 1)
        more = [points[-1] + step * j for j in range(1, extra + 1)]
    if whole:
        more = [float(max(round(v), points[-1] + j)) for j, v in enumerate(more, 1)]
    return points + more


def identifying_grid(
    fit: ExponentFit,
    points: Sequence[float],
    claim: Side,
    rival: Side,
    most: int = 64,
) -> list[float] | None:
    """The shortest continuation of ``points`` (at the grid's own spacing, up to ``most`` more
    points) on which the claim and its rival would get different verdicts, if the slope stayed
    as measured and the grid-level noise (``residual_sd``) stayed as measured; ``None`` if none
    does. Only the ends of the grid move: the runs per point stay as they are."""
    if not np.isfinite(fit.slope):
        return None
    for extra in range(1, most + 1):
        grid = extended_grid(points, fit.logarithmic, extra)
        x = np.log(grid) if fit.logarithmic else np.asarray(grid)
        se = fit.residual_sd / float(np.sqrt(((x - x.mean()) ** 2).sum()))
        df = len(grid) - 2
        own, other = (
            predicted_outcome(fit.slope, se, df, fit.alpha, side.threshold(grid), side)
            for side in (claim, rival)
        )
        if own != other or own == "violated":
            return grid
    return None


__all__ = [
    "ExponentFit",
    "GridData",
    "Side",
    "extended_grid",
    "fit_exponent",
    "identifying_grid",
    "predicted_outcome",
]
