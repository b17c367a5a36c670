"""Ctrl-C (KeyboardInterrupt) during a check or a write loses nothing and leaves nothing partial."""

from __future__ import annotations

from pathlib import Path

import pytest

from gflcheck.catalogue import CatalogueEntry
from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
from gflcheck.runtime.cache import MARKER, RunCache, cached_run
from gflcheck.surface import cli
from gflcheck.surface.baselines import load, write_json_atomically


@cached_run
def _training_that_is_interrupted(seed: int) -> float:
    raise KeyboardInterrupt  # what Ctrl-C raises in the middle of training


def _interrupted_check(setting, limits):
    _training_that_is_interrupted(setting.seed)


@pytest.fixture
def catalogue_with_an_interrupted_check(monkeypatch):
    entries = (
        CatalogueEntry(
            "xor", "", XorSetting(6, 0.3, 1), lambda s, limits: check_xor_feature_learning(s)
        ),
        CatalogueEntry("interrupted", "", XorSetting(6, 0.3, 2), _interrupted_check),
    )
    monkeypatch.setattr("gflcheck.surface.commands.DEFAULT_CHECKS", entries)


def files_under(path):
    return sorted(p.relative_to(path) for p in path.rglob("*") if p.is_file())


def test_ctrl_c_during_a_check_leaves_no_baseline_and_no_partial_cache_entry(
    tmp_path, catalogue_with_an_interrupted_check
):
    baseline, cache = tmp_path / "baseline.json", tmp_path / "cache"
    arguments = ["baseline", "record", "--file", str(baseline), "--cache-dir", str(cache)]
    with pytest.raises(KeyboardInterrupt):
        cli.main(arguments)
    assert not baseline.exists()
    completed = files_under(cache)
    entries = RunCache(cache).entries()
    assert entries and len(completed) == len(entries) + 1  # the marker; no temporary files
    assert Path(MARKER) in completed
    # the completed check's entries are whole: a rerun of it reads them back
    assert cli.main(["check", "-k", "xor", "--cache-dir", str(cache)]) == 0
    assert files_under(cache) == completed


def test_ctrl_c_keeps_an_existing_baseline_as_it_was(tmp_path, catalogue_with_an_interrupted_check):
    baseline = tmp_path / "baseline.json"
    assert cli.main(["baseline", "record", "-k", "xor", "--file", str(baseline)]) == 0
    before = baseline.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        cli.main(["baseline", "record", "--file", str(baseline)])
    assert baseline.read_bytes() == before and load(baseline)


def test_ctrl_c_while_writing_a_baseline_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "baseline.json"
    write_json_atomically(path, {"old": True})

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_json_atomically(path, {"new": True})
    assert path.read_text().strip().replace(" ", "").replace("\n", "") == '{"old":true}'
    assert files_under(tmp_path) == [path.relative_to(tmp_path)]


def test_ctrl_c_in_check_prints_the_verdicts_gathered_so_far(
    tmp_path, catalogue_with_an_interrupted_check, capsys
):
    assert cli.main(["check", "--cache-dir", str(tmp_path / "cache")]) == 130
    captured = capsys.readouterr()
    assert "ttm-xor/d=6" in captured.out  # the finished check's row
    assert "interrupted after 1 of 2 checks" in captured.err
