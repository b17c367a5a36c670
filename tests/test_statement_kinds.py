"""Statement kinds (iii)–(vi): rates by slope and by calibrate-then-predict, needs walked over a
grid, paired separations, and hitting times with events that were not reached; every kind
refutes an absurd variant of its bound, however the variant is made."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Measurement,
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
from gflcheck.core.confidence import Confidence, SeedPlan
from gflcheck.core.declare import StatementKind, TheoryCheck
from gflcheck.core.statement_kinds import NeedWalk, need_check
from gflcheck.runtime.random import torch_generator

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
        runs=50,
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
        runs=8,
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
    assert holds.outcome is Outcome.HOLDS and "paired ratio" in check.wording.quantity
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
    # Seed 0: the first event never came (τ > 100 > 50): violated. Seed 1: neither came, so
    # both are only known to exceed 100: undetermined. Seed 2: the second never came (τ₂ > 100),
    # so 3 ≤ τ₂ whatever it is: satisfied. Seed 3: 3 ≤ 5.
    verdict = check.run(Times((inf, inf, 3, 3), (50, inf, inf, 5)))
    assert verdict.decision.violations == 1 and verdict.decision.satisfied == 2
    assert any(note.startswith("t not reached within 100 steps on 2") for note in verdict.notes)
    assert any(
        note.startswith("t_second not reached within 100 steps on 2") for note in verdict.notes
    )


def test_hitting_times_outside_the_horizon_are_refused():
    with pytest.raises(ParameterRangeError, match="hitting_times"):
        ordering().run(Times((1, 2, 3, 400), (5, 5, 5, 5)))


# -- every kind refutes an absurd variant, whichever way the variant is made --------------------
@dataclass(frozen=True)
class Fixed:
    """A setting for the synthetic measurements below."""

    T: int = 100
    seed: int = 0


def _exact_values(setting: Fixed, seeds: tuple[int, ...]) -> Measurement:
    return Measurement(np.full(len(seeds), 1.0) + 0.01 * np.arange(len(seeds)))


def _instances(setting: Fixed, seeds: tuple[int, ...]) -> Measurement:
    return Measurement(np.ones((len(seeds), 5)) * np.arange(1, 6))


def _decay(setting: Fixed, n: float, seeds: tuple[int, ...]) -> np.ndarray:
    return noisy_power(Power(-0.5), n, seeds)


def _need_walk() -> NeedWalk:
    """The least size on a √2 grid at which ``size ≥ 4·d`` (times a run's noise)."""

    def error_at(setting, d, size, seeds):
        return np.where(size >= 4 * d * noisy_power(Power(0.0), d, seeds), 0.0, 1.0)

    sizes = tuple(round(2 ** (j / 2)) for j in range(2, 30))
    return NeedWalk(lambda s, d: sorted(set(sizes)), error_at, 0.5, name="walk")


def _ratio(setting: Fixed, d: float, seeds: tuple[int, ...]):
    shared = noisy_power(Power(0.0), d, seeds)
    return d * shared, shared


def _times(setting: Fixed, seeds: tuple[int, ...]):
    return {"t": np.full(len(seeds), 5.0)}


def _kinds():
    n, d, c = positive("n"), positive("d"), hidden_constant("C")
    T = positive("T")

    def bound(expression, *symbols):
        return Bound(expression, expression, [*symbols], SOURCE)

    grid = [4, 8, 16, 32, 64, 128]
    return {
        "with probability": (
            TheoryCheck(
                "p",
                bound("2"),
                st.nothing(),
                lambda s: {},
                _exact_values,
                confidence=Confidence(delta=0.05),
                seed_plan=SeedPlan(count=60),
            ),
            bound("1/1000"),
        ),
        "for every": (
            TheoryCheck(
                "e",
                bound("10"),
                st.nothing(),
                lambda s: {},
                _instances,
                kind=StatementKind.FOR_EVERY,
                seed_plan=SeedPlan(count=3),
            ),
            bound("1/1000"),
        ),
        "rate, slope": (
            rate_check(
                "r",
                bound("C/sqrt(n)", c, n),
                "n",
                st.nothing(),
                lambda s: grid,
                _decay,
                tolerance=0.1,
            ),
            bound("C/n**2", c, n),
        ),
        "rate, extrapolation": (
            rate_check(
                "x",
                bound("C/sqrt(n)", c, n),
                "n",
                st.nothing(),
                lambda s: grid,
                _decay,
                method="extrapolation",
                tolerance=0.1,
            ),
            bound("C/n**2", c, n),
        ),
        "need": (
            need_check(
                "w",
                bound("C*d", c, d),
                "d",
                st.nothing(),
                lambda s: grid,
                _need_walk(),
                tolerance=0.25,
            ),
            bound("C/d**2", c, d),
        ),
        "separation": (
            separation_check(
                "s", bound("C*d", c, d), "d", st.nothing(), lambda s: grid, _ratio, tolerance=0.1
            ),
            bound("C*d**4", c, d),
        ),
        "separation of needs": (
            separation_check(
                "z",
                bound("C*d**0", c, d),
                "d",
                st.nothing(),
                lambda s: grid,
                needs=(_need_walk(), dataclasses.replace(_need_walk(), error_at=_flat_error)),
            ),
            bound("C*d**4", c, d),
        ),
        "hitting time": (
            hitting_time_check(
                "h",
                bound("T", T),
                st.nothing(),
                _times,
                lambda s: s.T,
                bound_values=lambda s: {"T": s.T},
                seeds=60,
            ),
            bound("T/1000", T),
        ),
    }


def _flat_error(setting, d, size, seeds):
    return np.where(size >= 40 * noisy_power(Power(0.0), 1.0, seeds), 0.0, 1.0)


@pytest.mark.parametrize("kind", list(_kinds()))
def test_every_kind_refutes_an_absurd_variant_made_either_way(kind):
    """The true statement HOLDS; its absurd variant (C/n² where the truth is n^−½, and the
    like) is VIOLATED, made with ``false_variant`` or with ``dataclasses.replace`` alike: the
    measurement never sees the bound, so each variant is judged against its own."""
    check, absurd = _kinds()[kind]
    assert check.run(Fixed()).outcome is Outcome.HOLDS, kind
    variant = check.false_variant(absurd, why_false="absurd")
    assert variant.run(Fixed()).outcome is Outcome.VIOLATED, kind
    replaced = dataclasses.replace(check, bound=absurd)
    assert replaced.run(Fixed()).outcome is Outcome.VIOLATED, kind


def test_a_separation_of_needs_with_the_slower_learner_censored_keeps_its_lower_end():
    """Where the learner that needs more runs past its last size, the paired ratio is censored
    at ``cap / other need``: the slope stays known from below, so Ω(1) still HOLDS, and the
    censored top leaves Ω(d⁴) INCONCLUSIVE (the ratio there may be any size above its cap)."""
    d, c = positive("d"), hidden_constant("C")
    capped = NeedWalk(lambda s, v: [2**j for j in range(9)], _need_walk().error_at, 0.5)
    check = separation_check(
        "z",
        Bound("C*d**0", "C*d**0", [c, d], SOURCE),
        "d",
        st.nothing(),
        lambda s: [4, 8, 16, 32, 64, 128],
        needs=(capped, dataclasses.replace(_need_walk(), error_at=_flat_error)),
    )
    verdict, ratio = check.run_with_evidence(Fixed())
    assert verdict.outcome is Outcome.HOLDS
    assert np.isposinf(ratio.grid.values[-1]).all() and ratio.grid.caps is not None
    absurd = check.false_variant(Bound("C*d**4", "C*d**4", [c, d], SOURCE), why_false="absurd")
    refuted = absurd.run(Fixed())
    assert refuted.outcome is Outcome.INCONCLUSIVE and refuted.interval[2] == np.inf


# -- a ∀-bound and rounding ------------------------------------------------------------------------
def _bound_times(factor: float):
    """Every instance measures ``3·factor`` against the bound ``3``."""

    def measure(setting: Fixed, seeds: tuple[int, ...]) -> Measurement:
        return Measurement(np.full((len(seeds), 4), 3.0 * factor))

    return measure


def _tight_for_every(factor: float, tolerance: float = 0.0) -> TheoryCheck:
    return TheoryCheck(
        "tight",
        Bound("three", "3", [], SOURCE),
        st.nothing(),
        lambda s: {},
        _bound_times(factor),
        kind=StatementKind.FOR_EVERY,
        seed_plan=SeedPlan(count=3),
        tolerance=tolerance,
    )


def test_a_for_every_bound_met_up_to_its_last_bits_holds():
    """An exactly tight ∀-bound computed another way, a few units in the last place above it
    (here 4 ulp of float64), holds: 8 ulp of the bound are compared to spare."""
    assert _tight_for_every(1 + 4 * np.finfo(np.float64).eps).run(Fixed()).outcome is Outcome.HOLDS


def test_a_violation_within_rounding_says_so_and_names_the_tolerance_that_absorbs_it():
    """``3·(1 + 10⁻¹²)`` against ``3``: refuted, and the counterexample says the excess is
    within float64 rounding and names a tolerance that absorbs it; with that tolerance declared,
    the same measurement holds."""
    verdict = _tight_for_every(1 + 1e-12).run(Fixed())
    assert verdict.outcome is Outcome.VIOLATED
    assert "within rounding: it exceeds the bound by 3e-12" in verdict.counterexample
    absorbing = float(verdict.counterexample.split("tolerance=")[1].split()[0])
    assert _tight_for_every(1 + 1e-12, absorbing).run(Fixed()).outcome is Outcome.HOLDS
    far = _tight_for_every(1.01).run(Fixed())
    assert far.outcome is Outcome.VIOLATED and "within rounding" not in far.counterexample
