"""Issue 16: long entries were silent for up to 84 s; ``gflcheck`` shows a progress bar with an
ETA when stderr is a terminal, and plain lines when it is not (CI, pipes, files)."""

from __future__ import annotations

import io

from gflcheck.cli import Progress, main


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
