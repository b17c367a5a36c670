"""The kernel regime at each width (gflcheck.claims.kernel_width): declared checks decide on the
sweep's runs."""

from __future__ import annotations

import pytest

from gflcheck.claims.kernel_width import (
    RADIUS_TEST_SIZE,
    STEP_FRACTION,
    CalibratedConstants,
    calibrated_test_loss_check,
    kernel_radius_check,
    sweep_point,
)
from gflcheck.core.verdicts import Outcome
from gflcheck.models.deep_networks import KernelSetting

SMALL = KernelSetting(4, 8, 1, 16, 0.2, 20, 3)


@pytest.mark.parametrize(("C1", "expected"), [(1e6, Outcome.HOLDS), (1e-9, Outcome.VIOLATED)])
def test_the_calibrated_bound_decides_on_the_test_losses_bounds(C1, expected):
    """A huge C₁ puts every seed's upper bound under the bound; a tiny one puts every lower bound
    above it (the exact p-value at α_v)."""
    verdict = calibrated_test_loss_check(CalibratedConstants(C1, 0.1, 1, 0.1), seeds=3).run(SMALL)
    assert verdict.outcome is expected
    point = sweep_point(SMALL, 3, 20_000, STEP_FRACTION)
    assert (point.test_loss_standard_error > 0).all()


def test_the_radius_check_compares_the_absolute_distance_with_m_to_the_c_over_l():
    verdict = kernel_radius_check(seeds=2).run(SMALL)
    point = sweep_point(SMALL, 2, RADIUS_TEST_SIZE, STEP_FRACTION)
    assert verdict.bound_value == pytest.approx(SMALL.width ** (1.0 / SMALL.depth))
    assert verdict.slack == pytest.approx(verdict.bound_value - point.distance)


def test_a_rate_pools_only_the_runs_inside_the_kernel_radius():
    """A sweep that declares the regime's constant enters a run that moved beyond ``m^{C/L}`` as
    unknown: with C small enough every run is outside, with C large none is."""
    import numpy as np

    from gflcheck.claims.kernel_width import KernelSweep, radii_in_words, swept_values

    def values(constant):
        sweep = KernelSweep((SMALL,), "samples", 1000, STEP_FRACTION, regime_constant=constant)
        return swept_values("test_loss", sweep, SMALL.samples, (0, 1)), sweep

    outside, sweep = values(1e-6)
    inside, _ = values(100.0)
    assert np.isnan(outside).all() and np.isfinite(inside).all()
    assert "2 of 2 runs outside it" in radii_in_words(sweep, 2)
