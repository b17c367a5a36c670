"""The least samples constant of TTM's XOR theorem (gflcheck.claims.xor_samples_constant)."""

from __future__ import annotations

import numpy as np
import pytest

from gflcheck.claims.xor_feature_learning import XorConfig
from gflcheck.claims.xor_samples_constant import (
    SamplesConstantSetting,
    least_batch_check,
    least_samples_constants,
    not_zero_within_the_claim,
)
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.theorems.xor_cube_needs import (
    kernel_regime_needs_quadratic_samples,
    zero_error_needs_d_polylog_samples_per_step,
)


def test_each_seeds_need_is_the_first_batch_that_reaches_certified_zero_error():
    setting = SamplesConstantSetting(dimensions=(4, 6, 8))
    check = least_batch_check(zero_error_needs_d_polylog_samples_per_step(), runs=3)
    _, needs = check.run_with_evidence(setting)
    constants = least_samples_constants(needs)
    for d, row in needs.needs.items():
        assert np.isfinite(row).all()
        assert np.allclose(constants[d], row / d)
        for i, need in enumerate(row):
            seed = (needs.seeds[i],)
            assert not_zero_within_the_claim(XorConfig(), int(d), int(need), seed)[0] == 0.0
            below = [n for n in needs.errors[d] if n < need]
            assert all(needs.errors[d][n][i] == 1.0 for n in below)


def test_bad_input_names_the_parameter():
    with pytest.raises(ParameterRangeError, match="runs"):
        least_batch_check(zero_error_needs_d_polylog_samples_per_step(), runs=1)
    with pytest.raises(ParameterRangeError, match="dimensions"):
        SamplesConstantSetting(dimensions=(4, 8))
    with pytest.raises(ParameterRangeError, match="statement"):
        least_batch_check(kernel_regime_needs_quadratic_samples())
