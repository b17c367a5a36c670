"""Plots of verdicts and measurements, as matplotlib figures (the report saves them).

Verdicts enter as plain records (:func:`gflcheck.surface.baselines.verdict_record`: from a ``gflcheck``
run or a pytest session artefact), so the same plots serve both. In a record the per-seed measured
value is ``bound − slack``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, SymmetricalLogLocator

from gflcheck.core.exponents import ExponentFit, GridData, fit_exponent
from gflcheck.core.illustrations import OneStepPicture
from gflcheck.core.statement_kinds import WalkedNeeds

_PLAIN = FuncFormatter(lambda value, _: f"{value:g}")
"""Tick labels as plain numbers (``0.05``, ``200``), not ``5×10⁻²``."""


def _plain_log_ticks(side: Any) -> None:
    """A log axis (its data drawn) ticked at 1…9 within a decade, at 1, 2, 5 per decade over up
    to three, at the decades over more, labelled as plain numbers; minor ticks unlabelled."""
    low, high = sorted(abs(v) for v in side.get_view_interval())
    decades = np.log10(high / max(low, 1e-300))
    subs = tuple(range(1, 10)) if decades <= 1 else (1.0, 2.0, 5.0) if decades <= 3 else (1.0,)
    side.set_major_locator(LogLocator(base=10, subs=subs, numticks=12))
    side.set_major_formatter(_PLAIN)
    side.set_minor_formatter(NullFormatter())


def family(record: Mapping[str, Any]) -> str:
    """The check family of a record: the check name up to its first ``/``."""
    return str(record["check"]).split("/")[0]


def _per_seed(record: Mapping[str, Any]) -> tuple[float, np.ndarray]:
    """The bound value and the finite per-seed measured values ``bound − slack``."""
    bound = record.get("bound_value")
    slack = np.array([np.nan if s is None else s for s in record["slack"]], dtype=float)
    if bound is None:
        return float("nan"), np.array([])
    return float(bound), bound - slack[np.isfinite(slack)]


def bound_against_measured(records: Sequence[Mapping[str, Any]]) -> Figure:
    """One panel per check family: each verdict's bound (x) against the measured value per seed
    (median, with min–max bars), true statements ``o`` and false variants ``x``, on symlog axes.
    Points under the diagonal are within the bound."""
    families = sorted({family(r) for r in records if _per_seed(r)[1].size})
    columns = min(3, max(1, len(families)))
    rows = max(1, -(-len(families) // columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(4.3 * columns, 3.6 * rows + 0.6), squeeze=False
    )
    for axis in axes.flat[len(families) :]:
        axis.set_visible(False)
    for axis, name in zip(axes.flat, families, strict=False):
        for record in (r for r in records if family(r) == name):
            bound, measured = _per_seed(record)
            if not measured.size:
                continue
            median = float(np.median(measured))
            axis.errorbar(
                bound,
                median,
                yerr=[[median - measured.min()], [measured.max() - median]],
                fmt="x" if record["false_variant"] else "o",
                color="tab:red" if record["false_variant"] else "tab:blue",
                markersize=5,
                alpha=0.8,
                capsize=2,
            )
        low, high = axis.get_xlim()
        bottom, top = axis.get_ylim()
        edge = [min(low, bottom), max(high, top)]
        axis.plot(edge, edge, color="grey", linewidth=1, linestyle="--")
        if max(abs(v) for v in edge) > 3.0:  # vacuous bounds (tens) beside ones below 1
            axis.set_xscale("symlog", linthresh=1.0)
            axis.set_yscale("symlog", linthresh=1.0)
            for side in (axis.xaxis, axis.yaxis):  # 1, 2, 5, 10, 20…: ticks in every panel
                side.set_major_locator(
                    SymmetricalLogLocator(base=10, linthresh=1.0, subs=(1.0, 2.0, 5.0))
                )
                side.set_major_formatter(_PLAIN)
        axis.set_title(name, fontsize=10)
        axis.set_xlabel("bound")
        axis.set_ylabel("measured per seed")
        axis.grid(alpha=0.3)
    figure.suptitle(
        textwrap.fill(
            "Bound against measured value per seed (median, min–max; o: theorem, x: false "
            "variant; --: equality; symlog axes where values exceed 3)",
            45 * columns,
        )
    )
    figure.tight_layout()
    return figure


def slack_distributions(records: Sequence[Mapping[str, Any]]) -> Figure:
    """Relative slack ``(bound − measured)/|bound|`` per seed, one box per (check family,
    statement); below 0 the statement is measured false on that seed."""
    groups: dict[str, list[float]] = {}
    for record in records:
        bound, measured = _per_seed(record)
        if measured.size and bound != 0:
            label = f"{family(record)}: {record['statement']}"
            groups.setdefault(label, []).extend(((bound - measured) / abs(bound)).tolist())
    labels = sorted(groups)
    figure, axis = plt.subplots(figsize=(11, 0.3 * len(labels) + 1.8))
    if labels:
        shown = [k if len(k) <= 70 else k[:69] + "…" for k in labels]
        axis.boxplot([groups[k] for k in labels], orientation="horizontal", tick_labels=shown)
    axis.axvline(0.0, color="tab:red", linewidth=1)
    axis.set_xscale("symlog", linthresh=1.0)
    axis.set_xlabel(
        "relative slack (bound − measured)/|bound| per seed, symlog\n(< 0: measured false on "
        "that seed)"
    )
    axis.grid(alpha=0.3, axis="x")
    axis.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    return figure


def sample_need_growth(
    measured: Sequence[WalkedNeeds],
    references: Mapping[str, float],
    title: str,
    variable: str = "d",
    need: str = "samples needed n*",
) -> Figure:
    """Per-seed need against the variable for each walk (log-log, or log-linear when the needs
    are fitted per unit of the variable, as for parity's ``k``), with the grid-level fit and its
    slope interval in the legend, and reference slopes (black) through the centre of the first
    walk's points. Censored seeds are drawn at the largest size tried, as open triangles."""
    logarithmic = measured[0].grid.logarithmic
    scale = np.log if logarithmic else np.asarray
    figure, axis = plt.subplots(figsize=(6, 4.4))
    colours = ("tab:red", "tab:orange", "tab:blue", "tab:green")
    points = np.array([v for walk in measured for v in walk.grid.points], dtype=float)
    grid = np.linspace(points.min(), points.max(), 50)
    if logarithmic:
        grid = np.geomspace(points.min(), points.max(), 50)
    for walk, colour in zip(measured, colours, strict=False):
        values = walk.grid.values
        v = np.repeat(np.asarray(walk.grid.points), values.shape[1])
        n = values.ravel()
        shown = np.isfinite(n)
        spread = np.resize(np.linspace(-0.03, 0.03, values.shape[1]), v.size)
        jittered = v * np.exp(spread) if logarithmic else v + spread
        axis.scatter(jittered[shown], n[shown], s=12, color=colour, alpha=0.6)
        fit = fit_exponent(walk.grid, 0.05)
        axis.plot(
            grid,
            np.exp(fit.intercept + fit.slope * scale(grid)),
            color=colour,
            label=f"{walk.name}: slope {fit.slope:.2f} [{fit.lower:.2f}, {fit.upper:.2f}]",
        )
        caps = np.broadcast_to(np.asarray(walk.grid.caps or np.inf, float)[..., None], values.shape)
        censored = np.isposinf(values)
        if censored.any():
            axis.scatter(
                np.repeat(np.asarray(walk.grid.points), values.shape[1])[censored.ravel()],
                caps[censored],
                marker="^",
                facecolors="none",
                edgecolors=colour,
                label=f"{walk.name}: censored",
            )
    first = measured[0].grid
    finite = np.isfinite(first.values)
    centre_v = float(np.mean(first.x))
    centre_n = float(np.exp(np.log(first.values[finite]).mean()))
    for (label, slope), style in zip(references.items(), ("--", ":", "-."), strict=False):
        axis.plot(
            grid,
            centre_n * np.exp(slope * (scale(grid) - centre_v)),
            "k" + style,
            linewidth=1,
            label=label,
        )
    if logarithmic:
        axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel(variable)
    axis.set_ylabel(f"{need} (per seed)")
    axis.set_title(title, fontsize=10)
    axis.legend(fontsize=7)
    axis.grid(alpha=0.3, which="both")
    figure.tight_layout()
    return figure


def rate_fit(
    data: GridData,
    quantity: str,
    fit: ExponentFit,
    references: Mapping[str, float],
    title: str,
) -> Figure:
    """Per-run ``quantity`` against the grid's variable (log-log; for an exponential rate,
    log against linear), the grid-level fit, its slope interval (lines of the interval's end
    slopes through the data's centre), and reference exponents drawn through the same centre."""
    x = np.repeat(np.asarray(data.points), data.values.shape[1])
    y = data.values.ravel()
    scale = np.log if data.logarithmic else np.asarray
    centre_x = float(np.mean(scale(np.asarray(data.points))))
    centre_y = float(np.exp(fit.intercept + fit.slope * centre_x))
    grid = (np.geomspace if data.logarithmic else np.linspace)(x.min(), x.max(), 50)

    def through_centre(slope: float) -> np.ndarray:
        return centre_y * np.exp(slope * (scale(grid) - centre_x))

    figure, axis = plt.subplots(figsize=(5.5, 4))
    axis.scatter(x, y, s=12, color="tab:blue", alpha=0.6, label="per run")
    axis.plot(grid, through_centre(fit.slope), color="tab:blue", label=f"fit: {fit.slope:+.2f}")
    axis.fill_between(
        grid,
        np.minimum(through_centre(fit.lower), through_centre(fit.upper)),
        np.maximum(through_centre(fit.lower), through_centre(fit.upper)),
        color="tab:blue",
        alpha=0.15,
        label=f"slope 95% CI [{fit.lower:+.2f}, {fit.upper:+.2f}] (grid level)",
    )
    for (label, exponent), style in zip(references.items(), ("--", ":", "-."), strict=False):
        axis.plot(grid, through_centre(exponent), "k" + style, linewidth=1, label=label)
    if data.logarithmic:
        axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(data.points)  # the grid, labelled plainly; no overprinted minor labels
    axis.xaxis.set_major_formatter(_PLAIN)
    axis.xaxis.set_minor_formatter(NullFormatter())
    _plain_log_ticks(axis.yaxis)
    axis.set_xlabel(data.variable)
    axis.set_ylabel(quantity)
    axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3, which="both")
    figure.tight_layout()
    return figure


def gaussian_one_step_panels(picture: OneStepPicture) -> Figure:
    """The GFL poster's four panels: the three Gaussian clusters; the random initial weight
    vectors ``w_i`` (red: ``a_i > 0``, blue: ``a_i < 0``); the weights after one step, which line up
    with the clusters' gradient features; the updated activation pattern (how many neurons are
    active at each point, with each neuron's boundary ``w_iᵀx = b_i``)."""
    figure, axes = plt.subplots(1, 4, figsize=(17, 4.3))
    span = float(np.abs(picture.x).max()) * 1.1
    colours = np.where(picture.y > 0, "tab:red", "tab:blue")

    def data(axis: Any, alpha: float) -> None:
        axis.scatter(picture.x[:, 0], picture.x[:, 1], s=5, c=colours, alpha=alpha)

    def weights(axis: Any, layers: Any, title: str) -> None:
        w, _, a = layers
        sign = np.where(a > 0, "tab:red", "tab:blue")
        scale = span * 0.8 / max(float(np.linalg.norm(w, axis=1).max()), 1e-12)
        data(axis, 0.08)
        axis.quiver(
            np.zeros(len(w)),
            np.zeros(len(w)),
            w[:, 0] * scale,
            w[:, 1] * scale,
            color=sign,
            angles="xy",
            scale_units="xy",
            scale=1,
            width=0.006,
        )
        axis.set_title(title, fontsize=10)

    data(axes[0], 0.5)
    axes[0].scatter(*picture.means.T, marker="*", s=160, c="k")
    axes[0].set_title("Three Gaussian data clusters (red +1, blue −1)", fontsize=10)
    weights(axes[1], picture.initial, "Random initial weight vectors $w_i$")
    weights(axes[2], picture.after_one_step, "Weights after one gradient step")
    grid = np.linspace(-span, span, 300)
    gx, gy = np.meshgrid(grid, grid)
    points = np.stack([gx.ravel(), gy.ravel()], 1)
    w, b, _ = picture.after_one_step
    active = (points @ w.T - b > 0).sum(1).reshape(gx.shape)
    mesh = axes[3].pcolormesh(gx, gy, active, cmap="Greys", shading="auto", alpha=0.6)
    for wi, bi in zip(w, b, strict=True):
        if abs(wi[1]) > 1e-9:
            axes[3].plot(grid, (bi - wi[0] * grid) / wi[1], color="tab:green", linewidth=0.6)
        elif abs(wi[0]) > 1e-9:
            axes[3].axvline(bi / wi[0], color="tab:green", linewidth=0.6)
    data(axes[3], 0.3)
    figure.colorbar(mesh, ax=axes[3], label="active neurons")
    axes[3].set_title("Updated activation pattern (after one step)", fontsize=10)
    for axis in axes:
        axis.set_xlim(-span, span)
        axis.set_ylim(-span, span)
        axis.set_aspect("equal")
    figure.suptitle(
        "Gradient feature learning on three Gaussian clusters (Shi–Wei–Liang poster), "
        f"m = {len(w)}, one step of Algorithm 1"
    )
    figure.tight_layout()
    return figure


def tightness(checks: Sequence[Mapping[str, Any]]) -> Figure:
    """Per true check (records of ``gflcheck mutate``): the least tightening at which the
    statement is false by the estimates (dot, with its interval from the confidence bounds) and
    the least its check refutes (cross); a factor on a log axis, a shift on a linear one. An
    arrow at the edge: never within the search."""
    kinds = [k for k in ("factor", "shift") if any(c["break_point"]["kind"] == k for c in checks)]
    rows = {k: [c for c in checks if c["break_point"]["kind"] == k] for k in kinds}
    heights = [len(rows[k]) for k in kinds] or [1]
    figure, axes = plt.subplots(
        len(heights),
        1,
        figsize=(8, 0.32 * sum(heights) + 1.6 * len(heights)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for axis, kind in zip(axes[:, 0], kinds, strict=False):
        members = rows[kind]
        points = [c["break_point"] for c in members]
        finite = [
            v
            for p in points
            for v in (p["false"], p["refuted"], *p["false_interval"])
            if v is not None
        ]
        edge = (max(finite) * 2 if kind == "factor" else max(finite) + 0.5) if finite else 1.0
        for row, point in enumerate(points):
            least, most = (edge if v is None else v for v in point["false_interval"])
            axis.plot([least, most], [row, row], color="tab:blue", linewidth=2, alpha=0.5)
            false = edge if point["false"] is None else point["false"]
            refuted = edge if point["refuted"] is None else point["refuted"]
            axis.plot(false, row, "o", color="tab:blue")
            axis.plot(refuted, row, "x", color="tab:red", markersize=8)
        axis.axvline(1.0 if kind == "factor" else 0.0, color="black", linewidth=1)
        if kind == "factor":
            axis.set_xscale("log")
            _plain_log_ticks(axis.xaxis)
        axis.set_yticks(range(len(members)), [c["where"] for c in members], fontsize=8)
        axis.invert_yaxis()
        label = (
            "tightening factor f: the bound ÷ f (× f for ≥); dot: false by the estimates "
            "(bound ÷ measured), bar: by the confidence bounds, ×: refuted"
            if kind == "factor"
            else "tightening shift s in the compared number (a slope, for a rate); "
            "dot: false by the estimates, ×: refuted"
        )
        axis.set_xlabel(textwrap.fill(label, 100), fontsize=8)  # wrapped: never clipped
        axis.grid(alpha=0.3, axis="x")
    figure.tight_layout()
    return figure
