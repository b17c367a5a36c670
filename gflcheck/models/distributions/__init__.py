"""Data distributions with explicit samplers and exact population quantities."""

from gflcheck.models.distributions.gaussian_mixture import (
    GaussianMixture,
    multi_xor_mixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)
from gflcheck.models.distributions.linear_margin import LinearMargin
from gflcheck.models.distributions.margin_sphere import MarginSphere
from gflcheck.models.distributions.multiple_index import ConeLink, MultipleIndex, xor_link
from gflcheck.models.distributions.structured_parity import StructuredParity
from gflcheck.models.distributions.xor_cube import XorCube

__all__ = [
    "ConeLink",
    "GaussianMixture",
    "LinearMargin",
    "MarginSphere",
    "MultipleIndex",
    "StructuredParity",
    "XorCube",
    "multi_xor_mixture",
    "orthogonal_mixture",
    "three_cluster_example",
    "two_cluster_mixture",
    "xor_link",
    "xor_mixture",
]
