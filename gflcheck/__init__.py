"""gflcheck: theory-checking property tests for deep-learning theorems.

A bound is a :class:`Bound` (sympy, with symbol domains, hidden constants and :class:`Provenance`);
the quantity it bounds is measured by training networks in torch; Hypothesis generates the
settings; a :class:`Verdict` (holds / violated / inconclusive) comes from exact binomial tests.
"""

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
)
from gflcheck.declare import Measurement, Precondition, StatementKind, TheoryCheck
from gflcheck.errors import (
    BudgetExceededError,
    GflcheckError,
    ParameterRangeError,
    PreconditionError,
    SettingRejectedError,
    UnknownSymbolError,
)
from gflcheck.provenance import Provenance, Tag
from gflcheck.statement_kinds import hitting_time_check, rate_check, separation_check
from gflcheck.verdicts import (
    BinomialDecision,
    Outcome,
    QuantifierInstantiation,
    Verdict,
    decide_violation_rate,
)

__all__ = [
    "BinomialDecision",
    "Bound",
    "BudgetExceededError",
    "GflcheckError",
    "Measurement",
    "MixtureSetting",
    "Monotonicity",
    "Outcome",
    "ParameterRangeError",
    "Precondition",
    "PreconditionError",
    "Provenance",
    "QuantifierInstantiation",
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
    "non_negative",
    "positive",
    "positive_integer",
    "rate_check",
    "separation_check",
    "theorem_3_12_check",
    "unit_interval",
]
__version__ = "0.1.0"
