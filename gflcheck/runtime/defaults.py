"""Names and defaults shared by the library and its command-line and pytest surfaces.

A foundation module with no imports, so that the pytest plugin can declare its options without
loading torch: a pytest run in a project that does not use gflcheck pays nothing for it.
"""

VERSION = "0.1.0"
"""gflcheck's version (``gflcheck.__version__``, ``gflcheck --version``)."""

CACHE_DIRECTORY_VARIABLE = "GFLCHECK_CACHE_DIR"
"""Environment variable naming the run cache directory."""

DEFAULT_CACHE_DIRECTORY = ".gflcheck-cache"
"""The run cache directory, relative to the pytest rootdir or the working directory."""

DEFAULT_SLACK_TOLERANCE = 0.05
"""How much a minimum slack may shrink before a baseline comparison calls it a regression."""

PROFILE_VARIABLE = "GFLCHECK_PROFILE"
"""Environment variable naming the Hypothesis profile and compute budget."""

DEVICE_VARIABLE = "GFLCHECK_DEVICE"
"""Environment variable naming the compute device (``cpu``, ``cuda``, ``cuda:1``); see
:mod:`gflcheck.runtime.devices`."""
