"""The simplicity-bias check: exact correlations, crossing steps, the decision and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from gflcheck.claims import simplicity_bias
from gflcheck.claims.simplicity_bias import (
    CorrelationPaths,
    SimplicityConfig,
    SimplicitySetting,
    correlation_paths,
    simplicity_bias_check,
)
from gflcheck.core.verdicts import Outcome
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.theorems.simplicity import linear_part_first, xor_part_first

SETTING = SimplicitySetting(6, 32, 1.0, 1.0, 0.2, 5)


def test_crossing_steps_read_the_first_step_at_the_level_or_t_plus_one():
    paths = CorrelationPaths(
        linear=np.array([[0.0, 0.6, 0.9], [0.0, 0.1, 0.2]]),
        xor=np.array([[0.0, 0.0, 0.5], [0.0, 0.4, 0.7]]),
        loss=np.zeros((2, 3)),
        seeds=(1, 2),
        horizon=5,
    )
    crossing = paths.crossing_steps(0.5)
    assert crossing["linear"].tolist() == [1, 6] and crossing["xor"].tolist() == [2, 2]


def test_training_is_deterministic_and_seeds_differ():
    config = SimplicityConfig(steps=30)
    first = correlation_paths(SETTING, config, (1, 2))
    again = correlation_paths(SETTING, config, (1, 2))
    assert np.array_equal(first.linear, again.linear) and np.array_equal(first.xor, again.xor)
    assert not np.array_equal(first.linear[0], first.linear[1])
    assert np.all(np.diff(first.loss, axis=1) <= 1e-12)  # small steps: the loss only falls


@pytest.mark.parametrize(
    ("config", "cut_between_reads"),
    [
        (SimplicityConfig(steps=400), True),  # all cross between two reads: cut there
        (SimplicityConfig(steps=40, learning_rate=0.001), False),  # too slow to cross
    ],
)
def test_reading_back_every_32_steps_gives_the_paths_of_a_read_every_step(
    monkeypatch, config, cut_between_reads
):
    """The flow reads the device back every ``CROSSING_CHECK_STEPS`` steps and cuts the paths at
    the first step by which every seed had crossed: the paths of a flow that checked every step
    and stopped there, bit for bit."""
    seeds, reads = (1, 2, 3), simplicity_bias.CROSSING_CHECK_STEPS
    every_32 = correlation_paths.__wrapped__(SETTING, config, seeds)
    monkeypatch.setattr(simplicity_bias, "CROSSING_CHECK_STEPS", 1)
    every_step = correlation_paths.__wrapped__(SETTING, config, seeds)
    for part in ("linear", "xor", "loss"):
        assert np.array_equal(getattr(every_32, part), getattr(every_step, part))
    last = every_32.linear.shape[1] - 1
    if cut_between_reads:
        assert last < config.steps and (last + 1) % reads != 0
    else:
        assert last == config.steps


def test_linear_first_holds_and_its_reversal_is_refuted():
    verdict, paths = simplicity_bias_check().run_with_evidence(SETTING)
    assert verdict.outcome is Outcome.HOLDS and verdict.min_slack >= 0
    crossing = paths.crossing_steps(0.5)
    assert np.all(crossing["linear"] < crossing["xor"])
    reversed_verdict, _ = simplicity_bias_check(xor_part_first()).run_with_evidence(SETTING)
    assert reversed_verdict.outcome is Outcome.VIOLATED and reversed_verdict.as_expected
    assert "the xor part's crossing step" in reversed_verdict.counterexample


def test_a_part_never_learned_within_t_counts_and_neither_is_undetermined():
    verdict, _ = simplicity_bias_check(config=SimplicityConfig(steps=1)).run_with_evidence(SETTING)
    assert verdict.decision.undetermined == verdict.decision.seeds  # nothing crosses in one step
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert linear_part_first().bound.evaluate({"t_later": 7.0}) == 6.0


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ((2, 32, 1.0, 1.0, 0.2, 0), "dimension"),
        ((15, 32, 1.0, 1.0, 0.2, 0), "dimension"),
        ((6, 0, 1.0, 1.0, 0.2, 0), "width"),
        ((6, 32, -1.0, 1.0, 0.2, 0), "linear_coefficient"),
        ((6, 32, 1.0, 1.0, 1.2, 0), "delta"),
    ],
)
def test_bad_settings_are_named(arguments, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        SimplicitySetting(*arguments)
