"""pytest plugin (registered by the ``pytest11`` entry point): profiles, verdict recording, summary.

- ``--gflcheck-profile=NAME`` (or ``$GFLCHECK_PROFILE``) chooses gflcheck's Hypothesis profile
  (:mod:`gflcheck.profiles`). It applies only to test modules that import gflcheck, while pytest
  imports them; any other Hypothesis test runs exactly as it would without gflcheck. A name that
  is not a profile is a usage error.
- The ``gflcheck_session`` fixture runs a check inside a property: it records the verdict, or, when
  the setting is rejected (over budget, outside the theorem's hypotheses), counts the rejection and
  tells Hypothesis to discard the example. A property whose every example is rejected fails
  (Hypothesis raises ``Unsatisfiable``): a check that checked nothing is not a pass.
- The terminal summary shows the verdict table and the rejection counts.
- ``--gflcheck-json=PATH`` (default ``gflcheck-results/session.json``) receives the session's
  verdicts: bound LaTeX and provenance, parameters, seeds, outcome, slack, p-value, environment.
- ``--gflcheck-baseline=PATH`` compares the verdicts with a baseline (:mod:`gflcheck.baselines`)
  and fails the session on a regression; with ``--gflcheck-update-baseline`` the run records the
  baseline instead. ``--gflcheck-slack-tolerance`` sets how far a minimum slack may shrink.
- Properties (tests that use ``gflcheck_session``) run with the on-disk run cache
  (:mod:`gflcheck.cache`) in ``--gflcheck-cache-dir`` (default ``$GFLCHECK_CACHE_DIR`` or
  ``<rootdir>/.gflcheck-cache``): a second identical run trains nothing. ``--gflcheck-no-cache``
  turns it off. Unit tests never see the cache.
- Tests of modules that import gflcheck run torch with ``--gflcheck-threads`` threads (default 1;
  other tests keep the process's setting). Reductions then add in
  the same order in a serial run and in ``pytest -n N`` (pytest-xdist), so both give identical
  numbers; workers hand their verdict records to the controller, which prints one table and
  writes one artefact.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import event, reject
from hypothesis.control import currently_in_test_context

from gflcheck import baselines, cache
from gflcheck.errors import ParameterRangeError, SettingRejectedError
from gflcheck.profiles import PROFILE_ENVIRONMENT_VARIABLE, profile_loaded, profile_name
from gflcheck.report import format_rows_table, verdict_row
from gflcheck.verdicts import DEFAULT_HOLDS_SHARE, Outcome, Verdict


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gflcheck")
    group.addoption(
        "--gflcheck-profile",
        default=None,
        help=f"Hypothesis profile: default (fast) or thorough; also ${PROFILE_ENVIRONMENT_VARIABLE}",
    )
    group.addoption(
        "--gflcheck-threads",
        type=int,
        default=1,
        help="torch threads per process (default 1: numbers do not depend on the thread count, "
        "and -n N xdist workers do not oversubscribe the cores)",
    )
    group.addoption(
        "--gflcheck-json",
        default="gflcheck-results/session.json",
        help="where to write the session's verdicts as JSON ('' for nowhere)",
    )
    group.addoption("--gflcheck-baseline", default=None, help="baseline file to compare with")
    group.addoption(
        "--gflcheck-update-baseline",
        action="store_true",
        help="record this run's verdicts into --gflcheck-baseline instead of comparing",
    )
    group.addoption(
        "--gflcheck-cache-dir",
        default=None,
        help=f"run cache directory (default ${cache.DIRECTORY_ENVIRONMENT_VARIABLE} or "
        f"<rootdir>/{cache.DEFAULT_DIRECTORY})",
    )
    group.addoption(
        "--gflcheck-no-cache",
        action="store_true",
        help="train everything afresh (no run cache reads or writes)",
    )
    group.addoption(
        "--gflcheck-slack-tolerance",
        type=float,
        default=baselines.DEFAULT_SLACK_TOLERANCE,
        help="how much a minimum slack may shrink before it counts as a regression",
    )


def pytest_configure(config: pytest.Config) -> None:
    threads = config.getoption("gflcheck_threads")
    if threads < 1:
        raise pytest.UsageError(f"--gflcheck-threads={threads}: allowed an integer ≥ 1")
    try:
        profile = profile_name(config.getoption("gflcheck_profile"))
    except ParameterRangeError as error:
        raise pytest.UsageError(
            f"--gflcheck-profile (or ${PROFILE_ENVIRONMENT_VARIABLE}): {error}"
        ) from None
    config.addinivalue_line("markers", "gflcheck: a theory check (trains networks)")
    config.addinivalue_line(
        "markers",
        "gflcheck_property(holds_share=0.5, reason=None): the share of a property's examples over "
        "true statements that must HOLD, and why it is below one half",
    )
    config.addinivalue_line(
        "markers", "expensive: a check that trains many networks (deselect with -m 'not expensive')"
    )
    state = GflcheckSession(profile)
    if not config.getoption("gflcheck_no_cache"):
        directory = config.getoption("gflcheck_cache_dir")
        state.cache = cache.RunCache(
            Path(directory) if directory else cache.default_directory(config.rootpath)
        )
    config.stash[_SESSION_KEY] = state


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """A test module that imports gflcheck is imported under gflcheck's Hypothesis profile
    (``@given`` takes the current settings when it decorates); every other module under the
    settings it would have without gflcheck."""
    if isinstance(collector, pytest.Module) and uses_gflcheck(collector.path):
        state = collector.config.stash.get(_SESSION_KEY, None)
        with profile_loaded(state.profile if state else None):
            return (yield)
    return (yield)


@functools.cache
def uses_gflcheck(path: Path) -> bool:
    """The test module imports gflcheck (``import gflcheck…`` or ``from gflcheck… import``)."""
    try:
        source = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _IMPORTS_GFLCHECK.search(source) is not None


_IMPORTS_GFLCHECK = re.compile(r"^\s*(?:from|import)\s+gflcheck\b", re.MULTILINE)


@contextmanager
def _threads_for(item: pytest.Item) -> Iterator[None]:
    """``--gflcheck-threads`` torch threads while a test of a gflcheck module runs; other tests
    keep the process's setting."""
    path = getattr(item, "path", None)
    if path is None or not uses_gflcheck(path):
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(item.config.getoption("gflcheck_threads"))
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    with _cache_for(item), _threads_for(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    state = item.config.stash.get(_SESSION_KEY, None)
    first = len(state.records) if state else 0
    try:
        with _cache_for(item), _threads_for(item):
            result = yield
    except BaseException:
        if state:  # Hypothesis replays the minimal failing example last: keep only its row
            del state.records[first:-1]
        raise
    if state and "gflcheck_session" in getattr(item, "fixturenames", ()):
        state.require_holds_share(item, first)
    return result


def _cache_for(item: pytest.Item) -> Any:
    """The run cache for a property (a test using ``gflcheck_session``); none for other tests."""
    state = item.config.stash.get(_SESSION_KEY, None)
    uses_session = "gflcheck_session" in getattr(item, "fixturenames", ())
    return cache.use_cache(state.cache if state and uses_session else None)


@dataclass
class GflcheckSession:
    """Verdict records, rejections and measurements of one pytest session (or xdist worker)."""

    profile: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rejections: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    baseline_report: list[str] = field(default_factory=list)
    regressions: list[baselines.Regression] = field(default_factory=list)
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
            verdict, evidence = run()
        except SettingRejectedError as rejected:
            self._discard(rejected.reason)
        reason = applies(verdict, evidence) if applies else None
        if reason:
            self._discard(reason)
        self.record(verdict)
        if currently_in_test_context():
            event(f"verdict: {verdict.outcome.value}")
        return verdict

    def __repr__(self) -> str:  # Hypothesis prints fixtures of a failing example: keep it short
        return f"<gflcheck session: {len(self.records)} verdicts, profile {self.profile}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis' pretty-printer
        printer.text(repr(self))

    def require_holds_share(self, item: pytest.Item, first: int) -> None:
        """A property over true statements passes only if at least its declared share of
        examples (default ½, marker ``gflcheck_property``) HOLDS; inconclusive and vacuous
        examples are counted and shown, never passed quietly."""
        marker = item.get_closest_marker("gflcheck_property")
        share = marker.kwargs.get("holds_share", DEFAULT_HOLDS_SHARE) if marker else None
        reason = marker.kwargs.get("reason") if marker else None
        if share is None:
            share = DEFAULT_HOLDS_SHARE
        true_rows = [r for r in self.records[first:] if not r["false_variant"]]
        if not true_rows:
            return
        counts = Counter(r["outcome"] for r in true_rows)
        holding = counts[Outcome.HOLDS.value]
        summary = (
            f"{len(true_rows)} verdict(s) on true statements: "
            + ", ".join(f"{counts[o.value]} {o.value}" for o in Outcome if counts[o.value])
            + f"; required ≥ {share:.0%} holds"
            + (f" (declared: {reason})" if reason else "")
        )
        self.property_summaries.append(f"{item.name}: {summary}")
        if holding < share * len(true_rows):
            raise AssertionError(
                f"{item.name}: only {holding} of {len(true_rows)} examples HOLD, fewer than the "
                f"required {share:.0%}: {summary}. An inconclusive or vacuous verdict confirms "
                "nothing; strengthen the measurement (more seeds, larger test samples), aim the "
                "strategy where the bound is informative, or declare a lower share with a reason."
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
        """This process's run-cache hits and misses."""
        if self.cache is None:
            return {}
        return {"hits": self.cache.hits, "misses": self.cache.misses}

    def _discard(self, reason: str) -> None:
        self.rejections[f"{self.current_test} — {reason}"] += 1
        if not currently_in_test_context():  # a fixed setting: nothing was checked
            pytest.fail(f"the setting was rejected, so nothing was checked: {reason}")
        event(f"rejected ({reason})")
        reject()


_SESSION_KEY = pytest.StashKey[GflcheckSession]()


@pytest.fixture
def gflcheck_session(request: pytest.FixtureRequest) -> GflcheckSession:
    """The session's verdict recorder (see :class:`GflcheckSession`)."""
    session = request.config.stash[_SESSION_KEY]
    session.current_test = request.node.name
    return session


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge a finished worker's records."""
    payload = getattr(node, "workeroutput", {}).get("gflcheck")
    if payload:
        node.config.stash[_SESSION_KEY].merge(payload)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Workers hand their records to the controller; the controller (or a serial run) writes the
    JSON artefact and records or compares the baseline (a regression fails the run)."""
    config = session.config
    state = config.stash.get(_SESSION_KEY, None)
    if state is None:
        return
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
    if not state.records:
        return
    artefact = config.getoption("gflcheck_json")
    if artefact:
        baselines.write_json_atomically(Path(artefact), baselines.session_artefact(state.records))
        state.baseline_report.append(f"verdicts written to {artefact}")
    path = config.getoption("gflcheck_baseline")
    if path is None:
        if config.getoption("gflcheck_update_baseline"):
            raise pytest.UsageError("--gflcheck-update-baseline needs --gflcheck-baseline=PATH")
        return
    entries = {r["key"]: r["entry"] for r in state.records}
    try:
        if config.getoption("gflcheck_update_baseline"):
            count = baselines.record(Path(path), entries)
            state.baseline_report.append(
                f"baseline {path}: recorded {count} verdicts for {baselines.environment_id()}"
            )
            return
        state.regressions = baselines.compare(
            baselines.load(Path(path)), entries, config.getoption("gflcheck_slack_tolerance")
        )
    except baselines.BaselineError as error:
        state.baseline_report.append(f"baseline error: {error}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    state.baseline_report.append(
        f"baseline {path}: {len(state.regressions)} regression(s) among {len(entries)} verdicts"
    )
    if state.regressions:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = config.stash.get(_SESSION_KEY, None)
    if session is None or hasattr(config, "workeroutput"):
        return
    if not (session.records or session.rejections or session.notes):
        return
    terminalreporter.section(f"gflcheck verdicts (profile: {session.profile})")
    if session.records:
        rows = [r["row"] for r in sorted(session.records, key=lambda r: (r["test"], r["key"]))]
        terminalreporter.write_line(format_rows_table(rows))
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
            f"{counts['misses']} runs computed and stored"
        )
    for line in session.baseline_report:
        terminalreporter.write_line(line)
    for regression in session.regressions:
        terminalreporter.write_line(f"REGRESSION {regression.key}: {regression.reason}")
