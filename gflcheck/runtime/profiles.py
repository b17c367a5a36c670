"""Hypothesis profiles for the property suite, the compute budget that goes with each, and
:func:`log_uniform` for scale parameters.

- ``default``: fast and deterministic (``derandomize=True``: the same settings every run, so CI is
  reproducible and a failure replays exactly); a small budget for ``m`` and ``T``.
- ``thorough``: more examples, random exploration (failures are saved in Hypothesis' database and
  replayed), a larger budget.

Choose with ``pytest --gflcheck-profile=thorough`` or ``GFLCHECK_PROFILE=thorough``.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from gflcheck.runtime.defaults import PROFILE_VARIABLE
from gflcheck.runtime.errors import ParameterRangeError


@dataclass(frozen=True)
class Budget:
    """What a profile will train: width ``m`` and steps ``T`` of Algorithm 1, and the largest
    XOR dimension ``d`` (certifying zero error costs ``O(d³)``)."""

    max_width: int
    max_steps: int
    xor_max_dimension: int


BUDGETS = {
    "default": Budget(max_width=512, max_steps=1200, xor_max_dimension=96),
    "thorough": Budget(max_width=1024, max_steps=2000, xor_max_dimension=512),
}

HYPOTHESIS_PROFILE_PREFIX = "gflcheck-"
"""gflcheck's profiles are registered with Hypothesis under their own names (``gflcheck-default``,
``gflcheck-thorough``): Hypothesis' ``default`` and ``ci`` profiles are left as they are."""


@functools.cache
def _registered() -> Any:
    """Hypothesis' ``settings``, with gflcheck's profiles registered (on first use: importing
    this module does not import Hypothesis)."""
    from hypothesis import HealthCheck, Phase, settings

    common = {
        "deadline": None,
        "print_blob": True,
        # Hypothesis' explain phase would list the lines of gflcheck's own assertion, not the
        # user's code; the verdict's report already says why the example fails.
        "phases": [phase for phase in Phase if phase is not Phase.explain],
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    }
    prefix = HYPOTHESIS_PROFILE_PREFIX
    settings.register_profile(f"{prefix}default", max_examples=8, derandomize=True, **common)
    settings.register_profile(f"{prefix}thorough", max_examples=40, **common)
    return settings


_loaded: str | None = None
_session: str | None = None


def use_for_session(name: str | None) -> None:
    """The profile a pytest session asked for (``--gflcheck-profile``), or ``None`` when the
    session ends: :meth:`~gflcheck.core.declare.TheoryCheck.property` applies it to its test."""
    global _session
    _session = name


def profile_name(requested: str | None = None) -> str:
    """The profile to use: ``requested``, else the one :func:`load_profile` loaded, else the
    pytest session's, else ``$GFLCHECK_PROFILE``, else ``default``."""
    name = requested or _loaded or _session or os.environ.get(PROFILE_VARIABLE) or "default"
    if name not in BUDGETS:
        raise ParameterRangeError("profile", name, f"one of {sorted(BUDGETS)}")
    return name


def load_profile(requested: str | None = None) -> str:
    """Make the profile (see :func:`profile_name`) Hypothesis' current one, and return its name.
    The pytest plugin does this only while it imports a module that uses gflcheck
    (:func:`profile_loaded`)."""
    global _loaded
    name = profile_name(requested)
    _registered().load_profile(HYPOTHESIS_PROFILE_PREFIX + name)
    _loaded = name
    return name


@contextmanager
def profile_loaded(requested: str | None = None) -> Iterator[str]:
    """The profile as Hypothesis' current one inside the ``with`` block, and the previous one
    again after it (``@given`` takes the current settings when it decorates a test)."""
    settings = _registered()
    previous = settings.get_current_profile_name()
    global _loaded
    before = _loaded
    try:
        yield load_profile(requested)
    finally:
        settings.load_profile(previous)
        _loaded = before


def budget(requested: str | None = None) -> Budget:
    """The compute budget of the current (or requested) profile."""
    return BUDGETS[profile_name(requested)]


def log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats spread evenly in ``log`` between ``low`` and ``high`` (both > 0)."""
    return st.floats(math.log(low), math.log(high)).map(math.exp)
