"""XOR distribution, quadratic network and its SGD: exact vs sampled error, gradients, determinism,
rescaling, bad inputs."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
import torch
from torch.func import grad

from gflcheck.claims.xor_feature_learning import XorConfig, XorSetting, check_xor_feature_learning
from gflcheck.claims.xor_figure_1 import (
    Figure1Config,
    Figure1Reading,
    figure_1_check,
    figure_1_error_curve,
)
from gflcheck.core.confidence import SeedPlan
from gflcheck.core.provenance import Tag
from gflcheck.models.distributions import XorCube
from gflcheck.models.quadratic import (
    LinearizedQuadraticNetwork,
    QuadraticNetwork,
    _times_correlation,
    second_layer,
    train_xor_sgd,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.theorems.ttm import (
    feature_learning_claim,
    kernel_regime_row,
    xor_iterations,
    xor_total_samples,
    xor_width,
)


def test_cube_enumeration_and_labels():
    cube = XorCube(4)
    points = cube.points()
    assert points.shape == (16, 4) and len({tuple(p.tolist()) for p in points}) == 16
    x, y = cube.sample(1000, torch_generator(0, "s"))
    assert set(x.unique().tolist()) == {-1.0, 1.0}
    assert torch.equal(y, x[:, 0] * x[:, 1])


def test_exact_and_sampled_test_errors_agree():
    """A fixed random network on d = 12: enumeration vs a large sample's Clopper–Pearson interval."""
    cube = XorCube(12)
    network = QuadraticNetwork(
        torch.randn(3, 20, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64),
        second_layer(20).double(),
    )
    exact = cube.test_error(network, 0.001, torch_generator(0, "t"))
    assert exact.sample_size == 4096 and (exact.lower == exact.upper).all()
    x, y = cube.sample(200_000, torch_generator(1, "t"))
    sampled = ((network(x) * y) <= 0).double().mean(-1).numpy()
    from gflcheck.core.estimators import clopper_pearson

    interval = clopper_pearson((sampled * 200_000).round(), 200_000, 0.0005)
    assert ((interval.lower <= exact.estimate) & (exact.estimate <= interval.upper)).all()


def test_zero_error_sample_size_certifies_one_over_d_squared():
    cube = XorCube(64)
    size = cube.sample_size_for_zero_error(0.01)
    from gflcheck.core.estimators import clopper_pearson

    assert (
        clopper_pearson(0, size, 0.01).upper < 1 / 64**2 <= clopper_pearson(0, size - 1, 0.01).upper
    )
    assert cube.zero_error_threshold() == 1 / 64**2
    assert XorCube(10).zero_error_threshold() == 2.0**-10  # enumeration: only exactly zero passes


def _linear_loss(W, a, x, y):
    return -(y * ((x @ W.T).square() @ a)).mean()


def test_hand_written_sgd_gradient_matches_autograd():
    g = torch.Generator().manual_seed(3)
    W = torch.randn(6, 9, generator=g, dtype=torch.float64)
    a = second_layer(6).double()
    x, y = XorCube(9).sample(50, g, torch.float64)
    autograd = grad(_linear_loss)(W, a, x, y)
    torch.testing.assert_close(-2 * a[:, None] * _times_correlation(W, x, y), autograd)


def test_joint_rescaling_keeps_the_classifier():
    g = torch.Generator().manual_seed(4)
    W = torch.randn(2, 8, 10, generator=g, dtype=torch.float64)
    x, _ = XorCube(10).sample(500, g, torch.float64)
    a = second_layer(8).double()
    assert torch.equal(
        torch.sign(QuadraticNetwork(W, a)(x)), torch.sign(QuadraticNetwork(1e-30 * W, a)(x))
    )


def test_training_is_deterministic_and_stays_finite_with_eta_equal_m():
    cube = XorCube(16)
    first = train_xor_sgd(cube, 20, 30, 64, seeds=[1, 2])  # 30 steps of ×3 growth: ~3^30
    again = train_xor_sgd(cube, 20, 30, 64, seeds=[1, 2])
    alone = train_xor_sgd(cube, 20, 30, 64, seeds=[2])
    assert torch.equal(first.networks[-1].W, again.networks[-1].W)
    torch.testing.assert_close(first.networks[-1].W[1], alone.networks[-1].W[0])
    assert (first.diverged_at == -1).all() and torch.isfinite(first.networks[-1].W).all()


def test_divergence_is_recorded_not_raised():
    run = train_xor_sgd(XorCube(8), 4, 5, 32, seeds=[0, 1], learning_rate=1e308, linearized=True)
    assert (run.diverged_at >= 1).all()


def test_linearized_model_has_a_constant_gradient():
    run = train_xor_sgd(XorCube(8), 4, 3, 32, seeds=[0], training_size=32, linearized=True)
    steps = [run.networks[t + 1].delta - run.networks[t].delta for t in range(3)]
    torch.testing.assert_close(steps[0], steps[1])  # full batch: the same Ĉ each step
    assert isinstance(run.networks[0], LinearizedQuadraticNetwork)


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: XorCube(1), "dimension"),
        (lambda: train_xor_sgd(XorCube(4), 0, 3, 8, [0]), "width"),
        (lambda: train_xor_sgd(XorCube(4), 4, 3, 8, [0], learning_rate=0.0), "learning_rate"),
        (lambda: train_xor_sgd(XorCube(4), 4, 3, 8, [0], learning_rate=-2.0), "learning_rate"),
        (lambda: train_xor_sgd(XorCube(4), 4, 3, 16, [0], training_size=8), "batch_size"),
        (lambda: XorConfig(width=0), "width"),
        (lambda: XorSetting(1, 0.2, 0), "dimension"),
    ],
)
def test_bad_inputs_name_the_parameter(call, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        call()


def test_claims_carry_provenance_and_evaluate():
    bound = xor_iterations()
    assert bound.provenance.tag.value == "seed" and bound.hidden_constants == ("c",)
    assert bound.evaluate(c=1.0, d=64) == 5  # ⌈ln 64⌉ = 5
    assert xor_total_samples().evaluate(C_n=40.0, c=1.0, d=64) == 40 * 64 * 5  # Õ(d)
    assert xor_width().evaluate(C_w=20.0, d=512) == 20.0  # Ω(1): no d
    width, steps, samples = kernel_regime_row()
    assert steps.exponent("d") == 2 and samples.exponent("d") == 2
    assert width.evaluate(C=1.0, p=2.0, d=10) == 100.0
    assert {b.provenance.location for b in (width, steps, samples)} == {
        "Table 2, kernel regime row"
    }
    verdict, evidence = check_xor_feature_learning(XorSetting(8, 0.3, 0), feature_learning_claim())
    assert verdict.parameters["T"] == 3 and (evidence.first_zero <= 3).all()


def test_figure_1_command_saves_png_and_numbers(tmp_path):
    from gflcheck.surface.cli import main

    assert main(["figure", "xor-figure-1", "--out", str(tmp_path), "--dimensions", "8,24"]) == 0
    image, table = tmp_path / "xor_figure_1.png", tmp_path / "xor_figure_1.csv"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = table.read_text().splitlines()
    assert lines[0].startswith("setup,dimension,iteration,run,error")
    # the Figure 1 checks' own curves: both readings, each d, steps 0..⌈ln d⌉ + 1, every seed
    rows = list(csv.reader(lines[1:]))
    groups = {(setup, int(d)) for setup, d, *_ in rows}
    assert len(groups) == 2 * 2
    for setup, d in groups:
        cells = [
            (int(t), int(seed)) for name, dd, t, seed, *_ in rows if (name, int(dd)) == (setup, d)
        ]
        steps, seeds = {t for t, _ in cells}, {seed for _, seed in cells}
        assert steps == set(range(math.ceil(math.log(d)) + 2)) and len(seeds) >= 8
        assert len(cells) == len(steps) * len(seeds)
    assert main(["figure", "xor-figure-1", "--out", str(tmp_path), "--dimensions", "x"]) == 2


FIGURE_1 = Figure1Config(seed_plan=SeedPlan(minimum=6, unconfirmed=0))


def test_figure_1_reads_n_6d_as_fresh_batches_or_one_reused_set():
    """Both readings train with batches of 6d: fresh ones, or all of one set of 6d points."""
    seeds = (1, 2)
    fresh = figure_1_error_curve(Figure1Reading.FRESH, 8, 3, 100, 0.01, seeds)
    reused = figure_1_error_curve(Figure1Reading.REUSED, 8, 3, 100, 0.01, seeds)
    assert (fresh.batch_size, fresh.training_size) == (48, None)
    assert (reused.batch_size, reused.training_size) == (48, 48)
    # d ≤ 20: exact errors over the cube, the same at every call
    assert np.array_equal(fresh.error.lower, fresh.error.upper) and fresh.error.estimate.shape == (
        4,
        2,
    )
    again = figure_1_error_curve(Figure1Reading.FRESH, 8, 3, 100, 0.01, seeds)
    assert np.array_equal(again.error.estimate, fresh.error.estimate)
    # above d = 20 the declared test set gives Clopper–Pearson bounds around the estimate
    sampled = figure_1_error_curve(Figure1Reading.FRESH, 24, 2, 500, 0.01, seeds).error
    assert np.all(sampled.lower <= sampled.estimate) and np.all(sampled.estimate <= sampled.upper)
    assert sampled.sample_size == 500


def test_figure_1_is_judged_under_fresh_batches_and_observed_under_reuse():
    setting = XorSetting(16, 0.3, 0)
    judged = figure_1_check(Figure1Reading.FRESH, FIGURE_1).run(setting)
    assert judged.judged and judged.parameters["T"] == 4 and judged.trivial_value == 0.5
    assert (
        judged.bound.provenance.tag is Tag.OURS and "Figure 1" in judged.bound.provenance.location
    )
    observed = figure_1_check(Figure1Reading.REUSED, FIGURE_1).run(setting)
    assert not observed.judged and observed.expectation == "observe"
    assert "docs/setups.md §5.2" in observed.observation
    with pytest.raises(ParameterRangeError, match="observation"):
        figure_1_check(Figure1Reading.REUSED).property()


@pytest.mark.parametrize(
    "changes, parameter",
    [
        (dict(error_target=1.5), "error_target"),
        (dict(test_size=0), "test_size"),
        (dict(extra_steps=-1), "extra_steps"),
        (dict(confidence=0.05), "confidence"),
        (dict(seed_plan=SeedPlan(stream="mine")), "seed_plan.stream"),
    ],
)
def test_figure_1_config_names_a_bad_parameter(changes, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        Figure1Config(**changes)
