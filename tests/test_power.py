"""False-alarm and detection rates (gflcheck.surface.power) and the 'gflcheck power' command."""

from __future__ import annotations

import json

import pytest

from gflcheck.catalogue import CatalogueEntry
from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
from gflcheck.core.verdicts import Outcome
from gflcheck.runtime.errors import BudgetExceededError, ParameterRangeError
from gflcheck.runtime.profiles import budget
from gflcheck.surface.power import measure_power, power_from_outcomes
from gflcheck.theorems.ttm import log_log_iterations

HOLDS, VIOLATED, INCONCLUSIVE = Outcome.HOLDS, Outcome.VIOLATED, Outcome.INCONCLUSIVE


def test_false_alarms_are_judged_against_the_declared_rate():
    within = power_from_outcomes("c", False, [VIOLATED] + [HOLDS] * 19, 0.05)
    assert within.rate == 0.05 and within.meets_target is None and within.p_value > 0.05
    assert within.lower < 0.05 < within.upper
    assert within.as_row()[-1] == "open: confirming needs ≥ 72 runs, none missed"
    above = power_from_outcomes("c", False, [VIOLATED] * 5 + [HOLDS] * 15, 0.05)
    assert above.meets_target is False and above.p_value < 0.05 and above.as_row()[-1] == "ABOVE"
    confirmed = power_from_outcomes("c", False, [HOLDS] * 80, 0.05)
    assert confirmed.meets_target and confirmed.as_row()[-1] == "confirmed"
    # 20 clean runs cannot confirm a declared 0.00125; one violation refutes it
    assert power_from_outcomes("c", False, [HOLDS] * 20, 0.00125).meets_target is None
    assert power_from_outcomes("c", False, [VIOLATED] + [HOLDS] * 19, 0.00125).meets_target is False


def test_detection_needs_ninety_percent_and_rejections_count_apart():
    open_ = power_from_outcomes("v", True, [VIOLATED] * 18 + [INCONCLUSIVE] * 2 + [None] * 3, 0.05)
    assert (open_.runs, open_.violated, open_.inconclusive, open_.rejected) == (20, 18, 2, 3)
    assert open_.meets_target is None and open_.kind == "detection" and open_.p_value > 0.05
    assert open_.as_row()[-1] == "open: confirming needs ≥ 36 runs, none missed"
    assert power_from_outcomes("v", True, [VIOLATED] * 40, 0.05).meets_target
    missed = power_from_outcomes("v", True, [VIOLATED] * 10 + [HOLDS] * 10, 0.05)
    assert missed.meets_target is False and missed.as_row()[-1] == "BELOW"
    nothing = power_from_outcomes("v", True, [None, None], 0.05)
    assert nothing.runs == 0 and nothing.meets_target is None and nothing.as_row()[3] == "-"


def test_measure_power_repeats_with_fresh_seeds():
    seeds = []

    def check(setting, limits):
        seeds.append(setting.seed)
        return check_xor_feature_learning(setting, log_log_iterations())

    def rejects(setting, limits):
        raise BudgetExceededError("m", 10, 1)

    entries = [
        CatalogueEntry("xor/false", "", XorSetting(32, 0.2, 0), check),
        CatalogueEntry("rejected", "", XorSetting(8, 0.2, 0), rejects),
    ]
    detection, rejected = measure_power(entries, 3, budget("default"))
    assert len(set(seeds)) == 3 and 0 not in seeds
    assert detection.false_variant and detection.violated == 3 and detection.rate == 1.0
    assert rejected.rejected == 3 and rejected.runs == 0
    with pytest.raises(ParameterRangeError, match="runs"):
        measure_power(entries, 0, budget("default"))


def test_power_command_writes_json(tmp_path, capsys):
    from gflcheck.surface.cli import main

    out = tmp_path / "power.json"
    assert main(["power", "-k", "ttm-xor/d=32", "--runs", "2", "--out", str(out)]) == 0
    (record,) = json.loads(out.read_text())["checks"]
    assert record["check"] == "ttm-xor/d=32/sqrt-d-samples" and record["violated"] == 2
    assert "targets missed: none" in capsys.readouterr().out
    assert main(["power", "--runs", "0"]) == 2


def test_power_command_skips_sweeps_unless_asked(tmp_path, capsys):
    """Sweep entries (minutes per repetition) are repeated only with --with-sweeps."""
    from gflcheck.surface import cli

    out = tmp_path / "power.json"
    assert cli.main(["power", "-k", "kernel-separation/ntk", "--runs", "1", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["checks"] == []
    assert "skipping the sweeps gfl/kernel-separation/ntk" in capsys.readouterr().err


def test_an_observation_has_a_rate_and_no_target():
    """An observation expects nothing: its repetitions are counted, never judged as
    false alarms."""
    observed = power_from_outcomes(
        "o", False, [VIOLATED] * 5 + [HOLDS] * 15, 0.05, observation=True
    )
    assert observed.kind == "observed" and observed.meets_target is None
    assert observed.p_value is None and observed.violated == 5 and observed.rate == 0.25
    row = observed.as_row()
    assert row[1] == "observed" and row[5] == "-" and row[-1] == "-"


def test_the_family_wise_rate_counts_repetitions_with_any_false_alarm_of_a_true_statement():
    """Repetition r of every true statement is one run of the family; false variants
    and observations are not in it."""
    from gflcheck.surface.power import family_wise_rate

    first = power_from_outcomes("a", False, [VIOLATED, HOLDS, HOLDS, HOLDS], 0.05)
    second = power_from_outcomes("b", False, [VIOLATED, HOLDS, VIOLATED, None], 0.02)
    variant = power_from_outcomes("v", True, [VIOLATED] * 4, 0.05)
    observed = power_from_outcomes("o", False, [VIOLATED] * 4, 0.05, observation=True)
    assert first.violated_runs == (0,) and second.violated_runs == (0, 2)
    family = family_wise_rate([first, second, variant, observed])
    assert (family.statements, family.runs, family.with_false_alarm) == (2, 4, 2)
    assert family.declared_sum == pytest.approx(0.07)
    assert family.lower < 0.5 < family.upper
    assert "2 of 4 repetitions" in family.describe()
