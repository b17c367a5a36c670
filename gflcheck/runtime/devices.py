"""Where gflcheck's training programs run: the compute device.

The device is chosen once per run of checks (``gflcheck check --device cuda``, pytest's
``--gflcheck-device cuda``, ``TheoryCheck.run(setting, device="cuda")``, or ``$GFLCHECK_DEVICE``)
and is ``cpu`` unless one of them says otherwise. What moves and what does not:

- **Random draws stay on the CPU.** Every draw comes from a seeded CPU ``torch.Generator``
  (:mod:`gflcheck.runtime.random`), so a seed gives the same initialisations and data on every device.
- **Training runs on the device.** The trainers (Algorithm 1, full-batch gradient descent on the
  deep networks, the XOR and cube SGD runs, the simplicity-bias gradient flow) and the kernel
  ridge solves of the mixture separation move their data and parameters there with
  :func:`to_compute_device`, train, and return their results on the CPU (:func:`to_host`): what
  the checks do afterwards, and what the run cache stores, does not depend on the device.
- **Stays on the CPU:** the exact population least squares of parity random features (scipy's
  LAPACK), the NTK max-margin solve (scipy's L-BFGS-B), and the evaluations of trained networks on
  test sets.

On the CPU the moves are no-ops and every number is what it was before the device existed, bit
for bit. On a GPU only floating-point rounding differs (other summation orders, fused kernels),
so a verdict's numbers may differ from the CPU's in their last digits, and a run that sits on a
knife edge (a ReLU at exactly zero, a hinge at exactly one) may take another path. The run cache
keys every run by its device, so a GPU run never serves a CPU check or the reverse.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import torch
from threadpoolctl import threadpool_limits

from gflcheck.runtime.defaults import DEVICE_VARIABLE
from gflcheck.runtime.errors import ParameterRangeError

T = TypeVar("T")

DEVICE_RELATIVE_TOLERANCE = 1e-6
"""How far a verdict's numbers (slack, bound, estimate) on another device may lie from the CPU's,
relative to the bound: float64 rounding accumulated over a training run, which the outcome must
not depend on. Declared, not measured on a GPU (none was available when it was written)."""

_SELECTED: ContextVar[torch.device | None] = ContextVar("gflcheck_device", default=None)


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``device`` as a ``torch.device`` that torch can use here (``None``: ``$GFLCHECK_DEVICE``,
    else ``cpu``).

    Raises :class:`~gflcheck.runtime.errors.ParameterRangeError` naming ``device`` when it is not a device
    name, or names a device this machine does not have (a silent fallback to the CPU would record
    CPU numbers as the GPU's)."""
    requested = (os.environ.get(DEVICE_VARIABLE) or "cpu") if device is None else device
    try:
        resolved = torch.device(requested)
    except (RuntimeError, TypeError) as error:
        raise ParameterRangeError(
            "device", requested, "a torch device name such as 'cpu', 'cuda' or 'cuda:1'"
        ) from error
    if resolved.type == "cpu":
        return torch.device("cpu")
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ParameterRangeError(
                "device",
                str(resolved),
                "'cpu' on this machine (torch.cuda.is_available() is False: no GPU, or a CPU "
                "build of torch)",
            )
        # Not torch.cuda.current_device(): it would initialise CUDA in this process, and a
        # process pool forked from it could not use the GPU.
        index = 0 if resolved.index is None else resolved.index
        if not 0 <= index < torch.cuda.device_count():
            raise ParameterRangeError(
                "device", str(resolved), f"cuda:0 … cuda:{torch.cuda.device_count() - 1} or 'cpu'"
            )
        return torch.device("cuda", index)
    raise ParameterRangeError("device", str(resolved), "'cpu' or 'cuda[:index]'")


def compute_device() -> torch.device:
    """The device the trainers run on now: the innermost :func:`using_device`, else
    ``$GFLCHECK_DEVICE``, else the CPU."""
    selected = _SELECTED.get()
    return selected if selected is not None else resolve_device(None)


@contextmanager
def using_device(device: str | torch.device | None) -> Iterator[torch.device]:
    """Run the trainers inside the ``with`` block on ``device`` (``None``: leave it as it is)."""
    if device is None:
        yield compute_device()
        return
    token = _SELECTED.set(resolve_device(device))
    try:
        yield _SELECTED.get()  # type: ignore[misc]
    finally:
        _SELECTED.reset(token)


def set_compute_threads(threads: int) -> None:
    """Compute on ``threads`` threads in this process: torch's intra-op threads and the BLAS
    libraries' (numpy's and scipy's OpenBLAS, through threadpoolctl), which otherwise take
    every core. With ``gflcheck check -j auto``'s worker per core, an entry's scipy solves (the
    parity random features' ``syrk`` and Cholesky) then ran 2 threads a worker on 2 cores, and
    spun against each other: the main job took 327 s (587 s user) with them, 299 s (537 s user)
    on one BLAS thread a worker, with the same verdicts. The BLAS thread count is not in the run
    cache's key: the parity sweep's population errors were equal bit for bit at 1 and 2 threads,
    and the main job's table and baseline too."""
    torch.set_num_threads(threads)
    threadpool_limits(threads, user_api="blas")


@contextmanager
def using_threads(threads: int) -> Iterator[None]:
    """:func:`set_compute_threads` inside the ``with`` block; the previous counts after it."""
    previous = torch.get_num_threads()
    with threadpool_limits(threads, user_api="blas"):
        torch.set_num_threads(threads)
        try:
            yield
        finally:
            torch.set_num_threads(previous)


def device_name() -> str:
    """:func:`compute_device` as a string (``cpu``, ``cuda:0``): what the run cache and the
    baselines record."""
    return str(compute_device())


def to_compute_device(*tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """``tensors`` on :func:`compute_device` (the same tensors when they are there already)."""
    device = compute_device()
    return tuple(tensor.to(device) for tensor in tensors)


def stage_on_device(
    *tensors: torch.Tensor, device: torch.device | None = None
) -> tuple[torch.Tensor, ...]:
    """``tensors`` on ``device`` (default :func:`compute_device`), for a loop to read without
    waiting on the host: on a GPU copied from pinned memory without blocking (the copy is queued
    before the steps that read it); on the CPU the tensors themselves."""
    device = compute_device() if device is None else device
    if device.type != "cuda":
        return tuple(tensor.to(device) for tensor in tensors)
    return tuple(tensor.pin_memory().to(device, non_blocking=True) for tensor in tensors)


def to_host(value: T) -> T:
    """``value`` with every tensor in it on the CPU: tensors, frozen dataclasses of them, and
    lists, tuples and dicts of those (what a trainer returns). CPU tensors are returned as they
    are."""
    if isinstance(value, torch.Tensor):
        return value.cpu()  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: to_host(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, list | tuple):
        return type(value)(to_host(item) for item in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: to_host(item) for key, item in value.items()}  # type: ignore[return-value]
    return value


__all__ = [
    "DEVICE_RELATIVE_TOLERANCE",
    "compute_device",
    "device_name",
    "resolve_device",
    "to_compute_device",
    "to_host",
    "using_device",
]
