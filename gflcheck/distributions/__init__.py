"""Data distributions with explicit samplers and exact population quantities."""

from gflcheck.distributions.gaussian_mixture import (
    GaussianMixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)
from gflcheck.distributions.xor_cube import XorCube

__all__ = [
    "GaussianMixture",
    "XorCube",
    "orthogonal_mixture",
    "three_cluster_example",
    "two_cluster_mixture",
    "xor_mixture",
]
