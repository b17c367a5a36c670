"""Beyond the kernel regime on structured parity: how the size each learner needs grows with k.

The poster (Shi–Wei–Liang): for parity, fixed features need an exponentially
large size, gradient feature learning a polynomial one. Made measurable (``ours``):

- **Data**: structured ``k``-sparse parity on ``{±1}^d`` (:class:`StructuredParity`, support from
  the setting's seed), every population quantity an exact sum over the ``2^d`` points.
- **Random features**: ``N`` fixed features ``ReLU(⟨w,x⟩ − b)``, ``w ~ N(0, I/d)``,
  ``b ~ N(0, 1)``, output layer by least squares on the *population* (weights ``P(x)``, ridge
  ``λ·tr/N``): infinitely many samples, so only the number of features limits it.
- **Trained network**: Algorithm 1 at width ``m`` with the Gaussian-mixture recipe, the first step
  ``η¹`` multiplied by a declared boost (with ``η¹ = 1/(σ_a B_x1)`` the first-step neurons are too
  short to cross their biases on the cube, and odd ``k`` stalled at error 0.16–0.19), fresh batches,
  ``T`` steps; its error is the smallest exact population error over evenly spaced checkpoints
  (the theorem's ``∃t``).
- **Size need** of one seed: the least ``N`` (resp. ``m``) on a ``√2`` grid at which the exact
  0-1 error is at most the declared level; each seed walks the grid up per ``k`` until it gets
  there (:class:`~gflcheck.core.statement_kinds.NeedWalk`), to a cap (``2^d`` features: beyond it
  random features can fit any labelling); censored seeds are reported, never dropped.
- **Growth**: :func:`~gflcheck.core.statement_kinds.need_check` on a log-linear scale: the
  grid-level slope of ``log need`` per unit of ``k`` (an exponential rate), against the
  statement's own slope over the same ``k`` (``log 2`` for ``C·2^k``) within a declared ``τ``;
  each claim is told apart from its rival (``2^k`` against ``k⁴``, ``k²`` against ``2^k``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st
from scipy import linalg
from scipy.linalg import blas

from gflcheck.core.confidence import SeedPlan
from gflcheck.core.declare import CatalogueEntry, Rival, TheoryCheck
from gflcheck.core.entries import at_rate_share
from gflcheck.core.estimators import zero_one_errors
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.illustrations import Illustration, NeedFigure, reference_slopes
from gflcheck.core.setups import parity_setup
from gflcheck.core.statement_kinds import NeedWalk, WalkedNeeds, need_check, separation_check
from gflcheck.core.verdicts import Outcome, QuantifierInstantiation
from gflcheck.models.distributions.structured_parity import StructuredParity
from gflcheck.models.training import (
    PresampledBatches,
    fresh_batches,
    gaussian_mixture_recipe,
    train_algorithm_1,
)
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)
from gflcheck.theorems.separation import (
    GrowthStatement,
    Learner,
    fixed_features_need_exponential_size,
    fixed_features_need_quartic_size,
    random_features_size_grows_faster_in_k,
    ratio_stays_bounded,
    trained_network_needs_exponential_width,
    trained_network_needs_quadratic_width,
)

DIMENSION_LIMIT = 14  # 2^d points times up to 2^d features


@dataclass(frozen=True)
class ParitySeparationSetting:
    """``d``, the parity orders ``k``, the error level that counts as learned, and the seed."""

    dimension: int = 12
    sparsities: tuple[int, ...] = (2, 3, 4, 5)
    target_error: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "ParitySeparationSetting")
        if self.dimension > DIMENSION_LIMIT:
            raise ParameterRangeError(
                "dimension", self.dimension, f"≤ {DIMENSION_LIMIT} (exact sums, 2^d features)"
            )
        sparsities = tuple(sorted({int(k) for k in self.sparsities}))
        if len(sparsities) < 3 or sparsities[0] < 1 or sparsities[-1] > self.dimension:
            raise ParameterRangeError(
                "sparsities",
                list(self.sparsities),
                f"at least three distinct integers in [1, d = {self.dimension}]",
            )
        object.__setattr__(self, "sparsities", sparsities)
        require_open_unit_interval("target_error", self.target_error, "ParitySeparationSetting")
        require_int_at_least("seed", self.seed, 0, "ParitySeparationSetting")

    def distribution(self, sparsity: int) -> StructuredParity:
        """Structured parity of order ``sparsity``; its support from the setting's seed."""
        generator = torch_generator(self.seed, f"parity-separation-support-{sparsity}")
        support = torch.randperm(self.dimension, generator=generator)[:sparsity]
        return StructuredParity(self.dimension, tuple(sorted(int(j) for j in support)))


@dataclass(frozen=True)
class ParitySeparationConfig:
    """Declared constants (module docstring)."""

    seeds: int = 8
    smallest_size: int = 4
    largest_width: int = 256
    ridge: float = 1e-6
    steps: int = 2000
    batch_size: int = 512
    first_step_boost: float = 10.0
    checkpoints: int = 10
    tolerance: float = 0.25
    alpha: float = 0.05

    def __post_init__(self) -> None:
        require_int_at_least("seeds", self.seeds, 2, "ParitySeparationConfig")
        require_int_at_least("smallest_size", self.smallest_size, 2, "ParitySeparationConfig")
        require_int_at_least(
            "largest_width", self.largest_width, self.smallest_size, "ParitySeparationConfig"
        )
        require_positive("ridge", self.ridge, "ParitySeparationConfig")
        require_positive_int("steps", self.steps, "ParitySeparationConfig")
        require_positive_int("batch_size", self.batch_size, "ParitySeparationConfig")
        require_positive("first_step_boost", self.first_step_boost, "ParitySeparationConfig")
        require_positive_int("checkpoints", self.checkpoints, "ParitySeparationConfig")
        require_positive("tolerance", self.tolerance, "ParitySeparationConfig")
        require_open_unit_interval("alpha", self.alpha, "ParitySeparationConfig")

    def size_grid(self, learner: Learner, dimension: int) -> tuple[int, ...]:
        """``⌊s₀·2^{j/2}⌉`` up to the cap: ``2^d`` features, or ``largest_width`` neurons
        (rounded to even widths: neurons come in ± pairs)."""
        trained = learner is Learner.TRAINED_NETWORK
        cap = self.largest_width if trained else 2**dimension
        grid = []
        for j in range(2 * int(math.log2(cap / self.smallest_size)) + 2):
            size = self.smallest_size * 2 ** (j / 2)
            size = 2 * round(size / 2) if trained else round(size)
            if size <= cap and size not in grid:
                grid.append(size)
        return tuple(grid)


def _random_feature_error(
    distribution: StructuredParity, features: int, seed: int, ridge: float
) -> float:
    """Exact population 0-1 error of ``N`` random ReLU features fitted by population least
    squares: ``c = (ΦᵀPΦ + λ·tr/N·I)⁻¹ΦᵀPy``. The Gram matrix is formed by BLAS ``syrk`` on
    ``√P·Φ`` (half the products of a general matrix product; the same errors on 152 grid
    points of the declared sweep) and solved by Cholesky."""
    x, probability = distribution.points()
    y = distribution.labels(x).double()
    generator = torch_generator(seed, f"parity-separation-features-{features}")
    d = distribution.dimension
    W = torch.randn(features, d, generator=generator, dtype=torch.float64) / math.sqrt(d)
    b = torch.randn(features, generator=generator, dtype=torch.float64)
    phi = torch.relu(x @ W.T - b)  # [2^d, N]
    gram = blas.dsyrk(1.0, (phi * probability.sqrt()[:, None]).numpy(), trans=1, lower=1)
    gram[np.diag_indices_from(gram)] += ridge * max(float(np.diagonal(gram).mean()), 1e-300)
    factor = linalg.cho_factor(gram, lower=True, overwrite_a=True, check_finite=False)
    rhs = (phi.T @ (probability * y)).numpy()
    coefficients = linalg.cho_solve(factor, rhs, check_finite=False)
    wrong = zero_one_errors((phi @ torch.from_numpy(coefficients)) * y)
    return float(probability @ wrong.double())


@functools.lru_cache(maxsize=16)
def _seed_batches(
    distribution: StructuredParity, batch_size: int, steps: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """One seed's fresh training batches (:func:`~gflcheck.models.training.fresh_batches`), kept as
    ``int8`` (the points and labels are ±1): the walk trains each seed at several widths on the
    same batches, and drawing them was half of a run (12 MB a seed at the declared sizes)."""
    batches = fresh_batches(distribution, (seed,), batch_size, steps)
    return batches.x[:, 0].to(torch.int8), batches.y[:, 0].to(torch.int8)


@cached_run
def learner_population_errors(
    learner: Learner,
    setting: ParitySeparationSetting,
    config: ParitySeparationConfig,
    sparsity: int,
    size: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    """Per seed, the exact population 0-1 error of ``learner`` of size ``size`` (features or
    neurons) on structured parity of order ``sparsity`` (module docstring)."""
    distribution = setting.distribution(sparsity)
    if learner is Learner.RANDOM_FEATURES:
        return np.array(
            [_random_feature_error(distribution, size, seed, config.ridge) for seed in seeds]
        )
    if learner is not Learner.TRAINED_NETWORK:
        raise ParameterRangeError("learner", learner.value, "random features or trained network")
    recipe = gaussian_mixture_recipe(
        setting.dimension, size, distribution.expected_norm(), distribution.expected_squared_norm()
    )
    recipe = recipe.with_first_step_boost(config.first_step_boost, "parity-separation")
    every = max(1, config.steps // config.checkpoints)
    parts = [_seed_batches(distribution, config.batch_size, config.steps, s) for s in seeds]
    # Not cached on its own: this function's entry already holds the result, and keying the run
    # by its batches would hash up to 100 MB of them at every width.
    run = train_algorithm_1.uncached(  # type: ignore[attr-defined]
        PresampledBatches(*(torch.stack(part, 1) for part in zip(*parts, strict=True))),
        recipe,
        size,
        config.steps,
        config.batch_size,
        seeds,
        checkpoint_steps=tuple(range(every, config.steps + 1, every)),
    )
    errors = torch.stack([distribution.zero_one_error(net) for net in run.checkpoints.values()])
    best = torch.nan_to_num(errors, nan=1.0).min(0).values
    return torch.where(run.diverged, torch.ones_like(best), best).numpy()


def learner_walk(learner: Learner, config: ParitySeparationConfig | None = None) -> NeedWalk:
    """How ``learner``'s size need is walked at each ``k`` (module docstring): its size grid up
    to the cap, the exact population error, the setting's error level."""
    config = config or ParitySeparationConfig()
    return NeedWalk(
        sizes=partial(_size_grid, learner, config),
        error_at=partial(_population_errors_at, learner, config),
        target_error=_target_error,
        name=learner.value,
    )


def _size_grid(
    learner: Learner, config: ParitySeparationConfig, setting: ParitySeparationSetting, k: float
) -> tuple[int, ...]:
    return config.size_grid(learner, setting.dimension)


def _population_errors_at(
    learner: Learner,
    config: ParitySeparationConfig,
    setting: ParitySeparationSetting,
    k: float,
    size: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    return learner_population_errors(learner, setting, config, int(k), size, seeds)


def _target_error(setting: Any) -> float:
    return setting.target_error


def size_need_check(
    statement: GrowthStatement,
    config: ParitySeparationConfig | None = None,
    rivals: tuple[GrowthStatement, ...] = (),
    observation: str | None = None,
) -> TheoryCheck[ParitySeparationSetting]:
    """A growth ``statement`` in ``k`` about one learner's size need
    (:func:`~gflcheck.core.statement_kinds.need_check`, log-linear: the slope of ``log need`` per
    unit of ``k``), told apart from ``rivals`` (a polynomial against an exponential)."""
    config = config or ParitySeparationConfig()
    if statement.variable != "k" or statement.logarithmic:
        raise ParameterRangeError("statement", statement.name, "a growth statement in k")
    learner = statement.learner
    return need_check(
        f"gfl-parity-separation/{learner.name.lower().replace('_', '-')}",
        statement.bound,
        "k",
        st.nothing(),
        _sparsities,
        learner_walk(learner, config),
        at_least=statement.at_least,
        tolerance=config.tolerance,
        alpha=config.alpha,
        runs=config.seeds,
        logarithmic=False,
        quantifiers=partial(_quantifiers, learner, config),
        rivals=[Rival(r.bound, r.at_least, name=r.name) for r in rivals],
        wording=Wording(statement=statement.name, label=_parity_label),
        expectation=Expectation(why_false=statement.why_false, observation=observation),
        setup=parity_setup(learner.value),
        seed_plan=SeedPlan(stream="parity-separation"),
    )


def paired_gap_check(config: ParitySeparationConfig | None = None) -> TheoryCheck[Any]:
    """The parity separation's comparison
    (:func:`~gflcheck.theorems.separation.random_features_size_grows_faster_in_k`): the paired
    ratio ``N*_random features/m*_trained``, per ``k`` and seed, grows with ``k``: the
    grid-level slope of its log per unit of ``k`` above 0
    (:func:`~gflcheck.core.statement_kinds.separation_check` on both walks), told apart from a ratio
    that stays bounded."""
    config = config or ParitySeparationConfig()
    bound = random_features_size_grows_faster_in_k()
    return separation_check(
        "gfl-parity-separation/paired-gap/random-features",
        bound,
        "k",
        st.nothing(),
        _sparsities,
        needs=(
            learner_walk(Learner.RANDOM_FEATURES, config),
            learner_walk(Learner.TRAINED_NETWORK, config),
        ),
        alpha=config.alpha,
        runs=config.seeds,
        logarithmic=False,
        quantifiers={
            "paired by seed": "the same seed index: the features' and the network's streams of "
            "one seed (random features see the population, the network fresh batches)",
        },
        rivals=[Rival(ratio_stays_bounded(bound), at_least=False)],
        wording=Wording(
            statement="random features need grows faster than the trained network's",
            label=_parity_label,
        ),
        setup=parity_setup(Learner.RANDOM_FEATURES.value),
        seed_plan=SeedPlan(stream="parity-separation"),
    )


def _parity_label(setting: ParitySeparationSetting) -> str:
    return f"d={setting.dimension}"


def _sparsities(setting: ParitySeparationSetting) -> Sequence[int]:
    return setting.sparsities


def _quantifiers(
    learner: Learner, config: ParitySeparationConfig, setting: Any, raw: Any
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    if learner is Learner.RANDOM_FEATURES:
        description = (
            f"N ReLU random features, least squares on the population, ridge {config.ridge:g}·tr/N"
        )
    else:
        description = (
            f"Algorithm 1, width m, η¹ × {config.first_step_boost:g}, T = {config.steps}, fresh "
            f"batches of {config.batch_size}; best of {config.checkpoints} checkpoints"
        )
    return (
        Q(
            "parity",
            f"structured k-sparse parity on {{±1}}^{setting.dimension}, exact sums",
            f"k ∈ {list(setting.sparsities)}",
        ),
        Q("the learner", learner.value, description),
    )


PARITY_SEPARATION_SETTING = ParitySeparationSetting(dimension=12, sparsities=(2, 3, 4, 5), seed=0)


_PARITY_K = "2…5"


_PARITY_GRID = (
    "on k = 2…5 the slope rests on four grid points (2 degrees of freedom): no rate in k is "
    "confirmed or refuted there, and the verdict names the grid that would tell the claim from "
    "its rival; k cannot grow past d/2 = 6 on {±1}^12 (C(d, k) falls beyond it), and d ≥ 16 "
    "needs population fits over 2^16 points with tens of thousands of features"
)


ENTRIES: tuple[CatalogueEntry, ...] = (
    at_rate_share(
        size_need_check(
            fixed_features_need_exponential_size(), rivals=(fixed_features_need_quartic_size(),)
        )
    ).catalogue_entry(
        PARITY_SEPARATION_SETTING,
        f"structured parity on {{±1}}^12, k = {_PARITY_K}: random features need Ω(2^k) "
        "features (told apart from O(k⁴))",
        "gfl/kernel-separation/parity/random-features",
        sweep=True,
        also_accepts=(Outcome.INCONCLUSIVE,),
        because=_PARITY_GRID,
    ),
    at_rate_share(
        size_need_check(
            trained_network_needs_quadratic_width(),
            rivals=(trained_network_needs_exponential_width(),),
        )
    ).catalogue_entry(
        PARITY_SEPARATION_SETTING,
        f"structured parity on {{±1}}^12, k = {_PARITY_K}: Algorithm 1 needs O(k²) neurons "
        "(told apart from Ω(2^k))",
        "gfl/kernel-separation/parity/trained-network",
        sweep=True,
        also_accepts=(Outcome.INCONCLUSIVE,),
        because=_PARITY_GRID,
    ),
    at_rate_share(paired_gap_check()).catalogue_entry(
        PARITY_SEPARATION_SETTING,
        f"structured parity on {{±1}}^12, k = {_PARITY_K}: random features' size need over the "
        "trained network's, paired by seed, grows with k (whichever of 2^k and k⁴ each follows)",
        "gfl/kernel-separation/parity/paired-gap",
        sweep=True,
        also_accepts=(Outcome.INCONCLUSIVE,),
        because=_PARITY_GRID,
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""


def parity_walks() -> list[WalkedNeeds]:
    """The size needs of random features and the trained network on the declared parity
    separation (d = 12, k = 2…5), as their need checks walk them."""
    statements = (fixed_features_need_exponential_size(), trained_network_needs_quadratic_width())
    return [size_need_check(s).run_with_evidence(PARITY_SEPARATION_SETTING)[1] for s in statements]


def _parity_figure() -> NeedFigure:
    """The report's figure: the size needs of random features and the trained network on the
    declared parity separation (:func:`parity_walks`), with the slopes of C·2^k and C·k²."""
    references = reference_slopes(
        PARITY_SEPARATION_SETTING.sparsities,
        fixed_features_need_exponential_size(),
        trained_network_needs_quadratic_width(),
    )
    return NeedFigure(
        parity_walks(),
        references,
        "Size needed for exact error ≤ 0.05, structured parity on $\\{\\pm 1\\}^{12}$",
        "Per seed, the least number of random features (fitted on the population) or of "
        "trained neurons (Algorithm 1) whose exact 0-1 error reaches "
        f"{PARITY_SEPARATION_SETTING.target_error:g}, against the parity order k (log scale); "
        "grid-level slopes per unit k with 95% intervals, and those of C·2^k and C·k².",
        variable="k",
        need="features N* / neurons m*",
    )


ILLUSTRATIONS: tuple[Illustration, ...] = (
    Illustration(
        "parity_separation", "Beyond the kernel regime (Shi–Wei–Liang poster)", _parity_figure
    ),
)
"""The report's figure of this claim: the size needs of the two learners."""
