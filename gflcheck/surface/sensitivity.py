"""How false a statement must be before its check notices: break points and mutant kill tables.

Everything here judges bounds on a measurement already made (:meth:`TheoryCheck.judge`): a
mutant changes the bound, not what is measured, so no network is trained again.

**Break point** (:func:`break_point`). The statement is tightened by a factor ``f ≥ 1`` (the
bound divided by ``f`` for "measured ≤ bound", multiplied by ``f`` for "≥"), or, where a factor
means nothing (a bound that is not positive everywhere, a compared slope), shifted by ``s`` in its
own units. Three least tightenings are found by bisection, each with its own rule:

- ``refuted``: the check's own decision rule gives VIOLATED (its exact tests at its declared α);
- ``false``: the statement is false by the point estimates (∀: some instance's estimate is
  beyond the bound; w.p. ≥ 1 − δ: more than ``δ·k`` seeds' estimates are): the measured
  tightness, ``bound ÷ measured`` for a factor;
- its interval: the same rule on the upper and the lower confidence bounds of the measurement.

A theorem 50× loose where it was measured has ``false ≈ 50``; a check that needs the bound
tightened 200-fold to refute it has ``refuted ≈ 200``.

**Kill table** (:func:`mutant_outcomes`). Each automatic mutant (:mod:`gflcheck.core.mutants`) is
labelled tighter, looser or neither on the run's setting (by sympy over the declared domain
where it can, else by evaluating both on the setting), and judged on the measurement:

- *false by the estimates*: the rule ``false`` above;
- *killable*: false by the confidence bounds, the ends that make it false last (the lower
  bounds, for "≤"): certainly false on some seed, or on more than ``δ·k`` seeds for a
  probabilistic statement;
- *killed*: the check's verdict on it is VIOLATED.

:func:`kill_rate` gives ``killed ÷ killable`` over the tighter mutants with its Clopper–Pearson
interval, and counts those false by the estimates. A tighter mutant false by the estimates and not
killed is what the check cannot tell from the truth; each carries the reason (intervals too wide
to make it killable, or a binomial test short of its level).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import hypothesis
import numpy as np
import sympy
from hypothesis import strategies as st

from gflcheck.core.bounds import Bound
from gflcheck.core.declare import (
    RecordedRun,
    StatementKind,
    TheoryCheck,
    recorded_runs,
)
from gflcheck.core.estimators import clopper_pearson
from gflcheck.core.mutants import (
    Comparison,
    Direction,
    Label,
    Mutant,
    MutantComparisonError,
    compare_bounds,
    direction_of,
    mutants,
    tightening,
)
from gflcheck.core.provenance import Provenance, Tag
from gflcheck.core.verdicts import Outcome, Verdict
from gflcheck.runtime.errors import GflcheckError, PreconditionError, SettingRejectedError
from gflcheck.surface.break_points import (
    BreakPoint,
    Tightening,
    _false_on,
    break_point,
)

S = TypeVar("S")


_NO_SOURCE = Provenance("gflcheck", "mutant comparison", Tag.OURS)


@dataclass(frozen=True)
class MutantOutcome:
    """One mutant judged on one run: its ``label`` (and how it was decided), whether it is
    ``false`` by the estimates, ``killable`` and ``killed`` (module docstring), the verdict's
    outcome (``None``: the mutant could not be judged, ``why`` says why), and ``why`` a mutant
    false by the estimates was not killed."""

    change: str
    operator: str
    expression: str
    label: Label
    labelled_by: str
    false: bool
    killable: bool
    killed: bool
    outcome: Outcome | None
    why: str = ""


@dataclass(frozen=True)
class CheckSensitivity:
    """The sensitivity of one true check on one setting: its verdict's name, statement and
    source, ``where`` it was run (a catalogue entry's name, say), the setting's parameters, its outcome, its :class:`BreakPoint`, and each mutant's
    :class:`MutantOutcome`."""

    check: str
    statement: str
    provenance: str
    where: str
    parameters: dict[str, Any]
    outcome: Outcome
    break_point: BreakPoint
    mutants: tuple[MutantOutcome, ...]
    threshold: str = ""
    """For a rate (a check judged on an estimate): the threshold its exponent is compared with,
    ``e ± τ``, and the measured exponent's interval, so that a shift reads as exponents."""


@dataclass(frozen=True)
class KillRate:
    """``killed`` of ``killable`` tighter mutants (of ``tighter``, ``false`` of them by the
    estimates), with the Clopper–Pearson interval (two-sided, level ``1 − 2·miscoverage``) on
    the rate."""

    tighter: int
    false: int
    killable: int
    killed: int
    lower: float
    upper: float

    @property
    def rate(self) -> float:
        """``killed / killable`` (NaN when nothing is killable)."""
        return self.killed / self.killable if self.killable else float("nan")


def check_sensitivity(run: RecordedRun[Any], where: str = "") -> CheckSensitivity:
    """Break point and mutant outcomes of a recorded run of a true check; ``where`` names the
    run (default: the check's verdict name)."""
    check, setting = run.check, run.setting
    verdict = check.judge(setting, run.measured, run.seeds)
    return CheckSensitivity(
        check=verdict.check,
        statement=verdict.statement,
        provenance=str(check.bound.provenance),
        where=where or verdict.check,
        parameters=dict(verdict.parameters),
        outcome=verdict.outcome,
        break_point=break_point(run),
        mutants=mutant_outcomes(run),
        threshold=_rate_threshold(check, verdict),
    )


def _rate_threshold(check: TheoryCheck[Any], verdict: Verdict) -> str:
    """``"≤ 1.54 + τ 0.25; measured 0.91 [0.80, 1.01]"`` for a check judged on an estimate."""
    if verdict.interval is None:
        return ""
    value, lower, upper = verdict.interval
    sign = "−" if check.at_least else "+"
    return (
        f"{verdict.relation} {verdict.bound_value:.3g} {sign} τ {check.tolerance:g}; measured "
        f"{value:.3g} [{lower:.3g}, {upper:.3g}]"
    )


# -- mutants -----------------------------------------------------------------------------------
def mutant_outcomes(run: RecordedRun[Any]) -> tuple[MutantOutcome, ...]:
    """Each mutant of the run's bound, labelled and judged on the run (module docstring)."""
    check = run.check
    outcomes = []
    for mutant in mutants(check.bound):
        mutated = dataclasses.replace(check, bound=mutant.bound)
        try:
            comparison = _compare_on_run(run, mutated, mutant)
            # One judgement: the verdict's decision and outcome (the rivals' identification,
            # which judge() would add, is not reported for a mutant)
            judged = mutated.judged_on(run.setting, run.measured)
            verdict = mutated.verdict_on(run.setting, judged, run.seeds)
            false = _false_on(run, "values", judged)
            killable = _false_on(run, "latest", judged)
        except GflcheckError as error:
            outcomes.append(_unjudged(mutant, str(error)))
            continue
        label = tightening(comparison.direction, check.at_least)
        killed = verdict.outcome is Outcome.VIOLATED
        outcomes.append(
            MutantOutcome(
                change=mutant.change,
                operator=mutant.operator.value,
                expression=str(mutant.bound.expression),
                label=label,
                labelled_by=comparison.how,
                false=false,
                killable=killable,
                killed=killed,
                outcome=verdict.outcome,
                why=_why_alive(check, verdict, killable) if false and not killed else "",
            )
        )
    return tuple(outcomes)


def _unjudged(mutant: Mutant, reason: str) -> MutantOutcome:
    return MutantOutcome(
        mutant.change,
        mutant.operator.value,
        str(mutant.bound.expression),
        Label.NEITHER,
        "not evaluable on the run",
        false=False,
        killable=False,
        killed=False,
        outcome=None,
        why=reason,
    )


def _compare_on_run(run: RecordedRun[Any], mutated: TheoryCheck[Any], mutant: Mutant) -> Comparison:
    """sympy over the declared domain for a bound compared by value; else (sympy undecided, or a
    compared number derived from the bound) evaluation of both on the run's setting."""
    check = run.check
    if check.estimate is None:
        proved = _proved_direction(mutant.bound.expression, check.bound)
        if proved is not None:
            return proved
        original = check.evaluate_bound(run.setting, run.measured)[0]
        changed = mutated.evaluate_bound(run.setting, run.measured)[0]
        running = ~run.measured.diverged_seeds
        pairs = [
            (np.asarray(getattr(changed, end)), np.asarray(getattr(original, end)))
            for end in ("estimate", "high", "low")
        ]
        directions = {
            direction_of(a[running] if a.ndim else a, b[running] if b.ndim else b) for a, b in pairs
        }
    else:
        directions = {direction_of(_compared_bound(run, mutated), _compared_bound(run, check))}
    if len(directions) > 1:
        directions.discard(Direction.EQUAL)
    direction = directions.pop() if len(directions) == 1 else Direction.NEITHER
    return Comparison(direction, proved=False, points=1, reason="on the run's setting")


def _compared_bound(run: RecordedRun[Any], check: TheoryCheck[Any]) -> float:
    """For a check judged on an estimate, its bound's effect on the comparison: the threshold
    less the estimate (a rate's threshold moves with the bound; a calibrated prediction's
    estimate does), so that a larger value is a larger bound."""
    judged = check.judged_on(run.setting, run.measured)
    return float(judged.bounds.estimate) - float(judged.measured.values.flat[0])


def _proved_direction(expression: sympy.Expr, original: Bound) -> Comparison | None:
    return _proved_direction_cached(
        expression, original.expression, tuple(original.domains.values())
    )


@cache
def _proved_direction_cached(
    expression: sympy.Expr, original: sympy.Expr, domains: tuple[Any, ...]
) -> Comparison | None:
    bound = Bound("original", original, list(domains), _NO_SOURCE)
    mutant = Bound("mutant", expression, list(domains), _NO_SOURCE)
    try:
        return compare_bounds(mutant, bound)
    except MutantComparisonError:
        return None


def _why_alive(check: TheoryCheck[Any], verdict: Verdict, killable: bool) -> str:
    """Why a mutant false by the estimates was not refuted, from its verdict's decision."""
    decision = verdict.decision
    if not killable:
        return (
            "false by the estimates, but not by the confidence bounds ("
            + (
                f"{decision.violations} of {decision.seeds} seeds certainly beyond it, not more "
                f"than δ·k = {decision.delta * decision.seeds:.3g}"
                if check.kind is StatementKind.WITH_PROBABILITY
                else f"no instance certainly beyond it; {decision.undetermined} of "
                f"{decision.seeds} seed(s) undetermined"
            )
            + "): the measurement's intervals are wider than the mutant's change"
        )
    return (
        f"{decision.violations} of {decision.seeds} seeds certainly beyond it: the binomial "
        f"test of rate ≤ δ + β = {decision.delta + decision.per_seed_miscoverage:.3g} has "
        f"p = {decision.p_value:.3g} ≥ α = {decision.alpha:g}"
    )


@dataclass(frozen=True)
class MutantSummary:
    """One mutant of a theorem over the settings it was judged on: ``label`` is *tighter* if it
    is tighter on some setting; ``false`` (by the estimates), ``killable`` and ``killed`` on
    some setting where it is tighter; ``why``: the reason it survived, on a setting where it is
    false by the estimates (empty if killed)."""

    change: str
    operator: str
    expression: str
    label: Label
    settings: int
    false: bool
    killable: bool
    killed: bool
    why: str = ""


@dataclass(frozen=True)
class TheoremKills:
    """The kill table of one theorem (a statement and its source) over its checked settings."""

    statement: str
    provenance: str
    settings: int
    mutants: tuple[MutantSummary, ...]
    rate: KillRate

    @property
    def survivors(self) -> tuple[MutantSummary, ...]:
        """The tighter mutants false by the estimates that the checks did not refute: what
        they cannot see."""
        return tuple(
            m for m in self.mutants if m.label is Label.TIGHTER and m.false and not m.killed
        )


def theorem_kills(sensitivities: Sequence[CheckSensitivity]) -> list[TheoremKills]:
    """The kill table per theorem (statement and source), each mutant summarised over the
    settings its theorem was checked on (in order of first appearance)."""
    groups: dict[tuple[str, str], list[CheckSensitivity]] = {}
    for sensitivity in sensitivities:
        groups.setdefault((sensitivity.statement, sensitivity.provenance), []).append(sensitivity)
    tables = []
    for (statement, provenance), members in groups.items():
        by_change: dict[str, list[MutantOutcome]] = {}
        for member in members:
            for outcome in member.mutants:
                by_change.setdefault(outcome.change, []).append(outcome)
        summaries = tuple(_summary(outcomes) for outcomes in by_change.values())
        tables.append(
            TheoremKills(statement, provenance, len(members), summaries, kill_rate(summaries))
        )
    return tables


def _summary(outcomes: Sequence[MutantOutcome]) -> MutantSummary:
    tighter = [o for o in outcomes if o.label is Label.TIGHTER]
    false = [o for o in tighter if o.false]
    killed = any(o.killed for o in tighter)
    first = outcomes[0]
    return MutantSummary(
        change=first.change,
        operator=first.operator,
        expression=first.expression,
        label=Label.TIGHTER if tighter else _common_label(outcomes),
        settings=len(outcomes),
        false=bool(false),
        killable=any(o.killable for o in tighter),
        killed=killed,
        why="" if killed or not false else _first_reason(tighter),
    )


def _first_reason(tighter: Sequence[MutantOutcome]) -> str:
    """Why a mutant survived: on a setting where it was killable, if any (a test short of its
    level), else where it was false by the estimates (intervals too wide)."""
    killable = [o for o in tighter if o.killable and o.why]
    return (killable or [o for o in tighter if o.false and o.why])[0].why


def _common_label(outcomes: Sequence[MutantOutcome]) -> Label:
    labels = {o.label for o in outcomes}
    return labels.pop() if len(labels) == 1 else Label.NEITHER


def kill_rate(
    outcomes: Sequence[MutantOutcome | MutantSummary], miscoverage: float = 0.025
) -> KillRate:
    """``killed ÷ killable`` over the tighter mutants in ``outcomes``, with its two-sided
    Clopper–Pearson interval (each side missing with probability ``miscoverage``)."""
    tighter = [o for o in outcomes if o.label is Label.TIGHTER]
    false = sum(o.false for o in tighter)
    killable = [o for o in tighter if o.killable]
    killed = sum(o.killed for o in killable)
    if not killable:
        return KillRate(len(tighter), false, 0, 0, 0.0, 1.0)
    interval = clopper_pearson(killed, len(killable), miscoverage)
    return KillRate(
        len(tighter), false, len(killable), killed, float(interval.lower), float(interval.upper)
    )


__all__ = [
    "BreakPoint",
    "CheckSensitivity",
    "KillRate",
    "MutantOutcome",
    "MutantSummary",
    "TheoremKills",
    "Tightening",
    "break_point",
    "check_sensitivity",
    "example_settings",
    "kill_rate",
    "mutant_outcomes",
    "sensitivities_of_module_check",
    "theorem_kills",
]


def example_settings(strategy: st.SearchStrategy[S], count: int) -> list[S]:
    """Up to ``count`` distinct settings drawn from ``strategy`` by Hypothesis, derandomised: the
    same settings on every call (the settings ``gflcheck mutate`` runs a user's check on)."""
    drawn: list[S] = []

    @hypothesis.settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        deadline=None,
    )
    @hypothesis.given(strategy)
    def collect(setting: S) -> None:
        if setting not in drawn:
            drawn.append(setting)

    collect()
    return drawn[:count]


def sensitivities_of_module_check(
    check: TheoryCheck[Any], count: int, source: str = ""
) -> tuple[list[CheckSensitivity], list[str]]:
    """The sensitivity of ``check`` (a user's true check, defined in ``source``) on ``count``
    settings drawn from its strategy (:func:`example_settings`), and why each setting it
    refused was refused."""
    analysed, refused = [], []
    for number, setting in enumerate(example_settings(check.settings, count), 1):
        with recorded_runs() as runs:
            try:
                check.run(setting)
            except (PreconditionError, SettingRejectedError) as error:
                refused.append(f"{check.name}: {setting!r}: {error}")
                continue
        where = f"{source + ': ' if source else ''}{check.name} (example {number})"
        analysed += [check_sensitivity(run, where) for run in runs if run.check is check]
    return analysed, refused
