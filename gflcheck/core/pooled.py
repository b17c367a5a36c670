"""A property's confirmation, pooled over its examples, and the seeds that make it reachable.

A property over a "with probability ≥ 1 − δ" statement runs ``N`` generated settings; setting
``i`` runs ``k_i`` seeds, of which ``s_i`` are certified to satisfy the statement, each seed
certified wrongly with probability at most ``β_i`` (the satisfaction side's miscoverage). If the
statement holds on every setting, the ``K = Σ k_i`` seeds' count of seeds not certified,
``U = Σ (k_i − s_i)``, is a sum of independent Bernoulli variables, and the seed-weighted mean
failure rate is at most ``Ū/K + β̄``. By Hoeffding (1956), such a sum is more concentrated than
the binomial of the same mean, so the Clopper–Pearson upper bound of ``U/K`` at level ``1 − α``
covers that mean. The property **confirms** when

    ``CP⁺(U, K; 1 − α) + β̄ ≤ δ̄``,   ``β̄ = Σ k_i β_i / K``,   ``δ̄ = Σ k_i δ_i / K``:

over its examples, the statement fails on at most the share of seeds it allows. One decision
over ``K`` seeds replaces ``N`` decisions over ``k_i`` seeds each, so a statement that is true
with room to spare is confirmed where the single examples are each too small to.

:func:`seeds_for_pooled_confirmation` plans ``k`` so that a statement failing at ``δ/2`` on
every seed (not certified at that rate) is confirmed with probability at least
:data:`PASS_PROBABILITY`: the least ``k`` with ``P(Bin(N·k, δ/2) ≤ u*) ≥ p``, where
``u*`` is the largest count the rule above accepts among ``N·k`` seeds, planned at
:data:`PLANNED_PASS_PROBABILITY` so that examples with different ``δ`` keep
:data:`PASS_PROBABILITY`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from gflcheck.core.estimators import clopper_pearson
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import (
    require_non_negative,
    require_open_unit_interval,
    require_positive_int,
)

PASS_PROBABILITY = 0.9
"""The least chance that a property confirms a statement failing at ``δ/2`` per seed."""

PLANNED_PASS_PROBABILITY = 0.95
"""What each example's seeds are planned for, as if every example had its ``δ``: examples with
different ``δ`` pool to a smaller chance than one ``δ`` would give (0.94 at worst among mixes of
δ ∈ [0.1, 0.4] over 8 examples, exact Poisson-binomial), which stays above
:data:`PASS_PROBABILITY`."""


@dataclass(frozen=True)
class PooledConfirmation:
    """The pooled rule (module docstring) over a property's examples: ``seeds`` ``K``,
    ``not_certified`` ``U``, the seed-weighted ``delta`` ``δ̄`` and ``miscoverage`` ``β̄``, the
    Clopper–Pearson ``upper`` bound plus ``β̄``, and whether it ``confirms`` (``upper ≤ δ̄``)."""

    examples: int
    seeds: int
    not_certified: int
    delta: float
    miscoverage: float
    upper: float
    alpha: float

    @property
    def confirms(self) -> bool:
        """``CP⁺(U, K) + β̄ ≤ δ̄``."""
        return self.upper <= self.delta

    def describe(self) -> str:
        """The rule's numbers in one line."""
        word = "confirms" if self.confirms else "does not confirm"
        return (
            f"pooled over {self.examples} example(s): {self.not_certified} of {self.seeds} seeds "
            f"not certified, upper bound {self.upper:.3g} (level {1 - self.alpha:g}, with "
            f"miscoverage {self.miscoverage:.3g}) against the seed-weighted δ̄ = "
            f"{self.delta:.3g}: {word}"
        )


def pooled_confirmation(
    seeds: Sequence[int],
    satisfied: Sequence[int],
    deltas: Sequence[float],
    miscoverages: Sequence[float],
    alpha: float,
) -> PooledConfirmation:
    """The pooled rule over examples with ``seeds[i]`` seeds, ``satisfied[i]`` of them
    certified, failure probability ``deltas[i]`` and satisfaction miscoverage
    ``miscoverages[i]`` (module docstring)."""
    require_open_unit_interval("alpha", alpha, "pooled_confirmation")
    k = np.asarray(seeds, dtype=int)
    if (
        not k.size
        or (k <= 0).any()
        or not (len(satisfied) == len(deltas) == len(miscoverages) == k.size)
    ):
        raise ParameterRangeError(
            "seeds",
            list(k),
            "one positive count per example, as many as satisfied, deltas and miscoverages",
            "pooled_confirmation",
        )
    total = int(k.sum())
    not_certified = total - int(np.sum(satisfied))
    delta = float(np.dot(k, deltas) / total)
    miscoverage = float(np.dot(k, miscoverages) / total)
    upper = float(clopper_pearson(not_certified, total, alpha).upper) + miscoverage
    return PooledConfirmation(int(k.size), total, not_certified, delta, miscoverage, upper, alpha)


def accepted_count(seeds: int, delta: float, alpha: float, miscoverage: float = 0.0) -> int:
    """``u*``: the largest number of seeds not certified among ``seeds`` that the rule still
    confirms (``−1``: none)."""
    uppers = clopper_pearson(np.arange(seeds + 1), seeds, alpha).upper + miscoverage
    accepted = np.flatnonzero(uppers <= delta)
    return int(accepted[-1]) if accepted.size else -1


def pooled_pass_probability(
    seeds: int, delta: float, alpha: float, miscoverage: float = 0.0, rate: float | None = None
) -> float:
    """The chance that the rule confirms over ``seeds`` seeds (all examples together), each
    not certified with probability ``rate`` (default ``δ/2``)."""
    rate = delta / 2 if rate is None else rate
    return float(stats.binom.cdf(accepted_count(seeds, delta, alpha, miscoverage), seeds, rate))


@functools.cache
def seeds_for_pooled_confirmation(
    delta: float,
    alpha: float,
    examples: int,
    miscoverage: float = 0.0,
    pass_probability: float = PLANNED_PASS_PROBABILITY,
    most: int = 10_000,
) -> int:
    """The least seeds per example with which ``examples`` examples confirm a statement failing
    at ``δ/2`` with probability at least ``pass_probability`` (module docstring)."""
    require_open_unit_interval("delta", delta, "seeds_for_pooled_confirmation")
    require_open_unit_interval("alpha", alpha, "seeds_for_pooled_confirmation")
    require_positive_int("examples", examples, "seeds_for_pooled_confirmation")
    require_non_negative("miscoverage", miscoverage, "seeds_for_pooled_confirmation")
    require_open_unit_interval(
        "pass_probability", pass_probability, "seeds_for_pooled_confirmation"
    )
    for k in range(1, most + 1):
        if pooled_pass_probability(examples * k, delta, alpha, miscoverage) >= pass_probability:
            return k
    raise ParameterRangeError(
        "miscoverage",
        miscoverage,
        f"well below δ/2 = {delta / 2:g}: with up to {most} seeds per example the pooled rule "
        f"cannot confirm a statement failing at δ/2 with probability {pass_probability:g}",
        "seeds_for_pooled_confirmation",
    )
