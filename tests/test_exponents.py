"""Grid-level exponents: the declared rates of the rate verdicts, measured in simulation.

Each simulation draws a synthetic rate ``log y = a + b·log v + u_g + ε`` over a grid (``u_g``: an
effect shared by every run at a grid point, ``ε``: per run) and judges it with the public
:func:`gflcheck.rate_check`, several hundred times. The realised rates are printed (``pytest -s``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import strategies as st
from scipy import stats

from gflcheck import Bound, Outcome, Provenance, Tag, hidden_constant, positive, rate_check
from gflcheck.core.confidence import Confidence
from gflcheck.core.exponents import GridData, Side, fit_exponent, identifying_grid
from gflcheck.runtime.errors import ParameterRangeError

SOURCE = Provenance("simulation", "-", Tag.OURS)
DRAWS = 400
GRID = (10.0, 20.0, 40.0, 80.0, 160.0, 320.0)


@dataclass(frozen=True)
class Draw:
    """One synthetic measurement: its slope, curvature and noise, and which draw it is."""

    index: int
    slope: float
    curvature: float = 0.0
    point_sd: float = 0.2
    run_sd: float = 0.3
    seed: int = 0


def synthetic(draw: Draw, v: float, seeds: tuple[int, ...]) -> np.ndarray:
    """``exp(b·x + c·(x − x̄)² + u_g + ε)`` with ``x = log v``: ``u_g`` shared by the point's
    runs, ``ε`` per run, both from the draw's own stream."""
    x, centre = np.log(v), np.mean(np.log(GRID))
    shared = np.random.default_rng([draw.index, round(v * 1000), 0]).normal(0, draw.point_sd)
    own = np.random.default_rng([draw.index, round(v * 1000), 1]).normal(0, draw.run_sd, len(seeds))
    return np.exp(draw.slope * x + draw.curvature * (x - centre) ** 2 + shared + own)


def power_law(exponent: float) -> Bound:
    return Bound("rate", f"C*n**({exponent})", [hidden_constant("C"), positive("n")], SOURCE)


def outcomes(check, draws) -> dict[Outcome, int]:
    counts = dict.fromkeys(Outcome, 0)
    for draw in draws:
        counts[check.run(draw).outcome] += 1
    return counts


def at_most(share: float, count: int, draws: int) -> bool:
    """``count`` of ``draws`` is not significantly above ``share`` (exact binomial, 0.001)."""
    return stats.binomtest(count, draws, share, alternative="greater").pvalue > 0.001


def test_a_true_rate_with_effects_per_grid_point_is_violated_no_more_than_its_share():
    """At its boundary (the true slope equals the threshold), with an effect per grid point of sd
    0.2 in log, the statement is VIOLATED at most at its declared share. The same data pooled as
    seeds × points (the replication ignored) refute it far more often."""
    share = 0.05
    check = rate_check(
        "boundary",
        power_law(0.5),
        "n",
        st.nothing(),
        lambda s: GRID,
        synthetic,
        runs=8,
        confidence=Confidence(violation_alpha=share),
    )
    draws = [Draw(i, 0.5) for i in range(DRAWS)]
    counts = outcomes(check, draws)
    pooled = 0
    for draw in draws:
        x = np.repeat(np.log(GRID), 8)
        y = np.log(np.concatenate([synthetic(draw, v, tuple(range(8))) for v in GRID]))
        fit = stats.linregress(x, y)
        pooled += stats.t.sf((fit.slope - 0.5) / fit.stderr, len(x) - 2) < share
    print(
        f"\nboundary, effect sd 0.2 per point: VIOLATED {counts[Outcome.VIOLATED]}/{DRAWS} "
        f"(declared share {share}); seeds × points pooled: {pooled}/{DRAWS}"
    )
    assert at_most(share, counts[Outcome.VIOLATED], DRAWS)
    assert pooled > 3 * share * DRAWS  # the bug the grid level removes


def test_an_exponent_off_by_0_3_holds_in_at_most_5_percent_of_draws():
    """A statement whose exponent is 0.3 below the truth (O(n^0.5) where y ∝ n^0.8)."""
    check = rate_check("off", power_law(0.5), "n", st.nothing(), lambda s: GRID, synthetic, runs=8)
    counts = outcomes(check, [Draw(i, 0.8) for i in range(DRAWS)])
    print(f"\nexponent off by 0.3: HOLDS {counts[Outcome.HOLDS]}/{DRAWS}")
    assert counts[Outcome.HOLDS] <= 0.05 * DRAWS


def test_a_curved_measurement_never_holds():
    """``log y`` convex in ``log v``: its mean slope over the grid (1.0) is within O(n^1.5), its
    slope at the top of the grid (about 2.1) is not. The lack-of-fit test sees the bend, and the
    verdict never confirms the straight rate; the local slope at the top refutes it."""
    check = rate_check(
        "curved", power_law(1.5), "n", st.nothing(), lambda s: GRID, synthetic, runs=8
    )
    draws = [Draw(i, 1.0, curvature=0.25, point_sd=0.03, run_sd=0.1) for i in range(200)]
    counts = outcomes(check, draws)
    straight = sum(  # what a straight line through the same grid points would have confirmed
        fit_exponent(check.measure(draw, tuple(range(8))), 0.05).upper <= 1.5 for draw in draws
    )
    print(
        f"\ncurved (mean slope 1.0, top 2.1) against O(n^1.5): {counts[Outcome.HOLDS]} HOLDS, "
        f"{counts[Outcome.VIOLATED]} VIOLATED at the top, {counts[Outcome.INCONCLUSIVE]} "
        f"INCONCLUSIVE of {len(draws)}; a straight line would confirm {straight}"
    )
    assert counts[Outcome.HOLDS] == 0
    assert straight >= 0.9 * len(draws)


def test_a_straight_rate_within_the_threshold_holds():
    check = rate_check(
        "straight", power_law(1.5), "n", st.nothing(), lambda s: GRID, synthetic, runs=8
    )
    counts = outcomes(check, [Draw(i, 1.0, point_sd=0.05, run_sd=0.1) for i in range(50)])
    assert counts[Outcome.HOLDS] >= 45


def test_the_interval_uses_the_grid_points_degrees_of_freedom():
    values = np.exp(np.array([[0.0, 0.1], [1.0, 1.1], [2.1, 1.9], [2.9, 3.0]]))
    fit = fit_exponent(GridData("d", (1.0, 2.0, 3.0, 4.0), values, logarithmic=False), 0.05)
    means = np.log(values).mean(1)
    expected = stats.linregress([1, 2, 3, 4], means)
    assert fit.slope == pytest.approx(expected.slope)
    assert fit.degrees_of_freedom == 2
    half = stats.t.ppf(0.975, 2) * expected.stderr
    assert (fit.lower, fit.upper) == pytest.approx((expected.slope - half, expected.slope + half))


def test_censored_values_leave_the_slope_known_only_from_below():
    values = np.array([[10.0, 12.0], [20.0, 22.0], [40.0, np.inf]])
    data = GridData("d", (1.0, 2.0, 4.0), values, caps=(100.0, 100.0, 50.0))
    fit = fit_exponent(data, 0.05)
    assert np.isfinite(fit.lower) and fit.upper == np.inf and fit.censored == 1
    low = GridData("d", (1.0, 2.0, 4.0), np.array([[np.inf, 1.0], [2, 2], [4, 4]]), caps=(5, 5, 5))
    assert (fit_exponent(low, 0.05).lower, fit_exponent(low, 0.05).upper) == (-np.inf, np.inf)


def test_a_grid_needs_three_points_and_caps_for_censored_values():
    with pytest.raises(ParameterRangeError, match="points"):
        GridData("d", (1.0, 2.0), np.ones((2, 3)))
    with pytest.raises(ParameterRangeError, match="caps"):
        GridData("d", (1.0, 2.0, 3.0), np.array([[1.0], [np.inf], [2.0]]))


def test_the_identifying_grid_extends_until_the_verdicts_part():
    """A slope of 0.7 per unit k measured on k = 2…5 (noise 0.1): Ω(2^k) and its rival O(k⁴)
    both hold there; continued at the grid's step, they part once k⁴'s slope over the grid falls
    under the measured one."""
    k = (2.0, 3.0, 4.0, 5.0)
    noise = np.array([0.05, -0.08, 0.06, -0.03])
    values = np.exp(0.7 * np.asarray(k) + noise)[:, None] * np.ones((1, 4))
    fit = fit_exponent(GridData("k", k, values, logarithmic=False), 0.05)

    def k4(grid):
        return stats.linregress(grid, 4 * np.log(grid)).slope

    claim = Side(True, lambda grid: np.log(2) - 0.25, 0.00125)
    rival = Side(False, k4, 0.00125)
    grid = identifying_grid(fit, k, claim, rival)
    assert grid is not None and grid[:4] == list(k) and len(grid) > 4
    assert k4(grid) < fit.slope
