"""gflcheck's errors name the parameter, and survive a process boundary intact."""

from __future__ import annotations

import pickle

import pytest

from gflcheck.runtime.errors import (
    BudgetExceededError,
    ParameterRangeError,
    PreconditionError,
    UnknownSymbolError,
)


@pytest.mark.parametrize(
    "error",
    [
        ParameterRangeError("dimensions", [8], "at least three distinct integers", "the grid"),
        UnknownSymbolError("bound 'b' has no symbol(s) ['x']"),
        PreconditionError("m ≤ e^d", "m = 34"),
        BudgetExceededError("m (width)", 4096, 512),
    ],
)
def test_an_error_pickles_as_itself(error):
    """A worker process (``gflcheck check -j``) sends its error to the parent pickled."""
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
    assert vars(again) == vars(error)
