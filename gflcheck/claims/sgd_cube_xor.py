"""Glasgow 2023 as a cross-check from outside the seeds (``secondary``): standard
minibatch SGD learns XOR on the hypercube with ``Θ(d polylog d)`` samples.

- **Data**: ``x ~ U({±1}^d)``, ``y = x₁x₂`` (:class:`~gflcheck.models.distributions.xor_cube.XorCube`;
  Glasgow's ``y = −x_i x_j`` differs by a relabelling and a sign, which no learner here sees).
- **Learner**: :func:`gflcheck.models.minibatch_sgd.train_minibatch_sgd`: two-layer ReLU network, both
  layers, logistic loss, one pass over ``n`` fresh samples in batches of ``B``; width, batch and
  step are declared (:class:`~gflcheck.models.minibatch_sgd.SgdRecipe`).
- **Sample need** ``n*(d)`` of a seed: the least ``n`` of a geometric grid (ratio ``√2``) at which
  its test error (``test_size`` fresh points) is at most the declared level; a seed above it at
  the cap is censored, reported, never dropped (:class:`~gflcheck.core.statement_kinds.NeedWalk`).
- **Growth**: :func:`~gflcheck.core.statement_kinds.need_check`, the grid-level slope of ``log n*`` on
  ``log d`` against the statement's own slope over the grid ``± τ``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gflcheck.core.confidence import SeedPlan
from gflcheck.core.declare import CatalogueEntry, Rival, TheoryCheck
from gflcheck.core.entries import at_rate_share
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.needs import (
    SampleNeedConfig,
    distinct_dimensions,
    setting_dimensions,
)
from gflcheck.core.setups import GLASGOW_SGD
from gflcheck.core.statement_kinds import NeedWalk, need_check
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.models.distributions.xor_cube import XorCube
from gflcheck.models.minibatch_sgd import SgdRecipe, cube_test_error, train_minibatch_sgd
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
)
from gflcheck.theorems.separation import (
    GrowthStatement,
    Learner,
    rival,
)
from gflcheck.theorems.xor_cube_needs import (
    minibatch_sgd_needs_d_polylog_samples,
    minibatch_sgd_needs_linear_samples_at_least,
    minibatch_sgd_needs_quadratic_samples,
    minibatch_sgd_needs_root_d_samples,
)


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


def sgd_walk(config: CubeXorConfig | None = None) -> NeedWalk:
    """How minibatch SGD's sample need is walked at each ``d`` (module docstring)."""
    config = config or CubeXorConfig()
    return NeedWalk(
        sizes=config.sample_grid,
        error_at=partial(_test_errors_at, config),
        target_error=_target_error,
        name=Learner.MINIBATCH_SGD.value,
    )


def _test_errors_at(
    config: CubeXorConfig, setting: CubeXorSetting, dimension: float, samples: int, seeds: tuple
) -> np.ndarray:
    return sgd_test_errors(config, int(dimension), samples, seeds)


def _target_error(setting: Any) -> float:
    return setting.target_error


def sgd_need_check(
    statement: GrowthStatement,
    config: CubeXorConfig | None = None,
    rivals: tuple[GrowthStatement, ...] = (),
) -> TheoryCheck[CubeXorSetting]:
    """A growth ``statement`` about minibatch SGD's sample need on cube XOR
    (:func:`~gflcheck.core.statement_kinds.need_check`), told apart from ``rivals``."""
    if statement.learner is not Learner.MINIBATCH_SGD:
        raise ParameterRangeError("statement", statement.name, "a statement about minibatch SGD")
    config = config or CubeXorConfig()
    return need_check(
        "cube-xor/minibatch-sgd",
        statement.bound,
        "d",
        st.nothing(),
        setting_dimensions,
        sgd_walk(config),
        at_least=statement.at_least,
        tolerance=config.tolerance,
        alpha=config.alpha,
        runs=config.seeds,
        quantifiers=partial(_quantifiers, config),
        rivals=[Rival(r.bound, r.at_least, name=r.name) for r in rivals],
        wording=Wording(statement=statement.name),
        expectation=Expectation(why_false=statement.why_false),
        setup=GLASGOW_SGD,
        seed_plan=SeedPlan(stream="cube-xor"),
    )


def _quantifiers(
    config: CubeXorConfig, setting: CubeXorSetting, raw: Any
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
    )


CUBE_XOR_SETTING = CubeXorSetting(dimensions=(16, 20, 24, 32, 40, 48, 64, 80, 96, 128))


ENTRIES: tuple[CatalogueEntry, ...] = (
    *(
        at_rate_share(sgd_need_check(statement(), rivals=rivals)).catalogue_entry(
            CUBE_XOR_SETTING,
            "Glasgow 2023 (secondary): minibatch SGD, two-layer ReLU, both layers, logistic "
            f"loss, XOR on {{±1}}^d, d = 16…128: {what}",
            f"glasgow/cube-xor/{name}",
            sweep=True,
        )
        for name, what, statement, rivals in (
            (
                "d-polylog-d",
                "needs O(d·(log d)²) samples",
                minibatch_sgd_needs_d_polylog_samples,
                (rival(minibatch_sgd_needs_d_polylog_samples(), "C*d**(3/2)", "d^1.5"),),
            ),
            (
                "omega-d",
                "needs Ω(d) samples",
                minibatch_sgd_needs_linear_samples_at_least,
                (minibatch_sgd_needs_root_d_samples(),),
            ),
            (
                "omega-d-2",
                "false variant near the break point: needs Ω(d²) samples",
                minibatch_sgd_needs_quadratic_samples,
                (),
            ),
            (
                "root-d",
                "false variant: O(√d) samples suffice",
                minibatch_sgd_needs_root_d_samples,
                (),
            ),
        )
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""
