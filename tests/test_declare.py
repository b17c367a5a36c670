"""The public extension API (gflcheck.declare) and the worked example in examples/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

from gflcheck import (
    Bound,
    Measurement,
    Outcome,
    ParameterRangeError,
    Precondition,
    PreconditionError,
    Provenance,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.power import measure_power
from gflcheck.profiles import budget

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "perceptron_mistake_bound.py"


@dataclass(frozen=True)
class Noise:
    level: float
    seed: int = 0


def bound(expression: str = "c") -> Bound:
    return Bound("level", expression, [positive("c")], Provenance("unit test", "-", Tag.OURS))


def uniform_noise(setting: Noise, seeds: tuple[int, ...]) -> Measurement:
    """Per seed a value in [0, level], with an exact lower bound of half of it."""
    values = setting.level * (np.array(seeds) % 1000) / 1000
    return Measurement(values, lower=values / 2, miscoverage=0.01)


def make_check(**changes) -> TheoryCheck:
    arguments = dict(
        name="noise",
        bound=bound(),
        settings=st.builds(Noise, st.floats(0.1, 1.0)),
        bound_values=lambda s: {"c": 1.0},
        measure=uniform_noise,
        quantifiers={"∀ noise level": "Hypothesis"},
        preconditions=[Precondition("level ≤ 1", lambda s: s.level <= 1)],
    )
    return TheoryCheck(**{**arguments, **changes})


def test_a_true_statement_holds_with_its_quantifiers_and_provenance():
    verdict = make_check().run(Noise(0.9))
    assert verdict.outcome is Outcome.HOLDS and verdict.decision.seeds == 59  # δ = α = 0.05
    assert verdict.bound.provenance.tag is Tag.OURS
    assert verdict.parameters == {"level": 0.9, "seed": 0}
    table = {q.quantifier: q for q in verdict.quantifiers}
    assert table["∀ noise level"].instantiated_as == "Hypothesis"
    assert table["hypothesis: level ≤ 1"].value == "holds" and table["c"].value == "1"
    assert np.all(verdict.slack >= 0.1) and verdict.counterexample is None


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

    verdict = make_check(measure=diverging).run(Noise(0.5))
    assert verdict.decision.undetermined == 2 and np.isnan(verdict.slack[:2]).all()


def test_bad_declarations_and_measurements_name_the_problem():
    with pytest.raises(PreconditionError, match="level ≤ 1"):
        make_check().run(Noise(2.0))
    with pytest.raises(ParameterRangeError, match="delta"):
        make_check(delta=1.5)
    with pytest.raises(ParameterRangeError, match="one value per seed"):
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
    assert any(key.startswith("perceptron-mistakes::R/γ (false)::") for key in section["entries"])
    artefact = json.loads((pytester.path / "gflcheck-results" / "session.json").read_text())
    assert {r["statement"] for r in artefact["verdicts"]} == {"Novikoff (R/γ)²", "R/γ (false)"}


def test_a_declared_check_has_measurable_power():
    variant = make_check().false_variant(bound("c/100"), why_false="too small")
    (detection,) = measure_power([variant.catalogue_entry(Noise(0.9))], 3, budget("default"))
    assert detection.false_variant and detection.violated == 3 and detection.meets_target


def test_the_worked_example_is_short():
    lines = [line for line in EXAMPLE.read_text().splitlines() if line.strip()]
    assert len(lines) <= 70  # the module docstring and imports included
