"""Theorem 3.12's runs, with no theorem in them: the declared constants
(:class:`Theorem312Config`), the estimated parts of the bound on a setting (``OPT``'s upper
bound, the gradient-feature hit rates ``p``, ``B_x1``, the Bayes hinge risk), and Algorithm 1 on
``k`` seeds with the hinge risk's confidence bounds at every step (:func:`measure_algorithm_1`).
The width and step count come from the theorem's requirements, in
:mod:`gflcheck.claims.theorem_3_12`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gflcheck.core.confidence import Confidence, SeedPlan, require_claim_plan
from gflcheck.core.declare import Measurement
from gflcheck.core.estimators import (
    IntervalEstimate,
    bayes_hinge_risk,
    hinge_loss_estimate,
    t_interval_at,
    t_interval_from_moments,
    zero_one_error_estimate,
)
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.models.gfl_families import (
    Distribution,
    GflSetting,
)
from gflcheck.models.gradient_features import HitRate, gradient_feature_hit_rate
from gflcheck.models.ground_truth import (
    OptUpperBound,
    opt_upper_bound,
)
from gflcheck.models.training import (
    Recipe,
    TrainingRun,
    first_layer_law,
    gaussian_mixture_recipe,
    train_algorithm_1,
)
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.profiles import Budget
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)


@dataclass(frozen=True)
class Theorem312Config:
    """The declared constants of the check: hidden constants, budgets, sample sizes, error rates."""

    width_constant: float = 1.0
    steps_constant: float = 4.0
    max_width: int = 1024
    max_steps: int = 2000
    batch_size: int = 256
    hit_rate_draws: int = 20000
    hit_rate_miscoverage: float = 1e-6
    gradient_norm_fraction: float = 0.01
    opt_miscoverage: float = 1e-6
    opt_refit_size: int = 2000
    opt_evaluation_size: int = 50000
    loss_miscoverage: float = 0.01
    satisfaction_miscoverage: float = 0.01
    bayes_risk_size: int = 100_000
    bayes_risk_miscoverage: float = 1e-6
    test_size: int = 4096
    checkpoints: int = 8
    bias_fraction: float = 0.25
    fresh_samples: bool = True
    dtype: str = "float32"
    confidence: Confidence = field(default_factory=Confidence)
    seed_plan: SeedPlan = field(default_factory=lambda: SeedPlan(minimum=8, unconfirmed=1))

    def __post_init__(self) -> None:
        require_claim_plan(self.confidence, self.seed_plan, "Theorem312Config")
        for name in (
            "hit_rate_miscoverage",
            "opt_miscoverage",
            "loss_miscoverage",
            "satisfaction_miscoverage",
            "bayes_risk_miscoverage",
        ):
            require_open_unit_interval(name, getattr(self, name), "Theorem312Config")
        for name in ("max_width", "max_steps", "batch_size", "hit_rate_draws"):
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
        return self.confidence.violation_alpha + self.bound_miscoverage


@dataclass(frozen=True, eq=False)
class BoundParts:
    """The estimated parts of Theorem 3.12's bound on a setting (:func:`estimate_bound_parts`)."""

    distribution: Distribution
    opt: OptUpperBound
    hit_rate: HitRate
    expected_norm: float
    bayes_risk: IntervalEstimate


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
def estimate_bound_parts(setting: GflSetting, config: Theorem312Config) -> BoundParts:
    """What a setting fixes before any width or step count: its distribution, an upper confidence
    bound on ``OPT`` (:func:`~gflcheck.models.ground_truth.opt_upper_bound`), the gradient-feature
    hit rate ``p`` of every ``(D_j, s_j)`` of ``f°`` (its smallest Clopper–Pearson lower bound),
    ``B_x1`` and the Bayes hinge risk."""
    distribution = setting.distribution()
    truth = setting.ground_truth(distribution, config.bias_fraction)
    opt = opt_upper_bound(
        truth,
        distribution,
        config.opt_evaluation_size,
        torch_generator(setting.seed, "opt"),
        config.opt_miscoverage,
        refit_size=config.opt_refit_size,
    )
    expected_norm = distribution.expected_norm()
    hit_rate = gradient_feature_hit_rate(
        distribution,
        truth.directions,
        truth.signs,
        setting.gamma,
        config.gradient_norm_fraction * expected_norm,
        first_layer_law(distribution.dimension),
        config.hit_rate_draws,
        torch_generator(setting.seed, "hit-rate"),
        config.hit_rate_miscoverage / truth.width,
    )
    bayes_risk = _bayes_hinge_risk(distribution, setting, config)
    return BoundParts(distribution, opt, hit_rate, expected_norm, bayes_risk)


def prepared_run(
    parts: BoundParts, config: Theorem312Config, width: int, steps: int
) -> Preparation:
    """``parts`` with Algorithm 1's recipe at width ``m`` for ``T`` steps."""
    distribution = parts.distribution
    recipe = gaussian_mixture_recipe(
        distribution.dimension,
        width,
        parts.expected_norm,
        distribution.expected_squared_norm(),
        config.fresh_samples,
    )
    return Preparation(
        distribution,
        parts.opt,
        parts.hit_rate,
        recipe,
        parts.expected_norm,
        parts.bayes_risk,
        width,
        steps,
    )


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


def measure_algorithm_1(
    prepared: Preparation, config: Theorem312Config, seeds: tuple[int, ...]
) -> Measurement:
    """Train Algorithm 1 on ``seeds`` (one batched program) and measure, per seed, the best
    checkpoint's test hinge loss with ``min_{t∈[T]}`` of its lower confidence bound and the
    smallest checkpoint upper bound (:func:`_measure`); a run that produced non-finite numbers is
    marked diverged."""
    checkpoint_steps = spaced_checkpoints(prepared.steps, config.checkpoints)
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
        floor=float(prepared.bayes_risk.lower[0]),
    )


def spaced_checkpoints(steps: int, count: int) -> tuple[int, ...]:
    """``count`` checkpoints spread evenly over ``1..steps`` (at least step 1, no repeats)."""
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


def theorem_3_12_quantifiers(
    config: Theorem312Config, setting: GflSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    """How Theorem 3.12's check instantiated each quantifier on ``setting`` (its verdict's
    table), from the measurement's evidence."""
    evidence: Theorem312Evidence = measured.evidence
    checkpoint_steps = spaced_checkpoints(evidence.prepared.steps, config.checkpoints)
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
            f"k={len(evidence.run.seeds)}, α_v={config.confidence.violation_alpha:g}, α={config.confidence.alpha:g}, "
            f"declared false-alarm rate {config.false_alarm_rate:g}",
        ),
    )


def layer_movement(run: TrainingRun, first_step: TrainingRun) -> tuple[np.ndarray, np.ndarray]:
    """Per seed, how Algorithm 1's layers move after the first step (step 1 moves only ``W``,
    so ``a_1 = a_0``), over the run's checkpoints and its last step ``T``:

        drift = max_t ‖W_t − W_1‖_F / ‖W_1‖_F,      growth = ‖a_T‖₂ / ‖a_1‖₂ − 1,

    with ``W_1``, ``a_1`` from ``first_step``: the same seeds trained for one step, which is the
    run's own first step (it depends only on the initialisation and the first batch)."""
    first = first_step.final
    later = [run.checkpoints[t] for t in sorted(run.checkpoints)] + [run.final]
    scale = first.W.flatten(1).norm(dim=1)
    drift = torch.stack([(n.W - first.W).flatten(1).norm(dim=1) for n in later]).amax(0) / scale
    growth = run.final.a.norm(dim=1) / first.a.norm(dim=1) - 1
    return drift.double().numpy(), growth.double().numpy()


def measure_layer_movement(
    measured: Measurement, config: Theorem312Config, quantity: str
) -> Measurement:
    """``drift`` or ``growth − drift`` (:func:`layer_movement`) per seed of Theorem 3.12's
    measurement ``measured`` (its runs; the one-step runs are trained here, a step each). Both
    are exact functions of the runs; a diverged seed is undetermined."""
    evidence: Theorem312Evidence = measured.evidence
    prepared = evidence.prepared
    first_step = train_algorithm_1(
        prepared.distribution,
        prepared.recipe,
        prepared.width,
        1,
        config.batch_size,
        evidence.run.seeds,
        (1,),
        getattr(torch, config.dtype),
    )
    drift, growth = layer_movement(evidence.run, first_step)
    values = drift if quantity == "drift" else growth - drift
    diverged = measured.diverged_seeds | ~np.isfinite(values)
    running = ~diverged
    return Measurement(
        np.where(diverged, np.nan, values),
        diverged=diverged,
        derived=measured.derived,
        notes=(
            f"first-layer drift after step 1 (median, 80th percentile, max): "
            f"{np.median(drift[running]):.3g}, {np.quantile(drift[running], 0.8):.3g}, "
            f"{drift[running].max():.3g}; second-layer growth (median, min): "
            f"{np.median(growth[running]):.3g}, {growth[running].min():.3g}",
        ),
        evidence=(drift, growth),
    )
