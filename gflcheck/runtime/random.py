"""Explicit random streams: every draw in gflcheck comes from a generator made here.

A run is identified by an integer seed; its independent streams (initialisation, training data,
test data, ...) are derived with :class:`numpy.random.SeedSequence`, so that seed ``s`` gives the
same numbers whatever other seeds share its batch.
"""

from __future__ import annotations

import zlib

import numpy as np
import torch


def stream_seed(seed: int, stream: str) -> int:
    """A 63-bit seed for the named ``stream`` of run ``seed`` (stable across processes)."""
    entropy = [int(seed) & 0xFFFFFFFFFFFFFFFF, zlib.crc32(stream.encode())]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint64)[0] >> 1)


def torch_generator(seed: int, stream: str) -> torch.Generator:
    """A CPU ``torch.Generator`` for the named stream of run ``seed``."""
    return torch.Generator().manual_seed(stream_seed(seed, stream))
