"""``gflcheck report``: the Markdown/HTML document, its plots, and the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gflcheck.catalogue import ILLUSTRATIONS
from gflcheck.claims import (
    kernel_depth,
    kernel_separation,
    kernel_width,
    parity_separation,
    xor_figure_1,
)
from gflcheck.claims.kernel_separation import SeparationConfig, SeparationSetting, sample_need_check
from gflcheck.claims.kernel_width import KernelSweep
from gflcheck.claims.parity_separation import (
    ParitySeparationConfig,
    ParitySeparationSetting,
    size_need_check,
)
from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
from gflcheck.core.verdict_text import verdict_row
from gflcheck.core.verdicts import Outcome
from gflcheck.models.deep_networks import KernelSetting
from gflcheck.surface.baselines import verdict_record
from gflcheck.surface.power import estimates_as_json, power_from_outcomes
from gflcheck.surface.rendering import (
    COLLAPSE_ROWS,
    Badges,
    Collapsible,
    Heading,
    Image,
    Math,
    Paragraph,
    Table,
    folded,
    render_html,
    render_markdown,
)
from gflcheck.surface.report_document import build_report
from gflcheck.surface.report_sections import claim_formula, claim_sections
from gflcheck.theorems.separation import (
    Learner,
    fixed_features_need_exponential_size,
    fixed_features_need_quadratic_samples,
    trained_network_needs_linear_samples,
    trained_network_needs_quadratic_width,
)
from gflcheck.theorems.ttm import log_log_iterations


def test_markdown_and_html_render_the_same_blocks():
    blocks = [
        Heading("Title <1>", 1),
        Paragraph("a < b & c"),
        Badges([("true statements HOLDS", 3, "holds"), ("false variants NOT refuted", 1, "no")]),
        Heading("Claims"),
        Math("<mi>x</mi><mo>≤</mo><mn>2</mn>", "x \\le 2"),
        Table(["x", "y|z", "outcome", "ok"], [["1", "a|b", "VACUOUS", "NO"]]),
        Collapsible("more", [Paragraph("folded")]),
        Image("plot.png", "a plot"),
    ]
    markdown = render_markdown(blocks)
    assert markdown.startswith("# Title <1>\n")
    assert (
        "| x | y\\|z | outcome | ok |\n|---|---|---|---|\n| 1 | a\\|b | VACUOUS | NO |" in markdown
    )
    assert "![a plot](plot.png)" in markdown and "$$\nx \\le 2\n$$" in markdown
    assert "**3** true statements HOLDS · **1** false variants NOT refuted" in markdown
    assert "<details><summary>more</summary>\n\nfolded\n\n</details>" in markdown
    page = render_html(blocks, "t")
    assert '<h1 id="title-1">Title &lt;1&gt;</h1>' in page and "<p>a &lt; b &amp; c</p>" in page
    assert '<img src="plot.png" alt="a plot">' in page and "<td>a|b</td>" in page
    assert '<td class="o-vacuous">VACUOUS</td>' in page and '<td class="o-no">NO</td>' in page
    assert '<math display="block"><mi>x</mi><mo>≤</mo><mn>2</mn></math>' in page
    assert '<nav><a href="#claims">Claims</a></nav>' in page  # contents before the first section
    assert page.index("<nav>") < page.index('<h2 id="claims">')
    assert "<details><summary>more</summary><p>folded</p></details>" in page
    assert '<span class="badge o-no"><b>1</b> false variants NOT refuted</span>' in page


def test_rows_with_an_outcome_carry_it_for_the_filters_and_headers_sort():
    page = render_html(
        [Table(["check", "outcome"], [["a", "HOLDS"], ["b", "VIOLATED"]]), Table(["x"], [["1"]])],
        "t",
    )
    assert '<tr data-outcome="holds">' in page and '<tr data-outcome="violated">' in page
    assert "<tr><td>1</td></tr>" in page  # no outcome column, no attribute
    assert "function applyFilters" in page and "function sortBy" in page


def test_long_tables_fold_and_short_ones_do_not():
    short = Table(["a"], [["1"]] * COLLAPSE_ROWS)
    long = Table(["a"], [["1"]] * (COLLAPSE_ROWS + 1))
    assert folded("rows", short) is short
    assert folded("rows", long) == Collapsible(f"rows ({COLLAPSE_ROWS + 1} rows)", [long])


def test_a_claim_is_shown_as_its_inequality():
    """The inequality itself is rendered as mathematics, with its relation and, for a
    rate or growth statement, the number compared with."""
    verdict, _ = check_xor_feature_learning(XorSetting(6, 0.3, 1))
    record = verdict_record("t", verdict, verdict_row(verdict))
    formula = claim_formula(record)
    assert formula.mathml.startswith("<mtext>first zero-error iteration</mtext><mo>≤</mo>")
    assert "<mo>&#8968;</mo>" in formula.mathml  # the ceiling of ⌈log d⌉, in MathML
    assert formula.latex.startswith("\\text{first zero-error iteration} \\le c")
    compared = claim_formula({**record, "compared": True, "relation": "≥"})
    assert "<mo>≥</mo><mtext>growth exponent of&#160;</mtext>" in compared.mathml
    assert "\\ge \\operatorname{growth}" in compared.latex
    sections = render_markdown(claim_sections([record, record]))
    assert sections.count("### XOR in c⌈log d⌉ steps") == 1  # one section per claim
    assert "How each quantifier was instantiated (2 verdicts)" in sections


def _small_sweep(variable, values):
    settings = [
        KernelSetting(4, m, 1, n, 0.3, 2 * n, 5)
        for m, n in ((v, 16) if variable == "width" else (8, v) for v in values)
    ]
    return KernelSweep(tuple(settings), variable, 500, 0.5)


@pytest.fixture
def small_catalogue(monkeypatch):
    """Small stand-ins for the declared sweeps and sample needs (the real ones train for about a
    minute each), and Figure 1's checks on d ∈ {4, 6}; returns a function that computes the
    claims' figures (what the `report` command draws) on them."""
    monkeypatch.setattr(xor_figure_1, "FIGURE_1_DIMENSIONS", (4, 6))
    monkeypatch.setattr(kernel_width, "SAMPLES_SWEEP", _small_sweep("samples", (16, 24, 32)))
    monkeypatch.setattr(kernel_width, "WIDTH_SWEEP", _small_sweep("width", (8, 12, 16)))
    monkeypatch.setattr(kernel_width, "RADIUS_SWEEP", _small_sweep("width", (8, 12, 16)))
    monkeypatch.setattr(
        kernel_depth,
        "DEPTH_SETTINGS",
        tuple(KernelSetting(4, 8, depth, 16, 0.3, 32, 5) for depth in (1, 2, 3)),
    )
    small = SeparationConfig(seeds=2, ntk_seeds=2, largest_sample=128, test_size=300, steps=20)
    mixture = SeparationSetting(dimensions=(4, 6, 8))
    monkeypatch.setattr(
        kernel_separation,
        "separation_walks",
        lambda: [
            sample_need_check(statement, small).run_with_evidence(mixture)[1]
            for statement in (
                fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES),
                trained_network_needs_linear_samples(),
            )
        ],
    )
    tiny = ParitySeparationConfig(seeds=2, largest_width=16, steps=20)
    parity = ParitySeparationSetting(dimension=6, sparsities=(1, 2, 3))
    monkeypatch.setattr(
        parity_separation,
        "parity_walks",
        lambda: [
            size_need_check(statement, tiny).run_with_evidence(parity)[1]
            for statement in (
                fixed_features_need_exponential_size(),
                trained_network_needs_quadratic_width(),
            )
        ],
    )
    return lambda: [(figure, figure.compute()) for figure in ILLUSTRATIONS]


def test_build_report_writes_every_section_and_figure(tmp_path, small_catalogue):
    holds, _ = check_xor_feature_learning(XorSetting(6, 0.3, 1))
    refuted, _ = check_xor_feature_learning(XorSetting(32, 0.3, 2), log_log_iterations())
    records = [verdict_record(v.check, v, verdict_row(v)) for v in (holds, refuted)]
    power = estimates_as_json(
        [power_from_outcomes("ttm-xor/d=6", False, [Outcome.HOLDS] * 4, 0.05)]
    )
    files = build_report(
        tmp_path,
        records,
        ["unit test"],
        [("gfl/x", "over budget")],
        power=power,
        figures=small_catalogue(),
    )
    markdown = files.markdown.read_text()
    for heading in (
        "## All verdicts",
        "## Claims",
        "## Bound against measured value",
        "## Slack distributions",
        "## Rate fits",
        "## Depth: the factor e^{O(L)} of Table 1, as a measured growth",
        "## XOR: Figure 1",
        "## Gradient features on three Gaussian clusters",
        "## Beyond the kernel regime",
        "### Rejected settings",
        "## What a pass is worth: false-alarm and detection rates",
    ):
        assert heading in markdown
    assert "2 of 2 judged verdicts as expected" in markdown
    assert "Outcomes on true statements: 1 holds; on false variants: 1 violated." in markdown
    assert "| ttm-xor/d=6 | false alarm | 0/4 | 0.000 | [0.000, 0.602] | ≤ 0.05 |" in markdown
    assert "Taheri, Thrampoulidis, Mazumdar" in markdown  # provenance column
    assert "Test loss ∝ e^(" in markdown and "·L), 95% CI" in markdown  # an exponential rate
    names = {path.name for path in files.images}
    assert names == {
        "bound_vs_measured.png",
        "slack_distributions.png",
        "rate_in_n.png",
        "rate_in_m.png",
        "radius_in_m.png",
        "growth_in_depth.png",
        "xor_figure_1.png",
        "gfl_four_panel.png",
        "kernel_separation.png",
        "parity_separation.png",
    }
    page = files.html.read_text()
    for name in names:
        assert (tmp_path / name).stat().st_size > 1000
        assert f"]({name})" in markdown and f'src="{name}"' in page


def test_report_command_exits_1_when_a_check_is_not_as_expected(
    tmp_path, small_catalogue, monkeypatch, capsys
):
    from gflcheck.core.entries import CatalogueEntry
    from gflcheck.surface.cli import main

    monkeypatch.setattr(CatalogueEntry, "as_expected", lambda entry, verdict: False)
    arguments = ["report", "-k", "ttm-xor/d=16", "--out", str(tmp_path / "report")]
    assert main([*arguments, "--power", str(tmp_path / "none.json")]) == 1
    assert "1 check(s) not as expected: ttm-xor/d=16" in capsys.readouterr().out
    assert (tmp_path / "report" / "report.md").is_file()


def test_a_k_report_covers_the_selected_checks_without_the_sweeps(tmp_path, monkeypatch):
    """`report -k` ran every sweep and figure (151 s): it now draws the selected checks only,
    and says what a full report adds."""
    from gflcheck.claims import kernel_separation
    from gflcheck.surface.cli import main

    def never():
        raise AssertionError("a -k report walked the separation")

    monkeypatch.setattr(kernel_separation, "separation_walks", never)
    out = tmp_path / "report"
    arguments = ["report", "-k", "ttm-xor/d=16", "--out", str(out)]
    assert main([*arguments, "--power", str(tmp_path / "none.json")]) == 0
    markdown = (out / "report.md").read_text()
    assert "## Sweeps and figures" in markdown and "without `-k` adds" in markdown
    assert not (out / "rate_in_n.png").exists() and (out / "bound_vs_measured.png").exists()


def test_report_command_includes_a_session_artefact(tmp_path, small_catalogue, capsys):
    from gflcheck.surface.cli import main

    verdict, _ = check_xor_feature_learning(XorSetting(5, 0.3, 4))
    session = tmp_path / "session.json"
    session.write_text(
        json.dumps(
            {
                "environment": {
                    "torch": "t",
                    "numpy": "n",
                    "python": "p",
                    "machine": "m",
                    "device": "cpu",
                },
                "verdicts": [verdict_record("demo", verdict, verdict_row(verdict))],
            }
        )
    )
    out = tmp_path / "report"
    arguments = ["report", "-k", "ttm-xor/d=16", "--out", str(out), "--session", str(session)]
    arguments += ["--power", str(tmp_path / "none.json")]
    assert main(arguments) == 0
    markdown = (out / "report.md").read_text()
    assert "pytest session" in markdown and "2 of 2 judged verdicts as expected" in markdown
    assert "Not measured: run `gflcheck power`" in markdown  # no power file given
    session.write_text("{not json")
    assert main(arguments) == 2
    assert "is not a session artefact" in capsys.readouterr().err


def test_an_interrupted_report_leaves_the_previous_one_and_no_staging_folder(tmp_path, monkeypatch):
    from gflcheck.surface import report_document

    out = tmp_path / "report"
    out.mkdir()
    (out / "report.md").write_text("the previous report")
    (out / "notes.txt").write_text("mine")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_document, "verdict_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        report_document.build_report(out, [], ["test"])
    assert (out / "report.md").read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no staging folder left
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "report.md"]


MUTATE_RECORDS = {
    "checks": [
        {
            "where": "gfl/xor",
            "check": "gfl-theorem-3.12/xor",
            "outcome": "holds",
            "break_point": {
                "kind": "factor",
                "false": 492.9,
                "false_interval": [301.2, None],
                "refuted": None,
            },
        }
    ],
    "theorems": [
        {
            "statement": "Theorem 3.12",
            "settings": 1,
            "mutants": [
                {
                    "change": "term OPT dropped",
                    "expression": "r + epsilon",
                    "label": "tighter",
                    "false": True,
                    "killable": True,
                    "killed": False,
                    "why": "0 of 24 seeds certainly beyond it",
                },
                {
                    "change": "r → r**(3/2)",
                    "expression": "r**(3/2) + OPT + epsilon",
                    "label": "looser",
                    "false": False,
                    "killable": False,
                    "killed": False,
                    "why": "",
                },
            ],
            "rate": {
                "tighter": 1,
                "false": 1,
                "killable": 1,
                "killed": 0,
                "lower": 0.0,
                "upper": 0.975,
            },
        }
    ],
}


def test_report_command_shows_rejections_power_and_run_provenance(tmp_path, small_catalogue):
    """The rejected-settings table had one character per cell, `--power` was parsed
    and never used, and the report said nothing of when and from what it was made.
    `--mutants` adds the break points, the kill table and what survives."""
    from gflcheck.surface.cli import main

    power = tmp_path / "power.json"
    estimate = power_from_outcomes("gfl/xor", False, [Outcome.HOLDS] * 4, 0.05)
    power.write_text(json.dumps({"runs": 4, "checks": estimates_as_json([estimate])}))
    variant = power_from_outcomes("gfl/xor/single-step", True, [Outcome.VIOLATED] * 4, 0.05)
    later = tmp_path / "power-variants.json"
    later.write_text(json.dumps({"runs": 4, "checks": estimates_as_json([variant])}))
    mutants = tmp_path / "mutants.json"
    mutants.write_text(json.dumps(MUTATE_RECORDS))
    out = tmp_path / "report"
    arguments = ["report", "-k", "gfl/three-cluster-d2", "--out", str(out), "--session", ""]
    files = ["--power", str(power), "--power", str(later), "--power", str(tmp_path / "none")]
    assert main([*arguments, *files, "--mutants", str(mutants)]) == 0
    markdown = (out / "report.md").read_text()
    assert "| gfl/three-cluster-d2 | outside the theorem's hypotheses: m ≤ e^d fails" in markdown
    assert "| gfl/xor | false alarm | 0/4 |" in markdown
    assert "| gfl/xor/single-step | detection | 4/4 |" in markdown  # runs of two files combined
    assert "Not measured" not in markdown
    assert "| gfl/xor | gfl-theorem-3.12/xor | HOLDS | ÷ factor | 493 | [301, never] | never |" in (
        markdown
    )
    assert "| Theorem 3.12 | 1 | 2 | 1 | 1 | 1 | 0 | 0.00 [0.00, 0.97] |" in markdown
    assert "| Theorem 3.12 | term OPT dropped | r + epsilon | 0 of 24 seeds certainly" in markdown
    assert (out / "tightness.png").exists()
    assert "Run: 20" in markdown and ", commit " in markdown and "profile default" in markdown
    assert main([*arguments, "--power", str(power), "--power", str(power)]) == 2  # which rate?
    power.write_text("[]")
    assert main([*arguments, "--power", str(power)]) == 2  # refused before any work


def test_outcome_counts_keep_observations_apart():
    """An observation is counted on its own, never among the true statements or false variants."""
    from gflcheck.surface.report_document import _outcome_counts

    def record(expectation: str, outcome: str) -> dict:
        return {"row": ["c", "s", expectation, outcome.upper()], "outcome": outcome}

    records = [record("holds", "holds"), record("refuted", "violated"), record("observe", "holds")]
    assert _outcome_counts(records) == (
        "Outcomes on true statements: 1 holds; on false variants: 1 violated; "
        "on observations: 1 holds."
    )


def _chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_report_renders_in_a_headless_browser(tmp_path, small_catalogue):
    """The report opened in a real browser (Debian's chromium, headless): no console
    messages, every figure loaded, every formula (folded ones included) rendered with a size (the page's own
    load-time check writes ``data-figures`` / ``data-formulas`` on ``<body>``), outcomes
    coloured, and the outcome filters working (``#hide=holds`` hides exactly the HOLDS rows). The screenshot is kept in ``$GFLCHECK_SCREENSHOT_DIR`` when set (CI's artefact)."""
    import os
    import re
    import shutil
    import subprocess

    from PIL import Image as PillowImage

    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium package)")
    holds, _ = check_xor_feature_learning(XorSetting(6, 0.3, 1))
    refuted, _ = check_xor_feature_learning(XorSetting(32, 0.3, 2), log_log_iterations())
    records = [verdict_record(v.check, v, verdict_row(v)) for v in (holds, refuted)]
    files = build_report(tmp_path / "report", records, ["unit test"], figures=small_catalogue())
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    flags += ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"]
    page = files.html.as_uri()
    done = subprocess.run(
        [browser, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    body = re.search(r"<body([^>]*)>", done.stdout)
    assert body is not None
    figures = re.search(r'data-figures="(\d+)/(\d+)"', body.group(1))
    formulas = re.search(r'data-formulas="(\d+)/(\d+)"', body.group(1))
    assert figures and formulas, body.group(1)  # the load-time check ran
    assert figures.group(1) == figures.group(2) == str(len(files.images))
    assert formulas.group(1) == formulas.group(2) != "0"
    assert 'class="render-warning"' not in done.stdout
    assert 'class="o-holds"' in done.stdout and 'class="o-violated"' in done.stdout
    # the outcome filters: one checkbox per outcome, nothing hidden until asked
    assert 'class="filters"' in done.stdout and 'data-hidden-rows="0"' in done.stdout
    holds_rows = len(re.findall(r'<tr data-outcome="holds"', done.stdout))
    assert holds_rows > 0
    filtered = subprocess.run(
        [browser, *flags, "--dump-dom", page + "#hide=holds"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f'data-hidden-rows="{holds_rows}"' in filtered.stdout, filtered.stdout[:3000]
    hidden = re.findall(r'<tr data-outcome="holds" style="display: none;"', filtered.stdout)
    assert len(hidden) == holds_rows
    assert not re.search(r'<tr data-outcome="violated" style="display: none;"', filtered.stdout)
    screenshot = tmp_path / "report-screenshot.png"
    shot = subprocess.run(
        [browser, *flags, "--window-size=1280,1800", f"--screenshot={screenshot}", page],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.returncode == 0 and screenshot.exists(), shot.stderr[-2000:]
    with PillowImage.open(screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50  # a rendered page, not a blank one
    files.images[0].unlink()  # the check can fail: a figure gone is reported on the page
    broken = subprocess.run(
        [browser, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120
    )
    count = len(files.images)
    assert f'data-figures="{count - 1}/{count}"' in broken.stdout
    assert 'class="render-warning"' in broken.stdout and files.images[0].name in broken.stdout
    assert any(":CONSOLE" in line for line in broken.stderr.splitlines())
    keep = os.environ.get("GFLCHECK_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(keep) / screenshot.name)


def test_the_summary_lists_accepted_verdicts_apart_from_those_not_as_expected():
    """The report's ok column knew nothing of the catalogue's acceptances; a vacuous
    verdict an entry accepts is listed with its reason, not as a failure."""
    from gflcheck.surface.report_document import summary_section

    verdict, _ = check_xor_feature_learning(XorSetting(6, 0.3, 1))
    record = verdict_record("gfl/x", verdict, verdict_row(verdict))
    row = [*record["row"][:3], "VACUOUS", "NO", *record["row"][5:]]
    vacuous = {**record, "outcome": "vacuous", "row": row}
    records = [record, {**vacuous, "accepted": "the bound is above 1 here"}, vacuous]
    markdown = render_markdown(summary_section(records, ["unit test"]))
    assert "### Accepted as declared" in markdown
    assert "| gfl/x | XOR in c⌈log d⌉ steps | vacuous | the bound is above 1 here |" in markdown
    assert markdown.count("| vacuous |") == 2  # once accepted, once not as expected
    # not as expected: with the numbers behind it (bound, slack, counts, p-value), by entry name
    bound, slack, counts = (record["row"][i] for i in (5, 6, 8))
    assert f"| gfl/x | XOR in c⌈log d⌉ steps | vacuous | {bound} | {slack} | {counts} |" in markdown
    section = render_markdown(claim_sections([record]))
    assert section.count("Set-up: ") == 1 and "(see Set-ups)" in section
    assert "**1** true statements HOLDS · **2** true statements VACUOUS" in markdown
    section = render_markdown(claim_sections(records))
    assert "| accepted |" in section and "| NO |" in section
    # a claim is folded under its badges, and unfolded where a verdict is not as expected
    assert "<details><summary>The inequality, its provenance and its 1 verdict" in (
        render_markdown(claim_sections([record]))
    )
    assert "<details open><summary>The inequality, its provenance and its 3 verdicts" in section


def test_figures_are_readable_at_page_width():
    """Bound_vs_measured.png was a 3388×440 strip of 7 tiny panels, legends used
    Python syntax (C*d**2), and the slack plot's x-axis label was clipped."""
    from gflcheck.core.illustrations import reference_slopes as _reference_slopes
    from gflcheck.surface import plots
    from gflcheck.theorems.separation import (
        Learner,
        fixed_features_need_quadratic_samples,
        trained_network_needs_log_squared_samples,
    )

    records = [
        {
            "check": f"family-{i}/x",
            "statement": f"statement {i} with a rather long name to show on the axis",
            "bound_value": 2.0 + i,
            "slack": [0.5, 1.0, None],
            "false_variant": i % 2 == 1,
        }
        for i in range(7)
    ]
    figure = plots.bound_against_measured(records)
    width, height = figure.get_size_inches()
    assert width <= 14 and 0.5 <= height / width <= 2  # a grid of panels, not a strip
    assert sum(axis.get_visible() for axis in figure.axes) == 7
    slack = plots.slack_distributions(records)
    slack.canvas.draw()
    label = slack.axes[0].xaxis.label.get_window_extent()
    frame = slack.bbox
    assert frame.x0 <= label.x0 and label.x1 <= frame.x1 and frame.y0 <= label.y0  # not clipped
    legends = _reference_slopes(
        (16, 32, 64),
        fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES),
        trained_network_needs_log_squared_samples(),
    )
    assert all(label.startswith("$") and "**" not in label for label in legends)
    assert any("d^{2}" in label for label in legends)


def test_the_separation_scan_says_whether_any_scaling_shows_both_halves():
    from gflcheck.surface.report_document import separation_scan

    def record(statement, a, outcome):
        return {
            "statement": statement,
            "check": "gfl-kernel-separation/x",
            "parameters": {"snr_exponent": a, "grid": "16, 32, 64"},
            "outcome": outcome,
        }

    records = [
        record("random features need Ω(d²) samples", 0.0, "inconclusive"),
        record("trained network needs O((log d)²) samples", 0.0, "violated"),
        record("random features need Ω(d²) samples", 0.5, "violated"),
        record("trained network needs O((log d)²) samples", 0.5, "holds"),
    ]
    _, paragraph, table = separation_scan(records)
    assert "No scaling shows both halves at once." in paragraph.text
    assert [row[-1] for row in table.rows] == ["no: not reproduced at this scaling"] * 2
    records[2] = record("random features need Ω(d²) samples", 0.5, "holds")
    assert "Some scaling shows both halves" in separation_scan(records)[1].text


def test_the_history_section_lines_up_each_entry_across_runs(tmp_path):
    """Two earlier baseline files and this run: one column each, the entries whose outcome or
    least slack moved first, and ``-`` where a run lacks the entry."""
    from gflcheck.surface.report_sections import history_section

    verdict, _ = check_xor_feature_learning(XorSetting(6, 0.3, 1))
    record = verdict_record("ttm-xor/d=6", verdict, verdict_row(verdict))
    slack = min(s for s in record["slack"] if s is not None)
    same = {"cli::ttm-xor/d=6": {"outcome": "holds", "min_slack": slack}}
    older = {
        "cli::ttm-xor/d=6": {"outcome": "inconclusive", "min_slack": -0.5},
        "cli::gone": {"outcome": "holds", "min_slack": 1.0},
    }
    markdown = render_markdown(history_section([record], [("older", older), ("last", same)]))
    assert "## History" in markdown and "1 of 1 differ" in markdown
    assert "| entry | older | last | this run |" in markdown
    assert (
        f"| ttm-xor/d=6 | INCONCLUSIVE -0.5 | HOLDS {slack:+.3g} | HOLDS {slack:+.3g} |" in markdown
    )
    assert "1 entries of earlier runs are not in this one: gone." in markdown
    assert history_section([record], []) == []


def test_a_history_file_that_is_not_a_baseline_is_a_usage_error(tmp_path, capsys):
    from gflcheck.surface.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"verdicts": []}')
    arguments = ["report", "-k", "ttm-xor/d=16", "--out", str(tmp_path / "r")]
    assert main([*arguments, "--history", str(bad)]) == 2
    assert "is not a baseline file" in capsys.readouterr().err
    assert main([*arguments, "--history", str(tmp_path / "none.json")]) == 2
    assert "no such file" in capsys.readouterr().err
