"""Glasgow 2023 (ICLR 2024) as a cross-check from outside the seeds (tag: secondary): standard
minibatch SGD on a two-layer ReLU network, both layers trained on the logistic loss, learns XOR on
the hypercube with Θ(d polylog d) samples. Measured as the growth of the sample need over
d ∈ {16, 32, 64, 128} (16 seeds; test error ≤ 0.05 on 4000 fresh points):

- O(d·(log d)²) holds and Ω(d) holds (the two sides of the Θ);
- the false variant O(√d) is refuted.
"""

from __future__ import annotations

import pytest

from gflcheck.checks.sgd_cube_xor import CubeXorSetting, check_sgd_sample_growth
from gflcheck.report import format_verdict_details
from gflcheck.theorems.separation import (
    minibatch_sgd_needs_d_polylog_samples,
    minibatch_sgd_needs_linear_samples_at_least,
    minibatch_sgd_needs_root_d_samples,
)
from gflcheck.verdicts import Outcome

pytestmark = pytest.mark.expensive


@pytest.mark.parametrize(
    "statement",
    [minibatch_sgd_needs_d_polylog_samples, minibatch_sgd_needs_linear_samples_at_least],
    ids=["O(d log^2 d)", "Omega(d)"],
)
def test_minibatch_sgd_learns_cube_xor_with_d_polylog_d_samples(statement, gflcheck_session):
    verdict = gflcheck_session.check(lambda: check_sgd_sample_growth(statement(), CubeXorSetting()))
    assert verdict.outcome is not Outcome.VIOLATED, format_verdict_details(verdict)


def test_minibatch_sgd_with_root_d_samples_is_refuted(gflcheck_session):
    verdict = gflcheck_session.check(
        lambda: check_sgd_sample_growth(minibatch_sgd_needs_root_d_samples(), CubeXorSetting())
    )
    assert verdict.outcome is Outcome.VIOLATED, format_verdict_details(verdict)
