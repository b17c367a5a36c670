"""The families of GFL's applications as one setting of Theorem 3.12's free parameters
(:class:`GflSetting`) and a table of families (:data:`FAMILY_TABLE`): Gaussian mixtures
(XOR-like, orthogonal, two- and three-cluster), structured k-sparse parity, linear data with a
margin and a two-index model (docs/setups.md §1.4). Each setting draws its distribution from its
own seed and builds an explicit member of the network class (the ground truth behind the upper
bound on OPT), with neuron biases at ``bias_fraction`` of the margin."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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

MIXTURE_FAMILIES = ("xor", "orthogonal", "two-cluster", "three-cluster")
"""The Gaussian-mixture families (:func:`mixture_settings` draws among them)."""


HINGE_TRIVIAL_LOSS = 1.0
"""The hinge loss of ``f ≡ 0``: a bound on ``L_D`` at or above it is vacuous."""


Distribution = GaussianMixture | StructuredParity | LinearMargin | MultipleIndex


@dataclass(frozen=True)
class GflSetting:
    """One setting of Theorem 3.12's free parameters on one of the GFL families of
    :data:`FAMILY_TABLE`: its ``dimension`` ``d``, ``γ``, ``ε``, ``δ`` and the ``seed`` that
    drives every random draw of the check, and the family's own parameters (the others stay
    ``None``):

    - the mixtures ``xor`` (r = 4), ``orthogonal`` (``labels`` give r and the labels),
      ``two-cluster`` (r = 2) and ``three-cluster`` (the poster's 2-D example, embedded in
      ``R^d``): ``separation`` ``‖μ‖`` and ``noise`` ``σ``;
    - ``parity``, structured ``k``-sparse parity: ``sparsity`` ``k`` and ``structured_weight``
      ``ρ`` (default ½); the support ``A`` is drawn from the setting's stream;
    - ``linear``, linear data with a margin: ``margin`` ``γ₀``;
    - ``multiple-index``, ``y = sign(⟨u₁,x⟩⟨u₂,x⟩)`` on ``N(0, I_d)``: ``output_scale`` (the
      explicit member's ``B_a1``, default 2).
    """

    family: str
    dimension: int
    gamma: float
    epsilon: float
    delta: float
    seed: int
    separation: float | None = None
    noise: float | None = None
    labels: tuple[int, ...] = ()
    sparsity: int | None = None
    structured_weight: float | None = None
    margin: float | None = None
    output_scale: float | None = None

    def __post_init__(self) -> None:
        if self.family not in FAMILY_TABLE:
            raise ParameterRangeError("family", self.family, f"one of {list(FAMILY_TABLE)}")
        context = f"GflSetting(family={self.family!r})"
        family = FAMILY_TABLE[self.family]
        require_int_at_least("dimension", self.dimension, family.least_dimension, context)
        require_open_unit_interval("gamma", self.gamma, context)
        require_open_unit_interval("epsilon", self.epsilon, context)
        require_open_unit_interval("delta", self.delta, context)
        require_int_at_least("seed", self.seed, 0, context)
        for name, default in family.defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, default)
        for name in _FAMILY_FIELDS:
            given = getattr(self, name) not in (None, ())
            if given and name not in family.parameters:
                raise ParameterRangeError(
                    name,
                    getattr(self, name),
                    f"not a parameter of the {self.family} family "
                    f"(its parameters: {list(family.parameters)})",
                    context,
                )
            if not given and name in family.parameters and name != "labels":
                raise ParameterRangeError(name, None, "a value: the family needs it", context)
        family.validate(self, context)

    def reported_parameters(self) -> dict[str, object]:
        """The parameters a verdict reports, in order: the family, ``d``, the family's own
        parameters, ``γ``, ``ε``, ``δ`` and the seed."""
        own = {name: getattr(self, name) for name in FAMILY_TABLE[self.family].parameters}
        common = {"gamma": self.gamma, "epsilon": self.epsilon, "delta": self.delta}
        return {
            "family": self.family,
            "dimension": self.dimension,
            **own,
            **common,
            "seed": self.seed,
        }

    def distribution(self) -> Distribution:
        """The distribution, drawn from this setting's ``"distribution"`` stream."""
        generator = torch_generator(self.seed, "distribution")
        return FAMILY_TABLE[self.family].distribution(self, generator)

    def ground_truth(self, distribution: Distribution, bias_fraction: float) -> GroundTruthNetwork:
        """The explicit member ``f°`` of ``F_{d,r,B_F,S}`` behind the upper bound on ``OPT``."""
        return FAMILY_TABLE[self.family].ground_truth(self, distribution, bias_fraction)

    @property
    def input_norm_method(self) -> str:
        """How ``B_x1 = E‖x‖`` is computed."""
        return FAMILY_TABLE[self.family].input_norm_method


_FAMILY_FIELDS = (
    "separation",
    "noise",
    "labels",
    "sparsity",
    "structured_weight",
    "margin",
    "output_scale",
)


@dataclass(frozen=True)
class Family:
    """One row of :data:`FAMILY_TABLE`: the family's own parameters (fields of
    :class:`GflSetting`) with their defaults, its least ``d``, its checks of them, its
    distribution, its explicit member ``f°`` and how ``B_x1`` is computed."""

    parameters: tuple[str, ...]
    distribution: Callable[[GflSetting, torch.Generator], Distribution]
    ground_truth: Callable[[GflSetting, Distribution, float], GroundTruthNetwork]
    input_norm_method: str
    least_dimension: int = 1
    defaults: Mapping[str, float] = field(default_factory=dict)
    validate: Callable[[GflSetting, str], None] = lambda setting, context: None


def _check_mixture(setting: GflSetting, context: str) -> None:
    require_positive("separation", setting.separation, context)
    require_positive("noise", setting.noise, context)
    if setting.family != "orthogonal" and setting.labels:
        raise ParameterRangeError(
            "labels",
            setting.labels,
            "only the orthogonal family's (the others fix theirs)",
            context,
        )
    if setting.family == "orthogonal":
        if len(setting.labels) < 1 or any(label not in (-1, 1) for label in setting.labels):
            raise ParameterRangeError("labels", setting.labels, "one or more values in {-1, +1}")
        require_int_at_least(
            "dimension", setting.dimension, len(setting.labels), context + " (d ≥ r)"
        )


def _parity(setting: GflSetting, generator: torch.Generator) -> StructuredParity:
    support = torch.randperm(setting.dimension, generator=generator)[: setting.sparsity]
    return StructuredParity(
        setting.dimension, tuple(sorted(int(j) for j in support)), setting.structured_weight
    )


def _check_parity(setting: GflSetting, context: str) -> None:
    require_positive_int("sparsity", setting.sparsity, context)
    if setting.sparsity > setting.dimension:
        raise ParameterRangeError("sparsity", setting.sparsity, f"k ≤ d = {setting.dimension}")


_MIXTURE = dict(
    parameters=("separation", "noise", "labels"),
    ground_truth=lambda setting, distribution, fraction: gaussian_mixture_ground_truth(
        distribution, fraction
    ),
    input_norm_method="E‖x‖ exact (mixture of non-central chi means)",
    validate=_check_mixture,
)
FAMILY_TABLE: dict[str, Family] = {
    "xor": Family(
        distribution=lambda s, g: xor_mixture(s.dimension, s.separation, s.noise, g),
        **_MIXTURE,
        least_dimension=2,
    ),
    "orthogonal": Family(
        distribution=lambda s, g: orthogonal_mixture(
            s.dimension, s.labels, s.separation, s.noise, g
        ),
        **_MIXTURE,
    ),
    "two-cluster": Family(
        distribution=lambda s, g: two_cluster_mixture(s.dimension, s.separation, s.noise, g),
        **_MIXTURE,
    ),
    "three-cluster": Family(
        distribution=lambda s, g: three_cluster_example(s.separation, s.noise, s.dimension, g),
        **_MIXTURE,
        least_dimension=2,
    ),
    "parity": Family(
        ("sparsity", "structured_weight"),
        _parity,
        lambda setting, distribution, fraction: structured_parity_ground_truth(distribution),
        "E‖x‖ = √d exactly (every point of the cube)",
        least_dimension=2,
        defaults={"structured_weight": 0.5},
        validate=_check_parity,
    ),
    "linear": Family(
        ("margin",),
        lambda setting, generator: LinearMargin.random(
            setting.dimension, setting.margin, generator
        ),
        lambda setting, distribution, fraction: linear_margin_ground_truth(distribution, fraction),
        "√E‖x‖² exact, an upper bound on E‖x‖ (Jensen)",
        least_dimension=2,
        validate=lambda setting, context: require_positive("margin", setting.margin, context),
    ),
    "multiple-index": Family(
        ("output_scale",),
        lambda setting, generator: MultipleIndex.random(setting.dimension, generator),
        lambda setting, distribution, fraction: multiple_index_ground_truth(
            distribution, output_scale=setting.output_scale
        ),
        "E‖x‖ exact (chi mean √2·Γ((d+1)/2)/Γ(d/2))",
        least_dimension=8,
        defaults={"output_scale": 2.0},
        validate=lambda setting, context: require_positive(
            "output_scale", setting.output_scale, context
        ),
    ),
}
"""The families of GFL's applications (module docstring), one row each."""


_MAX_DIMENSION = 12


@st.composite
def mixture_settings(
    draw: st.DrawFn,
    families: st.SearchStrategy[str] = st.sampled_from(MIXTURE_FAMILIES),
    dimension: st.SearchStrategy[int] = st.integers(4, _MAX_DIMENSION),
    separation_to_noise: st.SearchStrategy[float] = st.floats(2.0, 10.0),
    noise: st.SearchStrategy[float] = st.floats(0.5, 2.0),
    gamma: st.SearchStrategy[float] = log_uniform(0.0005, 0.01),
    epsilon: st.SearchStrategy[float] = st.floats(0.05, 0.3),
    delta: st.SearchStrategy[float] = st.floats(0.15, 0.4),
    clusters: st.SearchStrategy[int] = st.integers(2, 4),
) -> GflSetting:
    """A mixture :class:`GflSetting`: family, ``d``, ``‖μ‖ = ratio·σ``, ``σ``, ``γ``, ``ε``, ``δ``, seed.

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
    return GflSetting(
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


def separated_mixture_settings() -> st.SearchStrategy[GflSetting]:
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
) -> st.SearchStrategy[GflSetting]:
    """Theorem 3.12 settings on structured ``k``-sparse parity (exact sums over the cube).

    The defaults keep ``m`` and ``T`` within the default budget: the hit rate ``p`` of the
    staircase features needs ``γ ≳ 0.1``, where the bound exceeds 1 (vacuous, and reported so).
    """
    return st.builds(
        GflSetting,
        family=st.just("parity"),
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
) -> st.SearchStrategy[GflSetting]:
    """Theorem 3.12 settings on linear data with a margin (Gaussian inputs outside a slab)."""
    return st.builds(
        GflSetting,
        family=st.just("linear"),
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
) -> st.SearchStrategy[GflSetting]:
    """Theorem 3.12 settings on the two-index model ``y = sign(⟨u₁,x⟩⟨u₂,x⟩)``.

    The hit rate of the diagonal features is ``p ≈ γ`` (0.02 at ``γ = 0.02``, 0.1 at ``γ = 0.1``,
    ``d = 8``), so ``γ ≥ 0.03`` keeps ``m`` within the default budget; there the bound is vacuous
    (above 4), and reported so.
    """
    return st.builds(
        GflSetting,
        family=st.just("multiple-index"),
        dimension=dimension,
        gamma=gamma,
        epsilon=epsilon,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )
