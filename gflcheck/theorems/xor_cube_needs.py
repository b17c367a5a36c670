"""XOR on the hypercube as growth statements: Glasgow 2023's minibatch SGD and the sample and
width needs of Taheri–Thrampoulidis–Mazumdar's Table 2 and XOR theorem
(:class:`~gflcheck.theorems.separation.GrowthStatement`, judged by
:func:`gflcheck.core.statement_kinds.need_check`)."""

from __future__ import annotations

from gflcheck.core.provenance import GLASGOW23_PAPER, TTM_PAPER, Provenance, Tag
from gflcheck.models.learners import Learner
from gflcheck.theorems.separation import Direction, GrowthStatement, growth_statement

_GLASGOW = "abstract: minibatch SGD learns XOR on the cube with Θ(d polylog d) samples"


def minibatch_sgd_needs_d_polylog_samples() -> GrowthStatement:
    """Glasgow 2023 (``secondary``): standard minibatch SGD on a two-layer ReLU network, both
    layers trained on the logistic loss, learns XOR on the hypercube from ``O(d·(log d)²)``
    samples (the polylog made concrete as ``(log d)²``)."""
    return growth_statement(
        "minibatch SGD needs O(d·(log d)²) samples",
        Learner.MINIBATCH_SGD,
        Direction.AT_MOST,
        "C*d*log(d)**2",
        Provenance(GLASGOW23_PAPER, _GLASGOW, Tag.SECONDARY, "polylog read as (log d)²"),
    )


def minibatch_sgd_needs_linear_samples_at_least() -> GrowthStatement:
    """Glasgow 2023's lower side (``secondary``): the ``Θ`` needs ``Ω(d)`` samples."""
    return growth_statement(
        "minibatch SGD needs Ω(d) samples",
        Learner.MINIBATCH_SGD,
        Direction.AT_LEAST,
        "C*d",
        Provenance(GLASGOW23_PAPER, _GLASGOW, Tag.SECONDARY, "the lower side of the Θ"),
    )


def minibatch_sgd_needs_root_d_samples() -> GrowthStatement:
    """False variant (``ours``): ``O(√d)`` samples suffice. False: SGD must single out the two
    relevant coordinates among ``d``, which takes of the order of ``d`` samples."""
    return growth_statement(
        "minibatch SGD needs only O(√d) samples (false)",
        Learner.MINIBATCH_SGD,
        Direction.AT_MOST,
        "C*sqrt(d)",
        Provenance(GLASGOW23_PAPER, _GLASGOW, Tag.OURS, "deliberately false"),
        why_false="finding the two relevant coordinates among d takes of the order of d samples",
    )


def minibatch_sgd_needs_quadratic_samples() -> GrowthStatement:
    """False variant near the truth (``ours``): minibatch SGD needs ``Ω(d²)`` samples. Over
    d = 16…128 the need's log-log line bends (a floor at small d), so the statement is judged on
    the local slope at the top of the grid, measured 1.35 [1.21, 1.49] (95%, 7 df): ``Ω(d^e)``
    with ``τ = 0.25`` is refuted at the family's share from about ``e = 1.9``, and ``d²`` sits
    just past that break point (p ≈ 10⁻⁴ against α_v = 10⁻³). Below it the variant is not false
    on this grid: ``d·(log d)²`` itself has local slope ``1 + 2/ln d ≈ 1.4`` at d = 128."""
    return growth_statement(
        "minibatch SGD needs Ω(d²) samples (false)",
        Learner.MINIBATCH_SGD,
        Direction.AT_LEAST,
        "C*d**2",
        Provenance(GLASGOW23_PAPER, _GLASGOW + ", d²", Tag.OURS, "deliberately false"),
        why_false="Glasgow 2023 proves Θ(d·polylog d); at the top of the grid the measured need "
        "grows like d^1.35",
    )


_TABLE_2 = "Table 2: samples d² in the kernel regime, d with feature learning (XOR on the cube)"


def kernel_regime_needs_quadratic_samples() -> GrowthStatement:
    """TTM's Table 2 (``seed``): in the kernel regime, learning XOR on the cube takes ``Ω(d²)``
    samples."""
    return growth_statement(
        "TTM kernel regime needs Ω(d²) samples",
        Learner.TTM_KERNEL_REGIME,
        Direction.AT_LEAST,
        "C*d**2",
        Provenance(TTM_PAPER, _TABLE_2, Tag.SEED),
    )


def feature_learning_needs_linear_samples() -> GrowthStatement:
    """TTM's Table 2 (``seed``): feature learning (mini-batch SGD on the quadratic network)
    learns XOR on the cube from ``O(d)`` samples (``Õ(d)`` in the abstract; ``τ`` covers the
    log factors)."""
    return growth_statement(
        "TTM feature learning needs O(d) samples",
        Learner.TTM_FEATURE_LEARNING,
        Direction.AT_MOST,
        "C*d",
        Provenance(TTM_PAPER, _TABLE_2, Tag.SEED),
    )


def feature_learning_needs_constant_width() -> GrowthStatement:
    """TTM's Table 2 (``seed``): width ``Ω(1)``, read as a need that does not grow in ``d``."""
    return growth_statement(
        "TTM feature learning needs O(1) neurons",
        Learner.TTM_FEATURE_LEARNING,
        Direction.AT_MOST,
        "C",
        Provenance(TTM_PAPER, _TABLE_2 + ", width", Tag.SEED),
        need="m*",
    )


def kernel_regime_needs_linear_samples() -> GrowthStatement:
    """False variant (``ours``): the kernel regime needs only ``O(d)`` samples, as feature
    learning does: the contrast of Table 2 denied. False: the kernel model must single out
    ``x₁x₂`` among the ``d(d−1)/2`` degree-2 monomials its kernel spans equally."""
    return growth_statement(
        "TTM kernel regime needs only O(d) samples (false)",
        Learner.TTM_KERNEL_REGIME,
        Direction.AT_MOST,
        "C*d",
        Provenance(TTM_PAPER, _TABLE_2, Tag.OURS, "deliberately false"),
        why_false="the kernel spans the d(d−1)/2 degree-2 monomials equally; singling out x₁x₂ "
        "takes of the order of d² samples",
    )


def zero_error_needs_d_polylog_samples_per_step() -> GrowthStatement:
    """TTM's XOR theorem in its zero-error form (``ours``): zero test error within ``⌈log d⌉``
    steps needs ``Õ(d)`` fresh samples per step (the theorem's batch-size condition carries a
    polylog factor, docs/setups.md §5.2), the polylog made concrete as ``(log d)²``, as for Glasgow's;
    the constant is measured (:mod:`gflcheck.claims.xor_samples_constant`)."""
    return growth_statement(
        "TTM: zero test error within ⌈log d⌉ steps needs O(d·(log d)²) samples per step",
        Learner.TTM_FEATURE_LEARNING,
        Direction.AT_MOST,
        "C*d*log(d)**2",
        Provenance(TTM_PAPER, _TTM_THEOREM, Tag.OURS, "polylog read as (log d)²; C_n measured"),
    )


def zero_error_needs_linear_samples_per_step() -> GrowthStatement:
    """The same without the polylog: ``O(d)`` fresh samples per step (``ours``: Table 2's literal
    ``d``, which leaves out the theorem's log factors)."""
    return growth_statement(
        "TTM: zero test error within ⌈log d⌉ steps needs O(d) samples per step",
        Learner.TTM_FEATURE_LEARNING,
        Direction.AT_MOST,
        "C*d",
        Provenance(TTM_PAPER, _TTM_THEOREM, Tag.OURS, "the polylog dropped; C_n measured"),
    )


_TTM_THEOREM = "informal theorem: zero test error in ⌈log d⌉ iterations, batch Õ(d)"
