"""No false variant counted as near its break point lies below its Bayes floor.

A bound on a risk below the Bayes risk is false for every predictor: refuting it shows nothing
about the training or the check. Such a variant is described as below the Bayes floor, never as
near the break point.
"""

from __future__ import annotations

from gflcheck.catalogue import DEFAULT_CHECKS
from gflcheck.claims.theorem_3_12 import _run_theorem_3_12, prepare, theorem_3_12_values
from gflcheck.models.gfl_runs import Theorem312Config
from gflcheck.runtime.profiles import budget


def _theorem_3_12_variants():
    """The main job's false variants of Theorem 3.12, each with its bound value and the lower
    confidence bound on its setting's Bayes hinge risk."""
    config = Theorem312Config.within(budget("default"))
    for entry in DEFAULT_CHECKS:
        check = entry.check
        if getattr(check, "func", None) is not _run_theorem_3_12:
            continue
        statement = check.args[0]()
        if not statement.is_false_variant:
            continue
        values = theorem_3_12_values(config, statement.steps, statement.width, entry.setting)
        bound = float(
            statement.bound.evaluate(
                {k: v for k, v in values.items() if k in statement.bound.domains}
            )
        )
        floor = float(
            prepare(entry.setting, config, statement.steps, statement.width).bayes_risk.lower[0]
        )
        yield entry, bound, floor


def test_no_near_variant_of_theorem_3_12_lies_below_the_bayes_hinge_risk():
    found = list(_theorem_3_12_variants())
    assert len(found) >= 4, "the main job's Theorem 3.12 variants were not found"
    below = {entry.name for entry, bound, floor in found if bound < floor}
    assert below, "the noisy setting's OPT-dropped and ÷4 variants lie below its Bayes floor"
    for entry, bound, floor in found:
        if entry.name in below:
            assert "near" not in entry.description, (entry.name, bound, floor)
            assert "below the Bayes floor" in entry.description, (entry.name, bound, floor)
        else:
            assert "below the Bayes floor" not in entry.description, (entry.name, bound, floor)
