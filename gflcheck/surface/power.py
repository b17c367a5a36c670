"""What a pass is worth: false-alarm and detection rates of the checks, measured by repetition.

Each check of the catalogue is run ``runs`` times on its setting with fresh seeds (new data,
initialisations and test samples; :meth:`gflcheck.catalogue.CatalogueEntry.run`):

- for a statement known to hold, the **false-alarm rate** is the share of runs whose verdict is
  *violated*, against the check's declared false-alarm rate;
- for a deliberately false variant, the **detection rate** is the share of runs whose verdict is
  *violated*, against the target ``≥ 0.9``.

Each rate is judged against its target both ways: *refuted* when the one-sided exact binomial
test rejects the target at level ``alpha`` (``scipy.stats.binomtest``), *confirmed* when the
Clopper–Pearson interval lies on the target's side, and otherwise *open*, with the number of runs
that could confirm it (a false-alarm target of 0.00125 needs 2,950 runs with none violated: 20
runs can refute it, never confirm it).

Runs whose setting is rejected (over budget, outside the hypotheses) are counted apart and left out
of the rates; a check whose every run is rejected has no rate and no target verdict. Every interval is a two-sided ``1 − alpha`` Clopper–Pearson interval.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from gflcheck.catalogue import CatalogueEntry
from gflcheck.core.verdicts import FAMILY_ALPHA, Outcome
from gflcheck.runtime.errors import SettingRejectedError
from gflcheck.runtime.executors import map_in_order
from gflcheck.runtime.profiles import Budget
from gflcheck.runtime.random import stream_seed
from gflcheck.runtime.validation import require_open_unit_interval, require_positive_int

DETECTION_TARGET = 0.9

CONFIRMATION_LEVEL = 0.05
"""The level of the intervals that confirm a rate's target (``α`` of :func:`power_from_outcomes`)."""


@dataclass(frozen=True)
class PowerEstimate:
    """Repeated runs of one check: how often its verdict was *violated*."""

    check: str
    false_variant: bool
    runs: int
    violated: int
    inconclusive: int
    rejected: int
    rate: float | None
    lower: float | None
    upper: float | None
    declared_false_alarm_rate: float
    p_value: float | None
    meets_target: bool | None
    """``True``: the runs confirm the target (the interval lies on its side); ``False``: they
    refute it (exact one-sided binomial test at ``α``); ``None``: neither, nothing measured, or an
    observation (nothing expected)."""
    observation: bool = False
    violated_runs: tuple[int, ...] = ()  # the repetitions whose verdict was violated

    @property
    def kind(self) -> str:
        """``detection`` for a false variant, ``false alarm`` for a true statement, ``observed``
        for an observation (reported, not judged: it has no rate to meet)."""
        if self.observation:
            return "observed"
        return "detection" if self.false_variant else "false alarm"

    def as_row(self) -> tuple[str, ...]:
        """A row of :data:`POWER_COLUMNS`."""
        target = (
            "-"
            if self.observation
            else f"≥ {DETECTION_TARGET:g}"
            if self.false_variant
            else f"≤ {self.declared_false_alarm_rate:g}"
        )
        return (
            self.check,
            self.kind,
            f"{self.violated}/{self.runs}",
            f"{self.rate:.3f}" if self.runs else "-",
            f"[{self.lower:.3f}, {self.upper:.3f}]" if self.runs else "-",
            target,
            "-" if self.p_value is None else f"{self.p_value:.3g}",
            str(self.inconclusive),
            str(self.rejected),
            self.against_target(),
        )

    def against_target(self) -> str:
        """The runs against the target in words: confirmed, refuted, or how many runs with no
        miss it would take to confirm it."""
        if self.observation or not self.runs:
            return "-"
        if self.meets_target is not None:
            return (
                "confirmed" if self.meets_target else ("BELOW" if self.false_variant else "ABOVE")
            )
        target = DETECTION_TARGET if self.false_variant else self.declared_false_alarm_rate
        needed = int(np.ceil(np.log(CONFIRMATION_LEVEL / 2) / np.log1p(-min(target, 1 - target))))
        return f"open: confirming needs ≥ {needed} runs, none missed"


POWER_COLUMNS = (
    "check",
    "rate of",
    "violated/runs",
    "rate",
    "95% CI",
    "target",
    "p (against target)",
    "inconclusive",
    "rejected",
    "against target",
)


def power_from_outcomes(
    check: str,
    false_variant: bool,
    outcomes: Sequence[Outcome | None],
    declared_false_alarm_rate: float,
    alpha: float = CONFIRMATION_LEVEL,
    observation: bool = False,
) -> PowerEstimate:
    """Summarise repeated verdict outcomes, one per repetition (``None``: the run's setting was
    rejected). An ``observation`` is counted and given its interval, and judged against
    nothing."""
    require_open_unit_interval("alpha", alpha, "power_from_outcomes")
    decided = [o for o in outcomes if o is not None]
    runs, violated = len(decided), sum(o is Outcome.VIOLATED for o in decided)
    if runs:
        interval = stats.binomtest(violated, runs).proportion_ci(1 - alpha, "exact")
        lower, upper, rate = float(interval.low), float(interval.high), violated / runs
    else:
        lower = upper = rate = None
    p_value = meets = None
    if runs and not observation:
        target = DETECTION_TARGET if false_variant else declared_false_alarm_rate
        side = "less" if false_variant else "greater"
        p_value = float(stats.binomtest(violated, runs, target, alternative=side).pvalue)
        if p_value < alpha:
            meets = False
        elif (lower >= target) if false_variant else (upper <= target):
            meets = True
    return PowerEstimate(
        check,
        false_variant,
        runs,
        violated,
        sum(o is Outcome.INCONCLUSIVE for o in decided),
        len(outcomes) - runs,
        rate,
        lower,
        upper,
        declared_false_alarm_rate,
        p_value,
        meets,
        observation,
        tuple(r for r, o in enumerate(outcomes) if o is Outcome.VIOLATED),
    )


@dataclass(frozen=True)
class FamilyWiseRate:
    """Over ``runs`` repetitions of the whole family of true, judged statements (repetition
    ``r`` of every check): in how many at least one was *violated*, with its Clopper–Pearson
    interval, against ``declared_sum``, the sum of their declared rates (the union bound)."""

    statements: int
    runs: int
    with_false_alarm: int
    lower: float
    upper: float
    declared_sum: float
    family_alpha: float = FAMILY_ALPHA

    def describe(self) -> str:
        """One line for the CLI and the report."""
        return (
            f"family-wise false alarms: {self.with_false_alarm} of {self.runs} repetitions of "
            f"the {self.statements} true statements raised at least one (95% CI "
            f"[{self.lower:.3f}, {self.upper:.3f}]), against the family-wise α = "
            f"{self.family_alpha:g}; their declared shares sum to {self.declared_sum:.3g}"
        )


def family_wise_rate(estimates: Sequence[PowerEstimate], alpha: float = 0.05) -> FamilyWiseRate:
    """The realised family-wise false-alarm rate of the true, judged statements among
    ``estimates``: repetition ``r`` of every check is one run of the family."""
    family = [e for e in estimates if not e.false_variant and not e.observation and e.runs]
    runs = max((e.runs + e.rejected for e in family), default=0)
    alarms = len({r for e in family for r in e.violated_runs})
    if runs:
        interval = stats.binomtest(alarms, runs).proportion_ci(1 - alpha, "exact")
        lower, upper = float(interval.low), float(interval.high)
    else:
        lower, upper = 0.0, 1.0
    declared = float(sum(e.declared_false_alarm_rate for e in family))
    return FamilyWiseRate(len(family), runs, alarms, lower, upper, declared)


def repeated_outcome(
    entry: CatalogueEntry, repetition: int, limits: Budget
) -> tuple[Outcome, float, bool, bool] | None:
    """Repetition ``repetition`` of ``entry`` (seed ``stream_seed(repetition, "power/<name>")``):
    its outcome, declared false-alarm rate, whether it is expected to fail (a false variant, or
    a claim expected to fail in its set-up) and whether it is an observation; ``None`` when the
    setting is rejected."""
    try:
        verdict, _ = entry.run(limits, seed=stream_seed(repetition, f"power/{entry.name}"))
    except SettingRejectedError:
        return None
    expected_to_fail = verdict.false_variant or verdict.discrepancy is not None
    return verdict.outcome, verdict.false_alarm_rate, expected_to_fail, not verdict.judged


def measure_power(
    entries: Iterable[CatalogueEntry],
    runs: int,
    limits: Budget,
    alpha: float = 0.05,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> list[PowerEstimate]:
    """Run each entry ``runs`` times with fresh seeds (:func:`repeated_outcome`), here or on
    ``executor`` (:func:`gflcheck.runtime.executors.map_in_order`: the same outcomes either way)."""
    require_positive_int("runs", runs, "measure_power")
    estimates = []
    for entry in entries:
        results = map_in_order(
            repeated_outcome, [(entry, r, limits) for r in range(runs)], executor
        )
        outcomes = [None if result is None else result[0] for result in results]
        decided = [result for result in results if result is not None]
        declared, false_variant, observed = decided[0][1:] if decided else (alpha, False, False)
        estimate = power_from_outcomes(
            entry.name, false_variant, outcomes, declared, alpha, observation=observed
        )
        estimates.append(estimate)
        if progress:
            progress(f"{entry.name}: {estimate.kind} {estimate.violated}/{estimate.runs}")
    return estimates


def estimates_as_json(estimates: Iterable[PowerEstimate]) -> list[dict]:
    """Plain records (for ``gflcheck-results/power.json`` and the report)."""
    return [asdict(e) for e in estimates]
