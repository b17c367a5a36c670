"""Exceptions raised by gflcheck. Each one names what was wrong and what would be accepted."""

from __future__ import annotations


class GflcheckError(Exception):
    """Base class of every error gflcheck raises on purpose."""


class ParameterRangeError(GflcheckError, ValueError):
    """A parameter lies outside its allowed range.

    Attributes name the parameter, the value given and the allowed range in words, so that a
    caller (or a Hypothesis strategy) can tell exactly which input to change.
    """

    def __init__(self, parameter: str, value: object, allowed: str, context: str = "") -> None:
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        self.context = context
        where = f" in {context}" if context else ""
        super().__init__(f"{parameter}={value!r}{where} is out of range: allowed {allowed}")

    def __reduce__(self) -> tuple[type, tuple[str, object, str, str]]:
        # picklable: a worker process's error reaches the parent as itself
        return type(self), (self.parameter, self.value, self.allowed, self.context)


class UnknownSymbolError(GflcheckError, KeyError):
    """A bound was given a value for a symbol it does not have, or is missing one it needs."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return type(self), (self.message,)


class SettingRejectedError(GflcheckError):
    """A generated setting that the check cannot use; checks reject and count these."""

    @property
    def reason(self) -> str:
        """A short reason, the same for every rejection of one kind (for counting)."""
        return str(self)


class PreconditionError(SettingRejectedError):
    """A setting falls outside the theorem's hypotheses (e.g. ``m ≤ e^d`` fails)."""

    def __init__(self, condition: str, detail: str) -> None:
        self.condition = condition
        self.detail = detail
        super().__init__(f"outside the theorem's hypotheses: {condition} fails ({detail})")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # picklable (the run cache stores it)
        return type(self), (self.condition, self.detail)

    @property
    def reason(self) -> str:
        return f"outside the theorem's hypotheses ({self.condition})"


class BudgetExceededError(SettingRejectedError):
    """A setting needs more width or steps than the compute budget allows.

    Such settings are rejected and counted by the checks, never shrunk to fit.
    """

    def __init__(self, quantity: str, required: int, budget: int) -> None:
        self.quantity = quantity
        self.required = required
        self.budget = budget
        super().__init__(
            f"the theorem's requirement needs {quantity}={required}, "
            f"over the compute budget of {budget}; the setting is rejected, not shrunk"
        )

    def __reduce__(self) -> tuple[type, tuple[str, int, int]]:
        return type(self), (self.quantity, self.required, self.budget)

    @property
    def reason(self) -> str:
        return f"requirement over budget ({self.quantity.split()[0]} > {self.budget})"
