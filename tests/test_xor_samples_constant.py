"""The least samples constant of TTM's XOR theorem (gflcheck.checks.xor_samples_constant)."""

from __future__ import annotations

import numpy as np
import pytest

from gflcheck.checks.xor_feature_learning import XorConfig
from gflcheck.checks.xor_samples_constant import (
    SamplesConstantSetting,
    check_least_samples_constant,
    least_batch_for_zero_error,
    least_samples_constants,
    not_zero_within_the_claim,
)
from gflcheck.errors import ParameterRangeError
from gflcheck.theorems.separation import kernel_regime_needs_quadratic_samples


def test_each_seeds_need_is_the_first_batch_that_reaches_certified_zero_error():
    setting = SamplesConstantSetting(dimensions=(4, 8), seeds=3)
    needs = least_batch_for_zero_error(setting)
    constants = least_samples_constants(needs)
    for d in setting.dimensions:
        assert np.isfinite(needs.needs[d]).all()
        assert np.allclose(constants[d], needs.needs[d] / d)
        for i, need in enumerate(needs.needs[d]):
            seed = (needs.seeds[i],)
            assert not_zero_within_the_claim(XorConfig(), d, int(need), seed)[0] == 0.0
            below = [n for n, e in needs.errors[d].items() if n < need]
            assert all(needs.errors[d][n][i] == 1.0 for n in below)


def test_bad_input_names_the_parameter():
    with pytest.raises(ParameterRangeError, match="seeds"):
        SamplesConstantSetting(seeds=1)
    with pytest.raises(ParameterRangeError, match="statement"):
        check_least_samples_constant(kernel_regime_needs_quadratic_samples())
