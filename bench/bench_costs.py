"""Benchmark: what the README's commands cost on this machine, as a Markdown table for the README.

Each command runs in a subprocess under ``/usr/bin/time`` (wall seconds, user CPU seconds of the
command and its children, and peak resident memory of the largest process), with its own empty run cache for a cold run and the same cache again
for a warm one:

- the main job, ``gflcheck check -j auto``, cold then warm;
- ``gflcheck mutate -j auto`` on all built-in theorems: after the main job (its runs cached, as
  a user runs it) and from an empty cache of its own;
- ``pytest -n auto`` after the main job (as in CI: the properties replay the main job's runs),
  then again warm (the unit tests keep their own temporary caches, so they stay cold);
  ``pytest properties/`` alone, twice, the second timed;
- with ``--clean-clone``, ``bash .ci/run`` in a fresh clone of this repository (install
  included: a fresh virtual environment on this machine's pip).

Run: ``python bench/bench_costs.py [--only main] [--clean-clone]``. It prints the table; paste it
into the README's cost table. Times are this machine's; compare ratios, not absolute numbers,
across machines.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path, environment: dict[str, str]) -> tuple[float, float, float]:
    """``(wall seconds, user seconds, peak resident MiB)`` of ``command`` (it must succeed)."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %M", *command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    pattern = r"^([0-9.]+) ([0-9.]+) ([0-9]+)$"
    wall, user, peak = re.findall(pattern, result.stderr, re.MULTILINE)[-1]
    return float(wall), float(user), int(peak) / 1024


class Rows:
    """The table, printed row by row as each command finishes (a later failure keeps them)."""

    def __init__(self) -> None:
        print(
            f"| command ({os.cpu_count()} CPUs, {platform.machine()}) | wall | user | peak memory |"
        )
        print("|---|---|---|---|", flush=True)

    def append(self, row: tuple[str, float, float, float]) -> None:
        name, wall, user, peak = row
        print(
            f"| {name} | {wall // 60:.0f} min {wall % 60:.0f} s | {user:.0f} s | {peak:.0f} MiB |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["main", "all"], default="all")
    parser.add_argument("--clean-clone", action="store_true", help="also time .ci/run in a clone")
    arguments = parser.parse_args()
    rows = Rows()
    with tempfile.TemporaryDirectory() as scratch:
        environment = {**os.environ, "GFLCHECK_CACHE_DIR": str(Path(scratch) / "cache")}
        main_job = ["gflcheck", "check", "-j", "auto"]
        rows.append(("main job, cold", *timed(main_job, ROOT, environment)))
        rows.append(("main job, warm", *timed(main_job, ROOT, environment)))
        mutate = ["gflcheck", "mutate", "-j", "auto", "--out", str(Path(scratch) / "mutants.json")]
        rows.append(("gflcheck mutate, after the main job", *timed(mutate, ROOT, environment)))
        empty = {**environment, "GFLCHECK_CACHE_DIR": str(Path(scratch) / "mutate-cache")}
        rows.append(("gflcheck mutate, empty cache", *timed(mutate, ROOT, empty)))
        if arguments.only == "all":
            tests = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "auto", "-q"]
            rows.append(("pytest after the main job", *timed(tests, ROOT, environment)))
            rows.append(("pytest, warm", *timed(tests, ROOT, environment)))
            properties = [*tests[:5], "-q", "properties"]
            timed(properties, ROOT, environment)  # the first serial run after xdist's
            rows.append(("pytest properties/, warm", *timed(properties, ROOT, environment)))
        if arguments.clean_clone:
            clone = Path(scratch) / "clone"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            subprocess.run([sys.executable, "-m", "venv", str(clone / ".venv")], check=True)
            activate = f". {clone / '.venv/bin/activate'} && bash .ci/run"
            clean = {k: v for k, v in environment.items() if k != "GFLCHECK_CACHE_DIR"}
            rows.append(
                ("clean clone, bash .ci/run", *timed(["bash", "-c", activate], clone, clean))
            )


if __name__ == "__main__":
    main()
