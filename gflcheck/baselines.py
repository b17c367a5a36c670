"""Baselines for a CI regression on bounds: record verdicts, then compare later runs one-sidedly.

A baseline is a plain JSON file (reviewable in a diff)::

    {"format": "gflcheck-baseline", "version": 1,
     "environments": {"<environment id>": {"environment": {...}, "entries": {"<key>": {...}}}}}

Entries are keyed by check, statement and a digest of the setting's parameters; sections by the
environment (torch, numpy, Python, machine, device), because numbers are only comparable under the
same pinned versions. The comparison is one-sided: a run *regresses* when a verdict worsens (for a
true statement holds → inconclusive → violated; for a false variant refuted → not refuted) or when
its minimum slack shrinks by more than the declared tolerance. Improvements never fail. Writes go
to a temporary file that replaces the old one atomically; a corrupt or foreign file is refused,
never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gflcheck._files import write_atomically
from gflcheck.defaults import DEFAULT_SLACK_TOLERANCE
from gflcheck.errors import GflcheckError
from gflcheck.verdicts import Outcome, Verdict

FORMAT = "gflcheck-baseline"
VERSION = 1

_RANK_TRUE = {
    Outcome.HOLDS.value: 2,
    Outcome.INCONCLUSIVE.value: 1,
    Outcome.VACUOUS.value: 1,
    Outcome.VIOLATED.value: 0,
}
_RANK_FALSE = {
    Outcome.VIOLATED.value: 2,
    Outcome.INCONCLUSIVE.value: 1,
    Outcome.VACUOUS.value: 1,
    Outcome.HOLDS.value: 0,
}


class BaselineError(GflcheckError):
    """A baseline file that cannot be used: unreadable, corrupt, of another format or version."""


def environment() -> dict[str, str]:
    """What makes numbers comparable: library versions, Python, machine, device."""
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "machine": platform.machine(),
        "device": "cpu",
    }


def environment_id(env: Mapping[str, str] | None = None) -> str:
    """A readable key for an environment, e.g. ``torch-2.13.0+cpu/numpy-2.4.6/py3.11/x86_64/cpu``."""
    env = env or environment()
    return "/".join(
        [
            f"torch-{env['torch']}",
            f"numpy-{env['numpy']}",
            f"py{env['python']}",
            env["machine"],
            env["device"],
        ]
    )


def verdict_key(verdict: Verdict) -> str:
    """``check::statement::digest`` with a digest of the setting's parameters (stable across runs)."""
    text = json.dumps({k: _plain(v) for k, v in sorted(verdict.parameters.items())}, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{verdict.check}::{verdict.statement}::{digest}"


def verdict_entry(verdict: Verdict) -> dict[str, Any]:
    """What a baseline remembers of a verdict."""
    return {
        "outcome": verdict.outcome.value,
        "false_variant": verdict.false_variant,
        "bound": _finite_or_none(verdict.bound_value),
        "min_slack": _finite_or_none(verdict.min_slack),
        "median_slack": _finite_or_none(verdict.median_slack),
    }


@dataclass(frozen=True)
class Regression:
    """One way a run is worse than its baseline."""

    key: str
    reason: str


def load(path: Path) -> dict[str, Any]:
    """Read a baseline file; raise :class:`BaselineError` naming the file and the problem."""
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise BaselineError(f"cannot read baseline {path}: {error.strerror or error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"baseline {path} is corrupt (not JSON: {error.msg} at line {error.lineno}); "
            "fix or delete it, then record again"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(
            f"{path} is not a gflcheck baseline (format field {data.get('format') if isinstance(data, dict) else None!r})"
        )
    if data.get("version") != VERSION:
        raise BaselineError(
            f"baseline {path} has version {data.get('version')!r}; this gflcheck reads {VERSION}"
        )
    if not isinstance(data.get("environments"), dict):
        raise BaselineError(f"baseline {path} is corrupt: no 'environments' mapping")
    return data


def entries_of(verdicts: Iterable[Verdict]) -> dict[str, dict[str, Any]]:
    """``{verdict_key: verdict_entry}`` for a run's verdicts."""
    return {verdict_key(v): verdict_entry(v) for v in verdicts}


def compare(
    baseline: Mapping[str, Any],
    entries: Mapping[str, Mapping[str, Any]],
    slack_tolerance: float = DEFAULT_SLACK_TOLERANCE,
    env: Mapping[str, str] | None = None,
) -> list[Regression]:
    """One-sided comparison of this run's entries (:func:`entries_of`) with the baseline's
    section for ``env``.

    Raises :class:`BaselineError` when the baseline has no section for this environment (numbers
    from another torch or machine are not comparable). Checks absent from the baseline are new,
    not regressions.
    """
    identifier = environment_id(env)
    section = baseline["environments"].get(identifier)
    if section is None:
        known = sorted(baseline["environments"]) or ["none"]
        raise BaselineError(
            f"the baseline has no entries for environment {identifier} (it has: {', '.join(known)}); "
            "record one with --gflcheck-update-baseline"
        )
    regressions = []
    for key, new in sorted(entries.items()):
        old = section["entries"].get(key)
        if old is None:
            continue
        ranks = _RANK_FALSE if new["false_variant"] else _RANK_TRUE
        if ranks[new["outcome"]] < ranks[old["outcome"]]:
            regressions.append(
                Regression(key, f"verdict worsened: {old['outcome']} → {new['outcome']}")
            )
        elif (
            not new["false_variant"]
            and old["min_slack"] is not None
            and (new["min_slack"] is None or new["min_slack"] < old["min_slack"] - slack_tolerance)
        ):
            regressions.append(
                Regression(
                    key,
                    f"minimum slack shrank: {old['min_slack']:.4f} → {new['min_slack']} "
                    f"(tolerance {slack_tolerance:g})",
                )
            )
    return regressions


def record(
    path: Path, entries: Mapping[str, Mapping[str, Any]], env: Mapping[str, str] | None = None
) -> int:
    """Write this run's entries (:func:`entries_of`) into ``path`` under this environment (other
    sections kept).

    An existing file must be a valid baseline: a corrupt one raises :class:`BaselineError` and is
    left untouched. Returns the number of entries written.
    """
    path = Path(path)
    data = (
        load(path) if path.exists() else {"format": FORMAT, "version": VERSION, "environments": {}}
    )
    env = dict(env or environment())
    data["environments"][environment_id(env)] = {
        "environment": env,
        "entries": dict(sorted(entries.items())),
    }
    write_json_atomically(path, data)
    return len(entries)


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` as JSON atomically (see :func:`gflcheck._files.write_atomically`)."""
    text = json.dumps(data, indent=1, sort_keys=True, allow_nan=False) + "\n"
    write_atomically(Path(path), text.encode())


def session_artefact(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The per-session JSON document: :func:`verdict_record` of every verdict, sorted by key,
    and the environment."""
    return {
        "format": "gflcheck-session",
        "version": VERSION,
        "environment": environment(),
        "verdicts": sorted(records, key=lambda r: (r["key"], r["test"])),
    }


def verdict_record(test: str, verdict: Verdict, row: Iterable[str]) -> dict[str, Any]:
    """A verdict as plain JSON: its test, bound (LaTeX, provenance), parameters, seeds, outcome,
    slack, p-value, baseline entry and verdict-table row. Records cross process boundaries
    (pytest-xdist workers send them to the controller)."""
    return {
        "test": test,
        "key": verdict_key(verdict),
        "check": verdict.check,
        "statement": verdict.statement,
        "bound_latex": verdict.bound.latex(),
        "provenance": str(verdict.bound.provenance),
        "tag": verdict.bound.provenance.tag.value,
        "parameters": {k: _plain(v) for k, v in verdict.parameters.items()},
        "seeds": [int(s) for s in verdict.seeds],
        "outcome": verdict.outcome.value,
        "false_variant": verdict.false_variant,
        "bound_value": _finite_or_none(verdict.bound_value),
        "trivial_value": verdict.trivial_value,
        "slack": [_finite_or_none(s) for s in np.asarray(verdict.slack, dtype=float)],
        "p_value": _finite_or_none(verdict.decision.p_value),
        "false_alarm_rate": verdict.false_alarm_rate,
        "counterexample": verdict.counterexample,
        "entry": verdict_entry(verdict),
        "row": list(row),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None
