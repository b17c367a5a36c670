"""A document as a list of blocks (headings, paragraphs, tables, images, formulas, badges,
collapsible tables), rendered to Markdown and to self-contained HTML from the same list."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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

    def __post_init__(self) -> None:
        wrong = [i for i, row in enumerate(self.rows) if len(row) != len(self.header)]
        if wrong:
            raise ValueError(
                f"table rows {wrong[:5]} have {len(self.rows[wrong[0]])} cells, the header "
                f"{len(self.header)} ({list(self.header)}): a row and its header must match"
            )


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


def _row_start(row: Sequence[object], outcome: int | None) -> str:
    """``<tr>``, with ``data-outcome`` where the table has an outcome column (the filters)."""
    if outcome is None or outcome >= len(row):
        return "<tr>"
    return f'<tr data-outcome="{html.escape(str(row[outcome]).lower())}">'


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
            outcome = list(block.header).index("outcome") if "outcome" in block.header else None
            rows = "".join(
                _row_start(row, outcome)
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
    ".filters{position:sticky;top:0;background:#fff;padding:.4em 0;z-index:1}"
    ".filters label{margin-right:1em}th{cursor:pointer}"
    + "".join(
        f".o-{name}{{color:{text};background:{background};font-weight:600}}"
        for name, (text, background) in _OUTCOME_COLOURS.items()
    )
)


_FILTERS_AND_SORTING = """
function applyFilters() {
  const hidden = new Set([...document.querySelectorAll(".filters input")]
    .filter((box) => !box.checked).map((box) => box.value));
  let count = 0;
  document.querySelectorAll("tr[data-outcome]").forEach((row) => {
    const hide = hidden.has(row.dataset.outcome);
    row.style.display = hide ? "none" : "";
    count += hide ? 1 : 0;
  });
  document.body.dataset.hiddenRows = String(count);
}
function sortBy(th) {
  const body = th.closest("table").tBodies[0];
  const index = [...th.parentNode.children].indexOf(th);
  const ascending = th.dataset.order !== "ascending";
  th.dataset.order = ascending ? "ascending" : "descending";
  const key = (row) => {
    const text = (row.children[index] || {textContent: ""}).textContent.trim();
    const number = parseFloat(text.replace("\u2212", "-").replace(/^[+÷]/, ""));
    return Number.isNaN(number) ? text : number;
  };
  const rows = [...body.rows].sort((a, b) => {
    const x = key(a), y = key(b);
    const order = typeof x === "number" && typeof y === "number"
      ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  body.append(...rows);
}
window.addEventListener("load", () => {
  const outcomes = [...new Set([...document.querySelectorAll("tr[data-outcome]")]
    .map((row) => row.dataset.outcome))].sort();
  const asked = (location.hash.match(/hide=([\\w,-]+)/) || ["", ""])[1];
  const hide = new Set(asked.split(",").filter(Boolean));
  if (outcomes.length) {
    const bar = document.createElement("p");
    bar.className = "filters";
    bar.append("Show outcomes: ");
    outcomes.forEach((outcome) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = outcome;
      box.checked = !hide.has(outcome);
      box.addEventListener("change", applyFilters);
      label.append(box, " " + outcome.toUpperCase());
      bar.append(label);
    });
    (document.querySelector("nav") || document.body.firstElementChild).after(bar);
    document.body.dataset.filters = String(outcomes.length);
    applyFilters();
  }
  document.querySelectorAll("th").forEach((th) => {
    th.title = "sort by this column (again: the other way)";
    th.addEventListener("click", () => sortBy(th));
  });
});
"""


_SELF_CHECK = """
window.addEventListener("load", () => {
  const images = [...document.images];
  const missing = images.filter((i) => !(i.complete && i.naturalWidth > 0));
  // folded formulas are measured too: their folds are opened for the measurement only
  const folded = [...document.querySelectorAll("details:not([open])")];
  folded.forEach((d) => { d.open = true; });
  const shown = [...document.querySelectorAll("math")];
  const blank = shown.filter((m) => {
    const box = m.getBoundingClientRect();
    return !(box.width > 0 && box.height > 0);
  });
  folded.forEach((d) => { d.open = false; });
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
    every figure loaded and every formula (folded ones included) has a size, and puts a warning at the top when
    not (``data-figures`` and ``data-formulas`` on ``<body>`` say how many did). Another adds
    outcome filters (a checkbox per outcome over every row with one; ``#hide=holds,vacuous`` in
    the address starts with those hidden; ``data-hidden-rows`` counts them) and sorts a table
    by the column whose header is clicked. Nothing is fetched."""
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
        f"<script>{_SELF_CHECK}{_FILTERS_AND_SORTING}</script></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _after_title(blocks: Sequence[Block]) -> int:
    """Where the contents list goes: before the first section heading."""
    return next(
        (i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2), len(blocks)
    )
