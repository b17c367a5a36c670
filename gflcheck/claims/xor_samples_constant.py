"""The least samples constant of TTM's XOR theorem: zero test error within ``⌈log d⌉`` steps from
``C_n·d`` fresh points per step, with ``C_n`` measured rather than declared (``ours``; docs/setups.md
§2.2 and §5.2: about 20 was seen to certify zero error at d = 16…256).

- **Learner**: TTM's algorithm as in :mod:`gflcheck.claims.xor_feature_learning` (width ``m``,
  ``η = m``, linear loss, fresh batches), ``T = ⌈c·⌈log d⌉⌉`` steps (``c = 1``).
- **Per-step need** ``b*`` of a seed: the least batch of a geometric grid (ratio ``√2``) at which
  some step ``t ≤ T`` has *zero test error*, certified as in the theorem check (exact by
  enumeration for ``d ≤ 20``, else a clean screen and a Clopper–Pearson bound below ``1/d²``);
  censored seeds are reported (:class:`~gflcheck.core.statement_kinds.NeedWalk`). The least constant
  that works for the seed is ``C_n* = b*/d``.
- **Growth**: the theorem's form ``b* = Õ(d)`` (its batch-size condition, with a polylog
  factor; made concrete as ``O(d·(log d)²)``) by the grid-level slope of ``log b*`` on ``log d``
  (:func:`~gflcheck.core.statement_kinds.need_check`); the verdict reports ``C_n*`` per ``d``, the
  constant the theorem hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gflcheck.core.confidence import SeedPlan
from gflcheck.core.declare import CatalogueEntry, Rival, TheoryCheck
from gflcheck.core.entries import at_rate_share
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.needs import (
    distinct_dimensions,
    geometric_sample_grid,
    setting_dimensions,
    the_same_sizes,
)
from gflcheck.core.setups import xor_setup
from gflcheck.core.statement_kinds import NeedWalk, WalkedNeeds, need_check
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.models.distributions.xor_cube import XorCube
from gflcheck.models.quadratic import (
    XorConfig,
    first_zero_error_iteration,
    train_xor_sgd,
)
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_int_at_least
from gflcheck.theorems.separation import (
    GrowthStatement,
    Learner,
    rival,
)
from gflcheck.theorems.ttm import feature_learning_claim
from gflcheck.theorems.xor_cube_needs import (
    zero_error_needs_d_polylog_samples_per_step,
    zero_error_needs_linear_samples_per_step,
)

SMALLEST_BATCH, LARGEST_BATCH = 8, 1 << 14
TOLERANCE = 0.25
"""``τ`` of the growth check, for the log factors of ``Õ(d)`` (as in the other need checks)."""


SEEDS = 16
"""Runs per dimension (the same seeds at every ``d``)."""


@dataclass(frozen=True)
class SamplesConstantSetting:
    """The dimensions and the seed."""

    dimensions: tuple[int, ...] = (8, 16, 32, 64)
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", distinct_dimensions(self.dimensions))
        require_int_at_least("seed", self.seed, 0, "SamplesConstantSetting")


@cached_run
def not_zero_within_the_claim(
    config: XorConfig, dimension: int, batch: int, seeds: tuple[int, ...]
) -> np.ndarray:
    """Per seed, 0 where some step ``t ≤ T`` is certified to have zero test error with ``batch``
    fresh points per step, else 1 (a diverged run never gets there)."""
    cube = XorCube(dimension)
    iterations, _ = feature_learning_claim().budget(
        dimension, config.iteration_constant, config.samples_constant
    )
    run = train_xor_sgd(cube, config.width, iterations, batch, seeds)
    first = first_zero_error_iteration(run, cube, config.certification_miscoverage, dimension)
    return np.where(first >= 0, 0.0, 1.0)


def zero_error_walk(config: XorConfig | None = None) -> NeedWalk:
    """How the least batch ``b*`` is walked at each ``d``: the batch grid, the indicator of no
    certified zero error within the claim's steps, reached when it is 0."""
    config = config or XorConfig()
    return NeedWalk(
        sizes=partial(the_same_sizes, geometric_sample_grid(SMALLEST_BATCH, LARGEST_BATCH)),
        error_at=partial(_not_zero_at, config),
        target_error=0.5,  # the indicator is 0 or 1: a seed gets there when it is 0
        name="TTM's mini-batch SGD: zero test error within ⌈log d⌉ steps",
    )


def _not_zero_at(
    config: XorConfig, setting: Any, dimension: float, batch: int, seeds: tuple[int, ...]
) -> np.ndarray:
    return not_zero_within_the_claim(config, int(dimension), batch, seeds)


def least_batch_check(
    statement: GrowthStatement,
    config: XorConfig | None = None,
    rivals: tuple[GrowthStatement, ...] = (),
    observation: str | None = None,
    runs: int = SEEDS,
) -> TheoryCheck[SamplesConstantSetting]:
    """A growth ``statement`` about the per-step batch that reaches zero test error
    (:func:`~gflcheck.core.statement_kinds.need_check`, ``runs`` seeds at every ``d``), told apart
    from ``rivals`` (reported and not judged with an ``observation``)."""
    if statement.learner is not Learner.TTM_FEATURE_LEARNING:
        raise ParameterRangeError("statement", statement.name, "a statement about TTM's learner")
    config = config or XorConfig()
    return need_check(
        "ttm-xor-zero-error/ttm-feature-learning",
        statement.bound,
        "d",
        st.nothing(),
        setting_dimensions,
        zero_error_walk(config),
        at_least=statement.at_least,
        tolerance=TOLERANCE,
        alpha=config.confidence.alpha,
        runs=runs,
        quantifiers=partial(_quantifiers, config),
        rivals=[Rival(r.bound, r.at_least, name=r.name) for r in rivals],
        wording=Wording(statement=statement.name),
        expectation=Expectation(why_false=statement.why_false, observation=observation),
        setup=xor_setup("fresh"),
        seed_plan=SeedPlan(stream="xor-constant"),
    )


def least_samples_constants(needs: WalkedNeeds) -> dict[float, np.ndarray]:
    """``C_n* = b*/d`` per ``d`` and seed (``inf`` where censored)."""
    return {d: row / d for d, row in needs.needs.items()}


def _quantifiers(
    config: XorConfig, setting: SamplesConstantSetting, raw: WalkedNeeds
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    steps = {
        d: feature_learning_claim().budget(d, config.iteration_constant, config.samples_constant)[0]
        for d in setting.dimensions
    }
    constants = least_samples_constants(raw)
    return (
        Q("the data", "x ~ U({±1}^d), y = x₁x₂", f"d ∈ {list(setting.dimensions)}"),
        Q(
            "⌈log d⌉ steps, constant width, η = m",
            f"TTM's mini-batch SGD, m = {config.width}, linear loss, T = ⌈c·⌈log d⌉⌉, c = "
            f"{config.iteration_constant:g}, b fresh points per step",
            f"T per d: {steps}",
        ),
        Q(
            "zero test error",
            "some step t ≤ T certified (exact for d ≤ 20, else Clopper–Pearson < 1/d², "
            f"miscoverage {config.certification_miscoverage:g} per step)",
            f"least b per seed on {SMALLEST_BATCH}·2^(j/2) ≤ {LARGEST_BATCH}",
        ),
        Q(
            "C_n (hidden)",
            "the least constant that works for a seed: C_n* = b*/d (declared C_n of the "
            f"theorem check: {config.samples_constant:g})",
            ", ".join(
                f"d={d:g}: median {np.median(c):.3g}, largest {np.max(c):.3g}"
                for d, c in constants.items()
            ),
        ),
    )


CUBE_DIMENSIONS = (8, 10, 12, 14, 16, 24, 32, 40, 48, 64)
"""The grid of d, as in Table 2's need walks: ten points from 8 to 64."""


SAMPLES_CONSTANT_SETTING = SamplesConstantSetting(dimensions=CUBE_DIMENSIONS)


ENTRIES: tuple[CatalogueEntry, ...] = (
    at_rate_share(
        least_batch_check(
            zero_error_needs_d_polylog_samples_per_step(),
            rivals=(rival(zero_error_needs_d_polylog_samples_per_step(), "C*d**2", "d²"),),
        )
    ).catalogue_entry(
        SAMPLES_CONSTANT_SETTING,
        "TTM's theorem form, d = 8…64: zero test error within ⌈log d⌉ steps from "
        "O(d·(log d)²) fresh samples per step; the least C_n that works, measured",
        "ttm-xor/zero-error/samples-per-step",
        sweep=True,
    ),
    at_rate_share(
        least_batch_check(
            zero_error_needs_linear_samples_per_step(),
            observation="the theorem's batch-size condition is Õ(d), with a polylog(d) factor; "
            "O(d) without it is Table 2's literal 'd', not the theorem",
        )
    ).catalogue_entry(
        SAMPLES_CONSTANT_SETTING,
        "observation: the same needs against O(d) per step (the polylog dropped)",
        "ttm-xor/zero-error/samples-per-step/linear",
        sweep=True,
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""
