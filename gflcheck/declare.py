"""Declaring a new check: a bound, its setting strategy, a measurement, and what follows from them.

A :class:`TheoryCheck` declares a statement "with probability ≥ 1 − δ over the seed, the measured
quantity is at most the bound", from:

- ``bound``: a :class:`~gflcheck.bounds.Bound` (sympy, symbol domains, hidden constants, provenance);
- ``settings``: a Hypothesis strategy of settings (any frozen dataclass);
- ``bound_values(setting)``: the bound's symbols for a setting (hidden constants included);
- ``measure(setting, seeds)``: the user's model and trainer (the library's, or any torch code),
  returning a :class:`Measurement`: per seed the measured value, exact or with a one-sided lower
  confidence bound, and which seeds diverged;
- ``preconditions``: the theorem's hypotheses; a setting outside them is rejected and counted;
- ``quantifiers``: how each quantifier of the theorem is instantiated (reported with the verdict).

From the declaration follow :meth:`TheoryCheck.run` (a :class:`~gflcheck.verdicts.Verdict`: exact
binomial test of "violation rate ≤ δ" at level α over ``k`` seeds, slack per seed, the quantifier
table), :meth:`TheoryCheck.property` (a pytest property over the strategy; its verdicts enter the
plugin's table, JSON artefact, baseline comparison and ``gflcheck report``),
:meth:`TheoryCheck.catalogue_entry` (for :func:`gflcheck.power.measure_power`: its false-alarm or
detection rate), and :meth:`TheoryCheck.false_variant` (the same check with a deliberately false bound, which the
property asserts is refuted). Measurements go through the run cache (:mod:`gflcheck.cache`),
keyed by the check's name, bound and the source of ``measure``.

Declared false-alarm rate of a verdict: ``α`` (the binomial test's level), with per-seed
miscoverage of the lower bounds entering the null as ``δ + β``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gflcheck._validation import require_open_unit_interval, require_positive_int
from gflcheck.bounds import Bound
from gflcheck.cache import cached_run
from gflcheck.catalogue import CatalogueEntry
from gflcheck.errors import ParameterRangeError, PreconditionError
from gflcheck.random import stream_seed
from gflcheck.report import format_verdict_details
from gflcheck.verdicts import (
    Outcome,
    QuantifierInstantiation,
    Verdict,
    decide_violation_rate,
    seeds_to_confirm,
)

S = TypeVar("S")


@dataclass(frozen=True, eq=False)
class Measurement:
    """Per-seed measurements ``[k]`` of the bounded quantity.

    ``values`` are the measured values (exact, or point estimates); ``lower``, when given, are
    one-sided lower confidence bounds, each missing with probability at most ``miscoverage``: a
    seed is counted as violating when ``lower`` (else ``values``) exceeds the bound. ``diverged``
    marks seeds whose training did not finish with finite numbers (recorded, never a pass).
    """

    values: np.ndarray
    lower: np.ndarray | None = None
    miscoverage: float = 0.0
    diverged: np.ndarray | None = None

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ParameterRangeError(
                "values", values.shape, "a non-empty [k] array", "Measurement"
            )
        for name in ("lower", "diverged"):
            array = getattr(self, name)
            if array is not None and np.shape(array) != values.shape:
                raise ParameterRangeError(
                    name, np.shape(array), f"shape {values.shape}, like values", "Measurement"
                )
        if not 0.0 <= self.miscoverage < 1.0:
            raise ParameterRangeError("miscoverage", self.miscoverage, "[0, 1)", "Measurement")


@dataclass(frozen=True)
class Precondition(Generic[S]):
    """A hypothesis of the theorem: ``holds(setting)`` is true inside it."""

    description: str
    holds: Callable[[S], bool]


@dataclass(frozen=True, eq=False)
class TheoryCheck(Generic[S]):
    """A declared check (see the module docstring)."""

    name: str
    bound: Bound
    settings: st.SearchStrategy[S]
    bound_values: Callable[[S], Mapping[str, float]]
    measure: Callable[[S, tuple[int, ...]], Measurement]
    quantifiers: Mapping[str, str] = field(default_factory=dict)
    preconditions: Sequence[Precondition[S]] = ()
    delta: float = 0.05
    alpha: float = 0.05
    seeds: int | None = None
    why_false: str | None = None

    def __post_init__(self) -> None:
        require_open_unit_interval("delta", self.delta, f"TheoryCheck {self.name!r}")
        require_open_unit_interval("alpha", self.alpha, f"TheoryCheck {self.name!r}")
        if self.seeds is not None:
            require_positive_int("seeds", self.seeds, f"TheoryCheck {self.name!r}")

    @property
    def is_false_variant(self) -> bool:
        """Declared deliberately false: the suite must refute it."""
        return self.why_false is not None

    def false_variant(
        self, bound: Bound, why_false: str, settings: st.SearchStrategy[S] | None = None
    ) -> TheoryCheck[S]:
        """The same check with a deliberately false ``bound``; ``why_false`` says why, and
        ``settings`` (default: the check's) generates settings on which it is false."""
        return dataclasses.replace(
            self, bound=bound, why_false=why_false, settings=settings or self.settings
        )

    def seed_count(self) -> int:
        """``k``: the declared seeds, or the fewest with which zero violations confirm *holds*."""
        return self.seeds or seeds_to_confirm(self.delta, self.alpha)

    def cache_key(self) -> tuple[Any, ...]:
        """For :mod:`gflcheck.cache`: the name, the bound and the source of ``measure``."""
        try:
            source = inspect.getsource(self.measure)
        except (OSError, TypeError):
            source = getattr(self.measure, "__qualname__", repr(self.measure))
        return (self.name, self.bound, hashlib.sha256(source.encode()).hexdigest())

    def run(self, setting: S, seed: int | None = None) -> Verdict:
        """Check the statement on ``setting`` over ``k`` seeds derived from ``seed`` (default: the
        setting's ``seed`` field, else 0).

        Raises :class:`~gflcheck.errors.PreconditionError` when a precondition fails.
        """
        if seed is None:
            seed = int(getattr(setting, "seed", 0))
        for precondition in self.preconditions:
            if not precondition.holds(setting):
                raise PreconditionError(precondition.description, repr(setting))
        values = {k: float(v) for k, v in self.bound_values(setting).items()}
        bound_value = float(self.bound.evaluate(values))
        seeds = tuple(stream_seed(seed, f"{self.name}-{i}") for i in range(self.seed_count()))
        measured = _measure(self, setting, seeds)
        estimate = np.asarray(measured.values, dtype=float)
        lower = estimate if measured.lower is None else np.asarray(measured.lower, dtype=float)
        diverged = (
            np.zeros(estimate.shape, bool)
            if measured.diverged is None
            else np.asarray(measured.diverged, bool) | ~np.isfinite(estimate)
        )
        violated = ~diverged & (lower > bound_value)
        decision = decide_violation_rate(
            violated, diverged, self.delta, self.alpha, measured.miscoverage
        )
        worst = int(np.argmax(np.where(violated, lower, -np.inf)))
        return Verdict(
            check=self.name,
            statement=self.bound.name + (" (false)" if self.is_false_variant else ""),
            outcome=decision.outcome,
            bound=self.bound,
            bound_value=bound_value,
            decision=decision,
            slack=np.where(diverged, np.nan, bound_value - estimate),
            seeds=seeds,
            quantifiers=self._quantifier_table(setting, values, len(seeds)),
            parameters=_parameters(setting),
            false_alarm_rate=self.alpha,
            non_vacuous=None,
            counterexample=(
                f"seed {seeds[worst]}: measured {estimate[worst]:.6g} (lower bound "
                f"{lower[worst]:.6g}) > bound {bound_value:.6g}; {int(violated.sum())}/"
                f"{len(seeds)} seeds violate"
                if violated.any()
                else None
            ),
            notes=(f"false variant: {self.why_false}",) if self.why_false else (),
            false_variant=self.is_false_variant,
        )

    def catalogue_entry(self, setting: S, description: str = "") -> CatalogueEntry:
        """This check on a fixed ``setting`` (a dataclass with a ``seed`` field), as an entry that
        :func:`gflcheck.power.measure_power` repeats with fresh seeds."""
        return CatalogueEntry(self.name, description, setting, partial(_run_entry, self))

    def property(self) -> Callable[..., None]:
        """A pytest property: for every generated setting, the statement is not refuted (a false
        variant: it is refuted). Assign it to a ``test_…`` name in a test module."""
        check = self

        @given(setting=self.settings)
        def test(setting: Any, gflcheck_session: Any) -> None:
            verdict = gflcheck_session.check(lambda: (check.run(setting), None))
            if check.is_false_variant:
                assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
            else:
                assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)

        test.__name__ = f"test_{self.name}"
        return test

    def _quantifier_table(
        self, setting: S, values: Mapping[str, float], seeds: int
    ) -> tuple[QuantifierInstantiation, ...]:
        rows = [
            QuantifierInstantiation(quantifier, how, "")
            for quantifier, how in self.quantifiers.items()
        ]
        rows += [
            QuantifierInstantiation(
                f"hypothesis: {p.description}", "checked on the setting", "holds"
            )
            for p in self.preconditions
        ]
        rows += [
            QuantifierInstantiation(name, "bound_values(setting)", f"{value:.6g}")
            for name, value in values.items()
        ]
        rows.append(
            QuantifierInstantiation(
                "w.p. ≥ 1 − δ over the seed",
                f"{seeds} seeds, exact binomial test of violation rate ≤ δ at level α",
                f"δ = {self.delta:g}, α = {self.alpha:g}",
            )
        )
        return tuple(rows)


def _run_entry(check: TheoryCheck[Any], setting: Any, limits: Any) -> tuple[Verdict, None]:
    return check.run(setting), None


@cached_run
def _measure(check: TheoryCheck[Any], setting: Any, seeds: tuple[int, ...]) -> Measurement:
    measured = check.measure(setting, seeds)
    if not isinstance(measured, Measurement):
        raise ParameterRangeError(
            "measure", type(measured).__name__, "a function returning a Measurement", check.name
        )
    if measured.values.shape != (len(seeds),):
        raise ParameterRangeError(
            "measure", np.shape(measured.values), f"one value per seed ({len(seeds)})", check.name
        )
    return measured


def _parameters(setting: Any) -> dict[str, object]:
    if dataclasses.is_dataclass(setting) and not isinstance(setting, type):
        return {
            k: v for k, v in dataclasses.asdict(setting).items() if isinstance(v, int | float | str)
        }
    return {"setting": repr(setting)}


__all__ = ["Measurement", "Precondition", "TheoryCheck"]
