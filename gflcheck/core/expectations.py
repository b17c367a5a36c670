"""What the suite expects of a statement (:class:`Expectation`) and how its verdict names it
(:class:`Wording`).

A declared statement is expected to HOLD unless its :class:`Expectation` gives one reason
otherwise: ``why_false`` (a deliberately false variant: it must be refuted), ``discrepancy`` (a
claim expected to fail in this set-up or reading: it stays judged, and is as expected only when
VIOLATED, so the suite fails if it starts to hold) or ``observation`` (a reading the paper does
not claim: reported, not judged, and it has no property).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gflcheck.runtime.errors import ParameterRangeError


@dataclass(frozen=True)
class Expectation:
    """The outcome a statement is expected to have, with at most one reason for not HOLDS
    (see the module docstring); all ``None``: a true statement, expected to HOLD."""

    why_false: str | None = None
    discrepancy: str | None = None
    observation: str | None = None

    def __post_init__(self) -> None:
        given = {
            name: getattr(self, name)
            for name in ("why_false", "discrepancy", "observation")
            if getattr(self, name) is not None
        }
        for name, reason in given.items():
            if not isinstance(reason, str) or not reason.strip():
                raise ParameterRangeError(
                    name, reason, "a non-empty reason, or None", "Expectation"
                )
        if len(given) > 1:
            raise ParameterRangeError(
                ", ".join(given),
                list(given.values()),
                "at most one: a false variant must be refuted, a discrepancy is a claim expected "
                "to fail here, an observation is reported without an expected outcome",
                "Expectation",
            )

    @property
    def is_true_statement(self) -> bool:
        """Expected to HOLD: no reason is given for anything else."""
        return self.why_false is None and self.discrepancy is None and self.observation is None


@dataclass(frozen=True)
class Wording:
    """How a verdict names its statement: ``statement`` (default: the bound's name),
    ``quantity`` (the measured quantity, in counterexamples) and ``label(setting)`` (added to
    the check's name, e.g. the family)."""

    statement: str | None = None
    quantity: str = "measured"
    label: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if self.statement is not None and not isinstance(self.statement, str):
            raise ParameterRangeError("statement", self.statement, "a string, or None", "Wording")
        if not isinstance(self.quantity, str):
            raise ParameterRangeError("quantity", self.quantity, "a string", "Wording")
        if self.label is not None and not callable(self.label):
            raise ParameterRangeError(
                "label", self.label, "a function of the setting returning a string", "Wording"
            )
