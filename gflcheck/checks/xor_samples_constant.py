"""The least samples constant of TTM's XOR theorem: zero test error within ``⌈log d⌉`` steps from
``C_n·d`` fresh points per step, with ``C_n`` measured rather than declared (``ours``; THEORY.md
§2.2, FIDELITY.md §2: about 20 was seen to certify zero error at d = 16…256).

- **Learner**: TTM's algorithm as in :mod:`gflcheck.checks.xor_feature_learning` (width ``m``,
  ``η = m``, linear loss, fresh batches), ``T = ⌈c·⌈log d⌉⌉`` steps (``c = 1``).
- **Per-step need** ``b*`` of a seed: the least batch of a geometric grid (ratio ``√2``) at which
  some step ``t ≤ T`` has *zero test error*, certified as in the theorem check (exact by
  enumeration for ``d ≤ 20``, else a clean screen and a Clopper–Pearson bound below ``1/d²``);
  censored seeds are reported (:func:`~gflcheck.checks.kernel_separation.walk_needs`). The
  least constant that works for the seed is ``C_n* = b*/d``.
- **Growth**: the theorem's form ``b* = Õ(d)`` (its batch-size condition, with a polylog
  factor; made concrete as ``O(d·(log d)²)``) by the fitted slope of ``log b*`` on ``log d``
  (:func:`~gflcheck.checks.kernel_separation.growth_check`); the verdict reports ``C_n*`` per
  ``d``, the constant the theorem hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from gflcheck._validation import require_int_at_least
from gflcheck.cache import cached_run
from gflcheck.checks.kernel_separation import (
    SampleNeeds,
    distinct_dimensions,
    geometric_sample_grid,
    growth_check,
    growth_row,
    setting_dimensions,
    walk_needs,
)
from gflcheck.checks.xor_feature_learning import (
    XorConfig,
    claim_budget,
    first_zero_error_iteration,
)
from gflcheck.distributions.xor_cube import XorCube
from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import SlopeFit
from gflcheck.quadratic import train_xor_sgd
from gflcheck.random import stream_seed
from gflcheck.setups import xor_setup
from gflcheck.theorems.separation import GrowthStatement, Learner
from gflcheck.theorems.ttm import feature_learning_claim
from gflcheck.verdicts import QuantifierInstantiation, Verdict

SMALLEST_BATCH, LARGEST_BATCH = 8, 1 << 14
TOLERANCE = 0.25
"""``τ`` of the growth check, for the log factors of ``Õ(d)`` (as in the other need checks)."""


@dataclass(frozen=True)
class SamplesConstantSetting:
    """The dimensions, the number of seeds, and the seed."""

    dimensions: tuple[int, ...] = (8, 16, 32, 64)
    seeds: int = 16
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", distinct_dimensions(self.dimensions))
        require_int_at_least("seeds", self.seeds, 2, "SamplesConstantSetting")
        require_int_at_least("seed", self.seed, 0, "SamplesConstantSetting")


@cached_run
def not_zero_within_the_claim(
    config: XorConfig, dimension: int, batch: int, seeds: tuple[int, ...]
) -> np.ndarray:
    """Per seed, 0 where some step ``t ≤ T`` is certified to have zero test error with ``batch``
    fresh points per step, else 1 (a diverged run never gets there)."""
    cube = XorCube(dimension)
    iterations, _ = claim_budget(feature_learning_claim(), dimension, config)
    run = train_xor_sgd(cube, config.width, iterations, batch, seeds)
    first = first_zero_error_iteration(run, cube, config.certification_miscoverage, dimension)
    return np.where(first >= 0, 0.0, 1.0)


def least_batch_for_zero_error(
    setting: SamplesConstantSetting, config: XorConfig | None = None
) -> SampleNeeds:
    """Per ``d`` and seed, the least batch ``b*`` (module docstring)."""
    config = config or XorConfig()
    seeds = tuple(stream_seed(setting.seed, f"xor-constant-{i}") for i in range(setting.seeds))
    needs, errors = walk_needs(
        setting.dimensions,
        lambda d: geometric_sample_grid(SMALLEST_BATCH, LARGEST_BATCH),
        lambda d, b, walking: not_zero_within_the_claim(config, d, b, walking),
        0.5,  # the indicator is 0 or 1: a seed gets there when it is 0
        seeds,
    )
    return SampleNeeds(Learner.TTM_FEATURE_LEARNING, setting, config, seeds, needs, errors)


def check_least_samples_constant(
    statement: GrowthStatement,
    setting: SamplesConstantSetting | None = None,
    config: XorConfig | None = None,
    observation: str | None = None,
) -> tuple[Verdict, SampleNeeds]:
    """Check a growth ``statement`` about the per-step batch that reaches zero test error
    (reported and not judged with an ``observation``)."""
    if statement.learner is not Learner.TTM_FEATURE_LEARNING:
        raise ParameterRangeError("statement", statement.name, "a statement about TTM's learner")
    setting = setting or SamplesConstantSetting()
    config = config or XorConfig()
    check = growth_check(
        statement,
        "ttm-xor-zero-error",
        partial(_needs, config),
        setting_dimensions,
        TOLERANCE,
        config.alpha,
        partial(_quantifiers, statement, config),
        observation=observation,
        setup=xor_setup("fresh"),
    )
    return check.run_with_evidence(setting)


def least_samples_constants(needs: SampleNeeds) -> dict[int, np.ndarray]:
    """``C_n* = b*/d`` per ``d`` and seed (``inf`` where censored)."""
    return {d: row / d for d, row in needs.needs.items()}


def _needs(config: XorConfig, learner: Learner, setting: SamplesConstantSetting) -> SampleNeeds:
    return least_batch_for_zero_error(setting, config)


def _quantifiers(
    statement: GrowthStatement,
    config: XorConfig,
    setting: SamplesConstantSetting,
    measured: SampleNeeds,
    fit: SlopeFit,
    exponent: float,
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    steps = {d: claim_budget(feature_learning_claim(), d, config)[0] for d in setting.dimensions}
    constants = least_samples_constants(measured)
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
            f"least b per seed on {SMALLEST_BATCH}·2^(j/2) ≤ {LARGEST_BATCH}; median b* per d: "
            f"{measured.medians('d')}; censored: {measured.censored}",
        ),
        Q(
            "C_n (hidden)",
            "the least constant that works for a seed: C_n* = b*/d (declared C_n of the "
            f"theorem check: {config.samples_constant:g})",
            ", ".join(
                f"d={d}: median {np.median(c):.3g}, largest {np.max(c):.3g}"
                for d, c in constants.items()
            ),
        ),
        growth_row(statement, fit, exponent, TOLERANCE, config.alpha, need="b*"),
    )
