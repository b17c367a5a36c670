"""The kernel-regime results of Taheri–Thrampoulidis–Mazumdar (THEORY.md §2.1), on real GD runs.

:func:`check_training_loss_bound`: for each seed (its own training set and initialisation), the
NTK margin ``γ`` and direction ``W̄`` (certified max-margin solver), ``G₀``, and GD with
``η = fraction·min_i 1/(G₀,ᵢ² + ¼)``; at **every** step ``t`` the training loss ``F̂(w_t)`` (computed
exactly on the training set) must not exceed ``min_c 4ρ*(c, t)²/(ηt)``, the bound minimised over
reference points ``w* = w₀ + c·W̄`` on a declared grid of ``c`` (the bound holds for every ``w*``, so
its minimum does). Outcomes are exact, so a single violating seed is a counterexample.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gflcheck._validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive_int,
)
from gflcheck.bounds import Bound
from gflcheck.cache import cached_run
from gflcheck.deep_networks import (
    GradientDescentRun,
    empirical_risk,
    initialize_deep_network,
    train_gradient_descent,
)
from gflcheck.distributions.margin_sphere import FAMILIES, MarginSphere
from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import student_t_interval
from gflcheck.ntk import (
    MaxMarginSolution,
    jacobian_features,
    lipschitz_constant,
    max_margin,
    reference_rho,
    reference_risks,
    step_size_limit,
)
from gflcheck.random import stream_seed, torch_generator
from gflcheck.theorems.ttm_kernel import generalization_gap_bound, training_loss_bound
from gflcheck.verdicts import (
    Outcome,
    QuantifierInstantiation,
    Verdict,
    classify_seeds,
    decide_every_instance,
    decide_interval,
)


@dataclass(frozen=True)
class KernelSetting:
    """Network ``(d, m, L)``, ``n`` training points of a ``family`` (``linear`` or ``product``
    teacher, :class:`MarginSphere`) with data margin ``margin``, ``T`` GD steps."""

    dimension: int
    width: int
    depth: int
    samples: int
    margin: float
    steps: int
    seed: int
    family: str = "linear"

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "KernelSetting")
        if self.family not in FAMILIES:
            raise ParameterRangeError("family", self.family, f"one of {FAMILIES}", "KernelSetting")
        require_positive_int("width", self.width, "KernelSetting")
        require_int_at_least("depth", self.depth, 1, "KernelSetting (L ≥ 1)")
        require_int_at_least("samples", self.samples, 2, "KernelSetting")
        if not 0.0 <= self.margin < 0.9:
            raise ParameterRangeError(
                "margin", self.margin, "a number in [0, 0.9)", "KernelSetting"
            )
        require_positive_int("steps", self.steps, "KernelSetting")
        require_int_at_least("seed", self.seed, 0, "KernelSetting")

    def distribution(self) -> MarginSphere:
        """The data distribution; its teachers come from the setting's ``"teacher"`` stream."""
        return MarginSphere.random(
            self.dimension, self.margin, torch_generator(self.seed, "teacher"), self.family
        )


@dataclass(frozen=True)
class KernelConfig:
    """Declared constants: seeds, the step-size fraction of ``1/(G₀² + ¼)``, the grid of ``c``."""

    seeds: int = 4
    step_fraction: float = 0.5
    reference_scales: tuple[float, ...] = field(
        default_factory=lambda: tuple(float(c) for c in np.geomspace(0.25, 512, 45))
    )

    def __post_init__(self) -> None:
        require_positive_int("seeds", self.seeds, "KernelConfig")
        require_open_unit_interval("step_fraction", self.step_fraction, "KernelConfig")


@dataclass(frozen=True, eq=False)
class KernelEvidence:
    """Per seed: margins, ``G₀``, the GD run and the bound at every step ``[k, T]``."""

    solutions: list[MaxMarginSolution]
    lipschitz: np.ndarray
    run: GradientDescentRun
    bound_by_step: np.ndarray
    reference_risks: list[tuple[float, np.ndarray]]


def training_data(
    setting: KernelSetting, seeds: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """One training set per run: ``x [k, n, d]``, ``y [k, n]`` (teacher from the setting's seed)."""
    data = setting.distribution()
    pairs = [data.sample(setting.samples, torch_generator(s, "kernel-train")) for s in seeds]
    return torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])


@cached_run
def check_training_loss_bound(
    setting: KernelSetting, bound: Bound | None = None, config: KernelConfig | None = None
) -> tuple[Verdict, KernelEvidence]:
    """Check ``F̂(w_t) ≤ bound(ρ*, η, t)`` at every step ``t = 1..T`` (module docstring)."""
    bound = bound or training_loss_bound()
    config = config or KernelConfig()
    seeds = tuple(stream_seed(setting.seed, f"kernel-run-{i}") for i in range(config.seeds))
    x, y = training_data(setting, seeds)
    network = initialize_deep_network(setting.dimension, setting.width, setting.depth, seeds)
    features = [jacobian_features(network, i, x[i]) for i in range(len(seeds))]
    solutions = [max_margin(phi, y[i]) for i, phi in enumerate(features)]
    lipschitz = np.array([lipschitz_constant(phi) for phi in features])
    limit = float(min(step_size_limit(g) for g in lipschitz))
    eta = config.step_fraction * limit
    run = train_gradient_descent(network, x, y, eta, setting.steps, step_size_limit=limit)
    steps = np.arange(1, setting.steps + 1)
    scales = np.asarray(config.reference_scales)
    risks = [
        reference_risks(network, i, solutions[i], x[i], y[i], scales) for i in range(len(seeds))
    ]
    bound_by_step = np.stack(
        [
            bound.evaluate(
                rho=reference_rho(scales, *risks[i], eta, steps), eta=eta, T=steps[None, :]
            ).min(0)
            for i in range(len(seeds))
        ]
    )
    losses = run.training_loss[:, 1:].numpy()
    diverged = run.diverged_at.numpy() >= 0
    # Exact losses at every step: a seed satisfies the ∀t bound when its largest excess is ≤ 0.
    excess = np.max(losses - bound_by_step, axis=1)
    states = classify_seeds(excess, excess, 0.0, diverged=diverged)
    violated = states.violates
    decision = decide_every_instance(states)
    slack = np.where(diverged, np.nan, (bound_by_step - losses).min(axis=1))
    final_bound = float(bound_by_step[:, -1].max())
    evidence = KernelEvidence(solutions, lipschitz, run, bound_by_step, risks)
    verdict = Verdict(
        check=f"ttm-kernel/training-loss/L={setting.depth},m={setting.width}",
        statement=bound.name,
        outcome=decision.outcome,
        bound=bound,
        bound_value=final_bound,
        decision=decision,
        slack=slack,
        seeds=seeds,
        quantifiers=_quantifiers(setting, config, solutions, lipschitz, eta, limit),
        parameters={
            **setting.__dict__,
            "m": setting.width,
            "T": setting.steps,
            "eta": eta,
            "k": len(seeds),
        },
        false_alarm_rate=0.0,
        trivial_value=None,
        counterexample=_counterexample(violated, losses, bound_by_step, seeds),
        notes=("deliberately false variant",)
        if bound.provenance.note == "deliberately false"
        else (),
        false_variant=bound.provenance.note == "deliberately false",
    )
    return verdict, evidence


def _counterexample(violated, losses, bounds, seeds) -> str | None:
    if not violated.any():
        return None
    i = int(np.argmax(violated))
    t = int(np.argmax(losses[i] > bounds[i]))
    return (
        f"seed {seeds[i]}, step {t + 1}: F̂(w_t) = {losses[i, t]:.5f} > bound {bounds[i, t]:.5f}; "
        f"{int(violated.sum())}/{len(seeds)} seeds violate at some step"
    )


def _quantifiers(
    setting, config, solutions, lipschitz, eta, limit
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    gaps = max(s.optimality_gap for s in solutions)
    return (
        Q(
            "NTK margin γ, direction W̄",
            "hard-margin SVM on ∇_W f(W₀; x_i) (dual, L-BFGS-B), certified lower/upper bounds",
            f"γ ∈ {[round(s.gamma, 4) for s in solutions]}, largest optimality gap {gaps:.2g}",
        ),
        Q(
            "G₀",
            "max_i ‖∇_W f(W₀; x_i)‖ over the training points",
            str([round(g, 4) for g in lipschitz]),
        ),
        Q(
            "η < 1/(G₀² + ¼)",
            f"η = {config.step_fraction:g} × min over seeds of the limit",
            f"η = {eta:.4g} < {limit:.4g}",
        ),
        Q(
            "w*, ρ*",
            f"w* = w₀ + c·W̄, bound minimised over {len(config.reference_scales)} values of c in "
            f"[{min(config.reference_scales):g}, {max(config.reference_scales):g}]",
            "ρ* = max{c, √(ηT F̂(w*)), √(η F̂(w₀))}",
        ),
        Q(
            "every step",
            f"t = 1..{setting.steps}, F̂ exact on the training set",
            f"k = {config.seeds} seeds",
        ),
    )


@cached_run
def check_generalization_gap(
    setting: KernelSetting,
    bound: Bound | None = None,
    config: KernelConfig | None = None,
    test_size: int = 20_000,
    alpha: float = 0.05,
) -> tuple[Verdict, KernelEvidence]:
    """``E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀ + ¼)²/n`` in expectation over training sets (``secondary``).

    Each seed has its own training set and initialisation; its gap ``F − F̂`` uses a fresh test
    sample of ``test_size`` points. ``E[gap]`` gets a two-sided ``1 − α`` Student-t interval over
    the seeds. The right-hand side is computed per seed (``ρ*`` minimised over the grid of ``c``,
    ``G₀`` its own). **Violated** when the interval's lower end exceeds the largest right-hand
    side, **holds** when its upper end is below the smallest, **inconclusive** otherwise.
    """
    bound = bound or generalization_gap_bound()
    config = config or KernelConfig()
    verdict, evidence = check_training_loss_bound(setting, training_loss_bound(), config)
    final = evidence.run.final
    data = setting.distribution()
    x_test, y_test = data.sample(test_size, torch_generator(setting.seed, "gap-test"))
    gaps = empirical_risk(final, x_test, y_test).numpy() - evidence.run.training_loss[:, -1].numpy()
    eta = float(verdict.parameters["eta"])
    scales = np.asarray(config.reference_scales)
    final_step = np.array([setting.steps])
    rhs = np.array(
        [
            bound.evaluate(
                rho=reference_rho(scales, *evidence.reference_risks[i], eta, final_step)[:, 0],
                G0=g,
                n=setting.samples,
            ).min()
            for i, g in enumerate(evidence.lipschitz)
        ]
    )
    interval = student_t_interval(gaps[None, :], alpha / 2)
    lower, upper = float(interval.lower[0]), float(interval.upper[0])
    # Violated only above the largest right-hand side; holds only below the smallest.
    decision = decide_interval(lower, upper, float(rhs.min()), float(rhs.max()), len(gaps), alpha)
    outcome = decision.outcome
    false_variant = bound.provenance.note == "deliberately false"
    gap_verdict = Verdict(
        check=f"ttm-kernel/generalisation-gap/L={setting.depth},m={setting.width}",
        statement=bound.name,
        outcome=outcome,
        bound=bound,
        bound_value=float(rhs.min()),
        decision=decision,
        slack=rhs - gaps,
        seeds=verdict.seeds,
        quantifiers=(
            QuantifierInstantiation(
                "E over training sets",
                f"{len(gaps)} seeds (own training set and initialisation); {interval.method}",
                f"mean gap {float(interval.estimate[0]):.5f} ∈ [{lower:.5f}, {upper:.5f}]",
            ),
            QuantifierInstantiation(
                "ρ*, G₀",
                "per seed; ρ* minimised over the grid of c at T",
                f"right-hand side ∈ [{rhs.min():.4g}, {rhs.max():.4g}]",
            ),
        ),
        parameters=verdict.parameters,
        false_alarm_rate=alpha / 2,
        trivial_value=None,
        counterexample=(
            f"E[gap] ≥ {lower:.5f} > {rhs.max():.5f}" if outcome is Outcome.VIOLATED else None
        ),
        false_variant=false_variant,
    )
    return gap_verdict, evidence
