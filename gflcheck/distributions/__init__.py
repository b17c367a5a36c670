"""Data distributions with explicit samplers and exact population quantities."""

from gflcheck.distributions.gaussian_mixture import (
    GaussianMixture,
    multi_xor_mixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)
from gflcheck.distributions.linear_margin import LinearMargin
from gflcheck.distributions.margin_sphere import MarginSphere
from gflcheck.distributions.multiple_index import ConeLink, MultipleIndex, xor_link
from gflcheck.distributions.structured_parity import StructuredParity
from gflcheck.distributions.xor_cube import XorCube

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
