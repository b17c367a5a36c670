"""The kernel-regime results of Taheri–Thrampoulidis–Mazumdar (THEORY.md §2.1), on real GD runs.

:func:`check_training_loss_bound`: for each seed (its own training set and initialisation), the
NTK margin ``γ`` and direction ``W̄`` (certified max-margin solver), ``G₀``, and GD with
``η = fraction·min_i 1/(G₀,ᵢ² + ¼)``; at **every** step ``t`` the training loss ``F̂(w_t)`` (computed
exactly on the training set) must not exceed ``min_c 4ρ*(c, t)²/(ηt)``, the bound minimised over
reference points ``w* = w₀ + c·W̄`` on a declared grid of ``c`` (the bound holds for every ``w*``, so
its minimum does). Outcomes are exact, so a single violating seed is a counterexample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from gflcheck._validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive_int,
)
from gflcheck.bounds import Bound
from gflcheck.deep_networks import (
    GradientDescentRun,
    empirical_risk,
    initialize_deep_network,
    train_gradient_descent,
)
from gflcheck.distributions.margin_sphere import MarginSphere
from gflcheck.errors import ParameterRangeError
from gflcheck.ntk import (
    MaxMarginSolution,
    jacobian_features,
    lipschitz_constant,
    max_margin,
    shifted,
    step_size_limit,
)
from gflcheck.random import stream_seed, torch_generator
from gflcheck.theorems.ttm_kernel import training_loss_bound
from gflcheck.verdicts import QuantifierInstantiation, Verdict, decide_every_instance


@dataclass(frozen=True)
class KernelSetting:
    """Network ``(d, m, L)``, ``n`` training points with data margin ``margin``, ``T`` GD steps."""

    dimension: int
    width: int
    depth: int
    samples: int
    margin: float
    steps: int
    seed: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "KernelSetting")
        require_positive_int("width", self.width, "KernelSetting")
        require_int_at_least("depth", self.depth, 1, "KernelSetting (L ≥ 1)")
        require_int_at_least("samples", self.samples, 2, "KernelSetting")
        if not 0.0 <= self.margin < 0.9:
            raise ParameterRangeError(
                "margin", self.margin, "a number in [0, 0.9)", "KernelSetting"
            )
        require_positive_int("steps", self.steps, "KernelSetting")
        require_int_at_least("seed", self.seed, 0, "KernelSetting")


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


def training_data(
    setting: KernelSetting, seeds: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """One training set per run: ``x [k, n, d]``, ``y [k, n]`` (teacher from the setting's seed)."""
    data = MarginSphere.random(
        setting.dimension, setting.margin, torch_generator(setting.seed, "teacher")
    )
    pairs = [data.sample(setting.samples, torch_generator(s, "kernel-train")) for s in seeds]
    return torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])


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
    bound_by_step = np.stack(
        [
            _minimised_bound(bound, network, i, solutions[i], x[i], y[i], eta, steps, config)
            for i in range(len(seeds))
        ]
    )
    losses = run.training_loss[:, 1:].numpy()
    diverged = run.diverged_at.numpy() >= 0
    violated = ~diverged & (losses > bound_by_step).any(axis=1)
    decision = decide_every_instance(violated, diverged)
    slack = np.where(diverged, np.nan, (bound_by_step - losses).min(axis=1))
    final_bound = float(bound_by_step[:, -1].max())
    evidence = KernelEvidence(solutions, lipschitz, run, bound_by_step)
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
        non_vacuous=None,
        counterexample=_counterexample(violated, losses, bound_by_step, seeds),
        notes=("deliberately false variant",)
        if bound.provenance.note == "deliberately false"
        else (),
        false_variant=bound.provenance.note == "deliberately false",
    )
    return verdict, evidence


def _minimised_bound(
    bound: Bound,
    network,
    run: int,
    solution: MaxMarginSolution,
    x: torch.Tensor,
    y: torch.Tensor,
    eta: float,
    steps: np.ndarray,
    config: KernelConfig,
) -> np.ndarray:
    """``min_c bound(ρ*(c, t), η, t)`` for every ``t``: ``F̂(w*_c)`` once per ``c``, vectorised over ``t``."""
    initial_risk = float(empirical_risk(_one(network, run), x, y)[0])
    best = np.full(steps.shape, np.inf)
    for scale in config.reference_scales:
        risk = float(empirical_risk(shifted(network, run, solution.direction, scale), x, y)[0])
        rho = np.maximum.reduce(
            [
                np.full(steps.shape, scale),
                np.sqrt(eta * steps * risk),
                np.full(steps.shape, math.sqrt(eta * initial_risk)),
            ]
        )
        best = np.minimum(best, bound.evaluate(rho=rho, eta=eta, T=steps))
    return best


def _one(network, run: int):
    from gflcheck.deep_networks import DeepNetwork

    return DeepNetwork(
        tuple(p[run : run + 1] for p in network.layers), network.output[run : run + 1]
    )


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
