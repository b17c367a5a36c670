"""Feature learning on XOR (Taheri–Thrampoulidis–Mazumdar), end to end (docs/setups.md §2.2).

For one setting ``(d, δ, seed)`` and a claim (iterations ``T(d)``, fresh samples per iteration
``b(d)``), :func:`check_xor_feature_learning` trains ``k`` seeds of the quadratic network (width
``m``, ``η = m``, linear loss) and, per seed, finds the first iteration with *zero test error*:
exactly zero by enumeration for ``d ≤ 20``; otherwise a screen with no observed error followed by a
Clopper–Pearson upper bound below ``1/d²`` on a large fresh sample. A seed *violates* the claim
when every iteration ``t ≤ T`` shows at least one misclassified point, which proves a positive
error: the per-seed outcome is certain, so the binomial null is exactly ``δ``.

The Table 2 contrast (kernel regime against feature learning, as sample needs over ``d``) is
:mod:`gflcheck.claims.xor_table_2`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gflcheck.core.bounds import Bound, hidden_constant, positive
from gflcheck.core.confidence import SeedPlan
from gflcheck.core.declare import CatalogueEntry, Measurement, Rival, TheoryCheck, delta_of_setting
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.provenance import TTM_PAPER, Provenance, Tag
from gflcheck.core.setups import xor_setup
from gflcheck.core.statement_kinds import rate_check
from gflcheck.core.verdicts import (
    QuantifierInstantiation,
    Verdict,
)
from gflcheck.models.distributions.xor_cube import ENUMERATION_LIMIT, XorCube
from gflcheck.models.quadratic import (
    XorConfig,
    XorRun,
    XorSetting,
    certification_miscoverage,
    dimension_label,
    first_zero_error_iteration,
    train_xor_sgd,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.profiles import Budget
from gflcheck.theorems.ttm import (
    XorClaim,
    feature_learning_claim,
    log_log_iterations,
    sqrt_d_samples,
)


@dataclass(frozen=True, eq=False)
class XorEvidence:
    """The run and each seed's first zero-error iteration (−1 if none within ``T``)."""

    run: XorRun
    iterations: int
    batch_size: int
    first_zero: np.ndarray


def xor_check(
    claim: XorClaim | None = None,
    config: XorConfig | None = None,
    settings: st.SearchStrategy[XorSetting] | None = None,
) -> TheoryCheck[XorSetting]:
    """``claim`` (default: the feature-learning claim) as a :class:`~gflcheck.core.declare.TheoryCheck`:
    the first zero-error iteration ``t*`` of each seed against the claim's ``T(d)``. A seed
    certainly violates it when every iteration ``t ≤ T`` shows a misclassified point (certain), and
    certainly satisfies it when an iteration is certified to have zero error (exact for ``d ≤ 20``,
    else with the certification miscoverage, one per iteration tried). Declared false-alarm
    rate: ``α``."""
    claim = claim or feature_learning_claim()
    config = config or XorConfig()
    return TheoryCheck(
        name="ttm-xor",
        bound=claim.iterations,
        settings=st.nothing() if settings is None else settings,
        bound_values=partial(_iteration_values, config),
        measure=partial(measure_first_zero_error, claim, config),
        quantifiers=partial(_quantifiers, config),
        wording=Wording(
            statement=claim.name, quantity="first zero-error iteration", label=dimension_label
        ),
        expectation=Expectation(why_false=claim.why_false),
        setup=xor_setup("fresh"),
        confidence=replace(
            config.confidence,
            delta=delta_of_setting,
            miscoverage=partial(_declared_miscoverage, claim, config),
        ),
        seed_plan=replace(config.seed_plan, stream="xor-run"),
    )


def check_xor_feature_learning(
    setting: XorSetting, claim: XorClaim | None = None, config: XorConfig | None = None
) -> tuple[Verdict, XorEvidence]:
    """Check the XOR claim on one setting: the verdict of :func:`xor_check`, with its evidence."""
    return xor_check(claim, config).run_with_evidence(setting)


def _iteration_values(config: XorConfig, setting: XorSetting) -> dict[str, float]:
    return {"c": config.iteration_constant, "d": setting.dimension}


def _declared_miscoverage(
    claim: XorClaim, config: XorConfig, setting: XorSetting
) -> tuple[float, float]:
    iterations, _ = claim.budget(
        setting.dimension, config.iteration_constant, config.samples_constant
    )
    return 0.0, certification_miscoverage(setting.dimension, iterations, config)


def measure_first_zero_error(
    claim: XorClaim, config: XorConfig, setting: XorSetting, seeds: tuple[int, ...]
) -> Measurement:
    """Train the quadratic network on ``seeds`` for the claim's ``T`` iterations and find each
    seed's first zero-error iteration ``t*``; a seed that never reaches it has ``t* > T`` (lower
    bound ``T + 1``, no upper bound)."""
    cube = XorCube(setting.dimension)
    iterations, batch = claim.budget(
        setting.dimension, config.iteration_constant, config.samples_constant
    )
    run = train_xor_sgd(cube, config.width, iterations, batch, seeds)
    first = first_zero_error_iteration(run, cube, config.certification_miscoverage, setting.seed)
    diverged = run.diverged_at.numpy() >= 0
    reached = first >= 0
    values = np.where(reached, first, iterations + 1).astype(float)
    return Measurement(
        np.where(diverged, np.nan, values),
        lower=np.where(diverged, np.nan, values),
        upper=np.where(diverged, np.nan, np.where(reached, first, np.inf)),
        miscoverage=(0.0, certification_miscoverage(setting.dimension, iterations, config)),
        diverged=diverged,
        derived={"m": config.width, "T": iterations, "batch": batch},
        evidence=XorEvidence(run, iterations, batch, first),
    )


def _quantifiers(
    config: XorConfig, setting: XorSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    evidence: XorEvidence = measured.evidence
    cube = XorCube(setting.dimension)
    iterations, batch = evidence.iterations, evidence.batch_size
    Q = QuantifierInstantiation
    if setting.dimension <= ENUMERATION_LIMIT:
        zero = f"exactly zero on all 2^{setting.dimension} cube points"
    else:
        size = cube.sample_size_for_zero_error(config.certification_miscoverage)
        zero = (
            f"no error on a 4096-point screen, then no error on {size} fresh points: "
            f"Clopper–Pearson upper bound < 1/d² = {1 / setting.dimension**2:.3g} "
            f"(miscoverage {config.certification_miscoverage:g})"
        )
    return (
        Q("zero test error", zero, "first such iteration per seed"),
        Q(
            "log d iterations",
            f"T = ⌈c·⌈log d⌉⌉, c = {config.iteration_constant:g}",
            str(iterations),
        ),
        Q(
            "n = Õ(d) samples",
            f"{batch} fresh points per iteration (C_n·d, C_n = {config.samples_constant:g}) × T",
            str(batch * iterations),
        ),
        Q(
            "constant width, η = m",
            "quadratic network, a = ±1/m fixed, W ~ N(0, I), linear loss",
            f"m = η = {config.width}",
        ),
    )


@dataclass(frozen=True)
class StepsGrowthSetting:
    """The dimensions over which the steps to zero error are measured (nine points, ratio √2:
    the grid points carry the exponent), and the seed."""

    dimensions: tuple[int, ...] = (4, 6, 8, 11, 16, 23, 32, 45, 64)
    seed: int = 0


def _setting_dimensions(setting: StepsGrowthSetting) -> tuple[int, ...]:
    return setting.dimensions


def steps_to_zero_error(
    config: XorConfig, setting: StepsGrowthSetting, dimension: float, seeds: tuple[int, ...]
) -> np.ndarray:
    """Per run, the first SGD step with certified zero test error at ``d`` (``C_n·d`` fresh points
    per step, up to ``3⌈log d⌉`` steps so that no run is censored: a run that never gets there
    is refused, naming ``d``)."""
    d = int(dimension)
    cube = XorCube(d)
    batch = math.ceil(config.samples_constant * d)
    run = train_xor_sgd(cube, config.width, 3 * math.ceil(math.log(d)), batch, seeds)
    first = first_zero_error_iteration(run, cube, config.certification_miscoverage, d)
    if (first < 1).any():
        raise ParameterRangeError(
            "steps", first.tolist(), "a first zero-error step in [1, 3⌈log d⌉] per run", f"d={d}"
        )
    return first.astype(float)


def steps_growth_check(config: XorConfig | None = None, runs: int = 8) -> TheoryCheck[Any]:
    """TTM's ``⌈log d⌉`` iterations as a rate (:func:`~gflcheck.core.statement_kinds.rate_check`):
    the steps to zero test error grow no faster than ``C·log d`` over the setting's dimensions
    (the grid-level log-log slope against ``log d``'s own over the grid, ``+ τ = 0.25``), told
    apart from a linear number of steps, ``Ω(d)``."""
    config = config or XorConfig()
    bound = Bound(
        "steps to zero error ≤ C·log d",
        "C*log(d)",
        [hidden_constant("C"), positive("d", "input dimension")],
        Provenance(
            TTM_PAPER, "informal theorem: zero test error after log(d) iterations", Tag.SEED
        ),
    )
    linear = bound.variant("steps grow like d (rival)", "C*d", "rival: linear steps")
    return rate_check(
        "ttm-xor/steps-in-d",
        bound,
        "d",
        st.just(StepsGrowthSetting()),
        _setting_dimensions,
        partial(steps_to_zero_error, config),
        tolerance=0.25,
        runs=runs,
        rivals=(Rival(linear, at_least=True),),
        quantifiers={
            "SGD": f"TTM's mini-batch SGD, m = {config.width}, η = m, linear loss, "
            f"{config.samples_constant:g}·d fresh points per step"
        },
        wording=Wording(statement="TTM: the steps to zero error grow like log d"),
        setup=xor_setup("fresh"),
        seed_plan=SeedPlan(stream="xor-steps"),
    )


def _run_xor(
    claim: Callable[[], XorClaim] | None, setting: XorSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_xor_feature_learning(setting, claim() if claim else None)


ENTRIES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "ttm-xor/d=16",
        "XOR y = x₁x₂ on {±1}^16: zero error within ⌈log d⌉ SGD steps",
        XorSetting(16, 0.2, 1),
        partial(_run_xor, None),
    ),
    CatalogueEntry(
        "ttm-xor/d=64/log-log-steps",
        "false variant: ⌈log log d⌉ steps suffice",
        XorSetting(64, 0.2, 2),
        partial(_run_xor, log_log_iterations),
    ),
    CatalogueEntry(
        "ttm-xor/d=32/sqrt-d-samples",
        "false variant: ⌈√d⌉ samples per step suffice",
        XorSetting(32, 0.2, 3),
        partial(_run_xor, sqrt_d_samples),
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""


def xor_settings(
    dimension: st.SearchStrategy[int] = st.integers(2, 96),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
) -> st.SearchStrategy[XorSetting]:
    """An :class:`XorSetting`: ``d``, ``δ`` and a seed."""
    return st.builds(XorSetting, dimension=dimension, delta=delta, seed=st.integers(0, 2**32 - 1))
