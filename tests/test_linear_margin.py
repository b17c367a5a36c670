"""Linear data with a margin: closed-form G against quadrature and sampling; its ground truth."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from gflcheck.claims.theorem_3_12 import Theorem312Config, check_theorem_3_12
from gflcheck.core.verdicts import Outcome
from gflcheck.models.distributions import LinearMargin
from gflcheck.models.gfl_families import GflSetting
from gflcheck.models.gradient_features import monte_carlo_simplified_gradient
from gflcheck.models.ground_truth import linear_margin_ground_truth
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.theorems.gfl import single_step

DATA = LinearMargin.random(6, 0.5, torch_generator(0, "teacher"))


def quadrature_gradient(w: np.ndarray, b: float) -> np.ndarray:
    """G(w, b) by scipy.integrate.quad over the truncated normal s (the module's reduction)."""
    u, margin = DATA.teacher.numpy(), DATA.margin
    rho = float(w @ u)
    perpendicular = w - rho * u
    sigma = float(np.linalg.norm(perpendicular))
    mass = 2 * stats.norm.sf(margin)

    def along(s):
        active = stats.norm.cdf((rho * s - b) / sigma) if sigma > 0 else float(rho * s > b)
        return abs(s) * active * stats.norm.pdf(s) / mass

    def across(s):
        return np.sign(s) * stats.norm.pdf((b - rho * s) / sigma) * stats.norm.pdf(s) / mass

    def integral(f):
        return sum(
            integrate.quad(f, *limits, epsabs=1e-13)[0] for limits in ((margin, 40), (-40, -margin))
        )

    gradient = integral(along) * u
    return gradient + (integral(across) / sigma * perpendicular if sigma > 0 else 0.0)


def test_closed_form_gradient_matches_quadrature_including_limits():
    generator = torch_generator(1, "w")
    w = torch.randn(5, 6, generator=generator, dtype=torch.float64)
    b = torch.randn(5, generator=generator, dtype=torch.float64)
    w[0], b[0] = 2 * DATA.teacher, 0.3  # σ = 0: the step limit
    w[1], b[1] = 0.0, -0.5  # w = 0: G = 1[b < 0]·E[y x]
    exact = DATA.simplified_gradient(w, b).numpy()
    for i in range(5):
        assert np.allclose(exact[i], quadrature_gradient(w[i].numpy(), float(b[i])), atol=1e-12)


def test_closed_form_gradient_lies_in_the_monte_carlo_interval():
    generator = torch_generator(2, "w")
    w = torch.randn(6, 6, generator=generator, dtype=torch.float64)
    b = torch.randn(6, generator=generator, dtype=torch.float64)
    x, y = DATA.sample(200_000, torch_generator(3, "sample"), torch.float64)
    estimate = monte_carlo_simplified_gradient(x, y, w, b, 1e-4)
    exact = DATA.simplified_gradient(w, b).numpy()
    assert np.all(np.abs(exact - estimate.estimate) <= 2 * (estimate.estimate - estimate.lower))


def test_samples_respect_the_margin_and_the_second_moment():
    x, y = DATA.sample(100_000, torch_generator(4, "sample"), torch.float64)
    margins = y * (x @ DATA.teacher)
    assert float(margins.min()) >= DATA.margin
    squared = x.pow(2).sum(1)
    assert (
        abs(float(squared.mean()) - DATA.expected_squared_norm()) < 4 * float(squared.std()) / 300
    )
    assert DATA.expected_norm() >= float(x.norm(dim=1).mean())  # √E‖x‖² bounds E‖x‖


def test_ground_truth_fits_every_point_with_margin_one():
    truth = linear_margin_ground_truth(DATA)
    x, y = DATA.sample(50_000, torch_generator(5, "sample"), torch.float64)
    assert float((y * truth.network(x)[0]).min()) >= 1 - 1e-12
    assert truth.width == 2 and truth.signs.tolist() == [-1.0, -1.0]


def test_theorem_3_12_on_linear_data_and_its_single_step_variant():
    setting = GflSetting("linear", 10, 0.002, 0.1, 0.2, 1, margin=1.0)
    config = Theorem312Config(max_width=256)
    verdict, _ = check_theorem_3_12(setting, config=config)
    assert verdict.check == "gfl-theorem-3.12/linear" and verdict.non_vacuous
    assert verdict.outcome is not Outcome.VIOLATED
    refuted, _ = check_theorem_3_12(setting, single_step(), config=config)
    assert refuted.outcome is Outcome.VIOLATED


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ((1, 0.5, torch.ones(1)), "dimension"),
        ((3, 0.0, torch.ones(3) / 3**0.5), "margin"),
        ((3, 0.5, torch.ones(3)), "teacher"),
        ((3, 4.0, torch.ones(3) / 3**0.5), "margin"),
    ],
)
def test_bad_parameters_are_named(arguments, parameter):
    with pytest.raises(ParameterRangeError, match=parameter):
        LinearMargin(*arguments)
