"""This repository's test order: the tests marked ``expensive`` first (a stable sort), so that
pytest-xdist starts the longest ones on every worker at once instead of leaving one of them for
the end of the run. The order changes no verdict: each test draws only from its own seeds."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Tests go to xdist workers one at a time (``--maxschedchunk 1``, unless given).

    ``--dist load`` first sends each worker a consecutive chunk of a quarter of its share (59 of
    475 tests on 2 workers): with the 31 expensive tests sorted first, the first worker received
    every one of them and ran them one after another (59 tests in all) while the other ran the
    other 416. One at a time, each worker takes the next expensive test when it is free: 325
    and 150 tests, and 12:57 → 12:00 wall for the same tests after the main job, back to back
    (bench/README.md)."""
    if getattr(config.option, "maxschedchunk", 0) is None:  # xdist present, option not given
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("expensive") is None)
