"""The ``gflcheck`` command.

``gflcheck check`` runs the default checks (:mod:`gflcheck.catalogue`), shows progress, prints the
verdict table, and exits with status 1 when a check does not come out as expected: a true
statement violated, or a false variant not refuted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gflcheck.runtime.defaults import (
    CACHE_DIRECTORY_VARIABLE,
    CACHE_SIZE_VARIABLE,
    DEFAULT_CACHE_DIRECTORY,
    DEFAULT_SLACK_TOLERANCE,
    DEVICE_VARIABLE,
    MUTANT_RESULTS,
    POWER_RESULTS,
    PROFILE_VARIABLE,
    SELECTED_MUTANT_RESULTS,
    SESSION_ARTEFACT,
    VERSION,
    cache_size_limit,
    parse_size,
    slack_tolerance,
)
from gflcheck.runtime.profiles import BUDGETS

EXIT_CODES = """exit status:
  0    every check came out as expected (true statements hold, false variants are refuted,
       or an outcome the entry declares acceptable, with its reason)
  1    some check did not: a true statement violated, inconclusive or vacuous, or a false
       variant not refuted; or a baseline regression; or the run's decisions on true
       statements declare more false-alarm rate than the family-wise α
  2    usage error (a bad option or value, a -k that matches nothing, a cache directory that
       is not a run cache); nothing was run
  130  interrupted (Ctrl-C); `check` first prints the verdicts gathered so far"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gflcheck`` command."""
    parser = argparse.ArgumentParser(
        prog="gflcheck",
        description="Check deep-learning theorems on real training runs: each bound is a sympy "
        "expression with provenance, the quantity it bounds is measured by training networks "
        "in torch, and each verdict (holds, violated, inconclusive, vacuous) comes from exact "
        "tests at a declared false-alarm rate.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-k",
        dest="select",
        default="",
        help="run only checks whose name contains this, or matches it as a shell-style pattern "
        "when it has *, ? or [ (e.g. 'gfl/*/quarter', '*/0-1-error')",
    )
    common.add_argument("--profile", choices=sorted(BUDGETS), default=None, help="compute budget")
    common.add_argument(
        "--cache-dir",
        default=None,
        help=f"run cache directory (default ${CACHE_DIRECTORY_VARIABLE} or "
        f"./{DEFAULT_CACHE_DIRECTORY})",
    )
    common.add_argument("--no-cache", action="store_true", help="train everything afresh")
    common.add_argument(
        "--device",
        default=None,
        help=f"where the training runs: cpu (default; also ${DEVICE_VARIABLE}), cuda or cuda:N; "
        "random draws stay on the CPU, so a seed gives the same data on every device",
    )
    common.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch and BLAS threads (default 1, as in the pytest plugin: the same numbers, so the "
        "run cache serves both)",
    )
    check = commands.add_parser(
        "check", parents=[common], help="run the default checks and print the verdict table"
    )
    _add_jobs(check)
    check.add_argument(
        "--details",
        action="store_true",
        help="print each verdict's details, with its break point (how loose the bound is where "
        "it was measured, and how far it tightens before the check refutes it)",
    )
    check.add_argument(
        "--wide",
        action="store_true",
        help="every column of the verdict table on a terminal too (a pipe or a file always "
        "gets them all)",
    )
    check.add_argument("--list", action="store_true", help="list the checks and exit")
    baseline = commands.add_parser(
        "baseline",
        parents=[common],
        help="run the default checks, then record or compare a baseline file",
    )
    _add_jobs(baseline)
    baseline.add_argument("action", choices=["record", "compare"])
    baseline.add_argument("--file", default="gflcheck-baseline.json", help="the baseline file")
    baseline.add_argument(
        "--prune",
        action="store_true",
        help="with record: also remove the entries of checks no longer in the catalogue",
    )
    baseline.add_argument(
        "--slack-tolerance",
        type=slack_tolerance,
        default=DEFAULT_SLACK_TOLERANCE,
        help="how far a minimum slack may shrink, as a fraction of the bound (default "
        f"{DEFAULT_SLACK_TOLERANCE:g})",
    )
    figure = commands.add_parser("figure", help="reproduce a poster figure: PNG and CSV")
    figure.add_argument("name", choices=["xor-figure-1"], help="which figure")
    figure.add_argument("--out", default="gflcheck-results", help="output folder")
    figure.add_argument("--dimensions", default="16,32,64,128", help="comma-separated d values")
    report = commands.add_parser(
        "report",
        parents=[common],
        help="run the default checks and write a Markdown and HTML report with plots",
    )
    _add_jobs(report)
    report.add_argument("--out", default="gflcheck-results/report", help="output folder")
    report.add_argument(
        "--power",
        action="append",
        help="include the rates of this 'gflcheck power' file, when it exists ('' for none); "
        f"repeat to combine runs of different checks (default {POWER_RESULTS})",
    )
    report.add_argument(
        "--mutants",
        default=MUTANT_RESULTS,
        help="include the break points and kill tables of this 'gflcheck mutate' file, when it "
        "exists ('' for none)",
    )
    report.add_argument(
        "--history",
        action="append",
        help="a `gflcheck baseline record` file of an earlier run: the report adds a history "
        "table of each entry's outcome and least slack in that run and in this one (repeat for "
        "several runs, oldest first)",
    )
    report.add_argument(
        "--session",
        default=SESSION_ARTEFACT,
        help="also report the verdicts of this pytest session artefact, when it exists "
        "('' for none)",
    )
    power = commands.add_parser(
        "power",
        parents=[common],
        help="repeat each default check with fresh seeds: false-alarm and detection rates",
    )
    power.add_argument("--runs", type=int, default=20, help="repetitions per check (default 20)")
    power.add_argument("--out", default=POWER_RESULTS, help="where to write the rates as JSON")
    power.add_argument(
        "--with-sweeps",
        action="store_true",
        help="also repeat the checks that walk a grid of settings (the kernel separations: 1–2 "
        "minutes per repetition)",
    )
    power.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run the repetitions on this Dask scheduler (e.g. tcp://host:8786; 'local' starts "
        "a local cluster); the rates equal a local run's",
    )
    mutate = commands.add_parser(
        "mutate",
        parents=[common],
        help="tighten each true statement until its check refutes it (break points), and judge "
        "its automatic mutants (kill tables), on the checks' own training runs",
    )
    _add_jobs(mutate)
    mutate.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="PATH",
        help="instead of the default checks, the TheoryChecks defined in this Python file, each "
        "on --examples settings drawn from its strategy (repeatable)",
    )
    mutate.add_argument(
        "--examples",
        type=int,
        default=3,
        help="settings drawn per check of a --module (default 3; Hypothesis, derandomised)",
    )
    mutate.add_argument(
        "--out",
        default=None,
        help=f"where to write the results as JSON (default {MUTANT_RESULTS}, or "
        f"{SELECTED_MUTANT_RESULTS} for a -k selection, so that a selected run does not replace "
        "a full one)",
    )
    cache_command = commands.add_parser("cache", help="show or clear the run cache")
    cache_command.add_argument("action", choices=["info", "clear", "prune"])
    cache_command.add_argument(
        "--max-size",
        type=_size,
        default=None,
        help="with prune: delete the least recently used entries until the cache takes at most "
        "this much (bytes, or with K, M or G: 500M, 2G)",
    )
    cache_command.add_argument("--cache-dir", default=None, help="the cache directory")
    arguments = parser.parse_args(argv)
    return _run(arguments)


def _run(arguments: argparse.Namespace) -> int:
    """The parsed command. Torch, sympy and the checks are imported only here, so that
    ``--help`` and a mistyped option answer at once."""
    from gflcheck.runtime import cache
    from gflcheck.runtime.devices import resolve_device, set_compute_threads, using_device
    from gflcheck.runtime.errors import ParameterRangeError
    from gflcheck.runtime.profiles import profile_name
    from gflcheck.surface.commands import (
        _baseline,
        _cache,
        _check,
        _entries,
        _figure,
        _mutate,
        _power,
        _report,
        _run_cache,
        _selected,
    )

    if getattr(arguments, "threads", 1) < 1:
        print(f"--threads={arguments.threads}: allowed an integer ≥ 1", file=sys.stderr)
        return 2
    set_compute_threads(getattr(arguments, "threads", 1))
    if hasattr(arguments, "jobs"):
        try:
            arguments.jobs = _jobs(arguments.jobs)
        except ValueError:
            print(f"--jobs={arguments.jobs}: allowed an integer ≥ 1 or 'auto'", file=sys.stderr)
            return 2
    try:
        profile_name(getattr(arguments, "profile", None))  # $GFLCHECK_PROFILE, before any work
    except ParameterRangeError as error:
        print(f"gflcheck: {error} (--profile, or ${PROFILE_VARIABLE})", file=sys.stderr)
        return 2
    try:
        size_limit = cache_size_limit()  # $GFLCHECK_CACHE_MAX_SIZE, before any work
    except ValueError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    if arguments.command == "figure":
        return _figure(arguments)
    if arguments.command == "cache":
        return _cache(arguments, size_limit)
    if getattr(arguments, "examples", 1) < 1:
        print(f"--examples={arguments.examples}: allowed an integer ≥ 1", file=sys.stderr)
        return 2
    if arguments.select and not getattr(arguments, "module", None) and not _selected(arguments):
        names = ", ".join(entry.name for entry in _entries(arguments.profile))
        print(
            f"gflcheck: -k {arguments.select!r} matches no check; the checks: {names}",
            file=sys.stderr,
        )
        return 2
    try:
        device = resolve_device(getattr(arguments, "device", None))
    except ParameterRangeError as error:
        print(f"gflcheck: --device: {error}", file=sys.stderr)
        return 2
    run_cache = None if arguments.no_cache else _run_cache(arguments)
    try:
        if run_cache is not None:
            run_cache.require_usable()  # a foreign directory is refused before any work
    except cache.ForeignDirectoryError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    try:
        with cache.use_cache(run_cache), using_device(device):
            if arguments.command == "baseline":
                return _baseline(arguments)
            if arguments.command == "report":
                return _report(arguments)
            if arguments.command == "power":
                return _power(arguments)
            if arguments.command == "mutate":
                return _mutate(arguments)
            return _check(arguments)
    except cache.CacheError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    finally:
        if run_cache is not None:
            removed, freed = run_cache.prune_quietly(size_limit)
            print(
                f"run cache {run_cache.directory}: {run_cache.hits} hits, "
                f"{run_cache.misses} runs computed"
                + (
                    f"; {run_cache.unstored} could not be stored ({run_cache.unwritable}): "
                    "their verdicts stand, a rerun computes them again"
                    if run_cache.unstored
                    else ""
                )
                + (
                    f"; removed the {removed} least recently used entries ({freed / 2**20:.1f} "
                    f"MiB) to stay within {size_limit / 2**20:.0f} MiB (${CACHE_SIZE_VARIABLE})"
                    if removed
                    else ""
                ),
                file=sys.stderr,
            )


def _size(text: str) -> int:
    """``500M``, ``2G``, ``4096`` → bytes (:func:`~gflcheck.runtime.defaults.parse_size`)."""
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_jobs(command: argparse.ArgumentParser) -> None:
    """``-j/--jobs`` for the commands that run the default checks once (``power`` spreads its
    repetitions with ``--dask`` instead)."""
    command.add_argument(
        "-j",
        "--jobs",
        default="1",
        help="checks run at once, each in its own process ('auto': one per CPU); the same "
        "verdicts as one at a time",
    )


def _jobs(value: str) -> int:
    """``--jobs``: an integer ≥ 1, or ``auto`` for the CPUs this process may use."""
    if value == "auto":
        if hasattr(os, "sched_getaffinity"):
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1
    jobs = int(value)
    if jobs < 1:
        raise ValueError(value)
    return jobs


if __name__ == "__main__":
    sys.exit(main())
