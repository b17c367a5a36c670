"""Data distributions with explicit samplers and exact population quantities."""

from gflcheck.distributions.gaussian_mixture import (
    GaussianMixture,
    orthogonal_mixture,
    three_cluster_example,
    two_cluster_mixture,
    xor_mixture,
)

__all__ = [
    "GaussianMixture",
    "orthogonal_mixture",
    "three_cluster_example",
    "two_cluster_mixture",
    "xor_mixture",
]
