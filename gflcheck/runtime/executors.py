"""Running many independent runs locally or on an existing distributed engine.

:func:`map_in_order` computes ``function(*arguments)`` for each argument tuple, in order: here, one
after the other, or on any ``concurrent.futures.Executor``: a ``ProcessPoolExecutor``, Dask's
``distributed.Client(...).get_executor()``, or Ray's ``ray.util.multiprocessing.Pool`` through
:class:`concurrent.futures`-style adapters. Each remote call first sets the thread counts (torch's
and BLAS's) and the compute device (:mod:`gflcheck.runtime.devices`) to the caller's, so floating-point
sums add in the same order and the results equal a local run's bit for bit. Every random draw
inside a run comes from its seed arguments, so where a run executes does not change it. Remote
workers have no run cache; results come back to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, TypeVar

import torch

from gflcheck.runtime.devices import device_name, set_compute_threads, using_device

R = TypeVar("R")


def _call_as_caller(threads: int, device: str, function: Callable[..., R], arguments: tuple) -> R:
    set_compute_threads(threads)
    with using_device(device):
        return function(*arguments)


def map_in_order(
    function: Callable[..., R],
    arguments: Sequence[tuple[Any, ...]],
    executor: Executor | None = None,
) -> list[R]:
    """``[function(*a) for a in arguments]``, locally or on ``executor`` (see the module
    docstring); an exception in a run is raised here, as it would be locally."""
    if executor is None:
        return [function(*a) for a in arguments]
    threads, device = torch.get_num_threads(), device_name()
    futures = [executor.submit(_call_as_caller, threads, device, function, a) for a in arguments]
    return [future.result() for future in futures]
