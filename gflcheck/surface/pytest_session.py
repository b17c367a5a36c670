"""The pytest plugin's session state and presentation (:mod:`gflcheck.surface.pytest_plugin` imports
this module only once a test module that uses gflcheck is collected): verdict records, the
holds-share rule of properties, the JSON artefact, baselines and the terminal summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, reject, target
from hypothesis.control import currently_in_test_context
from scipy import stats

from gflcheck.core.pooled import PooledConfirmation, pooled_confirmation
from gflcheck.core.verdict_text import format_rows_table, verdict_row
from gflcheck.core.verdicts import DEFAULT_HOLDS_SHARE, Outcome, Verdict
from gflcheck.runtime import cache
from gflcheck.runtime.defaults import CACHE_SIZE_VARIABLE, cache_size_limit
from gflcheck.runtime.errors import SettingRejectedError
from gflcheck.surface import baselines
from gflcheck.surface.break_points import tightness, with_break_point

DEFAULT_DETECTION_ALPHA = 0.05
"""The level of the binomial test of a false variant's declared detection rate."""


TARGETING_PROFILE = "thorough"
"""The profile whose properties steer their search towards tight settings: each HOLDS of a true
statement reports its break point's :func:`~gflcheck.surface.break_points.tightness` to
:func:`hypothesis.target`, and Hypothesis's target phase climbs towards settings where the same
runs come nearest to refuting the bound. The default profile, derandomised for CI, keeps its
examples and reports the break points only."""

TIGHTNESS_LABEL = "tightness: −ln(break point), else −ln 2⁴⁰ − ln(bound ÷ measured)"
"""The label of the score the thorough profile's properties maximise."""


def new_session(config: pytest.Config, profile: str) -> GflcheckSession:
    """The session's state, with the run cache the options ask for."""
    state = GflcheckSession(profile)
    if not config.getoption("gflcheck_no_cache"):
        directory = config.getoption("gflcheck_cache_dir")
        state.cache = cache.RunCache(
            Path(directory) if directory else cache.default_directory(config.rootpath)
        )
    return state


def cache_for(state: GflcheckSession) -> Any:
    """The session's run cache, active around a property (a test using ``gflcheck_session``)."""
    return cache.use_cache(state.cache)


@dataclass
class GflcheckSession:
    """Verdict records, rejections and measurements of one pytest session (or xdist worker)."""

    profile: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rejections: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    baseline_report: list[str] = field(default_factory=list)
    current_test: str = ""
    cache: cache.RunCache | None = None
    cache_counts: Counter[str] = field(default_factory=Counter)
    property_summaries: list[str] = field(default_factory=list)

    def check(
        self,
        run: Callable[[], tuple[Verdict, Any]],
        applies: Callable[[Verdict, Any], str | None] | None = None,
    ) -> Verdict:
        """Run one check; record its verdict, or count a rejected setting and discard the example.

        ``applies(verdict, evidence)`` may return a reason why the statement says nothing
        testable on this setting (a false variant that is not false here): the example is then
        discarded and counted too. Outside a Hypothesis test (a fixed setting) a rejection fails
        the test instead: it checked nothing.
        """
        try:
            # the break point's tightenings, not the interval that --details would describe
            verdict, evidence = with_break_point(run, interval=False)
        except SettingRejectedError as rejected:
            self._discard(rejected.reason)
        reason = applies(verdict, evidence) if applies else None
        if reason:
            self._discard(reason)
        self.record(verdict)
        if currently_in_test_context():
            event(f"verdict: {verdict.outcome.value}")
            if verdict.break_point is not None and self.profile == TARGETING_PROFILE:
                target(tightness(verdict.break_point), label=TIGHTNESS_LABEL)
        return verdict

    def __repr__(self) -> str:  # Hypothesis prints fixtures of a failing example: keep it short
        return f"<gflcheck session: {len(self.records)} verdicts, profile {self.profile}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis' pretty-printer
        printer.text(repr(self))

    def require_holds_share(self, item: pytest.Item, first: int) -> None:
        """A property over true statements passes only if its examples earn it (share: default
        ½, marker ``gflcheck_property``); inconclusive and vacuous examples are counted and shown,
        never passed quietly.

        - "With probability ≥ 1 − δ" statements: at least that share of the examples is not
          vacuous, and the seeds of those examples, pooled, confirm the statement
          (:func:`~gflcheck.core.pooled.pooled_confirmation`; the seed plan makes a statement
          failing at δ/2 pass with probability ≥ 0.9).
        - Other kinds: at least that share of the examples HOLDS."""
        marker = item.get_closest_marker("gflcheck_property")
        share = marker.kwargs.get("holds_share", DEFAULT_HOLDS_SHARE) if marker else None
        reason = marker.kwargs.get("reason") if marker else None
        if share is None:
            share = DEFAULT_HOLDS_SHARE
        true_rows = [
            r
            for r in self.records[first:]
            if not r["false_variant"] and not r.get("observation") and not r.get("discrepancy")
        ]
        if not true_rows:
            return
        counts = Counter(r["outcome"] for r in true_rows)
        summary = (
            f"{len(true_rows)} verdict(s) on true statements: "
            + ", ".join(f"{counts[o.value]} {o.value}" for o in Outcome if counts[o.value])
            + (f"; declared share {share:.0%}: {reason}" if reason else "")
        )
        if all(r.get("seed_decision") for r in true_rows):
            informative = [r for r in true_rows if r["outcome"] != Outcome.VACUOUS.value]
            pooled = _pooled(informative)
            summary += f"; {pooled.describe() if pooled else 'nothing to pool'}"
            earned = len(informative) >= share * len(true_rows) and (
                share == 0 or (pooled is not None and pooled.confirms)
            )
            required = f"≥ {share:.0%} of the examples not vacuous, and their pooled seeds confirm"
        else:
            earned = counts[Outcome.HOLDS.value] >= share * len(true_rows)
            required = f"≥ {share:.0%} of the examples HOLD"
        summary += f"; required {required}"
        self.property_summaries.append(f"{item.name}: {summary}")
        if not earned:
            raise AssertionError(
                f"{item.name}: its examples do not earn a pass ({summary}). An inconclusive or "
                "vacuous verdict confirms nothing; strengthen the measurement (more seeds, larger "
                "test samples), aim the strategy where the bound is informative, or declare a "
                "lower share with a reason."
            )

    def require_detection_rate(self, item: pytest.Item, first: int) -> None:
        """A property over a false variant marked ``gflcheck_property(detection_rate=r)`` passes
        unless its examples refute the statement significantly less often than ``r``: the exact
        one-sided binomial test of "rate ≥ r" on the VIOLATED count rejects at level ``alpha``
        (default 0.05). A subtle variant, false where a weak check would miss it, is then
        stable in CI; without the marker every example must refute it."""
        marker = item.get_closest_marker("gflcheck_property")
        rate = marker.kwargs.get("detection_rate") if marker else None
        if rate is None:
            return
        alpha = marker.kwargs.get("alpha", DEFAULT_DETECTION_ALPHA)
        false_rows = [r for r in self.records[first:] if r["false_variant"]]
        if not false_rows:
            raise AssertionError(
                f"{item.name}: declares a detection rate ≥ {rate:g} but judged no false "
                "variant: every example was discarded, so nothing was measured"
            )
        detected = sum(r["outcome"] == Outcome.VIOLATED.value for r in false_rows)
        p_value = float(stats.binomtest(detected, len(false_rows), rate, "less").pvalue)
        summary = (
            f"{detected} of {len(false_rows)} examples refute the false variant; declared "
            f"detection rate ≥ {rate:g}, one-sided binomial p = {p_value:.3g} (level {alpha:g})"
        )
        self.property_summaries.append(f"{item.name}: {summary}")
        if p_value < alpha:
            raise AssertionError(
                f"{item.name}: detects its false variant significantly less often than "
                f"declared: {summary}. The check is blind to this variant on part of its "
                "strategy: strengthen the measurement, or measure the rate with `gflcheck power` "
                "and declare what is true."
            )

    def record(self, verdict: Verdict) -> None:
        """Add a verdict computed outside :meth:`check` (a fitted rate, say) to the table."""
        self.records.append(
            baselines.verdict_record(self.current_test, verdict, verdict_row(verdict))
        )

    def note(self, text: str) -> None:
        """A line for the terminal summary (a rate fit, a measured contrast)."""
        self.notes.append(f"{self.current_test}: {text}")

    def merge(self, payload: str) -> None:
        """Take in what an xdist worker sent (see :func:`pytest_sessionfinish`)."""
        data = json.loads(payload)
        self.records += data["records"]
        self.rejections.update(data["rejections"])
        self.notes += data["notes"]
        self.property_summaries += data["properties"]
        self.cache_counts.update(data["cache"])

    def own_cache_counts(self) -> dict[str, int]:
        """This process's run-cache hits, misses and runs it could not store."""
        if self.cache is None:
            return {}
        return {
            "hits": self.cache.hits,
            "misses": self.cache.misses,
            "unstored": self.cache.unstored,
        }

    def _discard(self, reason: str) -> None:
        self.rejections[f"{self.current_test} — {reason}"] += 1
        if not currently_in_test_context():  # a fixed setting: nothing was checked
            pytest.fail(f"the setting was rejected, so nothing was checked: {reason}")
        event(f"rejected ({reason})")
        reject()


def _pooled(rows: list[dict[str, Any]]) -> PooledConfirmation | None:
    """The pooled rule over the seed decisions of ``rows`` (``None`` when there are none)."""
    if not rows:
        return None
    decisions = [r["seed_decision"] for r in rows]
    return pooled_confirmation(
        [d["seeds"] for d in decisions],
        [d["satisfied"] for d in decisions],
        [d["delta"] for d in decisions],
        [d["satisfaction_miscoverage"] for d in decisions],
        min(d["confirmation_alpha"] for d in decisions),
    )


def finish_session(session: pytest.Session, state: GflcheckSession) -> None:
    """Workers hand their records to the controller; the controller (or a serial run) fails the
    session when its decisions' declared rates sum over the family-wise α, writes the JSON
    artefact and records or compares the baseline (a regression fails the run)."""
    config = session.config
    if hasattr(config, "workeroutput"):  # an xdist worker
        config.workeroutput["gflcheck"] = json.dumps(
            {
                "records": state.records,
                "rejections": dict(state.rejections),
                "notes": state.notes,
                "properties": state.property_summaries,
                "cache": state.own_cache_counts(),
            }
        )
        return
    if state.cache is not None:
        limit = cache_size_limit()
        removed, freed = state.cache.prune_quietly(limit)
        if removed:
            state.baseline_report.append(
                f"run cache {state.cache.directory}: removed the {removed} least recently used "
                f"entries ({freed / 2**20:.1f} MiB) to stay within {limit / 2**20:.0f} MiB "
                f"(${CACHE_SIZE_VARIABLE})"
            )
    if not state.records:
        return
    if not baselines.family_false_alarm(state.records)["within"]:
        state.baseline_report.append(
            "FAILED: the session's decisions on true statements declare more false-alarm rate "
            "than its family-wise α (the line above): the chance of a false alarm somewhere in "
            "this session is not controlled. Give properties smaller shares "
            "(PropertyRule(share=…)), fewer examples, or run fewer of them in one session"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    artefact = config.getoption("gflcheck_json")
    if artefact:
        baselines.write_json_atomically(Path(artefact), baselines.session_artefact(state.records))
        state.baseline_report.append(f"verdicts written to {artefact}")
    path = config.getoption("gflcheck_baseline")
    if path is None:  # the options were checked at configure
        return
    entries = {r["key"]: r["entry"] for r in state.records}
    try:
        if config.getoption("gflcheck_update_baseline"):
            count = baselines.record(Path(path), entries)
            state.baseline_report.append(
                f"baseline {path}: recorded {count} verdicts for {baselines.environment_id()}"
            )
            return
        comparison = baselines.compare(
            baselines.load(Path(path)), entries, config.getoption("gflcheck_slack_tolerance")
        )
    except baselines.BaselineError as error:
        state.baseline_report.append(f"baseline error: {error}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    state.baseline_report += comparison.lines(path)
    if comparison.failed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def write_summary(terminalreporter: Any, session: GflcheckSession) -> None:
    """The verdict table, the session's family-wise false-alarm ledger (the sum of its decisions'
    declared shares against α), rejections, property shares, notes, cache counts and baseline
    lines."""
    if not (session.records or session.rejections or session.notes):
        return
    terminalreporter.section(f"gflcheck verdicts (profile: {session.profile})")
    if session.records:
        rows = [r["row"] for r in sorted(session.records, key=lambda r: (r["test"], r["key"]))]
        terminalreporter.write_line(format_rows_table(rows))
        terminalreporter.write_line(baselines.family_false_alarm_line(session.records))
    for reason, count in sorted(session.rejections.items()):
        terminalreporter.write_line(f"rejected ×{count}: {reason}")
    for line in sorted(session.property_summaries):
        terminalreporter.write_line(f"property {line}")
    for line in sorted(session.notes):
        terminalreporter.write_line(f"measured: {line}")
    if session.cache is not None:
        counts = session.cache_counts + Counter(session.own_cache_counts())
        terminalreporter.write_line(
            f"run cache {session.cache.directory}: {counts['hits']} hits, "
            f"{counts['misses']} runs computed, {counts['misses'] - counts['unstored']} stored"
            + (
                f" ({counts['unstored']} could not be written: the directory is read-only or full)"
                if counts["unstored"]
                else ""
            )
        )
    for line in session.baseline_report:
        terminalreporter.write_line(line)
