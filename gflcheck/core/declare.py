"""Declaring a new check: a bound, its setting strategy, a measurement, and what follows from them.

A :class:`TheoryCheck` declares a statement about a measured quantity, from:

- ``bound``: a :class:`~gflcheck.core.bounds.Bound` (sympy, symbol domains, hidden constants, provenance);
- ``settings``: a Hypothesis strategy of settings (any frozen dataclass);
- ``bound_values(setting)``: the bound's symbols for a setting (hidden constants included; values
  for symbols the bound does not use are ignored, so a variant can drop a term);
- ``measure(setting, seeds)``: the user's model and trainer (the library's, or any torch code),
  returning a :class:`Measurement`: per seed the measured value, exact or with one-sided lower
  and upper confidence bounds, and which seeds diverged;
- ``kind``: :attr:`StatementKind.WITH_PROBABILITY` ("w.p. ≥ 1 − δ over the seed, measured ≤
  bound": exact binomial tests) or :attr:`StatementKind.FOR_EVERY` (a deterministic ∀-statement:
  one certain violation refutes it; ``tolerance``, the declared numerical tolerance, plus 8 ulp
  of the bound in float64); ``at_least=True`` states "measured ≥ bound" instead;
- ``trivial_value``: what a trivial predictor achieves on the measured quantity (a number or a
  function of the setting); a bound at or above it is reported VACUOUS, never HOLDS;
- ``preconditions``: the theorem's hypotheses; a setting outside them is rejected and counted;
- ``quantifiers``: how each quantifier of the theorem is instantiated (reported with the verdict).

From the declaration follow :meth:`TheoryCheck.run` (a :class:`~gflcheck.core.verdicts.Verdict` with
the outcome of :mod:`gflcheck.core.verdicts`, slack per seed, the quantifier table),
:meth:`TheoryCheck.property` (a pytest property over the strategy at its share of the session's
α: no example may be VIOLATED and its examples must earn the pass; its verdicts enter the
plugin's table, JSON artefact, baseline comparison and ``gflcheck report``), :meth:`TheoryCheck.catalogue_entry` (for
:func:`gflcheck.surface.power.measure_power`: its false-alarm or detection rate), and
:meth:`TheoryCheck.false_variant` (the same check with a deliberately false bound, which the
property asserts is refuted on every example). Measurements go through the run cache
(:mod:`gflcheck.runtime.cache`), keyed by the check's name and what ``measure`` runs, never by the
bound: a variant is judged against its own bound on the same cached measurement, and a check
whose statement is about an estimate (a rate's exponent) forms it when judging
(``estimate=``), so the measurement never sees the bound.

Declared false-alarm rate of a verdict (its share of the suite's family-wise α,
:data:`~gflcheck.core.verdicts.FAMILY_ALPHA`): ``α_v`` (``violation_alpha``, the binomial test's level),
with per-seed miscoverage of the lower bounds entering the null as ``δ + β``; for a ∀-statement,
``α_v`` when its bounds are Student-t bounds (``Measurement.degrees_of_freedom``: redrawn at
``α_v`` over its instances), else ``k·β₋`` (none when exact); plus ``bound_miscoverage``. *Holds*
is decided at the confirmation level ``alpha``. With ``power`` set (default 0.8), a probabilistic
statement runs enough seeds that a violation rate of ``2δ`` is refuted with that probability.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    import torch

from gflcheck.core.bounds import Bound
from gflcheck.core.confidence import Confidence, PropertyRule, SeedPlan
from gflcheck.core.entries import (
    _RECORDERS,
    CatalogueEntry,
    RecordedRun,
    entries_property,
    recorded_runs,
)
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.judging import evaluate_bound, require_finite_bound_values, verdict_on
from gflcheck.core.measurements import (
    BoundValues,
    Estimate,
    Judged,
    Measurement,
    Precondition,
    Rival,
    StatementKind,
    delta_of_setting,
    no_setting_symbols,
)
from gflcheck.core.pooled import seeds_for_pooled_confirmation
from gflcheck.core.setups import SetUp
from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import (
    Identification,
    Outcome,
    QuantifierInstantiation,
    Verdict,
    seeds_for_power,
    seeds_to_confirm,
)
from gflcheck.runtime.cache import cached_run, callable_fingerprint
from gflcheck.runtime.devices import using_device
from gflcheck.runtime.errors import ParameterRangeError, PreconditionError
from gflcheck.runtime.profiles import profile_loaded
from gflcheck.runtime.validation import (
    require_non_negative,
)

S = TypeVar("S")


def _finite_number(value: Any) -> bool:
    """A real number (not a bool) that is finite."""
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))
    )


@dataclass(frozen=True, eq=False)
class TheoryCheck(Generic[S]):
    """A declared check (see the module docstring).

    Beyond the fields named there:

    - ``confidence``: the declared error rates (:class:`~gflcheck.core.confidence.Confidence`:
      ``δ``, the levels of *holds* and *violated*, the power to plan seeds for, the
      measurement's and the bound values' miscoverage); an observation, which is not judged,
      plans for no power;
    - ``seed_plan``: how many seeds, from which streams
      (:class:`~gflcheck.core.confidence.SeedPlan`);
    - ``estimate(check, setting, raw)``: for a statement about a quantity formed from the
      measurement at judging time (a rate's fitted exponent), the :class:`Estimate` the verdict
      is judged on: ``measure`` then returns the raw data (a grid of values), never anything
      derived from the bound, and this hook forms the estimate and the number it is compared
      with from the raw data and ``check.bound``. A variant (``false_variant``,
      ``dataclasses.replace``, a mutant) is thus judged against its own bound on the same
      cached measurement;
    - ``rivals``: the statements the claim is told apart from (:class:`Rival`: the one its
      paper contrasts it with, or its negation), each judged on the same measurement; where a
      rival gets the claim's verdict the verdict says that the measurement cannot tell them
      apart ("not identifiable"), and, for a rate, which grid would;
    - ``statement``: the statement's name in the verdict (default: the bound's name);
      ``quantity`` names the measured quantity in counterexamples; ``label(setting)`` adds to the
      check's name (e.g. the family);
    - ``quantifiers``: a mapping, or a function ``(setting, measurement)`` returning
      :class:`~gflcheck.core.verdicts.QuantifierInstantiation` rows;
    - ``setup``: the set-up the claim is checked in (:class:`~gflcheck.core.setups.SetUp`), or a
      function of the setting returning it; every verdict carries it;
    - ``discrepancy``: why the claim is expected to fail in this check's set-up or reading (a
      reading under which it is not reproduced, or its paper's own set-up failing): it stays
      judged, and is as expected only when VIOLATED, so that the suite fails if it starts to
      hold;
    - ``observation``: why the statement is reported and not judged (an observation outside
      what the paper claims, or a reading of an ambiguous claim it may not mean): its verdict
      expects no outcome, counts neither as a pass nor as a failure, and it has no property;
    - ``property_rule``: what :meth:`property` requires of its examples
      (:class:`~gflcheck.core.confidence.PropertyRule`: the share that must HOLD, or a false
      variant's detection rate).
    """

    name: str
    bound: Bound
    settings: st.SearchStrategy[S]
    bound_values: Callable[[S], Mapping[str, float]]
    measure: Callable[[S, tuple[int, ...]], Measurement]
    estimate: Callable[[TheoryCheck[S], S, Any], Estimate] | None = None
    rivals: tuple[Rival, ...] = ()
    quantifiers: (
        Mapping[str, str] | Callable[[S, Measurement], Sequence[QuantifierInstantiation]]
    ) = field(default_factory=dict)
    preconditions: Sequence[Precondition[S]] = ()
    kind: StatementKind = StatementKind.WITH_PROBABILITY
    confidence: Confidence = field(default_factory=Confidence)
    seed_plan: SeedPlan = field(default_factory=SeedPlan)
    tolerance: float = 0.0
    at_least: bool = False
    trivial_value: float | Callable[[S], float] | None = None
    wording: Wording = field(default_factory=Wording)
    expectation: Expectation = field(default_factory=Expectation)
    setup: SetUp | Callable[[S], SetUp] | None = None
    property_rule: PropertyRule = field(default_factory=PropertyRule)

    def __post_init__(self) -> None:
        context = f"TheoryCheck {self.name!r}"
        for name, kind, what in (
            ("bound", Bound, "a Bound(name, expression, symbols, provenance)"),
            ("settings", st.SearchStrategy, "a Hypothesis strategy (st.just(setting) for one)"),
            ("confidence", Confidence, "a Confidence(...)"),
            ("seed_plan", SeedPlan, "a SeedPlan(...)"),
            ("property_rule", PropertyRule, "a PropertyRule(...)"),
            ("wording", Wording, "a Wording(...)"),
            ("expectation", Expectation, "an Expectation(...)"),
        ):
            if not isinstance(getattr(self, name), kind):
                raise ParameterRangeError(name, getattr(self, name), what, context)
        for name in ("bound_values", "measure"):
            if not callable(getattr(self, name)):
                raise ParameterRangeError(
                    name, getattr(self, name), "a function of the setting (and seeds)", context
                )
        trivial = self.trivial_value
        if not (trivial is None or callable(trivial) or _finite_number(trivial)):
            raise ParameterRangeError(
                "trivial_value",
                trivial,
                "a finite number, a function of the setting, or None",
                context,
            )
        require_non_negative("tolerance", self.tolerance, context)
        if self.property_rule.detection_rate is not None and self.why_false is None:
            raise ParameterRangeError(
                "detection_rate",
                self.property_rule.detection_rate,
                "None for a true statement (it is a false variant's declared rate)",
                context,
            )
        if not isinstance(self.kind, StatementKind):
            raise ParameterRangeError("kind", self.kind, f"one of {list(StatementKind)}", context)

    @property
    def why_false(self) -> str | None:
        """Why the statement is deliberately false (``expectation.why_false``)."""
        return self.expectation.why_false

    @property
    def discrepancy(self) -> str | None:
        """Why the claim is expected to fail here (``expectation.discrepancy``)."""
        return self.expectation.discrepancy

    @property
    def observation(self) -> str | None:
        """Why the statement is reported, not judged (``expectation.observation``)."""
        return self.expectation.observation

    @property
    def is_false_variant(self) -> bool:
        """Declared deliberately false: the suite must refute it."""
        return self.why_false is not None

    @property
    def is_true_statement(self) -> bool:
        """A statement the suite expects to hold and judges: neither a false variant nor an
        observation, nor a claim expected to fail here (what ``gflcheck mutate`` tightens)."""
        return self.expectation.is_true_statement

    def false_variant(
        self,
        bound: Bound,
        why_false: str,
        settings: st.SearchStrategy[S] | None = None,
        statement: str | None = None,
        detection_rate: float | None = None,
    ) -> TheoryCheck[S]:
        """The same check with a deliberately false ``bound``; ``why_false`` says why, and
        ``settings`` (default: the check's) generates settings on which it is false. The
        measurement is the same, so the run cache serves it. ``detection_rate``: the rate at
        which the property must refute it (default: on every example)."""
        return dataclasses.replace(
            self.with_bound(bound, statement),
            expectation=Expectation(why_false=why_false),
            settings=self.settings if settings is None else settings,
            property_rule=dataclasses.replace(self.property_rule, detection_rate=detection_rate),
        )

    def with_bound(self, bound: Bound, statement: str | None = None) -> TheoryCheck[S]:
        """The same check judging ``bound`` instead, with the same expectation (a conjecture, a
        tighter or looser reading): the measurement is the same, so the run cache serves it;
        ``statement`` names it in the verdicts (default: the bound's name)."""
        wording = dataclasses.replace(self.wording, statement=statement)
        return dataclasses.replace(self, bound=bound, wording=wording)

    def declared_miscoverage(self, setting: S | None) -> tuple[float, float]:
        """The measurement's declared ``(lower's, upper's)`` miscoverage on ``setting``."""
        return self.confidence.declared_miscoverage(setting, f"TheoryCheck {self.name!r}")

    def failure_probability(self, setting: S) -> float:
        """``δ`` on ``setting``."""
        return self.confidence.failure_probability(setting, self.name)

    def seed_count(self, setting: S) -> int:
        """``k`` (see :class:`~gflcheck.core.confidence.SeedPlan`); 1 is never enough for a
        probabilistic statement."""
        plan, confidence = self.seed_plan, self.confidence
        if plan.count:
            return plan.count
        if self.kind is StatementKind.FOR_EVERY:
            return plan.minimum
        delta = self.failure_probability(setting)
        lower, upper = self.declared_miscoverage(setting)
        count = max(
            plan.minimum, seeds_to_confirm(delta, confidence.alpha, upper, plan.unconfirmed)
        )
        if plan.pooled_over > 1:
            pooled = seeds_for_pooled_confirmation(delta, confidence.alpha, plan.pooled_over, upper)
            count = max(count, pooled)
        if confidence.power is None or self.observation is not None:  # an observation: not judged
            return count
        needed = seeds_for_power(delta, confidence.violation_alpha, lower, confidence.power)
        if needed is None:
            raise ParameterRangeError(
                "power",
                confidence.power,
                f"reachable at δ = {delta:g}, α_v = {confidence.violation_alpha:g}, β₋ = "
                f"{lower:g} (with at most 10 000 seeds: 2δ + β₋ must be well above δ + β₋); lower "
                "the power or the per-seed miscoverage, or set power=None",
                self.name,
            )
        return max(count, needed)

    def cache_key(self) -> tuple[Any, ...]:
        """For :mod:`gflcheck.runtime.cache`: the name and what ``measure`` runs (its arguments and the
        source of every project module it reaches: :func:`gflcheck.runtime.cache.callable_fingerprint`).
        The bound is not part of it: a variant that changes only the bound reuses the
        measurements."""
        return (self.name, callable_fingerprint(self.measure))

    def evaluate_bound(
        self, setting: S, measured: Measurement | None = None
    ) -> tuple[BoundValues, dict[str, float]]:
        """The bound on ``setting`` and the per-setting symbol values it used
        (:func:`gflcheck.core.judging.evaluate_bound`)."""
        return evaluate_bound(self, setting, measured)

    def measured(self, setting: S, seeds: tuple[int, ...]) -> Measurement:
        """The measurement on ``setting`` and ``seeds``, through the run cache, as :meth:`run`
        takes it: a check of another quantity derived from the same training runs (the 0-1
        error beside the hinge loss, say) calls this and trains nothing again."""
        return _measure(self, setting, seeds)

    def trivial(self, setting: S) -> float | None:
        """The declared trivial value of the measured quantity on ``setting`` (``None``: none)."""
        if callable(self.trivial_value):
            return float(self.trivial_value(setting))
        return None if self.trivial_value is None else float(self.trivial_value)

    def run(
        self, setting: S, seed: int | None = None, device: str | torch.device | None = None
    ) -> Verdict:
        """Check the statement on ``setting`` over ``k`` seeds derived from ``seed`` (default: the
        setting's ``seed`` field, else 0), training on ``device`` (default: the current one,
        :func:`gflcheck.runtime.devices.compute_device`; the draws are the same on every device).

        Raises :class:`~gflcheck.runtime.errors.PreconditionError` when a precondition fails, the
        setting's own :class:`~gflcheck.runtime.errors.SettingRejectedError` when it is over budget, and
        :class:`~gflcheck.runtime.errors.ParameterRangeError` for a device this machine does not have.
        """
        return self.run_with_evidence(setting, seed, device)[0]

    def run_with_evidence(
        self, setting: S, seed: int | None = None, device: str | torch.device | None = None
    ) -> tuple[Verdict, Any]:
        """:meth:`run`, with the measurement's ``evidence`` (for reports and figures)."""
        with using_device(device):
            return self._run_with_evidence(setting, seed)

    def _run_with_evidence(self, setting: S, seed: int | None) -> tuple[Verdict, Any]:
        if seed is None:
            seed = int(getattr(setting, "seed", 0))
        for precondition in self.preconditions:
            if not precondition.holds(setting):
                raise PreconditionError(precondition.description, repr(setting))
        require_finite_bound_values(self, setting)  # refused or rejected before any training
        seeds = self.seed_plan.seeds(seed, self.seed_count(setting), self.name)
        measured = _measure(self, setting, seeds)
        for recorder in _RECORDERS:
            recorder.append(RecordedRun(self, setting, seeds, measured))
        return self.judge(setting, measured, seeds), _evidence(measured)

    def judge(self, setting: S, measured: Any, seeds: tuple[int, ...]) -> Verdict:
        """The verdict on ``setting`` from a measurement already made on ``seeds`` (what
        :meth:`run` does after measuring): a check that differs only in its bound, such as a
        mutant (:mod:`gflcheck.surface.sensitivity`), is judged on the same runs without training. With
        an ``estimate``, ``measured`` is the raw data and the estimate is formed here, against
        this check's own bound; each of the ``rivals`` is judged on the same data."""
        judged = self.judged_on(setting, measured)
        verdict = self.verdict_on(setting, judged, seeds)
        if not self.rivals:
            return verdict
        identification = tuple(
            self._identify(setting, measured, seeds, judged, verdict.outcome, rival)
            for rival in self.rivals
        )
        return dataclasses.replace(verdict, identification=identification)

    def rival_check(self, rival: Rival) -> TheoryCheck[S]:
        """The check of ``rival``: this check with the rival's bound, direction and tolerance,
        judged as a statement of its own (neither a false variant nor an observation)."""
        return dataclasses.replace(
            self,
            bound=rival.bound,
            at_least=rival.at_least,
            tolerance=self.tolerance if rival.tolerance is None else rival.tolerance,
            wording=dataclasses.replace(self.wording, statement=rival.name or rival.bound.name),
            rivals=(),
            expectation=Expectation(),
        )

    def _identify(
        self,
        setting: S,
        raw: Any,
        seeds: tuple[int, ...],
        judged: Judged,
        own: Outcome,
        rival: Rival,
    ) -> Identification:
        """The rival's verdict on the same data; where it is the claim's (``own``), the grid
        that would tell them apart (for an estimate with a grid-level fit)."""
        check = self.rival_check(rival)
        rival_judged = check.judged_on(setting, raw)
        outcome = check.verdict_on(setting, rival_judged, seeds).outcome
        identified = outcome is not own or own is Outcome.VIOLATED
        grid = None
        if not identified and judged.estimate is not None and rival_judged.estimate is not None:
            grid = judged.estimate.identifying_grid(rival_judged.estimate)
        return Identification(
            rival=check.wording.statement or rival.bound.name,
            outcome=outcome,
            identified=identified,
            grid=grid,
        )

    def judged_on(self, setting: S, measured: Any) -> Judged:
        """What the verdict compares: the measurement (with an ``estimate``: the estimate formed
        from the raw data) and the bound's values, checked against the declared miscoverage."""
        estimate, raw = None, measured
        if self.estimate is not None:
            estimate = self.estimate(self, setting, measured)
            measured = estimate.measured
            threshold = float(estimate.threshold)
            bounds: BoundValues = BoundValues(threshold, threshold, threshold)
            values: dict[str, float] = {}
        elif not isinstance(measured, Measurement):
            raise ParameterRangeError(
                "measure",
                type(measured).__name__,
                "a function returning a Measurement (raw data needs an estimate=)",
                self.name,
            )
        else:
            bounds, values = self.evaluate_bound(setting, measured)
        declared = self.declared_miscoverage(setting)
        if (
            measured.lower_miscoverage > declared[0] + 1e-15
            or measured.upper_miscoverage > declared[1] + 1e-15
        ):
            raise ParameterRangeError(
                "miscoverage",
                measured.miscoverage,
                f"at most the check's declared miscoverage {declared}",
                self.name,
            )
        return Judged(measured, bounds, values, estimate, raw)

    def verdict_on(self, setting: S, judged: Judged, seeds: tuple[int, ...]) -> Verdict:
        """The verdict from what :meth:`judged_on` formed, without the rivals
        (:func:`gflcheck.core.judging.verdict_on`)."""
        return verdict_on(self, setting, judged, seeds)

    def catalogue_entry(
        self,
        setting: S,
        description: str = "",
        name: str | None = None,
        sweep: bool = False,
        *,
        long_running: bool = False,
        also_accepts: tuple[Outcome, ...] = (),
        because: str = "",
        replaces: str = "",
    ) -> CatalogueEntry:
        """This check on a fixed ``setting`` (a dataclass with a ``seed`` field) as a catalogue
        entry named ``name`` (default: the check's); the other arguments are
        :class:`CatalogueEntry`'s (power repeats a ``sweep`` only when asked)."""
        return CatalogueEntry(
            name or self.name,
            description,
            setting,
            partial(_run_entry, self),
            sweep=sweep,
            long_running=long_running,
            also_accepts=also_accepts,
            because=because,
            observation=self.observation is not None,
            replaces=replaces,
        )

    def property_example(self, examples: int) -> TheoryCheck[S]:
        """The check each of a property's ``examples`` examples runs: its seeds planned for the
        pooled confirmation (:class:`SeedPlan` ``pooled_over``; a variant runs the same seeds,
        so it reuses the measurement), and over a true statement at
        ``α_v = min(declared α_v, share/examples − bound_miscoverage)`` (:class:`PropertyRule`)."""
        plan = dataclasses.replace(self.seed_plan, pooled_over=examples)
        if self.is_false_variant or self.discrepancy is not None:
            return dataclasses.replace(self, seed_plan=plan)
        where = f"TheoryCheck {self.name!r}.property()"
        confidence = self.property_rule.example_confidence(self.confidence, examples, where)
        return dataclasses.replace(self, confidence=confidence, seed_plan=plan)

    def property(
        self, applies: Callable[[Verdict, Any], str | None] | None = None
    ) -> Callable[..., None]:
        """A pytest property: no generated setting may refute the statement (each of its
        ``max_examples`` examples at its part of ``property_rule.share``), and the examples must
        earn the pass (:meth:`property_example`; a false variant: every setting refutes it, or
        with a ``detection_rate``, the examples refute it at a rate not significantly below it).
        Assign it to a ``test_…`` name in a test module. An observation has no property: no
        outcome is expected of it (run it in the main job, or with :meth:`run`).

        ``applies(verdict, evidence)`` may return why the statement says nothing testable on a
        setting (a false variant that is not false there, known only once measured): that example
        is discarded and counted, never judged, and the session reports the count.

        The test carries gflcheck's Hypothesis profile itself (the session's
        ``--gflcheck-profile``), so it runs the same whether or not its module imports gflcheck."""
        if self.observation is not None:
            raise ParameterRangeError(
                "observation",
                self.observation,
                "None for a property: a property asserts an expected outcome, and an observation "
                "has none; report it through a catalogue entry or TheoryCheck.run",
                f"TheoryCheck {self.name!r}.property()",
            )

        with profile_loaded():  # refused before any work if the profile's examples overspend
            self.property_example(hypothesis_settings.default.max_examples)

        def test(setting: Any, gflcheck_session: Any) -> None:
            __tracebackhide__ = True  # the verdict's report is the message; gflcheck's frame is not
            # the examples this test runs (the profile's, or its own @settings) share its α
            check = self.property_example(max_examples(test))
            verdict = gflcheck_session.check(lambda: check.run_with_evidence(setting), applies)
            if check.discrepancy is not None:  # expected to fail here, and judged
                assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
            elif not check.is_false_variant:
                assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)
            elif (
                check.property_rule.detection_rate is None
            ):  # else the session tests the rate over examples
                assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)

        # Hypothesis digests the test's source, the same for every property made here: the
        # check's name tells them apart, and a variant (same name) draws the check's settings.
        test._hypothesis_internal_add_digest = self.name.encode()  # type: ignore[attr-defined]
        with profile_loaded():  # @given takes the current settings when it decorates
            test = given(setting=self.settings)(test)
        test = pytest.mark.gflcheck_property(
            holds_share=0.0 if self.is_false_variant else self.property_rule.holds_share,
            reason=self.property_rule.reason,
            detection_rate=self.property_rule.detection_rate,
            alpha=self.confidence.alpha,
        )(test)
        test.__name__ = f"test_{self.name}"
        return test


def max_examples(test: Any) -> int:
    """The ``max_examples`` of a ``@given`` test (its ``@settings``, else the profile when it
    was decorated): a hand-written property runs ``check.property_example(max_examples(t))``."""
    own = getattr(test, "_hypothesis_internal_use_settings", None)
    return int((own or hypothesis_settings.default).max_examples)


def _run_entry(check: TheoryCheck[Any], setting: Any, limits: Any) -> tuple[Verdict, Any]:
    return check.run_with_evidence(setting)


def _evidence(measured: Any) -> Any:
    """The evidence a run keeps for reports: a :class:`Measurement`'s ``evidence``, or the raw
    data of a check that forms its estimate at judging time."""
    return measured.evidence if isinstance(measured, Measurement) else measured


@cached_run
def _measure(check: TheoryCheck[Any], setting: Any, seeds: tuple[int, ...]) -> Any:
    measured = check.measure(setting, seeds)
    if check.estimate is not None:  # raw data: the estimate checks it when it forms itself
        return measured
    if not isinstance(measured, Measurement):
        raise ParameterRangeError(
            "measure", type(measured).__name__, "a function returning a Measurement", check.name
        )
    if measured.values.shape[0] != len(seeds):
        raise ParameterRangeError(
            "measure",
            np.shape(measured.values),
            f"one value (or one row of instances) per seed ({len(seeds)})",
            check.name,
        )
    return measured


__all__ = [
    "BoundValues",
    "CatalogueEntry",
    "Estimate",
    "Judged",
    "Measurement",
    "Precondition",
    "RecordedRun",
    "Rival",
    "StatementKind",
    "TheoryCheck",
    "delta_of_setting",
    "entries_property",
    "no_setting_symbols",
    "recorded_runs",
]
