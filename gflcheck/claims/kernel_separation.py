"""Beyond the kernel regime on the XOR-like mixture: how the sample need of each learner grows in d.

The poster's separation (Shi–Wei–Liang, ``docs/setups.md``) made measurable (``ours``):

- **Data**: the XOR-like mixture ``±μ₁ → +1``, ``±μ₂ → −1``, ``μ₁ ⊥ μ₂``, noise ``N(0, I_d)``,
  so the label is a degree-2 function of two directions hidden in ``R^d``. The paper's scaling of
  the means with ``d`` is not known, so the scaling is a declared one-parameter family:
  ``‖μ‖ = R·(d/d₀)^a`` (``d₀`` the grid's smallest ``d``). ``a = 0`` is Refinetti et al.'s low-SNR
  regime (every learner needs ``Ω(d)`` samples; fixed features about ``d²``), ``a = ½`` their
  high-SNR regime (equivalently noise ``I/d`` with ``‖μ‖ = O(1)``: the clusters stay apart as
  ``d`` grows), ``a = ¼`` in between. Both halves of the separation are judged at each scaling.
- **Learners**, all on the same training sample of size ``n`` per seed:
  *random features*, ``N = ⌈n/2⌉`` fixed ReLU features ``ReLU(⟨w,x⟩ − b)`` with
  ``w ~ N(0, I/d)``, ``b ~ N(0, 1)``, output layer by ridge regression on the labels;
  *NTK-linearised*, the tangent features ``(ReLU(⟨w_j,x⟩ − b_j), a_j 1[⟨w_j,x⟩ > b_j]·x)`` of a
  width-``⌈N/(d+1)⌉`` network at initialisation (``a ~ N(0, 1)``), so the same ``≈ N``
  features, fitted the same way; the *trained network*, Algorithm 1 at width
  ``m = 2⌈C_m ln d⌉`` (neurons growing like ``log d``), full-batch on the sample for ``T`` steps.
  Ridge: ``(K + λ·tr(K)/n·I)α = y`` with ``K = ΦΦᵀ``, solved by Cholesky in float64.
- **Sample need** ``n*(d)`` of one seed: the least ``n`` of a geometric grid (ratio ``√2``) at which
  the seed's test error (on ``test_size`` fresh points) is at most the declared level
  (:class:`~gflcheck.core.statement_kinds.NeedWalk`); a seed still above it at the cap is censored and
  reported, never dropped. Seeds are the streams ``separation-0, 1, …`` of the setting's seed, so
  a learner measured on fewer seeds shares a prefix with the others.
- **Growth**: :func:`~gflcheck.core.statement_kinds.need_check`, the grid-level slope of ``log n*`` on
  ``log d`` against the statement's own slope over the grid ``∓ τ``; the comparison of two
  learners: :func:`~gflcheck.core.statement_kinds.separation_check` on their paired needs; the error
  at a sample schedule ``n = c·d^a``: :func:`~gflcheck.core.statement_kinds.rate_check`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck.core.confidence import SeedPlan
from gflcheck.core.declare import CatalogueEntry, Rival, TheoryCheck
from gflcheck.core.entries import at_rate_share
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.needs import distinct_dimensions, geometric_sample_grid
from gflcheck.core.setups import SetUp, separation_setup
from gflcheck.core.statement_kinds import (
    NeedWalk,
    WalkedNeeds,
    need_check,
    rate_check,
    separation_check,
)
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.models.distributions.gaussian_mixture import GaussianMixture, xor_mixture
from gflcheck.models.training import PresampledBatches, gaussian_mixture_recipe, train_algorithm_1
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.devices import to_compute_device
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)
from gflcheck.theorems.separation import (
    CollapseStatement,
    GrowthStatement,
    Learner,
    fixed_features_error_rises_at_linear_samples,
    fixed_features_need_grows_faster,
    fixed_features_need_quadratic_samples,
    fixed_features_need_root_d_samples,
    random_features_error_bounded_at_few_samples,
    random_features_error_bounded_at_quadratic_samples,
    ratio_stays_bounded,
    trained_network_needs_linear_samples,
    trained_network_needs_root_d_samples,
)


def setting_dimensions(setting: Any) -> Sequence[int]:
    """The grid of a need check over ``d``: its setting's ``dimensions``."""
    return setting.dimensions


@dataclass(frozen=True)
class SampleNeedConfig:
    """Declared constants of a sample-need walk on a geometric grid: seeds, the grid's ends, the
    test set, the growth check's ``τ`` and ``α`` (subclassed by the checks that walk one)."""

    seeds: int = 16
    smallest_sample: int = 32
    largest_sample: int = 1 << 17
    test_size: int = 4000
    tolerance: float = 0.25
    alpha: float = 0.05

    def __post_init__(self) -> None:
        context = type(self).__name__
        require_int_at_least("seeds", self.seeds, 2, context)
        require_positive_int("smallest_sample", self.smallest_sample, context)
        require_int_at_least("largest_sample", self.largest_sample, self.smallest_sample, context)
        require_positive_int("test_size", self.test_size, context)
        require_positive("tolerance", self.tolerance, context)
        require_open_unit_interval("alpha", self.alpha, context)

    def sample_grid(self, setting: Any = None, value: float = 0.0) -> tuple[int, ...]:
        """``n = ⌊n₀·2^{j/2}⌉`` from ``smallest_sample`` up to ``largest_sample`` (the same at
        every grid point: a :class:`~gflcheck.core.statement_kinds.NeedWalk`'s ``sizes``)."""
        return geometric_sample_grid(self.smallest_sample, self.largest_sample)


LOW_SNR, QUARTER_SNR, HIGH_SNR = 0.0, 0.25, 0.5
"""The declared scalings ``a`` of ``‖μ‖ = R·(d/d₀)^a``: Refinetti et al.'s two regimes and the
midpoint between them."""


@dataclass(frozen=True)
class SeparationSetting:
    """The dimensions, the mean norm ``R`` at the smallest ``d₀``, the error level that counts as
    learned, the seed, and the scaling exponent ``a``: ``‖μ‖ = R·(d/d₀)^a`` (module
    docstring)."""

    dimensions: tuple[int, ...] = (16, 24, 32, 48, 64)
    separation: float = 3.0
    target_error: float = 0.25
    seed: int = 0
    snr_exponent: float = LOW_SNR

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", distinct_dimensions(self.dimensions))
        require_positive("separation", self.separation, "SeparationSetting")
        require_open_unit_interval("target_error", self.target_error, "SeparationSetting")
        if self.target_error >= 0.5:
            raise ParameterRangeError("target_error", self.target_error, "a level in (0, 0.5)")
        require_int_at_least("seed", self.seed, 0, "SeparationSetting")
        if not 0.0 <= self.snr_exponent <= 1.0:
            raise ParameterRangeError(
                "snr_exponent",
                self.snr_exponent,
                "a in [0, 1] (‖μ‖ = R·(d/d₀)^a: 0 low SNR, ½ high SNR)",
                "SeparationSetting",
            )

    def mean_norm(self, dimension: int) -> float:
        """``‖μ‖`` at ``d``: ``R·(d/d₀)^a``."""
        return self.separation * (dimension / self.dimensions[0]) ** self.snr_exponent

    @property
    def scaling(self) -> str:
        """``a = 0 (low SNR)``, ``a = 0.25``, ``a = 0.5 (high SNR)``."""
        names = {LOW_SNR: " (low SNR)", HIGH_SNR: " (high SNR)"}
        return f"a = {self.snr_exponent:g}{names.get(self.snr_exponent, '')}"

    def distribution(self, dimension: int) -> GaussianMixture:
        """The XOR-like mixture in ``R^dimension`` (its directions from the setting's seed)."""
        generator = torch_generator(self.seed, f"separation-mixture-{dimension}")
        return xor_mixture(dimension, self.mean_norm(dimension), 1.0, generator)


@dataclass(frozen=True)
class SeparationConfig:
    """Declared constants of the separation check (module docstring)."""

    seeds: int = 16
    ntk_seeds: int = 8
    smallest_sample: int = 16
    largest_sample: int = 8192
    test_size: int = 4000
    ridge: float = 1e-2
    width_constant: float = 4.0
    steps: int = 300
    learning_rate_factor: float = 8.0
    tolerance: float = 0.25
    alpha: float = 0.05

    def __post_init__(self) -> None:
        require_int_at_least("seeds", self.seeds, 2, "SeparationConfig")
        require_int_at_least("ntk_seeds", self.ntk_seeds, 2, "SeparationConfig")
        require_int_at_least("smallest_sample", self.smallest_sample, 2, "SeparationConfig")
        require_int_at_least(
            "largest_sample", self.largest_sample, self.smallest_sample, "SeparationConfig"
        )
        require_positive_int("test_size", self.test_size, "SeparationConfig")
        require_positive("ridge", self.ridge, "SeparationConfig")
        require_positive("width_constant", self.width_constant, "SeparationConfig")
        require_positive_int("steps", self.steps, "SeparationConfig")
        require_positive("learning_rate_factor", self.learning_rate_factor, "SeparationConfig")
        require_positive("tolerance", self.tolerance, "SeparationConfig")
        require_open_unit_interval("alpha", self.alpha, "SeparationConfig")

    def sample_grid(self, setting: Any = None, value: float = 0.0) -> tuple[int, ...]:
        """``n = ⌊n₀·2^{j/2}⌉`` from ``smallest_sample`` up to ``largest_sample``."""
        return geometric_sample_grid(self.smallest_sample, self.largest_sample)

    def seeds_for(self, learner: Learner) -> int:
        """``ntk_seeds`` for the NTK-linearised learner (its ``n × n`` Gram matrices, ``n`` up to
        about 6000 at d = 64, are the costly part), ``seeds`` for the others."""
        return self.ntk_seeds if learner is Learner.NTK else self.seeds

    def trained_width(self, dimension: int) -> int:
        """``m = 2⌈C_m ln d⌉``: neurons growing like ``log d``, in ± pairs."""
        return 2 * math.ceil(self.width_constant * math.log(dimension))


def _samples(
    distribution: GaussianMixture, size: int, seeds: Sequence[int], stream: str
) -> tuple[torch.Tensor, torch.Tensor]:
    xs, ys = zip(
        *(
            distribution.sample(size, torch_generator(seed, stream), torch.float64)
            for seed in seeds
        ),
        strict=True,
    )
    return torch.stack(xs), torch.stack(ys)


def _fixed_feature_kernel(learner: Learner, dimension: int, count: int, seed: int):
    """``(x [n, d], x' [n', d]) → K [n, n']``, the Gram matrix ``ΦΦ'ᵀ`` of one seed's random
    features or of its NTK-linearised model's tangent features (module docstring).

    The tangent Gram matrix is formed without the ``M(d+1)`` features:
    ``Σ_j ReLU_j(x)ReLU_j(x') + ⟨x, x'⟩·Σ_j a_j² 1_j(x)1_j(x')``."""
    generator = torch_generator(seed, f"separation-features-{count}")
    neurons = count if learner is Learner.RANDOM_FEATURES else math.ceil(count / (dimension + 1))
    W = torch.randn(neurons, dimension, generator=generator, dtype=torch.float64)
    W /= math.sqrt(dimension)
    b = torch.randn(neurons, generator=generator, dtype=torch.float64)
    a = torch.randn(neurons, generator=generator, dtype=torch.float64)
    W, b, a = to_compute_device(W, b, a)  # drawn on the CPU; the solve runs on the device

    def gram(x: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
        pre, other_pre = (z @ W.T - b for z in (x, other))  # [n, M]
        kernel = torch.relu(pre) @ torch.relu(other_pre).T
        if learner is Learner.RANDOM_FEATURES:
            return kernel
        active, other_active = ((z > 0).to(z.dtype) * a for z in (pre, other_pre))
        return kernel.add_((x @ other.T).mul_(active @ other_active.T))

    return gram


def _ridge_test_error(gram, x, y, x_test, y_test, ridge: float) -> float:
    """Kernel ridge regression on ``(x, y)``, then the 0-1 error of its sign on the test points
    (on the compute device)."""
    x, y, x_test, y_test = to_compute_device(x, y, x_test, y_test)
    kernel = gram(x, x)
    scale = kernel.diagonal().mean()  # tr(K)/n
    scale = scale if scale > 0 else torch.ones_like(scale)  # no active feature: K = 0
    kernel.diagonal().add_(ridge * scale)
    coefficients = torch.cholesky_solve(y[:, None], torch.linalg.cholesky(kernel))
    prediction = (gram(x_test, x) @ coefficients).squeeze(-1)
    return float((torch.sign(prediction) != y_test).double().mean())


@cached_run
def learner_test_errors(
    learner: Learner,
    setting: SeparationSetting,
    config: SeparationConfig,
    dimension: int,
    samples: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    """Per seed, the 0-1 test error of ``learner`` trained on ``samples`` points in ``R^dimension``.

    Training sample: stream ``separation-train-{n}`` of each seed (the same for all learners);
    test sample: ``test_size`` points from stream ``separation-test``."""
    distribution = setting.distribution(dimension)
    x, y = _samples(distribution, samples, seeds, f"separation-train-{samples}")
    x_test, y_test = _samples(distribution, config.test_size, seeds, "separation-test")
    if learner is not Learner.TRAINED_NETWORK:
        # One seed at a time: an n×n Gram matrix per seed is the memory that matters.
        count = math.ceil(samples / 2)
        return np.array(
            [
                _ridge_test_error(
                    _fixed_feature_kernel(learner, dimension, count, seed),
                    x[i],
                    y[i],
                    x_test[i],
                    y_test[i],
                    config.ridge,
                )
                for i, seed in enumerate(seeds)
            ]
        )
    width = config.trained_width(dimension)
    recipe = gaussian_mixture_recipe(
        dimension, width, distribution.expected_norm(), distribution.expected_squared_norm()
    )
    recipe = replace(
        recipe,
        name="kernel-separation",
        learning_rate=config.learning_rate_factor / distribution.expected_squared_norm(),
        fresh_samples=False,
        description=f"gaussian-mixture recipe, η = {config.learning_rate_factor:g}/B_x2, one sample",
    )
    steps = config.steps
    batches = PresampledBatches(
        x.float()[None].expand(steps + 1, -1, -1, -1), y.float()[None].expand(steps + 1, -1, -1)
    )
    # Not cached on its own: this function's entry holds the result, and keying the run by its
    # batches would hash the expanded [T+1, k, n, d] view in full (40 GB at n = 8192, d = 256).
    run = train_algorithm_1.uncached(  # type: ignore[attr-defined]
        batches, recipe, width, steps, samples, seeds
    )
    prediction = run.final(x_test.float())
    wrong = (torch.sign(prediction) != y_test.float()).double().mean(1)
    return torch.where(run.diverged, torch.ones_like(wrong), wrong).numpy()


def learner_walk(learner: Learner, config: SeparationConfig | None = None) -> NeedWalk:
    """How ``learner``'s sample need is walked (module docstring): the sample grid, its test
    error (:func:`learner_test_errors`) and the setting's error level, on ``config``'s seeds."""
    config = config or SeparationConfig()
    return NeedWalk(
        sizes=config.sample_grid,
        error_at=partial(_test_errors_at, learner, config),
        target_error=_target_error,
        runs=config.seeds_for(learner),
        name=learner.value,
    )


def _test_errors_at(
    learner: Learner,
    config: SeparationConfig,
    setting: SeparationSetting,
    dimension: float,
    samples: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    return learner_test_errors(learner, setting, config, int(dimension), samples, seeds)


def _target_error(setting: Any) -> float:
    return setting.target_error


def sample_need_check(
    statement: GrowthStatement,
    config: SeparationConfig | None = None,
    rivals: Sequence[GrowthStatement] = (),
    discrepancy: str | None = None,
    observation: str | None = None,
) -> TheoryCheck[SeparationSetting]:
    """A growth ``statement`` about one learner's sample need on the mixture
    (:func:`~gflcheck.core.statement_kinds.need_check` over the setting's dimensions, at its scaling),
    told apart from ``rivals``; ``discrepancy``: why the claim is expected to fail at the
    scaling it is run at (it stays judged)."""
    config = config or SeparationConfig()
    learner = statement.learner
    return need_check(
        f"gfl-kernel-separation/{learner.name.lower().replace('_', '-')}",
        statement.bound,
        "d",
        st.nothing(),
        setting_dimensions,
        learner_walk(learner, config),
        at_least=statement.at_least,
        tolerance=config.tolerance,
        alpha=config.alpha,
        runs=config.seeds_for(learner),
        quantifiers=partial(_quantifiers, learner, config),
        rivals=[_rival(r) for r in rivals],
        wording=Wording(statement=statement.name, label=_scaling_label),
        expectation=Expectation(
            why_false=statement.why_false, discrepancy=discrepancy, observation=observation
        ),
        setup=partial(setup_of_separation, learner),
        seed_plan=SeedPlan(stream="separation"),
    )


def _rival(statement: GrowthStatement) -> Rival:
    return Rival(statement.bound, statement.at_least, name=statement.name)


def paired_gap_check(
    fixed: Learner = Learner.RANDOM_FEATURES, config: SeparationConfig | None = None
) -> TheoryCheck[SeparationSetting]:
    """The separation's comparison on the mixture
    (:func:`~gflcheck.theorems.separation.fixed_features_need_grows_faster`): the paired ratio
    ``n*_fixed/n*_trained`` grows with ``d`` (:func:`~gflcheck.core.statement_kinds.separation_check`
    on both learners' walks, the same seeds and training samples), told apart from a ratio that
    stays bounded."""
    config = config or SeparationConfig()
    bound = fixed_features_need_grows_faster(fixed)
    return separation_check(
        f"gfl-kernel-separation/paired-gap/{fixed.name.lower().replace('_', '-')}",
        bound,
        "d",
        st.nothing(),
        setting_dimensions,
        needs=(learner_walk(fixed, config), learner_walk(Learner.TRAINED_NETWORK, config)),
        alpha=config.alpha,
        runs=min(config.seeds_for(fixed), config.seeds_for(Learner.TRAINED_NETWORK)),
        quantifiers={
            "paired by seed": "both learners see the same training samples; ratio "
            "n*_fixed/n*_trained per (d, seed)",
        },
        rivals=[Rival(ratio_stays_bounded(bound), at_least=False)],
        wording=Wording(
            statement=f"{fixed.value} need grows faster than the trained network's",
            label=_scaling_label,
        ),
        setup=partial(setup_of_separation, fixed),
        seed_plan=SeedPlan(stream="separation"),
    )


def _scaling_label(setting: SeparationSetting) -> str:
    return f"a={setting.snr_exponent:g}"


def _learner_description(learner: Learner, config: SeparationConfig) -> str:
    if learner is Learner.RANDOM_FEATURES:
        return f"N = ⌈n/2⌉ ReLU random features, ridge λ = {config.ridge:g}·tr(K)/n"
    if learner is Learner.NTK:
        return (
            f"tangent features of a width-⌈N/(d+1)⌉ network at init (N = ⌈n/2⌉), ridge "
            f"λ = {config.ridge:g}·tr(K)/n"
        )
    return (
        f"Algorithm 1, m = 2⌈{config.width_constant:g} ln d⌉, full batch, T = {config.steps}, "
        f"η = {config.learning_rate_factor:g}/B_x2"
    )


def _quantifiers(
    learner: Learner, config: SeparationConfig, setting: SeparationSetting, raw: Any
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    return (
        Q(
            "the Gaussian mixture",
            f"XOR-like mixture, ‖μ‖ = R·(d/d₀)^a, {setting.scaling}, R = {setting.separation:g}",
            f"d ∈ {list(setting.dimensions)}; ‖μ‖ = "
            + ", ".join(f"{setting.mean_norm(d):.3g}" for d in setting.dimensions),
        ),
        Q("the learner", learner.value, _learner_description(learner, config)),
    )


def setup_of_separation(learner: Learner, setting: SeparationSetting) -> SetUp:
    """The set-up of ``learner`` on the mixture in ``setting``'s scaling."""
    return separation_setup(learner.value, setting.snr_exponent)


def collapse_check(
    statement: CollapseStatement, config: SeparationConfig | None = None
) -> TheoryCheck[SeparationSetting]:
    """``statement`` as a rate statement (:func:`~gflcheck.core.statement_kinds.rate_check`, method
    ``slope``) on the setting's dimensions: per seed, the learner's test error with
    ``n = c·d^a`` samples (:func:`learner_test_errors`, ``test_size`` fresh points, the seeds
    and training samples of the need walks), and the grid-level slope of ``log error`` on
    ``log d``. *Rises*: the slope's interval lies at or above 0; *does not rise*: at or below 0,
    each told apart from the other. No tolerance either way: a learner whose need grows like
    ``d^a`` keeps a flat error, and a tolerance would let the schedules on either side of it
    pass."""
    config = config or SeparationConfig()
    learner = statement.learner.name.lower().replace("_", "-")
    schedule = "linear" if statement.exponent == 1 else f"d{statement.exponent:g}"
    return rate_check(
        f"gfl-kernel-separation/{learner}/error-at-{schedule}-n",
        statement.bound,
        "d",
        st.nothing(),
        setting_dimensions,
        partial(_errors_at_schedule, statement, config),
        at_least=statement.rises,
        alpha=config.alpha,
        runs=config.seeds_for(statement.learner),
        quantifiers={
            "the learner": f"{statement.learner.value}: "
            f"{_learner_description(statement.learner, config)}",
            "samples": f"{statement.samples} per seed (the same sample for every learner)",
            "test error": f"0-1 error on {config.test_size} fresh points per seed",
        },
        rivals=[Rival(statement.bound, not statement.rises, name=_opposite(statement))],
        expectation=Expectation(why_false=statement.why_false),
        wording=Wording(label=_scaling_label),
        setup=partial(setup_of_separation, statement.learner),
        seed_plan=SeedPlan(stream="separation"),
    )


def _opposite(statement: CollapseStatement) -> str:
    """The rival of a collapse statement: its error moves the other way."""
    return f"{statement.learner.value}: error at {statement.samples} " + (
        "does not rise with d (rival)" if statement.rises else "rises with d (rival)"
    )


def _errors_at_schedule(
    statement: CollapseStatement,
    config: SeparationConfig,
    setting: SeparationSetting,
    dimension: float,
    seeds: tuple[int, ...],
) -> np.ndarray:
    d = int(dimension)
    return learner_test_errors(
        statement.learner, setting, config, d, statement.sample_size(d), seeds
    )


MIXTURE_DIMENSIONS = (16, 20, 24, 28, 32, 40, 48, 56, 64)
"""The separation's grid of d: nine points, so that the grid-level slope has 7 degrees of
freedom."""


SEPARATION_SETTING = SeparationSetting(dimensions=MIXTURE_DIMENSIONS, separation=3.0, seed=0)


SCALINGS = (LOW_SNR, QUARTER_SNR, HIGH_SNR)
"""The declared family of scalings ‖μ‖ = 3·(d/16)^a scanned for the separation."""


def scaled(a: float) -> SeparationSetting:
    """The separation's setting at the scaling ``‖μ‖ = 3·(d/16)^a``."""
    return replace(SEPARATION_SETTING, snr_exponent=a)


ENTRIES: tuple[CatalogueEntry, ...] = (
    at_rate_share(
        collapse_check(fixed_features_error_rises_at_linear_samples(Learner.RANDOM_FEATURES))
    ).catalogue_entry(
        SEPARATION_SETTING,
        "low SNR, d = 16…64: random features' error at n = 16d rises with d (their need ≫ d)",
        "gfl/kernel-separation/random-features/error-at-16d",
        sweep=True,
    ),
    at_rate_share(
        collapse_check(fixed_features_error_rises_at_linear_samples(Learner.NTK))
    ).catalogue_entry(
        SEPARATION_SETTING,
        "low SNR, d = 16…64: the NTK-linearised model's error at n = 16d rises with d",
        "gfl/kernel-separation/ntk/error-at-16d",
        sweep=True,
    ),
    at_rate_share(
        collapse_check(random_features_error_bounded_at_quadratic_samples())
    ).catalogue_entry(
        SEPARATION_SETTING,
        "Ghorbani et al. 2021 (secondary), low SNR: random features' error at n = d²/4 does not "
        "rise with d",
        "gfl/kernel-separation/random-features/error-at-d2",
        sweep=True,
    ),
    at_rate_share(collapse_check(random_features_error_bounded_at_few_samples())).catalogue_entry(
        SEPARATION_SETTING,
        "false variant: random features' error at n = 4·d^1.25 does not rise with d",
        "gfl/kernel-separation/random-features/error-at-d1.25",
        sweep=True,
    ),
    at_rate_share(sample_need_check(trained_network_needs_root_d_samples())).catalogue_entry(
        SEPARATION_SETTING,
        "false variant near the break point: Algorithm 1 needs only O(√d) samples (low SNR)",
        "gfl/kernel-separation/trained-network/root-d",
        sweep=True,
    ),
    at_rate_share(sample_need_check(fixed_features_need_root_d_samples())).catalogue_entry(
        SEPARATION_SETTING,
        "false variant: random features need only O(√d) samples (low SNR; O(d) is not refuted "
        "at the top of d ≤ 64)",
        "gfl/kernel-separation/random-features/root-d",
        sweep=True,
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""


def separation_walks(setting: SeparationSetting = SEPARATION_SETTING) -> list[WalkedNeeds]:
    """The sample needs of random features, the NTK-linearised model and the trained network on
    a declared separation setting (default: a = 0, d = 16…64), as their need checks walk them."""
    statements = (
        fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES),
        fixed_features_need_quadratic_samples(Learner.NTK),
        trained_network_needs_linear_samples(),
    )
    return [sample_need_check(s).run_with_evidence(setting)[1] for s in statements]
