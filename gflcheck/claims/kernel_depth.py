"""The depth factor ``e^{O(L)}`` of the kernel-regime test-loss bounds (Table 1, both rows:
Taheri–Thrampoulidis–Mazumdar, and Chen et al. 2021), reported as a growth in ``L``.

Both bounds carry ``e^{O(L)}``: a hidden constant in an exponent of ``L``, which no finite grid
of depths can refute, so the depth dependence is reported, not judged (``ours``). A declared
sweep (:data:`DEPTH_SETTINGS`) trains the kernel-rate set-up (docs/setups.md §2.1: deep tanh
networks, logistic loss, full-batch GD at half the step-size limit) at ``L = 1, 2, 3, 4`` with
everything else fixed (``d = 8``, ``m = 256``, ``n = 64``, ``T = 4n``, the same teacher and
training sets at every depth) and measures the test loss of each run. The report draws it
against ``L`` with the grid-level fit of ``log`` test loss on ``L``: the per-layer growth ``c``
of ``e^{c·L}``, with its 95% interval on ``G − 2 = 2`` degrees of freedom. The kernel radius
``m^{1/L}`` shrinks with ``L`` (256, 16, 6.3 and 4 at ``m = 256``); the caption gives each
depth's largest ``‖W_T − W₀‖`` and how many runs lie outside the radius: every run is pooled,
so the growth is that of the trained networks, inside the regime or not.
"""

from __future__ import annotations

import numpy as np

from gflcheck.core.exponents import GridData
from gflcheck.core.illustrations import Illustration, RateFigure
from gflcheck.models.deep_networks import KernelSetting
from gflcheck.models.kernel_sweeps import sweep
from gflcheck.theorems.ttm_kernel import kernel_radius_condition

DEPTHS = (1, 2, 3, 4)
"""The depths swept."""

DEPTH_SETTINGS = tuple(KernelSetting(8, 256, depth, 64, 0.2, 256, 19) for depth in DEPTHS)
"""One setting per depth: ``d = 8``, ``m = 256``, ``n = 64``, data margin 0.2, ``T = 4n``;
the same seed, so the same teacher and training sets at every depth."""

DEPTH_RUNS = 12
"""Runs per depth (the kernel-rate sweeps' count)."""

STEP_FRACTION = 0.5
"""Gradient descent at this fraction of the step-size limit (the kernel sweeps' rule)."""

TEST_SIZE = 20_000
"""Test points per run."""

RADIUS_CONSTANT = 1.0
"""The ``C`` of the kernel radius ``m^{C/L}`` shown beside each depth (the kernel checks' ``C``)."""


def _radius(setting: KernelSetting) -> float:
    values = {"C": RADIUS_CONSTANT, "m": setting.width, "L": setting.depth}
    return float(kernel_radius_condition().evaluate(values))


def depth_figure() -> RateFigure:
    """The sweep's test losses per run against ``L`` (an exponential growth: ``log`` loss on
    ``L``), with each depth's distances from initialisation against the kernel radius."""
    points = sweep(DEPTH_SETTINGS, DEPTH_RUNS, TEST_SIZE, STEP_FRACTION)
    grid = GridData(
        "L",
        tuple(float(point.setting.depth) for point in points),
        np.stack([point.test_loss for point in points]),
        logarithmic=False,
    )
    radii = ", ".join(
        f"L = {p.setting.depth}: max {p.distance.max():.1f} against {radius:.3g}"
        f" ({int((p.distance > radius).sum())} of {len(p.distance)} outside)"
        for p, radius in ((p, _radius(p.setting)) for p in points)
    )
    return RateFigure(
        grid,
        "test loss",
        {"no growth in L": 0.0},
        "Test loss against depth L (d = 8, m = 256, n = 64, T = 4n)",
        "Test loss ∝ e",
        ". Both rows of Table 1 carry e^{O(L)}, a hidden constant that no finite grid refutes: "
        f"reported, not judged. ‖W_T − W₀‖ against the kernel radius m^(1/L): {radii}; every "
        "run is pooled.",
    )


ILLUSTRATIONS: tuple[Illustration, ...] = (
    Illustration(
        "growth_in_depth",
        "Depth: the factor e^{O(L)} of Table 1, as a measured growth",
        depth_figure,
    ),
)
"""The report's figure of this claim: the depth sweep's grid."""
