"""Set-ups: every claim names the set-up it is checked in; the verdict, its table row,
its details, its record and the report show it."""

from __future__ import annotations

import pytest
from test_declare import Noise, make_check

from gflcheck.claims.kernel_separation import HIGH_SNR, SeparationSetting, setup_of_separation
from gflcheck.claims.lottery_tickets import lottery_ticket_check
from gflcheck.claims.simplicity_bias import simplicity_bias_check
from gflcheck.claims.theorem_3_12 import theorem_3_12_check
from gflcheck.claims.xor_feature_learning import xor_check
from gflcheck.core.provenance import Tag
from gflcheck.core.setups import SetUp, xor_setup
from gflcheck.core.verdict_text import VERDICT_COLUMNS, format_verdict_details, verdict_row
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.surface.baselines import verdict_record
from gflcheck.surface.report_document import Table, setup_section
from gflcheck.theorems.lottery import ticket_matches_full_network
from gflcheck.theorems.separation import Learner
from gflcheck.theorems.simplicity import linear_part_first
from gflcheck.theorems.ttm import feature_learning_claim

PROTOCOL = SetUp(
    name="toy protocol",
    data="uniform noise",
    network="none",
    loss="none",
    steps="none",
    samples="one draw per seed",
    tag=Tag.OURS,
)


def test_a_declared_set_up_reaches_the_row_the_details_and_the_record():
    verdict = make_check(setup=PROTOCOL).run(Noise(0.9))
    assert verdict.setup is PROTOCOL
    row = dict(zip(VERDICT_COLUMNS, verdict_row(verdict), strict=True))
    assert row["set-up"] == "toy protocol"
    details = format_verdict_details(verdict)
    assert "set-up: toy protocol (ours)" in details and "samples: one draw per seed" in details
    record = verdict_record("t", verdict, verdict_row(verdict))
    assert record["setup"] == PROTOCOL.record() and record["setup"]["reading"] == "as stated"
    undeclared = make_check().run(Noise(0.9))
    assert dict(zip(VERDICT_COLUMNS, verdict_row(undeclared), strict=True))["set-up"] == "-"


def test_a_set_up_may_depend_on_the_setting():
    def by_level(setting: Noise) -> SetUp:
        return PROTOCOL if setting.level > 0.5 else xor_setup("fresh")

    assert make_check(setup=by_level).run(Noise(0.9)).setup is PROTOCOL
    assert make_check(setup=by_level).run(Noise(0.2)).setup.name == "TTM quadratic net, fresh"


def test_an_empty_description_is_refused_naming_the_field():
    with pytest.raises(ParameterRangeError, match="samples"):
        SetUp("x", "d", "n", "l", "s", " ", Tag.OURS)
    with pytest.raises(ParameterRangeError, match="reading"):
        xor_setup("sometimes")


def test_the_built_in_checks_declare_their_set_ups():
    assert theorem_3_12_check().setup.samples.startswith("a fresh batch at every step")
    assert "×10" in lottery_ticket_check(ticket_matches_full_network()).setup.name
    assert simplicity_bias_check(linear_part_first()).setup.loss.startswith("square loss")
    assert xor_check(feature_learning_claim()).setup.tag is Tag.SECONDARY
    high = SeparationSetting(snr_exponent=HIGH_SNR)
    assert setup_of_separation(Learner.NTK, high).name == "NTK-linearised, a = 0.5"
    low = setup_of_separation(Learner.TRAINED_NETWORK, SeparationSetting())
    assert low.name == "trained network, a = 0" and low.loss == "hinge"
    assert "low-SNR" in low.data and "not known" in low.reading
    assert "reused" in xor_setup("reused").samples and "observation" in xor_setup("reused").reading


def test_the_report_lists_each_set_up_once_with_its_checks():
    records = [
        {"check": name, "setup": setup.record()}
        for name, setup in (("a", PROTOCOL), ("b", PROTOCOL), ("c", xor_setup("fresh")))
    ]
    blocks = setup_section([*records, {"check": "d", "setup": None}])
    table = next(block for block in blocks if isinstance(block, Table))
    assert [row[0] for row in table.rows] == ["toy protocol", "TTM quadratic net, fresh"]
    assert table.rows[0][-1] == "a, b" and table.rows[1][1] == "secondary"
    assert setup_section([{"check": "d", "setup": None}]) == []
