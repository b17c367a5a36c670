"""Shared fixtures for the unit tests."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import torch

import gflcheck
from gflcheck.models.distributions import xor_mixture
from gflcheck.models.training import gaussian_mixture_recipe
from gflcheck.runtime.random import torch_generator


def pytest_configure(config):
    """Import every gflcheck module before any test. ``pytester``'s in-process runs remove the
    modules first imported inside them when they end, so a later in-process run would import
    them afresh, and objects kept from the first (a cached strategy, a pickled run's class)
    would then belong to classes that are no longer the modules' own: the second run draws
    other settings, or cannot pickle its runs. Imported here, every run shares one copy."""
    for module in pkgutil.walk_packages(gflcheck.__path__, "gflcheck."):
        importlib.import_module(module.name)


@pytest.fixture(autouse=True)
def _run_cache_in_tmp(tmp_path, monkeypatch):
    """Commands run by unit tests keep their run cache in the test's temporary directory."""
    monkeypatch.setenv("GFLCHECK_CACHE_DIR", str(tmp_path / "run-cache"))


@pytest.fixture
def xor8():
    """A fixed XOR-like mixture in d=8."""
    return xor_mixture(8, 4.0, 1.0, torch_generator(0, "distribution"))


@pytest.fixture
def xor8_recipe(xor8):
    """The documented Gaussian-mixture recipe for ``xor8``."""
    return gaussian_mixture_recipe(8, 64, xor8.expected_norm(), xor8.expected_squared_norm())


@pytest.fixture
def generator() -> torch.Generator:
    """A fresh explicit generator."""
    return torch.Generator().manual_seed(12345)
