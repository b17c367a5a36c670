"""Break points of property examples, the thorough profile's targeted search on them, and the
report's tightest setting per property."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
from gflcheck.core.verdict_text import verdict_row
from gflcheck.core.verdicts import LARGEST_TIGHTENING, BreakPoint, Tightening
from gflcheck.surface import pytest_session
from gflcheck.surface.baselines import verdict_record
from gflcheck.surface.break_points import tightness
from gflcheck.surface.rendering import render_markdown
from gflcheck.surface.report_sections import tightest_settings_section


def _point(kind: Tightening, refuted: float | None, scale: float = 1.0) -> BreakPoint:
    return BreakPoint(kind, refuted, None, (None, None), scale)


def test_tightness_grows_as_the_refuting_tightening_shrinks():
    factor, largest = Tightening.FACTOR, math.log(LARGEST_TIGHTENING)
    assert tightness(_point(factor, 1.0)) == 0.0
    assert tightness(_point(factor, 2.0)) > tightness(_point(factor, 8.0))
    # never refuted: below every refutable one, ordered by the estimates' looseness
    never_near = BreakPoint(factor, None, 20.0, (None, None), 1.0)
    never_far = BreakPoint(factor, None, 2000.0, (None, None), 1.0)
    assert tightness(_point(factor, LARGEST_TIGHTENING)) >= tightness(never_near)
    assert tightness(never_near) == -largest - math.log(20.0) > tightness(never_far)
    assert tightness(_point(factor, None)) == -2 * largest
    at_floor = BreakPoint(factor, 2.0, 1.5, (None, None), 1.0, floor=2.0)  # the data's refutation
    assert at_floor.at_floor and tightness(at_floor) == -largest - math.log(1.5)
    shift = Tightening.SHIFT
    assert tightness(_point(shift, 0.5, scale=2.0)) == -0.25
    assert tightness(_point(shift, None)) < tightness(_point(shift, 100.0))


def test_property_examples_carry_break_points_and_target_them_in_the_thorough_profile(
    monkeypatch,
):
    """Every profile records the break point of a confirmed example; only the thorough one hands
    its tightness to hypothesis.target (the default profile's examples stay fixed for CI)."""
    calls: list[tuple[float, str]] = []
    monkeypatch.setattr(pytest_session, "target", lambda value, label: calls.append((value, label)))
    for profile, targets in (("default", 0), ("thorough", 1)):
        calls.clear()
        session, verdict = _one_example(pytest_session.GflcheckSession(profile))
        assert verdict.break_point is not None
        assert session.records[-1]["break_point"]["refuted"] == verdict.break_point.refuted
        assert len(calls) == targets
    assert calls == [(tightness(verdict.break_point), pytest_session.TIGHTNESS_LABEL)]


def _one_example(session):
    """One Hypothesis example of a property over the XOR check, through ``session``."""
    verdicts = []

    @settings(max_examples=1, database=None, derandomize=True, deadline=None)
    @given(st.just(XorSetting(6, 0.3, 1)))
    def example(setting):
        verdicts.append(session.check(lambda: check_xor_feature_learning(setting)))

    example()
    return session, verdicts[0]


def test_the_report_shows_each_property_s_tightest_confirmed_example():
    verdict, _ = check_xor_feature_learning(XorSetting(6, 0.3, 1))
    record = verdict_record("properties/test_x.py::test_p", verdict, verdict_row(verdict))
    loose = {
        **record,
        "break_point": {
            "kind": "factor",
            "refuted": 9.0,
            "false": 8.0,
            "scale": 1.0,
            "loose": True,
        },
    }
    tight = {
        **loose,
        "break_point": {**loose["break_point"], "refuted": 1.5},
        "row": [*record["row"][:7], "÷1.5", *record["row"][8:]],
    }
    entry = {**tight, "test": "gfl/fixed-entry"}  # a catalogue entry is no property
    markdown = render_markdown(tightest_settings_section([loose, tight, entry]))
    assert "| properties/test_x.py::test_p |" in markdown and "| ÷1.5 | 8 | 2 |" in markdown
    assert "gfl/fixed-entry" not in markdown
    assert tightest_settings_section([entry]) == []
