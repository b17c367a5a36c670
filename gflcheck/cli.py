"""The ``gflcheck`` command.

``gflcheck check`` runs the default checks (:mod:`gflcheck.catalogue`), shows progress, prints the
verdict table, and exits with status 1 when a check does not come out as expected: a true
statement violated, or a false variant not refuted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from gflcheck.catalogue import DEFAULT_CHECKS
from gflcheck.checks.theorem_3_12 import Theorem312Config
from gflcheck.errors import SettingRejectedError
from gflcheck.profiles import BUDGETS, budget
from gflcheck.report import format_verdict_details, format_verdict_table


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gflcheck`` command."""
    parser = argparse.ArgumentParser(prog="gflcheck", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the default checks and print the verdict table")
    check.add_argument(
        "-k", dest="select", default="", help="run only checks whose name contains this"
    )
    check.add_argument("--profile", choices=sorted(BUDGETS), default=None, help="compute budget")
    check.add_argument("--details", action="store_true", help="print each verdict's details")
    check.add_argument("--list", action="store_true", help="list the checks and exit")
    arguments = parser.parse_args(argv)
    return _check(arguments)


def _check(arguments: argparse.Namespace) -> int:
    entries = [e for e in DEFAULT_CHECKS if arguments.select in e.name]
    if arguments.list:
        for entry in entries:
            print(f"{entry.name:36s} {entry.description}")
        return 0
    if not entries:
        print(f"no check matches -k {arguments.select!r}", file=sys.stderr)
        return 2
    limits = budget(arguments.profile)
    config = Theorem312Config(max_width=limits.max_width, max_steps=limits.max_steps)
    verdicts, rejected = [], []
    for number, entry in enumerate(entries, 1):
        start = time.perf_counter()
        print(
            f"[{number}/{len(entries)}] {entry.name}: {entry.description} …",
            file=sys.stderr,
            flush=True,
        )
        try:
            verdict, _ = entry.run(config)
        except SettingRejectedError as error:
            rejected.append((entry.name, str(error)))
            print(f"    rejected: {error}", file=sys.stderr, flush=True)
            continue
        verdicts.append(verdict)
        print(
            f"    {verdict.outcome.value} ({time.perf_counter() - start:.1f}s)",
            file=sys.stderr,
            flush=True,
        )
    print(format_verdict_table(verdicts))
    for name, reason in rejected:
        print(f"rejected: {name}: {reason}")
    if arguments.details:
        for verdict in verdicts:
            print()
            print(format_verdict_details(verdict))
    unexpected = [v for v in verdicts if not v.as_expected]
    print(
        f"\n{len(verdicts) - len(unexpected)} as expected, {len(unexpected)} not, "
        f"{len(rejected)} rejected (settings outside the theorem or the budget)"
    )
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
