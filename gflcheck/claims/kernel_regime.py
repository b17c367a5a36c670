"""The kernel-regime results of Taheri–Thrampoulidis–Mazumdar (docs/setups.md §2.1), on real GD runs.

:func:`check_training_loss_bound`: for each seed (its own training set and initialisation), the
NTK margin ``γ`` and direction ``W̄`` (certified max-margin solver), ``G₀``, and GD with
``η = fraction·min_i 1/(G₀,ᵢ² + ¼)``; at **every** step ``t`` the training loss ``F̂(w_t)`` (computed
exactly on the training set) must not exceed ``min_c 4ρ*(c, t)²/(ηt)``, the bound minimised over
reference points ``w* = w₀ + c·W̄`` on a declared grid of ``c`` (the bound holds for every ``w*``, so
its minimum does). Outcomes are exact, so a single violating seed is a counterexample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gflcheck.core.bounds import Bound
from gflcheck.core.confidence import Confidence, SeedPlan
from gflcheck.core.declare import (
    CatalogueEntry,
    Measurement,
    StatementKind,
    TheoryCheck,
    no_setting_symbols,
)
from gflcheck.core.estimators import student_t_interval
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.setups import KERNEL_REGIME
from gflcheck.core.verdicts import (
    QuantifierInstantiation,
    Verdict,
)
from gflcheck.models.deep_networks import (
    GradientDescentRun,
    KernelSetting,
    empirical_risk,
    initialize_deep_network,
    train_gradient_descent,
    training_data,
)
from gflcheck.models.distributions.margin_sphere import FAMILIES
from gflcheck.models.ntk import (
    MaxMarginSolution,
    lipschitz_constant,
    max_margin,
    reference_rho,
    reference_risks,
    step_size_limit,
    tangent_kernel,
)
from gflcheck.runtime.profiles import Budget
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_open_unit_interval,
    require_positive_int,
)
from gflcheck.theorems.ttm_kernel import (
    generalization_gap_bound,
    generalization_gap_thousandth,
    no_generalization_gap,
    training_loss_bound,
    training_loss_bound_constant_one,
    training_loss_bound_squared_rate,
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
    """Per seed: margins, ``G₀``, the GD run, the reference risks ``F̂(w₀)`` and ``F̂(w*_c)``, and
    the step size with its limit."""

    solutions: list[MaxMarginSolution]
    lipschitz: np.ndarray
    run: GradientDescentRun
    reference_risks: list[tuple[float, np.ndarray]]
    eta: float
    step_size_limit: float


def kernel_settings(
    steps: st.SearchStrategy[int] = st.integers(20, 250),
    samples: st.SearchStrategy[int] = st.integers(16, 80),
    dimension: st.SearchStrategy[int] = st.integers(3, 10),
) -> st.SearchStrategy[KernelSetting]:
    """Small deep networks (``m ∈ {16, 32, 48}``, ``L ≤ 3``) on separable sphere data of either
    teacher family, margin in ``[0.1, 0.4]``."""
    return st.builds(
        KernelSetting,
        dimension=dimension,
        width=st.sampled_from((16, 32, 48)),
        depth=st.integers(1, 3),
        samples=samples,
        margin=st.floats(0.1, 0.4),
        steps=steps,
        seed=st.integers(0, 2**32 - 1),
        family=st.sampled_from(FAMILIES),
    )


def training_loss_check(
    bound: Bound | None = None,
    config: KernelConfig | None = None,
    settings: st.SearchStrategy[KernelSetting] | None = None,
) -> TheoryCheck[KernelSetting]:
    """``F̂(w_t) ≤ bound(ρ*, η, t)`` (default: TTM's ``4ρ*²/(ηt)``) as a ∀-statement
    (:attr:`~gflcheck.core.declare.StatementKind.FOR_EVERY`) over every seed, step ``t = 1..T`` and
    reference point ``w* = w₀ + c·W̄`` on the declared grid of ``c``: the bound holds for every
    ``w*``, so one (seed, t, c) above it refutes it. Losses are exact: no false-alarm rate.
    ``settings``: what its property generates (default :func:`kernel_settings`)."""
    bound = bound or training_loss_bound()
    config = config or KernelConfig()
    return TheoryCheck(
        name="ttm-kernel/training-loss",
        bound=bound,
        settings=kernel_settings() if settings is None else settings,
        bound_values=no_setting_symbols,
        measure=partial(measure_training_losses, config),
        quantifiers=partial(_quantifiers, config),
        kind=StatementKind.FOR_EVERY,
        wording=Wording(
            statement=bound.name, quantity="training loss F̂(w_t)", label=_depth_and_width
        ),
        expectation=Expectation(why_false=_why_false(bound)),
        setup=KERNEL_REGIME,
        seed_plan=SeedPlan(count=config.seeds, stream="kernel-run"),
    )


def check_training_loss_bound(
    setting: KernelSetting, bound: Bound | None = None, config: KernelConfig | None = None
) -> tuple[Verdict, KernelEvidence]:
    """Check ``F̂(w_t) ≤ bound(ρ*, η, t)`` at every step ``t = 1..T`` (module docstring): the
    verdict of :func:`training_loss_check`, with its evidence."""
    return training_loss_check(bound, config).run_with_evidence(setting)


def _why_false(bound: Bound) -> str | None:
    """The kernel-regime variants mark themselves false in their provenance note."""
    if bound.provenance.note == "deliberately false":
        return f"declared false: {bound.provenance.location}"
    return None


def _depth_and_width(setting: KernelSetting) -> str:
    return f"L={setting.depth},m={setting.width}"


def measure_training_losses(
    config: KernelConfig, setting: KernelSetting, seeds: tuple[int, ...]
) -> Measurement:
    """Train every seed by GD (its own training set and initialisation) and return the exact
    training loss at every step, once per reference point ``c``: ``[k, T·C]`` instances, with
    ``ρ*(c, t)``, ``η`` and ``t`` as the bound's per-instance symbols."""
    x, y = training_data(setting, seeds)
    network = initialize_deep_network(setting.dimension, setting.width, setting.depth, seeds)
    kernels = [tangent_kernel(network, i, x[i]) for i in range(len(seeds))]
    solutions = [max_margin(kernel, y[i]) for i, kernel in enumerate(kernels)]
    lipschitz = np.array([lipschitz_constant(kernel) for kernel in kernels])
    limit = float(min(step_size_limit(g) for g in lipschitz))
    eta = config.step_fraction * limit
    run = train_gradient_descent(network, x, y, eta, setting.steps, step_size_limit=limit)
    steps = np.arange(1, setting.steps + 1)
    scales = np.asarray(config.reference_scales)
    risks = [
        reference_risks(network, i, solutions[i], x[i], y[i], scales) for i in range(len(seeds))
    ]
    rho = np.stack([reference_rho(scales, *risks[i], eta, steps) for i in range(len(seeds))])
    shape = rho.shape  # [k, C, T]
    losses = np.broadcast_to(run.training_loss[:, None, 1:].numpy(), shape)
    diverged = run.diverged_at.numpy() >= 0
    flat = (len(seeds), -1)
    return Measurement(
        np.where(diverged[:, None], np.nan, losses.reshape(flat)),
        diverged=diverged,
        derived={"m": setting.width, "T": setting.steps, "eta": eta},
        bound_values={
            "rho": rho.reshape(flat),
            "eta": np.full(shape, eta).reshape(flat),
            "T": np.broadcast_to(steps.astype(float), shape).reshape(flat),
        },
        evidence=KernelEvidence(solutions, lipschitz, run, risks, eta, limit),
    )


def _quantifiers(
    config: KernelConfig, setting: KernelSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    evidence: KernelEvidence = measured.evidence
    solutions, lipschitz = evidence.solutions, evidence.lipschitz
    eta, limit = evidence.eta, evidence.step_size_limit
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


def generalization_gap_check(
    bound: Bound | None = None,
    config: KernelConfig | None = None,
    test_size: int = 20_000,
    alpha: float = 0.05,
    settings: st.SearchStrategy[KernelSetting] | None = None,
) -> TheoryCheck[KernelSetting]:
    """``E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀ + ¼)²/n`` in expectation over training sets (``secondary``),
    as a :class:`~gflcheck.core.declare.TheoryCheck` on one estimate.

    Each seed of :func:`training_loss_check` has its own training set and initialisation; its gap
    ``F − F̂`` uses a fresh test sample of ``test_size`` points. ``E[gap]`` gets a two-sided
    ``1 − α`` Student-t interval over the seeds. The right-hand side is computed per seed (``ρ*``
    minimised over the grid of ``c``, ``G₀`` its own), and enters as an interval: **violated**
    when the interval's lower end exceeds the largest right-hand side, **holds** when its upper
    end is at or below the smallest, **inconclusive** otherwise. Declared false-alarm rate
    ``α/2``. ``settings``: what its property generates (default :func:`kernel_settings`).
    """
    bound = bound or generalization_gap_bound()
    config = config or KernelConfig()
    return TheoryCheck(
        name="ttm-kernel/generalisation-gap",
        bound=bound,
        settings=kernel_settings() if settings is None else settings,
        bound_values=_training_set_size,
        measure=partial(measure_generalization_gap, config, test_size, alpha),
        quantifiers=_gap_quantifiers,
        kind=StatementKind.FOR_EVERY,
        wording=Wording(
            statement=bound.name, quantity="mean generalisation gap", label=_depth_and_width
        ),
        expectation=Expectation(why_false=_why_false(bound)),
        setup=KERNEL_REGIME,
        confidence=Confidence(miscoverage=alpha / 2),
        seed_plan=SeedPlan(count=1),
    )


def check_generalization_gap(
    setting: KernelSetting,
    bound: Bound | None = None,
    config: KernelConfig | None = None,
    test_size: int = 20_000,
    alpha: float = 0.05,
) -> tuple[Verdict, KernelEvidence]:
    """The verdict of :func:`generalization_gap_check` on ``setting``, with its evidence."""
    return generalization_gap_check(bound, config, test_size, alpha).run_with_evidence(setting)


def _training_set_size(setting: KernelSetting) -> dict[str, float]:
    return {"n": setting.samples}


def measure_generalization_gap(
    config: KernelConfig,
    test_size: int,
    alpha: float,
    setting: KernelSetting,
    seeds: tuple[int, ...],
) -> Measurement:
    """The mean gap over the training-loss check's seeds with its two-sided interval, and the
    per-seed ``ρ*`` and ``G₀`` of the seeds with the smallest, median and largest right-hand
    side, as the bound's ``(lower, estimate, upper)`` symbols."""
    training, evidence = check_training_loss_bound(setting, training_loss_bound(), config)
    data = setting.distribution()
    x_test, y_test = data.sample(test_size, torch_generator(setting.seed, "gap-test"))
    final = evidence.run.final
    gaps = empirical_risk(final, x_test, y_test).numpy() - evidence.run.training_loss[:, -1].numpy()
    scales = np.asarray(config.reference_scales)
    final_step = np.array([setting.steps])
    rho = np.array(
        [
            reference_rho(scales, *risks, evidence.eta, final_step)[:, 0]
            for risks in evidence.reference_risks
        ]
    )  # [k, C]
    reference = generalization_gap_bound()
    rhs = np.stack(
        [
            reference.evaluate(rho=rho[i], G0=g, n=setting.samples)
            for i, g in enumerate(evidence.lipschitz)
        ]
    )  # [k, C]
    best = rhs.argmin(1)  # the reference point c that minimises each seed's right-hand side
    rho_star = rho[np.arange(len(best)), best]
    order = np.argsort(rhs.min(1))
    ends = (order[0], order[len(order) // 2], order[-1])
    interval = student_t_interval(gaps[None, :], alpha / 2)
    return Measurement(
        interval.estimate,
        lower=interval.lower,
        upper=interval.upper,
        miscoverage=alpha / 2,
        derived={k: v for k, v in training.parameters.items() if k in ("m", "T", "eta", "k")},
        bound_values={
            "rho": tuple(np.array([rho_star[i]]) for i in ends),
            "G0": tuple(np.array([evidence.lipschitz[i]]) for i in ends),
        },
        evidence=evidence,
        degrees_of_freedom=interval.sample_size - 1,
    )


def _gap_quantifiers(
    setting: KernelSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    evidence: KernelEvidence = measured.evidence
    seeds = len(evidence.lipschitz)
    rho, g0 = measured.bound_values["rho"], measured.bound_values["G0"]
    reference = generalization_gap_bound()
    smallest, largest = (
        float(reference.evaluate(rho=rho[end][0], G0=g0[end][0], n=setting.samples))
        for end in (0, 2)
    )
    lower, upper = float(measured.lower_bounds[0]), float(measured.upper_bounds[0])
    return (
        QuantifierInstantiation(
            "E over training sets",
            f"{seeds} seeds (own training set and initialisation); two-sided Student-t interval",
            f"mean gap {float(measured.values[0]):.5f} ∈ [{lower:.5f}, {upper:.5f}]",
        ),
        QuantifierInstantiation(
            "ρ*, G₀",
            "per seed; ρ* minimised over the grid of c at T; the seeds with the smallest and "
            "largest right-hand side bound it",
            f"TTM right-hand side ∈ [{smallest:.4g}, {largest:.4g}]",
        ),
    )


def _run_training_loss(
    bound: Callable[[], Bound] | None, setting: KernelSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_training_loss_bound(setting, bound() if bound else None)


def _run_generalization_gap(
    bound: Callable[[], Bound] | None, seeds: int, setting: KernelSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_generalization_gap(setting, bound() if bound else None, KernelConfig(seeds=seeds))


_KERNEL = KernelSetting(6, 32, 2, 48, 0.2, 250, 3)


_KERNEL_FEW_SAMPLES = KernelSetting(8, 32, 1, 20, 0.2, 200, 5)


ENTRIES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "ttm-kernel/training-loss",
        "deep tanh network, d=6, m=32, L=2, n=48: F̂(w_t) ≤ 4ρ*²/(ηt) at every step",
        _KERNEL,
        partial(_run_training_loss, None),
    ),
    CatalogueEntry(
        "ttm-kernel/training-loss/1-over-t-squared",
        "false variant: F̂(w_t) ≤ 4ρ*²/(ηt²)",
        _KERNEL,
        partial(_run_training_loss, training_loss_bound_squared_rate),
    ),
    CatalogueEntry(
        "ttm-kernel/training-loss/constant-1",
        "false variant near the break point: F̂(w_t) ≤ ρ*²/(ηt) (measured 3.4× loose)",
        _KERNEL,
        partial(_run_training_loss, training_loss_bound_constant_one),
    ),
    CatalogueEntry(
        "ttm-kernel/generalisation-gap",
        "E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀+¼)²/n over 32 training sets",
        _KERNEL,
        partial(_run_generalization_gap, None, 32),
    ),
    CatalogueEntry(
        "ttm-kernel/generalisation-gap/thousandth",
        "false variant near the break point: the gap bound ÷ 1000 (measured 262× loose)",
        _KERNEL,
        partial(_run_generalization_gap, generalization_gap_thousandth, 32),
    ),
    CatalogueEntry(
        "ttm-kernel/generalisation-gap/none",
        "false variant: no generalisation gap (n = 20, d = 8)",
        _KERNEL_FEW_SAMPLES,
        partial(_run_generalization_gap, no_generalization_gap, 16),
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""
