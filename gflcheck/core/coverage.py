"""Which cells of a paper's comparison tables the suite checks, and why the others are not.

A claims module declares ``COVERAGE``, a tuple of :class:`TableCell`: each cell of a table it
checks (its paper, table, row and column, and what the cell states), with the checks that test
it (catalogue entries, or property tests as ``file::name``), or the reason it is not checked.
The catalogue collects them as it collects ``ENTRIES``; the report lists them, so that a reader
sees what a table's verdicts leave out.
"""

from __future__ import annotations

from dataclasses import dataclass

from gflcheck.runtime.errors import ParameterRangeError


@dataclass(frozen=True)
class TableCell:
    """One cell of a paper's table: ``row`` × ``column`` of ``table`` in ``paper`` states
    ``states``. ``checked_by`` names the checks that test it and ``reading`` how they read it;
    a cell no check tests gives ``unchecked``, the reason. Exactly one of the two is given."""

    paper: str
    table: str
    row: str
    column: str
    states: str
    checked_by: tuple[str, ...] = ()
    reading: str = ""
    unchecked: str = ""

    def __post_init__(self) -> None:
        if bool(self.checked_by) == bool(self.unchecked):
            raise ParameterRangeError(
                "checked_by, unchecked",
                (self.checked_by, self.unchecked),
                "the checks that test the cell, or the reason none does: exactly one",
                f"TableCell({self.table}, {self.row}, {self.column})",
            )

    @property
    def is_checked(self) -> bool:
        """Whether some check tests the cell."""
        return bool(self.checked_by)
