"""Running catalogue entries for the CLI: one at a time or each in its own process (``-j``),
with progress on stderr, the run cache shared between workers, and the verdicts gathered in
catalogue order."""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter, deque
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import partial
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from gflcheck.catalogue import DEFAULT_CHECKS, THOROUGH_CHECKS
from gflcheck.core.declare import CatalogueEntry
from gflcheck.core.verdicts import Verdict
from gflcheck.runtime import cache
from gflcheck.runtime.devices import device_name, set_compute_threads, using_device
from gflcheck.runtime.errors import SettingRejectedError


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
                outcome, seconds, _ = _run_entry(entry, limits, work)
            except KeyboardInterrupt:
                raise Interrupted(*_in_order(entries, outcomes)) from None
            outcomes[number - 1] = outcome
            progress.advance(f"    {_progress(outcome)} ({seconds:.1f}s)")
        return outcomes


def _verdict_of(entry, limits) -> Verdict:
    """The entry's verdict; a HOLDS of a true statement carries its break point
    (:func:`gflcheck.surface.break_points.break_point`, from the same runs: no training)."""
    return _judged_with_break_point(entry, limits, describe=False)


def _verdict_with_tightness(entry, limits) -> Verdict:
    """:func:`_verdict_of`, with a note of the break point of every judged verdict: how loose the
    bound is where it was measured, and how far it tightens (or, for a false variant, loosens)
    before the check's verdict changes."""
    return _judged_with_break_point(entry, limits, describe=True)


def _judged_with_break_point(entry, limits, describe: bool) -> Verdict:
    from gflcheck.surface.break_points import with_break_point

    return with_break_point(lambda: entry.run(limits), describe)[0]


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


def _run_entry(entry, limits, work=_verdict_of) -> tuple[Any, float, dict[str, Any]]:
    """``work(entry, limits)`` (or the rejection of its setting), its seconds, and the run
    cache's counts it added (:func:`_counts`)."""
    run_cache = cache.active_cache()
    before = _counts(run_cache)
    start = time.perf_counter()
    try:
        outcome = work(entry, limits)
    except SettingRejectedError as error:
        outcome = error
    seconds = time.perf_counter() - start
    after = _counts(run_cache)
    added = {k: after[k] - before[k] for k in _COUNTED}
    return outcome, seconds, {**added, "unwritable": after["unwritable"]}


_COUNTED = ("hits", "misses", "unstored")
"""The run cache's counters a worker adds to the parent's."""


def _counts(run_cache: Any) -> dict[str, Any]:
    """A run cache's counters and why runs were not stored (``None``: all were)."""
    if run_cache is None:
        return {**dict.fromkeys(_COUNTED, 0), "unwritable": None}
    return {name: getattr(run_cache, name) for name in (*_COUNTED, "unwritable")}


def _add_counts(run_cache: Any, counts: dict[str, Any]) -> None:
    """Add a worker's counts to this process's run cache."""
    if run_cache is None:
        return
    for name in _COUNTED:
        setattr(run_cache, name, getattr(run_cache, name) + counts[name])
    run_cache.unwritable = run_cache.unwritable or counts["unwritable"]


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
                outcome, seconds, counts = future.result()
                _add_counts(run_cache, counts)
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
            return None, 0.0, _counts(run_cache)
