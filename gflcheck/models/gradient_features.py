"""Gradient features (Shi–Wei–Liang, Definitions of the simplified gradient vector and of S_{p,γ,B_G}).

``G(w, b) = E_{(x,y)~D}[y x 1[wᵀx > b]]``. A unit direction ``D`` with bias sign ``s`` is in the
gradient feature set ``S_{p,γ,B_G}(𝒲, ℬ)`` when

    Pr_{(w,b)~(𝒲,ℬ)} [ |⟨G(w,b), D⟩| / ‖G(w,b)‖ > 1 − γ,  ‖G(w,b)‖ ≥ B_G,  b/|b| = s ] ≥ p.

This module estimates that probability (the *hit rate*) from ``N`` initial draws, with ``G`` exact
when the distribution has a closed form, and gives its Clopper–Pearson lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch

from gflcheck.core.estimators import IntervalEstimate, clopper_pearson, student_t_interval
from gflcheck.models.networks import InitializationLaw
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import (
    require_non_negative,
    require_open_unit_interval,
    require_positive_int,
)


class HasSimplifiedGradient(Protocol):
    """A distribution that gives exact ``G(w, b)``, batched."""

    @property
    def dimension(self) -> int: ...

    def simplified_gradient(self, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor: ...


def empirical_simplified_gradient(
    x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor
) -> torch.Tensor:
    """``Ĝ(w, b) = (1/n) Σ_j y_j x_j 1[wᵀx_j > b]`` on a sample ``x [n, d]``, ``y [n]``.

    ``w [..., d]``, ``b [...]`` → ``[..., d]``.
    """
    return (_signed_activity(x, y, w, b) @ x) / x.shape[0]


def monte_carlo_simplified_gradient(
    x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor, miscoverage: float
) -> IntervalEstimate:
    """``Ĝ(w, b)`` with per-coordinate one-sided t bounds; ``estimate`` is ``[..., d]``."""
    terms = _signed_activity(x, y, w, b)[..., None, :] * x.T  # [..., d, n]
    return student_t_interval(terms.double(), miscoverage)


def _signed_activity(
    x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor
) -> torch.Tensor:
    """``y_j·1[wᵀx_j > b]`` of shape ``[..., n]``."""
    return (w.to(x.dtype) @ x.T > b.to(x.dtype)[..., None]).to(x.dtype) * y


@dataclass(frozen=True)
class HitRate:
    """Hit rates of ``r`` candidate features ``(D_j, s_j)`` over ``draws`` initial ``(w, b)``.

    ``p`` is the smallest Clopper–Pearson lower bound: the ``p`` for which every ``(D_j, s_j)``
    is in ``S_{p,γ,B_G}`` (each bound with one-sided miscoverage ``interval.miscoverage``).
    """

    hits: np.ndarray
    draws: int
    interval: IntervalEstimate
    gamma: float
    gradient_norm_floor: float

    @property
    def p(self) -> float:
        """``min_j`` of the lower confidence bounds."""
        return float(np.min(self.interval.lower))


def gradient_feature_hit_rate(
    distribution: HasSimplifiedGradient,
    directions: torch.Tensor,
    signs: torch.Tensor,
    gamma: float,
    gradient_norm_floor: float,
    initialization: InitializationLaw,
    draws: int,
    generator: torch.Generator,
    miscoverage: float,
) -> HitRate:
    """Estimate ``Pr[(D_j, s_j) is hit]`` for each row of ``directions`` (unit) and ``signs`` (±1).

    A draw ``(w, b)`` hits ``(D, s)`` when ``|⟨G,D⟩|/‖G‖ > 1 − γ``, ``‖G‖ ≥ B_G`` and ``sign b = s``.
    The Clopper–Pearson bound is taken per direction; ``HitRate.p`` is their minimum, and with a union
    bound all ``r`` hold together with probability ≥ ``1 − r·miscoverage``.
    """
    require_open_unit_interval("gamma", gamma, "gradient_feature_hit_rate")
    require_non_negative("gradient_norm_floor", gradient_norm_floor, "gradient_feature_hit_rate")
    require_positive_int("draws", draws, "gradient_feature_hit_rate")
    directions = torch.as_tensor(directions, dtype=torch.float64)
    signs = torch.as_tensor(signs, dtype=torch.float64)
    if directions.ndim != 2 or directions.shape[1] != distribution.dimension:
        raise ParameterRangeError(
            "directions", tuple(directions.shape), f"[r, {distribution.dimension}]"
        )
    if not torch.allclose(
        directions.norm(dim=-1), torch.ones(len(directions), dtype=torch.float64)
    ):
        raise ParameterRangeError("directions", "rows of norm ≠ 1", "unit vectors")
    if signs.shape != (len(directions),) or not bool(torch.all(signs.abs() == 1)):
        raise ParameterRangeError("signs", signs.tolist(), "one ±1 per direction")
    w, b = initialization.sample_first_layer(draws, distribution.dimension, generator)
    gradient = distribution.simplified_gradient(w, b)  # [N, d]
    norm = gradient.norm(dim=-1)
    cosine = (gradient @ directions.T).abs() / norm.clamp_min(1e-300)[:, None]  # [N, r]
    hit = (
        (cosine > 1 - gamma)
        & (norm >= gradient_norm_floor)[:, None]
        & (torch.sign(b)[:, None] == signs)
    )
    hits = hit.sum(0).numpy()
    return HitRate(
        hits=hits,
        draws=draws,
        interval=clopper_pearson(hits, draws, miscoverage),
        gamma=gamma,
        gradient_norm_floor=gradient_norm_floor,
    )
