"""The poster's picture of Algorithm 1's first step (Shi–Wei–Liang, Definition 3.1 and
Algorithm 1): with weight decay ``1/η¹``, the first step moves each neuron to
``η¹a_iĜ(w_i, b_i)``, its empirical gradient feature, so on three Gaussian clusters in the plane
the first-layer weights line up with the clusters' directions. An illustration of the report (the
statements about gradient features are judged by :mod:`gflcheck.claims.theorem_3_12`)."""

from __future__ import annotations

from typing import Any

import torch

from gflcheck.core.illustrations import Illustration, OneStepPicture
from gflcheck.models.distributions.gaussian_mixture import three_cluster_example
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.models.training import gaussian_mixture_recipe, train_algorithm_1
from gflcheck.runtime.random import torch_generator


def _layers(network: TwoLayerReLU) -> tuple[Any, Any, Any]:
    """``(W [m, 2], b [m], a [m])`` of the first run, as numpy arrays."""
    return network.W[0].numpy(), network.b[0].numpy(), network.a[0].numpy()


def one_step_picture(
    separation: float = 4.0,
    noise: float = 0.5,
    width: int = 24,
    samples: int = 600,
    batch_size: int = 2048,
    seed: int = 0,
) -> OneStepPicture:
    """One step of Algorithm 1 on :func:`three_cluster_example` in ``d = 2`` (recipe
    :func:`gaussian_mixture_recipe`; the run through the run cache), and a sample to draw."""
    mixture = three_cluster_example(separation, noise, 2)
    recipe = gaussian_mixture_recipe(
        2, width, mixture.expected_norm(), mixture.expected_squared_norm()
    )
    run = train_algorithm_1(mixture, recipe, width, 1, batch_size, (seed,), (1,), torch.float64)
    x, y = mixture.sample(samples, torch_generator(seed, "picture"), torch.float64)
    return OneStepPicture(
        x.numpy(),
        y.numpy(),
        mixture.means.numpy(),
        mixture.labels.numpy(),
        _layers(run.initial),
        _layers(run.checkpoints[1]),
    )


ILLUSTRATIONS: tuple[Illustration, ...] = (
    Illustration(
        "gfl_four_panel",
        "Gradient features on three Gaussian clusters (Shi–Wei–Liang poster)",
        one_step_picture,
    ),
)
"""The report's four-panel picture."""
