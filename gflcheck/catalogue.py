"""The default checks (the main job of ``gflcheck check``): every claim's entries, in order.

Each claim module in :mod:`gflcheck.claims` owns its ``ENTRIES``: fixed settings paired with the
claim's statements, true ones and deliberately false variants near their break points. The
settings are fixed, so the main job's numbers are reproducible. ``gflcheck check --profile
thorough`` adds :data:`THOROUGH_CHECKS`.
"""

from __future__ import annotations

from gflcheck.claims import (
    kernel_regime,
    kernel_separation,
    lottery_tickets,
    parity_separation,
    sgd_cube_xor,
    simplicity_bias,
    theorem_3_12,
    xor_feature_learning,
    xor_figure_1,
    xor_samples_constant,
    xor_table_2,
)
from gflcheck.core.entries import CatalogueEntry

DEFAULT_CHECKS: tuple[CatalogueEntry, ...] = (
    *theorem_3_12.ENTRIES,
    *simplicity_bias.ENTRIES,
    *lottery_tickets.ENTRIES,
    *kernel_separation.ENTRIES,
    *parity_separation.ENTRIES,
    *xor_feature_learning.ENTRIES,
    *xor_figure_1.ENTRIES,
    *xor_samples_constant.ENTRIES,
    *xor_table_2.ENTRIES,
    *sgd_cube_xor.ENTRIES,
    *kernel_regime.ENTRIES,
)
"""The main job, claim by claim."""

THOROUGH_CHECKS: tuple[CatalogueEntry, ...] = kernel_separation.THOROUGH_ENTRIES
"""What only the thorough profile runs: the separation scan on d = 16…256."""


def entries(prefix: str) -> tuple[CatalogueEntry, ...]:
    """The default checks whose names start with ``prefix``."""
    return tuple(entry for entry in DEFAULT_CHECKS if entry.name.startswith(prefix))


__all__ = ["DEFAULT_CHECKS", "THOROUGH_CHECKS", "CatalogueEntry", "entries"]
