"""Glasgow 2023 as a cross-check from outside the seeds (``secondary``, issue 14): standard
minibatch SGD learns XOR on the hypercube with ``Θ(d polylog d)`` samples.

- **Data**: ``x ~ U({±1}^d)``, ``y = x₁x₂`` (:class:`~gflcheck.distributions.xor_cube.XorCube`;
  Glasgow's ``y = −x_i x_j`` differs by a relabelling and a sign, which no learner here sees).
- **Learner**: :func:`gflcheck.minibatch_sgd.train_minibatch_sgd`: two-layer ReLU network, both
  layers, logistic loss, one pass over ``n`` fresh samples in batches of ``B``; width, batch and
  step are declared (:class:`~gflcheck.minibatch_sgd.SgdRecipe`).
- **Sample need** ``n*(d)`` of a seed: the least ``n`` of a geometric grid (ratio ``√2``) at which
  its test error (``test_size`` fresh points) is at most the declared level; a seed above it at
  the cap is censored, reported, never dropped (:func:`~gflcheck.checks.kernel_separation.walk_needs`).
- **Growth**: the fitted slope of ``log n*`` on ``log d`` with its ``1 − α`` interval, against the
  statement's own slope over the grid ``± τ``
  (:func:`~gflcheck.checks.kernel_separation.growth_check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from gflcheck._validation import (
    require_int_at_least,
    require_open_unit_interval,
)
from gflcheck.cache import cached_run
from gflcheck.checks.kernel_separation import (
    SampleNeedConfig,
    SampleNeeds,
    distinct_dimensions,
    growth_check,
    growth_row,
    samples_needed_row,
    setting_dimensions,
    walk_needs,
)
from gflcheck.distributions.xor_cube import XorCube
from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import SlopeFit
from gflcheck.minibatch_sgd import SgdRecipe, cube_test_error, train_minibatch_sgd
from gflcheck.random import stream_seed
from gflcheck.setups import GLASGOW_SGD
from gflcheck.theorems.separation import GrowthStatement, Learner
from gflcheck.verdicts import QuantifierInstantiation, Verdict


@dataclass(frozen=True)
class CubeXorSetting:
    """The dimensions, the error level that counts as learned, and the seed."""

    dimensions: tuple[int, ...] = (16, 32, 64, 128)
    target_error: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", distinct_dimensions(self.dimensions))
        require_open_unit_interval("target_error", self.target_error, "CubeXorSetting")
        require_int_at_least("seed", self.seed, 0, "CubeXorSetting")


@dataclass(frozen=True)
class CubeXorConfig(SampleNeedConfig):
    """Declared constants: the recipe, and the walk's (:class:`SampleNeedConfig`): seeds, the
    sample grid, the test set, ``τ`` and ``α``."""

    recipe: SgdRecipe = field(default_factory=SgdRecipe)


@cached_run
def sgd_test_errors(
    config: CubeXorConfig, dimension: int, samples: int, seeds: tuple[int, ...]
) -> np.ndarray:
    """Per seed, the test error of minibatch SGD after one pass over ``samples`` points."""
    cube = XorCube(dimension)
    networks = train_minibatch_sgd(cube, samples, seeds, config.recipe)
    return cube_test_error(networks, cube, config.test_size, seeds)


def sgd_sample_needs(setting: CubeXorSetting, config: CubeXorConfig | None = None) -> SampleNeeds:
    """Walk the sample grid at every dimension (module docstring)."""
    config = config or CubeXorConfig()
    seeds = tuple(stream_seed(setting.seed, f"cube-xor-{i}") for i in range(config.seeds))
    needs, errors = walk_needs(
        setting.dimensions,
        lambda d: config.sample_grid(),
        lambda d, n, walking: sgd_test_errors(config, d, n, walking),
        setting.target_error,
        seeds,
    )
    return SampleNeeds(Learner.MINIBATCH_SGD, setting, config, seeds, needs, errors)


def check_sgd_sample_growth(
    statement: GrowthStatement,
    setting: CubeXorSetting | None = None,
    config: CubeXorConfig | None = None,
) -> tuple[Verdict, SampleNeeds]:
    """Check a growth ``statement`` about minibatch SGD's sample need on cube XOR."""
    if statement.learner is not Learner.MINIBATCH_SGD:
        raise ParameterRangeError("statement", statement.name, "a statement about minibatch SGD")
    setting = setting or CubeXorSetting()
    config = config or CubeXorConfig()
    check = growth_check(
        statement,
        "cube-xor",
        partial(_needs, config),
        setting_dimensions,
        config.tolerance,
        config.alpha,
        partial(_quantifiers, statement, config),
        setup=GLASGOW_SGD,
    )
    return check.run_with_evidence(setting)


def _needs(config: CubeXorConfig, learner: Learner, setting: CubeXorSetting) -> SampleNeeds:
    return sgd_sample_needs(setting, config)


def _quantifiers(
    statement: GrowthStatement,
    config: CubeXorConfig,
    setting: CubeXorSetting,
    measured: SampleNeeds,
    fit: SlopeFit,
    exponent: float,
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    recipe = config.recipe
    return (
        Q("the data", "x ~ U({±1}^d), y = x₁x₂", f"d ∈ {list(setting.dimensions)}"),
        Q(
            "standard minibatch SGD",
            f"two-layer ReLU, m = {recipe.width}, both layers, logistic loss, batch "
            f"{recipe.batch_size}, η = {recipe.learning_rate:g}, one pass over fresh samples",
            "w ~ N(0, I/d), a ~ N(0, 1/m)",
        ),
        samples_needed_row(config, setting.target_error, measured),
        growth_row(statement, fit, exponent, config.tolerance, config.alpha),
    )
