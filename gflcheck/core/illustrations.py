"""What a report draws beside the verdicts: the data of a figure, computed by the claim it
illustrates, through the run cache (a check's own runs and evidence, or a declared sweep's), and
handed to the report, which draws it and never trains (:mod:`gflcheck.surface.figures`).

A claims module declares its figures as ``ILLUSTRATIONS``, a tuple of :class:`Illustration`; the
catalogue collects them as it collects ``ENTRIES``. Each computes one of the data types below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gflcheck.core.estimators import IntervalEstimate
from gflcheck.core.exponents import GridData
from gflcheck.core.rate_estimates import bound_slope
from gflcheck.core.statement_kinds import WalkedNeeds


@dataclass(frozen=True)
class Illustration:
    """A figure of the report: ``name`` (its file's stem), the ``heading`` of its section, and
    ``compute()``, which returns its data through the run cache."""

    name: str
    heading: str
    compute: Callable[[], Any]


@dataclass(frozen=True, eq=False)
class RateFigure:
    """A rate's grid (per-run values at each grid point), drawn with its grid-level fit and the
    ``references`` (label → exponent); the caption is ``lead^slope [CI] … comment``."""

    grid: GridData
    quantity: str
    references: Mapping[str, float]
    title: str
    lead: str
    comment: str


@dataclass(frozen=True, eq=False)
class NeedFigure:
    """Per-seed needs of several learners over a grid, with reference slopes."""

    needs: Sequence[WalkedNeeds]
    references: Mapping[str, float]
    title: str
    caption: str
    variable: str = "d"
    need: str = "samples needed n*"


@dataclass(frozen=True, eq=False)
class ErrorCurves:
    """Test error after every step, per seed: ``curves[(set-up, d)]`` is an
    :class:`IntervalEstimate` of shape ``[T+1, k]``; ``target`` is drawn dashed."""

    curves: Mapping[tuple[str, int], IntervalEstimate]
    target: float
    title: str
    caption: str


@dataclass(frozen=True, eq=False)
class OneStepPicture:
    """The GFL poster's picture in the plane: a sample ``x [n, 2]`` with labels ``y``, the
    cluster means and labels, and one network's first layer ``(W [m, 2], b [m])`` with output
    signs ``a [m]`` before and after Algorithm 1's first step."""

    x: np.ndarray
    y: np.ndarray
    means: np.ndarray
    labels: np.ndarray
    initial: tuple[np.ndarray, np.ndarray, np.ndarray]
    after_one_step: tuple[np.ndarray, np.ndarray, np.ndarray]


def reference_slopes(grid: Sequence[float], *statements: Any) -> dict[str, float]:
    """Each growth statement's bound, labelled with its own slope over ``grid`` (a statement has
    ``bound``, ``variable`` and ``logarithmic``), for a growth plot."""
    slopes = {
        s.bound.latex(): bound_slope(s.bound, s.variable, grid, {}, s.logarithmic)
        for s in statements
    }
    return {f"${latex}$ (slope {slope:.2f})": slope for latex, slope in slopes.items()}
