"""The report's sections built from verdict records: the verdict table, one section per claim
with its formula and set-up, the set-ups, the power and sensitivity sections, and the separation
scan over scalings."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from gflcheck.core.coverage import TableCell
from gflcheck.core.verdict_text import (
    BREAK_POINT_COLUMNS,
    KILL_COLUMNS,
    VERDICT_COLUMNS,
    break_point_row,
    kill_row,
    survivor_rows,
)
from gflcheck.core.verdicts import BreakPoint, Tightening
from gflcheck.surface import plots
from gflcheck.surface.break_points import tightness
from gflcheck.surface.power import DETECTION_TARGET, POWER_COLUMNS, PowerEstimate, family_wise_rate
from gflcheck.surface.rendering import (
    Badges,
    Block,
    Collapsible,
    Heading,
    Math,
    Paragraph,
    Table,
    folded,
)


def verdict_table(records: Sequence[Mapping[str, Any]]) -> Table:
    """The verdict table (the terminal's columns, plus the provenance)."""
    return Table(
        [*VERDICT_COLUMNS, "provenance"],
        [[*record["row"], record["provenance"]] for record in records],
    )


_EXPECTATIONS = {
    "holds": "true statement: must be confirmed (HOLDS)",
    "refuted": "false variant: must be refuted (VIOLATED)",
    "observe": "observation: reported, not judged",
}


_COLUMN = {name: index for index, name in enumerate(VERDICT_COLUMNS)}


CLAIM_COLUMNS = (
    "check",
    "from",
    "setting",
    *VERDICT_COLUMNS[_COLUMN["outcome"] : _COLUMN["rivals"] + 1],
    "trivial",
)
"""A claim's verdict table: the verdict table's columns from outcome to rivals, after the check,
the test or entry that made it, and the setting, and before the trivial value."""


def _latex_text(text: str) -> str:
    """``text`` inside LaTeX's ``\\text{…}``, its special characters escaped."""
    for special in "\\{}$%#&":
        text = text.replace(special, f"\\{special}")
    return f"\\text{{{text}}}"


def claim_formula(record: Mapping[str, Any]) -> Math:
    """The inequality a verdict judged, ``quantity ≤ bound`` (``≥`` for a lower bound), as
    MathML and LaTeX. When the quantity is compared with a number derived from the bound (a
    rate's exponent, a growth slope: ``compared``), the right-hand side reads
    ``growth exponent of (bound)``."""
    quantity = str(record.get("quantity", "measured"))
    relation = str(record.get("relation", "≤"))
    bound_mathml = (
        record.get("bound_mathml") or f"<mtext>{html.escape(record['bound_latex'])}</mtext>"
    )
    bound_latex = str(record["bound_latex"])
    left = f"<mtext>{html.escape(quantity)}</mtext><mo>{relation}</mo>"
    latex_relation = "\\ge" if relation == "≥" else "\\le"
    if record.get("compared"):
        return Math(
            f"{left}<mtext>growth exponent of&#160;</mtext>"
            f"<mrow><mo>(</mo>{bound_mathml}<mo>)</mo></mrow>",
            f"{_latex_text(quantity)} {latex_relation} "
            f"\\operatorname{{growth}}\\left({bound_latex}\\right)",
        )
    return Math(f"{left}{bound_mathml}", f"{_latex_text(quantity)} {latex_relation} {bound_latex}")


def _ok(record: Mapping[str, Any]) -> str:
    """The verdict table's ok cell, or ``accepted`` where the entry declares it accepts the
    outcome (:attr:`~gflcheck.core.declare.CatalogueEntry.because`)."""
    return "accepted" if record.get("accepted") else record["row"][4]


def claim_sections(records: Sequence[Mapping[str, Any]]) -> list[Block]:
    """One section per claim (a statement with its bound): its heading and outcome badges, and
    folded under them the inequality as mathematics, what is expected of it, its provenance and
    set-up, its verdicts with coloured outcomes, and (folded again) how each quantifier was
    instantiated in each verdict, with notes and counterexamples. A claim with a verdict that
    is not as expected is shown unfolded."""
    claims: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for record in records:
        claims.setdefault((record["statement"], record["bound_latex"]), []).append(record)
    blocks: list[Block] = []
    for (statement, _), members in claims.items():
        tally = Counter(r["outcome"] for r in members)
        surprises = sum(_ok(r) not in ("yes", "accepted") for r in members)
        blocks += [
            Heading(statement, 3),
            Badges(
                [(outcome.upper(), count, outcome) for outcome, count in sorted(tally.items())]
                + ([("NOT AS EXPECTED", surprises, "no")] if surprises else [])
            ),
            Collapsible(
                f"The inequality, its provenance and its {len(members)} verdict"
                f"{'s' if len(members) > 1 else ''}",
                _claim_body(statement, members),
                open=bool(surprises),
            ),
        ]
    return blocks


def _claim_body(statement: str, members: Sequence[Mapping[str, Any]]) -> list[Block]:
    first = members[0]
    blocks: list[Block] = [
        Paragraph(
            f"{_EXPECTATIONS.get(first['row'][2], first['row'][2])} · "
            f"{first.get('bound_name', 'bound')} · {first['provenance']}"
        ),
        claim_formula(first),
    ]
    if first.get("compared"):
        blocks.append(
            Paragraph(
                "The quantity is compared with a number derived from the bound over the "
                "check's grid (its growth exponent, with the declared tolerance): the bound "
                "column below."
            )
        )
    setups = {f"{r['setup']['name']} ({r['setup']['tag']})" for r in members if r.get("setup")}
    if setups:  # described once, in the Set-ups section
        blocks.append(Paragraph(f"Set-up: {'; '.join(sorted(setups))} (see Set-ups)."))
    descriptions = {f"{r['test']}: {r['description']}" for r in members if r.get("description")}
    blocks += [Paragraph(line) for line in sorted(descriptions)]
    rows = [
        [
            r["check"],
            r["test"],
            r["row"][_COLUMN["setting"]],
            r["row"][_COLUMN["outcome"]],
            _ok(r),
            *r["row"][_COLUMN["bound"] : _COLUMN["rivals"] + 1],
            r["row"][_COLUMN["trivial"]],
        ]
        for r in members
    ]
    blocks.append(folded(f"Verdicts of “{statement}”", Table(CLAIM_COLUMNS, rows)))
    details: list[Block] = []
    for record in members:
        details.append(Paragraph(f"{record['check']} · {record['row'][9]}"))
        if record.get("quantifiers"):
            details.append(Table(["quantifier", "instantiated as", "value"], record["quantifiers"]))
        if record.get("counterexample"):
            details.append(Paragraph(f"Counterexample: {record['counterexample']}"))
        details += [Paragraph(f"Note: {note}") for note in record.get("notes", ())]
    blocks.append(
        Collapsible(
            f"How each quantifier was instantiated ({len(members)} verdict"
            f"{'s' if len(members) > 1 else ''})",
            details,
        )
    )
    return blocks


def outcomes_by_expectation(records: Sequence[Mapping[str, Any]]) -> dict[str, Counter[str]]:
    """The outcomes counted per expectation (``holds``: true statements, ``refuted``: false
    variants, ``fails``: claims expected to fail in their set-up, ``observe``: observations),
    from the verdict rows' expect column."""
    expectations = ("holds", "refuted", "fails", "observe")
    counts: dict[str, Counter[str]] = {e: Counter() for e in expectations}
    for record in records:
        counts[record["row"][2]][record["outcome"]] += 1
    return counts


def summary_badges(records: Sequence[Mapping[str, Any]], rejected: int) -> Badges:
    """The run at a glance: outcomes of true statements, false variants refuted or not,
    observations and rejected settings."""
    items: list[tuple[str, int, str]] = []
    counts = outcomes_by_expectation(records)
    true, variants = counts["holds"], counts["refuted"]
    for outcome in ("holds", "vacuous", "inconclusive", "violated"):
        if true[outcome]:
            items.append((f"true statements {outcome.upper()}", true[outcome], outcome))
    if variants.total():
        items.append(("false variants refuted", variants["violated"], "holds"))
    if variants.total() > variants["violated"]:
        items.append(("false variants NOT refuted", variants.total() - variants["violated"], "no"))
    failing = counts["fails"]
    if failing.total():
        items.append(("claims failing in their set-up, as expected", failing["violated"], "no"))
    if failing.total() > failing["violated"]:
        items.append(
            ("claims expected to fail, not refuted", failing.total() - failing["violated"], "no")
        )
    if counts["observe"].total():
        items.append(("observations", counts["observe"].total(), "observe"))
    if rejected:
        items.append(("settings rejected", rejected, "inconclusive"))
    return Badges(items)


SETUP_FIELDS = ("name", "tag", "data", "network", "loss", "steps", "samples", "reading")


def setup_section(records: Sequence[Mapping[str, Any]]) -> list[Block]:
    """Each set-up the verdicts were checked in, in full, with the checks checked in it (the
    verdict table's ``set-up`` column names them)."""
    checks: dict[tuple[str, ...], list[str]] = {}
    for record in records:
        if record.get("setup"):
            key = tuple(record["setup"][name] for name in SETUP_FIELDS)
            checks.setdefault(key, [])
            if record["check"] not in checks[key]:
                checks[key].append(record["check"])
    if not checks:
        return []
    return [
        Heading("Set-ups"),
        Paragraph(
            "The set-up each claim is checked in: the data's scalings, the network, the loss, "
            "the step sizes, what n counts, and the reading of an ambiguous claim (tag: seed, "
            "as the poster states it; secondary, as its paper or a cited paper does; ours, "
            "chosen here where the source is silent)."
        ),
        folded(
            "The set-ups",
            Table(
                [*SETUP_FIELDS, "checks"],
                [[*key, ", ".join(names)] for key, names in checks.items()],
            ),
        ),
    ]


def _power_section(power: Sequence[Mapping[str, Any]] | None) -> list[Block]:
    heading = Heading("What a pass is worth: false-alarm and detection rates")
    if power is None:
        return [heading, Paragraph("Not measured: run `gflcheck power` to add this section.")]
    estimates = [PowerEstimate(**record) for record in power]
    return [
        heading,
        Paragraph(
            "Each default check repeated with fresh seeds. False alarms: share of runs of a true "
            "statement measured violated, against its declared rate (one-sided exact binomial "
            f"test). Detection: share of runs refuting a false variant (target ≥ "
            f"{DETECTION_TARGET:g}). Intervals: 95% Clopper–Pearson."
        ),
        folded("Rates per check", Table(POWER_COLUMNS, [e.as_row() for e in estimates])),
        Paragraph(family_wise_rate(estimates).describe() + "."),
    ]


def _sensitivity_section(mutants: Mapping[str, Any] | None, save: Any) -> list[Block]:
    heading = Heading("How false a statement must be before the suite notices")
    if mutants is None:
        return [heading, Paragraph("Not measured: run `gflcheck mutate` to add this section.")]
    checks, theorems = mutants["checks"], mutants["theorems"]
    survivors = survivor_rows(theorems)
    blocks: list[Block] = [
        heading,
        Paragraph(
            "Each true check's statement tightened until it is false by the point estimates (the "
            "measured tightness: bound ÷ measured, for a factor), false by the confidence bounds "
            "(the interval), and refuted by the check's own decision rule; a rate is tightened by "
            "a shift of its compared slope. 'never': no tightening up to 2^40 does it (a lower "
            "confidence bound of 0, say). Judged on the checks' own training runs "
            "(`gflcheck mutate`)."
        ),
        folded("Break points", Table(BREAK_POINT_COLUMNS, [break_point_row(c) for c in checks])),
        save(
            plots.tightness(checks),
            "tightness.png",
            "Per check: the least tightening false by the estimates (dot, bar: by the "
            "confidence bounds) and refuted by the check (×).",
        ),
        Heading("Kill tables", 3),
        Paragraph(
            "Automatic mutants of each theorem's bound (constants scaled, exponents moved, a "
            "factor or a term dropped, √ removed, log → log log, hidden constants scaled). "
            "Tighter: a stronger claim on some checked setting; false: false there by the point "
            "estimates; killable: false there by the confidence bounds; killed: the check's "
            "verdict is VIOLATED. Kill rate: killed ÷ killable, 95% Clopper–Pearson interval."
        ),
        Table(KILL_COLUMNS, [kill_row(t) for t in theorems]),
    ]
    if survivors:
        blocks += [
            Heading("What the checks cannot see", 3),
            Paragraph(
                "Tighter mutants false by the estimates that no check refuted, with the reason."
            ),
            folded(
                "Survivors", Table(["theorem", "mutant", "bound", "why it survives"], survivors)
            ),
        ]
    return blocks


_HALVES = {
    "random features need Ω(d²) samples": 1,
    "trained network needs O((log d)²) samples": 2,
    "random features need grows faster than the trained network's": 3,
}


def separation_scan(records: Sequence[Mapping[str, Any]]) -> list[Block]:
    """Both halves of the poster's separation, and their paired gap, at each scaling ``a`` of
    the mixture (one distribution at a time), and whether any scaling shows both at once."""
    rows: dict[str, list[str]] = {}
    for record in records:
        column = _HALVES.get(record["statement"])
        scaling = record["parameters"].get("snr_exponent")
        if column is None or scaling is None or "separation" not in record["check"]:
            continue
        grid = record["parameters"].get("grid", "")
        row = rows.setdefault(f"a = {scaling:g}, d ∈ {{{grid}}}", ["", "-", "-", "-", ""])
        row[column] = record["outcome"].upper()
    if not rows:
        return []
    for name, row in rows.items():
        row[0] = name
        both = row[1] == row[2] == "HOLDS"
        row[4] = (
            "yes"
            if both
            else "no: "
            + (
                "not reproduced at this scaling"
                if "VIOLATED" in row[1:3]
                else "not confirmed at this scaling"
            )
        )
    shown = any(row[4] == "yes" for row in rows.values())
    return [
        Heading("Both halves of the separation, scaling by scaling", 3),
        Paragraph(
            "The paper's scaling of the mixture is not known, so ‖μ‖ = 3·(d/16)^a is scanned "
            "and both halves judged at each a, on one distribution at a time. "
            + (
                "Some scaling shows both halves at once."
                if shown
                else "No scaling shows both halves at once."
            )
        ),
        Table(
            [
                "scaling, grid",
                "random features Ω(d²)",
                "network O((log d)²)",
                "paired gap",
                "both halves",
            ],
            list(rows.values()),
        ),
    ]


def _outcome_counts(records: Sequence[Mapping[str, Any]]) -> str:
    """``Outcomes on true statements: 3 holds, 1 vacuous; on false variants: 2 violated.``"""
    parts = []
    kinds = {
        "holds": "true statements",
        "refuted": "false variants",
        "fails": "claims expected to fail in their set-up",
        "observe": "observations",
    }
    by_expectation = outcomes_by_expectation(records)
    for expectation, label in kinds.items():
        counts = by_expectation[expectation]
        if counts:
            listed = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            parts.append(f"on {label}: {listed}")
    return f"Outcomes {'; '.join(parts)}." if parts else ""


def history_section(
    records: Sequence[Mapping[str, Any]], history: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[Block]:
    """Each entry's outcome and least slack in earlier runs (``history``: their baseline entries
    by label, oldest first) and in this one, one column per run; ``-`` where a run has no such
    entry. Rows whose cells differ come first."""
    if not history:
        return []
    now = {  # the main job's entries (a pytest session's verdicts are named by their test)
        f"cli::{r['test']}": r
        for r in records
        if "::" not in r["test"] and not r["test"].startswith("test_")
    }
    absent = sorted({k for _, entries in history for k in entries} - set(now))

    def cell(entry: Mapping[str, Any] | None) -> str:
        if entry is None:
            return "-"
        slack = entry.get("min_slack")
        return entry["outcome"].upper() + ("" if slack is None else f" {slack:+.3g}")

    rows = [  # this run's cell from the record's own baseline entry (verdict_record)
        [key.removeprefix("cli::"), *(cell(e.get(key)) for _, e in history), cell(record["entry"])]
        for key, record in now.items()
    ]
    rows.sort(key=lambda row: len(set(row[1:])) == 1)  # stable: changed rows first
    changed = sum(1 for row in rows if len(set(row[1:])) > 1)
    names = ", ".join(k.removeprefix("cli::") for k in absent[:10]) + (", …" if absent[10:] else "")
    return [
        Heading("History"),
        Paragraph(
            f"Each entry of this run, its outcome and least slack in {len(history)} earlier "
            f"run(s) and in this one: {changed} of {len(rows)} differ between the runs (listed "
            "first; - where a run lacks the entry)."
            + (
                f" {len(absent)} entries of earlier runs are not in this one: {names}."
                if absent
                else ""
            )
        ),
        folded(
            "Outcomes across runs",
            Table(["entry", *(label for label, _ in history), "this run"], rows),
        ),
    ]


def coverage_section(cells: Sequence[TableCell]) -> list[Block]:
    """The papers' comparison tables cell by cell: what each cell states, and the checks that
    test it with their reading, or why no check does (:mod:`gflcheck.core.coverage`)."""
    if not cells:
        return []
    unchecked = sum(not cell.is_checked for cell in cells)
    rows = [
        [
            f"{cell.table}: {cell.row} × {cell.column}",
            cell.states,
            "checked" if cell.is_checked else "not checked",
            ", ".join(cell.checked_by) if cell.is_checked else "-",
            cell.reading if cell.is_checked else cell.unchecked,
        ]
        for cell in cells
    ]
    return [
        Heading("The papers' tables, cell by cell"),
        Paragraph(
            f"{len(cells) - unchecked} of {len(cells)} cells are checked; for the other "
            f"{unchecked} the table says why not. Checks are catalogue entries or property "
            "tests (file::test)."
        ),
        Table(["cell", "states", "status", "checked by", "reading, or why not"], rows),
    ]


def tightest_settings_section(records: Sequence[Mapping[str, Any]]) -> list[Block]:
    """For each property (a test over generated settings) with two or more confirmed examples,
    the example whose bound its own runs came nearest to refuting (the largest
    :func:`~gflcheck.surface.break_points.tightness`): its setting and break point. In the
    thorough profile the properties steer their search towards such settings
    (:data:`~gflcheck.surface.pytest_session.TARGETING_PROFILE`)."""
    confirmed: dict[str, list[tuple[float, Mapping[str, Any]]]] = {}
    for record in records:
        point = record.get("break_point")
        if point:
            score = tightness(
                BreakPoint(
                    Tightening(point["kind"]),
                    point["refuted"],
                    point["false"],
                    (None, None),
                    point["scale"],
                    point.get("floor"),
                )
            )
            confirmed.setdefault(record["test"], []).append((score, record))
    rows = []
    for test, scored in confirmed.items():
        if len(scored) < 2:  # a fixed setting (a catalogue entry, a fixed test): no search
            continue
        _, record = max(scored, key=lambda pair: pair[0])
        rows.append(
            [
                test,
                record["check"],
                record["row"][_COLUMN["setting"]],
                record["row"][_COLUMN["break point"]],
                "-" if _point_false(record) is None else f"{_point_false(record):.3g}",
                str(len(scored)),
            ]
        )
    if not rows:
        return []
    return [
        Heading("The tightest setting each property found"),
        Paragraph(
            "Among each property's confirmed examples (their count: the last column), the one "
            "whose bound its own runs come nearest to refuting: the least break point, or where "
            "none refutes it, the least bound ÷ measured by the point estimates. The thorough "
            "profile steers the search towards such settings (Hypothesis's target phase); the "
            "default profile's examples are fixed and only reported."
        ),
        Table(
            ["property", "check", "setting", "break point", "bound ÷ measured", "examples"], rows
        ),
    ]


def _point_false(record: Mapping[str, Any]) -> float | None:
    """The tightening that makes a recorded HOLDS false by the point estimates (bound ÷
    measured, or − for a shift), or ``None``."""
    point = record.get("break_point") or {}
    return point.get("false")
