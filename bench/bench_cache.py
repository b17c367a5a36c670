"""Benchmark: a second identical ``pytest properties/`` run against the first, with the run cache.

Runs ``python -m pytest properties/`` three times in fresh processes, in one sitting:
1. with an empty cache directory (trains everything and fills the cache);
2. the same command again (every training run and check comes from the cache);
3. again with ``--gflcheck-no-cache`` (the uncached cost, measured a second time for comparison).
It also checks that the cached run's verdict artefact equals the first run's, verdict for verdict.

Figures: process wall time (interpreter start, imports and collection included, so the ratio is
conservative) and the session time pytest reports. Target: first / second ≥ 10 on wall time.

Run: ``python bench/bench_cache.py`` (about 3½ minutes on the 2-core reference machine). It
prints the figures and the pass/fail of the target; it is a benchmark, not a test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_properties(cache_arguments: list[str], artefact: Path) -> tuple[float, float, str]:
    """Wall time, pytest's session time and the summary's run-cache line of one run."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "properties",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--gflcheck-json={artefact}",
        *cache_arguments,
    ]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=os.environ)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"pytest failed ({result.returncode}):\n{result.stdout[-3000:]}")
    session = re.search(r" in ([0-9.]+)s", result.stdout.splitlines()[-1])
    cache_line = next((line for line in result.stdout.splitlines() if "run cache" in line), "-")
    return wall, float(session.group(1)) if session else float("nan"), cache_line


def verdicts(path: Path) -> list[dict]:
    """The comparable part of a session artefact."""
    fields = ("key", "outcome", "slack", "seeds", "p_value", "bound_value")
    return [{k: r.get(k) for k in fields} for r in json.loads(path.read_text())["verdicts"]]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cache = [f"--gflcheck-cache-dir={folder / 'cache'}"]
        runs = {}
        for label, arguments in (
            ("first (empty cache)", cache),
            ("second (same command)", cache),
            ("uncached", ["--gflcheck-no-cache"]),
        ):
            artefact = folder / f"{label.split()[0]}.json"
            runs[label] = (*run_properties(arguments, artefact), artefact)
            wall, session, line = runs[label][:3]
            print(f"{label:24s} wall {wall:6.1f} s   pytest session {session:6.2f} s   {line}")
        first, second, uncached = runs.values()
        identical = verdicts(first[3]) == verdicts(second[3]) == verdicts(uncached[3])
        ratio = first[0] / second[0]
        print(f"speed-up, wall time: {ratio:.1f}× (uncached again: {uncached[0] / second[0]:.1f}×)")
        print(f"speed-up, pytest session time: {first[1] / second[1]:.1f}×")
        print(f"verdicts identical across the three runs: {identical}")
        passed = ratio >= 10 and identical
        print(f"target first/second ≥ 10× with identical verdicts: {'PASS' if passed else 'FAIL'}")
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
