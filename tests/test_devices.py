"""The compute device (gflcheck.runtime.devices): the device argument of the public API, the CLI and the
pytest plugin, its place in the run cache's key, and the trainers on it.

No GPU was lent to this project's sessions: on a CPU machine these tests take the same device
path with ``device="cpu"``, and the CUDA comparison at the end is skipped, saying so."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

from gflcheck import (
    Bound,
    Measurement,
    Outcome,
    ParameterRangeError,
    Provenance,
    Tag,
    TheoryCheck,
    positive,
)
from gflcheck.catalogue import DEFAULT_CHECKS
from gflcheck.core.confidence import Confidence
from gflcheck.runtime import cache as run_cache
from gflcheck.runtime.defaults import DEVICE_VARIABLE
from gflcheck.runtime.devices import (
    DEVICE_RELATIVE_TOLERANCE,
    compute_device,
    resolve_device,
    to_host,
    using_device,
    using_threads,
)
from gflcheck.runtime.executors import map_in_order
from gflcheck.runtime.profiles import budget
from gflcheck.surface.cli import main

pytest_plugins = ["pytester"]

HAS_CUDA = torch.cuda.is_available()
TWO_CLUSTER = next(entry for entry in DEFAULT_CHECKS if entry.name == "gfl/two-cluster")


def test_the_cpu_is_the_default_and_the_environment_variable_is_read(monkeypatch):
    monkeypatch.delenv(DEVICE_VARIABLE, raising=False)
    assert compute_device() == torch.device("cpu")
    monkeypatch.setenv(DEVICE_VARIABLE, "cpu")
    assert resolve_device(None) == torch.device("cpu")
    monkeypatch.setenv(DEVICE_VARIABLE, "abacus")
    with pytest.raises(ParameterRangeError, match="device='abacus'"):
        compute_device()


@pytest.mark.parametrize("name", ["abacus", "meta", "cuda:x"])
def test_a_name_that_is_no_usable_device_is_refused_naming_the_parameter(name):
    with pytest.raises(ParameterRangeError) as raised:
        resolve_device(name)
    assert raised.value.parameter == "device" and "cpu" in raised.value.allowed


@pytest.mark.skipif(HAS_CUDA, reason="this machine has CUDA: 'cuda' is a valid device here")
def test_cuda_without_a_gpu_is_refused_not_run_on_the_cpu():
    with pytest.raises(ParameterRangeError, match=r"torch\.cuda\.is_available") as raised:
        resolve_device("cuda")
    assert raised.value.parameter == "device"


def test_using_device_nests_and_restores():
    before = compute_device()
    with using_device("cpu") as device:
        assert device == torch.device("cpu") == compute_device()
        with using_device(None) as inner:  # None leaves the device as it is
            assert inner == device
    assert compute_device() == before


def _blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_using_threads_sets_torch_and_blas_and_restores():
    """The BLAS pools (numpy's and scipy's OpenBLAS) follow the thread count too: left at every
    core, two workers' scipy solves oversubscribed two cores."""
    before = (torch.get_num_threads(), _blas_threads())
    with using_threads(1):
        assert torch.get_num_threads() == 1
        assert _blas_threads() == {1}
    assert (torch.get_num_threads(), _blas_threads()) == before


@dataclass(frozen=True)
class _Result:
    values: torch.Tensor
    history: list
    note: str


def test_to_host_keeps_structure_and_values():
    result = _Result(torch.arange(3.0), [torch.ones(2), {"a": torch.zeros(1)}], "kept")
    host = to_host(result)
    assert isinstance(host, _Result) and host.note == "kept"
    assert torch.equal(host.values, result.values) and host.values.device.type == "cpu"
    assert isinstance(host.history, list) and torch.equal(host.history[1]["a"], torch.zeros(1))


def test_the_run_cache_key_includes_the_device(monkeypatch):
    on_cpu = run_cache.canonical_key(len, {"x": 1})
    monkeypatch.setattr(run_cache, "device_name", lambda: "cuda:0")
    assert run_cache.canonical_key(len, {"x": 1}) != on_cpu
    assert run_cache.environment()["device"] == "cuda:0"


def _noise(setting: float, seeds: tuple[int, ...]) -> Measurement:
    """Measured on ``compute_device()``; records where, to show that the device reached it."""
    _SEEN.append(str(compute_device()))
    values = setting * (torch.tensor(seeds, device=compute_device()) % 1000) / 1000
    values = values.cpu().numpy()
    return Measurement(values, lower=values / 2, upper=values + 0.05, miscoverage=0.01)


_SEEN: list[str] = []
NOISE = TheoryCheck(
    name="noise on a device",
    bound=Bound("level", "c", [positive("c")], Provenance("unit test", "-", Tag.OURS)),
    settings=st.floats(0.1, 0.9),
    bound_values=lambda s: {"c": 1.0},
    measure=_noise,
    confidence=Confidence(miscoverage=0.01, power=None),
)


def test_the_public_api_takes_a_device_and_gives_the_same_verdict():
    _SEEN.clear()
    default, on_cpu = NOISE.run(0.9), NOISE.run(0.9, device="cpu")
    assert _SEEN == ["cpu", "cpu"]
    assert on_cpu.outcome is default.outcome is Outcome.HOLDS
    assert np.array_equal(on_cpu.slack, default.slack)
    with pytest.raises(ParameterRangeError, match="device"):
        NOISE.run(0.9, device="abacus")


def test_a_trained_check_on_the_named_device_gives_the_defaults_numbers():
    limits = budget("default")
    with run_cache.use_cache(None):
        default = TWO_CLUSTER.run(limits)[0]
        with using_device("cpu"):
            on_cpu = TWO_CLUSTER.run(limits)[0]
    assert on_cpu.outcome is default.outcome
    assert np.array_equal(on_cpu.slack, default.slack, equal_nan=True)  # bit for bit


def _device_here() -> str:
    return str(compute_device())


def test_remote_calls_run_on_the_callers_device():
    with ProcessPoolExecutor(1) as pool, using_device("cpu"):
        assert map_in_order(_device_here, [()], pool) == ["cpu"]


def test_the_cli_refuses_an_unusable_device_before_any_work(capsys):
    assert main(["check", "--device", "abacus", "-k", "gfl/two-cluster", "--no-cache"]) == 2
    assert "--device" in capsys.readouterr().err


def test_the_cli_runs_on_the_named_device(capsys):
    assert main(["check", "--device", "cpu", "-k", "gfl/two-cluster", "--no-cache"]) == 0
    assert "gfl/two-cluster" in capsys.readouterr().out


def test_the_pytest_option_refuses_an_unusable_device(pytester):
    pytester.makepyfile(test_ours="import gflcheck\n\ndef test_nothing():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-device=abacus")
    assert result.ret == 4
    assert "--gflcheck-device" in result.stderr.str() and "abacus" in result.stderr.str()


@pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device on this machine: GPU path not measured")
def test_a_gpu_verdict_equals_the_cpus_within_the_declared_tolerance():
    limits = budget("default")
    with run_cache.use_cache(None):
        with using_device("cpu"):
            on_cpu = TWO_CLUSTER.run(limits)[0]
        with using_device("cuda"):
            on_gpu = TWO_CLUSTER.run(limits)[0]
    assert on_gpu.outcome is on_cpu.outcome
    scale = max(abs(on_cpu.bound_value), 1e-12)
    difference = np.abs(on_gpu.slack - on_cpu.slack)
    assert np.all(difference <= DEVICE_RELATIVE_TOLERANCE * scale), difference.max() / scale
