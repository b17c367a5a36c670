"""The learners of the separation on the XOR-like mixture, and their per-seed test errors.

- **Data**: the XOR-like mixture ``±μ₁ → +1``, ``±μ₂ → −1``, ``μ₁ ⊥ μ₂``, noise ``N(0, I_d)``,
  with the means scaled as ``‖μ‖ = R·(d/d₀)^a`` (``d₀`` the grid's smallest ``d``;
  :class:`SeparationSetting`).
- **Learners**, all on the same training sample of size ``n`` per seed:
  *random features*, ``N = ⌈n/2⌉`` fixed ReLU features ``ReLU(⟨w,x⟩ − b)`` with
  ``w ~ N(0, I/d)``, ``b ~ N(0, 1)``, output layer by ridge regression on the labels;
  *NTK-linearised*, the tangent features ``(ReLU(⟨w_j,x⟩ − b_j), a_j 1[⟨w_j,x⟩ > b_j]·x)`` of a
  width-``⌈N/(d+1)⌉`` network at initialisation (``a ~ N(0, 1)``), so the same ``≈ N``
  features, fitted the same way; the *trained network*, Algorithm 1 at width
  ``m = 2⌈C_m ln d⌉`` (neurons growing like ``log d``), full-batch on the sample for ``T`` steps.
  Ridge: ``(K + λ·tr(K)/n·I)α = y`` with ``K = ΦΦᵀ``, solved by Cholesky in float64 (in the
  primal, ``ΦᵀΦ``, when there are fewer features than points: the same predictor).
- **Sample need** ``n*(d)`` of one seed: the least ``n`` of a geometric grid (ratio ``√2``) at which
  the seed's test error (on ``test_size`` fresh points) is at most the declared level
  (:class:`~gflcheck.core.needs.NeedWalk`, :func:`learner_walk`).
- **Size needs**: the trained network's least width on 2048 points (:func:`neuron_walk`), and
  random features' least count ``N ≤ d²`` on ``16·d²`` points (:func:`feature_walk`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import torch

from gflcheck.core.estimators import zero_one_errors
from gflcheck.core.needs import (
    distinct_dimensions,
    geometric_sample_grid,
    the_same_sizes,
)
from gflcheck.core.statement_kinds import (
    NeedWalk,
)
from gflcheck.models.distributions.gaussian_mixture import GaussianMixture, xor_mixture
from gflcheck.models.learners import Learner
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

    def describe(self, learner: Learner) -> str:
        """The learner as its sample need walks it: features, ridge, or Algorithm 1's recipe."""
        ridge = f"ridge λ = {self.ridge:g}·tr(K)/n"
        if learner is Learner.RANDOM_FEATURES:
            return f"N = ⌈n/2⌉ ReLU random features, {ridge}"
        if learner is Learner.NTK:
            return f"tangent features of a width-⌈N/(d+1)⌉ network at init (N = ⌈n/2⌉), {ridge}"
        return (
            f"Algorithm 1, m = 2⌈{self.width_constant:g} ln d⌉, full batch, T = {self.steps}, "
            f"η = {self.learning_rate_factor:g}/B_x2"
        )

    def trained_width(self, dimension: int) -> int:
        """``m = 2⌈C_m ln d⌉``: neurons growing like ``log d``, in ± pairs."""
        return 2 * math.ceil(self.width_constant * math.log(dimension))


def _samples(
    setting: SeparationSetting, dimension: int, size: int, seeds: Sequence[int], stream: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each seed's sample of ``size`` points from its stream ``stream``, stacked: ``[k, size, d]``,
    ``[k, size]``."""
    xs, ys = zip(*(_seed_sample(setting, dimension, size, s, stream) for s in seeds), strict=True)
    return torch.stack(xs), torch.stack(ys)


@functools.lru_cache(maxsize=32)
def _seed_sample(
    setting: SeparationSetting, dimension: int, size: int, seed: int, stream: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """One seed's ``size`` points in ``R^dimension`` from its stream ``stream``, in float64. Kept
    for the walk's next size: the test points (``separation-test``) serve every learner and
    size at a ``d``, and the neuron and feature walks fit every width or count on one training
    sample. 32 entries: one walk's 16 seeds' test and training samples (at d = 64 in the
    feature walk, about 0.5 GB)."""
    generator = torch_generator(seed, stream)
    return setting.distribution(dimension).sample(size, generator, torch.float64)


@dataclass(frozen=True)
class _FixedFeatures:
    """One seed's random ReLU features ``φ_j(x) = ReLU(⟨w_j,x⟩ − b_j)`` (random features), or
    its NTK-linearised model's tangent features ``(φ_j(x), a_j 1[⟨w_j,x⟩ > b_j]·x)`` (module
    docstring), with the kernel ridge fit written through them:

        K = ΦΦᵀ = φφᵀ + (xxᵀ) ⊙ (ψψᵀ),   ψ_j(x) = a_j 1[⟨w_j,x⟩ > b_j],
        f(x_t) = Σ_i α_i K(x_t, x_i) = φ(x_t)·(φᵀα) + Σ_j ψ_j(x_t)⟨x_t, Σ_i α_i ψ_j(x_i) x_i⟩,

    so the features of the training points are formed once, and a prediction costs
    ``O(n_t·M·d)``, not the ``n_t × n`` test kernel."""

    W: torch.Tensor
    b: torch.Tensor
    a: torch.Tensor
    tangent: bool

    def parts(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``(φ(x), ψ(x))`` of points ``x [n, d]`` (``ψ`` only for tangent features)."""
        pre = x @ self.W.T - self.b  # [n, M]
        active = (pre > 0).to(x.dtype).mul_(self.a) if self.tangent else None
        return pre.relu_(), active

    def count(self, dimension: int) -> int:
        """The number of features: ``N``, or ``N·(1 + d)`` tangent features."""
        return len(self.b) * (1 + dimension if self.tangent else 1)

    def matrix(self, x: torch.Tensor) -> torch.Tensor:
        """``Φ(x) [n, N]``: the features themselves, for the primal solve."""
        relu, active = self.parts(x)
        if active is None:
            return relu
        return torch.cat([relu, (active[:, :, None] * x[:, None, :]).flatten(1)], 1)

    def gram(self, x: torch.Tensor) -> torch.Tensor:
        """``K = ΦΦᵀ`` on the training points."""
        relu, active = self.parts(x)
        kernel = relu @ relu.T
        if active is None:
            return kernel
        return kernel.add_((x @ x.T).mul_(active @ active.T))

    def predict(self, coefficients: torch.Tensor, x: torch.Tensor, x_test: torch.Tensor):
        """``f(x_t) = Σ_i α_i K(x_t, x_i)`` through the features (class docstring)."""
        relu, active = self.parts(x)
        test_relu, test_active = self.parts(x_test)
        prediction = test_relu @ (relu.T @ coefficients)
        if active is None:
            return prediction
        directions = (active * coefficients[:, None]).T @ x  # [M, d]: Σ_i α_i ψ_j(x_i) x_i
        return prediction.add_((test_active * (x_test @ directions.T)).sum(-1))


def _fixed_features(learner: Learner, dimension: int, count: int, seed: int) -> _FixedFeatures:
    """One seed's features: ``count`` random features, or ``⌈count/(d+1)⌉`` neurons' tangent
    features (``≈ count`` features)."""
    generator = torch_generator(seed, f"separation-features-{count}")
    neurons = count if learner is Learner.RANDOM_FEATURES else math.ceil(count / (dimension + 1))
    W = torch.randn(neurons, dimension, generator=generator, dtype=torch.float64)
    W /= math.sqrt(dimension)
    b = torch.randn(neurons, generator=generator, dtype=torch.float64)
    a = torch.randn(neurons, generator=generator, dtype=torch.float64)
    W, b, a = to_compute_device(W, b, a)  # drawn on the CPU; the solve runs on the device
    return _FixedFeatures(W, b, a, learner is not Learner.RANDOM_FEATURES)


def _ridge_test_error(features: _FixedFeatures, x, y, x_test, y_test, ridge: float) -> torch.Tensor:
    """The 0-1 test error of :func:`_ridge_prediction`'s sign, on the compute device and left there
    (the caller reads every seed's error at once)."""
    x, y, x_test, y_test = to_compute_device(x, y, x_test, y_test)
    prediction = _ridge_prediction(features, x, y, x_test, ridge)
    return zero_one_errors(prediction * y_test).double().mean()


def _ridge_prediction(
    features: _FixedFeatures, x: torch.Tensor, y: torch.Tensor, x_test: torch.Tensor, ridge: float
) -> torch.Tensor:
    """Kernel ridge regression on ``(x, y)`` through ``features``, predicted at ``x_test``, with
    ``λ = ridge·tr(K)/n`` (``tr(K) = ‖Φ‖²_F``). With fewer features than points it is solved in
    the primal, ``(ΦᵀΦ + λI)v = Φᵀy``, ``f(x_t) = Φ(x_t)·v``; otherwise in the dual,
    ``(K + λI)α = y``. Both give the same predictor, ``Φ(x_t)Φᵀ(ΦΦᵀ + λI)⁻¹y``."""
    phi = features.matrix(x) if features.count(x.shape[-1]) < len(x) else None
    system = phi.T @ phi if phi is not None else features.gram(x)
    trace = system.diagonal().sum() / len(x)  # tr(K)/n; no active feature (K = 0): 1
    system.diagonal().add_(ridge * torch.where(trace > 0, trace, torch.ones_like(trace)))
    factor = torch.linalg.cholesky(system)
    if phi is None:
        coefficients = torch.cholesky_solve(y[:, None], factor).squeeze(-1)
        return features.predict(coefficients, x, x_test)
    weights = torch.cholesky_solve((phi.T @ y)[:, None], factor).squeeze(-1)
    return features.matrix(x_test) @ weights


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
    x, y = _samples(setting, dimension, samples, seeds, f"separation-train-{samples}")
    x_test, y_test = _samples(setting, dimension, config.test_size, seeds, "separation-test")
    if learner is not Learner.TRAINED_NETWORK:
        # One seed at a time: an n×n Gram matrix per seed is the memory that matters.
        count = math.ceil(samples / 2)
        errors = [
            _ridge_test_error(
                _fixed_features(learner, dimension, count, seed),
                x[i],
                y[i],
                x_test[i],
                y_test[i],
                config.ridge,
            )
            for i, seed in enumerate(seeds)
        ]
        return torch.stack(errors).cpu().numpy()
    width = config.trained_width(dimension)
    return _trained_network_errors(distribution, config, width, seeds, (x, y), (x_test, y_test))


FEATURE_SAMPLES_PER_D2 = 16
"""A feature-need walk fits on ``n = 16·d²`` points per seed: at every count it walks
(``N ≤ d²``) at least 16 points per feature, so that the count, not the sample, limits the fit."""


@cached_run
def random_feature_test_errors(
    setting: SeparationSetting,
    config: SeparationConfig,
    dimension: int,
    features: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    """Per seed, the 0-1 test error of ``features`` random ReLU features fitted by ridge
    regression on ``16·d²`` points (:data:`FEATURE_SAMPLES_PER_D2`; stream
    ``separation-train-{n}``, as in :func:`learner_test_errors`), on the same test points."""
    samples = FEATURE_SAMPLES_PER_D2 * dimension**2
    x_test, y_test = _samples(setting, dimension, config.test_size, seeds, "separation-test")
    errors = [
        _ridge_test_error(
            _fixed_features(Learner.RANDOM_FEATURES, dimension, features, seed),
            *_seed_sample(setting, dimension, samples, seed, f"separation-train-{samples}"),
            x_test[i],
            y_test[i],
            config.ridge,
        )
        for i, seed in enumerate(seeds)
    ]
    return torch.stack(errors).cpu().numpy()


def feature_counts(setting: Any, dimension: float) -> tuple[int, ...]:
    """The counts a feature-need walk tries at ``d``: ``N = ⌊16·2^{j/2}⌉`` up to ``d²``, the
    claimed order (a seed that needs more is censored there)."""
    return geometric_sample_grid(16, int(dimension) ** 2)


def feature_walk(config: SeparationConfig | None = None) -> NeedWalk:
    """How random features' feature need is walked: per seed, the least count of
    :func:`feature_counts` at which their test error on ``16·d²`` points reaches the setting's
    error level (:func:`random_feature_test_errors`), on ``config``'s seeds."""
    config = config or SeparationConfig()
    return NeedWalk(
        sizes=feature_counts,
        error_at=partial(_feature_errors_at, config),
        target_error=_target_error,
        runs=config.seeds,
        name=f"{Learner.RANDOM_FEATURES.value} (features)",
    )


def _feature_errors_at(
    config: SeparationConfig,
    setting: SeparationSetting,
    dimension: float,
    features: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    return random_feature_test_errors(setting, config, int(dimension), features, seeds)


NEURON_SAMPLES = 2048
"""The sample of a neuron-need walk at every ``d``: eight times the largest sample need the main
job measures for the trained network with its ``2⌈4 ln d⌉`` neurons (256, at d = 64, a = 0)."""


NEURON_GRID = (2, 4, 6, 8, 12, 16, 24, 32, 48, 64)
"""The widths a neuron need walks (± pairs; the last is the cap)."""


@cached_run
def neuron_test_errors(
    setting: SeparationSetting,
    config: SeparationConfig,
    dimension: int,
    width: int,
    samples: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    """Per seed, the 0-1 test error of Algorithm 1 at ``width`` neurons, trained as in
    :func:`learner_test_errors` (the same samples and test points)."""
    distribution = setting.distribution(dimension)
    x, y = _samples(setting, dimension, samples, seeds, f"separation-train-{samples}")
    x_test, y_test = _samples(setting, dimension, config.test_size, seeds, "separation-test")
    return _trained_network_errors(distribution, config, width, seeds, (x, y), (x_test, y_test))


def _trained_network_errors(
    distribution: GaussianMixture,
    config: SeparationConfig,
    width: int,
    seeds: tuple[int, ...],
    sample: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
) -> np.ndarray:
    """Algorithm 1 at ``width`` on one reused sample per seed (``[k, n, d]``, ``[k, n]``), full
    batch for ``config.steps`` steps; per seed the test error on ``test`` (1 for a diverged
    run)."""
    (x, y), (x_test, y_test) = sample, test
    samples = x.shape[1]
    recipe = gaussian_mixture_recipe(
        distribution.dimension,
        width,
        distribution.expected_norm(),
        distribution.expected_squared_norm(),
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
    wrong = zero_one_errors(prediction * y_test.float()).double().mean(1)
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


def neuron_walk(samples: int, config: SeparationConfig | None = None) -> NeedWalk:
    """How the trained network's neuron need is walked: per seed, the least width of
    :data:`NEURON_GRID` at which Algorithm 1 on ``samples`` points reaches the setting's error
    level (:func:`neuron_test_errors`), on ``config``'s seeds."""
    config = config or SeparationConfig()
    return NeedWalk(
        sizes=partial(the_same_sizes, NEURON_GRID),
        error_at=partial(_neuron_errors_at, config, samples),
        target_error=_target_error,
        runs=config.seeds,
        name=f"{Learner.TRAINED_NETWORK.value} (neurons)",
    )


def _neuron_errors_at(
    config: SeparationConfig,
    samples: int,
    setting: SeparationSetting,
    dimension: float,
    width: int,
    seeds: tuple[int, ...],
) -> np.ndarray:
    return neuron_test_errors(setting, config, int(dimension), width, samples, seeds)
