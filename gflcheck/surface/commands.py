"""The ``gflcheck`` subcommands: check, baseline, power, mutate, report, figure and cache, each
a function of the parsed arguments returning the exit status."""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gflcheck.catalogue import DEFAULT_CHECKS, THOROUGH_CHECKS
from gflcheck.core.verdict_text import (
    NARROW_COLUMNS,
    confirmation_counts,
    format_table,
    format_verdict_details,
    format_verdict_table,
    verdict_row,
)
from gflcheck.core.verdicts import Verdict
from gflcheck.runtime import cache
from gflcheck.runtime.defaults import (
    CACHE_SIZE_VARIABLE,
    MUTANT_RESULTS,
    POWER_RESULTS,
    SELECTED_MUTANT_RESULTS,
)
from gflcheck.runtime.errors import SettingRejectedError
from gflcheck.runtime.profiles import budget, profile_name
from gflcheck.surface import baselines
from gflcheck.surface.execution import (
    Interrupted,
    Progress,
    _run_default_checks,
    _run_entries,
    _sensitivities_of,
    _verdict_of,
    _verdict_with_tightness,
)


def _entries(profile: str | None) -> tuple:
    """The checks a run of ``profile`` makes: the default checks, and in the thorough profile
    the wide grids too (:data:`gflcheck.catalogue.THOROUGH_CHECKS`), each in place of the
    default entry it :attr:`~gflcheck.core.entries.CatalogueEntry.replaces`."""
    if profile_name(profile) != "thorough":
        return DEFAULT_CHECKS
    replaced = {entry.replaces for entry in THOROUGH_CHECKS}
    return tuple(e for e in DEFAULT_CHECKS if e.name not in replaced) + THOROUGH_CHECKS


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


def _cache(arguments: argparse.Namespace, limit: int) -> int:
    """``gflcheck cache info|clear|prune``; ``limit``: the size limit, validated by the caller."""
    run_cache = _run_cache(arguments)
    if arguments.action == "prune" and arguments.max_size is None:
        print("gflcheck: cache prune needs --max-size (e.g. 500M, 2G)", file=sys.stderr)
        return 2
    try:
        if arguments.action == "clear":
            print(f"removed {run_cache.clear()} entries from {run_cache.directory}")
            return 0
        if arguments.action == "prune":
            removed, freed = run_cache.prune(arguments.max_size)
            print(
                f"removed the {removed} least recently used entries ({freed / 2**20:.1f} MiB) "
                f"from {run_cache.directory}"
            )
            return 0
    except cache.ForeignDirectoryError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    entries = run_cache.entries()
    size = sum(path.stat().st_size for path in entries)
    print(
        f"{run_cache.directory}: {len(entries)} entries, {size / 2**20:.1f} MiB (limit "
        f"{limit / 2**20:.0f} MiB, ${CACHE_SIZE_VARIABLE}: the least recently used entries go "
        "first when a command or pytest session ends above it)"
    )
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
        known = {f"cli::{entry.name}" for entry in DEFAULT_CHECKS + THOROUGH_CHECKS}
        removed = baselines.unknown_scopes(existing, known)
        comparison = baselines.compare(
            existing, recorded, arguments.slack_tolerance, [*scopes, *removed]
        )
    except baselines.BaselineError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    for line in comparison.lines(path):
        print(line)
    if removed:
        print(
            f"{len(removed)} check(s) in the baseline are no longer in the catalogue: their "
            "entries are missing; if the removal is meant, accept it with "
            f"`gflcheck baseline record --prune --file {path}`"
        )
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
    try:
        with _dask_client(arguments.dask) as client, Progress(len(entries), "check") as progress:
            estimates = measure_power(
                entries,
                arguments.runs,
                budget(arguments.profile),
                progress=lambda line: progress.advance(f"    {line}"),
                executor=client,
            )
    except UsageError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
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
    from gflcheck.surface.break_points import RELATIVE_PRECISION
    from gflcheck.surface.sensitivity import sensitivities_of_module_check, theorem_kills

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
    """A Dask client for ``address`` (``local``: a local cluster), or ``None``. A scheduler
    that cannot be reached within :data:`DASK_TIMEOUT`, or a worker whose torch, numpy, Python
    or gflcheck code differs from this process's, is a :class:`UsageError` before any work."""
    if address is None:
        yield None
        return
    from distributed import Client  # the 'distributed' extra

    try:
        client = Client() if address == "local" else Client(address, timeout=DASK_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise UsageError(
            f"--dask {address}: no scheduler answered within {DASK_TIMEOUT} ({error}); start "
            "one there, or run without --dask"
        ) from None
    with client:
        mine = worker_environment()
        differing = {
            worker: diff
            for worker, theirs in client.run(worker_environment).items()
            if (diff := {k: (v, mine.get(k)) for k, v in theirs.items() if mine.get(k) != v})
        }
        if differing:
            worker, diff = next(iter(differing.items()))
            raise UsageError(
                f"--dask {address}: {len(differing)} worker(s) run another environment than this "
                f"process, e.g. {worker}: "
                + ", ".join(f"{k} {theirs} (here {here})" for k, (theirs, here) in diff.items())
                + "; their numbers would not be comparable. Install the same versions there"
            )
        yield client


DASK_TIMEOUT = "10s"
"""How long ``--dask`` waits for a scheduler before it gives up."""


def worker_environment() -> dict[str, str]:
    """What a Dask worker must share with the client: library versions and gflcheck's code."""
    shared = {k: v for k, v in cache.environment().items() if k not in _SET_BY_THE_CALLER}
    return {**shared, "gflcheck code": cache.code_version()}


_SET_BY_THE_CALLER = ("torch_threads", "device")
"""Environment entries each task sets to the client's (:func:`gflcheck.runtime.executors.map_in_order`)."""


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
        history = [_history_file(path) for path in arguments.history or ()]
    except UsageError as error:
        print(f"gflcheck: {error}", file=sys.stderr)
        return 2
    entries = _selected(arguments)
    try:
        verdicts, rejected = _run_default_checks(entries, budget(arguments.profile), arguments.jobs)
    except Interrupted as interrupted:  # Ctrl-C: no report from part of the checks
        print(
            f"\ninterrupted after {len(interrupted.verdicts) + len(interrupted.rejected)} of "
            f"{len(entries)} checks; the report was not written",
            file=sys.stderr,
        )
        return 130
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
    figures = None
    if not arguments.select:  # a -k report: the selected checks only, no figures
        from gflcheck.catalogue import ILLUSTRATIONS

        print(f"computing the claims' {len(ILLUSTRATIONS)} figures …", file=sys.stderr)
        try:
            figures = [(figure, figure.compute()) for figure in ILLUSTRATIONS]
        except KeyboardInterrupt:
            print("\ninterrupted; the report was not written", file=sys.stderr)
            return 130
    from gflcheck.catalogue import COVERAGE

    print("writing the report …", file=sys.stderr)
    provenance = run_provenance(arguments.profile)
    try:
        files = build_report(
            Path(arguments.out),
            records,
            sources,
            rejected,
            power=power,
            run=provenance,
            mutants=mutants,
            figures=figures,
            history=history,
            coverage=COVERAGE,
        )
    except KeyboardInterrupt:  # the previous report stays as it was (build_report)
        print("\ninterrupted while writing; the previous report is unchanged", file=sys.stderr)
        return 130
    print(f"wrote {files.markdown} and {files.html} ({len(files.images)} figures)")
    unexpected = _not_as_expected(verdicts, entries)
    if unexpected:  # the report shows them; the exit status says so too
        print(f"{len(unexpected)} check(s) not as expected: {', '.join(unexpected)}")
    return 1 if unexpected else 0


def _figure(arguments: argparse.Namespace) -> int:
    from gflcheck.claims.xor_figure_1 import figure_1_curves
    from gflcheck.surface.figures import save_xor_figure_1, summarise_xor_figure_1

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
    curves = figure_1_curves(dimensions)
    image, table = save_xor_figure_1(curves, Path(arguments.out))
    for line in summarise_xor_figure_1(curves):
        print(line)
    print(f"saved {image} and {table}")
    return 0


class UsageError(Exception):
    """A bad argument or input file, found before any work (exit status 2)."""


def _not_as_expected(verdicts: dict[str, Verdict], entries: Sequence[Any]) -> list[str]:
    """The names of the judged verdicts that their catalogue entry does not accept: what makes
    ``check`` and ``report`` exit 1."""
    by_name = {entry.name: entry for entry in entries}
    return [n for n, v in verdicts.items() if v.judged and not by_name[n].as_expected(v)]


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


def _history_file(path: str) -> tuple[str, dict[str, Any]]:
    """``(label, entries)`` of a ``gflcheck baseline record`` file for the report's history: its
    entries in this machine's environment, or in its only one; :class:`UsageError` otherwise."""
    if not Path(path).is_file():
        raise UsageError(f"--history {path}: no such file (a `gflcheck baseline record` file)")
    environments = _read_json(path, "a baseline file", lambda d: d["environments"])
    here = baselines.environment_id()
    if here in environments:
        return Path(path).stem, environments[here]["entries"]
    if len(environments) == 1:
        (only,) = environments.values()
        return Path(path).stem, only["entries"]
    raise UsageError(
        f"--history {path}: no environment {here}, and {len(environments)} others to choose from"
    )


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
    narrow = sys.stdout.isatty() and not getattr(arguments, "wide", False)
    print(format_verdict_table(named, NARROW_COLUMNS if narrow else None))
    if narrow:
        print("(the terminal's columns; --wide, or a pipe, for all of them)")
    for name, reason in rejected:
        print(f"rejected: {name}: {reason}")
    if arguments.details:
        for verdict in verdicts:
            print()
            print(format_verdict_details(verdict))
    by_name = {entry.name: entry for entry in entries}
    judged = {n: v for n, v in named.items() if v.judged}
    unexpected = _not_as_expected(judged, entries)
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
    records = [baselines.verdict_record("cli", v, ()) for v in named.values()]
    print(baselines.family_false_alarm_line(records))
    over = not baselines.family_false_alarm(records)["within"]
    if over:  # as a pytest session fails: the run's false-alarm rate is not controlled
        print(
            "FAILED: this run's decisions on true statements declare more false-alarm rate than "
            "the family-wise α; select fewer checks (-k), or give them smaller shares"
        )
    print(
        f"\n{len(judged) - len(unexpected)} as expected ({confirmation_counts(judged.values())}; "
        f"{len(accepted)} accepted as declared), {len(unexpected)} not, "
        f"{len(observed)} observations (reported, not judged), "
        f"{len(rejected)} rejected (settings outside the theorem or the budget)"
    )
    return 1 if unexpected or over else 0
