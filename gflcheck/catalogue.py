"""The default checks: named settings that ``gflcheck check`` runs (the main job).

Each entry pairs a setting with a statement: the theorem itself, or a deliberately false variant
on a setting where it is false. The settings are fixed, so the main job's numbers are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gflcheck.checks.theorem_3_12 import (
    MixtureSetting,
    Theorem312Config,
    Theorem312Evidence,
    check_theorem_3_12,
)
from gflcheck.theorems.gfl import Statement, opt_dropped, single_step, theorem_3_12
from gflcheck.verdicts import Verdict


@dataclass(frozen=True)
class CatalogueEntry:
    """A named check: ``run(config)`` returns its verdict and evidence."""

    name: str
    description: str
    setting: MixtureSetting
    statement: Callable[[], Statement]

    def run(self, config: Theorem312Config) -> tuple[Verdict, Theorem312Evidence]:
        """Run the check (may raise :class:`~gflcheck.errors.SettingRejectedError`)."""
        return check_theorem_3_12(self.setting, self.statement(), config)


_XOR = MixtureSetting("xor", 8, 8.0, 1.0, gamma=0.005, epsilon=0.1, delta=0.2, seed=1)
_NOISY = MixtureSetting("two-cluster", 4, 1.0, 1.0, gamma=0.0005, epsilon=0.05, delta=0.2, seed=3)

DEFAULT_CHECKS: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("gfl/xor", "XOR-like 4-cluster mixture, d=8, ‖μ‖/σ=8", _XOR, theorem_3_12),
    CatalogueEntry(
        "gfl/two-cluster",
        "two clusters ±μ, d=4, ‖μ‖/σ=6",
        MixtureSetting("two-cluster", 4, 6.0, 1.0, gamma=0.01, epsilon=0.1, delta=0.2, seed=2),
        theorem_3_12,
    ),
    CatalogueEntry(
        "gfl/orthogonal-3",
        "three orthogonal clusters labelled +,−,+, d=6, ‖μ‖/σ=6",
        MixtureSetting(
            "orthogonal", 6, 6.0, 1.0, gamma=0.01, epsilon=0.1, delta=0.2, seed=4, labels=(1, -1, 1)
        ),
        theorem_3_12,
    ),
    CatalogueEntry(
        "gfl/three-cluster-d4",
        "the poster's three-cluster picture, embedded in d=4",
        MixtureSetting("three-cluster", 4, 4.0, 0.5, gamma=0.01, epsilon=0.1, delta=0.2, seed=5),
        theorem_3_12,
    ),
    CatalogueEntry(
        "gfl/three-cluster-d2",
        "the poster's three-cluster picture in d=2 (m ≤ e^d excludes it)",
        MixtureSetting("three-cluster", 2, 4.0, 0.5, gamma=0.01, epsilon=0.1, delta=0.2, seed=5),
        theorem_3_12,
    ),
    CatalogueEntry(
        "gfl/noisy-two-cluster",
        "overlapping clusters ‖μ‖/σ=1: OPT dominates the bound",
        _NOISY,
        theorem_3_12,
    ),
    CatalogueEntry("gfl/xor/single-step", "false variant: T = 1", _XOR, single_step),
    CatalogueEntry(
        "gfl/noisy-two-cluster/opt-dropped", "false variant: OPT dropped", _NOISY, opt_dropped
    ),
)
