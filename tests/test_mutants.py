"""Automatic mutants of a bound, their labels, and the sensitivity of a check: break points and
kill tables."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import sympy
from check_fields import grouped
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Measurement,
    Outcome,
    Provenance,
    StatementKind,
    Tag,
    TheoryCheck,
    hidden_constant,
    positive,
    positive_integer,
    rate_check,
)
from gflcheck.core.confidence import SeedPlan
from gflcheck.core.declare import recorded_runs
from gflcheck.core.mutants import (
    Direction,
    Label,
    MutantComparisonError,
    Operator,
    compare_bounds,
    mutants,
    tightening,
)
from gflcheck.core.verdicts import BreakPoint
from gflcheck.surface.cli import main
from gflcheck.surface.sensitivity import (
    Tightening,
    check_sensitivity,
    example_settings,
    kill_rate,
    theorem_kills,
)

SOURCE = Provenance("unit test", "Lemma 1", Tag.OURS)
TRAINING_LOSS = Bound(
    "training loss",
    "4*rho**2/(eta*T)",
    [positive("rho"), positive("eta"), positive_integer("T")],
    SOURCE,
)


def mutant(bound: Bound, change: str):
    return next(m for m in mutants(bound) if m.change == change)


def test_mutants_cover_the_declared_operators_once_each_and_never_the_original():
    bound = Bound("rate", "C*d**2 + log(d)", [hidden_constant("C"), positive("d")], SOURCE)
    found = mutants(bound)
    changes = {m.change for m in found}
    assert {"d**2 → d**(3/2)", "d**2 → d**(5/2)", "term log(d) dropped", "C → C/2"} <= changes
    assert "log(d) → log(log(d))" in changes
    assert {m.operator for m in found} >= {
        Operator.EXPONENT,
        Operator.TERM,
        Operator.FACTOR,
        Operator.LOG,
        Operator.HIDDEN_CONSTANT,
    }
    expressions = [m.bound.expression for m in found]
    assert len(set(expressions)) == len(expressions)
    assert bound.expression not in expressions
    assert all(m.bound.provenance.tag is Tag.OURS for m in found)
    assert all(m.change in m.bound.provenance.location for m in found)


def test_a_halved_constant_is_proved_tighter_and_a_dropped_rate_factor_looser():
    halved = mutant(TRAINING_LOSS, "4 → 2 in 4*rho**2/(T*eta)")
    comparison = compare_bounds(halved.bound, TRAINING_LOSS)
    assert comparison.direction is Direction.SMALLER and comparison.proved
    assert tightening(comparison.direction) is Label.TIGHTER
    assert tightening(comparison.direction, at_least=True) is Label.LOOSER
    no_rate = mutant(TRAINING_LOSS, "factor 1/T dropped")
    assert compare_bounds(no_rate.bound, TRAINING_LOSS).direction is Direction.LARGER


def test_a_mutant_sympy_cannot_order_is_labelled_by_evaluation_on_the_points_given():
    faster = mutant(TRAINING_LOSS, "1/T → T**(-3/2)")
    with pytest.raises(MutantComparisonError, match="points"):
        compare_bounds(faster.bound, TRAINING_LOSS)
    points = [{"rho": 1.0, "eta": 0.1, "T": t} for t in (2, 10, 100)]
    comparison = compare_bounds(faster.bound, TRAINING_LOSS, points)
    assert comparison.direction is Direction.SMALLER and not comparison.proved
    assert "3 point(s)" in comparison.how
    crossing = mutant(TRAINING_LOSS, "factor 1/eta dropped")  # smaller only where η > 1
    points = [{"rho": 1.0, "eta": eta, "T": 5} for eta in (0.5, 2.0)]
    assert compare_bounds(crossing.bound, TRAINING_LOSS, points).direction is Direction.NEITHER


# -- a deterministic ∀-statement with a known tightness --------------------------------------
@dataclass(frozen=True)
class Size:
    n: int
    seed: int = 0


def linear_measure(setting: Size, seeds: tuple[int, ...]) -> Measurement:
    """Exactly ``n`` on every seed: the bound ``2n`` is 2× loose."""
    return Measurement(np.full(len(seeds), float(setting.n)))


EXACT = TheoryCheck(
    name="exact-linear",
    bound=Bound("twice n", "2*n", [positive_integer("n")], SOURCE),
    settings=st.builds(Size, st.integers(2, 50)),
    bound_values=lambda s: {"n": s.n},
    measure=linear_measure,
    kind=StatementKind.FOR_EVERY,
    seed_plan=SeedPlan(minimum=3),
)


def recorded(check: TheoryCheck, setting):
    with recorded_runs() as runs:
        verdict = check.run(setting)
    assert len(runs) == 1 and runs[0].check is check and runs[0].setting == setting
    return verdict, runs[0]


def test_the_break_point_of_an_exact_for_every_bound_is_its_measured_tightness():
    verdict, run = recorded(EXACT, Size(10))
    assert verdict.outcome is Outcome.HOLDS
    point = check_sensitivity(run).break_point
    assert point.kind is Tightening.FACTOR
    # 2n/f < n exactly when f > 2: the statement is false, and refuted, from ÷ 2 on
    for value in (point.false, point.refuted, *point.false_interval):
        assert value == pytest.approx(2.0, rel=0.011)
        assert value > 2.0
    assert point.describe().startswith("bound ÷ measured = 2") and "refuted at ÷ 2" in (
        point.describe()
    )


def floored_measure(floor: float, setting: Size, seeds: tuple[int, ...]) -> Measurement:
    """Exactly ``n`` on every seed, with ``floor`` declared as the least value any predictor
    reaches."""
    return Measurement(np.full(len(seeds), float(setting.n)), floor=floor)


@pytest.mark.parametrize(
    "floor, at_floor", [(10.0, True), (4.0, False)], ids=["floor at n", "floor far below"]
)
def test_a_break_point_reached_only_at_the_floor_is_labelled_so(floor, at_floor):
    """``3n/2`` against a measured ``n = 10``: refuted from ÷ 1.5 on. With the floor at 10
    (nothing does better than the measured value) the bound reaches the floor at ÷ 1.5 too, so
    the refutation is the data's: *at floor*, counted loose. With the floor at 4 it reaches the
    floor only at ÷ 3.75, and ÷ 1.5 is the training's own break point: informative."""
    bound = Bound("three halves n", "3*n/2", [positive_integer("n")], SOURCE)
    check = dataclasses.replace(EXACT, bound=bound, measure=partial(floored_measure, floor))
    _, run = recorded(check, Size(10))
    point = check_sensitivity(run).break_point
    assert point.refuted == pytest.approx(1.5, rel=0.011)
    assert point.floor == pytest.approx(15.0 / floor)
    assert point.at_floor is at_floor and point.loose is at_floor
    assert point.short() == ("÷1.5 at floor" if at_floor else "÷1.5")
    assert f"reaches the floor (no predictor does better) at ÷ {15 / floor:.3g}" in (
        point.describe()
    )


def test_a_measurement_refuses_a_floor_that_is_not_a_number():
    with pytest.raises(ValueError, match=r"floor=nan.*a finite number"):
        Measurement(np.ones(3), floor=float("nan"))


def test_a_killable_mutant_of_an_exact_for_every_bound_is_killed():
    _, run = recorded(EXACT, Size(10))
    outcomes = {m.change: m for m in check_sensitivity(run).mutants}
    quarter = outcomes["2 → 1/2 in 2*n"]  # n/2 < n: false, and exact, so certainly violated
    assert quarter.label is Label.TIGHTER and quarter.false and quarter.killable and quarter.killed
    assert quarter.outcome is Outcome.VIOLATED
    half = outcomes["2 → 1 in 2*n"]  # n ≤ n holds: tighter but true
    assert half.label is Label.TIGHTER and not (half.false or half.killable or half.killed)
    root = outcomes["n → sqrt(n)"]
    assert root.label is Label.TIGHTER and root.killed
    rate = kill_rate(list(outcomes.values()))
    assert rate.false == rate.killable == rate.killed >= 2 and rate.rate == 1.0
    assert 0.0 < rate.lower < 1.0 == rate.upper


def check_of_n(name: str, expression: str, measure, **declared) -> TheoryCheck:
    """A check of "measured ≤ expression(n)" on :class:`Size` settings."""
    bound = Bound(
        "twice n" if expression == "2*n" else expression,
        expression,
        [positive_integer("n")],
        SOURCE,
    )
    return TheoryCheck(
        name=name,
        bound=bound,
        settings=st.nothing(),
        bound_values=lambda s: {"n": s.n},
        measure=measure,
        **grouped(**declared),
    )


def noisy_measure(setting: Size, seeds: tuple[int, ...]) -> Measurement:
    """Values ``n·u`` with u from the seed, known to ±0.3·n: the confidence bounds overlap a
    slightly tightened bound, so 'false by the estimates' comes before 'refuted'."""
    values = np.array([setting.n * (0.5 + 0.4 * ((s % 97) / 97)) for s in seeds])
    return Measurement(values, lower=values - 0.3 * setting.n, upper=values + 0.3 * setting.n)


def test_a_probabilistic_check_is_refuted_only_past_where_the_estimates_are_false():
    check = check_of_n("noisy-linear", "n", noisy_measure, delta=0.1, seeds=40)
    _, run = recorded(check, Size(10))
    point = check_sensitivity(run).break_point
    least, most = point.false_interval
    assert least < point.false < most <= point.refuted
    assert 1.0 < point.false < 2.5  # the largest values are about 0.9·n


def test_a_mutant_false_only_within_the_confidence_intervals_survives_with_the_reason():
    def wide(setting: Size, seeds: tuple[int, ...]) -> Measurement:
        values = np.full(len(seeds), 0.8 * setting.n)  # 2n/f < 0.8n only for f > 2.5
        return Measurement(values, lower=values - 0.5 * setting.n, upper=values + 0.1)

    check = check_of_n(
        "wide", "2*n", wide, kind=StatementKind.FOR_EVERY, min_seeds=2, miscoverage=0.01
    )
    sensitivity = check_sensitivity(recorded(check, Size(10))[1])
    quarter = next(m for m in sensitivity.mutants if m.change == "2 → 1/2 in 2*n")
    assert quarter.label is Label.TIGHTER and quarter.false
    assert not quarter.killable and not quarter.killed
    assert "not by the confidence bounds" in quarter.why
    (table,) = theorem_kills([sensitivity])
    assert [m.change for m in table.survivors] == [
        m.change
        for m in sensitivity.mutants
        if m.label is Label.TIGHTER and m.false and not m.killed
    ]
    point = sensitivity.break_point
    assert point.false == pytest.approx(2.5, rel=0.011)
    assert point.refuted == pytest.approx(2 / 0.3, rel=0.011)  # the lower bound 0.3n


@dataclass(frozen=True)
class Grid:
    seed: int = 0


def test_a_rate_check_is_tightened_by_a_shift_of_its_exponent_and_its_mutants_by_slope():
    def quadratic(setting: Grid, n: float, seeds: tuple[int, ...]) -> np.ndarray:
        return np.full(len(seeds), n**1.5) * (1 + 0.01 * np.arange(len(seeds)))

    bound = Bound("n squared", "C*n**2", [hidden_constant("C"), positive("n")], SOURCE)
    check = rate_check(
        "rate", bound, "n", st.nothing(), grid=lambda s: [4, 8, 16, 32], measure=quadratic
    )
    _, run = recorded(check, Grid())
    sensitivity = check_sensitivity(run)
    point = sensitivity.break_point
    assert point.kind is Tightening.SHIFT
    assert point.false == pytest.approx(0.5, abs=0.02)  # slope 1.5 against 2
    outcomes = {m.change: m for m in sensitivity.mutants}
    assert outcomes["n**2 → n**(3/2)"].label is Label.TIGHTER
    assert outcomes["n**2 → n**(5/2)"].label is Label.LOOSER
    assert outcomes["C → C/2"].label is Label.NEITHER  # a constant changes no slope
    assert outcomes["factor n**2 dropped"].killed


def test_kill_tables_group_by_theorem_and_count_a_mutant_once_over_its_settings():
    sensitivities = [check_sensitivity(recorded(EXACT, Size(n))[1]) for n in (4, 9)]
    (table,) = theorem_kills(sensitivities)
    assert table.statement == "twice n" and table.settings == 2
    changes = [m.change for m in table.mutants]
    assert len(changes) == len(set(changes))
    assert table.rate.killable == table.rate.killed
    assert not table.survivors


def test_example_settings_are_drawn_the_same_on_every_call():
    strategy = st.builds(Size, st.integers(2, 10_000), st.integers(0, 2**32 - 1))
    first = example_settings(strategy, 4)
    assert first == example_settings(strategy, 4)
    assert 1 <= len(first) <= 4 and len(set(first)) == len(first)


def test_mutate_runs_a_users_module_with_no_code_added(tmp_path, capsys):
    out = tmp_path / "mutants.json"
    code = main(
        [
            "mutate",
            "--module",
            "examples/perceptron_mistake_bound.py",
            "--examples",
            "2",
            "--out",
            str(out),
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "break points" in printed and "kill tables" in printed
    written = json.loads(out.read_text())
    assert {c["check"] for c in written["checks"]} == {"perceptron-mistakes"}
    assert (
        written["checks"][0]["where"] == "perceptron_mistake_bound: perceptron-mistakes (example 1)"
    )
    assert written["theorems"][0]["rate"]["tighter"] >= 1


def test_a_selected_mutate_run_keeps_the_full_runs_file(tmp_path, monkeypatch, capsys):
    example = (Path(__file__).parent.parent / "examples" / "perceptron_mistake_bound.py").resolve()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gflcheck-results").mkdir()
    full = tmp_path / "gflcheck-results" / "mutants.json"
    full.write_text("{}")  # a full run's results
    arguments = ["mutate", "--module", str(example), "--examples", "1", "-k", "perceptron"]
    assert main([*arguments, "--cache-dir", str(tmp_path / "cache")]) == 0
    assert "wrote gflcheck-results/mutants-selected.json" in capsys.readouterr().out
    assert full.read_text() == "{}"
    selected = json.loads((tmp_path / "gflcheck-results" / "mutants-selected.json").read_text())
    assert {c["check"] for c in selected["checks"]} == {"perceptron-mistakes"}


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--module", "no/such/file.py"], "no such Python file"),
        (["--examples", "0"], "--examples=0"),
        (["--module", "examples/hoeffding_inequality.py", "-k", "nosuch"], "matches no check"),
    ],
)
def test_mutate_usage_errors_exit_2_before_any_work(arguments, message, capsys):
    assert main(["mutate", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_a_tightened_bound_keeps_its_originals_monotonicity_without_asking_sympy_again():
    bound = Bound(
        "gap",
        "9*rho**2*(G0 + 1/4)**2/n",
        [positive("rho"), positive("G0"), positive_integer("n")],
        SOURCE,
    )
    tightened = bound.variant("gap", bound.expression / sympy.Float(3.7), "÷ 3.7")
    assert tightened.monotonicity("rho") is bound.monotonicity("rho")
    assert tightened.monotonicity("n") is bound.monotonicity("n")


def test_check_details_give_each_verdict_its_break_point(tmp_path, capsys):
    """A bound 3.4× loose where it was measured says so in the verdict details; a
    false variant far from the truth says how far it could be loosened and still be refuted."""
    code = main(
        [
            "check",
            "-k",
            "ttm-kernel/training-loss",
            "--details",
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    notes = [line for line in printed.splitlines() if "note: break point:" in line]
    assert len(notes) == 3
    assert "bound ÷ measured = 3.42" in notes[0] and "refuted at ÷ 3.42" in notes[0]
    assert "refuted at ÷ 0.0602" in notes[1]  # the 1/T² variant: still refuted 16× looser


def test_a_confirmation_is_loose_past_half_its_bound_or_when_never_refuted():
    """÷2 for a factor; for a shift, the same share of the statement's scale (a bound B
    tightened to B/2 is B shifted by B/2)."""
    factor = partial(BreakPoint, Tightening.FACTOR, false=1.0, false_interval=(1.0, 1.0))
    assert not factor(refuted=1.9).loose and factor(refuted=2.1).loose
    assert factor(refuted=None).loose and factor(refuted=None).short() == "never (loose)"
    assert factor(refuted=3.47).short() == "÷3.47 loose" and factor(refuted=1.5).short() == "÷1.5"
    shift = partial(BreakPoint, Tightening.SHIFT, false=0.3, false_interval=(0.2, 0.4))
    assert not shift(refuted=0.39, scale=1.0).loose and shift(refuted=0.61, scale=1.0).loose
    assert not shift(refuted=0.6, scale=1.25).loose  # half of 1.25 is 0.625
    assert shift(refuted=0.394, scale=1.25).short() == "−0.394"


def test_each_holds_of_the_main_job_carries_its_break_point_in_the_table(tmp_path, capsys):
    """The training-loss bound, 3.42× loose where it was measured, is labelled loose in the
    verdict table and counted apart from the informative confirmations; its false variant (a
    VIOLATED) gets no break point."""
    code = main(["check", "-k", "ttm-kernel/training-loss", "--cache-dir", str(tmp_path / "c")])
    printed = capsys.readouterr().out
    assert code == 0
    header, _, *rows = printed.splitlines()
    column = header.index("break point")
    cells = {row.split()[0]: row[column:].split("  ")[0] for row in rows[:3]}
    assert cells["ttm-kernel/training-loss"] == "÷3.42 loose"
    assert all(cell == "-" for name, cell in cells.items() if name != "ttm-kernel/training-loss")
    assert "1 non-vacuous HOLDS: 0 informative, 1 loose" in printed
