"""pytest plugin (registered by the ``pytest11`` entry point): profiles, verdict recording, summary.

- ``--gflcheck-profile=NAME`` (or ``$GFLCHECK_PROFILE``) loads a Hypothesis profile from
  :mod:`gflcheck.profiles` before any test runs.
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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, reject

from gflcheck import baselines
from gflcheck.errors import SettingRejectedError
from gflcheck.profiles import PROFILE_ENVIRONMENT_VARIABLE, load_profile
from gflcheck.report import format_verdict_table
from gflcheck.verdicts import Verdict


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gflcheck")
    group.addoption(
        "--gflcheck-profile",
        default=None,
        help=f"Hypothesis profile: default (fast) or thorough; also ${PROFILE_ENVIRONMENT_VARIABLE}",
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
        "--gflcheck-slack-tolerance",
        type=float,
        default=baselines.DEFAULT_SLACK_TOLERANCE,
        help="how much a minimum slack may shrink before it counts as a regression",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "gflcheck: a theory check (trains networks)")
    config.addinivalue_line(
        "markers", "expensive: a check that trains many networks (deselect with -m 'not expensive')"
    )
    config.stash[_SESSION_KEY] = GflcheckSession(load_profile(config.getoption("gflcheck_profile")))


@dataclass
class GflcheckSession:
    """Verdicts and rejections of one pytest session."""

    profile: str
    verdicts: list[tuple[str, Verdict]] = field(default_factory=list)
    rejections: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    baseline_report: list[str] = field(default_factory=list)
    regressions: list[baselines.Regression] = field(default_factory=list)
    current_test: str = ""

    def record(self, verdict: Verdict) -> None:
        """Add a verdict computed outside :meth:`check` (a fitted rate, say) to the table."""
        self.verdicts.append((self.current_test, verdict))

    def note(self, text: str) -> None:
        """A line for the terminal summary (a rate fit, a measured contrast)."""
        self.notes.append(f"{self.current_test}: {text}")

    def check(
        self,
        run: Callable[[], tuple[Verdict, Any]],
        applies: Callable[[Verdict, Any], str | None] | None = None,
    ) -> Verdict:
        """Run one check; record its verdict, or count a rejected setting and discard the example.

        ``applies(verdict, evidence)`` may return a reason why the statement says nothing
        testable on this setting (a false variant that is not false here): the example is then
        discarded and counted too.
        """
        try:
            verdict, evidence = run()
        except SettingRejectedError as rejected:
            self._discard(rejected.reason)
        reason = applies(verdict, evidence) if applies else None
        if reason:
            self._discard(reason)
        self.record(verdict)
        event(f"verdict: {verdict.outcome.value}")
        return verdict

    def _discard(self, reason: str) -> None:
        self.rejections[f"{self.current_test} — {reason}"] += 1
        event(f"rejected ({reason})")
        reject()


_SESSION_KEY = pytest.StashKey[GflcheckSession]()


@pytest.fixture
def gflcheck_session(request: pytest.FixtureRequest) -> GflcheckSession:
    """The session's verdict recorder (see :class:`GflcheckSession`)."""
    session = request.config.stash[_SESSION_KEY]
    session.current_test = request.node.name
    return session


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the JSON artefact; record or compare the baseline (a regression fails the run)."""
    config = session.config
    state = config.stash.get(_SESSION_KEY, None)
    if state is None or not state.verdicts:
        return
    artefact = config.getoption("gflcheck_json")
    if artefact:
        baselines.write_json_atomically(Path(artefact), baselines.session_artefact(state.verdicts))
        state.baseline_report.append(f"verdicts written to {artefact}")
    path = config.getoption("gflcheck_baseline")
    if path is None:
        if config.getoption("gflcheck_update_baseline"):
            raise pytest.UsageError("--gflcheck-update-baseline needs --gflcheck-baseline=PATH")
        return
    verdicts = [v for _, v in state.verdicts]
    try:
        if config.getoption("gflcheck_update_baseline"):
            count = baselines.record(Path(path), verdicts)
            state.baseline_report.append(
                f"baseline {path}: recorded {count} verdicts for {baselines.environment_id()}"
            )
            return
        state.regressions = baselines.compare(
            baselines.load(Path(path)), verdicts, config.getoption("gflcheck_slack_tolerance")
        )
    except baselines.BaselineError as error:
        state.baseline_report.append(f"baseline error: {error}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    state.baseline_report.append(
        f"baseline {path}: {len(state.regressions)} regression(s) among {len(verdicts)} verdicts"
    )
    if state.regressions:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = config.stash.get(_SESSION_KEY, None)
    if session is None or not (session.verdicts or session.rejections or session.notes):
        return
    terminalreporter.section(f"gflcheck verdicts (profile: {session.profile})")
    if session.verdicts:
        terminalreporter.write_line(format_verdict_table(v for _, v in session.verdicts))
    for reason, count in sorted(session.rejections.items()):
        terminalreporter.write_line(f"rejected ×{count}: {reason}")
    for line in session.notes:
        terminalreporter.write_line(f"measured: {line}")
    for line in session.baseline_report:
        terminalreporter.write_line(line)
    for regression in session.regressions:
        terminalreporter.write_line(f"REGRESSION {regression.key}: {regression.reason}")
