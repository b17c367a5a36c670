"""Long entries were silent for up to 84 s; ``gflcheck`` shows a progress bar with an
ETA when stderr is a terminal, and plain lines when it is not (CI, pipes, files)."""

from __future__ import annotations

import io

from gflcheck.surface.cli import main
from gflcheck.surface.execution import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_an_eta_and_a_pipe_gets_lines_only(monkeypatch, capsys):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with Progress(4, "check") as progress:
        progress.advance("first done")
    shown = terminal.getvalue()
    assert "first done" in shown and "1/4" in shown and "<" in shown  # elapsed<ETA
    monkeypatch.undo()
    with Progress(4, "check") as progress:
        progress.advance("first done")
    assert capsys.readouterr().err == "first done\n"


def test_check_draws_its_bar_on_a_terminal(monkeypatch, tmp_path, capsys):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["check", "-k", "gfl/three-cluster-d2", *cache]) == 0  # rejected by design
    shown = terminal.getvalue()
    assert "[1/1] gfl/three-cluster-d2" in shown and "1/1 [" in shown


def test_the_table_names_the_entries_that_k_selects(monkeypatch, tmp_path, capsys):
    """The verdict table's names were not names `-k` accepts; its first column is now
    the catalogue entry, which `-k` selects by (a substring or a shell-style pattern)."""
    from gflcheck.catalogue import CatalogueEntry
    from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning

    def xor(setting, limits):
        return check_xor_feature_learning(setting)

    entries = tuple(CatalogueEntry(f"demo/xor-{d}", "", XorSetting(d, 0.3, 1), xor) for d in (5, 6))
    monkeypatch.setattr("gflcheck.surface.commands.DEFAULT_CHECKS", entries)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["check", *cache]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:2] == ["entry", "check"]
    named = [line.split()[0] for line in table[2:4]]
    assert named == ["demo/xor-5", "demo/xor-6"]
    assert main(["check", "-k", named[1], *cache]) == 0  # a name from the table, as printed
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("demo/")]
    assert [row.split()[0] for row in rows] == ["demo/xor-6"]
    assert main(["check", "-k", "demo/*-5", *cache]) == 0  # a glob over the names
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("demo/")]
    assert [row.split()[0] for row in rows] == ["demo/xor-5"]


def test_help_and_a_mistyped_command_answer_without_importing_torch():
    """The parser needs no check: ``gflcheck --help`` or a typo must not pay for torch, sympy
    and the claims (3.4 s here when it did)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from gflcheck.surface.cli import main\n"
        "for argv in (['--help'], ['chek']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('torch', 'sympy', 'gflcheck.catalogue') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_a_terminal_gets_the_narrow_table_and_a_pipe_every_column(monkeypatch, tmp_path, capsys):
    from gflcheck.catalogue import CatalogueEntry
    from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
    from gflcheck.core.verdict_text import NARROW_COLUMNS, VERDICT_COLUMNS

    def xor(setting, limits):
        return check_xor_feature_learning(setting)

    entries = (CatalogueEntry("demo/xor-5", "", XorSetting(5, 0.3, 1), xor),)
    monkeypatch.setattr("gflcheck.surface.commands.DEFAULT_CHECKS", entries)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["check", *cache]) == 0
    piped = capsys.readouterr().out.splitlines()
    assert piped[0].split() == ["entry", *" ".join(VERDICT_COLUMNS).split()]
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["check", *cache]) == 0
    narrow = capsys.readouterr().out.splitlines()
    assert narrow[0].split() == " ".join(NARROW_COLUMNS).split()
    assert len(narrow[2]) < len(piped[2]) / 2 and "--wide" in "\n".join(narrow)
    assert main(["check", "--wide", *cache]) == 0
    assert capsys.readouterr().out.splitlines()[0] == piped[0]
