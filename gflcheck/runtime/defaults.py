"""Names and defaults shared by the library and its command-line and pytest surfaces.

A foundation module that imports only the standard library, so that the pytest plugin can
declare its options without loading torch: a pytest run in a project that does not use gflcheck
pays nothing for it.
"""

import argparse
import math

VERSION = "0.1.0"
"""gflcheck's version (``gflcheck.__version__``, ``gflcheck --version``)."""

CACHE_DIRECTORY_VARIABLE = "GFLCHECK_CACHE_DIR"
"""Environment variable naming the run cache directory."""

DEFAULT_CACHE_DIRECTORY = ".gflcheck-cache"
"""The run cache directory, relative to the pytest rootdir or the working directory."""

DEFAULT_SLACK_TOLERANCE = 0.05
"""How much a minimum slack may shrink before a baseline comparison calls it a regression."""


def slack_tolerance(text: str) -> float:
    """``--slack-tolerance`` / ``--gflcheck-slack-tolerance``: a finite fraction ≥ 0 of the bound
    (NaN or ∞ would let every shrinking slack pass, a negative one flag unchanged ones)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(
            f"slack tolerance {text!r} is not a finite number ≥ 0: give the fraction of the "
            f"bound a minimum slack may shrink by (default {DEFAULT_SLACK_TOLERANCE:g})"
        )
    return value


PROFILE_VARIABLE = "GFLCHECK_PROFILE"
"""Environment variable naming the Hypothesis profile and compute budget."""

DEVICE_VARIABLE = "GFLCHECK_DEVICE"
"""Environment variable naming the compute device (``cpu``, ``cuda``, ``cuda:1``); see
:mod:`gflcheck.runtime.devices`."""


SESSION_ARTEFACT = "gflcheck-results/session.json"
"""Where a pytest session writes its verdicts (``--gflcheck-json``); ``gflcheck report`` reads it."""

POWER_RESULTS = "gflcheck-results/power.json"
"""Where ``gflcheck power`` writes its rates."""

MUTANT_RESULTS = "gflcheck-results/mutants.json"
"""Where a full ``gflcheck mutate`` writes its break points and kill tables."""

SELECTED_MUTANT_RESULTS = "gflcheck-results/mutants-selected.json"
"""Where a ``gflcheck mutate -k`` writes, so that it never replaces a full run's file."""
