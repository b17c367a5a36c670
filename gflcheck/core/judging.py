"""How a :class:`~gflcheck.core.declare.TheoryCheck` turns a measurement into a verdict.

The bound is evaluated on the setting, with per-seed symbols measured with uncertainty entering
through the bound's monotonicity (:func:`evaluate_bound`); each seed is classified against it, the
seeds are decided by an exact binomial test (or, for a ∀-statement, instance by instance), and the
verdict reports slack, counterexample, declared false-alarm rate and the quantifier table
(:func:`verdict_on`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    pass

from gflcheck.core.bounds import Monotonicity
from gflcheck.core.verdicts import (
    POWER_TARGET,
    QuantifierInstantiation,
    SeedStates,
    Verdict,
    classify_seeds,
    decide_every_instance,
    decide_violation_rate,
    refutation_power,
    seeds_for_power,
    vacuity,
)
from gflcheck.runtime.errors import ParameterRangeError

if TYPE_CHECKING:
    from gflcheck.core.declare import TheoryCheck

from gflcheck.core.measurements import BoundValues, Estimate, Judged, Measurement, StatementKind


def require_finite_bound_values(check: TheoryCheck[Any], setting: Any) -> None:
    """``check.bound_values(setting)`` (a setting it rejects is rejected here), with every value
    of a symbol of the bound finite: NaN or ∞ is refused before anything is trained."""
    for name, value in check.bound_values(setting).items():
        if name in check.bound.domains and not np.isfinite(np.asarray(value, dtype=float)).all():
            raise ParameterRangeError(
                f"bound_values[{name!r}]",
                value,
                "a finite number: bound_values gave it for this setting, and the bound cannot be "
                "judged with it; fix bound_values, or reject the setting there "
                "(raise PreconditionError)",
                check.name,
            )


def evaluate_bound(
    check: TheoryCheck[Any], setting: Any, measured: Measurement | None = None
) -> tuple[BoundValues, dict[str, float]]:
    """The bound on ``setting`` and the per-setting symbol values it used. With ``measured``,
    its per-seed ``bound_values`` enter too: an exact array, or ``(lower, estimate, upper)``
    for a symbol measured with uncertainty, where the bound must be monotone in it (sympy
    decides); a seed then violates only above the bound's largest value over that interval,
    and satisfies only below its smallest."""
    given = {k: float(v) for k, v in check.bound_values(setting).items()}
    used = {k: v for k, v in given.items() if k in check.bound.domains}
    measured_values = dict(measured.bound_values) if measured is not None else {}
    ends: dict[str, list[Any]] = {"estimate": [], "high": [], "low": []}
    for name, value in measured_values.items():
        if isinstance(value, tuple):
            lower, estimate, upper = value
            direction = check.bound.monotonicity(name)
            if direction is Monotonicity.UNKNOWN:
                raise ParameterRangeError(
                    f"bound_values[{name!r}]",
                    "an interval",
                    f"a symbol in which the bound is monotone (sympy cannot tell for {name})",
                    check.name,
                )
            high, low = (upper, lower) if direction is Monotonicity.INCREASING else (lower, upper)
            ends["estimate"].append((name, estimate))
            ends["high"].append((name, high))
            ends["low"].append((name, low))
        else:
            for end in ends.values():
                end.append((name, value))
    evaluated = {}
    for end, pairs in ends.items():
        # An end of a measured symbol's interval may be infinite (an event known only to
        # come after the horizon): the bound's end there is unknown, +∞ for its largest
        # value and −∞ for its smallest, so that it certifies nothing; the estimate may not.
        unbounded = np.zeros((), bool)
        finite = {}
        for name, symbol_value in pairs:
            array = np.asarray(symbol_value, dtype=float)
            if end != "estimate" and np.isinf(array).any():
                unbounded = unbounded | np.isinf(array)
                estimate = dict(ends["estimate"])[name]
                array = np.where(np.isinf(array), estimate, array)
            finite[name] = array
        value = np.asarray(check.bound.evaluate({**used, **finite}), dtype=float)
        if unbounded.any():
            value = np.where(unbounded, np.inf if end == "high" else -np.inf, value)
        running = (
            ~measured.diverged_seeds.reshape(-1, *[1] * (value.ndim - 1))
            if measured_values
            else True
        )
        usable = ~np.isnan(value) & (np.isfinite(value) | (end != "estimate"))
        if not np.all(usable | ~running):
            raise ParameterRangeError(
                "bound", value, "a finite number on every setting", f"{check.name}: {setting!r}"
            )
        evaluated[end] = value if measured_values else float(value)
    return BoundValues(evaluated["estimate"], evaluated["high"], evaluated["low"]), used


class Decided(NamedTuple):
    """What a verdict decides on, before it is written up: the measurement as compared (at the
    violation miscoverage, for Student-t bounds), the bound's values, the per-instance margin
    and each seed's tightest instance, the seeds' states, the decision and its exact p-value."""

    measured: Measurement
    bounds: BoundValues
    margin: np.ndarray
    tightest: np.ndarray
    bound_value: float
    states: Any
    decision: Any
    exact_p: float | None
    delta: float


def decided_on(check: TheoryCheck[Any], setting: Any, judged: Judged) -> Decided:
    """The decision of :func:`verdict_on`, without the verdict's tables, notes and
    counterexample: what a bisection over tightened bounds (break points, mutants) asks."""
    measured, bounds = judged.measured, judged.bounds
    forall = check.kind is StatementKind.FOR_EVERY
    exact_p = None
    tolerance = instance_tolerance(check, bounds.estimate)
    if forall and measured.degrees_of_freedom is not None:
        # Student-t bounds: decide *violated* at α_v over all instances (Bonferroni), with
        # an exact p-value, instead of at the bounds' fixed miscoverage.
        compared = (bounds.low - tolerance) if check.at_least else (bounds.high + tolerance)
        p_values = measured.violation_p_values(
            np.broadcast_to(compared, measured.values.shape), check.at_least
        )
        running = ~measured.diverged_seeds.reshape(-1, *[1] * (p_values.ndim - 1))
        exact_p = min(1.0, float(np.min(np.where(running, p_values, 1.0))) * p_values.size)
        measured = measured.at_violation_miscoverage(
            check.confidence.violation_alpha / p_values.size, check.at_least
        )
    elif forall:
        _require_union_within_share(check, measured)
    bound = np.broadcast_to(bounds.estimate, measured.values.shape)
    with np.errstate(invalid="ignore"):  # the slack: the room before a violation
        margin = tolerance + (
            (measured.values - bound) if check.at_least else (bound - measured.values)
        )
    tightest = _per_seed_tightest(margin)  # [k, 1]: the instance of least slack per seed
    per_seed_bound = np.take_along_axis(_as_instances(bound), tightest, 1)[:, 0]
    bound_value = (
        float(np.nanmedian(per_seed_bound)) if np.ndim(bounds.estimate) else float(bounds.estimate)
    )
    states = classify_seeds(
        measured.lower_bounds,
        measured.upper_bounds,
        bounds.high if not check.at_least else bounds.low,
        tolerance,
        measured.diverged_seeds,
        check.at_least,
        bounds.low if not check.at_least else bounds.high,
    )
    delta = check.failure_probability(setting)
    if forall:
        decision = decide_every_instance(states, exact_p, check.confidence.violation_alpha)
    else:
        decision = decide_violation_rate(
            states if measured.clusters is None else states.by_cluster(measured.clusters),
            delta,
            check.confidence.violation_alpha,
            measured.lower_miscoverage,
            measured.upper_miscoverage,
            confirmation_alpha=check.confidence.alpha,
        )
    return Decided(
        measured, bounds, margin, tightest, bound_value, states, decision, exact_p, delta
    )


def verdict_on(
    check: TheoryCheck[Any], setting: Any, judged: Judged, seeds: tuple[int, ...]
) -> Verdict:
    """The verdict from what :meth:`judged_on` formed (without the rivals): the decision of
    :func:`decided_on`, written up."""
    measured, bounds, margin, tightest, bound_value, states, decision, exact_p, delta = decided_on(
        check, setting, judged
    )
    values, estimate = judged.values, judged.estimate
    forall = check.kind is StatementKind.FOR_EVERY
    trivial = check.trivial(setting)
    slack = np.take_along_axis(_as_instances(margin), tightest, 1)[:, 0]
    return Verdict(
        check=check.name + (f"/{check.wording.label(setting)}" if check.wording.label else ""),
        statement=(check.wording.statement or check.bound.name)
        + (" (false)" if check.is_false_variant and not check.wording.statement else ""),
        outcome=vacuity(decision.outcome, bound_value, trivial),
        bound=check.bound,
        bound_value=bound_value,
        decision=decision,
        slack=np.where(measured.diverged_seeds, np.nan, slack),
        seeds=seeds,
        quantifiers=quantifier_table(
            check, setting, values, measured, trivial, delta, seeds, estimate, judged.raw
        ),
        parameters={**_parameters(setting), **measured.derived, "k": len(seeds)},
        declared=tuple(_parameters(setting)),
        false_alarm_rate=false_alarm_rate(check, measured, exact_p is not None),
        trivial_value=trivial,
        counterexample=counterexample(
            check, states, measured, bounds.low if check.at_least else bounds.high, seeds
        ),
        notes=verdict_notes(check, measured, seeds)
        + (estimate.notes if estimate is not None else ())
        + _cluster_note(measured, forall),
        false_variant=check.is_false_variant,
        observation=check.observation,
        discrepancy=check.discrepancy,
        setup=check.setup(setting) if callable(check.setup) else check.setup,
        quantity=check.wording.quantity,
        at_least=check.at_least,
        compared=estimate is not None,
        interval=(
            (
                float(judged.measured.values.flat[0]),
                float(judged.measured.lower_bounds.flat[0]),
                float(judged.measured.upper_bounds.flat[0]),
            )
            if estimate is not None
            else None
        ),
    )


def _cluster_note(measured: Measurement, forall: bool) -> tuple[str, ...]:
    """How declared clusters of dependent seeds entered the decision."""
    if measured.clusters is None:
        return ()
    count = len(np.unique(measured.clusters))
    if forall:
        return (f"{count} clusters of dependent seeds declared: a ∀-statement counts instances",)
    return (
        f"decided over {count} clusters of dependent seeds ({measured.values.shape[0]} seeds): a "
        "cluster violates only if all its seeds do, satisfies only if all do",
    )


def _require_union_within_share(check: TheoryCheck[Any], measured: Measurement) -> None:
    """A ∀-statement judged on fixed-miscoverage bounds declares the union ``k·n·β`` of its
    instances' misses (:func:`false_alarm_rate`); over the check's share ``α_v`` it is refused,
    naming the fix, instead of declaring a rate that can reach 1."""
    side, union = _union_of_misses(check, measured)
    share = check.confidence.violation_alpha
    if union > share * (1 + 1e-9):
        raise ParameterRangeError(
            "miscoverage",
            side,
            f"at most α_v/(k·n) = {share / measured.values.size:.3g} per instance: "
            f"{measured.values.size} instances (seeds × instances) at β = {side:g} declare a "
            f"false-alarm rate of {union:.3g}, over the check's share α_v = {share:g}. Measure "
            "each instance at a smaller miscoverage, or give Student-t bounds "
            "(Measurement(degrees_of_freedom=…)), which are redrawn at α_v",
            check.name,
        )


def false_alarm_rate(check: TheoryCheck[Any], measured: Measurement, exact_p: bool) -> float:
    """The declared ``Pr[violated | the statement holds]`` (module docstring): ``α_v`` for a
    binomial test or Student-t bounds redrawn at it, else the union over the instances of the
    violation side's miscoverage; plus ``bound_miscoverage``."""
    if check.kind is StatementKind.WITH_PROBABILITY or exact_p:
        rate = check.confidence.violation_alpha
    else:
        _, rate = _union_of_misses(check, measured)
    return rate + check.confidence.bound_miscoverage


def _union_of_misses(check: TheoryCheck[Any], measured: Measurement) -> tuple[float, float]:
    """The violation side's per-instance miscoverage ``β`` and its union ``k·n·β`` over every
    instance of every seed."""
    side = measured.upper_miscoverage if check.at_least else measured.lower_miscoverage
    return side, measured.values.size * side


def verdict_notes(
    check: TheoryCheck[Any], measured: Measurement, seeds: tuple[int, ...]
) -> tuple[str, ...]:
    notes = [f"false variant: {check.why_false}"] if check.why_false else []
    if check.discrepancy:
        notes.append(f"expected to fail here (judged): {check.discrepancy}")
    if check.observation:
        notes.append(f"observation, reported and not judged: {check.observation}")
    diverged = measured.diverged_seeds
    if diverged.any():
        notes.append(
            f"{int(diverged.sum())} of {len(seeds)} seed(s) diverged (non-finite numbers): "
            "undetermined, never a pass"
        )
    return (*notes, *measured.notes)


def counterexample(
    check: TheoryCheck[Any],
    states: SeedStates,
    measured: Measurement,
    bound: np.ndarray | float,
    seeds: tuple[int, ...],
) -> str | None:
    violated = states.violates
    if not violated.any():
        return None
    values = _as_instances(measured.values)
    bound = _as_instances(np.broadcast_to(bound, measured.values.shape))
    if check.at_least:
        side, bounds, relation = "upper", _as_instances(measured.upper_bounds), "<"
        excess = bound - bounds
    else:
        side, bounds, relation = "lower", _as_instances(measured.lower_bounds), ">"
        excess = bounds - bound
    with np.errstate(invalid="ignore"):
        excess = np.where(np.isnan(excess), -np.inf, excess)
    worst = int(np.argmax(np.where(violated, excess.max(1), -np.inf)))
    at = (worst, int(np.argmax(excess[worst])))
    instance = f", instance {at[1]}" if measured.values.ndim == 2 else ""
    tolerance = f" (tolerance {check.tolerance:g})" if check.tolerance else ""
    if check.kind is StatementKind.FOR_EVERY and check.estimate is None:
        tolerance += _within_rounding(float(excess[at]), float(bound[at]))
    if check.estimate is not None:  # one estimate, from every run
        return (
            f"{check.wording.quantity} {values[at]:.6g} ({side} bound {bounds[at]:.6g} at α_v) "
            f"{relation} {bound[at]:.6g}{tolerance}, from {len(seeds)} runs per point"
        )
    return (
        f"seed {seeds[worst]}{instance}: {check.wording.quantity} {values[at]:.6g} ({side} bound "
        f"{bounds[at]:.6g}) {relation} bound {bound[at]:.6g}{tolerance}; "
        f"{int(violated.sum())}/{len(seeds)} seeds violate"
    )


FOR_EVERY_ROUNDING_ULPS = 8
"""A ∀-bound's instances are compared with this many float64 units in the last place of the
bound to spare (``8·2⁻⁵²·|bound|``), beside the declared ``tolerance``: an exactly tight bound
computed two ways does not fail by the last bits."""

ROUNDING_SCALE = 1e-9
"""A ∀-violation whose excess is at most this share of the bound is within what float64
rounding over many operations can make: its counterexample says so, with the tolerance that
would absorb it."""


def instance_tolerance(check: TheoryCheck[Any], bound: np.ndarray | float) -> np.ndarray | float:
    """The tolerance each instance is compared with: the declared ``tolerance``, plus for a
    ∀-bound :data:`FOR_EVERY_ROUNDING_ULPS` units in the last place of ``|bound|``."""
    if check.kind is not StatementKind.FOR_EVERY or check.estimate is not None:
        return check.tolerance
    with np.errstate(invalid="ignore"):
        rounding = FOR_EVERY_ROUNDING_ULPS * np.finfo(np.float64).eps * np.abs(bound)
    return check.tolerance + np.nan_to_num(rounding)


def _within_rounding(excess: float, bound: float) -> str:
    """The counterexample's note when a ∀-violation is within rounding (:data:`ROUNDING_SCALE`)."""
    if not 0 < excess <= ROUNDING_SCALE * abs(bound):
        return ""
    absorb = float(f"{2 * excess:.1g}")
    return (
        f"; within rounding: it exceeds the bound by {excess:.2g} ({excess / abs(bound):.2g} of "
        f"it), which float64 rounding over many operations can make; tolerance={absorb:g} "
        "would absorb it"
    )


def quantifier_table(
    check: TheoryCheck[Any],
    setting: Any,
    values: Mapping[str, float],
    measured: Measurement,
    trivial: float | None,
    delta: float,
    seeds: tuple[int, ...],
    estimate: Estimate | None,
    raw: Any,
) -> tuple[QuantifierInstantiation, ...]:
    if callable(check.quantifiers):  # on the raw data, for an estimate
        rows = list(check.quantifiers(setting, measured if estimate is None else raw))
    else:
        rows = [
            QuantifierInstantiation(quantifier, how, "")
            for quantifier, how in check.quantifiers.items()
        ]
    rows += [
        QuantifierInstantiation(f"hypothesis: {p.description}", "checked on the setting", "holds")
        for p in check.preconditions
    ]
    described = {row.quantifier for row in rows}
    rows += [
        QuantifierInstantiation(name, "bound_values(setting)", f"{value:.6g}")
        for name, value in values.items()
        if name not in described
    ]
    if estimate is not None:
        rows.append(
            QuantifierInstantiation(
                "the estimate",
                f"{check.wording.quantity}, formed from the raw data against this statement's bound "
                f"when judging; violated: exact t p-value below α_v = "
                f"{check.confidence.violation_alpha:g}; holds: its {1 - 2 * measured.upper_miscoverage:.0%}"
                " interval within the threshold",
                f"{len(seeds)} runs per point; tolerance τ = {check.tolerance:g}",
            )
        )
        return (*rows, *estimate.rows)
    exact = measured.lower is None and measured.upper is None
    rows.append(
        QuantifierInstantiation(
            "measured quantity",
            "exact per seed"
            if exact
            else "one-sided confidence bounds per seed, miscoverage "
            f"{measured.lower_miscoverage:g} (lower), {measured.upper_miscoverage:g} (upper)",
            f"trivial value {trivial:.6g}" if trivial is not None else "no trivial value",
        )
    )
    if check.kind is StatementKind.FOR_EVERY:
        rows.append(
            QuantifierInstantiation(
                "∀ instance",
                f"{len(seeds)} instances; one certain violation refutes, all certainly "
                "satisfying confirms"
                + (
                    f"; Student-t bounds: violated at α_v = {check.confidence.violation_alpha:g} over "
                    f"the instances (exact p-value), confirmed at the bounds' level"
                    if measured.degrees_of_freedom is not None
                    else ""
                ),
                f"tolerance {check.tolerance:g}",
            )
        )
    else:
        rows.append(
            QuantifierInstantiation(
                "w.p. ≥ 1 − δ over the seed",
                f"{len(seeds)} seeds; violated: exact binomial test of violation rate ≤ δ + "
                "β₋ at level α_v (this decision's share of the family-wise α); holds: "
                "Clopper–Pearson upper bound at level 1 − α on the rate of seeds not "
                "certified to satisfy the bound, plus β₊, ≤ δ",
                f"δ = {delta:g}, α_v = {check.confidence.violation_alpha:g}, α = {check.confidence.alpha:g}, β₋ = "
                f"{measured.lower_miscoverage:g}, β₊ = {measured.upper_miscoverage:g}",
            )
        )
        rows.append(
            _power_row(
                len(seeds),
                delta,
                check.confidence.violation_alpha,
                measured.lower_miscoverage,
                check.confidence.power or POWER_TARGET,
            )
        )
    return tuple(rows)


def _power_row(
    seeds: int, delta: float, alpha: float, miscoverage: float, target: float
) -> QuantifierInstantiation:
    """What the seed count can detect: the chance of *violated* against a violation rate of 2δ,
    and the seeds that would reach the ``target``."""
    needed = seeds_for_power(delta, alpha, miscoverage, target)
    return QuantifierInstantiation(
        "power at 2δ",
        f"chance that {seeds} seeds refute a statement violated at rate 2δ = {2 * delta:g} "
        f"(exact binomial at α_v); target {target:g}",
        f"{refutation_power(seeds, delta, alpha, miscoverage):.2f}; "
        + (f"{needed} seeds reach {target:g}" if needed else "no seed count reaches it"),
    )


def _as_instances(array: np.ndarray) -> np.ndarray:
    """``[k]`` as ``[k, 1]``; ``[k, n]`` as it is."""
    array = np.asarray(array, dtype=float)
    return array[:, None] if array.ndim == 1 else array


def _per_seed_tightest(margin: np.ndarray) -> np.ndarray:
    """``[k, 1]`` indices of each seed's instance of least margin (NaN instances last)."""
    instances = _as_instances(margin)
    with np.errstate(invalid="ignore"):
        return np.argmin(np.where(np.isnan(instances), np.inf, instances), axis=1)[:, None]


def _parameters(setting: Any) -> dict[str, object]:
    """The numbers and names a verdict reports of its setting: its ``reported_parameters()``
    where it has them (in their order), else a dataclass's fields; tuples and ``None`` left out."""
    if callable(getattr(setting, "reported_parameters", None)):
        fields = dict(setting.reported_parameters())
    elif dataclasses.is_dataclass(setting) and not isinstance(setting, type):
        fields = dataclasses.asdict(setting)
    else:
        return {"setting": repr(setting)}
    return {k: v for k, v in fields.items() if isinstance(v, int | float | str)}
