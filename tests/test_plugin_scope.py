"""The pytest plugin touches only tests that use gflcheck: Hypothesis profiles, torch
threads and the run cache apply to modules that import gflcheck; any other test in the same venv
runs exactly as it would without gflcheck installed."""

from __future__ import annotations

import json

pytest_plugins = ["pytester"]

UNRELATED = """
import json, os
import torch
from hypothesis import given, settings, strategies as st

RUNS = []

@given(st.integers())
def test_unrelated_property(x):
    RUNS.append(x)

def test_report():
    current = settings.default
    observed = {
        "profile": settings.get_current_profile_name(),
        "max_examples": current.max_examples,
        "derandomize": current.derandomize,
        "runs": len(RUNS),
        "threads": torch.get_num_threads(),
    }
    with open(os.environ["OBSERVED"], "w") as stream:
        json.dump(observed, stream)
"""

OURS = """
from hypothesis import given, settings, strategies as st
import gflcheck

RUNS = []

@given(st.integers())
def test_ours(x):
    RUNS.append(x)

def test_ours_ran_under_the_gflcheck_profile():
    assert len(RUNS) == 8 and test_ours.hypothesis.inner_test is not None
"""


def _observed(pytester, monkeypatch, *arguments: str) -> dict:
    path = pytester.path / f"observed{len(arguments)}.json"
    monkeypatch.setenv("OBSERVED", str(path))
    result = pytester.runpytest("-p", "no:cacheprovider", *arguments)
    result.assert_outcomes(passed=2 if "test_unrelated.py" in arguments else 4)
    return json.loads(path.read_text())


def test_an_unrelated_hypothesis_test_runs_as_it_would_without_gflcheck(pytester, monkeypatch):
    pytester.makepyfile(test_unrelated=UNRELATED, test_ours=OURS)
    without = _observed(pytester, monkeypatch, "-p", "no:gflcheck", "test_unrelated.py")
    alongside = _observed(pytester, monkeypatch)  # with a gflcheck module in the same session
    assert alongside == without
    # Hypothesis' own profile: "default", or "ci" where Hypothesis detects a CI machine.
    assert without["profile"] in ("default", "ci") and without["max_examples"] == 100
    assert without["runs"] == 100


def test_a_profile_that_does_not_exist_is_a_usage_error(pytester):
    pytester.makepyfile(test_ours=OURS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-profile=bogus")
    assert result.ret == 4
    assert "--gflcheck-profile" in result.stderr.str() and "bogus" in result.stderr.str()


def test_a_run_without_gflcheck_tests_does_not_load_torch_or_the_library(pytester):
    """The plugin's own imports are pytest and gflcheck's foundations (a startup cost of about
    0.1 s, against 3 s when it imported the library)."""
    pytester.makepyfile(
        test_plain="""
import sys

def test_nothing_heavy_was_imported():
    loaded = [m for m in ("torch", "sympy", "gflcheck.surface.pytest_session", "gflcheck.core.declare")
              if m in sys.modules]
    assert loaded == []
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


SLOW = """
import pytest
import gflcheck

@pytest.mark.gflcheck_slow(cost="an hour")
def test_long_check():
    assert True

@pytest.mark.slow
def test_someone_elses_slow_marker():
    assert True
"""


def test_a_slow_check_is_skipped_with_its_cost_unless_asked_for(pytester):
    pytester.makepyfile(test_slow=SLOW)
    skipped = pytester.runpytest("-p", "no:cacheprovider", "-ra")
    skipped.assert_outcomes(passed=1, skipped=1)
    skipped.stdout.fnmatch_lines(["*slow (an hour): run on request with --gflcheck-run-slow*"])
    asked = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-run-slow")
    asked.assert_outcomes(passed=2)


USER_CHECKS = """
from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from gflcheck import Bound, Confidence, Measurement, Provenance, SeedPlan, Tag, TheoryCheck
from gflcheck import positive_integer, unit_interval


@dataclass(frozen=True)
class Coins:
    n: int
    seed: int


def deviation(setting, seeds):
    rows = [torch.rand(setting.n, generator=torch.Generator().manual_seed(s)) for s in seeds]
    return Measurement((torch.stack(rows).double().mean(1) - 0.5).abs().numpy())


chebyshev = TheoryCheck(
    name="chebyshev",
    bound=Bound(
        "Chebyshev width",
        "sqrt(1/(12*n*delta))",
        [positive_integer("n"), unit_interval("delta")],
        Provenance("Chebyshev 1867", "the inequality", Tag.SECONDARY),
    ),
    settings=st.builds(Coins, st.integers(50, 200), st.integers(0, 2**16)),
    bound_values=lambda s: {"n": s.n, "delta": 0.25},
    measure=deviation,
    confidence=Confidence(delta=0.25),
    seed_plan=SeedPlan(count=60),
)
"""

USER_TESTS = """
from mychecks import chebyshev

test_chebyshev = chebyshev.property()
"""


def test_a_users_property_runs_when_its_test_file_imports_only_the_users_checks(pytester):
    """``.property()`` carries gflcheck's Hypothesis settings itself: a test file that imports
    only the user's own check module (never gflcheck) runs under them, fixtures and all."""
    pytester.makepyfile(mychecks=USER_CHECKS, test_mine=USER_TESTS)
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
