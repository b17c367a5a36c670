"""The public extension API (gflcheck.core.declare) and the worked example in examples/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from check_fields import grouped
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Measurement,
    Outcome,
    ParameterRangeError,
    Precondition,
    PreconditionError,
    Provenance,
    StatementKind,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.core.verdict_text import VERDICT_COLUMNS, verdict_row
from gflcheck.runtime.profiles import budget
from gflcheck.surface.power import measure_power

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "perceptron_mistake_bound.py"


@dataclass(frozen=True)
class Noise:
    level: float
    seed: int = 0


def bound(expression: str = "c") -> Bound:
    return Bound("level", expression, [positive("c")], Provenance("unit test", "-", Tag.OURS))


def uniform_noise(setting: Noise, seeds: tuple[int, ...]) -> Measurement:
    """Per seed a value in [0, level], with confidence bounds half of it below and 0.05 above."""
    values = setting.level * (np.array(seeds) % 1000) / 1000
    return Measurement(values, lower=values / 2, upper=values + 0.05, miscoverage=0.01)


def make_check(**changes) -> TheoryCheck:
    arguments = dict(
        name="noise",
        bound=bound(),
        settings=st.builds(Noise, st.floats(0.1, 1.0)),
        bound_values=lambda s: {"c": 1.0},
        measure=uniform_noise,
        miscoverage=0.01,
        quantifiers={"∀ noise level": "Hypothesis"},
        preconditions=[Precondition("level ≤ 1", lambda s: s.level <= 1)],
        power=None,  # these tests are about judging; the power target is tested in
        # test_family_wise.py (at δ = 0.05 and β = 0.01 it would plan 650 seeds)
    )
    return TheoryCheck(**grouped(**{**arguments, **changes}))


def test_a_true_statement_holds_with_its_quantifiers_and_provenance():
    verdict = make_check().run(Noise(0.9))
    # δ = α = 0.05 and β = 0.01: 1 − 0.05^{1/k} + 0.01 ≤ 0.05 needs k = 74 seeds
    assert verdict.outcome is Outcome.HOLDS and verdict.decision.seeds == 74
    assert verdict.decision.satisfied == 74
    assert verdict.bound.provenance.tag is Tag.OURS
    assert verdict.parameters == {"level": 0.9, "seed": 0, "k": 74}
    table = {q.quantifier: q for q in verdict.quantifiers}
    assert table["∀ noise level"].instantiated_as == "Hypothesis"
    assert table["hypothesis: level ≤ 1"].value == "holds" and table["c"].value == "1"
    # 74 seeds at δ = 0.05: the chance of refuting a statement violated at rate 0.1
    assert table["power at 2δ"].value.startswith("0.") and "seeds reach 0.8" in (
        table["power at 2δ"].value
    )
    assert np.all(verdict.slack >= 0.1) and verdict.counterexample is None


def test_an_observation_is_reported_and_not_judged():
    """An observation expects no outcome: its verdict is neither as expected nor not, the table
    says ``observe`` and ``-``, and it has no property (a property asserts an outcome)."""
    observed = make_check(observation="the paper does not claim it").run(Noise(0.9))
    assert observed.outcome is Outcome.HOLDS and not observed.judged
    assert observed.expectation == "observe" and not observed.as_expected
    row = dict(zip(VERDICT_COLUMNS, verdict_row(observed), strict=True))
    assert row["expect"] == "observe" and row["ok"] == "-"
    assert any("observation, reported and not judged" in note for note in observed.notes)
    with pytest.raises(ParameterRangeError, match="observation"):
        make_check(observation="x").property()
    with pytest.raises(ParameterRangeError, match="observation"):
        make_check(observation="x", why_false="y")


def test_violation_counts_the_lower_bound_not_the_estimate():
    # about half the estimates (uniform on [0, 0.9]) exceed 0.44; only lower bounds count
    verdict = make_check(bound_values=lambda s: {"c": 0.44}).run(Noise(0.9))
    assert (verdict.slack < 0).sum() > 20 and verdict.decision.violations <= 3
    assert verdict.outcome is not Outcome.VIOLATED
    refuted = make_check(bound_values=lambda s: {"c": 0.01}).run(Noise(0.9))
    assert refuted.outcome is Outcome.VIOLATED and "> bound 0.01" in refuted.counterexample


def test_a_false_variant_expects_refutation():
    variant = make_check().false_variant(bound("c/100"), why_false="too small")
    verdict = variant.run(Noise(0.9))
    assert verdict.false_variant and verdict.outcome is Outcome.VIOLATED and verdict.as_expected
    assert verdict.statement == "level (false)" and "too small" in verdict.notes[0]


def test_diverged_seeds_are_recorded_not_passed():
    def diverging(setting, seeds):
        values = np.zeros(len(seeds))
        values[0] = np.nan
        return Measurement(values, diverged=np.arange(len(seeds)) == 1)

    with pytest.raises(ParameterRangeError, match="seed index 0"):
        make_check(measure=diverging).run(Noise(0.5))

    def marked(setting, seeds):
        values = np.zeros(len(seeds))
        values[0] = np.nan
        return Measurement(values, diverged=np.arange(len(seeds)) < 2)

    verdict = make_check(measure=marked).run(Noise(0.5))
    assert verdict.decision.undetermined == 2 and verdict.decision.diverged == 2
    assert np.isnan(verdict.slack[:2]).all() and verdict.outcome is Outcome.INCONCLUSIVE


def test_nan_values_never_hold():
    nan = np.full(74, np.nan)
    with pytest.raises(ParameterRangeError, match="values"):
        Measurement(nan)
    with pytest.raises(ParameterRangeError, match="lower"):
        Measurement(np.full(74, 5.0), lower=nan)
    everywhere = make_check(measure=lambda s, seeds: Measurement(nan, diverged=np.isnan(nan)))
    assert everywhere.run(Noise(0.5)).outcome is Outcome.INCONCLUSIVE


def test_a_lower_bound_of_minus_infinity_with_estimates_above_the_bound_does_not_hold():
    def above(setting, seeds):
        return Measurement(np.full(len(seeds), 10.0), lower=np.full(len(seeds), -np.inf))

    verdict = make_check(measure=above).run(Noise(0.5))
    assert verdict.outcome is Outcome.INCONCLUSIVE and verdict.decision.satisfied == 0
    # a point estimate alone (lower bound only) never confirms a bound either
    below = make_check(
        measure=lambda s, seeds: Measurement(np.zeros(len(seeds)), lower=np.zeros(len(seeds)))
    )
    assert below.run(Noise(0.5)).outcome is Outcome.INCONCLUSIVE


def test_bounds_on_the_wrong_side_of_the_value_are_refused():
    with pytest.raises(ParameterRangeError, match="lower ≤ value ≤ upper"):
        Measurement([1.0, 2.0], lower=[0.0, 2.5])
    assert Measurement([1.0, 2.0]).values.dtype == float  # a list is taken as an array


def exact(values):
    return lambda setting, seeds: Measurement(np.resize(np.asarray(values, float), len(seeds)))


def test_one_certain_violation_refutes_a_for_every_statement():
    values = [0.5] * 9 + [1.2]
    every = make_check(kind=StatementKind.FOR_EVERY, seeds=10, measure=exact(values))
    verdict = every.run(Noise(0.5))
    assert verdict.outcome is Outcome.VIOLATED and verdict.false_alarm_rate == 0.0
    assert "1/10 seeds violate" in verdict.counterexample
    # the same measurements as a probabilistic statement: one seed in ten is no refutation
    assert make_check(seeds=10, measure=exact(values)).run(Noise(0.5)).outcome is not (
        Outcome.VIOLATED
    )


def test_a_for_every_statement_holds_within_its_declared_tolerance():
    rounding = exact([0.5] * 9 + [1.0 + 1e-9])
    strict = make_check(kind=StatementKind.FOR_EVERY, seeds=10, measure=rounding)
    assert strict.run(Noise(0.5)).outcome is Outcome.VIOLATED
    tolerant = make_check(kind=StatementKind.FOR_EVERY, seeds=10, measure=rounding, tolerance=1e-8)
    assert tolerant.run(Noise(0.5)).outcome is Outcome.HOLDS


def test_a_bound_above_the_trivial_value_is_vacuous():
    trivial = make_check(trivial_value=0.95).run(Noise(0.9))
    assert trivial.outcome is Outcome.VACUOUS and trivial.non_vacuous is False
    assert not trivial.as_expected
    informative = make_check(trivial_value=lambda s: 2.0).run(Noise(0.9))
    assert informative.outcome is Outcome.HOLDS and informative.non_vacuous is True


def test_a_variant_may_drop_symbols_the_bound_values_still_supply():
    def values(setting):
        return {"c": 1.0, "unused": 3.0}

    assert make_check(bound_values=values).run(Noise(0.9)).outcome is Outcome.HOLDS


def test_a_lower_share_of_holding_examples_needs_a_reason():
    with pytest.raises(ParameterRangeError, match="reason"):
        make_check(holds_share=0.2)
    assert (
        make_check(holds_share=0.2, holds_share_reason="vacuous on half").property_rule.holds_share
        == 0.2
    )


ALL_INCONCLUSIVE = """
import numpy as np
from hypothesis import strategies as st
from gflcheck import Bound, Measurement, Provenance, Tag, TheoryCheck, positive

def estimate_only(setting, seeds):
    return Measurement(np.zeros(len(seeds)), lower=np.zeros(len(seeds)))

check = TheoryCheck(
    name="weak",
    bound=Bound("one", "c", [positive("c")], Provenance("t", "-", Tag.OURS)),
    settings=st.integers(0, 10),
    bound_values=lambda s: {"c": 1.0},
    measure=estimate_only,
)
test_weak = check.property()
"""


def test_a_property_whose_examples_are_all_inconclusive_fails(pytester):
    pytester.makepyfile(test_weak=ALL_INCONCLUSIVE)
    result = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-no-cache")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "its examples do not earn a pass" in output and "does not confirm" in output
    assert "inconclusive" in output


def test_bad_declarations_and_measurements_name_the_problem():
    with pytest.raises(PreconditionError, match="level ≤ 1"):
        make_check().run(Noise(2.0))
    with pytest.raises(ParameterRangeError, match="delta"):
        make_check(delta=1.5)
    with pytest.raises(ParameterRangeError, match="unconfirmed"):
        make_check(unconfirmed=-1)
    with pytest.raises(ParameterRangeError, match="miscoverage"):
        make_check(miscoverage=(0.01, 1.5))
    with pytest.raises(
        ParameterRangeError, match=r"one value \(or one row of instances\) per seed"
    ):
        make_check(measure=lambda s, seeds: Measurement(np.zeros(3))).run(Noise(0.5))
    with pytest.raises(ParameterRangeError, match="returning a Measurement"):
        make_check(measure=lambda s, seeds: [0.0] * len(seeds)).run(Noise(0.5))
    with pytest.raises(ParameterRangeError, match="lower"):
        Measurement(np.zeros(3), lower=np.zeros(2))


def test_the_worked_example_runs_and_refutes_its_false_variant(pytester):
    pytester.makepyfile(test_example=EXAMPLE.read_text())
    baseline = pytester.path / "baseline.json"
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--gflcheck-no-cache",
        f"--gflcheck-baseline={baseline}",
        "--gflcheck-update-baseline",
    )
    result.assert_outcomes(passed=2)
    output = result.stdout.str()
    assert "Novikoff (R/γ)²" in output and "R/γ (false)" in output
    assert "VIOLATED" in output and "refuted" in output
    # the declaration's verdicts reach the baseline and the session artefact (the report's input)
    (section,) = json.loads(baseline.read_text())["environments"].values()
    assert any("::perceptron-mistakes::R/γ (false)::" in key for key in section["entries"])
    artefact = json.loads((pytester.path / "gflcheck-results" / "session.json").read_text())
    assert {r["statement"] for r in artefact["verdicts"]} == {"Novikoff (R/γ)²", "R/γ (false)"}


def test_a_declared_check_has_measurable_power():
    variant = make_check().false_variant(bound("c/100"), why_false="too small")
    (detection,) = measure_power([variant.catalogue_entry(Noise(0.9))], 3, budget("default"))
    assert detection.false_variant and detection.violated == 3 and detection.rate == 1.0


HELPER_CHECK = """
import numpy as np
from hypothesis import strategies as st
from gflcheck import Bound, Measurement, Provenance, Tag, TheoryCheck, positive
from helper import measured_value

def measure(setting, seeds):
    return Measurement(np.full(len(seeds), measured_value()))

check = TheoryCheck(
    name="helper",
    bound=Bound("one", "c", [positive("c")], Provenance("t", "-", Tag.OURS)),
    settings=st.just(0),
    bound_values=lambda s: {"c": 1.0},
    measure=measure,
)
test_helper = check.property()
"""


def test_editing_a_helper_of_the_measurement_misses_the_cache(pytester):
    """The run cache keys a user's measurement by every project module it reaches, so an edited
    helper is measured afresh instead of replaying the old verdict."""
    pytester.makepyfile(helper="SCALE = 0.5\ndef measured_value():\n    return SCALE\n")
    pytester.makepyfile(test_helper_check=HELPER_CHECK)
    arguments = ("-p", "no:cacheprovider", f"--gflcheck-cache-dir={pytester.path / 'cache'}")
    pytester.runpytest_subprocess(*arguments).assert_outcomes(passed=1)
    replay = pytester.runpytest_subprocess(*arguments)
    replay.assert_outcomes(passed=1)
    assert "1 hits, 0 runs computed" in replay.stdout.str()
    assert "family-wise: 1 decision(s) on true statements" in replay.stdout.str()
    pytester.makepyfile(helper="SCALE = 20.0\ndef measured_value():\n    return SCALE\n")
    edited = pytester.runpytest_subprocess(*arguments)
    edited.assert_outcomes(failed=1)  # measured afresh: 20 > 1, where the replay said 0.5
    assert "helper: one → violated" in edited.stdout.str()
    assert "1 runs computed" in edited.stdout.str()


FAILING_PROPERTY = """
from dataclasses import dataclass
import numpy as np
from hypothesis import strategies as st
from gflcheck import Bound, Measurement, Provenance, Tag, TheoryCheck, positive

@dataclass(frozen=True)
class Level:
    level: float
    seed: int

check = TheoryCheck(
    name="too-small",
    bound=Bound("one", "c", [positive("c")], Provenance("t", "-", Tag.OURS)),
    settings=st.builds(Level, st.floats(0.5, 5.0), st.integers(0, 100)),
    bound_values=lambda s: {"c": 1.0},
    measure=lambda s, seeds: Measurement(np.full(len(seeds), s.level)),
)
test_too_small = check.property()
"""


def test_a_failing_property_prints_a_short_report_of_its_minimal_example(pytester):
    """The setting, the quantifier table and the counterexample, in a few dozen lines; shrinking
    leaves one row (the minimal example) in the table and the artefact."""
    pytester.makepyfile(test_failing=FAILING_PROPERTY)
    # Third-party deprecation warnings (libcst, where installed) are not the report's lines.
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:warnings", "--gflcheck-no-cache"
    )
    result.assert_outcomes(failed=1)
    lines = result.stdout.lines
    assert len(lines) <= 80
    output = result.stdout.str()
    assert "Falsifying example" in output and "counterexample: seed" in output
    assert "quantifiers:" in output and "<gflcheck session:" in output
    assert sum(line.startswith("too-small ") for line in lines) == 1
    artefact = json.loads((pytester.path / "gflcheck-results" / "session.json").read_text())
    (record,) = artefact["verdicts"]
    assert record["outcome"] == "violated" and record["parameters"]["level"] > 1.0


def test_a_seed_with_instances_violates_if_any_instance_does():
    """``[k, n]`` measurements: n instances of a ∀-statement per seed (every step, say)."""

    def steps(setting, seeds):
        values = np.full((len(seeds), 3), 0.5)
        values[1, 2] = 2 * setting.level
        return Measurement(values)

    every = make_check(kind=StatementKind.FOR_EVERY, seeds=4, measure=steps, miscoverage=0.0)
    refuted = every.run(Noise(0.75))
    assert refuted.outcome is Outcome.VIOLATED and "instance 2" in refuted.counterexample
    assert refuted.decision.violations == 1 and refuted.slack[1] == pytest.approx(-0.5)
    confirmed = every.run(Noise(0.45))
    assert confirmed.outcome is Outcome.HOLDS and confirmed.decision.satisfied == 4
    assert confirmed.slack.tolist() == pytest.approx([0.5, 0.1, 0.5, 0.5])  # least per seed


def test_a_bound_symbol_measured_with_uncertainty_needs_both_ends():
    """``L_sub ≤ L_full + τ`` with ``L_full`` measured per seed within ``[0.4, 0.6]``: the seed
    violates only above 0.6 + τ and satisfies only below 0.4 + τ."""
    tau, full = positive("tau"), positive("L_full")
    bound = Bound("ticket", "L_full + tau", [full, tau], Provenance("t", "-", Tag.OURS))

    def measure(setting, seeds):
        k = len(seeds)
        full_interval = (np.full(k, 0.4), np.full(k, 0.5), np.full(k, 0.6))
        return Measurement(np.full(k, setting.level), bound_values={"L_full": full_interval})

    check = make_check(
        bound=bound, bound_values=lambda s: {"tau": 0.1}, measure=measure, miscoverage=0.0
    )
    assert check.run(Noise(0.45)).outcome is Outcome.HOLDS  # ≤ 0.4 + 0.1
    assert check.run(Noise(0.6)).outcome is Outcome.INCONCLUSIVE  # between 0.5 and 0.7
    assert check.run(Noise(0.8)).outcome is Outcome.VIOLATED  # > 0.6 + 0.1


def _instances_at(beta: float):
    """8 seeds × 200 instances, each 0.5 with bounds ±0.1 at miscoverage ``beta``."""

    def measure(setting: Noise, seeds: tuple[int, ...]) -> Measurement:
        values = np.full((len(seeds), 200), 0.5)
        return Measurement(values, lower=values - 0.1, upper=values + 0.1, miscoverage=beta)

    return measure


def test_a_for_every_statement_whose_union_of_misses_exceeds_its_share_is_refused():
    """8 seeds × 200 instances at β = 0.01 would declare a false-alarm rate of 16: refused,
    naming the per-instance miscoverage that fits the share; at β = α_v/1600 it is judged."""
    wide = make_check(
        kind=StatementKind.FOR_EVERY, seeds=8, measure=_instances_at(0.01), miscoverage=0.01
    )
    with pytest.raises(ParameterRangeError, match="false-alarm rate of 16"):
        wide.run(Noise(0.9))
    share = wide.confidence.violation_alpha / 1600
    fitting = make_check(
        kind=StatementKind.FOR_EVERY, seeds=8, measure=_instances_at(share), miscoverage=share
    )
    verdict = fitting.run(Noise(0.9))
    assert verdict.outcome is Outcome.HOLDS
    assert verdict.false_alarm_rate <= wide.confidence.violation_alpha * (1 + 1e-9)


@pytest.mark.parametrize(
    "changes, parameter",
    [
        (dict(settings=[Noise(0.5)]), "settings"),
        (dict(bound="c"), "bound"),
        (dict(trivial_value=float("nan")), "trivial_value"),
        (dict(trivial_value=True), "trivial_value"),
        (dict(measure=0.5), "measure"),
    ],
)
def test_a_check_of_the_wrong_shape_is_refused_when_declared(changes, parameter):
    """Before any training, naming the parameter and what it should be."""
    with pytest.raises(ParameterRangeError, match=parameter):
        make_check(**changes)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_bound_value_that_is_not_finite_is_refused_before_training(value):
    def never(setting, seeds):
        raise AssertionError("trained before the bound's values were checked")

    check = make_check(bound_values=lambda s: {"c": value}, measure=never)
    with pytest.raises(ParameterRangeError, match=r"bound_values\['c'\].*a finite number"):
        check.run(Noise(0.5))
