"""Kernel regime (Taheri–Thrampoulidis–Mazumdar vs Chen et al. 2021).

(a) the explicit training-loss bound F̂(w_T) ≤ 4ρ*²/(ηT) at every step, with η < 1/(G₀² + ¼)
enforced, on generated settings; (b) the generalisation-gap bound in expectation; (c) the test
loss falls like 1/n, and Chen21's 1/√n is refuted as its rival; it grows slower than √m;
calibrated hidden constants predict new settings, and hold at every width with each run's own
margin γ(m); (d) the kernel regime's radius condition ‖W_T − W₀‖ ≤ m^{C/L} is met as m grows,
and fails for narrow networks; (e) false variants (1/T², no gap) are refuted; the constant 1
instead of 4, near the measured break point, at a declared rate. The rates are judged at the
level of their sweep's grid (gflcheck.core.statement_kinds.rate_check). TTM's bound has no m and is
an upper bound: it does not say that the loss stays flat in m, so that is not checked.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from gflcheck.claims import kernel_width
from gflcheck.claims.kernel_regime import (
    KernelConfig,
    KernelSetting,
    generalization_gap_check,
    kernel_settings,
    training_loss_check,
)
from gflcheck.claims.kernel_width import kernel_radius_check
from gflcheck.core.confidence import PropertyRule
from gflcheck.core.declare import max_examples
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import Outcome
from gflcheck.theorems.ttm_kernel import (
    no_generalization_gap,
    training_loss_bound_constant_one,
    training_loss_bound_squared_rate,
)

CONSTANT_ONE_DETECTION = PropertyRule(detection_rate=0.9)
"""TTM's training-loss bound with the constant 1 instead of 4 is near the truth: 4 was measured
3.4× loose on the main job's setting (``gflcheck mutate``), and 1 sits within a factor 2 of that
break point. Across the examples it must be refuted at a rate not significantly below 0.9 (exact
binomial test at 0.05), where a weak check would miss it."""

# (a) TTM's training-loss bound HOLDS on every example; its constant-1 variant is refuted at the
# declared rate, judged on the same training runs (the variant changes the bound only).
test_training_loss_bound_holds_at_every_step = dataclasses.replace(
    training_loss_check(), property_rule=PropertyRule(holds_share=1.0)
).property()
test_training_loss_bound_with_constant_one_is_refuted_at_the_rate = dataclasses.replace(
    training_loss_check(training_loss_bound_constant_one()), property_rule=CONSTANT_ONE_DETECTION
).property()

# False: GD on the logistic loss decays like 1/(γ²ηT), not 1/T²; refuted for T ≥ 200.
test_training_loss_bound_with_one_over_t_squared_is_refuted = training_loss_check(
    training_loss_bound_squared_rate(), settings=kernel_settings(steps=st.integers(200, 300))
).property()

# (b) E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀+¼)²/n over training sets (8 seeds, t interval).
test_generalization_gap_bound_holds_in_expectation = generalization_gap_check(
    config=KernelConfig(seeds=8), settings=kernel_settings(steps=st.integers(100, 250))
).property()

# (e) False: the test loss of GD exceeds its training loss in expectation. Tested where the gap is
# detectable with 16 seeds: few samples (n ≤ 24) in d ≥ 6 and many steps. On easy problems
# (d = 3, n = 16) the mean gap of 8 seeds, ≈ 0.015, was not separable from 0.
test_no_generalization_gap_variant_is_refuted = generalization_gap_check(
    no_generalization_gap(),
    KernelConfig(seeds=16),
    settings=kernel_settings(
        steps=st.integers(150, 250), samples=st.integers(16, 24), dimension=st.integers(6, 10)
    ),
).property()


# (c) The rate in n, and (d) the radius in m: one declared sweep each (gflcheck.catalogue; not
# generated: each point trains several networks), judged at the level of the grid
# (gflcheck.core.statement_kinds.rate_check).


@pytest.mark.expensive
def test_test_loss_rate_in_n_is_one_over_n_not_chen21(gflcheck_session):
    """(c) The grid-level log-log slope of the test loss in n (T = 4n): within −1 + τ (TTM's
    exponent, from sympy), and Chen21's rate, the rival Ω(1/√n), refuted on the same runs: the
    check refutes a rate here. (A 1/n² variant is no false variant on this sweep: the local slope
    at the top of the grid is near −2, so it is not refuted.)"""
    verdict = gflcheck_session.check(
        lambda: kernel_width.RATE_IN_N.run_with_evidence(kernel_width.SAMPLES_SWEEP)
    )
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)
    (chen,) = verdict.identification
    assert chen.outcome is Outcome.VIOLATED, format_verdict_details(verdict)


@pytest.mark.expensive
def test_kernel_radius_condition_is_met_as_width_grows(gflcheck_session):
    """(d) TTM's kernel regime: ‖W_T − W₀‖ ≤ m^{C/L} (C = 1, declared). The absolute distance is
    what the condition bounds (the relative one, ‖W_T − W₀‖/‖W₀‖, falls whatever training does,
    since ‖W₀‖ grows with m: docs/setups.md §5.3). Declared checks: the distance grows no faster than
    m^{C/L} (a rate over the grid), every run at the widest m meets the condition, and the sweep
    shows the boundary: at the narrowest m, whose weights move as far, some run is outside the
    kernel regime (an observation: TTM's analysis is for large m)."""
    settings = kernel_width.radius_sweep_settings()
    growth = gflcheck_session.check(
        lambda: kernel_width.RADIUS_IN_M.run_with_evidence(kernel_width.RADIUS_SWEEP)
    )
    inside = kernel_radius_check(kernel_width.RADIUS_SWEEP_SEEDS).run(settings[-1])
    outside = kernel_radius_check(
        kernel_width.RADIUS_SWEEP_SEEDS,
        observation="TTM places large widths in the kernel regime; at the narrowest m the "
        "weights move as far, so runs may leave it (the boundary, reported)",
    ).run(settings[0])
    for verdict in (inside, outside):
        gflcheck_session.record(verdict)
    assert growth.outcome is Outcome.HOLDS, format_verdict_details(growth)
    assert inside.outcome is Outcome.HOLDS, format_verdict_details(inside)
    assert outside.outcome is Outcome.VIOLATED, format_verdict_details(outside)


@pytest.fixture(scope="module")
def width_sweep():
    """The same training sets at every width (only the network changes), n = 128, T = 4n."""
    return kernel_width.width_sweep()


@pytest.mark.expensive
def test_test_loss_grows_slower_than_chen21_in_m(gflcheck_session):
    """(c) Chen21's bound grows like √m (sympy: exponent ½ in m); the measured test loss grows
    no faster (the grid-level slope's 95% upper bound at most ½, tolerance 0)."""
    verdict = gflcheck_session.check(
        lambda: kernel_width.LOSS_IN_M.run_with_evidence(kernel_width.WIDTH_SWEEP)
    )
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)


@pytest.fixture(scope="module")
def calibrated_constants():
    """docs/setups.md §3: C₁, C₂ of C₁e^{C₂L}/(γ²n) fitted on the declared calibration runs
    (:func:`gflcheck.claims.kernel_width.calibration_settings`)."""
    return kernel_width.calibrated_constants()


@pytest.mark.expensive
@given(
    setting=st.integers(48, 200).flatmap(
        lambda n: st.builds(
            KernelSetting,
            dimension=st.integers(4, 10).filter(lambda d: d != 8),  # never a calibration setting
            width=st.sampled_from((16, 48)),
            depth=st.integers(1, 3),
            samples=st.just(n),
            margin=st.floats(0.15, 0.35),
            steps=st.just(4 * n),  # T = 4n, as in the calibration runs
            seed=st.integers(0, 2**32 - 1),
        )
    )
)
def test_calibrated_constants_predict_new_settings(setting, calibrated_constants, gflcheck_session):
    """The calibrated bound (×2) must hold on generated settings that share no (d, m, seed) with
    the calibration runs: every seed's test loss ≤ 2·C₁e^{C₂L}/(γ²n) with its own γ."""
    check = kernel_width.calibrated_test_loss_check(calibrated_constants, seeds=4)
    verdict = check.property_example(
        max_examples(test_calibrated_constants_predict_new_settings)
    ).run(setting)
    gflcheck_session.record(verdict)
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)


@pytest.mark.expensive
def test_calibrated_bound_holds_at_every_width(width_sweep, calibrated_constants, gflcheck_session):
    """(c) TTM's bound C₁e^{C₂L}/(γ²n) has no m; what it says at any width is that the test loss
    is at most the bound evaluated with that run's own NTK margin γ(m) (docs/setups.md §5.3). With the
    calibrated constants (×2): every seed at every m ∈ {16, …, 512} of the width sweep (d = 8,
    L = 2, n = 128, T = 4n; none of them a calibration run), one verdict per width. The note
    reports the ratio to the bound per width and its slope in m over this range; whether it keeps
    growing is checked at m = 1024 and 4096 on request
    (:func:`test_calibrated_bound_holds_at_large_width`)."""
    points = width_sweep
    verdicts = _calibrated_verdicts(calibrated_constants, kernel_width.WIDTHS, gflcheck_session)
    ratios = _ratios_to_bound(points, verdicts)
    widths = np.log([m for m, r in ratios.items() for _ in r])
    fit = stats.linregress(widths, np.log(np.concatenate(list(ratios.values()))))
    gflcheck_session.note(
        "test loss / (2× calibrated TTM bound at each run's γ(m)): "
        + ", ".join(f"m={m}: {r.max():.2f}" for m, r in ratios.items())
        + f" (largest per m); grows like m^{fit.slope:.2f} over m ≤ {max(ratios)} (m = "
        f"{', '.join(map(str, kernel_width.LARGE_WIDTHS))}: --gflcheck-run-slow); "
        f"C₁ = {calibrated_constants.C1:.3g}"
    )
    for verdict in verdicts:
        assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)


@pytest.mark.gflcheck_slow(
    cost="m = 4096 trains 6 seeds × 512 full-batch steps of a 4096 × 4096 layer: about 35 min "
    "with --gflcheck-threads=2, over an hour on one thread; m = 1024 about 4 min"
)
@pytest.mark.parametrize("width", kernel_width.LARGE_WIDTHS)
def test_calibrated_bound_holds_at_large_width(width, calibrated_constants, gflcheck_session):
    """(c) continued where the width sweep's ratio to the bound would reach 1 if it kept its
    m ≤ 512 slope (docs/setups.md §5.3: the gap between TTM's bound and the loss is what a large m
    tests). The same check, setting and seed streams as the sweep, at m = 1024 and 4096: every
    seed's test loss ≤ 2× the calibrated bound at its own γ(m). The note gives the largest ratio
    with and without the declared ×2."""
    (verdict,) = _calibrated_verdicts(calibrated_constants, (width,), gflcheck_session)
    points = kernel_width.width_sweep(widths=(width,))
    ratio = _ratios_to_bound(points, [verdict])[width]
    gflcheck_session.note(
        f"m={width}: largest test loss / (2× calibrated TTM bound at its γ(m)) {ratio.max():.3f}; "
        f"against the calibrated bound without the ×2, {2 * ratio.max():.3f}"
    )
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)


def _calibrated_verdicts(constants, widths, session):
    """One verdict per width of the width sweep's setting, each recorded in the session: the
    widths share one property's α."""
    check = kernel_width.calibrated_test_loss_check(
        constants, seeds=kernel_width.WIDTH_SWEEP_SEEDS
    ).property_example(len(widths))
    verdicts = [check.run(setting) for setting in kernel_width.width_sweep_settings(widths)]
    for verdict in verdicts:
        session.record(verdict)
    return verdicts


def _ratios_to_bound(points, verdicts):
    """Measured / bound per seed and width, from the slack (bound − measured)."""
    return {
        p.setting.width: p.test_loss / (p.test_loss + v.slack)
        for v, p in zip(verdicts, points, strict=True)
    }
