"""Gaussian mixtures with labels: sampling and exact population quantities.

``x ~ N(μ_j, σ² I_d)`` with probability ``π_j``, label ``y = y_j ∈ {±1}`` (docs/setups.md §1.4, the
mixture family of Shi–Wei–Liang's applications; the concrete families here are ``ours``).

Exact quantities (docs/setups.md §1.4): for ``z = wᵀx`` with ``x ~ N(μ, σ²I)``, ``s = σ‖w‖``,

    E[x·1[z > b]] = μ·Φ((wᵀμ − b)/s) + (σ²w/s)·φ((wᵀμ − b)/s),

so the simplified gradient vector of Shi–Wei–Liang (Definition, eq. 2)

    G(w, b) = E[y·x·1[wᵀx > b]] = Σ_j π_j y_j (μ_j Φ(z_j) + σ ŵ φ(z_j)),  z_j = (wᵀμ_j − b)/s,

is a finite sum. ``E‖x‖`` is a mixture of non-central chi means,
``σ√2·Γ((d+1)/2)/Γ(d/2)·₁F₁(−½; d/2; −λ²/2)`` with ``λ = ‖μ_j‖/σ``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import mpmath
import numpy as np
import torch
from scipy import special

from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.validation import require_int_at_least, require_positive, require_positive_int

_SQRT_TWO_PI = math.sqrt(2.0 * math.pi)


@dataclass(frozen=True, eq=False)
class GaussianMixture:
    """A labelled isotropic Gaussian mixture.

    ``means`` is ``[r, d]``; ``weights`` (``π``, summing to 1) and ``labels`` (±1) are ``[r]``;
    ``noise`` is the per-coordinate standard deviation ``σ``. Tensors are stored in float64.
    """

    label_is_function_of_input: ClassVar[bool] = False  # then the Bayes risk is 0
    simplified_gradient_method: ClassVar[str] = "exact (finite sum of Gaussian integrals)"

    means: torch.Tensor
    noise: float
    weights: torch.Tensor
    labels: torch.Tensor
    name: str = "gaussian mixture"

    def __post_init__(self) -> None:
        means = torch.as_tensor(self.means, dtype=torch.float64)
        if means.ndim != 2 or means.shape[0] < 1 or means.shape[1] < 1:
            raise ParameterRangeError("means", tuple(means.shape), "a [r, d] array, r ≥ 1, d ≥ 1")
        r = means.shape[0]
        weights = torch.as_tensor(self.weights, dtype=torch.float64)
        labels = torch.as_tensor(self.labels, dtype=torch.float64)
        if weights.shape != (r,) or not bool(torch.all(weights > 0)):
            raise ParameterRangeError("weights", weights.tolist(), f"{r} positive numbers")
        if not math.isclose(float(weights.sum()), 1.0, rel_tol=0, abs_tol=1e-9):
            raise ParameterRangeError("weights", weights.tolist(), "numbers summing to 1")
        if labels.shape != (r,) or not bool(torch.all(labels.abs() == 1)):
            raise ParameterRangeError("labels", labels.tolist(), f"{r} values in {{-1, +1}}")
        if not bool(torch.all(torch.isfinite(means))):
            raise ParameterRangeError("means", "non-finite entries", "finite numbers")
        require_positive("noise", self.noise, self.name)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "noise", float(self.noise))
        object.__setattr__(self, "_cumulative_weights", torch.cumsum(weights, 0))

    @property
    def dimension(self) -> int:
        """``d``."""
        return int(self.means.shape[1])

    @property
    def n_clusters(self) -> int:
        """``r``, the number of clusters."""
        return int(self.means.shape[0])

    # -- sampling -------------------------------------------------------------------------------
    def sample(
        self, n: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw ``n`` labelled points: ``x`` of shape ``[n, d]`` and ``y`` of shape ``[n]``.

        The noise is drawn in ``dtype`` directly (float32 normals are several times cheaper), so
        the same generator state gives different numbers in different dtypes.
        """
        require_positive_int("n", n, "GaussianMixture.sample")
        uniform = torch.rand(n, generator=generator, dtype=torch.float64)
        component = torch.searchsorted(self._cumulative_weights, uniform, right=True)
        component.clamp_(max=self.n_clusters - 1)  # guards a cumulative sum just below 1
        x = torch.randn(n, self.dimension, generator=generator, dtype=dtype).mul_(self.noise)
        x += self.means.to(dtype).index_select(0, component)
        return x, self.labels.to(dtype).index_select(0, component)

    # -- exact population quantities ------------------------------------------------------------
    def simplified_gradient(self, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Exact ``G(w, b) = E[y x 1[wᵀx > b]]``, batched: ``w [..., d]``, ``b [...]`` → ``[..., d]``.

        For ``w = 0`` the indicator is ``1[0 > b]`` and ``G = 1[b < 0]·E[y x]``.
        """
        w = torch.as_tensor(w, dtype=torch.float64)
        b = torch.as_tensor(b, dtype=torch.float64)
        if w.shape[-1] != self.dimension or w.shape[:-1] != b.shape:
            raise ParameterRangeError(
                "w, b",
                (tuple(w.shape), tuple(b.shape)),
                f"shapes [..., {self.dimension}] and [...]",
            )
        norm = w.norm(dim=-1)  # [...]
        spread = self.noise * norm
        safe_spread = torch.where(spread > 0, spread, torch.ones_like(spread))
        z = (w @ self.means.T - b[..., None]) / safe_spread[..., None]  # [..., r]
        degenerate = (spread == 0)[..., None]
        cdf = torch.where(degenerate, (b[..., None] < 0).to(z.dtype), torch.special.ndtr(z))
        pdf = torch.where(degenerate, torch.zeros_like(z), torch.exp(-0.5 * z**2) / _SQRT_TWO_PI)
        signed = self.weights * self.labels  # π_j y_j
        mean_part = (cdf * signed) @ self.means
        unit_w = w / torch.where(norm > 0, norm, torch.ones_like(norm))[..., None]
        noise_part = self.noise * unit_w * (pdf * signed).sum(-1, keepdim=True)
        return mean_part + noise_part

    def positive_probability(self) -> float:
        """``π₊ = Pr[y = +1] = Σ_{j: y_j = +1} π_j``, exactly."""
        return float(self.weights.double()[self.labels > 0].sum())

    def expected_norm(self) -> float:
        """Exact ``E‖x‖`` (a mixture of non-central chi means, ``√2·σ·Γ((d+1)/2)/Γ(d/2)·
        ₁F₁(−½; d/2; −c²/2)``; scipy's ``hyp1f1``, and mpmath's where scipy's overflows, as it
        does from about d = 180 with ‖μ‖/σ = 10)."""
        d = self.dimension
        centrality = (self.means.norm(dim=-1) / self.noise).numpy()
        log_ratio = special.gammaln((d + 1) / 2) - special.gammaln(d / 2)
        confluent = special.hyp1f1(-0.5, d / 2, -(centrality**2) / 2)
        confluent = np.where(
            np.isfinite(confluent),
            confluent,
            [float(mpmath.hyp1f1(-0.5, d / 2, -(c**2) / 2)) for c in centrality],
        )
        chi_means = self.noise * math.sqrt(2.0) * math.exp(log_ratio) * confluent
        return float(np.dot(self.weights.numpy(), chi_means))

    def expected_squared_norm(self) -> float:
        """Exact ``E‖x‖² = Σ_j π_j (‖μ_j‖² + dσ²)``."""
        squared = self.means.pow(2).sum(-1) + self.dimension * self.noise**2
        return float(self.weights @ squared)

    def positive_posterior(self, x: torch.Tensor) -> torch.Tensor:
        """Exact ``η(x) = Pr[y = +1 | x]`` for points ``x [..., d]``."""
        x = torch.as_tensor(x, dtype=torch.float64)
        squared_distance = (x[..., None, :] - self.means).pow(2).sum(-1)  # [..., r]
        log_joint = torch.log(self.weights) - squared_distance / (2 * self.noise**2)
        positive = torch.logsumexp(log_joint.masked_fill(self.labels < 0, -math.inf), dim=-1)
        return torch.exp(positive - torch.logsumexp(log_joint, dim=-1))


# -- families -----------------------------------------------------------------------------------
def orthonormal_directions(dimension: int, count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` orthonormal vectors in ``R^dimension`` (rows), uniformly rotated (QR of a Gaussian)."""
    require_int_at_least("count", count, 1, "orthonormal_directions")
    if count > dimension:
        raise ParameterRangeError("count", count, f"an integer ≤ d = {dimension}")
    gaussian = torch.randn(dimension, count, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(gaussian)
    return (q * torch.sign(torch.diagonal(r))).T


def orthogonal_mixture(
    dimension: int,
    labels: Sequence[int],
    separation: float,
    noise: float,
    generator: torch.Generator,
) -> GaussianMixture:
    """Equal-weight clusters at ``separation·u_j`` for random orthonormal ``u_j``, labels as given."""
    require_int_at_least("dimension", dimension, len(labels), "orthogonal_mixture (d ≥ r)")
    require_positive("separation", separation, "orthogonal_mixture")
    directions = orthonormal_directions(dimension, len(labels), generator)
    r = len(labels)
    return GaussianMixture(
        separation * directions,
        noise,
        torch.full((r,), 1.0 / r, dtype=torch.float64),
        torch.tensor(labels, dtype=torch.float64),
        name=f"orthogonal mixture (r={r})",
    )


def xor_mixture(
    dimension: int, separation: float, noise: float, generator: torch.Generator
) -> GaussianMixture:
    """The XOR-like mixture: ``±μ₁`` labelled +1, ``±μ₂`` labelled −1, ``μ₁ ⊥ μ₂``, equal weights."""
    require_int_at_least("dimension", dimension, 2, "xor_mixture")
    require_positive("separation", separation, "xor_mixture")
    u = orthonormal_directions(dimension, 2, generator)
    means = separation * torch.stack([u[0], -u[0], u[1], -u[1]])
    return GaussianMixture(
        means,
        noise,
        torch.full((4,), 0.25, dtype=torch.float64),
        torch.tensor([1.0, 1.0, -1.0, -1.0], dtype=torch.float64),
        name="XOR-like mixture",
    )


def multi_xor_mixture(
    dimension: int, directions: int, separation: float, noise: float, generator: torch.Generator
) -> GaussianMixture:
    """``q`` orthonormal directions ``u_j``; clusters ``±R·u_j`` both labelled ``(−1)^j``, equal
    weights. For ``q = 2`` this is the XOR-like mixture; each direction needs an even feature
    (two neurons), so no single neuron pair fits the label (``ours``)."""
    require_int_at_least("directions", directions, 2, "multi_xor_mixture")
    require_int_at_least("dimension", dimension, directions, "multi_xor_mixture (d ≥ q)")
    require_positive("separation", separation, "multi_xor_mixture")
    u = orthonormal_directions(dimension, directions, generator)
    labels = torch.tensor([(-1.0) ** j for j in range(directions)], dtype=torch.float64)
    r = 2 * directions
    return GaussianMixture(
        separation * torch.cat([u, -u]),
        noise,
        torch.full((r,), 1.0 / r, dtype=torch.float64),
        torch.cat([labels, labels]),
        name=f"{directions}-direction XOR mixture",
    )


def two_cluster_mixture(
    dimension: int, separation: float, noise: float, generator: torch.Generator
) -> GaussianMixture:
    """Two clusters ``±μ`` with labels ``±1``: linearly separable up to noise."""
    require_int_at_least("dimension", dimension, 1, "two_cluster_mixture")
    require_positive("separation", separation, "two_cluster_mixture")
    u = orthonormal_directions(dimension, 1, generator)[0]
    return GaussianMixture(
        separation * torch.stack([u, -u]),
        noise,
        torch.tensor([0.5, 0.5], dtype=torch.float64),
        torch.tensor([1.0, -1.0], dtype=torch.float64),
        name="two-cluster mixture",
    )


def three_cluster_example(
    separation: float = 4.0,
    noise: float = 0.5,
    dimension: int = 2,
    generator: torch.Generator | None = None,
) -> GaussianMixture:
    """The three-cluster picture of the GFL poster (``ours``: its labels and radii are not given).

    Clusters at angles 90°, 210°, 330° on a circle of radius ``separation``, labelled +1, −1, +1,
    equal weights, in the plane of the first two coordinates; for ``dimension > 2`` that plane is
    a random one, drawn from ``generator``.
    """
    require_positive("separation", separation, "three_cluster_example")
    require_int_at_least("dimension", dimension, 2, "three_cluster_example")
    angles = torch.tensor([90.0, 210.0, 330.0], dtype=torch.float64) * math.pi / 180
    planar = separation * torch.stack([torch.cos(angles), torch.sin(angles)], dim=-1)
    if dimension == 2:
        means = planar
    elif generator is None:
        raise ParameterRangeError("generator", None, "a torch.Generator when dimension > 2")
    else:
        means = planar @ orthonormal_directions(dimension, 2, generator)
    return GaussianMixture(
        means,
        noise,
        torch.full((3,), 1.0 / 3, dtype=torch.float64),
        torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64),
        name=f"three-cluster example (d={dimension})",
    )
