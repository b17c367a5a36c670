"""The ``gflcheck report`` document: Markdown and HTML with plots, from verdict records.

:func:`build_report` takes verdict records (from the main job and, optionally, a pytest session
artefact), draws the plots of :mod:`gflcheck.plots`, runs the declared rate sweeps, the XOR
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

from gflcheck import catalogue, plots
from gflcheck.baselines import environment_id, family_false_alarm_line
from gflcheck.checks.kernel_rates import sweep_slope
from gflcheck.figures import (
    gaussian_one_step_picture,
    save_xor_figure_1,
    summarise_xor_figure_1,
    xor_figure_1_rows,
)
from gflcheck.power import DETECTION_TARGET, POWER_COLUMNS, PowerEstimate, family_wise_rate
from gflcheck.profiles import profile_name
from gflcheck.report import (
    BREAK_POINT_COLUMNS,
    KILL_COLUMNS,
    VERDICT_COLUMNS,
    break_point_row,
    kill_row,
    survivor_rows,
)
from gflcheck.theorems.separation import (
    SEPARATION_LEARNERS,
    GrowthStatement,
    Learner,
    fixed_features_need_exponential_size,
    fixed_features_need_quadratic_samples,
    trained_network_needs_linear_samples,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
)
from gflcheck.theorems.ttm_kernel import chen21_test_loss, ttm_test_loss

_PARITY_LEARNERS = (Learner.RANDOM_FEATURES, Learner.TRAINED_NETWORK)


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


Block = Heading | Paragraph | Table | Image


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`build_report` wrote."""

    markdown: Path
    html: Path
    images: tuple[Path, ...] = field(default_factory=tuple)


def render_markdown(blocks: Iterable[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown."""
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
        else:
            out.append(f"![{block.caption}]({block.path})\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


def render_html(blocks: Iterable[Block], title: str) -> str:
    """The blocks as one self-contained HTML page (images linked beside it)."""
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            body.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{html.escape(str(h))}</th>" for h in block.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        else:
            body.append(
                f'<figure><img src="{html.escape(block.path)}" alt="{html.escape(block.caption)}">'
                f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"
            )
    style = (
        "body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px}"
        "th{background:#f3f3f3}img{max-width:100%}figcaption{font-style:italic;color:#555}"
    )
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def verdict_table(records: Sequence[Mapping[str, Any]]) -> Table:
    """The verdict table (the terminal's columns, plus the provenance)."""
    return Table(
        [*VERDICT_COLUMNS, "provenance"],
        [[*record["row"], record["provenance"]] for record in records],
    )


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
        Heading("Set-ups", 3),
        Paragraph(
            "The set-up each claim is checked in: the data's scalings, the network, the loss, "
            "the step sizes, what n counts, and the reading of an ambiguous claim (tag: seed, "
            "as the poster states it; secondary, as its paper or a cited paper does; ours, "
            "chosen here where the source is silent)."
        ),
        Table(
            [*SETUP_FIELDS, "checks"],
            [[*key, ", ".join(names)] for key, names in checks.items()],
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
        Table(POWER_COLUMNS, [e.as_row() for e in estimates]),
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
        Table(BREAK_POINT_COLUMNS, [break_point_row(c) for c in checks]),
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
            Table(["theorem", "mutant", "bound", "why it survives"], survivors),
        ]
    return blocks


def _reference_slopes(grid: Sequence[int], *statements: GrowthStatement) -> dict[str, float]:
    """Each statement's bound, labelled with its own slope over ``grid``, for a growth plot."""
    slopes = {s.bound.expression: s.exponent_over(grid) for s in statements}
    return {f"{expression} (slope {slope:.2f})": slope for expression, slope in slopes.items()}


def _outcome_counts(records: Sequence[Mapping[str, Any]]) -> str:
    """``Outcomes on true statements: 3 holds, 1 vacuous; on false variants: 2 violated.``"""
    parts = []
    kinds = {"holds": "true statements", "refuted": "false variants", "observe": "observations"}
    for expectation, label in kinds.items():
        counts = Counter(r["outcome"] for r in records if r["row"][2] == expectation)
        if counts:
            listed = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            parts.append(f"on {label}: {listed}")
    return f"Outcomes {'; '.join(parts)}." if parts else ""


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

    as_expected = sum(1 for r in records if r["row"][4] == "yes")
    judged = sum(1 for r in records if r["row"][4] != "-")
    blocks: list[Block] = [
        Heading("gflcheck report", 1),
        Paragraph(
            (f"Run: {run}. " if run else "")
            + f"Environment: {environment_id()}. Verdicts from: {'; '.join(sources)}."
        ),
        Paragraph(
            f"{as_expected} of {judged} judged verdicts as expected (true statements confirmed, "
            f"false variants refuted); {len(records) - judged} observations (reported, not "
            f"judged); {len(rejected)} settings rejected. " + _outcome_counts(records)
        ),
        Paragraph(family_false_alarm_line(records) + "."),
        Heading("Verdicts"),
        verdict_table(records),
    ]
    unexpected = [r for r in records if r["row"][4] == "NO"]
    if unexpected:
        blocks += [
            Heading("Not as expected", 3),
            Paragraph(
                "A true statement violated, inconclusive or vacuous (the last two confirm "
                "nothing; `gflcheck check` prints the reason where an entry declares it accepts "
                "them), or a false variant not refuted. Observations are not judged and are "
                "not listed here."
            ),
            Table(
                ["check", "statement", "outcome", "counterexample"],
                [
                    [r["check"], r["statement"], r["outcome"], r.get("counterexample") or "-"]
                    for r in unexpected
                ],
            ),
        ]
    if rejected:
        blocks += [Heading("Rejected settings", 3), Table(["check", "reason"], rejected)]
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
            catalogue.samples_sweep(),
            ("samples", "test_loss"),
            {f"TTM n^{ttm_n:g}": ttm_n, f"Chen21 n^{chen_n:g}": chen_n},
            ("Test loss against n (T = 4n, d = 8, m = 32, L = 2)", "rate_in_n.png"),
            ("Test loss ∝ n", f"; declared tolerance {catalogue.RATE_TOLERANCE} on TTM's −1."),
        ),
        (
            catalogue.width_sweep(),
            ("width", "test_loss"),
            {"TTM m^0": 0.0, f"Chen21 m^{chen_m:g}": chen_m},
            ("Test loss against m (same data, n = 128, T = 4n)", "rate_in_m.png"),
            (
                "Test loss ∝ m",
                ": slower than Chen21's √m. TTM's bound has no m; it is an upper bound, not a "
                "claim that the loss stays flat in m; it is checked at every m with each run's "
                "own margin γ(m) (properties/test_kernel_regime.py).",
            ),
        ),
        (
            catalogue.radius_sweep(),
            ("width", "distance"),
            {"kernel radius m^(1/L), L = 2": 0.5},
            ("Distance ‖W_T − W₀‖ against m (L = 2)", "radius_in_m.png"),
            (
                "‖W_T − W₀‖ ∝ m",
                ", against TTM's kernel radius m^(C/L) (C = 1, the reference line): a run below "
                "it at its m is inside the kernel regime.",
            ),
        ),
    )
    for points, (variable, measure), references, (title, name), (quantity, comment) in rate_figures:
        fit = sweep_slope(points, variable, measure, alpha=0.05)
        figure = plots.rate_fit(points, variable, measure, fit, references, title)
        caption = f"{quantity}^{fit.slope:.2f}, 95% CI [{fit.lower:.2f}, {fit.upper:.2f}]{comment}"
        blocks.append(save(figure, name, caption))
    separation = [catalogue.separation_needs(learner) for learner in SEPARATION_LEARNERS]
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
            f"{catalogue.SEPARATION_SETTING.target_error:g}; fitted slopes with 95% intervals, and "
            "the slopes of C·d², C·d and C·(log d)² over the same grid.",
        ),
    ]
    parity = [catalogue.parity_size_needs(learner) for learner in _PARITY_LEARNERS]
    orders = catalogue.PARITY_SEPARATION_SETTING.sparsities
    parity_references = _reference_slopes(
        orders, fixed_features_need_exponential_size(), trained_network_needs_quadratic_width()
    )
    blocks.append(
        save(
            plots.sample_need_growth(
                parity,
                parity_references,
                "Size needed for exact error ≤ 0.05, structured parity on {±1}^12",
                variable="k",
                need="features N* / neurons m*",
            ),
            "parity_separation.png",
            "Per seed, the least number of random features (fitted on the population) or of "
            "trained neurons (Algorithm 1) whose exact 0-1 error reaches "
            f"{catalogue.PARITY_SEPARATION_SETTING.target_error:g}, against the parity order k "
            "(log scale); slopes per unit k with 95% intervals, and those of C·2^k and C·k².",
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
