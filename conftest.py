"""This repository's test order: the tests marked ``expensive`` first (a stable sort), so that
pytest-xdist starts the longest ones on every worker at once instead of leaving one of them for
the end of the run. The order changes no verdict: each test draws only from its own seeds."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("expensive") is None)
