"""Verdicts over seeds: holds, violated, inconclusive or vacuous, from exact binomial tests.

A theorem "with probability ≥ 1 − δ" is checked on ``k`` independent seeds (docs/setups.md §1.3). Per
seed the measured quantity has a lower and an upper confidence bound (equal when it is exact), so
each seed is in one of three states (:func:`classify_seeds`):

- *certainly violates* the statement: even the lower bound exceeds the bound;
- *certainly satisfies* it: even the upper bound is at or below the bound;
- *undetermined*: neither, and every seed whose run diverged (a recorded outcome, never a pass).

If the statement holds, a seed certainly violates it with probability at most ``δ + β₋``
(``β₋``: per-seed miscoverage of the lower bounds); if the statement fails at rate above ``δ``, a
seed certainly satisfies it with probability at most ``1 − δ + β₊``. With ``v`` violating and
``s`` satisfying seeds among ``k``:

- **violated** when the exact one-sided binomial test of ``rate ≤ δ + β₋`` rejects at level
  ``α_v``, the decision's share of the suite's family-wise α (:data:`FAMILY_ALPHA`; p-value from
  ``scipy.stats.binomtest``): the declared false-alarm rate is ``α_v``;
- **holds** when the exact Clopper–Pearson upper bound (level ``1 − α``, the confirmation level)
  on the rate of seeds *not* certified to satisfy the statement, plus ``β₊``, is at most ``δ``:
  *holds* is confirmed, never "no violation was certified";
- **inconclusive** otherwise: the measurement is too weak to decide either way;
- **vacuous** (:func:`vacuity`) instead of any outcome but *violated* when the bound is at or above
  the trivial value of what it bounds: 1 for the hinge loss (``f ≡ 0``), ``min(π₊, π₋)`` for the
  0-1 error, or what the check declares.

A deterministic ∀-statement (:func:`decide_every_instance`) is refuted by one certain violation
and holds when every instance certainly satisfies it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy import stats

from gflcheck.core.bounds import Bound
from gflcheck.core.estimators import clopper_pearson
from gflcheck.core.setups import SetUp
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_open_unit_interval, require_positive_int

FAMILY_ALPHA = 0.05
"""The suite's family-wise false-alarm rate: the chance that a run of the main job refutes any
true statement. It is controlled by a *declared split* (Bonferroni): each decision on a
statement is made at its own share, :data:`VIOLATION_ALPHA` unless it declares another, and the
union bound gives ``P(any false alarm) ≤ Σ shares``, which the CLI, the JSON artefact and the
report state against this α. Holm's step-down would reject more, but it makes one verdict depend
on which others ran (``-k``, pytest's selection, the run cache); a split keeps each verdict a
function of its own setting and seeds."""

PLANNED_DECISIONS = 40
"""The number of decisions on true statements :data:`FAMILY_ALPHA` is split over at the default
share: the main job makes 45, its rates and needs, and the Algorithm 1 reading of simplicity
bias, at smaller declared shares (:data:`gflcheck.core.entries.RATE_SHARE`), summing to 0.0498;
a user who adds checks to a run splits the rest, or declares smaller shares."""

VIOLATION_ALPHA = FAMILY_ALPHA / PLANNED_DECISIONS
"""The default level of each *violated* decision: its share of :data:`FAMILY_ALPHA`."""

CONFIRMATION_ALPHA = 0.05
"""The default level of each *holds* decision (the confidence of its upper bounds). A wrong
*holds* is not a false alarm: it is controlled per verdict, not over the family."""

PROPERTY_SHARE = FAMILY_ALPHA / 25
"""A property's default share of a pytest session's family-wise α: room for 25 properties over
true statements, or fewer beside the fixed settings' decisions (each at its catalogue share).
Each of its examples decides at ``share / max_examples`` (:class:`~gflcheck.core.confidence.PropertyRule`)."""

DEFAULT_HOLDS_SHARE = 0.5
"""The share of a property's examples over a true statement that must HOLD, unless it declares
another share with a reason."""


class Outcome(StrEnum):
    """The four verdicts (module docstring)."""

    HOLDS = "holds"
    VIOLATED = "violated"
    INCONCLUSIVE = "inconclusive"
    VACUOUS = "vacuous"


@dataclass(frozen=True)
class SeedStates:
    """Per seed ``[k]``: the statement is *certainly violated* (``violates``), *certainly
    satisfied* (``satisfies``), or neither (undetermined, which includes ``diverged`` runs)."""

    violates: np.ndarray
    satisfies: np.ndarray
    diverged: np.ndarray

    def __post_init__(self) -> None:
        shapes = {np.shape(a) for a in (self.violates, self.satisfies, self.diverged)}
        if len(shapes) != 1 or np.ndim(self.violates) != 1 or np.size(self.violates) == 0:
            raise ParameterRangeError(
                "violates, satisfies, diverged", sorted(shapes), "three equal non-empty [k] arrays"
            )
        if np.any(np.asarray(self.violates) & np.asarray(self.satisfies)):
            raise ParameterRangeError("violates", "overlaps satisfies", "disjoint per-seed flags")

    @property
    def undetermined(self) -> np.ndarray:
        """Seeds neither certainly violating nor certainly satisfying the statement."""
        return ~(self.violates | self.satisfies)

    def by_cluster(self, clusters: np.ndarray) -> SeedStates:
        """One state per cluster of dependent seeds (``clusters[i]``: seed ``i``'s label): a
        cluster certainly violates only if all its seeds do, certainly satisfies only if all do,
        and diverged if any did. Its violation indicator is at most its share of violating seeds
        and its not-satisfied indicator at least its share of unsatisfied ones, so a binomial
        test over independent clusters keeps the per-seed rate's levels (conservatively)."""
        labels, index = np.unique(clusters, return_inverse=True)

        def every(flags: np.ndarray) -> np.ndarray:
            return np.bincount(index, ~np.asarray(flags), len(labels)) == 0

        diverged = np.bincount(index, np.asarray(self.diverged), len(labels)) > 0
        return SeedStates(every(self.violates), every(self.satisfies), diverged)


def classify_seeds(
    lower: np.ndarray,
    upper: np.ndarray,
    bound: np.ndarray | float,
    tolerance: float = 0.0,
    diverged: np.ndarray | None = None,
    at_least: bool = False,
    satisfaction_bound: np.ndarray | float | None = None,
) -> SeedStates:
    """Three states per seed for "measured ≤ bound" (``at_least``: "measured ≥ bound").

    Arrays are ``[k]``, or ``[k, n]`` for ``n`` instances of a ∀-statement per seed: a seed then
    violates if any instance does, and satisfies only if every instance does.

    With ``[lower, upper]`` the seed's confidence bounds on the measured quantity (equal for an
    exact value) and ``τ = tolerance`` (declared numerical tolerance, 0 for estimates):

    - *violates* when ``lower > bound + τ`` (``at_least``: ``upper < bound − τ``);
    - *satisfies* when ``upper ≤ bound' + τ`` (``at_least``: ``lower ≥ bound' − τ``), where
      ``bound' = satisfaction_bound`` (default ``bound``) is the bound's conservative value when
      it is itself uncertain (its smallest value for "≤");
    - undetermined otherwise: NaN bounds and ``diverged`` seeds are never either.
    """
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    confirm = np.broadcast_to(
        np.asarray(bound if satisfaction_bound is None else satisfaction_bound, dtype=float),
        lower.shape,
    )
    bound = np.broadcast_to(np.asarray(bound, dtype=float), lower.shape)
    stopped = (
        np.zeros(lower.shape[:1], bool) if diverged is None else np.asarray(diverged, dtype=bool)
    )
    with np.errstate(invalid="ignore"):
        if at_least:
            violates, satisfies = upper < bound - tolerance, lower >= confirm - tolerance
        else:
            violates, satisfies = lower > bound + tolerance, upper <= confirm + tolerance
    if violates.ndim == 2:
        violates, satisfies = violates.any(1), satisfies.all(1)
    return SeedStates(violates & ~stopped, satisfies & ~stopped & ~violates, stopped)


@dataclass(frozen=True)
class BinomialDecision:
    """The seed-level test behind a verdict: ``violations`` seeds certainly violate the
    statement, ``satisfied`` certainly satisfy it, ``undetermined`` neither (``diverged`` among
    them). ``violation_rate_upper`` is the Clopper–Pearson upper bound (at level
    ``1 − confirmation_alpha``) on the rate of seeds *not* certified to satisfy the statement (plus
    their miscoverage): HOLDS needs it ≤ δ. VIOLATED needs ``p_value < alpha``."""

    outcome: Outcome
    seeds: int
    violations: int
    undetermined: int
    delta: float
    alpha: float
    per_seed_miscoverage: float
    p_value: float
    violation_rate_upper: float
    satisfied: int = 0
    diverged: int = 0
    confirmation_alpha: float = 0.0
    satisfaction_miscoverage: float = 0.0


def decide_violation_rate(
    states: SeedStates,
    delta: float,
    alpha: float,
    violation_miscoverage: float = 0.0,
    satisfaction_miscoverage: float = 0.0,
    confirmation_alpha: float | None = None,
) -> BinomialDecision:
    """Decide "with probability ≥ 1 − δ over the seed, the statement holds" (module docstring).

    ``alpha`` is the level of *violated* (the false-alarm rate); ``confirmation_alpha`` (default
    ``alpha``) that of *holds*. ``violation_miscoverage`` (``β₋``) bounds the chance that a seed
    is certified to violate a statement it satisfies; ``satisfaction_miscoverage`` (``β₊``) the
    chance that it is certified to satisfy one it violates.
    """
    require_open_unit_interval("delta", delta, "decide_violation_rate")
    require_open_unit_interval("alpha", alpha, "decide_violation_rate")
    confirmation_alpha = alpha if confirmation_alpha is None else confirmation_alpha
    require_open_unit_interval("confirmation_alpha", confirmation_alpha, "decide_violation_rate")
    k = int(states.violates.size)
    v, s = int(states.violates.sum()), int(states.satisfies.sum())
    null_rate = min(1.0, delta + violation_miscoverage)
    p_value = float(stats.binomtest(v, k, null_rate, alternative="greater").pvalue)
    upper = float(clopper_pearson(k - s, k, confirmation_alpha).upper) + satisfaction_miscoverage
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
        undetermined=k - v - s,
        delta=delta,
        alpha=alpha,
        per_seed_miscoverage=violation_miscoverage,
        p_value=p_value,
        violation_rate_upper=upper,
        satisfied=s,
        diverged=int(states.diverged.sum()),
        confirmation_alpha=confirmation_alpha,
        satisfaction_miscoverage=satisfaction_miscoverage,
    )


def decide_every_instance(
    states: SeedStates, p_value: float | None = None, alpha: float = 0.0
) -> BinomialDecision:
    """For a deterministic ∀-statement: **violated** if any instance certainly violates it (one
    counterexample refutes it), **holds** if every instance certainly satisfies it, else
    **inconclusive**. ``p_value``: the exact p-value of "no instance violates it" when the bounds
    allow one (Student-t bounds, whose violation side was drawn at level ``alpha``), else 0 or 1
    (exact instances, or bounds at a fixed level)."""
    k = int(states.violates.size)
    v, s = int(states.violates.sum()), int(states.satisfies.sum())
    if v:
        outcome = Outcome.VIOLATED
    elif s == k:
        outcome = Outcome.HOLDS
    else:
        outcome = Outcome.INCONCLUSIVE
    return BinomialDecision(
        outcome,
        k,
        v,
        k - v - s,
        0.0,
        alpha if p_value is not None else 0.0,
        0.0,
        (0.0 if v else 1.0) if p_value is None else p_value,
        (k - s) / k,
        satisfied=s,
        diverged=int(states.diverged.sum()),
    )


def vacuity(outcome: Outcome, bound_value: float, trivial_value: float | None) -> Outcome:
    """**vacuous** replaces any outcome but **violated** when the bound is at or above the
    trivial value of what it bounds (what a trivial predictor already achieves): such a bound
    cannot fail by being loose, so its *holds* would confirm nothing."""
    if trivial_value is None or outcome is Outcome.VIOLATED:
        return outcome
    return Outcome.VACUOUS if bound_value >= trivial_value else outcome


POWER_TARGET = 0.8
"""The detection probability a probabilistic verdict should reach against a violation rate of
twice its δ; :func:`refutation_power` reports what it reaches."""


def _critical_counts(seeds: np.ndarray, null: float, alpha: float) -> np.ndarray:
    """Per seed count ``k``, the least violation count ``c`` the exact test at level ``α``
    rejects "rate ≤ null" for: ``P[X ≥ c] < α`` for ``X ~ Binomial(k, null)`` (``k + 1``: none)."""
    critical = stats.binom.isf(alpha, seeds, null) + 1  # least c with P[X ≥ c] ≤ α
    at_level = stats.binom.sf(critical - 1, seeds, null) >= alpha  # the test needs < α
    return np.where(at_level, critical + 1, critical)


@functools.cache
def refutation_power(
    seeds: int, delta: float, alpha: float, violation_miscoverage: float = 0.0, rate: float = 0.0
) -> float:
    """The chance that :func:`decide_violation_rate` on ``seeds`` seeds finds *violated* when each
    seed certainly violates the statement with probability ``rate`` (default ``2δ``): ``P[X ≥ c]``
    for ``X ~ Binomial(k, rate)``, with ``c`` the least count the exact test at level ``α``
    rejects "rate ≤ δ + β₋" for."""
    require_positive_int("seeds", seeds, "refutation_power")
    return float(_powers(np.array([seeds]), delta, alpha, violation_miscoverage, rate)[0])


def _powers(
    seeds: np.ndarray, delta: float, alpha: float, violation_miscoverage: float, rate: float
) -> np.ndarray:
    """:func:`refutation_power` for every seed count in ``seeds`` at once."""
    require_open_unit_interval("delta", delta, "refutation_power")
    rate = min(1.0, rate or 2 * delta)
    critical = _critical_counts(seeds, min(1.0, delta + violation_miscoverage), alpha)
    return np.where(critical <= seeds, stats.binom.sf(critical - 1, seeds, rate), 0.0)


@functools.cache
def seeds_for_power(
    delta: float,
    alpha: float,
    violation_miscoverage: float = 0.0,
    power: float = POWER_TARGET,
    rate: float = 0.0,
    most: int = 10_000,
) -> int | None:
    """The least ``k`` whose :func:`refutation_power` against ``rate`` (default ``2δ``) is at
    least ``power`` (``None`` if none up to ``most``). The power is not monotone in ``k`` (the
    critical count is an integer), so every ``k`` is evaluated in order, in blocks that double
    (1–64, 65–192, …: scipy's binomial quantile costs about 1.5 µs a count, and most answers lie
    in the first block), up to the first ``k`` that reaches ``power``."""
    start, size = 1, 64
    while start <= most:
        seeds = np.arange(start, min(most, start + size - 1) + 1)
        reach = _powers(seeds, delta, alpha, violation_miscoverage, rate) >= power
        if reach.any():
            return int(seeds[np.argmax(reach)])
        start, size = start + size, 2 * size
    return None


@functools.cache
def seeds_to_confirm(
    delta: float, alpha: float, satisfaction_miscoverage: float = 0.0, unconfirmed: int = 0
) -> int:
    """The least ``k`` for which **holds** is reached with ``unconfirmed`` of ``k`` seeds not
    certified to satisfy the statement: Clopper–Pearson upper bound of ``unconfirmed/k`` at level
    ``1 − α``, plus ``β₊``, ``≤ δ`` (for ``unconfirmed = 0``: ``1 − α^{1/k} + β₊ ≤ δ``)."""
    require_open_unit_interval("delta", delta, "seeds_to_confirm")
    require_open_unit_interval("alpha", alpha, "seeds_to_confirm")
    room = delta - satisfaction_miscoverage
    if room <= 0:
        raise ParameterRangeError(
            "satisfaction_miscoverage",
            satisfaction_miscoverage,
            f"below δ = {delta:g}, or no number of seeds can confirm holds",
            "seeds_to_confirm",
        )
    k = max(unconfirmed + 1, int(np.ceil(np.log(alpha) / np.log1p(-room))))
    while float(clopper_pearson(unconfirmed, k, alpha).upper) > room:
        k += 1
    return k


@dataclass(frozen=True)
class QuantifierInstantiation:
    """How one quantifier or hidden quantity of a theorem was made concrete, and its value."""

    quantifier: str
    instantiated_as: str
    value: str


@dataclass(frozen=True)
class Identification:
    """A claim against one of its rivals on the same measurement: the rival's statement and
    verdict, and whether the measurement tells the two apart (their verdicts differ, or both are
    refuted). Where it does not, ``grid`` names the grid that would, when one can be computed
    from the measured noise."""

    rival: str
    outcome: Outcome
    identified: bool
    grid: str | None = None

    def describe(self) -> str:
        """``rival 'O(k⁴)': holds; not identifiable on this grid; it would be identifiable on
        k ∈ {…}``."""
        head = f"rival {self.rival!r}: {self.outcome.value}; "
        if self.identified:
            return head + "identified (the verdicts differ, or both are refuted)"
        return head + "not identifiable on this grid" + (f"; {self.grid}" if self.grid else "")


FLOOR_PRECISION = 0.02
"""A break point within this much (relative, for a factor; of the scale, for a shift) of the
floor's tightening counts as reached only at the floor: twice the bisection's precision."""

LOOSE_FACTOR = 2.0
"""A confirmation is *loose* when its bound can tighten by more than this factor before the same
runs refute it (:attr:`BreakPoint.loose`), and *informative* otherwise."""


LARGEST_TIGHTENING = 2.0**40
"""Past this factor (or this many times the bound's scale, for a shift) a statement counts as
never refuted: no tightening the search tries refutes it."""


class Tightening(StrEnum):
    """How a statement is tightened: its bound divided (multiplied, for ``≥``) by a factor, or
    moved by a shift in its own units."""

    FACTOR = "factor"
    SHIFT = "shift"


@dataclass(frozen=True)
class BreakPoint:
    """The least tightenings (:mod:`gflcheck.surface.break_points`) at which the statement is
    ``refuted`` by the
    check, and ``false`` by the point estimates, with ``false_interval``: the same on the
    measurement's confidence bounds (the ends that make it false soonest, then latest). ``None``:
    not within :data:`LARGEST_TIGHTENING`. A value below the identity (a factor < 1, a shift < 0)
    means the statement as stated is already refuted, or false."""

    kind: Tightening
    refuted: float | None
    false: float | None
    false_interval: tuple[float | None, float | None]
    scale: float = 1.0
    """The statement's own scale, for a shift (the magnitude of its bound and measured values)."""
    floor: float | None = None
    """The least tightening that puts some seed's bound below the measurement's floor
    (:attr:`~gflcheck.core.measurements.Measurement.floor`, the Bayes risk: false for every
    predictor); ``None`` where no floor is declared."""

    @property
    def at_floor(self) -> bool:
        """The same runs refute the bound only once it is tightened to the floor or past it
        (within the search's precision): the data refute it there, not the training, so the
        refutation says nothing of how tight the claim is for the trained networks."""
        if self.refuted is None or self.floor is None:
            return False
        precision = 1 + FLOOR_PRECISION if self.kind is Tightening.FACTOR else 1.0
        margin = 0.0 if self.kind is Tightening.FACTOR else FLOOR_PRECISION * self.scale
        return self.refuted * precision + margin >= self.floor

    @property
    def loose(self) -> bool:
        """The bound tightens by more than :data:`LOOSE_FACTOR` (for a shift: by more than the
        same share of its scale, ``(1 − 1/LOOSE_FACTOR)·scale``) before the same runs refute
        it, never does, or is refuted only at the floor (:attr:`at_floor`): the confirmation
        says little about how tight the claim is."""
        if self.refuted is None or self.at_floor:
            return True
        if self.kind is Tightening.FACTOR:
            return self.refuted > LOOSE_FACTOR
        return self.refuted > (1 - 1 / LOOSE_FACTOR) * self.scale

    def short(self) -> str:
        """The table's cell: ``÷3.41 loose``, ``÷1.62``, ``−0.18``, ``÷2.6 at floor``,
        ``never (loose)``."""
        if self.refuted is None:
            return "never (loose)"
        symbol = "÷" if self.kind is Tightening.FACTOR else "−"
        label = " at floor" if self.at_floor else " loose" if self.loose else ""
        return f"{symbol}{self.refuted:.3g}{label}"

    def describe(self) -> str:
        """E.g. ``"bound ÷ measured = 3.2 [2.9, 3.6]; refuted at ÷ 4.1"``."""
        symbol = "÷" if self.kind is Tightening.FACTOR else "−"
        what = "bound ÷ measured" if self.kind is Tightening.FACTOR else "bound − measured"
        least, most = (_number(end) for end in self.false_interval)
        refuted = (
            f"refuted at {symbol} {_number(self.refuted)}"
            if self.refuted is not None
            else f"not refuted by any tightening up to {symbol} {_number(LARGEST_TIGHTENING)}"
        )
        floor = (
            ""
            if self.floor is None
            else f"; the bound reaches the floor (no predictor does better) at {symbol} "
            f"{_number(self.floor)}"
            + (": a refutation there is the data's, not the training's" if self.at_floor else "")
        )
        return f"{what} = {_number(self.false)} [{least}, {most}]; {refuted}{floor}"


def _number(value: float | None) -> str:
    return "∞" if value is None else f"{value:.3g}"


@dataclass(frozen=True, eq=False)
class Verdict:
    """The result of one check on one setting.

    ``slack`` is per seed: ``bound − best measured loss`` (positive = room to spare), NaN for a
    diverged seed. ``counterexample`` describes the worst seed when the verdict is *violated*.
    ``false_alarm_rate`` is the declared probability of a *violated* verdict when the theorem holds.
    ``trivial_value`` is what a trivial predictor achieves on the bounded quantity (``None``: the
    check declares none); a bound at or above it is vacuous.
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
    trivial_value: float | None
    counterexample: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    false_variant: bool = False
    observation: str | None = None
    """Why this statement is reported and not judged (``None``: it is judged): an observation
    outside what the paper claims, or a reading of an ambiguous claim the paper may not mean.
    No outcome is expected of it; it is neither a pass nor a failure."""
    setup: SetUp | None = None
    """The set-up the claim is checked in (:class:`~gflcheck.core.setups.SetUp`; ``None``: not
    declared)."""
    declared: tuple[str, ...] = ()
    """The names in ``parameters`` that the setting declares (the rest, such as ``m``, ``T`` and
    ``k``, the check derived); a baseline keys a verdict by these (empty: by all)."""
    quantity: str = "measured"
    """What was measured and compared with the bound (``TheoryCheck.quantity``)."""
    at_least: bool = False
    """The statement reads "quantity ≥ bound" (else "quantity ≤ bound")."""
    compared: bool = False
    """The quantity is compared with a number derived from the bound (a rate's exponent, a
    growth slope: :attr:`bound_value`), not with the bound's value itself."""
    discrepancy: str | None = None
    """Why this claim is expected to fail here (``None``: it is expected to hold): a reading of
    an ambiguous claim under which it is not reproduced, or its paper's own set-up failing. It
    stays judged: as expected only when VIOLATED, so the suite notices if it starts to hold."""
    interval: tuple[float, float, float] | None = None
    """For a compared quantity: its estimate and two-sided confidence interval."""
    identification: tuple[Identification, ...] = ()
    """The claim against each declared rival (:class:`Identification`)."""
    break_point: BreakPoint | None = None
    """How informative a HOLDS is (:class:`BreakPoint`), from the same runs; ``None`` where it
    was not computed (other outcomes, false variants, a property's examples)."""

    @property
    def identified(self) -> bool | None:
        """Whether the measurement tells the claim from every declared rival (``None``: no
        rival declared)."""
        if not self.identification:
            return None
        return all(item.identified for item in self.identification)

    @property
    def non_vacuous(self) -> bool | None:
        """Whether the bound is below the trivial value (``None``: no trivial value declared)."""
        return None if self.trivial_value is None else self.bound_value < self.trivial_value

    @property
    def relation(self) -> str:
        """``≥`` or ``≤``: how the quantity must compare with the bound for the statement to
        hold."""
        return "≥" if self.at_least else "≤"

    @property
    def judged(self) -> bool:
        """An outcome is expected of this verdict (it is not an :attr:`observation`)."""
        return self.observation is None

    @property
    def expectation(self) -> str:
        """What a sound suite should find: ``holds``, ``refuted`` (a false variant), ``fails``
        (a claim expected to fail here: :attr:`discrepancy`) or ``observe`` (an observation:
        nothing is expected)."""
        if not self.judged:
            return "observe"
        if self.discrepancy is not None:
            return "fails"
        return "refuted" if self.false_variant else "holds"

    @property
    def as_expected(self) -> bool:
        """A true statement was confirmed (*holds*), or a false variant was refuted. Inconclusive
        and vacuous verdicts are not as expected: they confirm nothing; nor is an observation,
        of which nothing is expected (see :attr:`judged`)."""
        if not self.judged:
            return False
        if self.false_variant or self.discrepancy is not None:
            return self.outcome is Outcome.VIOLATED
        return self.outcome is Outcome.HOLDS

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
