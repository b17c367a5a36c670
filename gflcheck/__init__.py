"""gflcheck: theory-checking property tests for deep-learning theorems.

A bound is a :class:`Bound` (sympy, with symbol domains, hidden constants and :class:`Provenance`);
the quantity it bounds is measured by training networks in torch; Hypothesis generates the
settings; a :class:`Verdict` (holds / violated / inconclusive) comes from exact binomial tests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gflcheck.bounds import (
        Bound,
        Monotonicity,
        SymbolDomain,
        hidden_constant,
        non_negative,
        positive,
        positive_integer,
        unit_interval,
    )
    from gflcheck.checks.theorem_3_12 import (
        MixtureSetting,
        Theorem312Config,
        check_theorem_3_12,
        theorem_3_12_check,
        theorem_3_12_error_check,
    )
    from gflcheck.declare import Measurement, Precondition, Rival, StatementKind, TheoryCheck
    from gflcheck.errors import (
        BudgetExceededError,
        GflcheckError,
        ParameterRangeError,
        PreconditionError,
        SettingRejectedError,
        UnknownSymbolError,
    )
    from gflcheck.provenance import Provenance, Tag
    from gflcheck.setups import SetUp
    from gflcheck.statement_kinds import (
        HittingTimes,
        NeedWalk,
        hitting_time_check,
        need_check,
        rate_check,
        separation_check,
    )
    from gflcheck.verdicts import (
        FAMILY_ALPHA,
        VIOLATION_ALPHA,
        BinomialDecision,
        Outcome,
        QuantifierInstantiation,
        Verdict,
        decide_violation_rate,
    )

_EXPORTS = {
    "BinomialDecision": "gflcheck.verdicts",
    "Bound": "gflcheck.bounds",
    "BudgetExceededError": "gflcheck.errors",
    "FAMILY_ALPHA": "gflcheck.verdicts",
    "GflcheckError": "gflcheck.errors",
    "HittingTimes": "gflcheck.statement_kinds",
    "Measurement": "gflcheck.declare",
    "MixtureSetting": "gflcheck.checks.theorem_3_12",
    "Monotonicity": "gflcheck.bounds",
    "NeedWalk": "gflcheck.statement_kinds",
    "Outcome": "gflcheck.verdicts",
    "ParameterRangeError": "gflcheck.errors",
    "Precondition": "gflcheck.declare",
    "PreconditionError": "gflcheck.errors",
    "Provenance": "gflcheck.provenance",
    "Rival": "gflcheck.declare",
    "SetUp": "gflcheck.setups",
    "QuantifierInstantiation": "gflcheck.verdicts",
    "SettingRejectedError": "gflcheck.errors",
    "StatementKind": "gflcheck.declare",
    "SymbolDomain": "gflcheck.bounds",
    "Tag": "gflcheck.provenance",
    "Theorem312Config": "gflcheck.checks.theorem_3_12",
    "TheoryCheck": "gflcheck.declare",
    "UnknownSymbolError": "gflcheck.errors",
    "VIOLATION_ALPHA": "gflcheck.verdicts",
    "Verdict": "gflcheck.verdicts",
    "check_theorem_3_12": "gflcheck.checks.theorem_3_12",
    "decide_violation_rate": "gflcheck.verdicts",
    "hidden_constant": "gflcheck.bounds",
    "hitting_time_check": "gflcheck.statement_kinds",
    "need_check": "gflcheck.statement_kinds",
    "non_negative": "gflcheck.bounds",
    "positive": "gflcheck.bounds",
    "positive_integer": "gflcheck.bounds",
    "rate_check": "gflcheck.statement_kinds",
    "separation_check": "gflcheck.statement_kinds",
    "theorem_3_12_check": "gflcheck.checks.theorem_3_12",
    "theorem_3_12_error_check": "gflcheck.checks.theorem_3_12",
    "unit_interval": "gflcheck.bounds",
}
"""Each public name and the module that defines it, imported on first use (PEP 562): importing
``gflcheck`` (as pytest does for the plugin) does not load torch, sympy or the checks."""

__all__ = [
    "FAMILY_ALPHA",
    "VIOLATION_ALPHA",
    "BinomialDecision",
    "Bound",
    "BudgetExceededError",
    "GflcheckError",
    "HittingTimes",
    "Measurement",
    "MixtureSetting",
    "Monotonicity",
    "NeedWalk",
    "Outcome",
    "ParameterRangeError",
    "Precondition",
    "PreconditionError",
    "Provenance",
    "QuantifierInstantiation",
    "Rival",
    "SetUp",
    "SettingRejectedError",
    "StatementKind",
    "SymbolDomain",
    "Tag",
    "Theorem312Config",
    "TheoryCheck",
    "UnknownSymbolError",
    "Verdict",
    "check_theorem_3_12",
    "decide_violation_rate",
    "hidden_constant",
    "hitting_time_check",
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
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gflcheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
