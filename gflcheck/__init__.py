"""gflcheck: theory-checking property tests for deep-learning theorems.

A bound is a :class:`Bound` (sympy, with symbol domains, hidden constants and :class:`Provenance`);
the quantity it bounds is measured by training networks in torch; Hypothesis generates the
settings; a :class:`Verdict` (holds / violated / inconclusive) comes from exact binomial tests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gflcheck.runtime.defaults import VERSION

if TYPE_CHECKING:
    from gflcheck.claims.theorem_3_12 import (
        Theorem312Config,
        check_theorem_3_12,
        theorem_3_12_check,
        theorem_3_12_error_check,
    )
    from gflcheck.core.bounds import (
        Bound,
        Monotonicity,
        SymbolDomain,
        hidden_constant,
        non_negative,
        positive,
        positive_integer,
        unit_interval,
    )
    from gflcheck.core.confidence import Confidence, PropertyRule, SeedPlan
    from gflcheck.core.declare import Measurement, Precondition, Rival, StatementKind, TheoryCheck
    from gflcheck.core.expectations import Expectation, Wording
    from gflcheck.core.measurements import mean_measurement
    from gflcheck.core.provenance import Provenance, Tag
    from gflcheck.core.setups import SetUp
    from gflcheck.core.statement_kinds import (
        HittingTimes,
        NeedWalk,
        hitting_time_check,
        need_check,
        rate_check,
        separation_check,
    )
    from gflcheck.core.verdicts import (
        FAMILY_ALPHA,
        VIOLATION_ALPHA,
        BinomialDecision,
        Outcome,
        QuantifierInstantiation,
        Verdict,
        decide_violation_rate,
    )
    from gflcheck.models.gfl_families import GflSetting
    from gflcheck.runtime.errors import (
        BudgetExceededError,
        GflcheckError,
        ParameterRangeError,
        PreconditionError,
        SettingRejectedError,
        UnknownSymbolError,
    )

_EXPORTS = {
    "BinomialDecision": "gflcheck.core.verdicts",
    "Bound": "gflcheck.core.bounds",
    "Confidence": "gflcheck.core.confidence",
    "PropertyRule": "gflcheck.core.confidence",
    "SeedPlan": "gflcheck.core.confidence",
    "BudgetExceededError": "gflcheck.runtime.errors",
    "Expectation": "gflcheck.core.expectations",
    "FAMILY_ALPHA": "gflcheck.core.verdicts",
    "GflSetting": "gflcheck.models.gfl_families",
    "GflcheckError": "gflcheck.runtime.errors",
    "HittingTimes": "gflcheck.core.statement_kinds",
    "Measurement": "gflcheck.core.declare",
    "Monotonicity": "gflcheck.core.bounds",
    "NeedWalk": "gflcheck.core.statement_kinds",
    "Outcome": "gflcheck.core.verdicts",
    "ParameterRangeError": "gflcheck.runtime.errors",
    "Precondition": "gflcheck.core.declare",
    "PreconditionError": "gflcheck.runtime.errors",
    "Provenance": "gflcheck.core.provenance",
    "Rival": "gflcheck.core.declare",
    "SetUp": "gflcheck.core.setups",
    "QuantifierInstantiation": "gflcheck.core.verdicts",
    "SettingRejectedError": "gflcheck.runtime.errors",
    "StatementKind": "gflcheck.core.declare",
    "SymbolDomain": "gflcheck.core.bounds",
    "Tag": "gflcheck.core.provenance",
    "Theorem312Config": "gflcheck.models.gfl_runs",
    "TheoryCheck": "gflcheck.core.declare",
    "UnknownSymbolError": "gflcheck.runtime.errors",
    "VIOLATION_ALPHA": "gflcheck.core.verdicts",
    "Verdict": "gflcheck.core.verdicts",
    "Wording": "gflcheck.core.expectations",
    "check_theorem_3_12": "gflcheck.claims.theorem_3_12",
    "decide_violation_rate": "gflcheck.core.verdicts",
    "hidden_constant": "gflcheck.core.bounds",
    "hitting_time_check": "gflcheck.core.statement_kinds",
    "mean_measurement": "gflcheck.core.measurements",
    "need_check": "gflcheck.core.statement_kinds",
    "non_negative": "gflcheck.core.bounds",
    "positive": "gflcheck.core.bounds",
    "positive_integer": "gflcheck.core.bounds",
    "rate_check": "gflcheck.core.statement_kinds",
    "separation_check": "gflcheck.core.statement_kinds",
    "theorem_3_12_check": "gflcheck.claims.theorem_3_12",
    "theorem_3_12_error_check": "gflcheck.claims.theorem_3_12",
    "unit_interval": "gflcheck.core.bounds",
}
"""Each public name and the module that defines it, imported on first use (PEP 562): importing
``gflcheck`` (as pytest does for the plugin) does not load torch, sympy or the checks."""

__all__ = [
    "FAMILY_ALPHA",
    "VIOLATION_ALPHA",
    "BinomialDecision",
    "Bound",
    "BudgetExceededError",
    "Confidence",
    "Expectation",
    "GflSetting",
    "GflcheckError",
    "HittingTimes",
    "Measurement",
    "Monotonicity",
    "NeedWalk",
    "Outcome",
    "ParameterRangeError",
    "Precondition",
    "PreconditionError",
    "PropertyRule",
    "Provenance",
    "QuantifierInstantiation",
    "Rival",
    "SeedPlan",
    "SetUp",
    "SettingRejectedError",
    "StatementKind",
    "SymbolDomain",
    "Tag",
    "Theorem312Config",
    "TheoryCheck",
    "UnknownSymbolError",
    "Verdict",
    "Wording",
    "check_theorem_3_12",
    "decide_violation_rate",
    "hidden_constant",
    "hitting_time_check",
    "mean_measurement",
    "need_check",
    "non_negative",
    "positive",
    "positive_integer",
    "rate_check",
    "separation_check",
    "theorem_3_12_check",
    "theorem_3_12_error_check",
    "unit_interval",
]
__version__ = VERSION

if sorted(__all__) != sorted(_EXPORTS):  # as Hypothesis checks its own face at import
    raise ImportError(
        "gflcheck's __all__ and its lazy exports differ: "
        f"{sorted(set(__all__) ^ set(_EXPORTS))}; list each public name in both"
    )


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gflcheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
