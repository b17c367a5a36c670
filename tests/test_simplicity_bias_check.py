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


def test_the_majority_label_has_coefficient_one_half_on_each_part():
    """y = sign(x₁ + x₂x₃ + x₄x₅) = ½x₁ + ½x₂x₃ + ½x₄x₅ − ½x₁x₂x₃x₄x₅, exactly."""
    import torch

    from gflcheck.models.distributions.majority_of_parts import (
        MajorityOfParts,
        linear_part,
        xor_parts,
    )

    cube = MajorityOfParts(7)
    x = cube.points(torch.float64)
    y = cube.label(x)
    assert set(y.tolist()) == {-1.0, 1.0}
    expansion = 0.5 * (linear_part(x) + xor_parts(x).sum(-1) - x[:, :5].prod(-1))
    assert torch.equal(y, expansion)
    drawn, labels = cube.sample(64, torch.Generator().manual_seed(3))
    assert torch.equal(labels, cube.label(drawn))
    with pytest.raises(ParameterRangeError, match="dimension"):
        MajorityOfParts(4)


def test_algorithm_1_paths_are_the_exact_correlations_of_its_checkpoints():
    """The paths are E[f_t x₁]/½ and the larger of E[f_t x₂x₃]/½, E[f_t x₄x₅]/½ over the cube,
    of the very networks Algorithm 1 trained (recomputed here from a run with checkpoints)."""
    import torch

    from gflcheck.claims.simplicity_bias import (
        Algorithm1SimplicityConfig,
        MajoritySetting,
        algorithm_1_correlation_paths,
        algorithm_1_recipe,
    )
    from gflcheck.models.distributions.majority_of_parts import MajorityOfParts
    from gflcheck.models.training import train_algorithm_1

    setting, config, seeds = (
        MajoritySetting(6, 16, 0.2, 0),
        Algorithm1SimplicityConfig(steps=12),
        (4, 5),
    )
    paths = algorithm_1_correlation_paths(setting, config, seeds)
    assert paths.linear.shape == paths.xor.shape == (2, 13)
    assert np.all(paths.linear[:, 0] == 0) and np.all(paths.xor[:, 0] == 0)  # f₀ ≡ 0
    run = train_algorithm_1(
        MajorityOfParts(6), algorithm_1_recipe(setting), 16, 12, 256, seeds, checkpoint_steps=[7]
    )
    x = MajorityOfParts(6).points(torch.float64)
    f = run.checkpoints[7](x.float()).double()
    linear = 2 * (f * x[:, 0]).mean(1)
    xor = 2 * torch.stack([(f * x[:, 1] * x[:, 2]).mean(1), (f * x[:, 3] * x[:, 4]).mean(1)]).amax(
        0
    )
    assert np.allclose(paths.linear[:, 7], linear.numpy(), rtol=1e-5, atol=1e-7)
    assert np.allclose(paths.xor[:, 7], xor.numpy(), rtol=1e-5, atol=1e-7)
    assert np.array_equal(paths.loss, run.online_loss_mean.numpy())


def test_under_algorithm_1_the_linear_part_comes_first_and_the_reversal_is_refuted():
    from gflcheck.claims.simplicity_bias import MajoritySetting, algorithm_1_simplicity_check

    setting = MajoritySetting(6, 32, 0.2, 2)
    verdict, paths = algorithm_1_simplicity_check().run_with_evidence(setting)
    assert verdict.outcome is Outcome.HOLDS and verdict.as_expected
    crossing = paths.crossing_steps(0.5)
    assert np.all(crossing["linear"] < crossing["xor"])
    reversed_verdict = algorithm_1_simplicity_check(xor_part_first()).run(setting)
    assert reversed_verdict.outcome is Outcome.VIOLATED and reversed_verdict.as_expected


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [((4, 32, 0.2, 0), "dimension"), ((15, 32, 0.2, 0), "dimension"), ((6, 0, 0.2, 0), "width")],
)
def test_bad_majority_settings_are_named(arguments, parameter):
    from gflcheck.claims.simplicity_bias import MajoritySetting

    with pytest.raises(ParameterRangeError, match=parameter):
        MajoritySetting(*arguments)
