"""Baselines (CI regression on bounds) and the plugin's JSON artefact: one-sided comparison,
explicit updates, clear errors for corrupt or foreign files, atomic writes."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest

from gflcheck import baselines
from gflcheck.theorems.gfl import theorem_3_12_bound
from gflcheck.verdicts import SeedStates, Verdict, decide_violation_rate

pytest_plugins = ["pytester"]


def make_verdict(slack: float = 0.5, violations: int = 0, false_variant: bool = False) -> Verdict:
    flags = np.zeros(14, dtype=bool)
    flags[:violations] = True
    decision = decide_violation_rate(SeedStates(flags, ~flags, flags & False), 0.2, 0.05, 0.01)
    return Verdict(
        check="demo/check",
        statement="Theorem 3.12",
        outcome=decision.outcome,
        bound=theorem_3_12_bound(),
        bound_value=0.8,
        decision=decision,
        slack=np.full(14, slack),
        seeds=tuple(range(14)),
        quantifiers=(),
        parameters={"d": 8, "gamma": 0.01},
        false_alarm_rate=0.065,
        trivial_value=1.0,
        false_variant=false_variant,
    )


def test_record_then_compare_is_one_sided(tmp_path):
    path = tmp_path / "baseline.json"
    assert baselines.record(path, baselines.entries_of([make_verdict(slack=0.5)])) == 1
    data = baselines.load(path)
    assert (
        baselines.compare(data, baselines.entries_of([make_verdict(slack=0.9)])) == []
    )  # improvement: fine
    assert (
        baselines.compare(data, baselines.entries_of([make_verdict(slack=0.47)])) == []
    )  # within tolerance 0.05
    (shrunk,) = baselines.compare(data, baselines.entries_of([make_verdict(slack=0.3)]))
    assert "minimum slack shrank" in shrunk.reason
    (worse,) = baselines.compare(data, baselines.entries_of([make_verdict(violations=14)]))
    assert "holds → violated" in worse.reason


def test_a_false_variant_regresses_when_no_longer_refuted(tmp_path):
    path = tmp_path / "baseline.json"
    baselines.record(path, baselines.entries_of([make_verdict(violations=14, false_variant=True)]))
    (lost,) = baselines.compare(
        baselines.load(path), baselines.entries_of([make_verdict(false_variant=True)])
    )
    assert "violated → holds" in lost.reason


def test_keys_depend_on_the_setting_and_sections_on_the_environment(tmp_path):
    path = tmp_path / "baseline.json"
    other_env = {**baselines.environment(), "torch": "9.9.9"}
    baselines.record(path, baselines.entries_of([make_verdict()]), env=other_env)
    with pytest.raises(baselines.BaselineError, match=r"no entries for environment .*torch-2"):
        baselines.compare(baselines.load(path), baselines.entries_of([make_verdict()]))
    baselines.record(
        path, baselines.entries_of([make_verdict()])
    )  # adds this environment, keeps the other
    assert len(baselines.load(path)["environments"]) == 2
    changed = make_verdict()
    object.__setattr__(changed, "parameters", {"d": 16, "gamma": 0.01})
    assert baselines.verdict_key(changed) != baselines.verdict_key(make_verdict())


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "corrupt"),
        ('{"format": "something-else"}', "not a gflcheck baseline"),
        ('{"format": "gflcheck-baseline", "version": 99, "environments": {}}', "version 99"),
    ],
)
def test_corrupt_or_foreign_files_are_refused_and_never_overwritten(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(baselines.BaselineError, match=message):
        baselines.load(path)
    with pytest.raises(baselines.BaselineError, match=message):
        baselines.record(path, baselines.entries_of([make_verdict()]))
    assert path.read_text() == content


def test_unreadable_file_names_the_path(tmp_path):
    with pytest.raises(baselines.BaselineError, match=r"cannot read baseline .*missing\.json"):
        baselines.load(tmp_path / "missing.json")


def test_atomic_write_leaves_no_partial_file(tmp_path):
    path = tmp_path / "out.json"
    path.write_text('{"old": true}')
    with pytest.raises(ValueError):
        baselines.write_json_atomically(path, {"bad": float("nan")})  # allow_nan=False
    assert json.loads(path.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


SUPPORT_IMPORTS = """
import numpy as np
from gflcheck.theorems.gfl import theorem_3_12_bound
from gflcheck.verdicts import SeedStates, Verdict, decide_violation_rate

"""

PLUGIN_TEST = """
from test_support import make_verdict

def test_check(gflcheck_session):
    gflcheck_session.record(make_verdict(slack={slack}))
    assert gflcheck_session.records[-1]["entry"]["min_slack"] == {slack}
"""


def test_plugin_records_compares_and_fails_on_regression(pytester):
    pytester.makepyfile(test_support=SUPPORT_IMPORTS + inspect.getsource(make_verdict))
    pytester.makepyfile(test_demo=PLUGIN_TEST.format(slack=0.5))
    base = pytester.path / "base.json"
    recorded = pytester.runpytest(
        "-p", "no:cacheprovider", f"--gflcheck-baseline={base}", "--gflcheck-update-baseline"
    )
    recorded.assert_outcomes(passed=1)
    assert "recorded 1 verdicts" in recorded.stdout.str()
    artefact = json.loads((pytester.path / "gflcheck-results" / "session.json").read_text())
    (entry,) = artefact["verdicts"]
    assert entry["bound_latex"] == theorem_3_12_bound().latex()
    assert entry["tag"] == "seed" and entry["parameters"] == {"d": 8, "gamma": 0.01}
    assert entry["outcome"] == "holds" and entry["p_value"] == 1.0 and len(entry["seeds"]) == 14
    assert artefact["environment"]["torch"]
    same = pytester.runpytest("-p", "no:cacheprovider", f"--gflcheck-baseline={base}")
    assert same.ret == 0 and "0 regression(s)" in same.stdout.str()
    pytester.makepyfile(test_demo=PLUGIN_TEST.format(slack=0.1))
    worse = pytester.runpytest("-p", "no:cacheprovider", f"--gflcheck-baseline={base}")
    assert worse.ret == pytest.ExitCode.TESTS_FAILED
    assert "REGRESSION demo/check::Theorem 3.12" in worse.stdout.str()


def test_cli_baseline_record_and_compare(tmp_path, capsys):
    from gflcheck.cli import main

    path = tmp_path / "b.json"
    assert main(["baseline", "record", "-k", "gfl/two-cluster", "--file", str(path)]) == 0
    assert main(["baseline", "compare", "-k", "gfl/two-cluster", "--file", str(path)]) == 0
    # -k is a substring: gfl/two-cluster and gfl/two-cluster/0-1-error
    assert "0 regression(s) among 2 verdicts" in capsys.readouterr().out
    path.write_text("{broken")
    assert main(["baseline", "compare", "-k", "gfl/two-cluster", "--file", str(path)]) == 2
    assert main(["baseline", "record", "-k", "gfl/two-cluster", "--file", str(path)]) == 2
    assert path.read_text() == "{broken"  # never overwritten
    assert "corrupt" in capsys.readouterr().err


XDIST_PROPERTY = """
from hypothesis import given, settings
from hypothesis import strategies as st
from gflcheck.checks.xor_feature_learning import XorSetting, check_xor_feature_learning

@settings(max_examples=4, derandomize=True, deadline=None, database=None)
@given(dimension=st.integers(4, 12), seed=st.integers(0, 1000))
def test_xor(dimension, seed, gflcheck_session):
    gflcheck_session.check(lambda: check_xor_feature_learning(XorSetting(dimension, 0.3, seed)))

@settings(max_examples=3, derandomize=True, deadline=None, database=None)
@given(dimension=st.integers(13, 20))
def test_xor_wider(dimension, gflcheck_session):
    gflcheck_session.check(lambda: check_xor_feature_learning(XorSetting(dimension, 0.3, 1)))
"""


def test_xdist_gives_the_same_verdicts_as_a_serial_run(pytester):
    """Workers send their verdict records to the controller; the artefacts must agree."""
    pytester.makepyfile(test_property=XDIST_PROPERTY)
    artefacts = {}
    for label, extra in (("serial", []), ("xdist", ["-n", "2"])):
        out = pytester.path / f"{label}.json"
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--gflcheck-no-cache", f"--gflcheck-json={out}", *extra
        )
        result.assert_outcomes(passed=2)
        assert "gflcheck verdicts" in result.stdout.str()
        artefacts[label] = json.loads(out.read_text())["verdicts"]

    def comparable(records):
        return [{k: r[k] for k in ("key", "outcome", "slack", "seeds", "p_value")} for r in records]

    assert len(artefacts["serial"]) == 7
    assert comparable(artefacts["serial"]) == comparable(artefacts["xdist"])
