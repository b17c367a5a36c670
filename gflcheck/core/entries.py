"""A check on a fixed setting as an entry of the main job (:class:`CatalogueEntry`), a pytest
property over such entries, and the record of every run a block makes (:func:`recorded_runs`,
how ``gflcheck mutate`` finds the checks behind an entry)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pytest

if TYPE_CHECKING:
    pass

from gflcheck.core.verdict_text import format_verdict_details
from gflcheck.core.verdicts import (
    Outcome,
    Verdict,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.profiles import Budget, budget

if TYPE_CHECKING:
    from gflcheck.core.declare import TheoryCheck

S = TypeVar("S")


@dataclass(frozen=True)
class CatalogueEntry:
    """A named check on a fixed ``setting`` (a dataclass with a ``seed`` field):
    ``check(setting, budget)`` returns its verdict and evidence (or raises
    :class:`~gflcheck.runtime.errors.SettingRejectedError`). A ``sweep`` entry measures a growth over a
    grid of settings in one run."""

    name: str
    description: str
    setting: Any
    check: Callable[[Any, Budget], tuple[Verdict, Any]]
    sweep: bool = False  # one run walks a grid of settings (minutes): power skips it by default
    long_running: bool = False  # a minute or more cold, not a sweep: -j starts it with the sweeps
    also_accepts: tuple[Outcome, ...] = ()
    because: str = ""
    observation: bool = False  # reported, not judged: nothing is expected of it
    replaces: str = ""
    """For a thorough-profile entry: the main-job entry it supersedes there (the same statement
    on a wider grid), which the thorough job then does not run, so that its decisions keep
    within the family-wise α."""

    def __post_init__(self) -> None:
        if self.also_accepts and not self.because:
            raise ParameterRangeError(
                "because",
                self.because,
                f"a reason, shown with the verdict, for accepting {list(self.also_accepts)}",
                f"CatalogueEntry {self.name!r}",
            )

    def as_expected(self, verdict: Verdict) -> bool:
        """The verdict is the expected one, or an outcome this entry declares acceptable."""
        return verdict.as_expected or verdict.outcome in self.also_accepts

    def run(self, limits: Budget, seed: int | None = None) -> tuple[Verdict, Any]:
        """Run the check; with ``seed``, on the same setting with that seed instead (fresh data,
        initialisations and test samples: :mod:`gflcheck.surface.power` repeats checks this way)."""
        setting = self.setting if seed is None else dataclasses.replace(self.setting, seed=seed)
        return self.check(setting, limits)


@dataclass(frozen=True, eq=False)
class RecordedRun(Generic[S]):
    """One :meth:`TheoryCheck.run` seen by :func:`recorded_runs`: the check, the setting, the
    seeds and the measurement its verdict was judged on (the raw data, for a check that forms
    an :class:`Estimate` at judging time)."""

    check: TheoryCheck[S]
    setting: S
    seeds: tuple[int, ...]
    measured: Any


_RECORDERS: list[list[RecordedRun[Any]]] = []


@contextmanager
def recorded_runs() -> Iterator[list[RecordedRun[Any]]]:
    """Within the block, every :meth:`TheoryCheck.run` (in this process) is appended to the list
    this yields: how ``gflcheck mutate`` finds the checks behind any catalogue entry, the user's
    included, with no code added to them."""
    runs: list[RecordedRun[Any]] = []
    _RECORDERS.append(runs)
    try:
        yield runs
    finally:
        _RECORDERS.remove(runs)


def entries_property(entries: Sequence[CatalogueEntry]) -> Callable[..., None]:
    """A pytest property over fixed catalogue ``entries``, one test case each: the entry's check
    runs on its declared setting and must come out as the entry expects (a true statement
    confirmed, a false variant refuted, a claim expected to fail here refuted, or an outcome the
    entry declares acceptable, with its reason). Observations are left out: nothing is expected
    of them (the main job reports them). Assign it to a ``test_…`` name in a test module."""
    cases = [
        pytest.param(
            entry,
            id=entry.name,
            marks=[pytest.mark.gflcheck_property(holds_share=0.0, reason=entry.because)]
            if entry.also_accepts
            else [],
        )
        for entry in entries
        if not entry.observation
    ]

    @pytest.mark.parametrize("entry", cases)
    def test(entry: CatalogueEntry, gflcheck_session: Any) -> None:
        __tracebackhide__ = True
        verdict = gflcheck_session.check(lambda: entry.run(budget()))
        assert entry.as_expected(verdict), format_verdict_details(verdict)

    return test


RATE_SHARE = 0.001
"""The declared share of the family-wise α of each rate, need and separation decision of the
main job (the grid kinds), below the default :data:`~gflcheck.core.verdicts.VIOLATION_ALPHA`, so that
the main job's decisions on true statements fit α = 0.05 by the union bound (45 decisions,
0.0498)."""


def at_rate_share(check: TheoryCheck[Any]) -> TheoryCheck[Any]:
    """``check`` deciding *violated* at :data:`RATE_SHARE`."""
    confidence = dataclasses.replace(check.confidence, violation_alpha=RATE_SHARE)
    return dataclasses.replace(check, confidence=confidence)
