"""Taheri–Thrampoulidis–Mazumdar's Figure 1 (η = m = 20, n = 6d) as a figure-level statement, in
both readings of its "n = 6d" (docs/setups.md §5.2).

The caption, "test error vs iteration number for SGD learning of the XOR distribution for
different data dimensions; η = m = 20 and n = 6d", does not say what ``n`` counts:

- **fresh** (:attr:`Figure1Reading.FRESH`): ``6d`` fresh points per SGD step. The theorem is about
  mini-batch SGD with linear sample complexity, so this is the reading that the paper's claim is
  checked under (judged);
- **reused** (:attr:`Figure1Reading.REUSED`): one training set of ``6d`` points, used in full at
  every step. The caption may mean it, the theorem does not: it is reported as an observation,
  never as the paper failing.

Statement (``ours``: the figure-level reading of "zero error" in a plot): the test error of the
network after ``T = ⌈ln d⌉ + 1`` steps is at most ``e_fig = 2%``, with probability at least
``1 − δ`` over the seed (data, initialisation). The test error is exact for ``d ≤ 20`` (all cube
points) and otherwise estimated on a declared test set of ``test_size`` fresh points per seed,
with one-sided Clopper–Pearson bounds at miscoverage ``β`` each. The network and its SGD are
:func:`gflcheck.models.quadratic.train_xor_sgd`: quadratic activation, second layer ``±1/m`` fixed,
linear loss, step ``η = m``. The trivial value is ½, the error of a constant classifier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck.core.bounds import Bound, unit_interval
from gflcheck.core.confidence import Confidence, SeedPlan, require_claim_plan
from gflcheck.core.declare import CatalogueEntry, Measurement, TheoryCheck, delta_of_setting
from gflcheck.core.estimators import IntervalEstimate, clopper_pearson, zero_one_errors
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.illustrations import ErrorCurves, Illustration
from gflcheck.core.provenance import TTM_PAPER, Provenance, Tag
from gflcheck.core.setups import xor_setup
from gflcheck.core.verdicts import QuantifierInstantiation
from gflcheck.models.distributions.xor_cube import ENUMERATION_LIMIT, XorCube
from gflcheck.models.quadratic import (
    QuadraticNetwork,
    XorRun,
    XorSetting,
    dimension_label,
    train_xor_sgd,
)
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)

POSTER_WIDTH = 20  # η = m = 20 (the caption)
POSTER_SAMPLES_PER_DIMENSION = 6  # n = 6d (the caption)


class Figure1Reading(StrEnum):
    """What the caption's ``n = 6d`` counts."""

    FRESH = "6d fresh points per step"
    REUSED = "one set of 6d points, reused at every step"


REUSED_OBSERVATION = (
    "the caption's n = 6d read as one training set reused at every step: the theorem is about "
    "mini-batch SGD with fresh samples, so this reading is reported, not held against the paper "
    "(docs/setups.md §5.2)"
)


@dataclass(frozen=True)
class Figure1Config:
    """Declared constants: the error target ``e_fig``, the steps beyond ``⌈ln d⌉``, the declared
    test set (``test_size`` points per seed for ``d > 20``; exact below), its miscoverage ``β``
    per side, the error rates (``confidence``) and the seed plan: at least 8 seeds, enough to
    confirm *holds* with 8 seeds not certified to satisfy the statement (errors near ``e_fig``).
    The caption fixes ``m = η = 20`` and ``n = 6d``."""

    error_target: float = 0.02
    extra_steps: int = 1
    test_size: int = 20_000
    miscoverage: float = 0.005
    confidence: Confidence = field(default_factory=Confidence)
    seed_plan: SeedPlan = field(default_factory=lambda: SeedPlan(minimum=8, unconfirmed=8))

    def __post_init__(self) -> None:
        require_claim_plan(self.confidence, self.seed_plan, "Figure1Config")
        require_open_unit_interval("error_target", self.error_target, "Figure1Config")
        require_int_at_least("extra_steps", self.extra_steps, 0, "Figure1Config")
        require_positive_int("test_size", self.test_size, "Figure1Config")
        require_open_unit_interval("miscoverage", self.miscoverage, "Figure1Config")

    def steps(self, dimension: int) -> int:
        """``T = ⌈ln d⌉ + extra_steps``."""
        return math.ceil(math.log(dimension)) + self.extra_steps


_E_FIG = unit_interval("e_fig", "declared figure-level error target")


def figure_1_bound(reading: Figure1Reading) -> Bound:
    """``err(w_T) ≤ e_fig`` at ``T = ⌈ln d⌉ + 1`` (``ours``, from the poster's Figure 1)."""
    return Bound(
        "Figure 1: test error ≤ e_fig after ⌈ln d⌉+1 steps",
        _E_FIG.symbol,
        [_E_FIG],
        Provenance(
            TTM_PAPER,
            f"poster, Figure 1 (η = m = 20, n = 6d; {reading.value})",
            Tag.OURS,
            "figure-level reading of 'zero error' in a plot",
        ),
        "test error of the network after ⌈ln d⌉ + 1 SGD steps",
    )


_PARTS = ("estimate", "lower", "upper")


@dataclass(frozen=True, eq=False)
class Figure1Evidence:
    """The test error after every step ``0..T`` (``[T+1, k]`` estimate and bounds), ``T``, the
    batch and the training-set size (``None``: fresh batches)."""

    error: IntervalEstimate
    steps: int
    batch_size: int
    training_size: int | None


def _training_sizes(reading: Figure1Reading, dimension: int) -> tuple[int, int | None]:
    """``(batch, training set)`` for the reading: ``6d`` fresh per step, or one set of ``6d``
    used in full (full-batch)."""
    samples = POSTER_SAMPLES_PER_DIMENSION * dimension
    return samples, (samples if reading is Figure1Reading.REUSED else None)


@cached_run
def figure_1_error_curve(
    reading: Figure1Reading,
    dimension: int,
    steps: int,
    test_size: int,
    miscoverage: float,
    seeds: tuple[int, ...],
) -> Figure1Evidence:
    """Train ``seeds`` in the reading's set-up for ``steps`` steps and measure the test error after
    each: exact for ``d ≤ 20``, else on ``test_size`` fresh points per seed (stream
    ``figure-1-test`` of each seed) with Clopper–Pearson bounds at ``miscoverage`` each."""
    cube = XorCube(dimension)
    batch, training = _training_sizes(reading, dimension)
    run = train_xor_sgd(cube, POSTER_WIDTH, steps, batch, seeds, training_size=training)
    if dimension <= ENUMERATION_LIMIT:  # exact: the generator is not used
        estimates = [cube.test_error(net, miscoverage, torch.Generator()) for net in run.networks]
        error = IntervalEstimate(
            *(np.stack([getattr(e, part) for e in estimates]) for part in _PARTS),
            estimates[0].sample_size,
            miscoverage,
            estimates[0].method,
        )
    else:
        wrong = np.stack(
            [
                _wrong_over_steps(
                    run, i, cube.sample(test_size, torch_generator(seed, "figure-1-test"))
                )
                for i, seed in enumerate(seeds)
            ],
            axis=1,
        )  # [T+1, k]
        error = clopper_pearson(wrong, test_size, miscoverage)
    diverged = run.diverged_at.numpy() >= 0
    if diverged.any():
        error = IntervalEstimate(
            *(np.where(diverged, np.nan, getattr(error, part)) for part in _PARTS),
            error.sample_size,
            error.miscoverage,
            error.method,
        )
    return Figure1Evidence(error, steps, batch, training)


def _wrong_over_steps(
    run: XorRun, index: int, test: tuple[torch.Tensor, torch.Tensor]
) -> np.ndarray:
    """Misclassified test points of seed ``index`` after each step ``0..T`` (``[T+1]``), on that
    seed's own test set; a non-finite score counts as an error."""
    x, y = test
    steps = QuadraticNetwork(
        torch.stack([network.W[index] for network in run.networks]), run.networks[0].a
    )
    scores = steps(x)  # [T+1, N]
    return (zero_one_errors(scores * y.to(scores.dtype)) | ~torch.isfinite(scores)).sum(-1).numpy()


def measure_figure_1_error(
    reading: Figure1Reading, config: Figure1Config, setting: XorSetting, seeds: tuple[int, ...]
) -> Measurement:
    """Per seed, the test error after ``T = ⌈ln d⌉ + 1`` steps with its two bounds."""
    steps = config.steps(setting.dimension)
    evidence = figure_1_error_curve(
        reading, setting.dimension, steps, config.test_size, config.miscoverage, seeds
    )
    error = evidence.error
    exact = setting.dimension <= ENUMERATION_LIMIT
    diverged = ~np.isfinite(error.estimate[steps])
    return Measurement(
        error.estimate[steps],
        lower=error.lower[steps],
        upper=error.upper[steps],
        miscoverage=0.0 if exact else config.miscoverage,
        diverged=diverged,
        derived={"m": POSTER_WIDTH, "T": steps, "batch": evidence.batch_size},
        evidence=evidence,
    )


def figure_1_check(
    reading: Figure1Reading = Figure1Reading.FRESH,
    config: Figure1Config | None = None,
    settings: st.SearchStrategy[XorSetting] | None = None,
) -> TheoryCheck[XorSetting]:
    """The Figure 1 statement (module docstring) under ``reading``, as a
    :class:`~gflcheck.core.declare.TheoryCheck`: judged under the fresh reading, an observation under
    the reused one. Declared false-alarm rate: ``α``."""
    config = config or Figure1Config()
    return TheoryCheck(
        name=f"ttm-xor-figure-1/{'fresh' if reading is Figure1Reading.FRESH else 'reused'}",
        bound=figure_1_bound(reading),
        settings=st.nothing() if settings is None else settings,
        bound_values=partial(_error_target, config),
        measure=partial(measure_figure_1_error, reading, config),
        quantifiers=partial(_quantifiers, reading, config),
        trivial_value=0.5,
        wording=Wording(
            statement=f"test error ≤ {config.error_target:g} after ⌈ln d⌉+1 steps ({reading.value})",
            quantity="test error",
            label=dimension_label,
        ),
        expectation=Expectation(
            observation=REUSED_OBSERVATION if reading is Figure1Reading.REUSED else None
        ),
        setup=replace(
            xor_setup("reused" if reading is Figure1Reading.REUSED else "fresh"),
            steps=f"mini-batch SGD on the first layer, η = m = {POSTER_WIDTH} (the caption)",
        ),
        confidence=replace(
            config.confidence,
            delta=delta_of_setting,
            miscoverage=partial(_declared_miscoverage, config),
        ),
        seed_plan=replace(config.seed_plan, stream="figure-1"),
    )


NEAR_VARIANT_DIVISOR = 16
"""The divisor of the Figure 1 near variant (:func:`figure_1_below_the_target`): the nearest
divisor measured whose detection rate is at least 0.9 with 95% confidence, since one
``gflcheck power`` run of 20 repetitions must show 0.9. Measured at d = 64 by ``gflcheck
power``'s rule on independent sets of 20 repetitions: ÷ 10 refuted 12/20 and 8/20
(the rest inconclusive; it was the shipped variant before), ÷ 12 16/20, ÷ 14 19/20, 19/20 and
17/20 (55/60 = 0.92, Clopper–Pearson lower bound 0.82), ÷ 16 20/20, 20/20 and, under this
variant's own name, 19/20 (59/60, lower bound 0.91). ÷ 16 sits 1.94× past the break point ÷ 8.26
that ``gflcheck mutate`` measured at seed 7."""


def figure_1_below_the_target(
    divisor: float = NEAR_VARIANT_DIVISOR, config: Figure1Config | None = None
) -> TheoryCheck[XorSetting]:
    """False variant near the truth (``ours``): the Figure 1 statement (fresh reading)
    with its error target divided by ``divisor``, ``err(w_T) ≤ e_fig/divisor``.

    ``gflcheck mutate`` measured the 2% statement 3.35× and 2.39× loose at d = 32 and 64 and
    refuted from ÷ 12.2 and ÷ 8.26. How far past that a variant must sit to be refuted on 0.9 of
    fresh seeds: :data:`NEAR_VARIANT_DIVISOR`. The measurement is the true statement's, so the
    run cache serves it."""
    require_positive("divisor", divisor, "figure_1_below_the_target")
    check = figure_1_check(Figure1Reading.FRESH, config)
    config = config or Figure1Config()
    bound = check.bound
    return check.false_variant(
        bound.variant(
            f"Figure 1: test error ≤ e_fig/{divisor:g} after ⌈ln d⌉+1 steps (false)",
            bound.expression / divisor,
            f"the error target ÷ {divisor:g}",
        ),
        why_false="6d fresh points per step leave a test-error floor of about 0.5–1.7% "
        "(docs/setups.md §5.2; measured break point ÷ 8.26 at d = 64)",
        statement=f"test error ≤ {config.error_target / divisor:.3g} after ⌈ln d⌉+1 steps "
        f"({Figure1Reading.FRESH.value}) (false)",
    )


def _error_target(config: Figure1Config, setting: XorSetting) -> dict[str, float]:
    return {"e_fig": config.error_target}


def _declared_miscoverage(config: Figure1Config, setting: XorSetting) -> float:
    return 0.0 if setting.dimension <= ENUMERATION_LIMIT else config.miscoverage


def _quantifiers(
    reading: Figure1Reading, config: Figure1Config, setting: XorSetting, measured: Measurement
) -> tuple[QuantifierInstantiation, ...]:
    evidence: Figure1Evidence = measured.evidence
    Q = QuantifierInstantiation
    d = setting.dimension
    test = (
        f"exact: all 2^{d} cube points"
        if d <= ENUMERATION_LIMIT
        else f"{config.test_size} fresh points per seed, Clopper–Pearson at β = "
        f"{config.miscoverage:g} per side"
    )
    finite = measured.values[np.isfinite(measured.values)]
    return (
        Q("the data", f"x ~ U({{±1}}^{d}), y = x₁x₂", "XOR on the cube"),
        Q(
            "η = m = 20",
            "quadratic network, a = ±1/m fixed, W ~ N(0, I), linear loss",
            f"m = η = {POSTER_WIDTH}",
        ),
        Q(
            "n = 6d",
            reading.value,
            f"{evidence.batch_size} points per step"
            + (
                f" from one set of {evidence.training_size}"
                if evidence.training_size is not None
                else " (fresh)"
            ),
        ),
        Q(
            "'reaches about zero error' (the figure)",
            f"test error ≤ e_fig = {config.error_target:g} after T = ⌈ln d⌉ + "
            f"{config.extra_steps} steps",
            f"T = {evidence.steps}; error at T: median {np.median(finite):.4f}"
            if finite.size
            else f"T = {evidence.steps}; every seed diverged",
        ),
        Q("test error", test, "per seed"),
    )


FIGURE_1_DIMENSIONS = (16, 32, 64)
"""The dimensions at which Figure 1's statement is checked (the main job's entries)."""


def _figure_1_setting(dimension: int) -> XorSetting:
    return XorSetting(dimension, 0.2, 7)


ENTRIES: tuple[CatalogueEntry, ...] = (
    *(
        figure_1_check(reading).catalogue_entry(
            _figure_1_setting(dimension),
            f"Figure 1 (η = m = 20, n = 6d), {reading.value}: test error ≤ 2% after "
            "⌈ln d⌉ + 1 steps"
            + (" (observation: the theorem is about fresh samples)" if observed else ""),
            f"ttm-xor/figure-1/d={dimension}" + ("/reused" if observed else ""),
        )
        for observed, reading in ((False, Figure1Reading.FRESH), (True, Figure1Reading.REUSED))
        for dimension in FIGURE_1_DIMENSIONS
    ),
    figure_1_below_the_target().catalogue_entry(
        _figure_1_setting(64),
        f"false variant near the break point: test error ≤ 2%/{NEAR_VARIANT_DIVISOR} after "
        "⌈ln d⌉ + 1 steps with 6d fresh points per step (the 2% statement measured 2.39× "
        "loose; the nearest measured divisor refuted on 0.9 of fresh seeds with 95% confidence)",
        f"ttm-xor/figure-1/d=64/divided-by-{NEAR_VARIANT_DIVISOR}",
    ),
)
"""This claim's entries of the main job (``gflcheck check``), in order."""


def figure_1_curves(dimensions: Sequence[int] = FIGURE_1_DIMENSIONS) -> ErrorCurves:
    """Figure 1 from the Figure 1 checks' own evidence: each seed's test error after every step
    ``0..T`` in both readings at each ``d`` (the checks' runs, through the run cache: the main
    job's ``d`` train nothing again)."""
    curves = {
        (reading.value, d): figure_1_check(reading).run_with_evidence(_figure_1_setting(d))[1].error
        for reading in Figure1Reading
        for d in dimensions
    }
    return ErrorCurves(
        curves,
        Figure1Config().error_target,
        "XOR, y = x₁x₂: Taheri–Thrampoulidis–Mazumdar's Fig. 1 (η = m = 20, n = 6d)",
        "Test error against SGD iteration, in both readings of the caption's n = 6d, from the "
        "Figure 1 checks' own runs (every seed, up to the step T = ⌈ln d⌉ + 1 at which the "
        "statement is judged). Dashed: the 2% target, judged under the fresh reading; the "
        "reused reading is an observation.",
    )


def _report_curves() -> ErrorCurves:
    return figure_1_curves(FIGURE_1_DIMENSIONS)  # the global, so that tests may narrow it


ILLUSTRATIONS: tuple[Illustration, ...] = (
    Illustration("xor_figure_1", "XOR: Figure 1 of Taheri–Thrampoulidis–Mazumdar", _report_curves),
)
"""The report's figure of this claim: the checks' error curves."""
