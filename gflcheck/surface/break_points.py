"""Break points: the largest factor (or, for a rate, shift in the exponent) by which a bound
can tighten before the same runs refute it, found by bisection on the recorded measurement;
beside it, where the measurement declares a floor (the Bayes risk), the tightening at which the
bound reaches that floor, past which every predictor refutes it."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import numpy as np

from gflcheck.core.declare import (
    Measurement,
    RecordedRun,
    StatementKind,
    recorded_runs,
)
from gflcheck.core.judging import decided_on
from gflcheck.core.measurements import BoundValues, Judged
from gflcheck.core.verdicts import LARGEST_TIGHTENING, BreakPoint, Outcome, Tightening, Verdict

S = TypeVar("S")


RELATIVE_PRECISION = 0.01
"""Bisection stops when the bracket is this narrow (relative, for a factor; of the bound's scale,
for a shift)."""


def break_point(run: RecordedRun[Any], interval: bool = True) -> BreakPoint:
    """The least tightenings that refute the statement, or make it false by the estimates and
    (with ``interval``) by the confidence bounds (module docstring); without ``interval`` the
    :attr:`~gflcheck.core.verdicts.BreakPoint.false_interval` is ``(None, None)`` and half the
    bisections are saved."""
    kind = _tightening_kind(run)
    rules: dict[str, Callable[[Judged], bool]] = {
        "refuted": partial(_refuted, run),
        "false": partial(_false_on, run, "values"),
    }
    if interval:
        rules["soonest"] = partial(_false_on, run, "soonest")
        rules["latest"] = partial(_false_on, run, "latest")
    scale = _shift_scale(run) if kind is Tightening.SHIFT else 1.0
    judged = run.check.judged_on(run.setting, run.measured)
    found = {
        name: _least_tightening(
            partial(_tightened_refutes, run.check.at_least, judged, kind, rule), kind, scale
        )
        for name, rule in rules.items()
    }
    return BreakPoint(
        kind,
        found["refuted"],
        found["false"],
        (found.get("soonest"), found.get("latest")),
        scale,
        _floor_tightening(run, kind),
    )


def with_break_point(
    run: Callable[[], tuple[Verdict, Any]], describe: bool = False, interval: bool = True
) -> tuple[Verdict, Any]:
    """``run()``'s verdict and evidence; a HOLDS of a true statement carries its
    :func:`break_point`, from the same runs (no training). With ``describe`` every judged
    verdict also gets a note of its break point: how loose the bound is where it was measured,
    and how far it tightens (or, for a false variant, loosens) before the verdict changes.
    ``interval``: as for :func:`break_point`."""
    with recorded_runs() as runs:
        verdict, evidence = run()
    confirms = verdict.outcome is Outcome.HOLDS and verdict.judged and not verdict.false_variant
    if not runs or verdict.observation or not (confirms or describe):
        return verdict, evidence
    point = break_point(runs[-1], interval)
    if confirms:
        verdict = dataclasses.replace(verdict, break_point=point)
    if describe:
        notes = (*verdict.notes, f"break point: {point.describe()}")
        verdict = dataclasses.replace(verdict, notes=notes)
    return verdict, evidence


def tightness(point: BreakPoint) -> float:
    """How near the same runs are to refuting the statement, larger when nearer: the score a
    property's targeted search maximises (:func:`hypothesis.target`).

    - ``−ln F`` for the least factor ``F`` that refutes it (0 where the bound as stated is
      refuted), or for a shift, minus the refuting shift over the statement's scale;
    - where no tightening the search tries refutes it, or only one that reaches the floor
      (:attr:`~gflcheck.core.verdicts.BreakPoint.at_floor`: the data refute it there, not the
      training), below every refutable one: ``−ln 2⁴⁰`` minus ``ln`` of the factor that makes it
      false by the point estimates (bound ÷ measured), so that the search still climbs towards
      tighter settings; ``−2 ln 2⁴⁰`` where that is not finite either."""
    factor = point.kind is Tightening.FACTOR
    largest = math.log(LARGEST_TIGHTENING) if factor else LARGEST_TIGHTENING

    def score(tightening: float) -> float:
        return -math.log(tightening) if factor else -tightening / point.scale

    if point.refuted is not None and not point.at_floor:
        return score(point.refuted)
    if point.false is not None and (point.false > 0 or not factor):
        return -largest + min(score(point.false), 0.0)
    return -2 * largest


def _floor_tightening(run: RecordedRun[Any], kind: Tightening) -> float | None:
    """The least tightening that puts some running seed's bound (its estimate) below the
    measurement's floor: ``min bound/floor`` for a factor, ``min bound − floor`` for a shift
    (``None``: no floor, a ``≥`` statement or an estimated threshold, or a floor ≤ 0 under a
    factor, which no factor reaches)."""
    floor = getattr(run.measured, "floor", None)  # raw grids (a rate's, a need's) have none
    if floor is None or run.check.at_least or run.check.estimate is not None:
        return None
    judged = run.check.judged_on(run.setting, run.measured)
    bounds = np.broadcast_to(
        np.asarray(judged.bounds.estimate, dtype=float), judged.measured.values.shape
    )
    bounds = bounds[~judged.measured.diverged_seeds]
    if not bounds.size:
        return None
    if kind is Tightening.FACTOR:
        return float(np.min(bounds) / floor) if floor > 0 else None
    return float(np.min(bounds) - floor)


def _tightened_refutes(
    at_least: bool,
    judged: Judged,
    kind: Tightening,
    rule: Callable[[Judged], bool],
    amount: float,
) -> bool:
    return rule(_tightened(judged, at_least, kind, amount))


def _tightening_kind(run: RecordedRun[Any]) -> Tightening:
    if run.check.estimate is not None:
        return Tightening.SHIFT
    bounds, _ = run.check.evaluate_bound(run.setting, run.measured)
    estimate = np.asarray(bounds.estimate, dtype=float)
    running = estimate[~run.measured.diverged_seeds] if estimate.ndim else estimate
    return Tightening.FACTOR if np.all(running > 0) else Tightening.SHIFT


def _shift_scale(run: RecordedRun[Any]) -> float:
    """The statement's own scale for a shift: the largest magnitude of the bound and of the
    measured values (1 when both are 0)."""
    judged = run.check.judged_on(run.setting, run.measured)
    bound = float(np.nanmax(np.abs(judged.bounds.estimate)))
    measured = judged.measured
    values = np.abs(measured.values[~measured.diverged_seeds])
    return max(bound, float(values.max()) if values.size else 0.0) or 1.0


def _least_tightening(
    refutes: Callable[[float], bool], kind: Tightening, scale: float
) -> float | None:
    """The least tightening at which ``refutes`` turns true (it is monotone in the tightening):
    steps doubling out of the identity, then bisection of the bracket. Below the identity it
    stops at 1/:data:`LARGEST_TIGHTENING` (or its negative, for a shift); above, ``None`` past
    :data:`LARGEST_TIGHTENING`."""
    # x is log2(factor) for a factor, shift / scale for a shift; x = 0 is the statement itself.
    if kind is Tightening.FACTOR:
        reach, tolerance = math.log2(LARGEST_TIGHTENING), math.log2(1 + RELATIVE_PRECISION)

        def amount(x: float) -> float:
            return math.exp2(x)
    else:
        reach, tolerance = LARGEST_TIGHTENING, RELATIVE_PRECISION

        def amount(x: float) -> float:
            return x * scale

    refuted_at_identity = refutes(amount(0.0))
    direction = -1.0 if refuted_at_identity else 1.0
    near, step = 0.0, 1.0  # near: the last point on the identity's side of the break
    while True:
        far = max(-reach, min(reach, near + direction * step))
        if refutes(amount(far)) != refuted_at_identity:
            break
        if abs(far) == reach:
            return amount(far) if refuted_at_identity else None
        near, step = far, step * 2
    good, bad = (near, far) if refuted_at_identity else (far, near)
    while abs(good - bad) > tolerance:
        middle = (good + bad) / 2
        if refutes(amount(middle)):
            good = middle
        else:
            bad = middle
    return amount(good)


def _tightened(judged: Judged, at_least: bool, kind: Tightening, amount: float) -> Judged:
    """What the statement tightened by ``amount`` is judged on: the same measurement, its
    bound's values times the factor (for "≥"; divided, for "≤") or shifted by it (up for "≥",
    down for "≤"). A bound's value at each end of its measured symbols scales and shifts with
    it, and a rate's threshold is its bound, so this is the tightened statement's
    :meth:`~gflcheck.core.declare.TheoryCheck.judged_on` without evaluating a new expression."""
    if kind is Tightening.FACTOR:
        factor = amount if at_least else 1.0 / amount

        def tighten(value: Any) -> Any:
            return value * factor
    else:
        shift = amount if at_least else -amount

        def tighten(value: Any) -> Any:
            return value + shift

    bounds = judged.bounds
    return judged._replace(
        bounds=BoundValues(tighten(bounds.estimate), tighten(bounds.high), tighten(bounds.low))
    )


def _refuted(run: RecordedRun[Any], judged: Judged) -> bool:
    """The tightened statement's verdict on the same runs is VIOLATED (its decision alone: the
    rivals and the verdict's tables do not change it)."""
    return decided_on(run.check, run.setting, judged).decision.outcome is Outcome.VIOLATED


def _false_on(run: RecordedRun[Any], ends: str, judged: Judged) -> bool:
    """The statement is false on exact numbers (∀: one instance beyond the bound; w.p. ≥ 1 − δ:
    more than ``δ·k`` seeds beyond it): the measurement's point estimates (``ends="values"``),
    or its confidence ends that make the statement false soonest or latest (``"soonest"``,
    ``"latest"``: for "≤", the upper and the lower bounds)."""
    check = run.check
    measured = judged.measured
    upper, lower = measured.upper_bounds, measured.lower_bounds
    values = {
        "values": measured.values,
        "soonest": lower if check.at_least else upper,
        "latest": upper if check.at_least else lower,
    }[ends]
    exact = judged._replace(measured=_exact(measured, values))
    decision = decided_on(check, run.setting, exact).decision
    if check.kind is StatementKind.FOR_EVERY:
        return decision.violations > 0
    return decision.violations > check.failure_probability(run.setting) * decision.seeds


_BEYOND_ANY = 1e300  # an unknown (infinite) confidence end: beyond any bound the search tries


def _exact(measured: Measurement, values: np.ndarray) -> Measurement:
    """``measured`` with ``values`` taken as exact (an infinite end as ±1e300, beyond any bound;
    a diverged seed's NaN as 0, ignored as diverged), and each measured symbol of the bound at
    its estimate."""
    return dataclasses.replace(
        measured,
        values=np.nan_to_num(values, nan=0.0, posinf=_BEYOND_ANY, neginf=-_BEYOND_ANY),
        lower=None,
        upper=None,
        miscoverage=0.0,
        degrees_of_freedom=None,
        bound_values={
            name: (value[1],) * 3 if isinstance(value, tuple) else value
            for name, value in measured.bound_values.items()
        },
    )
