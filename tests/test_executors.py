"""Sweeps and repeated checks on an executor (a process pool; a Dask cluster) equal a local run."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from gflcheck.catalogue import DEFAULT_CHECKS
from gflcheck.claims.kernel_width import sweep
from gflcheck.models.deep_networks import KernelSetting
from gflcheck.runtime.executors import map_in_order
from gflcheck.runtime.profiles import budget
from gflcheck.surface.power import measure_power

SETTINGS = [KernelSetting(4, m, 1, 16, 0.3, 40, 3) for m in (8, 16)]
ENTRIES = [e for e in DEFAULT_CHECKS if e.name.startswith("ttm-xor/d=32")]


def _same_points(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        assert a.setting == b.setting
        for field in ("test_loss", "distance", "relative_distance", "margin"):
            assert np.array_equal(getattr(a, field), getattr(b, field))  # bit for bit


def _divide(a, b):
    return a / b


def test_map_in_order_keeps_order_and_raises_remote_errors():
    with ProcessPoolExecutor(2) as pool:
        assert map_in_order(_divide, [(1, 2), (3, 4), (5, 8)], pool) == [0.5, 0.75, 0.625]
        with pytest.raises(ZeroDivisionError):
            map_in_order(_divide, [(1, 0)], pool)


def test_a_process_pool_gives_the_local_numbers():
    local = sweep(SETTINGS, seeds=2, test_size=500, step_fraction=0.5)
    local_power = measure_power(ENTRIES, 2, budget("default"))
    with ProcessPoolExecutor(2) as pool:
        _same_points(local, sweep(SETTINGS, 2, 500, 0.5, executor=pool))
        assert measure_power(ENTRIES, 2, budget("default"), executor=pool) == local_power


def test_a_dask_cluster_gives_the_local_numbers():
    from distributed import Client, LocalCluster

    local = sweep(SETTINGS, seeds=2, test_size=500, step_fraction=0.5)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        _same_points(local, sweep(SETTINGS, 2, 500, 0.5, executor=client.get_executor()))
        _same_points(local, sweep(SETTINGS, 2, 500, 0.5, executor=client))  # Client.submit


def test_dask_workers_must_share_the_clients_environment(monkeypatch):
    """A worker whose library versions or gflcheck code differ would give numbers that are not
    comparable: refused before any work, as is a scheduler that does not answer."""
    from distributed import Client, LocalCluster

    from gflcheck.surface import commands

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False) as cluster:
        with commands._dask_client(cluster.scheduler_address) as client:
            assert isinstance(client, Client)  # the same process: the same environment
        real = commands.worker_environment

        def on_an_older_worker(dask_worker=None):  # client.run passes the worker
            return real() if dask_worker is None else {**real(), "torch": "0.0"}

        monkeypatch.setattr(commands, "worker_environment", on_an_older_worker)
        with (
            pytest.raises(commands.UsageError, match=r"torch 0\.0 \(here"),
            commands._dask_client(cluster.scheduler_address),
        ):
            pass
    monkeypatch.setattr(commands, "DASK_TIMEOUT", "1s")
    with (
        pytest.raises(commands.UsageError, match="no scheduler answered"),
        commands._dask_client("tcp://127.0.0.1:9"),
    ):
        pass
