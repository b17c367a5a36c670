"""The ``gflcheck`` command.

``gflcheck check`` runs the default checks (:mod:`gflcheck.catalogue`), shows progress, prints the
verdict table, and exits with status 1 when a check does not come out as expected: a true
statement violated, or a false variant not refuted.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from gflcheck.catalogue import DEFAULT_CHECKS, THOROUGH_CHECKS
from gflcheck.core.declare import CatalogueEntry
from gflcheck.core.verdict_text import (
    format_table,
    format_verdict_details,
    format_verdict_table,
    verdict_row,
)
from gflcheck.core.verdicts import Outcome, Verdict
from gflcheck.runtime import cache
from gflcheck.runtime.defaults import (
    CACHE_DIRECTORY_VARIABLE,
    DEFAULT_CACHE_DIRECTORY,
    DEFAULT_SLACK_TOLERANCE,
    DEVICE_VARIABLE,
    VERSION,
)
from gflcheck.runtime.devices import device_name, resolve_device, set_compute_threads, using_device
from gflcheck.runtime.errors import ParameterRangeError, SettingRejectedError
from gflcheck.runtime.profiles import BUDGETS, budget, profile_name
from gflcheck.surface import baselines

EXIT_CODES = """exit status:
  0    every check came out as expected (true statements hold, false variants are refuted,
       or an outcome the entry declares acceptable, with its reason)
  1    some check did not: a true statement violated, inconclusive or vacuous, or a false
       variant not refuted; or a baseline regression
  2    usage error (a bad option or value, a -k that matches nothing, a cache directory that
       is not a run cache); nothing was run
  130  interrupted (Ctrl-C); `check` first prints the verdicts gathered so far"""

SESSION_ARTEFACT = "gflcheck-results/session.json"
POWER_RESULTS = "gflcheck-results/power.json"
MUTANT_RESULTS = "gflcheck-results/mutants.json"
SELECTED_MUTANT_RESULTS = "gflcheck-results/mutants-selected.json"


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
        type=float,
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
    cache_command.add_argument("action", choices=["info", "clear"])
    cache_command.add_argument("--cache-dir", default=None, help="the cache directory")
    arguments = parser.parse_args(argv)
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
    if arguments.command == "figure":
        return _figure(arguments)
    if arguments.command == "cache":
        return _cache(arguments)
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
            print(
                f"run cache {run_cache.directory}: {run_cache.hits} hits, "
                f"{run_cache.misses} runs computed",
                file=sys.stderr,
            )


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


def _entries(profile: str | None) -> tuple:
    """The checks a run of ``profile`` makes: the default checks, and in the thorough profile
    the wide grids too (:data:`gflcheck.catalogue.THOROUGH_CHECKS`)."""
    return DEFAULT_CHECKS + (THOROUGH_CHECKS if profile_name(profile) == "thorough" else ())


def _selected(arguments: argparse.Namespace) -> list:
    """The default checks that ``-k`` selects (:func:`_matches`)."""
    return [e for e in _entries(arguments.profile) if _matches(arguments.select, e.name)]


def _matches(pattern: str, name: str) -> bool:
    """``name`` contains ``pattern``, or, when ``pattern`` has a wildcard (``*``, ``?``, ``[``),
    matches it as a whole (:func:`fnmatch.fnmatchcase`)."""
    if any(wildcard in pattern for wildcard in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name


def _run_cache(arguments: argparse.Namespace) -> cache.RunCache:
    return cache.RunCache(
        Path(arguments.cache_dir) if arguments.cache_dir else cache.default_directory()
    )


def _cache(arguments: argparse.Namespace) -> int:
    run_cache = _run_cache(arguments)
    if arguments.action == "clear":
        try:
            removed = run_cache.clear()
        except cache.ForeignDirectoryError as error:
            print(f"gflcheck: {error}", file=sys.stderr)
            return 2
        print(f"removed {removed} entries from {run_cache.directory}")
        return 0
    entries = run_cache.entries()
    size = sum(path.stat().st_size for path in entries)
    print(f"{run_cache.directory}: {len(entries)} entries, {size / 2**20:.1f} MiB")
    return 0


def _baseline(arguments: argparse.Namespace) -> int:
    path = Path(arguments.file)
    if arguments.prune and arguments.action != "record":
        print("gflcheck: --prune goes with 'baseline record' only", file=sys.stderr)
        return 2
    try:
        existing = baselines.load(path) if arguments.action == "compare" or path.exists() else None
    except baselines.BaselineError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    entries = _selected(arguments)
    named, _ = _run_default_checks(entries, budget(arguments.profile), arguments.jobs)
    recorded = baselines.command_entries(named)
    scopes = [f"cli::{entry.name}" for entry in entries]
    try:
        if arguments.action == "record":
            count = baselines.record(path, recorded, scopes)
            print(f"recorded {count} verdicts in {path} for {baselines.environment_id()}")
            if arguments.prune:
                known = {f"cli::{entry.name}" for entry in _entries(arguments.profile)}
                removed = baselines.prune(
                    path, lambda scope: scope.startswith("cli::") and scope not in known
                )
                print(f"pruned {len(removed)} entries of checks no longer in the catalogue")
                for key in removed:
                    print(f"  pruned {key}")
            return 0
        assert existing is not None
        comparison = baselines.compare(existing, recorded, arguments.slack_tolerance, scopes)
    except baselines.BaselineError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    for line in comparison.lines(path):
        print(line)
    return 1 if comparison.failed else 0


def _power(arguments: argparse.Namespace) -> int:
    from gflcheck.surface.power import (
        POWER_COLUMNS,
        estimates_as_json,
        family_wise_rate,
        measure_power,
    )

    if arguments.runs < 1:
        print(f"--runs={arguments.runs}: allowed an integer ≥ 1", file=sys.stderr)
        return 2
    entries = _selected(arguments)
    skipped = [e.name for e in entries if e.sweep and not arguments.with_sweeps]
    if skipped:
        print(f"skipping the sweeps {', '.join(skipped)} (--with-sweeps)", file=sys.stderr)
    entries = [e for e in entries if e.name not in skipped]
    with _dask_client(arguments.dask) as client, Progress(len(entries), "check") as progress:
        estimates = measure_power(
            entries,
            arguments.runs,
            budget(arguments.profile),
            progress=lambda line: progress.advance(f"    {line}"),
            executor=client,
        )
    print(format_table(POWER_COLUMNS, [e.as_row() for e in estimates]))
    family = family_wise_rate(estimates)
    print(family.describe())
    baselines.write_json_atomically(
        Path(arguments.out),
        {
            "runs": arguments.runs,
            "environment": baselines.environment(),
            "checks": estimates_as_json(estimates),
            "family_wise": asdict(family),
        },
    )
    missed = [e.check for e in estimates if e.meets_target is False]
    print(f"wrote {arguments.out}; targets missed: {', '.join(missed) or 'none'}")
    return 1 if missed else 0


def _mutate(arguments: argparse.Namespace) -> int:
    from gflcheck.core.verdict_text import (
        BREAK_POINT_COLUMNS,
        KILL_COLUMNS,
        break_point_row,
        kill_row,
        survivor_rows,
    )
    from gflcheck.surface.sensitivity import (
        RELATIVE_PRECISION,
        sensitivities_of_module_check,
        theorem_kills,
    )

    if arguments.out is None:
        arguments.out = SELECTED_MUTANT_RESULTS if arguments.select else MUTANT_RESULTS
    if _not_a_folder("--out", Path(arguments.out).parent):
        return 2
    refused: list[str] = []
    if arguments.module:
        try:
            checks = [
                (Path(path).stem, check)
                for path in arguments.module
                for check in _module_checks(Path(path))
            ]
        except UsageError as error:
            print(f"gflcheck: {error}", file=sys.stderr)
            return 2
        checks = [(source, c) for source, c in checks if _matches(arguments.select, c.name)]
        if not checks:
            print(
                f"gflcheck: -k {arguments.select!r} matches no check of the modules",
                file=sys.stderr,
            )
            return 2
        sensitivities = []
        for number, (source, check) in enumerate(checks, 1):
            print(f"[{number}/{len(checks)}] {source}: {check.name} …", file=sys.stderr, flush=True)
            analysed, skipped = sensitivities_of_module_check(check, arguments.examples, source)
            sensitivities += analysed
            refused += skipped
    else:
        entries = _selected(arguments)
        try:
            outcomes = _run_entries(
                entries, budget(arguments.profile), arguments.jobs, _sensitivities_of
            )
        except Interrupted:
            print("\ninterrupted: nothing written", file=sys.stderr)
            return 130
        sensitivities = [
            s for i in sorted(outcomes) if isinstance(outcomes[i], list) for s in outcomes[i]
        ]
        refused = [
            f"{entries[i].name}: {o}"
            for i, o in sorted(outcomes.items())
            if isinstance(o, SettingRejectedError)
        ]
    records = {
        "environment": baselines.environment(),
        "checks": [asdict(s) for s in sensitivities],
        "theorems": [asdict(t) for t in theorem_kills(sensitivities)],
        "refused": refused,
    }
    print("break points: how far each true statement tightens before it is false by the estimates")
    print(
        "(its measured tightness) and before its check refutes it (bisection to "
        f"{RELATIVE_PRECISION:.0%}; 'never': not up to 2^40)"
    )
    print(format_table(BREAK_POINT_COLUMNS, [break_point_row(c) for c in records["checks"]]))
    print("\nkill tables: automatic mutants of each theorem's bound (gflcheck.core.mutants)")
    print(format_table(KILL_COLUMNS, [kill_row(t) for t in records["theorems"]]))
    for theorem, change, _, why in survivor_rows(records["theorems"]):
        print(f"survives: {theorem}: [{change}]: {why}")
    for line in refused:
        print(f"refused: {line}")
    baselines.write_json_atomically(Path(arguments.out), records)
    print(f"wrote {arguments.out}")
    return 0


def _module_checks(path: Path) -> list:
    """The true, judged :class:`~gflcheck.core.declare.TheoryCheck` objects a user's Python file
    defines (false variants and observations are not tightened)."""
    from gflcheck.core.declare import TheoryCheck

    if not path.is_file():
        raise UsageError(f"--module={path}: no such Python file")
    name = f"gflcheck_module_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"--module={path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses of the module resolve their annotations through it
    spec.loader.exec_module(module)
    checks = [
        value
        for value in vars(module).values()
        if isinstance(value, TheoryCheck) and value.is_true_statement
    ]
    if not checks:
        raise UsageError(f"--module={path}: defines no TheoryCheck of a true statement")
    return checks


@contextmanager
def _dask_client(address: str | None) -> Iterator[Any]:
    """A Dask client for ``address`` (``local``: a local cluster), or ``None``."""
    if address is None:
        yield None
        return
    from distributed import Client  # the 'distributed' extra

    with Client() if address == "local" else Client(address) as client:
        yield client


def _report(arguments: argparse.Namespace) -> int:
    from gflcheck.surface.report_document import build_report, run_provenance

    if _not_a_folder("--out", Path(arguments.out)):
        return 2
    # the input files are read before any work: a bad one is a usage error
    try:
        power = _power_files(arguments.power or [POWER_RESULTS])
        mutants = _read_json(
            arguments.mutants,
            "a `gflcheck mutate` file",
            lambda d: {"checks": d["checks"], "theorems": d["theorems"]},
        )
        session = _read_json(
            arguments.session,
            "a session artefact",
            lambda d: (
                d["verdicts"],
                f"pytest session {arguments.session} ({len(d['verdicts'])} verdicts, "
                f"{baselines.environment_id(d['environment'])})",
            ),
        )
    except UsageError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    entries = _selected(arguments)
    verdicts, rejected = _run_default_checks(entries, budget(arguments.profile), arguments.jobs)
    by_name = {entry.name: entry for entry in entries}
    records = [
        {
            **baselines.verdict_record(name, verdict, verdict_row(verdict)),
            "description": by_name[name].description,
            "accepted": by_name[name].because if _accepted(by_name[name], verdict) else None,
        }
        for name, verdict in verdicts.items()
    ]
    sources = [f"gflcheck check ({len(records)} verdicts)"]
    if session is not None:
        records += session[0]
        sources.append(session[1])
    print("writing the report (rate sweeps, XOR Figure 1, four-panel picture) …", file=sys.stderr)
    provenance = run_provenance(arguments.profile)
    files = build_report(
        Path(arguments.out),
        records,
        sources,
        rejected,
        power=power,
        run=provenance,
        mutants=mutants,
    )
    print(f"wrote {files.markdown} and {files.html} ({len(files.images)} figures)")
    return 0


def _figure(arguments: argparse.Namespace) -> int:
    from gflcheck.surface.figures import (
        save_xor_figure_1,
        summarise_xor_figure_1,
        xor_figure_1_rows,
    )

    try:
        dimensions = tuple(int(d) for d in arguments.dimensions.split(","))
    except ValueError:
        dimensions = ()
    if not dimensions or min(dimensions) < 2:
        print(
            f"--dimensions: integers d ≥ 2 (XOR needs two coordinates) separated by commas, got "
            f"{arguments.dimensions!r}",
            file=sys.stderr,
        )
        return 2
    if _not_a_folder("--out", Path(arguments.out)):
        return 2
    print(f"training XOR, d ∈ {dimensions}, η = m = 20 …", file=sys.stderr, flush=True)
    rows = xor_figure_1_rows(dimensions)
    image, table = save_xor_figure_1(rows, Path(arguments.out))
    for line in summarise_xor_figure_1(rows):
        print(line)
    print(f"saved {image} and {table}")
    return 0


class UsageError(Exception):
    """A bad argument or input file, found before any work (exit status 2)."""


def _accepted(entry, verdict: Verdict) -> bool:
    """The verdict is not as expected on its own (inconclusive, vacuous), but its catalogue
    entry declares that it accepts this outcome (``because`` says why)."""
    return verdict.judged and entry.as_expected(verdict) and not verdict.as_expected


def _power_files(paths: Sequence[str]) -> list[dict] | None:
    """The rates of the ``gflcheck power`` files that exist, in order (``None``: none does). A
    check measured in two files is refused: which rate to show would be a guess."""
    found = [_read_json(path, "a `gflcheck power` file", lambda d: d["checks"]) for path in paths]
    if all(rates is None for rates in found):
        return None
    rates = [rate for file in found if file is not None for rate in file]
    names = [rate["check"] for rate in rates]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UsageError(f"--power: {', '.join(twice)} measured in more than one file")
    return rates


def _read_json(path: str, what: str, read: Callable[[Any], Any]) -> Any:
    """``read`` of the JSON document at ``path``; ``None`` when no path is given or the file does
    not exist; :class:`UsageError` when it is not ``what``."""
    if not path or not Path(path).exists():
        return None
    try:
        return read(json.loads(Path(path).read_text()))
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"{path} is not {what} ({error})") from None


def _not_a_folder(option: str, path: Path) -> bool:
    """``path`` exists and is not a folder: say so (a usage error, before any work)."""
    if path.exists() and not path.is_dir():
        print(f"{option}={path}: a folder is needed, and this is a file", file=sys.stderr)
        return True
    return False


def _check(arguments: argparse.Namespace) -> int:
    entries = _selected(arguments)
    if arguments.list:
        for entry in entries:
            print(f"{entry.name:36s} {entry.description}")
        return 0
    try:
        named, rejected = _run_default_checks(
            entries,
            budget(arguments.profile),
            arguments.jobs,
            _verdict_with_tightness if arguments.details else _verdict_of,
        )
    except Interrupted as interrupted:  # Ctrl-C: show what was gathered, then stop
        if interrupted.verdicts:
            print(format_verdict_table(interrupted.verdicts))
        print(
            f"\ninterrupted after {len(interrupted.verdicts) + len(interrupted.rejected)} of "
            f"{len(entries)} checks; nothing was judged as a whole",
            file=sys.stderr,
        )
        return 130
    verdicts = list(named.values())
    print(format_verdict_table(named))
    for name, reason in rejected:
        print(f"rejected: {name}: {reason}")
    if arguments.details:
        for verdict in verdicts:
            print()
            print(format_verdict_details(verdict))
    by_name = {entry.name: entry for entry in entries}
    judged = {n: v for n, v in named.items() if v.judged}
    unexpected = [n for n, v in judged.items() if not by_name[n].as_expected(v)]
    accepted = [n for n, v in judged.items() if _accepted(by_name[n], v)]
    for name in accepted:
        print(f"accepted {named[name].outcome.value.upper()}: {name}: {by_name[name].because}")
    observed = [n for n, v in named.items() if not v.judged]
    for name in observed:
        print(
            f"observed {named[name].outcome.value.upper()}: {name} (not judged: "
            f"{named[name].observation})"
        )
    for name in unexpected:
        print(f"NOT AS EXPECTED: {name}: {named[name].outcome.value.upper()}")
    print(
        baselines.family_false_alarm_line(
            baselines.verdict_record("cli", v, ()) for v in named.values()
        )
    )
    holding = sum(v.outcome is Outcome.HOLDS and v.expectation == "holds" for v in judged.values())
    print(
        f"\n{len(judged) - len(unexpected)} as expected ({holding} non-vacuous HOLDS, "
        f"{len(accepted)} accepted as declared), {len(unexpected)} not, "
        f"{len(observed)} observations (reported, not judged), "
        f"{len(rejected)} rejected (settings outside the theorem or the budget)"
    )
    return 1 if unexpected else 0


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during the checks, with the verdicts and rejections gathered before it."""

    def __init__(self, verdicts: dict[str, Verdict], rejected: list[tuple[str, str]]) -> None:
        super().__init__()
        self.verdicts = verdicts
        self.rejected = rejected


def _run_default_checks(
    entries, limits, jobs: int = 1, work=None
) -> tuple[dict[str, Verdict], list[tuple[str, str]]]:
    """Run catalogue entries with progress on stderr; return verdicts by entry name (in catalogue
    order), and the rejected settings. With ``jobs > 1`` the entries run in that many processes
    (:func:`_run_in_processes`). ``work`` (default :func:`_verdict_of`) makes the verdict."""
    return _in_order(entries, _run_entries(entries, limits, jobs, work or _verdict_of))


class Progress:
    """Progress on stderr: a line per event, and, when stderr is a terminal, a bar with the
    elapsed time and an ETA under them (tqdm). Not a terminal (CI, a pipe, a file): the lines
    only."""

    def __init__(self, total: int, unit: str) -> None:
        self.bar = tqdm(
            total=total,
            unit=unit,
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            dynamic_ncols=True,
            leave=False,
            mininterval=0,  # a few dozen slow units: redraw at each
        )

    def line(self, text: str) -> None:
        """Print ``text`` above the bar."""
        if self.bar.disable:
            print(text, file=sys.stderr, flush=True)
        else:
            self.bar.write(text, file=sys.stderr)

    def advance(self, text: str) -> None:
        """One unit done: print ``text`` and move the bar."""
        self.line(text)
        self.bar.update(1)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.close()


def _run_entries(entries, limits, jobs: int, work) -> dict[int, Any]:
    """``work(entry, limits)`` of each entry (or the rejection of its setting), by index, with
    progress on stderr: serially, or with ``jobs > 1`` in that many processes."""
    with Progress(len(entries), "check") as progress:
        if jobs > 1 and len(entries) > 1:
            return _run_in_processes(entries, limits, jobs, work, progress)
        outcomes: dict[int, Any] = {}
        for number, entry in enumerate(entries, 1):
            progress.line(f"[{number}/{len(entries)}] {entry.name}: {entry.description} …")
            try:
                outcome, seconds, _, _ = _run_entry(entry, limits, work)
            except KeyboardInterrupt:
                raise Interrupted(*_in_order(entries, outcomes)) from None
            outcomes[number - 1] = outcome
            progress.advance(f"    {_progress(outcome)} ({seconds:.1f}s)")
        return outcomes


def _verdict_of(entry, limits) -> Verdict:
    return entry.run(limits)[0]


def _verdict_with_tightness(entry, limits) -> Verdict:
    """The entry's verdict with a note of its break point (:func:`gflcheck.surface.sensitivity.
    break_point`): how loose the bound is where it was measured, and how far it tightens (or,
    for a false variant, loosens) before the check's verdict changes."""
    from gflcheck.core.declare import recorded_runs
    from gflcheck.surface.sensitivity import break_point

    with recorded_runs() as runs:
        verdict = entry.run(limits)[0]
    if not runs or verdict.observation:
        return verdict
    point = break_point(runs[-1]).describe()
    return replace(verdict, notes=(*verdict.notes, f"break point: {point}"))


def _sensitivities_of(entry, limits) -> list:
    """The sensitivity of every true check that ``entry`` runs (false variants and observations
    are not tightened)."""
    from gflcheck.core.declare import recorded_runs
    from gflcheck.surface.sensitivity import check_sensitivity

    with recorded_runs() as runs:
        entry.run(limits)
    return _analysed(runs, partial(check_sensitivity, where=entry.name))


def _analysed(runs, analyse) -> list:
    """``analyse`` of each recorded run of a true, judged check, each check and setting once."""
    seen, analysed = set(), []
    for run in runs:
        key = (run.check.name, repr(run.setting))
        if not run.check.is_true_statement or key in seen:
            continue
        seen.add(key)
        analysed.append(analyse(run))
    return analysed


def _run_entry(entry, limits, work=_verdict_of) -> tuple[Any, float, int, int]:
    """``work(entry, limits)`` (or the rejection of its setting), its seconds, and the run
    cache's hits and misses it added."""
    run_cache = cache.active_cache()
    hits, misses = (run_cache.hits, run_cache.misses) if run_cache else (0, 0)
    start = time.perf_counter()
    try:
        outcome = work(entry, limits)
    except SettingRejectedError as error:
        outcome = error
    seconds = time.perf_counter() - start
    if run_cache is None:
        return outcome, seconds, 0, 0
    return outcome, seconds, run_cache.hits - hits, run_cache.misses - misses


def _gather(name, outcome, verdicts: dict, rejected: list) -> None:
    if isinstance(outcome, SettingRejectedError):
        rejected.append((name, str(outcome)))
    else:
        verdicts[name] = outcome


def _progress(outcome) -> str:
    if isinstance(outcome, SettingRejectedError):
        return f"rejected: {outcome}"
    if isinstance(outcome, list):
        return f"{len(outcome)} true check(s) tightened and mutated"
    return outcome.outcome.value


def _run_in_processes(entries, limits, jobs: int, work, progress: Progress):
    """Each entry in a worker process, the sweeps and the entries declared ``long_running``
    first (the longest: started last, the lottery ticket's 72 s ran alone at the end of the main
    job), the others in catalogue order. Workers use the same run cache and torch thread count,
    so the numbers are those of a serial run; a run two workers need at once is computed once
    (:meth:`gflcheck.runtime.cache.RunCache.computing`).

    A worker never waits idle on that lock the first time: an entry that needs a run another
    worker is computing (a variant beside its theorem, a second reading beside the first) is
    put back at the end of the queue (:class:`gflcheck.runtime.cache.RunBusy`), its runs stored so far
    kept, and the worker takes the next entry; on its second turn it waits. Submitted all at
    once, the lottery ticket's quarter variant waited 33 s beside the ticket, and the parity
    rival 28 s beside the trained network's walk."""
    run_cache = cache.active_cache()
    if run_cache is not None:
        run_cache.mark()  # before the workers: none of them finds another's half-made marker
    directory = None if run_cache is None else str(run_cache.directory)
    threads = torch.get_num_threads()
    device = device_name()
    queue = deque(start_order(entries))
    outcomes: dict[int, Verdict | SettingRejectedError] = {}
    turns: Counter[int] = Counter()
    # Fork shares the imported modules (a warm run stays as fast as a serial one); with more than
    # one torch thread the parent may hold an OpenMP pool, and with a GPU a CUDA driver state,
    # which a forked child must not inherit.
    forkable = (
        threads == 1 and device == "cpu" and "fork" in multiprocessing.get_all_start_methods()
    )
    context = multiprocessing.get_context("fork" if forkable else "spawn")
    workers = min(jobs, len(entries))
    pool = ProcessPoolExecutor(workers, mp_context=context)
    running: dict[Future, int] = {}

    def submit() -> None:
        index = queue.popleft()
        defer = turns[index] == 0 and bool(queue)  # the last entry left has nothing to yield to
        turns[index] += 1
        arguments = (entries[index].name, limits, directory, threads, device, work, defer)
        running[pool.submit(_run_entry_by_name, *arguments)] = index

    try:
        while queue and len(running) < workers:
            submit()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                outcome, seconds, hits, misses = future.result()
                if run_cache is not None:
                    run_cache.hits += hits
                    run_cache.misses += misses
                if outcome is None:  # deferred: another worker is computing a run it needs
                    queue.append(index)
                    progress.line(
                        f"    {entries[index].name}: needs a run another worker is computing; "
                        "back in the queue"
                    )
                else:
                    outcomes[index] = outcome
                    progress.advance(
                        f"[{len(outcomes)}/{len(entries)}] {entries[index].name}: "
                        f"{_progress(outcome)} ({seconds:.1f}s)"
                    )
                if queue:
                    submit()
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        raise Interrupted(*_in_order(entries, outcomes)) from None
    pool.shutdown()
    return outcomes


def start_order(entries: Sequence[CatalogueEntry]) -> list[int]:
    """The order in which ``-j`` starts ``entries`` (indices): the sweeps and the entries
    declared ``long_running`` first, each group in catalogue order."""
    return sorted(
        range(len(entries)), key=lambda i: not (entries[i].sweep or entries[i].long_running)
    )


def _in_order(entries, outcomes) -> tuple[dict[str, Verdict], list[tuple[str, str]]]:
    verdicts: dict[str, Verdict] = {}
    rejected: list[tuple[str, str]] = []
    for index in sorted(outcomes):
        if isinstance(outcomes[index], Verdict | SettingRejectedError):
            _gather(entries[index].name, outcomes[index], verdicts, rejected)
    return verdicts, rejected


def _run_entry_by_name(
    name: str,
    limits,
    directory: str | None,
    threads: int,
    device: str,
    work,
    defer: bool = False,
):
    """In a worker process: ``work`` on the default check called ``name`` (:func:`_run_entry`),
    on the caller's thread count and device; with ``defer``, the outcome ``None`` instead of
    waiting for a run another worker is computing."""
    set_compute_threads(threads)
    entry = next(entry for entry in DEFAULT_CHECKS + THOROUGH_CHECKS if entry.name == name)
    run_cache = None if directory is None else cache.RunCache(Path(directory))
    if run_cache is not None:
        run_cache.defer_when_busy = defer
    with cache.use_cache(run_cache), using_device(device):
        try:
            return _run_entry(entry, limits, work)
        except cache.RunBusy:  # the runs it computed before are stored, and counted
            return None, 0.0, run_cache.hits, run_cache.misses


if __name__ == "__main__":
    sys.exit(main())
