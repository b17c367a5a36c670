"""The on-disk run cache: keys, hits, stored rejections, unreadable entries, interrupted writes."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from gflcheck.runtime import cache
from gflcheck.runtime.cache import CacheError, CacheKeyError, RunCache, cached_run, use_cache
from gflcheck.runtime.errors import BudgetExceededError
from gflcheck.theorems.gfl import theorem_3_12_bound

pytest_plugins = ["pytester"]

CALLS: list[tuple] = []


@dataclass(frozen=True)
class Setting:
    dimension: int
    scale: float
    seed: int


@cached_run
def noisy_sum(setting: Setting, weights: torch.Tensor) -> torch.Tensor:
    """A pure function of its arguments (its draws come from the seed)."""
    CALLS.append((setting, weights))
    generator = torch.Generator().manual_seed(setting.seed)
    return setting.scale * (weights + torch.randn(setting.dimension, generator=generator)).sum()


@cached_run
def rejects(width: int) -> int:
    CALLS.append((width,))
    raise BudgetExceededError("m", width, 8)


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()


def key(*args, **kwargs):
    import inspect

    bound = inspect.signature(noisy_sum.uncached).bind(*args, **kwargs)
    return cache.canonical_key(noisy_sum.uncached, bound.arguments)


def test_keys_separate_what_differs_and_agree_on_what_does_not():
    weights = torch.arange(3.0)
    base = key(Setting(3, 0.5, 1), weights)
    assert key(Setting(3, 0.5, 1), weights.clone()) == base
    assert key(setting=Setting(3, 0.5, 1), weights=weights) == base
    assert key(Setting(3, 0.5, 2), weights) != base  # seed
    assert key(Setting(3, 0.5 + 2**-50, 1), weights) != base  # floats bit-exactly
    assert key(Setting(3, 0.5, 1), weights.double()) != base  # dtype
    assert key(Setting(3, 0.5, 1), weights + 1) != base  # contents


def test_key_depends_on_code_version_and_thread_count(monkeypatch):
    base = key(Setting(3, 0.5, 1), torch.zeros(3))
    monkeypatch.setattr(cache, "code_version", lambda: "edited")
    assert key(Setting(3, 0.5, 1), torch.zeros(3)) != base
    monkeypatch.undo()
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(threads + 1)
        assert key(Setting(3, 0.5, 1), torch.zeros(3)) != base
    finally:
        torch.set_num_threads(threads)


def test_unkeyable_argument_names_itself():
    with pytest.raises(CacheKeyError, match=r"the arguments\['weights'\] of type Generator"):
        key(Setting(3, 0.5, 1), torch.Generator())


def test_bounds_key_by_expression_and_pickle():
    bound = theorem_3_12_bound()
    again = pickle.loads(pickle.dumps(bound))
    values = {"OPT": 0.1, "r": 2, "B_a1": 1.0, "B_x1": 2.0, "gamma": 0.01, "epsilon": 0.1}
    assert again.evaluate(values) == bound.evaluate(values)
    assert cache.canonical_key(len, {"b": again}) == cache.canonical_key(len, {"b": bound})


def test_without_an_active_cache_nothing_is_stored(tmp_path):
    assert cache.active_cache() is None
    noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    assert len(CALLS) == 2


def test_a_hit_returns_the_stored_value_without_running(tmp_path):
    run_cache = RunCache(tmp_path)
    with use_cache(run_cache):
        first = noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
        second = noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
        other = noisy_sum(Setting(3, 0.5, 2), torch.zeros(3))
    assert len(CALLS) == 2 and (run_cache.hits, run_cache.misses) == (1, 2)
    assert torch.equal(first, second) and not torch.equal(first, other)
    assert torch.equal(first, noisy_sum.uncached(Setting(3, 0.5, 1), torch.zeros(3)))
    assert len(run_cache.entries()) == 2


def test_a_rejected_setting_is_stored_and_raised_again(tmp_path):
    with use_cache(RunCache(tmp_path)):
        for _ in range(2):
            with pytest.raises(BudgetExceededError) as raised:
                rejects(16)
            assert raised.value.reason == "requirement over budget (m > 8)"
    assert len(CALLS) == 1


@pytest.mark.parametrize(
    "content", [b"", b"not a pickle", pickle.dumps({"format": "something else"})]
)
def test_an_unreadable_entry_is_a_clear_error_and_is_left_alone(tmp_path, content):
    run_cache = RunCache(tmp_path)
    with use_cache(run_cache):
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
        (path,) = run_cache.entries()
        path.write_bytes(content)
        with pytest.raises(CacheError, match="cannot be read") as raised:
            noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    assert raised.value.path == path and str(path) in str(raised.value)
    assert "gflcheck cache clear" in str(raised.value)
    assert path.read_bytes() == content


def test_a_changed_byte_in_an_entry_is_refused_and_recomputed(tmp_path):
    """A flipped byte inside the stored arrays still unpickles, to other numbers: the entry's
    checksum refuses it, the run is computed again with a warning naming the file, and the file
    is left for inspection."""
    from gflcheck.runtime.cache import ChangedEntryWarning

    run_cache = RunCache(tmp_path)
    with use_cache(run_cache):
        first = noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
        (path,) = run_cache.entries()
        data = bytearray(path.read_bytes())
        data[-40] ^= 0x01
        path.write_bytes(bytes(data))
        with pytest.warns(ChangedEntryWarning, match="checksum does not match") as warned:
            again = noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    assert str(path) in str(warned[0].message) and "gflcheck cache clear" in str(warned[0].message)
    assert again == first and len(CALLS) == 2
    assert path.read_bytes() == bytes(data) and run_cache.misses == 2


def test_a_full_disk_leaves_the_run_unstored_not_lost(tmp_path, monkeypatch):
    """A store that fails (a full disk, a read-only directory) returns the computed value and
    counts it as unstored, with the reason: no traceback, no lost run."""
    import errno

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache, "write_atomically", full)
    run_cache = RunCache(tmp_path / "c")
    with use_cache(run_cache):
        value = noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    assert torch.equal(value, noisy_sum.uncached(Setting(3, 0.5, 1), torch.zeros(3)))
    assert (run_cache.misses, run_cache.unstored) == (1, 1)
    assert "No space left on device" in run_cache.unwritable and run_cache.entries() == []


def test_the_command_reports_runs_it_could_not_store(tmp_path, monkeypatch, capsys):
    import errno

    from gflcheck.surface.cli import main

    def read_only(path, data):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(cache, "write_atomically", read_only)
    cached = ["--cache-dir", str(tmp_path / "c")]
    assert main(["check", "-k", "ttm-xor/d=16", *cached]) == 0
    error = capsys.readouterr().err
    assert "could not be stored (Read-only file system" in error and "Traceback" not in error


def test_prune_deletes_the_least_recently_used_entries_first(tmp_path, capsys):
    import os

    from gflcheck.surface.cli import main

    run_cache = RunCache(tmp_path / "c")
    created = []
    with use_cache(run_cache):
        for seed in (1, 2, 3):
            noisy_sum(Setting(3, 0.5, seed), torch.zeros(3))
            created += [p for p in run_cache.entries() if p not in created]
    for age, path in enumerate(created):  # stored long ago, seed 1 first
        os.utime(path, (1_000 + age, 1_000 + age))
    with use_cache(run_cache):  # a hit: seed 1's entry is now the most recently used
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    size = created[0].stat().st_size
    assert run_cache.prune(size) == (2, 2 * size) and run_cache.entries() == [created[0]]
    assert main(["cache", "prune", "--max-size", "0", "--cache-dir", str(tmp_path / "c")]) == 0
    assert "removed the 1 least recently used" in capsys.readouterr().out
    assert run_cache.entries() == []
    with pytest.raises(SystemExit):
        main(["cache", "prune", "--max-size", "lots", "--cache-dir", str(tmp_path / "c")])
    assert main(["cache", "prune", "--cache-dir", str(tmp_path / "c")]) == 2


def test_a_command_keeps_the_cache_within_its_size_limit(tmp_path, monkeypatch, capsys):
    """After a command the least recently used entries go until the cache is within
    $GFLCHECK_CACHE_MAX_SIZE; a size that is not one is a usage error before any work."""
    from gflcheck.surface.cli import main

    directory = tmp_path / "c"
    run_cache = RunCache(directory)
    with use_cache(run_cache):
        for seed in (1, 2, 3):
            noisy_sum(Setting(3, 0.5, seed), torch.zeros(3))
    size = run_cache.entries()[0].stat().st_size
    monkeypatch.setenv("GFLCHECK_CACHE_MAX_SIZE", str(size))
    assert main(["cache", "info", "--cache-dir", str(directory)]) == 0
    assert f"limit {size / 2**20:.0f} MiB" in capsys.readouterr().out
    arguments = ["--cache-dir", str(directory), "--file", str(tmp_path / "none.json")]
    assert main(["baseline", "compare", *arguments]) == 2  # no baseline file: nothing trains
    assert "removed the 2 least recently used entries" in capsys.readouterr().err
    assert len(run_cache.entries()) == 1
    monkeypatch.setenv("GFLCHECK_CACHE_MAX_SIZE", "lots")
    assert main(["baseline", "compare", *arguments]) == 2
    error = capsys.readouterr().err
    assert "$GFLCHECK_CACHE_MAX_SIZE: 'lots' is not a size" in error and "run cache" not in error
    assert len(run_cache.entries()) == 1


def test_entries_an_earlier_format_wrote_are_never_read_and_are_cleared(tmp_path):
    run_cache = RunCache(tmp_path)
    with use_cache(run_cache):
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    older = tmp_path / "ab" / ("ab" + "0" * 62 + ".pickle")
    older.parent.mkdir()
    older.write_bytes(cache.OLDER_HEADERS[0] + pickle.dumps({"key": "x", "value": 1}))
    assert len(run_cache.entries()) == 2 and run_cache.clear() == 2 and not older.exists()


def test_an_interrupted_run_leaves_no_entry(tmp_path):
    @cached_run
    def interrupted(seed: int) -> int:
        raise KeyboardInterrupt

    run_cache = RunCache(tmp_path)
    with use_cache(run_cache), pytest.raises(KeyboardInterrupt):
        interrupted(1)
    assert run_cache.entries() == [] and list(tmp_path.rglob("*")) == []


def test_an_interrupted_write_leaves_no_partial_entry(tmp_path, monkeypatch):
    run_cache = RunCache(tmp_path)

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupt)
    with use_cache(run_cache), pytest.raises(KeyboardInterrupt):
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_clear_removes_every_entry(tmp_path):
    run_cache = RunCache(tmp_path / "c")
    with use_cache(run_cache):
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
        noisy_sum(Setting(3, 0.5, 2), torch.zeros(3, dtype=torch.float64))
    assert run_cache.clear() == 2 and run_cache.entries() == []


def test_unit_tests_run_without_the_cache():
    """The plugin activates the cache for properties (tests using ``gflcheck_session``) only."""
    assert cache.active_cache() is None


CACHED_PROPERTY = """
from gflcheck.runtime.cache import active_cache
from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning

def test_xor(gflcheck_session):
    assert active_cache() is not None
    gflcheck_session.check(lambda: check_xor_feature_learning(XorSetting(6, 0.3, 1)))
"""


def test_a_second_property_run_hits_the_cache(pytester):
    pytester.makepyfile(test_property=CACHED_PROPERTY)
    directory = pytester.path / "runs"
    outputs = []
    for _ in range(2):
        result = pytester.runpytest("-p", "no:cacheprovider", f"--gflcheck-cache-dir={directory}")
        result.assert_outcomes(passed=1)
        outputs.append(result.stdout.str())
    assert "0 hits, 3 runs computed, 3 stored" in outputs[0]
    assert "1 hits, 0 runs computed, 0 stored" in outputs[1]
    off = pytester.runpytest("-p", "no:cacheprovider", "--gflcheck-no-cache")
    off.assert_outcomes(failed=1)  # active_cache() is None


def test_a_property_replays_what_the_command_computed(pytester, monkeypatch):
    """``gflcheck check`` runs torch on one thread, as the plugin does, so the same check in a
    property is a cache hit whatever thread count the process had; ``--threads 0`` is refused."""
    from gflcheck.catalogue import CatalogueEntry
    from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
    from gflcheck.surface import cli

    entry = CatalogueEntry(
        "xor", "", XorSetting(6, 0.3, 1), lambda s, limits: check_xor_feature_learning(s)
    )
    monkeypatch.setattr("gflcheck.surface.commands.DEFAULT_CHECKS", (entry,))
    directory = pytester.path / "runs"
    torch.set_num_threads(2)
    try:
        assert cli.main(["check", "--cache-dir", str(directory)]) == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(1)
    pytester.makepyfile(test_property=CACHED_PROPERTY)
    result = pytester.runpytest("-p", "no:cacheprovider", f"--gflcheck-cache-dir={directory}")
    result.assert_outcomes(passed=1)
    assert "1 hits, 0 runs computed, 0 stored" in result.stdout.str()
    assert cli.main(["check", "--threads", "0"]) == 2
    assert cli.main(["check", "--jobs", "0"]) == 2 and cli.main(["check", "-j", "two"]) == 2
    with pytest.raises(SystemExit):  # power repeats checks on --dask, not on -j
        cli.main(["power", "-j", "2"])


def test_checks_in_parallel_give_the_serial_table(tmp_path):
    """``-j 2``: the entries run in two worker processes, sharing the run cache; the verdicts and
    their order are those of a serial run, and each run is computed once. (The command runs in
    its own process: pytester's in-process runs leave stale module objects behind.)"""
    runs = {}
    for label, jobs in (("serial", "1"), ("parallel", "2")):
        cache_directory = str(tmp_path / label)
        command = ["-m", "gflcheck.surface.cli", "check", "-k", "ttm-xor/d=", "-j", jobs]
        runs[label] = subprocess.run(
            [sys.executable, *command, "--cache-dir", cache_directory],
            capture_output=True,
            text=True,
            check=False,
        )
        assert runs[label].returncode == 0, runs[label].stdout + runs[label].stderr
    assert (
        runs["parallel"].stdout == runs["serial"].stdout and "ttm-xor/d=16" in runs["serial"].stdout
    )
    for run in runs.values():
        assert run.stderr.endswith(": 0 hits, 9 runs computed\n")
    assert "[3/3] " in runs["parallel"].stderr


def test_sweeps_and_long_entries_start_first_in_catalogue_order():
    """``-j``'s queue: an entry that takes minutes started last ran alone at the end (the lottery
    ticket's 72 s); sweeps and ``long_running`` entries go first, each group in its own order."""
    from gflcheck.catalogue import DEFAULT_CHECKS
    from gflcheck.core.declare import CatalogueEntry
    from gflcheck.surface.execution import start_order

    def entry(name: str, **kind: bool) -> CatalogueEntry:
        return CatalogueEntry(name, "", None, lambda setting, limits: None, **kind)

    entries = [entry("a"), entry("b", sweep=True), entry("c"), entry("d", long_running=True)]
    assert start_order([*entries, entry("e", sweep=True)]) == [1, 3, 4, 0, 2]
    names = [DEFAULT_CHECKS[i].name for i in start_order(DEFAULT_CHECKS)]
    assert names.index("gfl/lottery-ticket") < names.index("gfl/two-cluster")


def test_cache_command_reports_and_clears(tmp_path, capsys):
    from gflcheck.surface.cli import main

    with use_cache(RunCache(tmp_path)):
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    assert main(["cache", "info", "--cache-dir", str(tmp_path)]) == 0
    assert f"{tmp_path}: 1 entries" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache-dir", str(tmp_path)]) == 0
    assert "removed 1 entries" in capsys.readouterr().out and RunCache(tmp_path).entries() == []


def test_clear_leaves_every_file_gflcheck_did_not_write(tmp_path):
    """A user's file planted in the cache directory survives ``clear``, and so does the
    directory that holds it."""
    run_cache = RunCache(tmp_path / "c")
    with use_cache(run_cache):
        noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    planted = [tmp_path / "c" / "thesis.tex", run_cache.entries()[0].parent / "notes.pickle"]
    for path in planted:
        path.write_text("mine")
    assert run_cache.clear() == 1 and run_cache.entries() == []
    assert all(path.read_text() == "mine" for path in planted)


def test_a_directory_that_is_not_a_run_cache_is_refused_and_left_alone(tmp_path, capsys):
    """``GFLCHECK_CACHE_DIR=.`` in a project: neither used nor cleared."""
    from gflcheck.surface.cli import main

    (tmp_path / "notes.txt").write_text("mine")
    run_cache = RunCache(tmp_path)
    with pytest.raises(cache.ForeignDirectoryError, match=r"notes\.txt"):
        run_cache.mark()
    with pytest.raises(cache.ForeignDirectoryError, match=r"no \.gflcheck-run-cache marker"):
        run_cache.clear()
    assert main(["cache", "clear", "--cache-dir", str(tmp_path)]) == 2
    assert "not a gflcheck run cache" in capsys.readouterr().err
    assert main(["check", "-k", "gfl/linear/single-step", "--cache-dir", str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_new_cache_that_another_process_is_writing_is_not_taken_for_a_foreign_one(tmp_path):
    """Two workers start on an empty cache: one is writing the marker or its first entry
    (``write_atomically``'s temporary files) when the other checks the directory."""
    import pickle

    key = "ab" + "0" * 62
    (tmp_path / "..gflcheck-run-cache.x1y2z3").write_bytes(b"")  # mkstemp(prefix=".<name>.")
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / f".{key}.pickle.q9w8e7").write_bytes(b"")
    assert RunCache(tmp_path).require_usable()  # usable, the marker still to be written
    (tmp_path / ".notes.txt.r4t5y6").write_bytes(b"")  # not gflcheck's: refused as before
    with pytest.raises(cache.ForeignDirectoryError, match=r"notes") as raised:
        RunCache(tmp_path).require_usable()
    again = pickle.loads(pickle.dumps(raised.value))  # a worker's error reaches the parent
    assert str(again) == str(raised.value)


def test_entries_keep_the_umask_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        with use_cache(RunCache(tmp_path / "c")):
            noisy_sum(Setting(3, 0.5, 1), torch.zeros(3))
    finally:
        os.umask(previous)
    (entry,) = RunCache(tmp_path / "c").entries()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o644


def test_the_command_states_its_exit_codes_and_version(capsys):
    from gflcheck.surface.cli import main

    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0
    out = capsys.readouterr().out
    assert "exit status:" in out and "130" in out and "usage error" in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("gflcheck 0.1.0")


def test_a_run_whose_shares_exceed_the_family_wise_alpha_fails(tmp_path, monkeypatch, capsys):
    """As a pytest session does: a run that declares more false-alarm rate than α exits 1."""
    from gflcheck.surface import baselines
    from gflcheck.surface.cli import main

    arguments = ["check", "-k", "ttm-xor/d=16", "--cache-dir", str(tmp_path)]
    assert main(arguments) == 0
    monkeypatch.setattr(baselines, "FAMILY_ALPHA", 1e-6)
    assert main(arguments) == 1
    out = capsys.readouterr().out
    assert "OVER the family-wise α = 1e-06" in out and "FAILED: this run's decisions" in out


def test_each_thorough_entry_runs_in_place_of_the_main_job_entry_it_replaces():
    """The thorough job's wider grids supersede the main job's entries of the same statements,
    so that its decisions on true statements keep the main job's declared shares."""
    from gflcheck.catalogue import DEFAULT_CHECKS, THOROUGH_CHECKS
    from gflcheck.surface.commands import _entries

    default = {entry.name for entry in DEFAULT_CHECKS}
    replaced = {entry.replaces for entry in THOROUGH_CHECKS}
    assert replaced <= default and len(replaced) == len(THOROUGH_CHECKS)
    thorough = {entry.name for entry in _entries("thorough")}
    assert thorough == (default - replaced) | {entry.name for entry in THOROUGH_CHECKS}


def test_a_selection_that_matches_no_check_is_a_usage_error(capsys):
    from gflcheck.surface.cli import main

    assert main(["check", "--list", "-k", "nosuch"]) == 2
    assert "matches no check" in capsys.readouterr().err


def test_an_unknown_profile_in_the_environment_is_a_usage_error(tmp_path):
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "gflcheck.surface.cli", "check", "--list"],
        env={**os.environ, "GFLCHECK_PROFILE": "bogus"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "profile='bogus'" in done.stderr and "$GFLCHECK_PROFILE" in done.stderr


def test_a_selection_with_a_wildcard_is_a_shell_style_pattern(capsys):
    """`-k` takes glob patterns, not only plain substrings."""
    from gflcheck.surface.cli import main

    assert main(["check", "--list", "-k", "*/0-1-error"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed and all(name.endswith("/0-1-error") for name in listed)
    assert "gfl/linear/0-1-error" in listed
    assert main(["check", "--list", "-k", "gfl/*/quarter"]) == 0
    quarters = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert "gfl/noisy-two-cluster/quarter" in quarters and all(
        q.endswith("/quarter") for q in quarters
    )
    assert main(["check", "--list", "-k", "gfl/xor"]) == 0  # no wildcard: a substring still
    assert "gfl/xor/single-step" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arguments",
    [
        ["figure", "xor-figure-1", "--dimensions", "0"],
        ["figure", "xor-figure-1", "--dimensions", "16,x"],
        ["report", "-k", "gfl/linear/single-step", "--out", "FILE"],
        ["figure", "xor-figure-1", "--out", "FILE"],
    ],
)
def test_usage_errors_are_found_before_any_work(tmp_path, monkeypatch, capsys, arguments):
    from gflcheck.surface import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("mine")

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr("gflcheck.surface.commands._run_default_checks", no_work)
    monkeypatch.setattr("gflcheck.claims.xor_figure_1.figure_1_curves", no_work)
    assert (
        cli.main(
            [*arguments, "--cache-dir", str(tmp_path / "c")]
            if arguments[0] == "report"
            else arguments
        )
        == 2
    )
    assert capsys.readouterr().err
    assert (tmp_path / "FILE").read_text() == "mine"


COMPUTED: list[int] = []


@cached_run
def slow_square(seed: int) -> int:
    COMPUTED.append(seed)
    time.sleep(0.5)
    return seed * seed


def test_a_run_two_workers_need_at_once_is_computed_once(tmp_path):
    """The second worker waits on the first one's lock and reads its entry (RunCache.computing);
    no lock file is left behind."""

    def worker(results: list[int]) -> None:
        with use_cache(RunCache(tmp_path)) as run_cache:
            results.append(slow_square(7))
            results.append(run_cache.hits)

    COMPUTED.clear()
    outputs: list[list[int]] = [[], []]
    threads = [threading.Thread(target=worker, args=(out,)) for out in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert COMPUTED == [7]
    assert sorted(outputs) == [[49, 0], [49, 1]]
    assert list(tmp_path.rglob("*.lock")) == []


def test_a_cache_that_defers_raises_instead_of_waiting_on_another_lock(tmp_path):
    """``gflcheck check -j`` gives a worker another entry instead of leaving it idle on a lock
    (RunBusy); once the lock is free the same call computes and stores its run."""
    import fcntl

    deferring = RunCache(tmp_path, defer_when_busy=True)
    with use_cache(deferring):
        key = cache.canonical_key(slow_square.uncached, {"seed": 5})
    lock = deferring.path(key).with_suffix(cache.LOCK_SUFFIX)
    lock.parent.mkdir(parents=True)
    COMPUTED.clear()
    with lock.open("a") as other_process:  # another open file: flock conflicts as across processes
        fcntl.flock(other_process, fcntl.LOCK_EX)
        with use_cache(deferring), pytest.raises(cache.RunBusy):
            slow_square(5)
        fcntl.flock(other_process, fcntl.LOCK_UN)
    assert COMPUTED == [] and deferring.entries() == []
    with use_cache(deferring):
        assert slow_square(5) == 25
    assert COMPUTED == [5] and len(deferring.entries()) == 1


def test_the_modules_left_out_of_the_code_version_cache_nothing():
    """Editing the CLI, the reports, the set-up descriptions or the sensitivity analysis replays
    the run cache; that is sound only while no cached run lives there."""
    from gflcheck.runtime.fingerprints import UNMEASURED_MODULES

    root = Path(cache.__file__).parents[1]
    for name in UNMEASURED_MODULES:
        source = (root / name).read_text()
        assert "cached_run" not in source, name
    measured = {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
    measured -= UNMEASURED_MODULES
    assert {"models/training.py", "core/declare.py", "core/verdicts.py"} <= measured
    assert "runtime/cache.py" in measured
