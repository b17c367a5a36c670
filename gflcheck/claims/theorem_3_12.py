"""Theorem 3.12 of Shi–Wei–Liang, end to end (docs/setups.md §1.3), on the four families of §1.4:
Gaussian mixtures, structured parity, linear data with a margin and two-index models.

One call of :func:`check_theorem_3_12` on one :class:`MixtureSetting`, :class:`ParitySetting`,
:class:`LinearSetting` or :class:`MultipleIndexSetting`:

1. builds the distribution and the explicit member ``f°`` of ``F_{d,r,B_F,S}``; ``OPT`` is replaced by an
   upper confidence bound on ``L_D(f°)`` (after an LP refit of its output weights);
2. estimates the gradient-feature hit rate of every ``(D_j, s_j)`` of ``f°`` from exact ``G`` on
   ``N`` initial draws; ``p`` is the smallest Clopper–Pearson lower bound;
3. sets ``m`` and ``T`` from the explicit requirements (``C_m``, ``C_T`` declared); a setting that
   needs more than the budget raises :class:`~gflcheck.runtime.errors.BudgetExceededError`;
4. trains ``k`` seeds of Algorithm 1 as one batched program;
5. per seed, a *measured violation* is ``min_{t∈[T]} LCB(L_D(f_t)) > bound``, each ``LCB`` from the
   fresh sample of step ``t+1``, independent of ``f_t`` (with a reused sample: per-seed test
   samples at checkpoints); a diverged seed is undetermined;
6. decides with an exact binomial test (:mod:`gflcheck.core.verdicts`) and reports slack, quantifier
   instantiation and provenance.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck.core.declare import Measurement, TheoryCheck, delta_of_setting
from gflcheck.core.estimators import (
    IntervalEstimate,
    bayes_hinge_risk,
    hinge_loss_estimate,
    t_interval_at,
    t_interval_from_moments,
    zero_one_error_estimate,
)
from gflcheck.core.setups import ALGORITHM_1_FRESH
from gflcheck.core.verdicts import (
    CONFIRMATION_ALPHA,
    POWER_TARGET,
    VIOLATION_ALPHA,
    QuantifierInstantiation,
    Verdict,
)
from gflcheck.models.distributions.gaussian_mixture import (
    GaussianMixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)
from gflcheck.models.distributions.linear_margin import LinearMargin
from gflcheck.models.distributions.multiple_index import MultipleIndex
from gflcheck.models.distributions.structured_parity import StructuredParity
from gflcheck.models.gradient_features import HitRate, gradient_feature_hit_rate
from gflcheck.models.ground_truth import (
    GroundTruthNetwork,
    OptUpperBound,
    gaussian_mixture_ground_truth,
    linear_margin_ground_truth,
    multiple_index_ground_truth,
    opt_upper_bound,
    structured_parity_ground_truth,
)
from gflcheck.models.training import (
    Recipe,
    TrainingRun,
    first_layer_law,
    gaussian_mixture_recipe,
    train_algorithm_1,
)
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import BudgetExceededError, ParameterRangeError, PreconditionError
from gflcheck.runtime.profiles import Budget
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)
from gflcheck.theorems.gfl import (
    Statement,
    steps_requirement,
    theorem_3_12,
    width_requirement,
)

FAMILIES = ("xor", "orthogonal", "two-cluster", "three-cluster")

HINGE_TRIVIAL_LOSS = 1.0
"""The hinge loss of ``f ≡ 0``: a bound on ``L_D`` at or above it is vacuous."""


@dataclass(frozen=True)
class MixtureSetting:
    """One setting of the theorem's free parameters on a Gaussian-mixture family.

    ``family``: ``xor`` (r=4), ``orthogonal`` (``labels`` give r and the labels), ``two-cluster``
    (r=2) or ``three-cluster`` (the 2-D poster example, embedded in R^d for d > 2). ``separation`` is ``‖μ_j‖``,
    ``noise`` is ``σ``. ``seed`` drives every random draw of the check.
    """

    family: str
    dimension: int
    separation: float
    noise: float
    gamma: float
    epsilon: float
    delta: float
    seed: int
    labels: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ParameterRangeError("family", self.family, f"one of {FAMILIES}")
        require_positive_int("dimension", self.dimension, "MixtureSetting")
        require_positive("separation", self.separation, "MixtureSetting")
        require_positive("noise", self.noise, "MixtureSetting")
        require_open_unit_interval("gamma", self.gamma, "MixtureSetting")
        require_open_unit_interval("epsilon", self.epsilon, "MixtureSetting")
        require_open_unit_interval("delta", self.delta, "MixtureSetting")
        require_int_at_least("seed", self.seed, 0, "MixtureSetting")
        if self.family == "orthogonal":
            if len(self.labels) < 1 or any(label not in (-1, 1) for label in self.labels):
                raise ParameterRangeError("labels", self.labels, "one or more values in {-1, +1}")
            require_int_at_least(
                "dimension", self.dimension, len(self.labels), "MixtureSetting (d ≥ r)"
            )
        if self.family in ("xor", "three-cluster"):
            require_int_at_least("dimension", self.dimension, 2, f"MixtureSetting ({self.family})")

    def distribution(self) -> GaussianMixture:
        """The distribution, drawn from this setting's ``"distribution"`` stream."""
        generator = torch_generator(self.seed, "distribution")
        d, R, sigma = self.dimension, self.separation, self.noise
        if self.family == "xor":
            return xor_mixture(d, R, sigma, generator)
        if self.family == "two-cluster":
            return two_cluster_mixture(d, R, sigma, generator)
        if self.family == "three-cluster":
            return three_cluster_example(R, sigma, d, generator)
        return orthogonal_mixture(d, self.labels, R, sigma, generator)

    def ground_truth(
        self, distribution: GaussianMixture, config: Theorem312Config
    ) -> GroundTruthNetwork:
        """One neuron per cluster (:func:`gaussian_mixture_ground_truth`)."""
        return gaussian_mixture_ground_truth(distribution, config.bias_fraction)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1 = E‖x‖`` is computed."""
        return "E‖x‖ exact (mixture of non-central chi means)"


@dataclass(frozen=True)
class ParitySetting:
    """One setting of the theorem on structured ``k``-sparse parity (:class:`StructuredParity`):
    ``d``, ``k``, the structured weight ``ρ``; the support ``A`` is drawn from the setting's
    ``"distribution"`` stream."""

    dimension: int
    sparsity: int
    gamma: float
    epsilon: float
    delta: float
    seed: int
    structured_weight: float = 0.5

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "ParitySetting")
        require_positive_int("sparsity", self.sparsity, "ParitySetting")
        if self.sparsity > self.dimension:
            raise ParameterRangeError("sparsity", self.sparsity, f"k ≤ d = {self.dimension}")
        require_open_unit_interval("gamma", self.gamma, "ParitySetting")
        require_open_unit_interval("epsilon", self.epsilon, "ParitySetting")
        require_open_unit_interval("delta", self.delta, "ParitySetting")
        require_int_at_least("seed", self.seed, 0, "ParitySetting")

    @property
    def family(self) -> str:
        """``parity``."""
        return "parity"

    def distribution(self) -> StructuredParity:
        """The distribution; its support comes from this setting's ``"distribution"`` stream."""
        generator = torch_generator(self.seed, "distribution")
        support = torch.randperm(self.dimension, generator=generator)[: self.sparsity]
        return StructuredParity(
            self.dimension, tuple(sorted(int(j) for j in support)), self.structured_weight
        )

    def ground_truth(
        self, distribution: StructuredParity, config: Theorem312Config
    ) -> GroundTruthNetwork:
        """``k + 1`` staircase neurons on ``Σ_{j∈A} x_j`` (:func:`structured_parity_ground_truth`)."""
        return structured_parity_ground_truth(distribution)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1 = E‖x‖`` is computed."""
        return "E‖x‖ = √d exactly (every point of the cube)"


@dataclass(frozen=True)
class LinearSetting:
    """One setting of the theorem on linear data with margin ``γ₀`` (:class:`LinearMargin`);
    the teacher comes from the setting's ``"distribution"`` stream."""

    dimension: int
    margin: float
    gamma: float
    epsilon: float
    delta: float
    seed: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "LinearSetting")
        require_positive("margin", self.margin, "LinearSetting")
        require_open_unit_interval("gamma", self.gamma, "LinearSetting")
        require_open_unit_interval("epsilon", self.epsilon, "LinearSetting")
        require_open_unit_interval("delta", self.delta, "LinearSetting")
        require_int_at_least("seed", self.seed, 0, "LinearSetting")

    @property
    def family(self) -> str:
        """``linear``."""
        return "linear"

    def distribution(self) -> LinearMargin:
        """The distribution; its teacher comes from this setting's ``"distribution"`` stream."""
        return LinearMargin.random(
            self.dimension, self.margin, torch_generator(self.seed, "distribution")
        )

    def ground_truth(
        self, distribution: LinearMargin, config: Theorem312Config
    ) -> GroundTruthNetwork:
        """Two neurons ``±u`` (:func:`linear_margin_ground_truth`)."""
        return linear_margin_ground_truth(distribution, config.bias_fraction)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1`` is computed."""
        return "√E‖x‖² exact, an upper bound on E‖x‖ (Jensen)"


@dataclass(frozen=True)
class MultipleIndexSetting:
    """One setting of the theorem on the two-index model ``y = sign(⟨u₁,x⟩⟨u₂,x⟩)``,
    ``x ~ N(0, I_d)`` (:class:`MultipleIndex`); ``U`` comes from the setting's ``"distribution"``
    stream. ``output_scale`` is the ground truth's ``B_a1``."""

    dimension: int
    gamma: float
    epsilon: float
    delta: float
    seed: int
    output_scale: float = 2.0

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 8, "MultipleIndexSetting")
        require_open_unit_interval("gamma", self.gamma, "MultipleIndexSetting")
        require_open_unit_interval("epsilon", self.epsilon, "MultipleIndexSetting")
        require_open_unit_interval("delta", self.delta, "MultipleIndexSetting")
        require_int_at_least("seed", self.seed, 0, "MultipleIndexSetting")
        require_positive("output_scale", self.output_scale, "MultipleIndexSetting")

    @property
    def family(self) -> str:
        """``multiple-index``."""
        return "multiple-index"

    def distribution(self) -> MultipleIndex:
        """The model; its index pair comes from this setting's ``"distribution"`` stream."""
        return MultipleIndex.random(self.dimension, torch_generator(self.seed, "distribution"))

    def ground_truth(
        self, distribution: MultipleIndex, config: Theorem312Config
    ) -> GroundTruthNetwork:
        """One neuron per sector, in the index plane (:func:`multiple_index_ground_truth`)."""
        return multiple_index_ground_truth(distribution, output_scale=self.output_scale)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1`` is computed."""
        return "E‖x‖ exact (chi mean √2·Γ((d+1)/2)/Γ(d/2))"


GflSetting = MixtureSetting | ParitySetting | LinearSetting | MultipleIndexSetting
Distribution = GaussianMixture | StructuredParity | LinearMargin | MultipleIndex


@dataclass(frozen=True)
class Theorem312Config:
    """The declared constants of the check: hidden constants, budgets, sample sizes, error rates."""

    alpha: float = CONFIRMATION_ALPHA
    violation_alpha: float = VIOLATION_ALPHA
    power: float | None = POWER_TARGET  # TheoryCheck.power: None plans no power
    width_constant: float = 1.0
    steps_constant: float = 4.0
    max_width: int = 1024
    max_steps: int = 2000
    batch_size: int = 256
    min_seeds: int = 8
    unconfirmed_seeds: int = 1
    hit_rate_draws: int = 20000
    hit_rate_miscoverage: float = 0.0001
    gradient_norm_fraction: float = 0.01
    opt_miscoverage: float = 0.0001
    opt_refit_size: int = 2000
    opt_evaluation_size: int = 50000
    loss_miscoverage: float = 0.01
    satisfaction_miscoverage: float = 0.01
    bayes_risk_size: int = 100_000
    bayes_risk_miscoverage: float = 0.0001
    test_size: int = 4096
    checkpoints: int = 8
    bias_fraction: float = 0.25
    fresh_samples: bool = True
    dtype: str = "float32"

    def __post_init__(self) -> None:
        for name in (
            "alpha",
            "violation_alpha",
            "hit_rate_miscoverage",
            "opt_miscoverage",
            "loss_miscoverage",
            "satisfaction_miscoverage",
            "bayes_risk_miscoverage",
        ):
            require_open_unit_interval(name, getattr(self, name), "Theorem312Config")
        for name in ("max_width", "max_steps", "batch_size", "min_seeds", "hit_rate_draws"):
            require_positive_int(name, getattr(self, name), "Theorem312Config")
        for name in ("opt_evaluation_size", "test_size", "checkpoints", "bayes_risk_size"):
            require_positive_int(name, getattr(self, name), "Theorem312Config")
        require_positive("width_constant", self.width_constant, "Theorem312Config")
        require_positive("steps_constant", self.steps_constant, "Theorem312Config")

    @property
    def per_seed_miscoverage(self) -> float:
        """Chance that a seed's lower bound at the theorem's ``t`` is wrong: one ``β`` per bound
        combined (fresh batch, checkpoint before, checkpoint after)."""
        return (3 if self.fresh_samples else 2) * self.loss_miscoverage

    @property
    def checkpoint_miscoverage(self) -> float:
        """Miscoverage of each checkpoint's upper bound: ``β₊`` split over the checkpoints (a
        seed certainly satisfies the ∃t statement when any checkpoint's upper bound is below the
        bound: union bound)."""
        return self.satisfaction_miscoverage / self.checkpoints

    @classmethod
    def within(cls, limits: Budget) -> Theorem312Config:
        """The default constants with a profile's compute budget for ``m`` and ``T``."""
        return cls(max_width=limits.max_width, max_steps=limits.max_steps)

    @property
    def bound_miscoverage(self) -> float:
        """The chance that the bound's estimated parts miss: ``β_OPT + β_p + β_Bayes``."""
        return self.opt_miscoverage + self.hit_rate_miscoverage + self.bayes_risk_miscoverage

    @property
    def false_alarm_rate(self) -> float:
        """Declared ``Pr[violated | theorem holds]``: see :func:`check_theorem_3_12`."""
        return self.violation_alpha + self.bound_miscoverage


@dataclass(frozen=True, eq=False)
class Preparation:
    """What a setting fixes before any training: distribution, OPT bound, p, recipe, m and T."""

    distribution: Distribution
    opt: OptUpperBound
    hit_rate: HitRate
    recipe: Recipe
    expected_norm: float
    bayes_risk: IntervalEstimate
    width: int
    steps: int

    @property
    def bayes_error_lower(self) -> float:
        """Lower confidence bound on the Bayes 0-1 error ``E min(η, 1 − η)``: half that on the
        Bayes hinge risk ``E[1 − |2η − 1|]``."""
        return float(self.bayes_risk.lower[0]) / 2


@dataclass(frozen=True, eq=False)
class Theorem312Evidence:
    """Everything measured for one verdict, kept for reports and replays."""

    prepared: Preparation
    run: TrainingRun
    best_lower_bound: np.ndarray
    best_upper_bound: np.ndarray
    best_test_loss: np.ndarray
    best_test_step: np.ndarray
    best_test_error: np.ndarray
    lowest_test_error: np.ndarray
    error_upper_bound: np.ndarray


@cached_run
def prepare(
    setting: GflSetting,
    config: Theorem312Config,
    steps: int | None = None,
    width: int | None = None,
) -> Preparation:
    """Everything the check needs before training (see :class:`Preparation`); ``steps`` and
    ``width`` replace the theorem's requirements when given (a variant's ``T``, say).

    Raises :class:`BudgetExceededError` when ``m`` or ``T`` exceeds the budget (or ``p`` is 0).
    """
    distribution = setting.distribution()
    truth = setting.ground_truth(distribution, config)
    opt = opt_upper_bound(
        truth,
        distribution,
        config.opt_evaluation_size,
        torch_generator(setting.seed, "opt"),
        config.opt_miscoverage,
        refit_size=config.opt_refit_size,
    )
    expected_norm = distribution.expected_norm()
    first_layer = first_layer_law(distribution.dimension)
    r = truth.width
    hit_rate = gradient_feature_hit_rate(
        distribution,
        truth.directions,
        truth.signs,
        setting.gamma,
        config.gradient_norm_fraction * expected_norm,
        first_layer,
        config.hit_rate_draws,
        torch_generator(setting.seed, "hit-rate"),
        config.hit_rate_miscoverage / r,
    )
    width = width or _required_width(hit_rate.p, r, setting, config)
    steps = steps or _required_steps(truth.output_weight_norm, expected_norm, r, setting, config)
    if width > math.exp(setting.dimension):
        raise PreconditionError("m ≤ e^d", f"m = {width}, e^d = {math.exp(setting.dimension):.4g}")
    recipe = gaussian_mixture_recipe(
        distribution.dimension,
        width,
        expected_norm,
        distribution.expected_squared_norm(),
        config.fresh_samples,
    )
    bayes_risk = _bayes_hinge_risk(distribution, setting, config)
    return Preparation(distribution, opt, hit_rate, recipe, expected_norm, bayes_risk, width, steps)


def _bayes_hinge_risk(
    distribution: Distribution, setting: GflSetting, config: Theorem312Config
) -> IntervalEstimate:
    """``E[1 − |2η(x) − 1|]``: estimated with exact ``η`` for a mixture; exactly 0 when the label
    is a function of ``x`` (parity, linear data, index models)."""
    if distribution.label_is_function_of_input:
        zero = np.zeros(1)
        return IntervalEstimate(zero, zero, zero, 0, 0.0, "exact: the label is a function of x")
    x_bayes, _ = distribution.sample(
        config.bayes_risk_size, torch_generator(setting.seed, "bayes-risk"), torch.float64
    )
    return bayes_hinge_risk(distribution.positive_posterior(x_bayes), config.bayes_risk_miscoverage)


def _required_width(p: float, r: int, setting: GflSetting, config: Theorem312Config) -> int:
    if p <= 0:
        raise BudgetExceededError(
            "m (p = 0: no initial draw hit some feature)", 10**18, config.max_width
        )
    value = width_requirement().evaluate(C_m=config.width_constant, p=p, r=r, delta=setting.delta)
    width = 2 * math.ceil(max(value, 2) / 2)  # neurons come in ± pairs
    if width > config.max_width:
        raise BudgetExceededError("m", width, config.max_width)
    return width


def _required_steps(
    output_norm: float,
    expected_norm: float,
    r: int,
    setting: GflSetting,
    config: Theorem312Config,
) -> int:
    value = steps_requirement().evaluate(
        C_T=config.steps_constant,
        r=r,
        B_a2=output_norm,
        B_x1=expected_norm,
        epsilon=setting.epsilon,
    )
    steps = math.ceil(value)
    if steps > config.max_steps:
        raise BudgetExceededError("T", steps, config.max_steps)
    return steps


def theorem_3_12_check(
    statement: Statement | None = None,
    config: Theorem312Config | None = None,
    settings: st.SearchStrategy[GflSetting] | None = None,
) -> TheoryCheck[GflSetting]:
    """``statement`` (default: Theorem 3.12 itself) as a :class:`~gflcheck.core.declare.TheoryCheck`
    on the GFL families, with the measurement of the module docstring; ``settings`` is the
    strategy its :meth:`~gflcheck.core.declare.TheoryCheck.property` draws from.

    A variant of the theorem is a ``false_variant`` of this check with another bound (its symbols
    are ``OPT, r, B_a1, B_x1, gamma, epsilon``), or the check of a :class:`Statement` with other
    ``steps``/``width``. Declared false-alarm rate (probability of *violated* when the statement
    holds): ``α_v + β_OPT + β_p + β_Bayes``: the binomial test's level plus the chances that the
    OPT upper bound, one of the ``r`` hit-rate lower bounds (``β_p/r`` each) or the Bayes-risk
    lower bound missed. Per-seed misses of the loss bounds enter the binomial test (``β₋`` and
    ``β₊`` of :class:`Theorem312Config`).
    """
    statement = statement or theorem_3_12()
    config = config or Theorem312Config()
    return TheoryCheck(
        name="gfl-theorem-3.12",
        bound=statement.bound,
        settings=st.nothing() if settings is None else settings,
        bound_values=partial(theorem_3_12_values, config, statement.steps, statement.width),
        measure=partial(measure_theorem_3_12, config, statement.steps, statement.width),
        quantifiers=partial(_quantifier_table, config),
        delta=delta_of_setting,
        alpha=config.alpha,
        power=config.power,
        violation_alpha=config.violation_alpha,
        miscoverage=(config.per_seed_miscoverage, config.satisfaction_miscoverage),
        min_seeds=config.min_seeds,
        unconfirmed=config.unconfirmed_seeds,
        seed_stream="run",
        bound_miscoverage=config.bound_miscoverage,
        statement=statement.name,
        quantity="best test hinge loss (its lower bound holds at every t ∈ [T])",
        label=_family,
        trivial_value=HINGE_TRIVIAL_LOSS,
        why_false=statement.why_false,
        setup=ALGORITHM_1_FRESH,
    )


def theorem_3_12_error_check(
    statement: Statement | None = None,
    config: Theorem312Config | None = None,
    settings: st.SearchStrategy[GflSetting] | None = None,
) -> TheoryCheck[GflSetting]:
    """The theorem's bound read on the 0-1 error, beside the hinge loss: ``1{yf ≤ 0} ≤ (1 − yf)₊``
    gives ``err(f_t) ≤ L_D(f_t)``, so the theorem implies ``∃t ∈ [T]: err(f_t) ≤ bound``.

    Measured on the same training runs as :func:`theorem_3_12_check` (its measurement, through
    the run cache: nothing is trained again). The trivial value is ``min(π₊, π₋)``, the error of
    the constant classifier: a bound at or above it says nothing about the 0-1 error and is
    VACUOUS there, however far below 1 it is. A seed certainly satisfies the statement when
    some checkpoint's Clopper–Pearson upper bound on its test error (miscoverage
    ``β₊/checkpoints``) is at or below the bound; it certainly violates it only when the bound
    is below the Bayes error ``E min(η, 1 − η)`` (half the Bayes hinge risk), which no classifier
    beats. Declared false-alarm rate: that of :func:`theorem_3_12_check`.
    """
    hinge = theorem_3_12_check(statement, config, settings)
    config = config or Theorem312Config()
    statement = statement or theorem_3_12()
    return dataclasses.replace(
        hinge,
        name="gfl-theorem-3.12-error",
        measure=partial(_measure_error, hinge),
        # declared as the hinge check's, so that it plans the hinge's seed count and reads the
        # same runs; the test uses its own bounds' miscoverage (0 below: its lower bound is the
        # Bayes error's, whose miss is counted in bound_miscoverage)
        miscoverage=(config.per_seed_miscoverage, config.satisfaction_miscoverage),
        statement=f"{statement.name} (0-1 error)",
        quantity="lowest checkpoint test 0-1 error",
        quantifiers=partial(_error_quantifier_table, config),
        trivial_value=partial(_constant_classifier_error, config, statement.steps, statement.width),
    )


def _measure_error(
    hinge: TheoryCheck[GflSetting], setting: GflSetting, seeds: tuple[int, ...]
) -> Measurement:
    measured = hinge.measured(setting, seeds)
    evidence: Theorem312Evidence = measured.evidence
    floor = evidence.prepared.bayes_error_lower
    upper = np.maximum(evidence.error_upper_bound, floor)
    values = np.clip(evidence.lowest_test_error, floor, upper)
    diverged = measured.diverged_seeds
    return Measurement(
        np.where(diverged, np.nan, values),
        lower=np.where(diverged, np.nan, floor),
        upper=np.where(diverged, np.nan, upper),
        miscoverage=(0.0, hinge.declared_miscoverage(setting)[1]),
        diverged=diverged,
        derived=measured.derived,
        notes=measured.notes,
        evidence=evidence,
    )


def _error_quantifier_table(
    config: Theorem312Config, setting: GflSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    evidence: Theorem312Evidence = measured.evidence
    exists_t = QuantifierInstantiation(
        "∃t ∈ [T]",
        "satisfied when some checkpoint's Clopper–Pearson upper bound on the 0-1 error of a "
        f"per-seed test sample of {config.test_size} (miscoverage {config.checkpoint_miscoverage:g} "
        "each) is at or below the bound; violated only below the Bayes error E min(η, 1 − η), "
        "which no classifier at any step beats",
        f"Bayes error ≥ {evidence.prepared.bayes_error_lower:.4f}",
    )
    rows = _quantifier_table(config, setting, measured)
    return tuple(exists_t if row.quantifier == "∃t ∈ [T]" else row for row in rows)


def _constant_classifier_error(
    config: Theorem312Config, steps: int | None, width: int | None, setting: GflSetting
) -> float:
    """``min(π₊, π₋)``: the 0-1 error of the better constant classifier."""
    positive = _prepared(setting, config, steps, width).distribution.positive_probability()
    return min(positive, 1.0 - positive)


def check_theorem_3_12(
    setting: GflSetting,
    statement: Statement | None = None,
    config: Theorem312Config | None = None,
) -> tuple[Verdict, Theorem312Evidence]:
    """Check ``statement`` (default: Theorem 3.12 itself) on one setting: the verdict of
    :func:`theorem_3_12_check`, with its evidence."""
    return theorem_3_12_check(statement, config).run_with_evidence(setting)


def _family(setting: GflSetting) -> str:
    return setting.family


@functools.lru_cache(maxsize=32)
def _prepared(
    setting: GflSetting, config: Theorem312Config, steps: int | None, width: int | None
) -> Preparation:
    """:func:`prepare`, once per process for a setting: the check needs it for the bound's
    symbols and again for the measurement (the run cache, when active, keeps it across runs)."""
    return prepare(setting, config, steps, width)


def theorem_3_12_values(
    config: Theorem312Config, steps: int | None, width: int | None, setting: GflSetting
) -> dict[str, float]:
    """The bound's symbols on ``setting``: ``OPT`` (an upper confidence bound), ``r``,
    ``B_a1``, ``B_x1`` from the ground truth ``f°``; ``γ`` and ``ε`` from the setting."""
    prepared = _prepared(setting, config, steps, width)
    truth = prepared.opt.ground_truth
    return {
        "OPT": prepared.opt.value,
        "r": truth.width,
        "B_a1": truth.output_weight_bound,
        "B_x1": prepared.expected_norm,
        "gamma": setting.gamma,
        "epsilon": setting.epsilon,
    }


def measure_theorem_3_12(
    config: Theorem312Config,
    steps: int | None,
    width: int | None,
    setting: GflSetting,
    seeds: tuple[int, ...],
) -> Measurement:
    """Train Algorithm 1 on ``seeds`` (one batched program) and measure, per seed, the best
    checkpoint's test hinge loss with ``min_{t∈[T]}`` of its lower confidence bound and the
    smallest checkpoint upper bound (:func:`_measure`); a run that produced non-finite numbers is
    marked diverged."""
    prepared = _prepared(setting, config, steps, width)
    checkpoint_steps = _checkpoint_steps(prepared.steps, config.checkpoints)
    dtype = getattr(torch, config.dtype)
    run = train_algorithm_1(
        prepared.distribution,
        prepared.recipe,
        prepared.width,
        prepared.steps,
        config.batch_size,
        seeds,
        checkpoint_steps,
        dtype,
        expected_input_norm=prepared.expected_norm,
    )
    lower, upper, test_loss, test_step, test_error, lowest_error, error_upper = _measure(
        run, prepared.distribution, config, checkpoint_steps, dtype
    )
    lower = np.maximum(lower, float(prepared.bayes_risk.lower[0]))
    diverged = run.diverged.numpy() | ~np.isfinite(test_loss)
    evidence = Theorem312Evidence(
        prepared=prepared,
        run=run,
        best_lower_bound=lower,
        best_upper_bound=upper,
        best_test_loss=test_loss,
        best_test_step=test_step,
        best_test_error=test_error,
        lowest_test_error=lowest_error,
        error_upper_bound=error_upper,
    )
    notes = ()
    if diverged.any():
        at = run.diverged_at.numpy()[diverged].tolist()
        notes = (f"diverged seeds stopped at steps {at}",)
    # The bounds come from different samples (fresh batches, the test sample) and can cross,
    # which means one of them missed. [min, max] of the two keeps each side's miscoverage: the
    # new lower bound misses only if the old one did, and likewise the upper. The estimate is
    # placed inside (the Bayes floor is a lower bound for every network).
    with np.errstate(invalid="ignore"):
        lower, upper = np.fmin(lower, upper), np.fmax(lower, upper)
        values = np.where(diverged, np.nan, np.clip(test_loss, lower, upper))
    return Measurement(
        values,
        lower=np.where(diverged, np.nan, lower),
        upper=np.where(diverged, np.nan, upper),
        miscoverage=(config.per_seed_miscoverage, config.satisfaction_miscoverage),
        diverged=diverged,
        derived={"m": prepared.width, "T": prepared.steps},
        notes=notes,
        evidence=evidence,
    )


def _checkpoint_steps(steps: int, count: int) -> tuple[int, ...]:
    return tuple(sorted({max(1, round(steps * (i + 1) / count)) for i in range(count)}))


def _measure(
    run: TrainingRun,
    distribution: Distribution,
    config: Theorem312Config,
    checkpoint_steps: tuple[int, ...],
    dtype: torch.dtype,
) -> tuple[np.ndarray, ...]:
    """Per seed: ``min_{t∈[T]}`` of a lower confidence bound on ``L_D(f_t)``, the smallest upper
    confidence bound over the checkpoints (each at miscoverage ``β₊/checkpoints``), the best
    checkpoint's test loss, step and 0-1 error, and the lowest 0-1 test error over the
    checkpoints with the smallest of their Clopper–Pearson upper bounds (each at ``β₊/checkpoints``).

    At every step ``t`` the lower bound is the largest of (each one-sided, miscoverage ``β``):
    the fresh-batch bound of step ``t`` (online training only), and the test-sample bounds of the
    checkpoints just before and after ``t`` moved to ``t`` by the recorded function drift.
    """
    test = [
        distribution.sample(config.test_size, torch_generator(s, "test"), dtype) for s in run.seeds
    ]
    x = torch.stack([pair[0] for pair in test])
    y = torch.stack([pair[1] for pair in test])
    knots = (0, *checkpoint_steps)
    networks = [run.initial] + [run.checkpoints[step] for step in checkpoint_steps]
    estimates = [hinge_loss_estimate(net, x, y, config.loss_miscoverage) for net in networks]
    test_loss = np.stack([e.estimate for e in estimates], axis=1)[:, 1:]  # [k, checkpoints]
    knot_lower = np.stack([e.lower for e in estimates], axis=1)  # [k, knots]
    error_estimates = [
        zero_one_error_estimate(net, x, y, config.checkpoint_miscoverage) for net in networks[1:]
    ]
    errors = np.stack([e.estimate for e in error_estimates], 1)
    error_upper = np.stack([e.upper for e in error_estimates], 1).min(1)
    with np.errstate(invalid="ignore"):
        finite_loss = np.where(np.isfinite(test_loss), test_loss, np.inf)
    best = np.argmin(finite_loss, axis=1)
    rows = np.arange(len(run.seeds))
    lower = _lower_bound_every_step(run, np.asarray(knots), knot_lower, config)
    with np.errstate(invalid="ignore"):
        lower = np.where(np.isnan(lower), -np.inf, lower).min(axis=1)
    upper = np.stack(
        [t_interval_at(e, config.checkpoint_miscoverage).upper for e in estimates[1:]], axis=1
    )
    with np.errstate(invalid="ignore"):
        upper = np.where(np.isnan(upper), np.inf, upper).min(axis=1)
    return (
        lower,
        upper,
        finite_loss[rows, best],
        np.asarray(checkpoint_steps)[best],
        errors[rows, best],
        errors.min(1),
        error_upper,
    )


def _lower_bound_every_step(
    run: TrainingRun, knots: np.ndarray, knot_lower: np.ndarray, config: Theorem312Config
) -> np.ndarray:
    """``[k, T]`` lower bounds on ``L_D(f_t)``, ``t = 1..T`` (see :func:`_measure`)."""
    assert run.function_drift is not None
    steps = np.arange(1, run.steps + 1)
    cumulative = np.concatenate(
        [np.zeros((run.function_drift.shape[0], 1)), np.cumsum(run.function_drift.numpy(), 1)], 1
    )  # D_t, t = 0..T
    left = np.searchsorted(knots, steps, side="right") - 1
    right = np.searchsorted(knots, steps, side="left")
    from_left = knot_lower[:, left] - (cumulative[:, steps] - cumulative[:, knots[left]])
    from_right = knot_lower[:, right] - (cumulative[:, knots[right]] - cumulative[:, steps])
    candidates = [from_left, from_right]
    if config.fresh_samples:
        online = t_interval_from_moments(
            run.online_loss_mean[:, 1:].numpy(),
            run.online_loss_std[:, 1:].numpy(),
            run.batch_size,
            config.loss_miscoverage,
        )
        candidates.append(online.lower)
    stacked = np.stack(candidates)
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(stacked).all(0), np.nan, np.nanmax(stacked, axis=0))


def _quantifier_table(
    config: Theorem312Config, setting: GflSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    evidence: Theorem312Evidence = measured.evidence
    checkpoint_steps = _checkpoint_steps(evidence.prepared.steps, config.checkpoints)
    opt, hit = evidence.prepared.opt, evidence.prepared.hit_rate
    values = {"OPT": opt.value, "B_x1": evidence.prepared.expected_norm}
    truth = opt.ground_truth
    Q = QuantifierInstantiation
    exists_t = (
        "violation needs a lower bound on L_D(f_t) above the bound at every t = 1..T; at each t the "
        f"largest of: t lower bounds at checkpoints {[0, *checkpoint_steps]} on a per-seed test "
        f"sample of {config.test_size}, moved to t by the recorded drift bound on E|f_t − f_c|"
    )
    if config.fresh_samples:
        exists_t += f", and step t+1's fresh batch of {config.batch_size} (independent of f_t)"
    exists_t += (
        f"; at every t also the Bayes hinge risk E[1 − |2η(x)−1|] "
        f"({evidence.prepared.bayes_risk.method}), below which no network goes. A seed certainly "
        f"satisfies it when some checkpoint's upper bound (miscoverage "
        f"{config.checkpoint_miscoverage:g} each, β₊ = {config.satisfaction_miscoverage:g} over the "
        "checkpoints) is at or below the bound"
    )
    return (
        Q(
            "OPT (a minimum)",
            f"upper bound: UCB of L_D(f°), f° ∈ F_{{d,r,B_F,S}}: {truth.construction}; {opt.loss.method}",
            f"{values['OPT']:.4f} (estimate {float(opt.loss.estimate[0]):.4f})",
        ),
        Q(
            "(D_j, s_j) ∈ S_{p,γ,B_G}",
            f"p = min_j Clopper–Pearson lower bound of the hit rate over N={hit.draws} initial draws, "
            f"G {evidence.prepared.distribution.simplified_gradient_method}; B_G = {config.gradient_norm_fraction:g}·B_x1; {hit.interval.method}",
            f"p={hit.p:.4g}; hits per feature {hit.hits.tolist()}; B_G={hit.gradient_norm_floor:.4g}",
        ),
        Q("B_x1", setting.input_norm_method, f"{values['B_x1']:.4f}"),
        Q(
            "r, B_a1, B_a2, B_b",
            "from f°: r neurons; B_a1 = max |a_j|, B_a2 = √r·B_a1, B_b = max |b_j|",
            f"r={truth.width}, B_a1={truth.output_weight_bound:.4f}, "
            f"B_a2={truth.output_weight_norm:.4f}, B_b={truth.bias_bound:.4f}",
        ),
        Q(
            "γ, ε, δ",
            "generated (Hypothesis) or given",
            f"γ={setting.gamma:g}, ε={setting.epsilon:g}, δ={setting.delta:g}",
        ),
        Q(
            "m = Ω(poly(1/p, 1/δ, log r)), m ≤ e^d",
            f"⌈C_m·(1/p)·log(r/δ)⌉ rounded up to even, C_m = {config.width_constant:g}; budget {config.max_width}",
            str(evidence.prepared.width),
        ),
        Q(
            "T = Ω(poly(√r, B_a2, B_x1, 1/ε))",
            f"⌈C_T·√r·B_a2·B_x1/ε⌉, C_T = {config.steps_constant:g}; budget {config.max_steps}",
            str(evidence.prepared.steps),
        ),
        Q(
            "proper hyper-parameters",
            f"recipe {evidence.prepared.recipe.name}: {evidence.prepared.recipe.description}",
            "fresh samples" if config.fresh_samples else "reused sample",
        ),
        Q(
            "∃t ∈ [T]",
            exists_t,
            f"β={config.loss_miscoverage:g} per bound, {config.per_seed_miscoverage:g} per seed; "
            f"Bayes hinge risk ≥ {float(evidence.prepared.bayes_risk.lower[0]):.4f}",
        ),
        Q(
            "probability ≥ 1 − δ",
            "k independent seeds; violated: exact one-sided binomial test of violation rate ≤ δ+β "
            "at α_v; holds: Clopper–Pearson upper bound at 1 − α on the rate of seeds not "
            "certified to satisfy the bound, plus β₊, ≤ δ",
            f"k={len(evidence.run.seeds)}, α_v={config.violation_alpha:g}, α={config.alpha:g}, "
            f"declared false-alarm rate {config.false_alarm_rate:g}",
        ),
    )
