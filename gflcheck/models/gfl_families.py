"""The four families of GFL's applications as settings of Theorem 3.12's free parameters: a
Gaussian mixture (XOR-like, orthogonal, two- and three-cluster), structured k-sparse parity, linear
data with a margin and a two-index model (docs/setups.md §1.4). Each setting draws its
distribution from its own seed and builds an explicit member of the network class (the ground
truth behind the upper bound on OPT), with neuron biases at ``bias_fraction`` of the margin."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from gflcheck.models.distributions.gaussian_mixture import (
    GaussianMixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)
from gflcheck.models.distributions.linear_margin import LinearMargin
from gflcheck.models.distributions.multiple_index import MultipleIndex
from gflcheck.models.distributions.structured_parity import StructuredParity
from gflcheck.models.ground_truth import (
    GroundTruthNetwork,
    gaussian_mixture_ground_truth,
    linear_margin_ground_truth,
    multiple_index_ground_truth,
    structured_parity_ground_truth,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.profiles import log_uniform
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)

FAMILIES = ("xor", "orthogonal", "two-cluster", "three-cluster")


HINGE_TRIVIAL_LOSS = 1.0
"""The hinge loss of ``f ≡ 0``: a bound on ``L_D`` at or above it is vacuous."""


@dataclass(frozen=True)
class MixtureSetting:
    """One setting of the theorem's free parameters on a Gaussian-mixture family.

    ``family``: ``xor`` (r=4), ``orthogonal`` (``labels`` give r and the labels), ``two-cluster``
    (r=2) or ``three-cluster`` (the 2-D poster example, embedded in R^d for d > 2). ``separation`` is ``‖μ_j‖``,
    ``noise`` is ``σ``. ``seed`` drives every random draw of the check.
    """

    family: str
    dimension: int
    separation: float
    noise: float
    gamma: float
    epsilon: float
    delta: float
    seed: int
    labels: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ParameterRangeError("family", self.family, f"one of {FAMILIES}")
        require_positive_int("dimension", self.dimension, "MixtureSetting")
        require_positive("separation", self.separation, "MixtureSetting")
        require_positive("noise", self.noise, "MixtureSetting")
        require_open_unit_interval("gamma", self.gamma, "MixtureSetting")
        require_open_unit_interval("epsilon", self.epsilon, "MixtureSetting")
        require_open_unit_interval("delta", self.delta, "MixtureSetting")
        require_int_at_least("seed", self.seed, 0, "MixtureSetting")
        if self.family == "orthogonal":
            if len(self.labels) < 1 or any(label not in (-1, 1) for label in self.labels):
                raise ParameterRangeError("labels", self.labels, "one or more values in {-1, +1}")
            require_int_at_least(
                "dimension", self.dimension, len(self.labels), "MixtureSetting (d ≥ r)"
            )
        if self.family in ("xor", "three-cluster"):
            require_int_at_least("dimension", self.dimension, 2, f"MixtureSetting ({self.family})")

    def distribution(self) -> GaussianMixture:
        """The distribution, drawn from this setting's ``"distribution"`` stream."""
        generator = torch_generator(self.seed, "distribution")
        d, R, sigma = self.dimension, self.separation, self.noise
        if self.family == "xor":
            return xor_mixture(d, R, sigma, generator)
        if self.family == "two-cluster":
            return two_cluster_mixture(d, R, sigma, generator)
        if self.family == "three-cluster":
            return three_cluster_example(R, sigma, d, generator)
        return orthogonal_mixture(d, self.labels, R, sigma, generator)

    def ground_truth(
        self, distribution: GaussianMixture, bias_fraction: float
    ) -> GroundTruthNetwork:
        """One neuron per cluster (:func:`gaussian_mixture_ground_truth`)."""
        return gaussian_mixture_ground_truth(distribution, bias_fraction)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1 = E‖x‖`` is computed."""
        return "E‖x‖ exact (mixture of non-central chi means)"


@dataclass(frozen=True)
class ParitySetting:
    """One setting of the theorem on structured ``k``-sparse parity (:class:`StructuredParity`):
    ``d``, ``k``, the structured weight ``ρ``; the support ``A`` is drawn from the setting's
    ``"distribution"`` stream."""

    dimension: int
    sparsity: int
    gamma: float
    epsilon: float
    delta: float
    seed: int
    structured_weight: float = 0.5

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "ParitySetting")
        require_positive_int("sparsity", self.sparsity, "ParitySetting")
        if self.sparsity > self.dimension:
            raise ParameterRangeError("sparsity", self.sparsity, f"k ≤ d = {self.dimension}")
        require_open_unit_interval("gamma", self.gamma, "ParitySetting")
        require_open_unit_interval("epsilon", self.epsilon, "ParitySetting")
        require_open_unit_interval("delta", self.delta, "ParitySetting")
        require_int_at_least("seed", self.seed, 0, "ParitySetting")

    @property
    def family(self) -> str:
        """``parity``."""
        return "parity"

    def distribution(self) -> StructuredParity:
        """The distribution; its support comes from this setting's ``"distribution"`` stream."""
        generator = torch_generator(self.seed, "distribution")
        support = torch.randperm(self.dimension, generator=generator)[: self.sparsity]
        return StructuredParity(
            self.dimension, tuple(sorted(int(j) for j in support)), self.structured_weight
        )

    def ground_truth(
        self, distribution: StructuredParity, bias_fraction: float
    ) -> GroundTruthNetwork:
        """``k + 1`` staircase neurons on ``Σ_{j∈A} x_j`` (:func:`structured_parity_ground_truth`)."""
        return structured_parity_ground_truth(distribution)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1 = E‖x‖`` is computed."""
        return "E‖x‖ = √d exactly (every point of the cube)"


@dataclass(frozen=True)
class LinearSetting:
    """One setting of the theorem on linear data with margin ``γ₀`` (:class:`LinearMargin`);
    the teacher comes from the setting's ``"distribution"`` stream."""

    dimension: int
    margin: float
    gamma: float
    epsilon: float
    delta: float
    seed: int

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "LinearSetting")
        require_positive("margin", self.margin, "LinearSetting")
        require_open_unit_interval("gamma", self.gamma, "LinearSetting")
        require_open_unit_interval("epsilon", self.epsilon, "LinearSetting")
        require_open_unit_interval("delta", self.delta, "LinearSetting")
        require_int_at_least("seed", self.seed, 0, "LinearSetting")

    @property
    def family(self) -> str:
        """``linear``."""
        return "linear"

    def distribution(self) -> LinearMargin:
        """The distribution; its teacher comes from this setting's ``"distribution"`` stream."""
        return LinearMargin.random(
            self.dimension, self.margin, torch_generator(self.seed, "distribution")
        )

    def ground_truth(self, distribution: LinearMargin, bias_fraction: float) -> GroundTruthNetwork:
        """Two neurons ``±u`` (:func:`linear_margin_ground_truth`)."""
        return linear_margin_ground_truth(distribution, bias_fraction)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1`` is computed."""
        return "√E‖x‖² exact, an upper bound on E‖x‖ (Jensen)"


@dataclass(frozen=True)
class MultipleIndexSetting:
    """One setting of the theorem on the two-index model ``y = sign(⟨u₁,x⟩⟨u₂,x⟩)``,
    ``x ~ N(0, I_d)`` (:class:`MultipleIndex`); ``U`` comes from the setting's ``"distribution"``
    stream. ``output_scale`` is the ground truth's ``B_a1``."""

    dimension: int
    gamma: float
    epsilon: float
    delta: float
    seed: int
    output_scale: float = 2.0

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 8, "MultipleIndexSetting")
        require_open_unit_interval("gamma", self.gamma, "MultipleIndexSetting")
        require_open_unit_interval("epsilon", self.epsilon, "MultipleIndexSetting")
        require_open_unit_interval("delta", self.delta, "MultipleIndexSetting")
        require_int_at_least("seed", self.seed, 0, "MultipleIndexSetting")
        require_positive("output_scale", self.output_scale, "MultipleIndexSetting")

    @property
    def family(self) -> str:
        """``multiple-index``."""
        return "multiple-index"

    def distribution(self) -> MultipleIndex:
        """The model; its index pair comes from this setting's ``"distribution"`` stream."""
        return MultipleIndex.random(self.dimension, torch_generator(self.seed, "distribution"))

    def ground_truth(self, distribution: MultipleIndex, bias_fraction: float) -> GroundTruthNetwork:
        """One neuron per sector, in the index plane (:func:`multiple_index_ground_truth`)."""
        return multiple_index_ground_truth(distribution, output_scale=self.output_scale)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1`` is computed."""
        return "E‖x‖ exact (chi mean √2·Γ((d+1)/2)/Γ(d/2))"


GflSetting = MixtureSetting | ParitySetting | LinearSetting | MultipleIndexSetting


Distribution = GaussianMixture | StructuredParity | LinearMargin | MultipleIndex


_MAX_DIMENSION = 12


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
