"""The papers' table cells: each names real checks or says why none tests it; the report lists
them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gflcheck.catalogue import COVERAGE, DEFAULT_CHECKS, THOROUGH_CHECKS
from gflcheck.core.coverage import TableCell
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.surface.rendering import render_markdown
from gflcheck.surface.report_sections import coverage_section

ROOT = Path(__file__).parents[1]


def _property_tests(path: Path) -> set[str]:
    """The test names a property file defines (functions, or checks assigned to test_…)."""
    tree = ast.parse(path.read_text())
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return {name for name in names if name.startswith("test_")}


def test_every_cell_names_checks_that_exist_or_says_why_none():
    entries = {entry.name for entry in (*DEFAULT_CHECKS, *THOROUGH_CHECKS)}
    assert {(c.table, c.row, c.column) for c in COVERAGE} >= {
        ("Table 2", "kernel regime", "iteration"),
        ("Table 2", "feature learning", "sample"),
        ("Table 1", "Taheri–Thrampoulidis–Mazumdar", "width"),
    }
    for cell in COVERAGE:
        if not cell.is_checked:
            assert len(cell.unchecked) > 40, cell  # a reason, not a word
        for name in cell.checked_by:
            if "::" in name:
                file, test = name.split("::")
                assert test in _property_tests(ROOT / file), name
            else:
                assert name in entries, name


def test_a_cell_needs_checks_or_a_reason_and_not_both():
    with pytest.raises(ParameterRangeError, match="checked_by, unchecked"):
        TableCell("paper", "Table 1", "row", "width", "Ω(1)")
    with pytest.raises(ParameterRangeError, match="exactly one"):
        TableCell("paper", "Table 1", "row", "width", "Ω(1)", ("a",), unchecked="why")


def test_the_report_lists_the_cells_and_counts_the_unchecked():
    section = render_markdown(coverage_section(COVERAGE))
    unchecked = sum(not cell.is_checked for cell in COVERAGE)
    assert f"for the other {unchecked} the table says why not" in section
    assert "| Table 2: kernel regime × iteration | d² | not checked | - |" in section
    assert coverage_section(()) == []
