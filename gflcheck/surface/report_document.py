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

from gflcheck.claims import kernel_separation, kernel_width, parity_separation
from gflcheck.core.exponents import fit_exponent
from gflcheck.core.verdict_text import confirmation_tally
from gflcheck.runtime.profiles import profile_name
from gflcheck.surface import plots
from gflcheck.surface.baselines import environment_id, family_false_alarm_line
from gflcheck.surface.figures import (
    gaussian_one_step_picture,
    save_xor_figure_1,
    summarise_xor_figure_1,
    xor_figure_1_rows,
)
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
    _reference_slopes,
    _sensitivity_section,
    claim_sections,
    separation_scan,
    setup_section,
    summary_badges,
    verdict_table,
)
from gflcheck.theorems.separation import (
    Learner,
    fixed_features_need_exponential_size,
    fixed_features_need_quadratic_samples,
    trained_network_needs_linear_samples,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
)
from gflcheck.theorems.ttm_kernel import chen21_test_loss, ttm_test_loss


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
    extras: bool = True,
) -> ReportFiles:
    """Write ``report.md``, ``report.html`` and their PNG files into ``directory``; ``run`` is
    the run's provenance (:func:`run_provenance`), shown at the top; ``extras``: also the rate
    fits, separation walks, Figure 1 and the four-panel picture (a ``-k`` report leaves them).

    Everything is written into a staging folder beside ``directory`` first and moved into place
    only when the whole report is done: an error or Ctrl-C leaves the previous report as it was,
    and no staging folder. Other files in ``directory`` are never touched.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        written = _write_report(
            staging, records, sources, rejected, xor_dimensions, power, run, mutants, extras
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
    extras: bool = True,
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
    ]
    if extras:
        blocks += _sweeps_and_figures(directory, records, xor_dimensions, save, images)
    else:
        blocks += [
            Heading("Sweeps and figures"),
            Paragraph(
                "Not drawn: this report covers the checks that `-k` selected. `gflcheck report` "
                "without `-k` adds the kernel-regime rate fits, the separation walks, Figure 1 "
                "and the four-panel picture."
            ),
        ]
    markdown = directory / "report.md"
    markdown.write_text(render_markdown(blocks))
    page = directory / "report.html"
    page.write_text(render_html(blocks, "gflcheck report"))
    return ReportFiles(markdown, page, tuple(images))


def _sweeps_and_figures(
    directory: Path,
    records: Sequence[Mapping[str, Any]],
    xor_dimensions: Sequence[int],
    save: Any,
    images: list[Path],
) -> list[Block]:
    """The rate fits, the separation walks, Figure 1 and the four-panel picture."""
    blocks: list[Block] = [Heading("Rate fits (kernel regime, TTM vs Chen et al. 2021)")]
    ttm_n = float(ttm_test_loss().exponent("n"))
    chen_n, chen_m = (float(chen21_test_loss().exponent(v)) for v in ("n", "m"))
    rate_figures = (
        (
            kernel_width.RATE_IN_N,
            kernel_width.SAMPLES_SWEEP,
            "test loss",
            {f"TTM $n^{{{ttm_n:g}}}$": ttm_n, f"Chen21 $n^{{{chen_n:g}}}$": chen_n},
            ("Test loss against n (T = 4n, d = 8, m = 256, L = 2)", "rate_in_n.png"),
            (
                "Test loss ∝ n",
                f"; declared tolerance {kernel_width.RATE_TOLERANCE} on TTM's −1; "
                + kernel_width.radii_in_words(kernel_width.SAMPLES_SWEEP, kernel_width.RATE_RUNS)
                + " (a run outside would not be pooled).",
            ),
        ),
        (
            kernel_width.LOSS_IN_M,
            kernel_width.WIDTH_SWEEP,
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
            kernel_width.RADIUS_IN_M,
            kernel_width.RADIUS_SWEEP,
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
    separation = kernel_separation.separation_walks()
    grid = kernel_separation.SEPARATION_SETTING.dimensions
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
            f"{kernel_separation.SEPARATION_SETTING.target_error:g} at the scaling a = 0; grid-level "
            "slopes with 95% intervals, and the slopes of C·d², C·d and C·(log d)² over the "
            "same grid.",
        ),
        *separation_scan(records),
    ]
    parity = parity_separation.parity_walks()
    orders = parity_separation.PARITY_SEPARATION_SETTING.sparsities
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
            f"{parity_separation.PARITY_SEPARATION_SETTING.target_error:g}, against the parity order k "
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
    return blocks
