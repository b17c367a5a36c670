"""How sure a verdict is (:class:`Confidence`), how many seeds it rests on (:class:`SeedPlan`),
and what a property over generated settings requires of its examples (:class:`PropertyRule`).

A statement "with probability ≥ 1 − δ" is checked on ``k`` seeds: *violated* by an exact binomial
test of "violation rate ≤ δ + β₋" at ``violation_alpha`` (the decision's share of the family-wise
α), *holds* when the Clopper–Pearson upper bound at level ``1 − alpha`` on the rate of seeds not
certified to satisfy the bound is at most ``δ``. ``k`` is the larger of the fewest seeds that can
confirm and the fewest that refute a violation rate of ``2δ`` with probability ``power``
(:func:`~gflcheck.core.verdicts.seeds_to_confirm`, :func:`~gflcheck.core.verdicts.seeds_for_power`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gflcheck.core.verdicts import (
    CONFIRMATION_ALPHA,
    DEFAULT_HOLDS_SHARE,
    POWER_TARGET,
    PROPERTY_SHARE,
    VIOLATION_ALPHA,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import stream_seed
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_non_negative,
    require_open_unit_interval,
    require_positive_int,
)

Miscoverage = float | tuple[float, float]


@dataclass(frozen=True)
class Confidence:
    """The error rates a check declares.

    - ``delta``: the statement's failure probability ``δ``, a number or a function of the setting;
    - ``alpha``: the level of *holds* (the confidence of the upper bounds that confirm);
    - ``violation_alpha``: the level of *violated*, this decision's share of the family-wise α
      (:data:`~gflcheck.core.verdicts.FAMILY_ALPHA`);
    - ``power``: the chance of refuting a violation rate of ``2δ`` that the seed count must reach
      (``None``: not planned for; the verdict still reports what its seeds reach);
    - ``miscoverage``: the measurement's per-seed miscoverage, one number or ``(lower's,
      upper's)``, or a function of the setting, known before measuring (a measurement with
      larger miscoverage is refused);
    - ``bound_miscoverage``: the chance that estimated bound values (an upper bound on OPT, say)
      are wrong; it adds to the declared false-alarm rate.
    """

    delta: float | Callable[[Any], float] = 0.05
    alpha: float = CONFIRMATION_ALPHA
    violation_alpha: float = VIOLATION_ALPHA
    power: float | None = POWER_TARGET
    miscoverage: Miscoverage | Callable[[Any], Miscoverage] = 0.0
    bound_miscoverage: float = 0.0

    def __post_init__(self) -> None:
        if not callable(self.delta):
            require_open_unit_interval("delta", self.delta, "Confidence")
        require_open_unit_interval("alpha", self.alpha, "Confidence")
        require_open_unit_interval("violation_alpha", self.violation_alpha, "Confidence")
        if self.power is not None:
            require_open_unit_interval("power", self.power, "Confidence")
        require_non_negative("bound_miscoverage", self.bound_miscoverage, "Confidence")
        if not callable(self.miscoverage):
            self.declared_miscoverage(None, "Confidence")

    def failure_probability(self, setting: Any, where: str) -> float:
        """``δ`` on ``setting``."""
        delta = self.delta(setting) if callable(self.delta) else self.delta
        return require_open_unit_interval("delta", delta, where)

    def declared_miscoverage(self, setting: Any, where: str) -> tuple[float, float]:
        """The measurement's declared ``(lower's, upper's)`` miscoverage on ``setting``."""
        value = self.miscoverage(setting) if callable(self.miscoverage) else self.miscoverage
        sides = [float(side) for side in np.atleast_1d(value)]
        if len(sides) not in (1, 2) or not all(0.0 <= side < 1.0 for side in sides):
            raise ParameterRangeError("miscoverage", value, "in [0, 1), or a pair of such", where)
        return sides[0], sides[-1]


@dataclass(frozen=True)
class SeedPlan:
    """The seeds a check runs: ``count`` fixed, else ``k = max(minimum, the fewest that confirm
    *holds* with ``unconfirmed`` seeds not certified to satisfy the statement, the fewest that
    reach the power, the fewest with which ``pooled_over`` examples confirm a statement failing
    at δ/2)``, drawn from the streams ``"{stream}-i"`` (default: the check's name) of the
    setting's ``seed``."""

    count: int | None = None
    minimum: int = 1
    unconfirmed: int = 0
    stream: str | None = None
    pooled_over: int = 1
    """The examples of a property whose confirmation is pooled
    (:mod:`~gflcheck.core.pooled`): above 1, ``k`` is at least
    :func:`~gflcheck.core.pooled.seeds_for_pooled_confirmation` for that many examples."""

    def __post_init__(self) -> None:
        if self.count is not None:
            require_positive_int("count", self.count, "SeedPlan")
        require_positive_int("minimum", self.minimum, "SeedPlan")
        require_int_at_least("unconfirmed", self.unconfirmed, 0, "SeedPlan")
        require_positive_int("pooled_over", self.pooled_over, "SeedPlan")

    def seeds(self, seed: int, count: int, name: str) -> tuple[int, ...]:
        """``count`` run seeds from the streams ``"{stream or name}-i"`` of ``seed``."""
        stream = self.stream or name
        return tuple(stream_seed(seed, f"{stream}-{i}") for i in range(count))


@dataclass(frozen=True)
class PropertyRule:
    """What a property over generated settings requires of its examples: at least
    ``holds_share`` of a true statement's examples are informative (below ½ only with a
    ``reason``, shown with the verdicts): not vacuous, with their seeds pooled confirming a "with
    probability" statement (:mod:`~gflcheck.core.pooled`), or HOLDS for other kinds; a false
    variant near the truth is refuted at ``detection_rate`` by an exact binomial test over its
    examples instead of on every example (``None``).

    ``share`` is the property's part of the pytest session's family-wise α: over a true
    statement, each of its ``N = max_examples`` examples is judged at a declared false-alarm rate
    of at most ``share / N`` (:meth:`example_confidence`), so by the union bound the property
    raises a false alarm with probability at most ``share`` whatever its examples are."""

    holds_share: float = DEFAULT_HOLDS_SHARE
    reason: str | None = None
    detection_rate: float | None = None
    share: float = PROPERTY_SHARE

    def __post_init__(self) -> None:
        if not 0.0 <= self.holds_share <= 1.0:
            raise ParameterRangeError("holds_share", self.holds_share, "[0, 1]", "PropertyRule")
        if self.holds_share < DEFAULT_HOLDS_SHARE and not self.reason:
            raise ParameterRangeError(
                "reason",
                self.reason,
                f"a reason, shown with the verdicts, for requiring fewer than "
                f"{DEFAULT_HOLDS_SHARE:.0%} of the examples to hold",
                "PropertyRule",
            )
        if self.detection_rate is not None:
            require_open_unit_interval("detection_rate", self.detection_rate, "PropertyRule")
        require_open_unit_interval("share", self.share, "PropertyRule")

    def example_confidence(self, confidence: Confidence, examples: int, where: str) -> Confidence:
        """``confidence`` with each of ``examples`` examples at its part of :attr:`share`:
        ``α_v = min(declared α_v, share/examples − bound_miscoverage)`` (refused when that
        leaves nothing)."""
        per_example = self.share / examples
        violation_alpha = per_example - confidence.bound_miscoverage
        if violation_alpha <= 0:
            raise ParameterRangeError(
                "share",
                self.share,
                f"above max_examples × bound_miscoverage = {examples} × "
                f"{confidence.bound_miscoverage:g}: each example's share {per_example:.3g} is "
                "spent before its own test. Declare a larger PropertyRule(share=…), or estimate "
                "the bound's values at a smaller miscoverage",
                where,
            )
        return replace(confidence, violation_alpha=min(confidence.violation_alpha, violation_alpha))


def require_claim_plan(confidence: Any, seed_plan: Any, owner: str) -> None:
    """A claim configuration's ``confidence`` and ``seed_plan``: a :class:`Confidence` and a
    :class:`SeedPlan` whose parts the claim sets itself are left at their defaults (``δ`` is the
    setting's, the measurement's miscoverage and the bound's follow from the claim's own
    constants, and the claim names its seed stream), or
    :class:`~gflcheck.runtime.errors.ParameterRangeError` naming the part."""
    for name, value, kind in (
        ("confidence", confidence, Confidence),
        ("seed_plan", seed_plan, SeedPlan),
    ):
        if not isinstance(value, kind):
            raise ParameterRangeError(name, value, f"a {kind.__name__}(...)", owner)
    fixed = (
        ("confidence.delta", confidence.delta, Confidence.delta, "the setting's δ"),
        ("confidence.miscoverage", confidence.miscoverage, Confidence.miscoverage, "the claim's"),
        (
            "confidence.bound_miscoverage",
            confidence.bound_miscoverage,
            Confidence.bound_miscoverage,
            "the claim's",
        ),
        ("seed_plan.stream", seed_plan.stream, SeedPlan.stream, "the claim's"),
    )
    for name, value, default, whose in fixed:
        if value != default:
            raise ParameterRangeError(
                name, value, f"the default ({default!r}): the claim uses {whose}", owner
            )
