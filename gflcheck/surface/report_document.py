"""The ``gflcheck report`` document: Markdown and HTML with plots, from verdict records.

:func:`build_report` takes verdict records (from the main job and, optionally, a pytest session
artefact), draws the plots of :mod:`gflcheck.surface.plots`, runs the declared rate sweeps, the XOR
Figure 1 reproduction and the GFL poster's four-panel picture (all through the run cache when one
is active, so after ``pytest properties/`` they train nothing), and writes ``report.md`` and
``report.html`` beside the PNG files. Both documents are rendered from one list of blocks.
"""

from __future__ import annotations

import datetime
import html
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from gflcheck import catalogue
from gflcheck.core.exponents import fit_exponent
from gflcheck.core.statement_kinds import bound_slope
from gflcheck.core.verdict_text import (
    BREAK_POINT_COLUMNS,
    KILL_COLUMNS,
    VERDICT_COLUMNS,
    break_point_row,
    kill_row,
    survivor_rows,
)
from gflcheck.runtime.profiles import profile_name
from gflcheck.surface import plots
from gflcheck.surface.baselines import environment_id, family_false_alarm_line
from gflcheck.surface.figures import (
    gaussian_one_step_picture,
    save_xor_figure_1,
    summarise_xor_figure_1,
    xor_figure_1_rows,
)
from gflcheck.surface.power import DETECTION_TARGET, POWER_COLUMNS, PowerEstimate, family_wise_rate
from gflcheck.theorems.separation import (
    GrowthStatement,
    Learner,
    fixed_features_need_exponential_size,
    fixed_features_need_quadratic_samples,
    trained_network_needs_linear_samples,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
)
from gflcheck.theorems.ttm_kernel import chen21_test_loss, ttm_test_loss


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Image:
    path: str  # relative to the report
    caption: str


@dataclass(frozen=True)
class Math:
    """A displayed formula: presentation MathML (the content of ``<math>``) for the page, LaTeX
    for Markdown (GitHub renders ``$$…$$``)."""

    mathml: str
    latex: str


@dataclass(frozen=True)
class Badges:
    """Counts shown as coloured badges: ``(label, count, outcome)``; the outcome names the
    colour (``holds``, ``violated``, ``inconclusive``, ``vacuous``, ``observe``, ``no``)."""

    items: Sequence[tuple[str, int, str]]


@dataclass(frozen=True)
class Collapsible:
    """Blocks folded under a one-line summary (``<details>``), for long tables."""

    summary: str
    blocks: Sequence[Any]
    open: bool = False


Block = Heading | Paragraph | Table | Image | Math | Badges | Collapsible

COLLAPSE_ROWS = 15
"""A table with more rows than this is folded under its summary."""


def folded(summary: str, table: Table) -> Table | Collapsible:
    """``table`` as it is, or folded under ``summary`` when it has more than
    :data:`COLLAPSE_ROWS` rows."""
    if len(table.rows) <= COLLAPSE_ROWS:
        return table
    return Collapsible(f"{summary} ({len(table.rows)} rows)", [table])


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`build_report` wrote."""

    markdown: Path
    html: Path
    images: tuple[Path, ...] = field(default_factory=tuple)


def render_markdown(blocks: Iterable[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown (math as ``$$…$$``, folds as ``<details>``)."""
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            cell = lambda text: str(text).replace("|", "\\|")  # noqa: E731
            out.append("| " + " | ".join(cell(h) for h in block.header) + " |")
            out[-1] += "\n|" + "---|" * len(block.header)
            out[-1] += "".join(
                "\n| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows
            )
        elif isinstance(block, Math):
            out.append(f"$$\n{block.latex}\n$$")
        elif isinstance(block, Badges):
            out.append(" · ".join(f"**{count}** {label}" for label, count, _ in block.items))
        elif isinstance(block, Collapsible):
            inner = render_markdown(block.blocks)
            opened = " open" if block.open else ""
            out.append(
                f"<details{opened}><summary>{html.escape(block.summary)}</summary>\n\n"
                f"{inner}\n</details>"
            )
        else:
            out.append(f"![{block.caption}]({block.path})\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


OUTCOME_COLUMNS = frozenset({"outcome", "ok"})
"""Table columns whose cells are coloured by their outcome."""


def _cell_class(header: str, text: str) -> str:
    if header not in OUTCOME_COLUMNS:
        return ""
    word = text.split(" ")[0].lower()
    return f' class="o-{word}"' if word in _OUTCOME_COLOURS else ""


_OUTCOME_COLOURS = {
    # outcome: (text, background)
    "holds": ("#0b5d1e", "#d6f5dd"),
    "yes": ("#0b5d1e", "#d6f5dd"),
    "violated": ("#8c1018", "#fde0e0"),
    "no": ("#8c1018", "#fde0e0"),
    "inconclusive": ("#7a4a00", "#fff1c9"),
    "vacuous": ("#4b3b8f", "#ebe6fb"),
    "observe": ("#30475e", "#e3edf6"),
    "accepted": ("#7a4a00", "#fff1c9"),
}


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _html_blocks(blocks: Iterable[Block]) -> list[str]:
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            level, text = block.level, html.escape(block.text)
            body.append(f'<h{level} id="{_slug(block.text)}">{text}</h{level}>')
        elif isinstance(block, Paragraph):
            body.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{html.escape(str(h))}</th>" for h in block.header)
            rows = "".join(
                "<tr>"
                + "".join(
                    f"<td{_cell_class(str(h), str(c))}>{html.escape(str(c))}</td>"
                    for h, c in zip(block.header, row, strict=False)
                )
                + "</tr>"
                for row in block.rows
            )
            body.append(
                f'<div class="table"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table></div>"
            )
        elif isinstance(block, Math):
            body.append(f'<div class="formula"><math display="block">{block.mathml}</math></div>')
        elif isinstance(block, Badges):
            body.append(
                '<p class="badges">'
                + "".join(
                    f'<span class="badge o-{kind}"><b>{count}</b> {html.escape(label)}</span>'
                    for label, count, kind in block.items
                )
                + "</p>"
            )
        elif isinstance(block, Collapsible):
            opened = " open" if block.open else ""
            body.append(
                f"<details{opened}><summary>{html.escape(block.summary)}</summary>"
                + "\n".join(_html_blocks(block.blocks))
                + "</details>"
            )
        else:
            body.append(
                f'<figure><img src="{html.escape(block.path)}" alt="{html.escape(block.caption)}">'
                f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"
            )
    return body


_STYLE = (
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;"
    "max-width:1200px;margin:0 auto;padding:1.5em 2em}"
    "h1{font-size:1.9em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;"
    "margin-top:2em}h3{margin-top:1.6em}"
    "nav{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;"
    "columns:2;font-size:.93em}nav a{display:block;color:#0969da;text-decoration:none}"
    ".table{overflow-x:auto;margin:.6em 0}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;"
    "padding:3px 7px;text-align:left;vertical-align:top}th{background:#f6f8fa;position:sticky;top:0}"
    "tbody tr:nth-child(even){background:#fafbfc}"
    "details{margin:.6em 0;border:1px solid #d0d7de;border-radius:6px;padding:.3em .8em}"
    "summary{cursor:pointer;font-weight:600;color:#0969da}"
    ".formula{background:#f6f8fa;border-left:4px solid #0969da;padding:.4em 1em;margin:.6em 0;"
    "font-size:1.15em;overflow-x:auto}math{font-family:'STIX Two Math','Latin Modern Math',serif}"
    ".badges{display:flex;flex-wrap:wrap;gap:.5em}.badge{border-radius:1em;padding:.15em .8em}"
    "figure{margin:1.2em 0}img{max-width:100%;border:1px solid #eee}"
    "figcaption{font-style:italic;color:#57606a;font-size:.93em}"
    ".render-warning{background:#fde0e0;color:#8c1018;padding:.6em 1em;border-radius:6px}"
    + "".join(
        f".o-{name}{{color:{text};background:{background};font-weight:600}}"
        for name, (text, background) in _OUTCOME_COLOURS.items()
    )
)

_SELF_CHECK = """
window.addEventListener("load", () => {
  const images = [...document.images];
  const missing = images.filter((i) => !(i.complete && i.naturalWidth > 0));
  const shown = [...document.querySelectorAll("math")].filter(
    (m) => !m.closest("details:not([open])"));
  const blank = shown.filter((m) => {
    const box = m.getBoundingClientRect();
    return !(box.width > 0 && box.height > 0);
  });
  document.body.dataset.figures = `${images.length - missing.length}/${images.length}`;
  document.body.dataset.formulas = `${shown.length - blank.length}/${shown.length}`;
  if (missing.length || blank.length) {
    const warning = document.createElement("p");
    warning.className = "render-warning";
    warning.textContent = `This page did not render whole: ${missing.length} figure(s) missing `
      + `(${missing.map((i) => i.getAttribute("src")).join(", ")}), ${blank.length} formula(s) `
      + "blank. Keep the PNG files beside report.html; formulas need a MathML browser.";
    document.body.prepend(warning);
    console.error(warning.textContent);
  }
});
"""


def render_html(blocks: Iterable[Block], title: str) -> str:
    """The blocks as one HTML page with its styles inline and the figures linked beside it:
    outcomes coloured, formulas as MathML (rendered by the browser, nothing fetched), long
    tables folded, and a contents list of the sections. A small script checks at load that
    every figure loaded and every shown formula has a size, and puts a warning at the top when
    not (``data-figures`` and ``data-formulas`` on ``<body>`` say how many did)."""
    blocks = list(blocks)
    sections = [b for b in blocks if isinstance(b, Heading) and b.level == 2]
    contents = "".join(f'<a href="#{_slug(b.text)}">{html.escape(b.text)}</a>' for b in sections)
    body = _html_blocks(blocks)
    if contents:
        body.insert(_after_title(blocks), f"<nav>{contents}</nav>")
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
        f"<script>{_SELF_CHECK}</script></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _after_title(blocks: Sequence[Block]) -> int:
    """Where the contents list goes: before the first section heading."""
    return next(
        (i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2), len(blocks)
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

CLAIM_COLUMNS = ("check", "from", "setting", *VERDICT_COLUMNS[3:11], "trivial")
_COLUMN = {name: index for index, name in enumerate(VERDICT_COLUMNS)}
"""A claim's verdict table: the verdict table's columns from outcome to p-value (its row's
items 3–8), after the check, the test or entry that made it, and the setting."""


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


def _setup_line(setup: Mapping[str, Any]) -> str:
    return f"Set-up {setup['name']} ({setup['tag']}): " + "; ".join(
        f"{name} {setup[name]}" for name in SETUP_FIELDS[2:] if setup.get(name)
    )


def _ok(record: Mapping[str, Any]) -> str:
    """The verdict table's ok cell, or ``accepted`` where the entry declares it accepts the
    outcome (:attr:`~gflcheck.core.declare.CatalogueEntry.because`)."""
    return "accepted" if record.get("accepted") else record["row"][4]


def claim_sections(records: Sequence[Mapping[str, Any]]) -> list[Block]:
    """One section per claim (a statement with its bound): the inequality as mathematics, what
    is expected of it, its provenance and set-up, its verdicts with coloured outcomes, and,
    folded, how each quantifier was instantiated in each verdict, with notes and
    counterexamples."""
    claims: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for record in records:
        claims.setdefault((record["statement"], record["bound_latex"]), []).append(record)
    blocks: list[Block] = []
    for (statement, _), members in claims.items():
        first = members[0]
        blocks += [
            Heading(statement, 3),
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
        setups = {_setup_line(r["setup"]) for r in members if r.get("setup")}
        blocks += [Paragraph(line) for line in sorted(setups)]
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
        tally = Counter(r["outcome"] for r in members)
        blocks += [
            Badges([(outcome.upper(), count, outcome) for outcome, count in sorted(tally.items())]),
            folded(f"Verdicts of “{statement}”", Table(CLAIM_COLUMNS, rows)),
        ]
        details: list[Block] = []
        for record in members:
            details.append(Paragraph(f"{record['check']} · {record['row'][9]}"))
            if record.get("quantifiers"):
                details.append(
                    Table(["quantifier", "instantiated as", "value"], record["quantifiers"])
                )
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


def _reference_slopes(grid: Sequence[int], *statements: GrowthStatement) -> dict[str, float]:
    """Each statement's bound, labelled with its own slope over ``grid``, for a growth plot."""
    slopes = {
        s.bound.latex(): bound_slope(s.bound, s.variable, grid, {}, s.logarithmic)
        for s in statements
    }
    return {f"${latex}$ (slope {slope:.2f})": slope for latex, slope in slopes.items()}


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


def summary_section(
    records: Sequence[Mapping[str, Any]],
    sources: Sequence[str],
    rejected: Sequence[tuple[str, str]] = (),
    run: str = "",
) -> list[Block]:
    """The report's opening: the run's provenance, the outcome counts as badges, the family-wise
    false-alarm line, and the verdicts accepted as declared, not as expected, and rejected."""
    as_expected = sum(1 for r in records if r["row"][4] == "yes")
    accepted_count = sum(1 for r in records if r["row"][4] == "NO" and r.get("accepted"))
    judged = sum(1 for r in records if r["row"][4] != "-")
    blocks: list[Block] = [
        Heading("gflcheck report", 1),
        Paragraph(
            (f"Run: {run}. " if run else "")
            + f"Environment: {environment_id()}. Verdicts from: {'; '.join(sources)}."
        ),
        summary_badges(records, len(rejected)),
        Paragraph(
            f"{as_expected} of {judged} judged verdicts as expected (true statements confirmed, "
            f"false variants refuted)"
            + (f", {accepted_count} more accepted as declared" if accepted_count else "")
            + f"; {len(records) - judged} observations (reported, not "
            f"judged); {len(rejected)} settings rejected. " + _outcome_counts(records)
        ),
        Paragraph(family_false_alarm_line(records) + "."),
    ]
    unexpected = [r for r in records if r["row"][4] == "NO" and not r.get("accepted")]
    accepted = [r for r in records if r["row"][4] == "NO" and r.get("accepted")]
    if accepted:
        blocks += [
            Heading("Accepted as declared", 3),
            Paragraph(
                "Inconclusive or vacuous verdicts, which confirm nothing, that their entry "
                "declares it accepts, with the reason it gives."
            ),
            folded(
                "Accepted verdicts",
                Table(
                    ["check", "statement", "outcome", "why accepted"],
                    [[r["check"], r["statement"], r["outcome"], r["accepted"]] for r in accepted],
                ),
            ),
        ]
    if unexpected:
        blocks += [
            Heading("Not as expected", 3),
            Paragraph(
                "A true statement violated, or inconclusive or vacuous (which confirm nothing) "
                "where its entry does not declare it accepts that, or a false variant not "
                "refuted. Pytest properties decide over their examples (a declared share must "
                "hold), so one example listed here need not fail its property. Observations are "
                "not judged and are not listed here."
            ),
            folded(
                "Verdicts not as expected",
                Table(
                    ["check", "statement", "outcome", "counterexample"],
                    [
                        [r["check"], r["statement"], r["outcome"], r.get("counterexample") or "-"]
                        for r in unexpected
                    ],
                ),
            ),
        ]
    if rejected:
        blocks += [Heading("Rejected settings", 3), Table(["check", "reason"], rejected)]
    return blocks


def run_provenance(profile: str | None = None) -> str:
    """When and from what a report was made: UTC date, the git commit of the working directory
    (with ``+changes`` when it has uncommitted ones; ``unknown`` outside a git checkout) and the
    profile."""

    def git(*arguments: str) -> str:
        try:
            done = subprocess.run(
                ["git", *arguments], capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if commit != "unknown" and git("status", "--porcelain", "--untracked-files=no"):
        commit += "+changes"
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{date}, commit {commit}, profile {profile_name(profile)}"


def build_report(
    directory: Path,
    records: Sequence[Mapping[str, Any]],
    sources: Sequence[str],
    rejected: Sequence[tuple[str, str]] = (),
    xor_dimensions: Sequence[int] = (16, 32, 64, 128),
    power: Sequence[Mapping[str, Any]] | None = None,
    run: str = "",
    mutants: Mapping[str, Any] | None = None,
) -> ReportFiles:
    """Write ``report.md``, ``report.html`` and their PNG files into ``directory``; ``run`` is
    the run's provenance (:func:`run_provenance`), shown at the top.

    Everything is written into a staging folder beside ``directory`` first and moved into place
    only when the whole report is done: an error or Ctrl-C leaves the previous report as it was,
    and no staging folder. Other files in ``directory`` are never touched.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        written = _write_report(
            staging, records, sources, rejected, xor_dimensions, power, run, mutants
        )
        for path in sorted(staging.iterdir()):
            os.replace(path, directory / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the folder made above, and only it
    return ReportFiles(
        directory / written.markdown.name,
        directory / written.html.name,
        tuple(directory / path.name for path in written.images),
    )


def _write_report(
    directory: Path,
    records: Sequence[Mapping[str, Any]],
    sources: Sequence[str],
    rejected: Sequence[tuple[str, str]],
    xor_dimensions: Sequence[int],
    power: Sequence[Mapping[str, Any]] | None,
    run: str,
    mutants: Mapping[str, Any] | None = None,
) -> ReportFiles:
    images: list[Path] = []

    def save(figure: Any, name: str, caption: str) -> Image:
        path = directory / name
        figure.savefig(path, dpi=110)
        plt.close(figure)
        images.append(path)
        return Image(name, caption)

    blocks = summary_section(records, sources, rejected, run)
    blocks += [
        Heading("Claims"),
        Paragraph(
            "One section per claim: the inequality checked, what is expected of it, its "
            "provenance and set-up, and its verdicts (slack = bound − measured value per seed; "
            "viol/sat/k: seeds on which it is certainly false / certainly true, of k)."
        ),
        *claim_sections(records),
        Heading("All verdicts"),
        Collapsible(f"The verdict table ({len(records)} rows)", [verdict_table(records)]),
    ]
    blocks += setup_section(records)
    blocks += _power_section(power)
    blocks += _sensitivity_section(mutants, save)
    blocks += [
        Heading("Bound against measured value"),
        save(
            plots.bound_against_measured(records),
            "bound_vs_measured.png",
            "Each verdict's bound against the measured value per seed (median, min–max).",
        ),
        Heading("Slack distributions"),
        save(
            plots.slack_distributions(records),
            "slack_distributions.png",
            "Relative slack per seed; below 0 a seed measured the statement false.",
        ),
        Heading("Rate fits (kernel regime, TTM vs Chen et al. 2021)"),
    ]
    ttm_n = float(ttm_test_loss().exponent("n"))
    chen_n, chen_m = (float(chen21_test_loss().exponent(v)) for v in ("n", "m"))
    rate_figures = (
        (
            catalogue.RATE_IN_N,
            catalogue.SAMPLES_SWEEP,
            "test loss",
            {f"TTM $n^{{{ttm_n:g}}}$": ttm_n, f"Chen21 $n^{{{chen_n:g}}}$": chen_n},
            ("Test loss against n (T = 4n, d = 8, m = 32, L = 2)", "rate_in_n.png"),
            ("Test loss ∝ n", f"; declared tolerance {catalogue.RATE_TOLERANCE} on TTM's −1."),
        ),
        (
            catalogue.LOSS_IN_M,
            catalogue.WIDTH_SWEEP,
            "test loss",
            {"TTM $m^{0}$": 0.0, f"Chen21 $m^{{{chen_m:g}}}$": chen_m},
            ("Test loss against m (same data, n = 128, T = 4n)", "rate_in_m.png"),
            (
                "Test loss ∝ m",
                ": slower than Chen21's √m. TTM's bound has no m; it is an upper bound, not a "
                "claim that the loss stays flat in m; it is checked at every m with each run's "
                "own margin γ(m) (properties/test_kernel_regime.py).",
            ),
        ),
        (
            catalogue.RADIUS_IN_M,
            catalogue.RADIUS_SWEEP,
            "‖W_T − W₀‖",
            {"kernel radius $m^{1/L}$, $L = 2$": 0.5},
            ("Distance ‖W_T − W₀‖ against m (L = 2)", "radius_in_m.png"),
            (
                "‖W_T − W₀‖ ∝ m",
                ", against TTM's kernel radius m^(C/L) (C = 1, the reference line): a run below "
                "it at its m is inside the kernel regime.",
            ),
        ),
    )
    for check, sweep, quantity, references, (title, name), (what, comment) in rate_figures:
        grid = check.run_with_evidence(sweep)[1]
        fit = fit_exponent(grid, 0.05)
        figure = plots.rate_fit(grid, quantity, fit, references, title)
        caption = (
            f"{what}^{fit.slope:.2f}, 95% CI [{fit.lower:.2f}, {fit.upper:.2f}] at the level of "
            f"the grid ({fit.points} points){comment}"
        )
        blocks.append(save(figure, name, caption))
    separation = catalogue.separation_walks()
    grid = catalogue.SEPARATION_SETTING.dimensions
    references = _reference_slopes(
        grid,
        fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES),
        trained_network_needs_linear_samples(),
        trained_network_needs_log_squared_samples(),
    )
    blocks += [
        Heading("Beyond the kernel regime (Shi–Wei–Liang poster)"),
        save(
            plots.sample_need_growth(
                separation, references, "Samples needed for test error ≤ 0.25, XOR-like mixture"
            ),
            "kernel_separation.png",
            "Per seed, the least n (grid ratio √2) at which each learner's test error reaches "
            f"{catalogue.SEPARATION_SETTING.target_error:g} at the scaling a = 0; grid-level "
            "slopes with 95% intervals, and the slopes of C·d², C·d and C·(log d)² over the "
            "same grid.",
        ),
        *separation_scan(records),
    ]
    parity = catalogue.parity_walks()
    orders = catalogue.PARITY_SEPARATION_SETTING.sparsities
    parity_references = _reference_slopes(
        orders, fixed_features_need_exponential_size(), trained_network_needs_quadratic_width()
    )
    blocks.append(
        save(
            plots.sample_need_growth(
                parity,
                parity_references,
                "Size needed for exact error ≤ 0.05, structured parity on $\\{\\pm 1\\}^{12}$",
                variable="k",
                need="features N* / neurons m*",
            ),
            "parity_separation.png",
            "Per seed, the least number of random features (fitted on the population) or of "
            "trained neurons (Algorithm 1) whose exact 0-1 error reaches "
            f"{catalogue.PARITY_SEPARATION_SETTING.target_error:g}, against the parity order k "
            "(log scale); grid-level slopes per unit k with 95% intervals, and those of C·2^k "
            "and C·k².",
        )
    )
    rows = xor_figure_1_rows(tuple(xor_dimensions))
    xor_image, xor_table = save_xor_figure_1(rows, directory)
    images.append(xor_image)
    blocks += [
        Heading("XOR: Figure 1 of Taheri–Thrampoulidis–Mazumdar"),
        Image(
            xor_image.name,
            "Test error against SGD iteration in both readings of the caption's n = 6d, and the "
            "zero-error form with 40d fresh points per step (numbers in "
            f"{xor_table.name}). Dashed: the 2% target of the Figure 1 statement, judged after "
            "⌈ln d⌉ + 1 steps under the fresh reading; the reused reading is an observation.",
        ),
        *[Paragraph(line) for line in summarise_xor_figure_1(rows)],
        Heading("Gradient features on three Gaussian clusters (Shi–Wei–Liang poster)"),
        save(
            plots.gaussian_one_step_panels(gaussian_one_step_picture()),
            "gfl_four_panel.png",
            "Data; random initial weights; weights after one step of Algorithm 1; the updated "
            "activation pattern.",
        ),
    ]
    markdown = directory / "report.md"
    markdown.write_text(render_markdown(blocks))
    page = directory / "report.html"
    page.write_text(render_html(blocks, "gflcheck report"))
    return ReportFiles(markdown, page, tuple(images))
