"""Argument checks shared by the public functions (private: the errors are the public part)."""

from __future__ import annotations

import math

from gflcheck.runtime.errors import ParameterRangeError


def require_positive_int(name: str, value: object, context: str = "") -> int:
    """Return ``value`` as an int if it is an integer ≥ 1, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterRangeError(name, value, "an integer ≥ 1", context)
    return value


def require_int_at_least(name: str, value: object, minimum: int, context: str = "") -> int:
    """Return ``value`` if it is an integer ≥ ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParameterRangeError(name, value, f"an integer ≥ {minimum}", context)
    return value


def require_open_unit_interval(name: str, value: object, context: str = "") -> float:
    """Return ``value`` if it is a real number in the open interval (0, 1)."""
    number = _as_finite_float(name, value, "a real number in (0, 1)", context)
    if not 0.0 < number < 1.0:
        raise ParameterRangeError(name, value, "a real number in (0, 1)", context)
    return number


def require_positive(name: str, value: object, context: str = "") -> float:
    """Return ``value`` if it is a finite real number > 0."""
    number = _as_finite_float(name, value, "a finite real number > 0", context)
    if number <= 0.0:
        raise ParameterRangeError(name, value, "a finite real number > 0", context)
    return number


def require_non_negative(name: str, value: object, context: str = "") -> float:
    """Return ``value`` if it is a finite real number ≥ 0."""
    number = _as_finite_float(name, value, "a finite real number ≥ 0", context)
    if number < 0.0:
        raise ParameterRangeError(name, value, "a finite real number ≥ 0", context)
    return number


def _as_finite_float(name: str, value: object, allowed: str, context: str) -> float:
    if isinstance(value, bool):
        raise ParameterRangeError(name, value, allowed, context)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterRangeError(name, value, allowed, context) from None
    if not math.isfinite(number):
        raise ParameterRangeError(name, value, allowed, context)
    return number
