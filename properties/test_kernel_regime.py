"""Kernel regime (Taheri–Thrampoulidis–Mazumdar vs Chen et al. 2021), THEORY.md §2.1.

(a) the explicit training-loss bound F̂(w_T) ≤ 4ρ*²/(ηT) at every step, with η < 1/(G₀² + ¼)
enforced, on generated settings; (e) its 1/T² variant is refuted.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gflcheck.checks.kernel_regime import KernelSetting, check_training_loss_bound
from gflcheck.report import format_verdict_details
from gflcheck.theorems.ttm_kernel import training_loss_bound_squared_rate
from gflcheck.verdicts import Outcome


def kernel_settings(
    steps: st.SearchStrategy[int] = st.integers(20, 250),
) -> st.SearchStrategy[KernelSetting]:
    """Small deep networks on separable sphere data."""
    return st.builds(
        KernelSetting,
        dimension=st.integers(3, 10),
        width=st.sampled_from((16, 32, 48)),
        depth=st.integers(1, 3),
        samples=st.integers(16, 80),
        margin=st.floats(0.1, 0.4),
        steps=steps,
        seed=st.integers(0, 2**32 - 1),
    )


@given(setting=kernel_settings())
def test_training_loss_bound_holds_at_every_step(setting, gflcheck_session):
    verdict = gflcheck_session.check(lambda: check_training_loss_bound(setting))
    assert verdict.outcome is Outcome.HOLDS, format_verdict_details(verdict)


@given(setting=kernel_settings(steps=st.integers(200, 300)))
def test_training_loss_bound_with_one_over_t_squared_is_refuted(setting, gflcheck_session):
    """False: GD on the logistic loss decays like 1/(γ²ηT), not 1/T² (see
    :func:`gflcheck.theorems.ttm_kernel.training_loss_bound_squared_rate`); refuted for T ≥ 200."""
    verdict = gflcheck_session.check(
        lambda: check_training_loss_bound(setting, training_loss_bound_squared_rate())
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
