"""Taheri–Thrampoulidis–Mazumdar's Figure 1 ("test error vs iteration number for SGD learning of
the XOR distribution for different data dimensions; η = m = 20 and n = 6d"), drawn from the
Figure 1 checks' own error curves (:class:`~gflcheck.core.illustrations.ErrorCurves`, computed
by :mod:`gflcheck.claims.xor_figure_1`), and saved with the numbers behind it. Nothing here
trains."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from gflcheck.core.illustrations import ErrorCurves


def save_xor_figure_1(figure: ErrorCurves, directory: Path) -> tuple[Path, Path]:
    """Write ``xor_figure_1.csv`` (every run's error and bounds after every step) and
    ``xor_figure_1.png`` (mean error over seeds, log scale, one panel per set-up)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    table = directory / "xor_figure_1.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["setup", "dimension", "iteration", "run", "error", "lower", "upper"])
        for (setup, d), error in figure.curves.items():
            for t in range(error.estimate.shape[0]):
                for run in range(error.estimate.shape[1]):
                    writer.writerow(
                        [setup, d, t, run]
                        + [float(getattr(error, part)[t, run]) for part in _PARTS]
                    )
    setups = list(dict.fromkeys(setup for setup, _ in figure.curves))
    drawn, axes = plt.subplots(1, len(setups), figsize=(4.6 * len(setups), 3.8), sharey=True)
    for axis, setup in zip(np.atleast_1d(axes), setups, strict=True):
        for (name, d), error in figure.curves.items():
            if name != setup:
                continue
            mean = np.nanmean(error.estimate, axis=1)
            steps = np.arange(len(mean))
            axis.plot(steps, np.maximum(mean, 1e-6), marker="o", markersize=3, label=f"d = {d}")
        axis.axhline(figure.target, color="grey", linestyle="--", linewidth=0.8)
        axis.set_yscale("log")
        axis.set_ylim(1e-6, 1)
        axis.set_xlabel("SGD iteration")
        axis.set_title(setup, fontsize=10)
        axis.grid(alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("test error (mean over seeds; 0 drawn at 1e-6)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    drawn.suptitle(figure.title, fontsize=11)
    drawn.tight_layout()
    image = directory / "xor_figure_1.png"
    drawn.savefig(image, dpi=120)
    plt.close(drawn)
    return image, table


_PARTS = ("estimate", "lower", "upper")


def summarise_xor_figure_1(figure: ErrorCurves) -> list[str]:
    """Per set-up and ``d``: the mean error at the last step (where the statement is judged),
    the first step at which every seed's measured error is 0, and the lowest mean error."""
    lines = []
    for (setup, d), error in figure.curves.items():
        mean = np.nanmean(error.estimate, axis=1)
        zero = [t for t in range(len(mean)) if np.all(error.estimate[t] == 0)]
        best = int(np.nanargmin(mean))
        measured_on = "exactly (all cube points)" if d <= 20 else "on a declared test set"
        reached = (
            f"no error on any seed from iteration {zero[0]} ({measured_on})"
            if zero
            else f"never zero ({measured_on})"
        )
        lines.append(
            f"{setup}, d={d}: mean error {mean[-1]:.4f} at iteration {len(mean) - 1}; {reached}; "
            f"lowest mean error {mean[best]:.4f} at iteration {best}"
        )
    return lines
