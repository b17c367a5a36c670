"""Baselines (CI regression on bounds) and the plugin's JSON artefact: one-sided comparison,
explicit updates, clear errors for corrupt or foreign files, atomic writes."""

from __future__ import annotations

import dataclasses
import inspect
import json

import numpy as np
import pytest

from gflcheck.core.verdicts import (
    BreakPoint,
    SeedStates,
    Tightening,
    Verdict,
    decide_violation_rate,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.surface import baselines
from gflcheck.theorems.gfl import theorem_3_12_bound

pytest_plugins = ["pytester"]


def make_verdict(
    slack: float = 0.5,
    violations: int = 0,
    false_variant: bool = False,
    observation: str | None = None,
) -> Verdict:
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
        false_alarm_rate=0.002,
        trivial_value=1.0,
        false_variant=false_variant,
        observation=observation,
    )


def entries(*verdicts: Verdict, scope: str = "t") -> dict:
    """Baseline entries of ``verdicts`` as the plugin makes them for test ``scope``."""
    return {
        f"{scope}::{baselines.verdict_key(v)}": baselines.verdict_entry(v, f"pytest::{scope}")
        for v in verdicts
    }


def test_record_then_compare_is_one_sided(tmp_path):
    path = tmp_path / "baseline.json"
    assert baselines.record(path, entries(make_verdict(slack=0.5))) == 1
    data = baselines.load(path)
    better = baselines.compare(data, entries(make_verdict(slack=0.9)))
    assert not better.failed and len(better.improvements) == 1 and better.matched == 1
    # the tolerance is 0.05 of the bound 0.8: a shrink of 0.03 passes, one of 0.05 does not
    assert not baselines.compare(data, entries(make_verdict(slack=0.47))).failed
    (shrunk,) = baselines.compare(data, entries(make_verdict(slack=0.45))).regressions
    assert "minimum slack shrank" in shrunk.reason and "0.05 × |bound|" in shrunk.reason
    (worse,) = baselines.compare(data, entries(make_verdict(violations=14))).regressions
    assert "holds → violated" in worse.reason


def test_a_bound_tightened_by_ten_percent_is_a_regression(tmp_path):
    """The bound 0.8 becomes 0.72 with the same measurement: the slack shrinks by 0.08, more
    than 0.05 × 0.8 = 0.04."""
    path = tmp_path / "baseline.json"
    baselines.record(path, entries(make_verdict(slack=0.5)))
    tightened = make_verdict(slack=0.5 - 0.08)
    object.__setattr__(tightened, "bound_value", 0.72)
    comparison = baselines.compare(baselines.load(path), entries(tightened))
    assert comparison.failed and "minimum slack shrank" in comparison.regressions[0].reason


def test_a_false_variant_regresses_when_no_longer_refuted(tmp_path):
    path = tmp_path / "baseline.json"
    baselines.record(path, entries(make_verdict(violations=14, false_variant=True)))
    comparison = baselines.compare(baselines.load(path), entries(make_verdict(false_variant=True)))
    (lost,) = comparison.regressions
    assert "violated → holds" in lost.reason


def test_weaker_certainties_under_the_same_outcome_are_regressions(tmp_path):
    """More seeds certainly violating a true statement (1 → 2 of 14, both inconclusive), fewer
    refuting a false variant, or a HOLDS whose break point loosens: each is a regression, and
    the old/new/Δ table shows what moved."""
    path = tmp_path / "baseline.json"
    baselines.record(path, entries(make_verdict(violations=1)))
    comparison = baselines.compare(baselines.load(path), entries(make_verdict(violations=2)))
    (rose,) = comparison.regressions
    assert "certain violations rose: 1 → 2 of 14 seeds" in rose.reason
    table = comparison.lines(path)[0]
    assert "min slack old" in table and "1 → 2 of 14" in table

    variant = tmp_path / "variant.json"
    baselines.record(variant, entries(make_verdict(violations=14, false_variant=True)))
    fewer = baselines.compare(
        baselines.load(variant), entries(make_verdict(violations=13, false_variant=True))
    )
    assert "fewer seeds refute it: 14 → 13" in fewer.regressions[0].reason

    def holding(refuted):
        point = BreakPoint(Tightening.FACTOR, refuted, 3.0, (2.5, 3.5))
        return dataclasses.replace(make_verdict(), break_point=point)

    informative = tmp_path / "break.json"
    baselines.record(informative, entries(holding(2.0)))
    data = baselines.load(informative)
    assert not baselines.compare(data, entries(holding(2.08))).failed  # within 5%
    (looser,) = baselines.compare(data, entries(holding(2.5))).regressions
    assert "break point loosened: 2 → 2.5" in looser.reason
    (lost,) = baselines.compare(data, entries(holding(None))).regressions
    assert "break point lost" in lost.reason


def test_a_baseline_without_counts_or_break_points_still_compares(tmp_path):
    path = tmp_path / "baseline.json"
    baselines.record(path, entries(make_verdict(violations=1)))
    data = baselines.load(path)
    for entry in next(iter(data["environments"].values()))["entries"].values():
        del entry["violations"], entry["seeds"], entry["break_point"]
    assert not baselines.compare(data, entries(make_verdict(violations=1))).failed


def test_an_observation_that_changes_is_reported_and_not_a_regression(tmp_path):
    path = tmp_path / "baseline.json"
    baselines.record(path, entries(make_verdict(observation="not claimed by the paper")))
    changed = make_verdict(violations=14, observation="not claimed by the paper")
    comparison = baselines.compare(baselines.load(path), entries(changed))
    assert not comparison.failed and not comparison.regressions
    (change,) = comparison.changed
    assert "observation changed: holds → violated" in change.reason
    assert "1 observation(s) changed" in comparison.lines(path)[-1]


def test_keys_are_the_declared_setting_and_sections_the_environment(tmp_path):
    path = tmp_path / "baseline.json"
    other_env = {**baselines.environment(), "torch": "9.9.9"}
    baselines.record(path, entries(make_verdict()), env=other_env)
    with pytest.raises(baselines.BaselineError, match=r"no entries for environment .*torch-2"):
        baselines.compare(baselines.load(path), entries(make_verdict()))
    baselines.record(path, entries(make_verdict()))  # adds this environment, keeps the other
    assert len(baselines.load(path)["environments"]) == 2
    changed = make_verdict()
    object.__setattr__(changed, "parameters", {"d": 16, "gamma": 0.01})
    assert baselines.verdict_key(changed) != baselines.verdict_key(make_verdict())
    # what the check derives (m, T, k) is not part of the key: a changed hidden constant that
    # changes T is compared with the baseline, not filed as new
    derived = make_verdict()
    object.__setattr__(derived, "parameters", {"d": 8, "gamma": 0.01, "T": 5, "k": 14})
    object.__setattr__(derived, "declared", ("d", "gamma"))
    assert baselines.verdict_key(derived) == baselines.verdict_key(make_verdict())


def test_a_missing_entry_fails_and_records_merge_per_scope(tmp_path):
    path = tmp_path / "baseline.json"
    other = make_verdict()
    object.__setattr__(other, "parameters", {"d": 16, "gamma": 0.01})
    baselines.record(path, {**entries(make_verdict(), other), **entries(other, scope="u")})
    assert len(baselines.load(path)["environments"][baselines.environment_id()]["entries"]) == 3
    # test t ran and produced only one of its two entries: the other is missing
    comparison = baselines.compare(baselines.load(path), entries(make_verdict()))
    assert comparison.failed and len(comparison.missing) == 1 and not comparison.regressions
    assert "1 missing" in comparison.lines(path)[-1]
    # recording t again declares the entry removed; u's entry, out of scope, is kept
    baselines.record(path, entries(make_verdict()))
    kept = baselines.load(path)["environments"][baselines.environment_id()]["entries"]
    assert len(kept) == 2 and any(key.startswith("u::") for key in kept)
    assert not baselines.compare(baselines.load(path), entries(make_verdict())).failed


def test_prune_removes_only_retired_scopes_and_a_cli_record_can_prune(tmp_path, capsys):
    """A check that left the catalogue kept its baseline entry for ever (recording replaces
    only the scopes a run produces); ``record --prune`` removes it, and nothing else."""
    from gflcheck.surface.cli import main

    path = tmp_path / "baseline.json"
    baselines.record(
        path, {**baselines.command_entries({"gone": make_verdict()}), **entries(make_verdict())}
    )
    assert baselines.prune(path, lambda scope: scope == "nothing") == []
    assert baselines.prune(path, lambda scope: scope == "cli::gone") == ["cli::gone"]
    section = baselines.load(path)["environments"][baselines.environment_id()]["entries"]
    assert [v["scope"] for v in section.values()] == ["pytest::t"]
    baselines.record(path, baselines.command_entries({"retired-check": make_verdict()}))
    arguments = ["baseline", "record", "-k", "gfl/three-cluster-d2", "--file", str(path)]
    assert main([*arguments, "--prune"]) == 0
    out = capsys.readouterr().out
    assert "pruned 1 entries of checks no longer in the catalogue" in out
    assert "  pruned cli::retired-check" in out
    section = baselines.load(path)["environments"][baselines.environment_id()]["entries"]
    assert {v["scope"] for v in section.values()} == {"pytest::t"}  # pytest's entries stay
    assert main(["baseline", "compare", "--file", str(path), "--prune"]) == 2


def test_concurrent_records_both_land(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "baseline.json"
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: baselines.record(path, entries(make_verdict(), scope=f"t{i}")), range(8)
            )
        )
    kept = baselines.load(path)["environments"][baselines.environment_id()]["entries"]
    assert len(kept) == 8


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
        baselines.record(path, entries(make_verdict()))
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
from gflcheck.core.verdicts import (
    BreakPoint,
    SeedStates,
    Tightening,
    Verdict,
    decide_violation_rate,
)

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
    assert "REGRESSION test_check::demo/check::Theorem 3.12" in worse.stdout.str()


def test_cli_baseline_record_and_compare(tmp_path, capsys):
    from gflcheck.surface.cli import main

    path = tmp_path / "b.json"
    assert main(["baseline", "record", "-k", "gfl/two-cluster", "--file", str(path)]) == 0
    assert main(["baseline", "compare", "-k", "gfl/two-cluster", "--file", str(path)]) == 0
    # -k is a substring: gfl/two-cluster and gfl/two-cluster/0-1-error
    assert (
        "0 regression(s), 0 missing, 0 improvement(s), 0 new, 2 matched" in capsys.readouterr().out
    )
    path.write_text("{broken")
    assert main(["baseline", "compare", "-k", "gfl/two-cluster", "--file", str(path)]) == 2
    assert main(["baseline", "record", "-k", "gfl/two-cluster", "--file", str(path)]) == 2
    assert path.read_text() == "{broken"  # never overwritten
    assert "corrupt" in capsys.readouterr().err


XDIST_PROPERTY = """
from hypothesis import given, settings
from hypothesis import strategies as st
from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning

@settings(max_examples=4, derandomize=True, deadline=None, database=None)
@given(dimension=st.integers(4, 8), seed=st.integers(0, 1000))
def test_xor(dimension, seed, gflcheck_session):
    gflcheck_session.check(lambda: check_xor_feature_learning(XorSetting(dimension, 0.3, seed)))

@settings(max_examples=3, derandomize=True, deadline=None, database=None)
@given(dimension=st.integers(9, 12))
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


def test_a_missing_or_malformed_baseline_is_refused_before_any_test_runs(pytester):
    pytester.makepyfile(test_support=SUPPORT_IMPORTS + inspect.getsource(make_verdict))
    pytester.makepyfile(test_demo=PLUGIN_TEST.format(slack=0.5))
    missing = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-baseline=nowhere.json")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR and "no such file" in missing.stderr.str()
    (pytester.path / "bad.json").write_text('{"format": "gflcheck-baseline", "version": 2}')
    bad = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-baseline=bad.json")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR and "corrupt" in bad.stderr.str()


def test_a_changed_hidden_constant_fails_the_command_comparison(tmp_path, monkeypatch, capsys):
    """C_T from 4 to 0.05 (T from 198 to 3 steps) on linear data. The key is the
    declared setting, so the changed verdict is compared, not skipped as new."""
    from dataclasses import replace

    from gflcheck.claims.theorem_3_12 import Theorem312Config
    from gflcheck.surface import cli

    path = tmp_path / "b.json"
    arguments = ["-k", "gfl/linear", "--file", str(path), "--cache-dir", str(tmp_path / "c")]
    assert cli.main(["baseline", "record", *arguments]) == 0
    within = Theorem312Config.within
    monkeypatch.setattr(
        Theorem312Config,
        "within",
        classmethod(lambda cls, limits: replace(within(limits), steps_constant=0.05)),
    )
    capsys.readouterr()
    assert cli.main(["baseline", "compare", *arguments]) == 1
    out = capsys.readouterr().out
    assert "REGRESSION cli::gfl/linear: " in out and "0 new" in out


def test_verdicts_reach_junit_xml_as_properties(pytester):
    import xml.etree.ElementTree as ElementTree

    pytester.makepyfile(test_support=SUPPORT_IMPORTS + inspect.getsource(make_verdict))
    pytester.makepyfile(test_demo=PLUGIN_TEST.format(slack=0.5))
    result = pytester.runpytest("-p", "no:cacheprovider", "--junitxml=junit.xml")
    result.assert_outcomes(passed=1)
    tree = ElementTree.parse(pytester.path / "junit.xml")
    (prop,) = [p for p in tree.iter("property") if p.get("name") == "gflcheck_verdict"]
    verdict = json.loads(prop.get("value"))
    assert verdict["outcome"] == "holds" and verdict["min_slack"] == 0.5
    assert verdict["key"].startswith("test_check::demo/check::Theorem 3.12::")


def test_the_family_wise_statement_sums_the_true_statements_declared_rates():
    """The artefact states the family-wise false-alarm bound of a run; false variants
    and observations make no decision on a true statement."""
    over = dataclasses.replace(make_verdict(), false_alarm_rate=0.065)
    records = [
        baselines.verdict_record("t", over, ()),
        baselines.verdict_record("t", over, ()),
        baselines.verdict_record("t", make_verdict(violations=14, false_variant=True), ()),
        baselines.verdict_record("t", make_verdict(observation="reported"), ()),
    ]
    family = baselines.family_false_alarm(records)
    assert family["decisions"] == 2
    assert family["rate_sum"] == pytest.approx(0.13) and family["union_bound"] == pytest.approx(
        0.13
    )
    assert family["family_alpha"] == 0.05 and not family["within"]
    line = baselines.family_false_alarm_line(records)
    assert "summing to 0.13" in line and "OVER the family-wise α = 0.05" in line
    assert baselines.session_artefact(records)["family_wise"] == family


@pytest.mark.parametrize("tolerance", ["nan", "inf", "-1", "abc"])
def test_a_slack_tolerance_that_would_hide_or_invent_regressions_is_refused(tolerance, capsys):
    from gflcheck.surface.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["baseline", "compare", "--slack-tolerance", tolerance, "--file", "unused.json"])
    assert exit_.value.code == 2
    assert "is not a finite number ≥ 0" in capsys.readouterr().err
    with pytest.raises(ParameterRangeError, match="slack_tolerance"):
        baselines.compare({"environments": {}}, {}, float(tolerance) if tolerance != "abc" else -1)


def test_a_check_removed_from_the_catalogue_is_missing_and_fails_the_comparison(tmp_path, capsys):
    """A baseline entry whose check is no longer in the catalogue is not silently dropped: the
    comparison counts it missing and fails, and says how to accept the removal."""
    from gflcheck.surface.cli import main

    path = tmp_path / "b.json"
    assert main(["baseline", "record", "-k", "gfl/two-cluster", "--file", str(path)]) == 0
    data = json.loads(path.read_text())
    (section,) = data["environments"].values()
    key, entry = next(iter(section["entries"].items()))
    removed = key.replace("cli::gfl/two-cluster", "cli::gfl/a-removed-check", 1)
    section["entries"][removed] = {**entry, "scope": "cli::gfl/a-removed-check"}
    path.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["baseline", "compare", "-k", "gfl/two-cluster", "--file", str(path)]) == 1
    printed = capsys.readouterr().out
    assert "1 missing" in printed and removed in printed
    assert "baseline record --prune" in printed
