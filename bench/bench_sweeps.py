"""Benchmark: the per-seed walk of the separation sweeps against walking every seed up the grid.

A size need (the least grid size at which a seed's error is at most the target) is found by
:func:`gflcheck.core.statement_kinds.walk_needs`, which measures at each grid size only the
seeds that have not yet got there. The grid walk it replaced measured every seed at every size up
to the last seed's need. Both give the same needs (a seed's error does not depend on the seeds
measured with it); this prints the needs of both, whether they are identical, and the speed-up.

A third strategy is a search: per seed, bisection on the grid's indices
(bracket ``[−1, len(grid)]``, each probe measuring together the seeds that probe the same size).
It finds the walk's need only where a seed's error, once at or below the target, stays there at
every larger size (monotone in the size); where it is not, bisection can return a larger or a
smaller size than the least one. The bench prints its needs, whether they are identical to the
walk's, and its time.

Sweeps: random features and the trained network on structured parity (the main job's settings),
and minibatch SGD on the cube (d = 16…64), with no run cache.

Run: ``python bench/bench_sweeps.py``. A benchmark, not a test (ratios within one run).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from gflcheck.claims.parity_separation import (
    ParitySeparationConfig,
    ParitySeparationSetting,
    _seed_batches,
    learner_population_errors,
)
from gflcheck.claims.sgd_cube_xor import CubeXorConfig, CubeXorSetting, sgd_test_errors
from gflcheck.core.statement_kinds import NeedWalk, walk_needs
from gflcheck.runtime.cache import use_cache
from gflcheck.runtime.random import stream_seed
from gflcheck.theorems.separation import Learner


def per_seed_walk(values, grid, errors_at, target_error, seeds):
    """The suite's walk (:func:`gflcheck.core.statement_kinds.walk_needs`), needs per value."""
    walk = NeedWalk(
        lambda setting, value: grid(value),
        lambda setting, value, size, walking: errors_at(value, size, walking),
        target_error,
    )
    needs, _, _ = walk_needs(walk, None, list(values), seeds)
    return dict(zip(values, needs, strict=True))


def grid_walk(values, grid, errors_at, target_error, seeds):
    """The walk before the search: every seed at every size, until the last seed got there."""
    needs = {}
    for value in values:
        need = np.full(len(seeds), np.inf)
        for size in grid(value):
            error = errors_at(value, size, seeds)
            need = np.where(np.isinf(need) & (error <= target_error), size, need)
            if np.isfinite(need).all():
                break
        needs[value] = need
    return needs


def bisection(values, grid, errors_at, target_error, seeds):
    """Per seed, bisection for the least grid index whose error is at most the target (exact
    where the errors are monotone in the size; see the module docstring)."""
    needs = {}
    for value in values:
        sizes = tuple(grid(value))
        low = np.full(len(seeds), -1)  # the largest index known to miss the target
        high = np.full(len(seeds), len(sizes))  # the least index known to reach it (len: none)
        while (searching := np.flatnonzero(high - low > 1)).size:
            middle = (low + high) // 2
            for index in np.unique(middle[searching]):
                group = searching[middle[searching] == index]
                error = errors_at(value, sizes[index], tuple(seeds[i] for i in group))
                reached = error <= target_error
                high[group[reached]] = index
                low[group[~reached]] = index
        needs[value] = np.array([sizes[j] if j < len(sizes) else np.inf for j in high], float)
    return needs


def compare(label: str, values, grid, errors_at, target_error, seeds) -> float:
    timings, needs = {}, {}
    strategies = (
        ("grid walk", grid_walk),
        ("per-seed walk", per_seed_walk),
        ("bisection", bisection),
    )
    for name, walk in strategies:
        _seed_batches.cache_clear()  # each strategy draws the parity batches it needs itself
        start = time.perf_counter()
        found = walk(values, grid, errors_at, target_error, seeds)
        timings[name] = time.perf_counter() - start
        needs[name] = found

    def same(name: str) -> str:
        equal = all(np.array_equal(needs[name][v], needs["per-seed walk"][v]) for v in values)
        return "yes" if equal else "NO"

    speed_up = timings["grid walk"] / timings["per-seed walk"]
    print(f"[{label}] {len(seeds)} seeds")
    for value in values:
        walked, searched = (needs[name][value].tolist() for name in ("per-seed walk", "bisection"))
        print(f"  {value}: needs {walked}; bisection {searched}")
    print(
        f"  grid walk {timings['grid walk']:6.1f} s, per-seed walk {timings['per-seed walk']:6.1f} s:"
        f" {speed_up:.2f}×; needs identical: {same('grid walk')}\n"
        f"  bisection {timings['bisection']:6.1f} s: "
        f"{timings['per-seed walk'] / timings['bisection']:.2f}× the per-seed walk's speed; "
        f"needs identical: {same('bisection')}"
    )
    return speed_up


def main() -> None:
    torch.set_num_threads(1)
    parity, parity_config = ParitySeparationSetting(), ParitySeparationConfig()
    parity_seeds = tuple(
        stream_seed(parity.seed, f"parity-separation-{i}") for i in range(parity_config.seeds)
    )
    cube, cube_config = CubeXorSetting(dimensions=(16, 32, 64)), CubeXorConfig()
    cube_seeds = tuple(stream_seed(cube.seed, f"cube-xor-{i}") for i in range(cube_config.seeds))
    with use_cache(None):
        for learner in (Learner.RANDOM_FEATURES, Learner.TRAINED_NETWORK):
            compare(
                f"parity, {learner.value}, d = {parity.dimension}",
                parity.sparsities,
                lambda k, learner=learner: parity_config.size_grid(learner, parity.dimension),
                lambda k, size, seeds, learner=learner: learner_population_errors(
                    learner, parity, parity_config, k, size, seeds
                ),
                parity.target_error,
                parity_seeds,
            )
        compare(
            "cube XOR, minibatch SGD",
            cube.dimensions,
            lambda d: cube_config.sample_grid(),
            lambda d, n, seeds: sgd_test_errors(cube_config, d, n, seeds),
            cube.target_error,
            cube_seeds,
        )


if __name__ == "__main__":
    main()
