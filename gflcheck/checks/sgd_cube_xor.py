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
    require_positive,
    require_positive_int,
)
from gflcheck.cache import cached_run
from gflcheck.checks.kernel_separation import (
    SampleNeeds,
    distinct_dimensions,
    geometric_sample_grid,
    growth_check,
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
class CubeXorConfig:
    """Declared constants: the recipe, seeds, the sample grid, the test set, ``τ`` and ``α``."""

    recipe: SgdRecipe = field(default_factory=SgdRecipe)
    seeds: int = 16
    smallest_sample: int = 32
    largest_sample: int = 1 << 17
    test_size: int = 4000
    tolerance: float = 0.25
    alpha: float = 0.05

    def __post_init__(self) -> None:
        require_int_at_least("seeds", self.seeds, 2, "CubeXorConfig")
        require_positive_int("smallest_sample", self.smallest_sample, "CubeXorConfig")
        require_int_at_least(
            "largest_sample", self.largest_sample, self.smallest_sample, "CubeXorConfig"
        )
        require_positive_int("test_size", self.test_size, "CubeXorConfig")
        require_positive("tolerance", self.tolerance, "CubeXorConfig")
        require_open_unit_interval("alpha", self.alpha, "CubeXorConfig")

    def sample_grid(self) -> tuple[int, ...]:
        """``n = ⌊n₀·2^{j/2}⌉`` from ``smallest_sample`` up to ``largest_sample``."""
        return geometric_sample_grid(self.smallest_sample, self.largest_sample)


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
        _dimensions,
        config.tolerance,
        config.alpha,
        partial(_quantifiers, statement, config),
        setup=GLASGOW_SGD,
    )
    return check.run_with_evidence(setting)


def _needs(config: CubeXorConfig, learner: Learner, setting: CubeXorSetting) -> SampleNeeds:
    return sgd_sample_needs(setting, config)


def _dimensions(setting: CubeXorSetting) -> tuple[int, ...]:
    return setting.dimensions


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
    relation = "≥" if statement.direction.value == "at least" else "≤"
    sign = "−" if relation == "≥" else "+"
    return (
        Q("the data", "x ~ U({±1}^d), y = x₁x₂", f"d ∈ {list(setting.dimensions)}"),
        Q(
            "standard minibatch SGD",
            f"two-layer ReLU, m = {recipe.width}, both layers, logistic loss, batch "
            f"{recipe.batch_size}, η = {recipe.learning_rate:g}, one pass over fresh samples",
            "w ~ N(0, I/d), a ~ N(0, 1/m)",
        ),
        Q(
            "samples needed",
            f"least n on the grid {config.smallest_sample}·2^(j/2) ≤ {config.largest_sample} with "
            f"test error ≤ {setting.target_error:g} ({config.test_size} test points), per seed",
            f"median n* per d: {measured.medians('d')}; censored: {measured.censored}",
        ),
        Q(
            f"n* = {'Ω' if relation == '≥' else 'O'}({statement.bound.expression})",
            f"OLS slope of log n* on log d {relation} the bound's slope over the grid "
            f"{sign} τ (τ = {config.tolerance:g})",
            f"slope {fit.slope:.2f}, {1 - config.alpha:.0%} CI [{fit.lower:.2f}, {fit.upper:.2f}] "
            f"on {fit.points} runs; bound's slope {exponent:.2f}",
        ),
    )
