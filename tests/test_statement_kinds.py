"""Statement kinds (iii)–(v): rates by slope and by calibrate-then-predict, paired separations,
and hitting times with events that were not reached."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Outcome,
    ParameterRangeError,
    Provenance,
    Tag,
    hidden_constant,
    hitting_time_check,
    non_negative,
    positive,
    rate_check,
    separation_check,
)
from gflcheck.random import torch_generator

SOURCE = Provenance("unit test", "-", Tag.OURS)


@dataclass(frozen=True)
class Power:
    exponent: float
    seed: int = 0


def noisy_power(setting: Power, n: float, seeds: tuple[int, ...]) -> np.ndarray:
    """``n^exponent`` times log-normal noise of spread 0.1, one value per seed."""
    generator = torch_generator(seeds[0], f"n={n:g}")
    noise = np.exp(0.1 * torch_generator_normal(generator, len(seeds)))
    return n**setting.exponent * noise


def torch_generator_normal(generator, count: int) -> np.ndarray:
    import torch

    return torch.randn(count, generator=generator, dtype=torch.float64).numpy()


def rate(expression: str, method: str, **changes):
    bound = Bound("rate", expression, [hidden_constant("C"), positive("n")], SOURCE)
    arguments = dict(
        grid=lambda s: [10, 20, 40, 80, 160, 320],
        measure=noisy_power,
        tolerance=0.1,
        seeds=50,
        method=method,
    )
    arguments.update(changes)
    return rate_check("rate", bound, "n", st.nothing(), **arguments)


@pytest.mark.parametrize("method", ["slope", "extrapolation"])
def test_a_rate_holds_at_its_exponent_and_is_refuted_when_it_is_too_small(method):
    assert rate("C/sqrt(n)", method).run(Power(-0.5)).outcome is Outcome.HOLDS
    assert rate("C/sqrt(n)", method).run(Power(-0.2)).outcome is Outcome.VIOLATED
    assert rate("C*n**0.2", method, at_least=True).run(Power(0.2)).outcome is Outcome.HOLDS
    assert rate("C*n**0.5", method, at_least=True).run(Power(0.2)).outcome is Outcome.VIOLATED


def test_calibrate_then_predict_fits_on_the_smaller_half_and_checks_the_larger():
    verdict = rate("C/sqrt(n)", "extrapolation").run(Power(-0.5))
    assert verdict.parameters["calibration"] == "10, 20, 40"
    assert verdict.parameters["held out"] == "80, 160, 320"
    assert verdict.parameters["C"] == pytest.approx(1.0, abs=0.05)


def test_a_fitted_constant_of_the_wrong_sign_is_kept_as_evidence():
    """``C₁ + C₂·n`` fitted to a decaying measurement: ``C₂ < 0`` is reported, not clipped to 0."""
    bound = Bound(
        "affine", "C1 + C2*n", [hidden_constant("C1"), hidden_constant("C2"), positive("n")], SOURCE
    )
    check = rate_check(
        "affine",
        bound,
        "n",
        st.nothing(),
        grid=lambda s: [1, 2, 3, 4, 5, 6],
        measure=lambda s, n, seeds: (
            np.full(len(seeds), 10.0 - n) * np.exp(0.01 * np.arange(len(seeds)))
        ),
        seeds=8,
        method="extrapolation",
    )
    verdict = check.run(Power(0.0))
    assert verdict.parameters["C2"] < 0
    assert any("C2" in note and "not clipped" in note for note in verdict.notes)


def test_a_rate_check_refuses_a_grid_too_small_to_hold_out_half():
    with pytest.raises(ParameterRangeError, match="grid"):
        rate("C/sqrt(n)", "extrapolation", grid=lambda s: [10, 20, 40]).run(Power(-0.5))
    with pytest.raises(ParameterRangeError, match="method"):
        rate("C/sqrt(n)", "fit everything")


def test_a_separation_is_the_slope_of_the_paired_ratio():
    def needs(setting: Power, d: float, seeds: tuple[int, ...]):
        shared = noisy_power(Power(0.0), d, seeds)  # noise both learners share, paired away
        return d**setting.exponent * shared, shared

    bound = Bound("gap", "C*d", [hidden_constant("C"), positive("d")], SOURCE)
    check = separation_check(
        "gap", bound, "d", st.nothing(), lambda s: [4, 8, 16, 32], needs, tolerance=0.05
    )
    holds = check.run(Power(1.0))
    assert holds.outcome is Outcome.HOLDS and "paired ratio" in check.quantity
    assert holds.slack[0] == pytest.approx(0.05, abs=1e-9)  # exact: the shared noise cancels
    assert check.run(Power(0.8)).outcome is Outcome.VIOLATED


@dataclass(frozen=True)
class Times:
    first: tuple[float, ...]
    second: tuple[float, ...]
    seed: int = 0


def ordering(bound_expression: str = "t_second"):
    bound = Bound("order", bound_expression, [non_negative("t_second")], SOURCE)
    return hitting_time_check(
        "order",
        bound,
        st.nothing(),
        lambda s, seeds: {"t": np.array(s.first), "t_second": np.array(s.second)},
        horizon=lambda s: 100,
        seeds=4,
        delta=0.2,
    )


def test_an_ordering_of_first_times():
    check = ordering()
    assert check.run(Times((1, 2, 3, 4), (5, 5, 5, 5))).decision.satisfied == 4
    refuted = check.run(Times((9, 9, 9, 9), (5, 5, 5, 5)))
    assert refuted.decision.violations == 4 and "first step τ of t" in refuted.counterexample


def test_an_event_not_reached_is_known_only_to_come_after_the_horizon():
    check = ordering()
    inf = np.inf
    # Seed 0: the first event never came (τ > 100 > 50): violated. Seeds 1 and 2: the second
    # event never came, so the bound is unknown: undetermined. Seed 3: 3 ≤ 5.
    verdict = check.run(Times((inf, inf, 3, 3), (50, inf, inf, 5)))
    assert verdict.decision.violations == 1 and verdict.decision.satisfied == 1
    assert any(note.startswith("t not reached within 100 steps on 2") for note in verdict.notes)
    assert any(
        note.startswith("t_second not reached within 100 steps on 2") for note in verdict.notes
    )


def test_hitting_times_outside_the_horizon_are_refused():
    with pytest.raises(ParameterRangeError, match="hitting_times"):
        ordering().run(Times((1, 2, 3, 400), (5, 5, 5, 5)))
