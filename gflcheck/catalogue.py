"""The default checks (the main job of ``gflcheck check``): every claim's entries.

Each claim module in :mod:`gflcheck.claims` owns its ``ENTRIES``: fixed settings paired with the
claim's statements, true ones and deliberately false variants near their break points. The
catalogue finds them itself: a new module in :mod:`gflcheck.claims` with an ``ENTRIES`` tuple
joins the main job, and one with ``THOROUGH_ENTRIES`` joins ``gflcheck check --profile thorough``
(:data:`THOROUGH_CHECKS`); its ``ILLUSTRATIONS`` are the report's figures and its ``COVERAGE`` the table cells it checks. Claims come in the order of their module names, each claim's entries
in its own order. The settings are fixed, so the main job's numbers are reproducible.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import gflcheck.claims
from gflcheck.core.coverage import TableCell
from gflcheck.core.entries import CatalogueEntry
from gflcheck.core.illustrations import Illustration


def claim_modules() -> tuple[ModuleType, ...]:
    """Every module of :mod:`gflcheck.claims`, by name."""
    names = sorted(info.name for info in pkgutil.iter_modules(gflcheck.claims.__path__))
    return tuple(importlib.import_module(f"gflcheck.claims.{name}") for name in names)


def claim_entries(attribute: str = "ENTRIES") -> tuple[CatalogueEntry, ...]:
    """The entries every claims module declares under ``attribute``, module by module."""
    return tuple(entry for module in claim_modules() for entry in getattr(module, attribute, ()))


DEFAULT_CHECKS: tuple[CatalogueEntry, ...] = claim_entries("ENTRIES")
"""The main job, claim by claim."""

THOROUGH_CHECKS: tuple[CatalogueEntry, ...] = claim_entries("THOROUGH_ENTRIES")
"""What only the thorough profile runs: wider grids and higher dimensions (the separation scan
on d = 16…256, Theorem 3.12 at d = 32), each in place of the main-job entry it ``replaces``, so
that the thorough job's decisions keep within the family-wise α."""


ILLUSTRATIONS: tuple[Illustration, ...] = tuple(
    figure for module in claim_modules() for figure in getattr(module, "ILLUSTRATIONS", ())
)
"""The report's figures beside the verdicts, claim by claim: each computes its data through the
run cache (a check's own runs, or a declared sweep's), and the report only draws them."""


COVERAGE: tuple[TableCell, ...] = tuple(
    cell for module in claim_modules() for cell in getattr(module, "COVERAGE", ())
)
"""The cells of the papers' comparison tables, each with the checks that test it or the reason
none does (the report's coverage section)."""


def entries(prefix: str) -> tuple[CatalogueEntry, ...]:
    """The default checks whose names start with ``prefix``."""
    return tuple(entry for entry in DEFAULT_CHECKS if entry.name.startswith(prefix))


__all__ = [
    "COVERAGE",
    "DEFAULT_CHECKS",
    "ILLUSTRATIONS",
    "THOROUGH_CHECKS",
    "CatalogueEntry",
    "claim_entries",
    "claim_modules",
    "entries",
]
