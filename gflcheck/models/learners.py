"""The learners that the separation and feature-learning claims compare."""

from __future__ import annotations

from enum import StrEnum


class Learner(StrEnum):
    """The three learners of the separation, Glasgow's minibatch SGD (a cross-check), and the two
    learners of TTM's Table 2 on cube XOR."""

    RANDOM_FEATURES = "random features"
    NTK = "NTK-linearised"
    TRAINED_NETWORK = "trained network"
    MINIBATCH_SGD = "minibatch SGD, both layers"
    TTM_KERNEL_REGIME = "TTM kernel regime"
    TTM_FEATURE_LEARNING = "TTM feature learning"
