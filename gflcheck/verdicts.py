"""Verdicts over seeds: holds, violated or inconclusive, from exact binomial tests.

A theorem "with probability ≥ 1 − δ" is checked on ``k`` independent seeds (THEORY.md §1.3). Per
seed we observe a *measured violation* (the bound is exceeded even by the loss's lower confidence
bound, at every step the theorem's ``∃t`` ranges over). A seed whose run diverged is
*undetermined*: the recipe failed, the theorem is not refuted by it, and it is not a pass either.

If the theorem holds, each seed shows a measured violation with probability at most
``δ + β`` (``β``: the per-seed miscoverage of the loss bound). With ``v`` violations and ``u``
undetermined seeds among ``k``:

- **violated** when the exact one-sided binomial test of ``rate ≤ δ + β`` rejects at level ``α``
  even counting the undetermined seeds as passes (p-value from ``scipy.stats.binomtest``);
- **holds** when the exact Clopper–Pearson upper bound (level ``1 − α``) on the violation rate,
  counting undetermined seeds as violations, is at most ``δ``;
- **inconclusive** otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy import stats

from gflcheck._validation import require_open_unit_interval
from gflcheck.bounds import Bound
from gflcheck.errors import ParameterRangeError
from gflcheck.estimators import clopper_pearson
from gflcheck.random import stream_seed


class Outcome(StrEnum):
    """The three verdicts."""

    HOLDS = "holds"
    VIOLATED = "violated"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class BinomialDecision:
    """The seed-level test behind a verdict."""

    outcome: Outcome
    seeds: int
    violations: int
    undetermined: int
    delta: float
    alpha: float
    per_seed_miscoverage: float
    p_value: float
    violation_rate_upper: float


def decide_violation_rate(
    violated: np.ndarray,
    undetermined: np.ndarray,
    delta: float,
    alpha: float,
    per_seed_miscoverage: float,
) -> BinomialDecision:
    """Decide "violation rate ≤ δ" from per-seed booleans (see the module docstring)."""
    require_open_unit_interval("delta", delta, "decide_violation_rate")
    require_open_unit_interval("alpha", alpha, "decide_violation_rate")
    violated = np.asarray(violated, dtype=bool)
    undetermined = np.asarray(undetermined, dtype=bool)
    if violated.shape != undetermined.shape or violated.ndim != 1 or violated.size == 0:
        raise ParameterRangeError(
            "violated, undetermined", (violated.shape, undetermined.shape), "two equal [k] arrays"
        )
    if np.any(violated & undetermined):
        raise ParameterRangeError("violated", "overlaps undetermined", "disjoint per-seed flags")
    k = int(violated.size)
    v = int(violated.sum())
    u = int(undetermined.sum())
    null_rate = min(1.0, delta + per_seed_miscoverage)
    p_value = float(stats.binomtest(v, k, null_rate, alternative="greater").pvalue)
    upper = float(clopper_pearson(v + u, k, alpha).upper)
    if p_value < alpha:
        outcome = Outcome.VIOLATED
    elif upper <= delta:
        outcome = Outcome.HOLDS
    else:
        outcome = Outcome.INCONCLUSIVE
    return BinomialDecision(
        outcome=outcome,
        seeds=k,
        violations=v,
        undetermined=u,
        delta=delta,
        alpha=alpha,
        per_seed_miscoverage=per_seed_miscoverage,
        p_value=p_value,
        violation_rate_upper=upper,
    )


def decide_every_instance(violated: np.ndarray, undetermined: np.ndarray) -> BinomialDecision:
    """For a deterministic statement with exactly measured per-seed outcomes ("at every step"):
    **violated** if any seed violates it (a counterexample), **holds** if none does and none is
    undetermined, else **inconclusive**. ``p_value`` is 0 or 1; no level is involved."""
    violated = np.asarray(violated, dtype=bool)
    undetermined = np.asarray(undetermined, dtype=bool)
    v, u, k = int(violated.sum()), int(undetermined.sum()), int(violated.size)
    if v:
        outcome = Outcome.VIOLATED
    elif u:
        outcome = Outcome.INCONCLUSIVE
    else:
        outcome = Outcome.HOLDS
    return BinomialDecision(outcome, k, v, u, 0.0, 0.0, 0.0, 0.0 if v else 1.0, (v + u) / k)


def decide_interval(
    lower: float,
    upper: float,
    holds_at_most: float,
    violated_above: float,
    count: int,
    alpha: float,
) -> BinomialDecision:
    """For an estimate with a ``1 − α`` interval ``[lower, upper]``: **violated** if
    ``lower > violated_above``, **holds** if ``upper ≤ holds_at_most``, else **inconclusive**
    (the thresholds differ when the bound itself is only known within a range).
    ``count`` is the number of runs behind the interval; there is no per-seed tally (NaN p-value)."""
    if lower > violated_above:
        outcome = Outcome.VIOLATED
    elif upper <= holds_at_most:
        outcome = Outcome.HOLDS
    else:
        outcome = Outcome.INCONCLUSIVE
    violated = int(outcome is Outcome.VIOLATED)
    return BinomialDecision(outcome, count, violated, 0, 0.0, alpha, 0.0, math.nan, math.nan)


def seeds_to_confirm(delta: float, alpha: float) -> int:
    """The least ``k`` for which zero violations in ``k`` seeds give **holds**: ``1 − α^{1/k} ≤ δ``."""
    require_open_unit_interval("delta", delta, "seeds_to_confirm")
    require_open_unit_interval("alpha", alpha, "seeds_to_confirm")
    return int(np.ceil(np.log(alpha) / np.log1p(-delta)))


def confirming_seeds(
    seed: int, stream: str, delta: float, alpha: float, min_seeds: int
) -> tuple[int, ...]:
    """``k = max(min_seeds, seeds_to_confirm(δ, α))`` run seeds, from the streams
    ``"{stream}-0"``, …, ``"{stream}-{k−1}"`` of ``seed``: enough that zero violations can
    confirm *holds* at ``α``."""
    count = max(min_seeds, seeds_to_confirm(delta, alpha))
    return tuple(stream_seed(seed, f"{stream}-{i}") for i in range(count))


@dataclass(frozen=True)
class QuantifierInstantiation:
    """How one quantifier or hidden quantity of a theorem was made concrete, and its value."""

    quantifier: str
    instantiated_as: str
    value: str


@dataclass(frozen=True, eq=False)
class Verdict:
    """The result of one check on one setting.

    ``slack`` is per seed: ``bound − best measured loss`` (positive = room to spare), NaN for a
    diverged seed. ``counterexample`` describes the worst seed when the verdict is *violated*.
    ``false_alarm_rate`` is the declared probability of a *violated* verdict when the theorem holds.
    ``non_vacuous`` says whether a bound on the 0-1 error is below 1 (``None``: not such a bound).
    """

    check: str
    statement: str
    outcome: Outcome
    bound: Bound
    bound_value: float
    decision: BinomialDecision
    slack: np.ndarray
    seeds: tuple[int, ...]
    quantifiers: tuple[QuantifierInstantiation, ...]
    parameters: Mapping[str, object]
    false_alarm_rate: float
    non_vacuous: bool | None
    counterexample: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    false_variant: bool = False

    @property
    def as_expected(self) -> bool:
        """A true statement was not violated, or a false variant was refuted."""
        if self.false_variant:
            return self.outcome is Outcome.VIOLATED
        return self.outcome is not Outcome.VIOLATED

    @property
    def median_slack(self) -> float:
        """Median of the finite per-seed slacks (NaN if none)."""
        finite = self.slack[np.isfinite(self.slack)]
        return float(np.median(finite)) if finite.size else float("nan")

    @property
    def min_slack(self) -> float:
        """Smallest finite per-seed slack (NaN if none)."""
        finite = self.slack[np.isfinite(self.slack)]
        return float(finite.min()) if finite.size else float("nan")
