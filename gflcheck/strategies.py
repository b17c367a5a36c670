"""Hypothesis strategies for the theorems' free parameters. They compose: every argument is itself
a strategy, so a narrower region is one argument away.

>>> from hypothesis import strategies as st
>>> noisy = mixture_settings(separation_to_noise=st.floats(0.5, 1.2))
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from gflcheck.claims.lottery_tickets import LotterySetting
from gflcheck.claims.simplicity_bias import SimplicitySetting
from gflcheck.claims.xor_feature_learning import XorSetting
from gflcheck.models.gfl_families import (
    FAMILIES,
    LinearSetting,
    MixtureSetting,
    MultipleIndexSetting,
    ParitySetting,
)

_MAX_DIMENSION = 12

PROPERTY_SEEDS_REASON = (
    "the properties draw δ from [0.15, 0.4] and plan their seeds to confirm, not to the power "
    "target: at the target (a violation rate of 2δ refuted with probability 0.8 at the family "
    "share α_v = 0.00125) δ = 0.1 plans 175–229 seeds per example, δ = 0.2 76–86, 3–5× the seeds "
    "that confirm, and the probabilistic properties took 16 min instead of 5 on 2 cores (the "
    "lottery ticket alone 11 min). The main job checks δ = 0.2 at the power target, and every "
    "property verdict reports the power its seeds reach"
)
"""Why the repository's properties depart from δ ≤ 0.1 at the power target (a check
declares why not): the seed count at the target grows like ``1/δ``, and CI runs on 2 cores."""


def log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats spread evenly in ``log`` between ``low`` and ``high`` (both > 0)."""
    return st.floats(math.log(low), math.log(high)).map(math.exp)


@st.composite
def mixture_settings(
    draw: st.DrawFn,
    families: st.SearchStrategy[str] = st.sampled_from(FAMILIES),
    dimension: st.SearchStrategy[int] = st.integers(4, _MAX_DIMENSION),
    separation_to_noise: st.SearchStrategy[float] = st.floats(2.0, 10.0),
    noise: st.SearchStrategy[float] = st.floats(0.5, 2.0),
    gamma: st.SearchStrategy[float] = log_uniform(0.0005, 0.01),
    epsilon: st.SearchStrategy[float] = st.floats(0.05, 0.3),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
    clusters: st.SearchStrategy[int] = st.integers(2, 4),
) -> MixtureSetting:
    """A :class:`MixtureSetting`: family, ``d``, ``‖μ‖ = ratio·σ``, ``σ``, ``γ``, ``ε``, ``δ``, seed.

    For the ``orthogonal`` family, ``clusters`` gives ``r`` and the labels are drawn too
    (``d ≥ r`` is enforced by raising ``d``).
    """
    family = draw(families)
    d = draw(dimension)
    sigma = draw(noise)
    labels: tuple[int, ...] = ()
    if family == "orthogonal":
        r = draw(clusters)
        labels = tuple(draw(st.lists(st.sampled_from((-1, 1)), min_size=r, max_size=r)))
        d = max(d, len(labels))
    return MixtureSetting(
        family=family,
        dimension=d,
        separation=draw(separation_to_noise) * sigma,
        noise=sigma,
        gamma=draw(gamma),
        epsilon=draw(epsilon),
        delta=draw(delta),
        seed=draw(st.integers(0, 2**32 - 1)),
        labels=labels,
    )


def separated_mixture_settings() -> st.SearchStrategy[MixtureSetting]:
    """:func:`mixture_settings` where Theorem 3.12's bound is below 1 (not vacuous): well-separated
    clusters (``‖μ‖/σ ∈ [5, 10]``) and small ``γ`` (``0.001…0.004``) and ``ε`` (``0.02…0.1``)."""
    return mixture_settings(
        separation_to_noise=st.floats(5.0, 10.0),
        gamma=log_uniform(0.001, 0.004),
        epsilon=st.floats(0.02, 0.1),
    )


def xor_settings(
    dimension: st.SearchStrategy[int] = st.integers(2, 96),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
) -> st.SearchStrategy[XorSetting]:
    """An :class:`XorSetting`: ``d``, ``δ`` and a seed."""
    return st.builds(XorSetting, dimension=dimension, delta=delta, seed=st.integers(0, 2**32 - 1))


def parity_settings(
    dimension: st.SearchStrategy[int] = st.integers(6, 12),
    sparsity: st.SearchStrategy[int] = st.integers(2, 3),
    gamma: st.SearchStrategy[float] = st.floats(0.1, 0.3),
    epsilon: st.SearchStrategy[float] = st.floats(0.3, 0.5),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
) -> st.SearchStrategy[ParitySetting]:
    """Theorem 3.12 settings on structured ``k``-sparse parity (exact sums over the cube).

    The defaults keep ``m`` and ``T`` within the default budget: the hit rate ``p`` of the
    staircase features needs ``γ ≳ 0.1``, where the bound exceeds 1 (vacuous, and reported so).
    """
    return st.builds(
        ParitySetting,
        dimension=dimension,
        sparsity=sparsity,
        gamma=gamma,
        epsilon=epsilon,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )


def simplicity_settings(
    dimension: st.SearchStrategy[int] = st.integers(6, 11),
    width: st.SearchStrategy[int] = st.sampled_from((32, 64)),
    coefficient: st.SearchStrategy[float] = st.floats(0.5, 2.0),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.3),
) -> st.SearchStrategy[SimplicitySetting]:
    """Targets ``α·x₁ + β·x₂x₃`` on the cube, ``α, β`` drawn from ``coefficient``."""
    return st.builds(
        SimplicitySetting,
        dimension=dimension,
        width=width,
        linear_coefficient=coefficient,
        xor_coefficient=coefficient,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )


def lottery_settings(
    dimension: st.SearchStrategy[int] = st.integers(12, 24),
    directions: st.SearchStrategy[int] = st.integers(3, 4),
    per_cluster: st.SearchStrategy[int] = st.just(4),
    delta: st.SearchStrategy[float] = st.just(0.2),
) -> st.SearchStrategy[LotterySetting]:
    """``q``-direction XOR mixtures (‖μ‖ = 4, m = 128) and a ticket of ``per_cluster`` neurons per
    cluster (with 1–2 per cluster tickets trained worse than random subnetworks: see the README)."""
    return st.builds(
        LotterySetting,
        dimension=dimension,
        directions=directions,
        per_cluster=per_cluster,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )


def linear_settings(
    dimension: st.SearchStrategy[int] = st.integers(4, 16),
    margin: st.SearchStrategy[float] = st.floats(0.3, 1.5),
    gamma: st.SearchStrategy[float] = log_uniform(0.001, 0.01),
    epsilon: st.SearchStrategy[float] = st.floats(0.05, 0.2),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
) -> st.SearchStrategy[LinearSetting]:
    """Theorem 3.12 settings on linear data with a margin (Gaussian inputs outside a slab)."""
    return st.builds(
        LinearSetting,
        dimension=dimension,
        margin=margin,
        gamma=gamma,
        epsilon=epsilon,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )


def multiple_index_settings(
    dimension: st.SearchStrategy[int] = st.integers(8, 16),
    gamma: st.SearchStrategy[float] = log_uniform(0.03, 0.2),
    epsilon: st.SearchStrategy[float] = st.floats(0.1, 0.4),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
) -> st.SearchStrategy[MultipleIndexSetting]:
    """Theorem 3.12 settings on the two-index model ``y = sign(⟨u₁,x⟩⟨u₂,x⟩)``.

    The hit rate of the diagonal features is ``p ≈ γ`` (0.02 at ``γ = 0.02``, 0.1 at ``γ = 0.1``,
    ``d = 8``), so ``γ ≥ 0.03`` keeps ``m`` within the default budget; there the bound is vacuous
    (above 4), and reported so.
    """
    return st.builds(
        MultipleIndexSetting,
        dimension=dimension,
        gamma=gamma,
        epsilon=epsilon,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )
