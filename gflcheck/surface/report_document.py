"""The ``gflcheck report`` document: Markdown and HTML with plots, from verdict records.

:func:`build_report` takes verdict records (from the main job and, optionally, a pytest session
artefact), draws the plots of :mod:`gflcheck.surface.plots`, runs the declared rate sweeps, the XOR
Figure 1 reproduction and the GFL poster's four-panel picture (all through the run cache when one
is active, so after ``pytest properties/`` they train nothing), and writes ``report.md`` and
``report.html`` beside the PNG files. Both documents are rendered from one list of blocks.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from gflcheck.core.coverage import TableCell
from gflcheck.core.exponents import fit_exponent
from gflcheck.core.illustrations import (
    ErrorCurves,
    Illustration,
    NeedFigure,
    OneStepPicture,
    RateFigure,
)
from gflcheck.core.verdict_text import VERDICT_COLUMNS, confirmation_tally
from gflcheck.runtime.profiles import profile_name
from gflcheck.surface import plots
from gflcheck.surface.baselines import environment_id, family_false_alarm_line
from gflcheck.surface.figures import save_xor_figure_1, summarise_xor_figure_1
from gflcheck.surface.rendering import (
    Block,
    Collapsible,
    Heading,
    Image,
    Paragraph,
    ReportFiles,
    Table,
    folded,
    render_html,
    render_markdown,
)
from gflcheck.surface.report_sections import (
    _outcome_counts,
    _power_section,
    _sensitivity_section,
    claim_sections,
    coverage_section,
    history_section,
    separation_scan,
    setup_section,
    summary_badges,
    tightest_settings_section,
    verdict_table,
)


def _confirmations(records: Sequence[Mapping[str, Any]]) -> str:
    """How informative the confirmations are: the HOLDS of true statements, split by their break
    point (loose: the bound tightens past ÷2, or half its scale, before the same runs refute it,
    or never does)."""
    looseness = [
        r["break_point"]["loose"] if r.get("break_point") else None
        for r in records
        if r["outcome"] == "holds" and r["row"][2] == "holds"
    ]
    informative, loose, missing = confirmation_tally(looseness)
    return (
        f"Confirmations: {len(looseness)} HOLDS of true statements, {informative} "
        f"informative and {loose} loose (the break point column: a loose bound tightens past ÷2, "
        "or half its scale, before the same runs refute it, or never)"
        + (f"; {missing} without a break point (pytest examples)" if missing else "")
        + "."
    )


_EXPLAINING = ("bound", "slack min/med", "viol/sat/k", "p-value", "estimate [CI]")
"""The verdict-table columns a verdict not as expected is shown with: the numbers behind it."""


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
        Paragraph(_confirmations(records)),
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
                    ["entry", "statement", "outcome", "why accepted"],
                    [[r["test"], r["statement"], r["outcome"], r["accepted"]] for r in accepted],
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
                    ["entry", "statement", "outcome", *_EXPLAINING, "counterexample"],
                    [
                        [
                            r["test"],
                            r["statement"],
                            r["outcome"],
                            *(r["row"][VERDICT_COLUMNS.index(c)] for c in _EXPLAINING),
                            r.get("counterexample") or "-",
                        ]
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
    power: Sequence[Mapping[str, Any]] | None = None,
    run: str = "",
    mutants: Mapping[str, Any] | None = None,
    figures: Sequence[tuple[Illustration, Any]] | None = None,
    history: Sequence[tuple[str, Mapping[str, Any]]] = (),
    coverage: Sequence[TableCell] = (),
) -> ReportFiles:
    """Write ``report.md``, ``report.html`` and their PNG files into ``directory``; ``run`` is
    the run's provenance (:func:`run_provenance`), shown at the top; ``figures``: the claims'
    illustrations with their computed data (:data:`gflcheck.catalogue.ILLUSTRATIONS`), drawn
    here (``None``: a ``-k`` report, which leaves them); ``history``: earlier runs' baseline
    entries by label, oldest first (:func:`~gflcheck.surface.report_sections.history_section`);
    ``coverage``: the papers' table cells (:data:`gflcheck.catalogue.COVERAGE`). Nothing here
    trains.

    Everything is written into a staging folder beside ``directory`` first and moved into place
    only when the whole report is done: an error or Ctrl-C leaves the previous report as it was,
    and no staging folder. Other files in ``directory`` are never touched.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        written = _write_report(
            staging, records, sources, rejected, power, run, mutants, figures, history, coverage
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
    power: Sequence[Mapping[str, Any]] | None,
    run: str,
    mutants: Mapping[str, Any] | None = None,
    figures: Sequence[tuple[Illustration, Any]] | None = None,
    history: Sequence[tuple[str, Mapping[str, Any]]] = (),
    coverage: Sequence[TableCell] = (),
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
    blocks += history_section(records, history)
    blocks += tightest_settings_section(records)
    blocks += setup_section(records)
    blocks += coverage_section(coverage)
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
    ]
    blocks += separation_scan(records)
    if figures is not None:
        blocks += _figure_blocks(directory, figures, save, images)
    else:
        blocks += [
            Heading("Sweeps and figures"),
            Paragraph(
                "Not drawn: this report covers the checks that `-k` selected. `gflcheck report` "
                "without `-k` adds the claims' figures: the kernel-regime rate fits and depth growth, the "
                "separation walks, Figure 1 and the four-panel picture."
            ),
        ]
    markdown = directory / "report.md"
    markdown.write_text(render_markdown(blocks))
    page = directory / "report.html"
    page.write_text(render_html(blocks, "gflcheck report"))
    return ReportFiles(markdown, page, tuple(images))


def _figure_blocks(
    directory: Path, figures: Sequence[tuple[Illustration, Any]], save: Any, images: list[Path]
) -> list[Block]:
    """Each illustration drawn from its data, under its heading (those sharing a heading
    together, in the order the headings first appear)."""
    sections: dict[str, list[Block]] = {}
    for illustration, data in figures:
        drawn = _drawn(illustration.name, data, directory, save, images)
        sections.setdefault(illustration.heading, []).extend(drawn)
    return [block for heading, drawn in sections.items() for block in (Heading(heading), *drawn)]


def _drawn(name: str, data: Any, directory: Path, save: Any, images: list[Path]) -> list[Block]:
    """One illustration's blocks, by the type of its data."""
    if isinstance(data, RateFigure):
        fit = fit_exponent(data.grid, 0.05)
        power = (  # a polynomial rate x^c, or an exponential one e^(c·x)
            f"{fit.slope:.2f}" if data.grid.logarithmic else f"({fit.slope:.2f}·{fit.variable})"
        )
        caption = (
            f"{data.lead}^{power}, 95% CI [{fit.lower:.2f}, {fit.upper:.2f}] at the level "
            f"of the grid ({fit.points} points){data.comment}"
        )
        figure = plots.rate_fit(data.grid, data.quantity, fit, data.references, data.title)
        return [save(figure, f"{name}.png", caption)]
    if isinstance(data, NeedFigure):
        figure = plots.sample_need_growth(
            data.needs, data.references, data.title, variable=data.variable, need=data.need
        )
        return [save(figure, f"{name}.png", data.caption)]
    if isinstance(data, ErrorCurves):
        image, table = save_xor_figure_1(data, directory)
        images.append(image)
        caption = f"{data.caption} Numbers in {table.name}."
        return [Image(image.name, caption), *map(Paragraph, summarise_xor_figure_1(data))]
    if isinstance(data, OneStepPicture):
        figure = plots.gaussian_one_step_panels(data)
        caption = (
            "Data; random initial weights; weights after one step of Algorithm 1; the updated "
            "activation pattern."
        )
        return [save(figure, f"{name}.png", caption)]
    raise TypeError(f"illustration {name!r}: no drawing for {type(data).__name__}")
