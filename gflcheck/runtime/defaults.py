"""Names and defaults shared by the library and its command-line and pytest surfaces.

A foundation module that imports only the standard library, so that the pytest plugin can
declare its options without loading torch: a pytest run in a project that does not use gflcheck
pays nothing for it.
"""

import argparse
import math
import os

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


CACHE_SIZE_VARIABLE = "GFLCHECK_CACHE_MAX_SIZE"
"""Environment variable giving the run cache's size limit (:func:`cache_size_limit`)."""

DEFAULT_CACHE_SIZE_LIMIT = 4 * 2**30
"""The run cache's size limit when ``$GFLCHECK_CACHE_MAX_SIZE`` is unset: 4 GiB (the main job
and the report's figures store about 0.3 GiB)."""

SIZE_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30}
"""The suffixes of a size in bytes (powers of 1024)."""


def parse_size(text: str) -> int:
    """``"500M"``, ``"2G"``, ``"4096"`` → bytes (``K``, ``M``, ``G`` are powers of 1024). Anything
    but a finite size ≥ 0 raises :class:`ValueError` saying what is allowed."""
    suffix = text[-1:].upper()
    number, unit = (text[:-1], SIZE_UNITS[suffix]) if suffix in SIZE_UNITS else (text, 1)
    try:
        size = float(number) * unit
    except ValueError:
        size = math.nan
    if not 0 <= size < math.inf:
        raise ValueError(
            f"{text!r} is not a size: allowed a finite size ≥ 0 such as 4096, 500M, 2G"
        )
    return int(size)


def cache_size_limit() -> int:
    """The run cache's size limit in bytes: ``$GFLCHECK_CACHE_MAX_SIZE`` if set, else
    :data:`DEFAULT_CACHE_SIZE_LIMIT`. After each ``gflcheck`` command and pytest session the
    least recently used entries are deleted down to it (:meth:`RunCache.prune`)."""
    text = os.environ.get(CACHE_SIZE_VARIABLE, "").strip()
    if not text:
        return DEFAULT_CACHE_SIZE_LIMIT
    try:
        return parse_size(text)
    except ValueError as error:
        raise ValueError(
            f"${CACHE_SIZE_VARIABLE}: {error}; set it so, or unset it for the default "
            f"{DEFAULT_CACHE_SIZE_LIMIT // 2**30} GiB"
        ) from None
