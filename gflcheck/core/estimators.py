"""Estimates of population quantities, each with its uncertainty and the method that gave it.

- means of unbounded losses (the hinge loss): a one-sided Student-t interval (CLT), declared as such;
- means of quantities known to lie in ``[low, high]`` (clipped losses, errors, rates): Hoeffding's
  or the empirical Bernstein bound, valid for every distribution on that interval and every ``n``;
- proportions (0-1 error, hit rates): exact Clopper–Pearson bounds.

Which to use: a Student-t bound is a CLT approximation. On right-skewed data its *lower* bound
is conservative and its *upper* bound misses far more often than declared (on a lognormal with
``σ = 1.5``, ``n = 64``: 0.13 against 0.01), and the reverse on left-skewed data; so a statement
judged on the side that misses (an ``at_least`` statement on a right-skewed quantity, say)
needs a bounded quantity and :func:`empirical_bernstein_interval` (or
:func:`hoeffding_interval` when the variance is not small), or a declared assumption.

Confidence levels are given as one-sided *miscoverage* ``β``: ``Pr[lower > truth] ≤ β`` and
``Pr[upper < truth] ≤ β``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from scipy import stats

from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_open_unit_interval


@dataclass(frozen=True)
class IntervalEstimate:
    """A point estimate with one-sided bounds: ``lower``/``upper`` each miss with prob. ≤ ``miscoverage``.

    Fields are arrays of one common shape (one entry per run, say) or floats.
    """

    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    sample_size: int
    miscoverage: float
    method: str


def student_t_interval(values: torch.Tensor | np.ndarray, miscoverage: float) -> IntervalEstimate:
    """Mean of ``values`` along the last axis with one-sided Student-t bounds (CLT, approximate)."""
    require_open_unit_interval("miscoverage", miscoverage, "student_t_interval")
    array = np.asarray(values, dtype=float)
    n = array.shape[-1]
    mean = array.mean(-1)
    standard_error = array.std(-1, ddof=1) / np.sqrt(n)
    return _t_bounds(mean, standard_error, n, miscoverage)


def _bounded_sample(values: torch.Tensor | np.ndarray, low: float, high: float, where: str):
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ParameterRangeError(
            "low, high",
            (low, high),
            "finite numbers with low < high (the range of the values)",
            where,
        )
    array = np.asarray(values, dtype=float)
    outside = ~((array >= low) & (array <= high))
    if outside.any():
        raise ParameterRangeError(
            "values",
            float(array[outside].flat[0]),
            f"within [{low:g}, {high:g}], the declared range (clip the quantity, or declare its range)",
            where,
        )
    if array.shape[-1] < 2:
        raise ParameterRangeError("values", array.shape[-1], "at least 2 per mean", where)
    return array


def hoeffding_interval(
    values: torch.Tensor | np.ndarray, low: float, high: float, miscoverage: float
) -> IntervalEstimate:
    """Mean of ``values`` (along the last axis), known to lie in ``[low, high]``, with Hoeffding's
    one-sided bounds ``mean ∓ (high − low)·√(ln(1/β)/(2n))``: each misses with probability at most
    ``β`` for every distribution on ``[low, high]`` and every ``n`` (Hoeffding 1963, Theorem 2)."""
    require_open_unit_interval("miscoverage", miscoverage, "hoeffding_interval")
    array = _bounded_sample(values, low, high, "hoeffding_interval")
    n = array.shape[-1]
    mean = array.mean(-1)
    width = (high - low) * np.sqrt(np.log(1 / miscoverage) / (2 * n))
    return _within_range(mean, width, (low, high), n, miscoverage, "Hoeffding")


def sub_gaussian_interval(
    values: torch.Tensor | np.ndarray, variance_proxy: float, miscoverage: float
) -> IntervalEstimate:
    """Mean of ``values`` (along the last axis) under a declared assumption: each draw is
    sub-Gaussian with variance proxy ``σ²``, ``E e^{λ(X − μ)} ≤ e^{λ²σ²/2}``. The bounds
    ``mean ∓ σ·√(2·ln(1/β)/n)`` then miss with probability at most ``β`` on each side for every
    ``n`` (Chernoff); the assumption, not the data, carries the guarantee, and the method says so."""
    require_open_unit_interval("miscoverage", miscoverage, "sub_gaussian_interval")
    if not 0 < variance_proxy < np.inf:
        raise ParameterRangeError("variance_proxy", variance_proxy, "a finite σ² > 0")
    array = np.asarray(values, dtype=float)
    n = array.shape[-1]
    mean = array.mean(-1)
    width = np.sqrt(2 * variance_proxy * np.log(1 / miscoverage) / n)
    return IntervalEstimate(
        estimate=mean,
        lower=mean - width,
        upper=mean + width,
        sample_size=n,
        miscoverage=miscoverage,
        method=f"sub-Gaussian (declared variance proxy σ² = {variance_proxy:g}), n={n}, "
        f"miscoverage {miscoverage:g} per side",
    )


def empirical_bernstein_interval(
    values: torch.Tensor | np.ndarray, low: float, high: float, miscoverage: float
) -> IntervalEstimate:
    """Mean of ``values`` (along the last axis), known to lie in ``[low, high]``, with the empirical
    Bernstein bounds of Maurer & Pontil (2009, Theorem 4): with ``V`` the sample variance and
    ``R = high − low``, ``mean ∓ (√(2V·ln(2/β)/n) + 7R·ln(2/β)/(3(n − 1)))``; each side misses with
    probability at most ``β`` for every distribution on ``[low, high]`` and every ``n``. Tighter
    than :func:`hoeffding_interval` when the variance is small against ``R²``."""
    require_open_unit_interval("miscoverage", miscoverage, "empirical_bernstein_interval")
    array = _bounded_sample(values, low, high, "empirical_bernstein_interval")
    n = array.shape[-1]
    mean = array.mean(-1)
    log_term = np.log(2 / miscoverage)
    width = np.sqrt(2 * array.var(-1, ddof=1) * log_term / n) + 7 * (high - low) * log_term / (
        3 * (n - 1)
    )
    return _within_range(mean, width, (low, high), n, miscoverage, "empirical Bernstein")


def _within_range(
    mean: np.ndarray,
    width: np.ndarray,
    value_range: tuple[float, float],
    n: int,
    miscoverage: float,
    name: str,
) -> IntervalEstimate:
    """``mean ∓ width``, each side kept within the range the mean lies in."""
    low, high = value_range
    return IntervalEstimate(
        estimate=mean,
        lower=np.maximum(mean - width, low),
        upper=np.minimum(mean + width, high),
        sample_size=n,
        miscoverage=miscoverage,
        method=f"{name} on [{low:g}, {high:g}], n={n}, miscoverage {miscoverage:g} per side",
    )


def t_interval_from_moments(
    mean: np.ndarray, std: np.ndarray, n: int, miscoverage: float
) -> IntervalEstimate:
    """As :func:`student_t_interval`, from a sample mean and sample standard deviation of ``n`` values."""
    require_open_unit_interval("miscoverage", miscoverage, "t_interval_from_moments")
    mean = np.asarray(mean, dtype=float)
    return _t_bounds(mean, np.asarray(std, dtype=float) / np.sqrt(n), n, miscoverage)


def _t_bounds(mean: np.ndarray, standard_error: np.ndarray, n: int, miscoverage: float):
    quantile = stats.t.ppf(1 - miscoverage, df=n - 1)
    return IntervalEstimate(
        estimate=mean,
        lower=mean - quantile * standard_error,
        upper=mean + quantile * standard_error,
        sample_size=n,
        miscoverage=miscoverage,
        method=f"one-sided Student-t (CLT), n={n}, miscoverage {miscoverage:g} per side",
    )


def t_interval_at(estimate: IntervalEstimate, miscoverage: float) -> IntervalEstimate:
    """A Student-t estimate (:func:`student_t_interval`) at another one-sided ``miscoverage``,
    from its standard error, without going over the sample again."""
    require_open_unit_interval("miscoverage", miscoverage, "t_interval_at")
    n = estimate.sample_size
    mean = np.asarray(estimate.estimate, dtype=float)
    standard_error = (np.asarray(estimate.upper, dtype=float) - mean) / stats.t.ppf(
        1 - estimate.miscoverage, df=n - 1
    )
    return _t_bounds(mean, standard_error, n, miscoverage)


def clopper_pearson(
    successes: np.ndarray | int, trials: int, miscoverage: float
) -> IntervalEstimate:
    """Exact one-sided Clopper–Pearson bounds on a binomial proportion (vectorised over successes).

    ``lower = Beta⁻¹(β; x, n−x+1)`` (0 when x = 0), ``upper = Beta⁻¹(1−β; x+1, n−x)`` (1 when x = n).
    """
    require_open_unit_interval("miscoverage", miscoverage, "clopper_pearson")
    x = np.asarray(successes, dtype=float)
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.beta.ppf(miscoverage, x, trials - x + 1), 0.0)
        upper = np.where(x < trials, stats.beta.ppf(1 - miscoverage, x + 1, trials - x), 1.0)
    return IntervalEstimate(
        estimate=x / trials,
        lower=lower,
        upper=upper,
        sample_size=trials,
        miscoverage=miscoverage,
        method=f"exact Clopper–Pearson, n={trials}, miscoverage {miscoverage:g} per side",
    )


def expected_norm_estimate(x: torch.Tensor, miscoverage: float) -> IntervalEstimate:
    """``E‖x‖`` from a sample ``x [n, d]``; ``upper`` is the ``B_x1`` to use without a closed form."""
    return student_t_interval(x.double().norm(dim=-1)[None, :], miscoverage)


def bayes_hinge_risk(posterior: torch.Tensor, miscoverage: float) -> IntervalEstimate:
    """``inf_f L_D(f) = E[1 − |2η(x) − 1|]`` from exact posteriors ``η(x)`` at sampled points ``x``.

    The hinge risk of ``f`` at ``x`` is ``η(1 − f)_+ + (1 − η)(1 + f)_+``, minimised at ``f = sign(2η−1)``
    with value ``1 − |2η − 1|`` (Zhang 2004; Bartlett, Jordan & McAuliffe 2006). So every
    network at every step has ``L_D(f) ≥`` this risk: a lower bound that needs no training.
    """
    return student_t_interval((1 - (2 * posterior.double() - 1).abs())[None, :], miscoverage)


def hinge_loss_estimate(
    network: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    miscoverage: float,
) -> IntervalEstimate:
    """``L_D(f) = E max(0, 1 − y f(x))`` per run, on a sample independent of training."""
    margins = y * network(x)
    return student_t_interval((1 - margins).clamp_min(0).double(), miscoverage)


TIE_MARGIN = 1e-6
"""The tie rule of the 0-1 error: a margin ``y·f(x) ≤ TIE_MARGIN`` counts as an error, so an
output that is zero up to rounding (float32 sums of O(1) terms round at about 1e-7) is never a
correct sign by chance. ``1{yf ≤ TIE_MARGIN} ≤ (1 − yf)₊ + TIE_MARGIN``: the 0-1 error stays
below the hinge loss up to 1e-6, far below every tolerance and interval the checks use."""


def zero_one_errors(margins: torch.Tensor) -> torch.Tensor:
    """Per margin ``y·f(x)``: 1 where it is an error under the tie rule (:data:`TIE_MARGIN`)."""
    return margins <= TIE_MARGIN


def zero_one_error_estimate(
    network: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    miscoverage: float,
) -> IntervalEstimate:
    """``Pr[sign f(x) ≠ y]`` per run (a tie, ``|f| ≤`` :data:`TIE_MARGIN`, counts as an error),
    with Clopper–Pearson bounds."""
    wrong = zero_one_errors(y * network(x)).sum(-1).numpy()
    return clopper_pearson(wrong, int(y.shape[-1]), miscoverage)
