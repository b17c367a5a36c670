"""pytest plugin (registered by the ``pytest11`` entry point): profiles, verdict recording, summary.

- ``--gflcheck-profile=NAME`` (or ``$GFLCHECK_PROFILE``) chooses gflcheck's Hypothesis profile
  (:mod:`gflcheck.runtime.profiles`). It applies only to test modules that import gflcheck, while pytest
  imports them; any other Hypothesis test runs exactly as it would without gflcheck. A name that
  is not a profile is a usage error.
- The ``gflcheck_session`` fixture runs a check inside a property: it records the verdict, or, when
  the setting is rejected (over budget, outside the theorem's hypotheses), counts the rejection and
  tells Hypothesis to discard the example. A property whose every example is rejected fails
  (Hypothesis raises ``Unsatisfiable``): a check that checked nothing is not a pass.
- The terminal summary shows the verdict table and the rejection counts.
- ``--gflcheck-json=PATH`` (default ``gflcheck-results/session.json``) receives the session's
  verdicts: bound LaTeX and provenance, parameters, seeds, outcome, slack, p-value, environment.
- ``--gflcheck-baseline=PATH`` compares the verdicts with a baseline (:mod:`gflcheck.surface.baselines`)
  and fails the session on a regression; with ``--gflcheck-update-baseline`` the run records the
  baseline instead. ``--gflcheck-slack-tolerance`` sets how far a minimum slack may shrink.
- Properties (tests that use ``gflcheck_session``) run with the on-disk run cache
  (:mod:`gflcheck.runtime.cache`) in ``--gflcheck-cache-dir`` (default ``$GFLCHECK_CACHE_DIR`` or
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
import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gflcheck.runtime.defaults import (
    CACHE_DIRECTORY_VARIABLE,
    DEFAULT_CACHE_DIRECTORY,
    DEFAULT_SLACK_TOLERANCE,
    DEVICE_VARIABLE,
    PROFILE_VARIABLE,
    cache_size_limit,
    slack_tolerance,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.profiles import profile_loaded, profile_name, use_for_session


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gflcheck")
    group.addoption(
        "--gflcheck-profile",
        default=None,
        help=f"Hypothesis profile: default (fast) or thorough; also ${PROFILE_VARIABLE}",
    )
    group.addoption(
        "--gflcheck-threads",
        type=int,
        default=1,
        help="torch and BLAS threads per process (default 1: numbers do not depend on the thread "
        "count, and -n N xdist workers do not oversubscribe the cores)",
    )
    group.addoption(
        "--gflcheck-device",
        default=None,
        help=f"where the checks train: cpu (default; also ${DEVICE_VARIABLE}), cuda or cuda:N "
        "(random draws stay on the CPU, so a seed gives the same data on every device)",
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
        help=f"run cache directory (default ${CACHE_DIRECTORY_VARIABLE} or "
        f"<rootdir>/{DEFAULT_CACHE_DIRECTORY})",
    )
    group.addoption(
        "--gflcheck-no-cache",
        action="store_true",
        help="train everything afresh (no run cache reads or writes)",
    )
    group.addoption(
        "--gflcheck-run-slow",
        action="store_true",
        help="also run the checks marked gflcheck_slow (each says its cost; without this option "
        "they are reported as skipped, with the option that runs them)",
    )
    group.addoption(
        "--gflcheck-slack-tolerance",
        type=slack_tolerance,
        default=DEFAULT_SLACK_TOLERANCE,
        help="how far a minimum slack may shrink before it counts as a regression, as a fraction "
        "of the bound",
    )


def pytest_configure(config: pytest.Config) -> None:
    threads = config.getoption("gflcheck_threads")
    if threads < 1:
        raise pytest.UsageError(f"--gflcheck-threads={threads}: allowed an integer ≥ 1")
    try:
        profile = profile_name(config.getoption("gflcheck_profile"))
    except ParameterRangeError as error:
        raise pytest.UsageError(f"--gflcheck-profile (or ${PROFILE_VARIABLE}): {error}") from None
    try:
        cache_size_limit()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    if config.getoption("gflcheck_device") is not None:
        from gflcheck.runtime.devices import resolve_device

        try:
            resolve_device(config.getoption("gflcheck_device"))
        except ParameterRangeError as error:
            raise pytest.UsageError(f"--gflcheck-device: {error}") from None
    config.addinivalue_line("markers", "gflcheck: a theory check (trains networks)")
    config.addinivalue_line(
        "markers",
        "gflcheck_property(holds_share=0.5, reason=None, detection_rate=None, alpha=0.05): the "
        "share of a property's examples over true statements that must HOLD, and why it is "
        "below one half; for a false variant, the rate at which its examples must refute it "
        "(an exact binomial test at level alpha) instead of every example",
    )
    config.addinivalue_line(
        "markers", "expensive: a check that trains many networks (deselect with -m 'not expensive')"
    )
    config.addinivalue_line(
        "markers",
        "gflcheck_slow(cost): a check run only on request (--gflcheck-run-slow); cost says how "
        "long it takes",
    )
    config.stash[_PROFILE_KEY] = profile
    use_for_session(profile)
    _check_baseline_option(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    use_for_session(None)


def _check_baseline_option(config: pytest.Config) -> None:
    """A baseline to compare with must exist and be valid, and one to record into must be
    valid if it exists: refused before any test runs, not after."""
    path = config.getoption("gflcheck_baseline")
    if path is None:
        if config.getoption("gflcheck_update_baseline"):
            raise pytest.UsageError("--gflcheck-update-baseline needs --gflcheck-baseline=PATH")
        return
    if not Path(path).exists():
        if config.getoption("gflcheck_update_baseline"):
            return
        raise pytest.UsageError(
            f"--gflcheck-baseline={path}: no such file; record one first with "
            "--gflcheck-update-baseline"
        )
    from gflcheck.surface.baselines import BaselineError, load

    try:
        load(Path(path))
    except BaselineError as error:
        raise pytest.UsageError(f"--gflcheck-baseline={path}: {error}") from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ``--gflcheck-run-slow``, the checks marked ``gflcheck_slow`` are skipped with a
    reason that states their cost and the option that runs them (reported by ``-ra``, never
    silent). Other projects' ``slow`` markers are left alone."""
    if config.getoption("gflcheck_run_slow"):
        return
    for item in items:
        marker = item.get_closest_marker("gflcheck_slow")
        if marker is not None:
            cost = marker.kwargs.get("cost", "long")
            reason = f"slow ({cost}): run on request with --gflcheck-run-slow"
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """A test module that imports gflcheck is imported under gflcheck's Hypothesis profile
    (``@given`` takes the current settings when it decorates); every other module under the
    settings it would have without gflcheck."""
    if isinstance(collector, pytest.Module) and uses_gflcheck(collector.path):
        with profile_loaded(collector.config.stash[_PROFILE_KEY]):
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


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the gflcheck modules are collected, move what is alive (torch, sympy, scipy,
    Hypothesis and the checks' module-level objects: kept for the whole session anyway) out of
    the garbage collector's reach with ``gc.freeze()``. Every full collection afterwards, and
    the five that pytest runs at the end of a session, then scan only what the tests made: 1.2 s
    of a 13 s warm ``pytest properties/``. Sessions without a gflcheck module are left alone."""
    if any(uses_gflcheck(item.path) for item in session.items if hasattr(item, "path")):
        gc.freeze()


@contextmanager
def _threads_for(item: pytest.Item) -> Iterator[None]:
    """``--gflcheck-threads`` torch and BLAS threads, on ``--gflcheck-device``, while a test of a
    gflcheck module runs; other tests keep the process's settings."""
    path = getattr(item, "path", None)
    if not _uses_session(item) and (path is None or not uses_gflcheck(path)):
        yield
        return
    # only here: a run without gflcheck tests never loads torch
    from gflcheck.runtime.devices import using_device, using_threads

    with (
        using_threads(item.config.getoption("gflcheck_threads")),
        using_device(item.config.getoption("gflcheck_device")),
    ):
        yield


def _uses_session(item: pytest.Item) -> bool:
    return "gflcheck_session" in getattr(item, "fixturenames", ())


@contextmanager
def _cache_for(item: pytest.Item) -> Iterator[None]:
    """The run cache around a property (a test using ``gflcheck_session``); other tests run
    without it (and without importing anything of gflcheck's)."""
    if not _uses_session(item):
        yield
        return
    from gflcheck.surface.pytest_session import cache_for

    with cache_for(_state(item.config)):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    with _cache_for(item), _threads_for(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    state = _state(item.config) if _uses_session(item) else None
    first = len(state.records) if state else 0
    try:
        with _cache_for(item), _threads_for(item):
            result = yield
    except BaseException:
        if state:  # Hypothesis replays the minimal failing example last: keep only its row
            del state.records[first:-1]
            _verdicts_as_properties(item, state.records[first:])
        raise
    if state:
        _verdicts_as_properties(item, state.records[first:])
        state.require_holds_share(item, first)
        state.require_detection_rate(item, first)
    return result


def _verdicts_as_properties(item: pytest.Item, records: list[dict[str, Any]]) -> None:
    """Each verdict of the test as a ``gflcheck_verdict`` property of its JUnit XML test case
    (``--junitxml``): key, outcome, bound, minimum slack, p-value, as JSON."""
    for record in records:
        entry = record["entry"]
        summary = {
            "key": record["key"],
            "outcome": record["outcome"],
            "bound": entry["bound"],
            "min_slack": entry["min_slack"],
            "p_value": record["p_value"],
        }
        item.user_properties.append(("gflcheck_verdict", json.dumps(summary, sort_keys=True)))


_SESSION_KEY = pytest.StashKey[Any]()
_PROFILE_KEY = pytest.StashKey[str]()


def _state(config: pytest.Config, create: bool = True) -> Any:
    """The session's :class:`~gflcheck.surface.pytest_session.GflcheckSession`, created (importing
    torch and the library) the first time a gflcheck test needs it; ``None`` before that when
    ``create`` is false."""
    state = config.stash.get(_SESSION_KEY, None)
    if state is None and create:
        from gflcheck.surface.pytest_session import new_session

        state = config.stash[_SESSION_KEY] = new_session(config, config.stash[_PROFILE_KEY])
    return state


@pytest.fixture
def gflcheck_session(request: pytest.FixtureRequest) -> Any:
    """The session's verdict recorder (:class:`gflcheck.surface.pytest_session.GflcheckSession`)."""
    session = _state(request.config)
    session.current_test = request.node.name
    return session


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge a finished worker's records."""
    payload = getattr(node, "workeroutput", {}).get("gflcheck")
    if payload:
        _state(node.config).merge(payload)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = _state(session.config, create=False)
    if state is not None:
        from gflcheck.runtime.devices import using_device
        from gflcheck.surface.pytest_session import finish_session

        # The artefact's and the baseline's environment name the device the checks ran on.
        with using_device(session.config.getoption("gflcheck_device")):
            finish_session(session, state)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = _state(config, create=False)
    if state is not None and not hasattr(config, "workeroutput"):
        from gflcheck.surface.pytest_session import write_summary

        write_summary(terminalreporter, state)
