"""Baselines for a CI regression on bounds: record verdicts, then compare later runs one-sidedly.

A baseline is a plain JSON file (reviewable in a diff)::

    {"format": "gflcheck-baseline", "version": 2,
     "environments": {"<environment id>": {"environment": {...}, "entries": {"<key>": {...}}}}}

An entry is keyed by what the user declared, never by what a check derived: ``cli::<entry name>``
for the command's catalogue entries, ``<test>::<check>::<statement>::<digest of the declared
setting>`` for pytest properties, so a change to a hidden constant (which changes ``m`` or ``T``)
is compared, not filed as new. Each entry names its *scope* (the catalogue entry or the test that
produced it). Sections are per environment (torch, numpy, Python, machine, device), because
numbers are only comparable under the same pinned versions.

The comparison is one-sided: a run *regresses* when a verdict worsens (for a true statement
holds → inconclusive or vacuous → violated; for a false variant, or a claim expected to fail in
its set-up, refuted → not refuted), when its minimum slack shrinks by more than the tolerance, a fraction of the bound's own scale, or when an
entry of a scope the run covered is *missing*. Improvements and new entries are counted and
never fail. Recording merges per entry: the scopes a run covered are replaced (entries they no
longer produce are dropped, which is how an entry is declared removed), every other entry is
kept, so a ``-k`` record and the pytest and command-line records live side by side. The file is
locked while it is read and written, writes replace it atomically, and a corrupt or foreign file
is refused, never overwritten.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import platform
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gflcheck.core.verdict_text import format_table
from gflcheck.core.verdicts import FAMILY_ALPHA, BinomialDecision, Outcome, Verdict
from gflcheck.runtime.defaults import DEFAULT_SLACK_TOLERANCE
from gflcheck.runtime.devices import device_name
from gflcheck.runtime.errors import GflcheckError
from gflcheck.runtime.files import write_atomically
from gflcheck.runtime.validation import require_non_negative

FORMAT = "gflcheck-baseline"
VERSION = 2

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
        "device": device_name(),
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
    """``check::statement::digest`` with a digest of the setting's *declared* parameters (stable
    across runs, and across changes to what the check derives from them)."""
    names = verdict.declared or tuple(verdict.parameters)
    declared = {k: _plain(verdict.parameters[k]) for k in sorted(names)}
    digest = hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()[:12]
    return f"{verdict.check}::{verdict.statement}::{digest}"


def verdict_entry(verdict: Verdict, scope: str) -> dict[str, Any]:
    """What a baseline remembers of a verdict, and the scope (catalogue entry or test) that
    produced it."""
    return {
        "scope": scope,
        "outcome": verdict.outcome.value,
        "false_variant": verdict.false_variant,
        "expected_to_fail": verdict.false_variant or verdict.discrepancy is not None,
        "observation": not verdict.judged,
        "bound": _finite_or_none(verdict.bound_value),
        "min_slack": _finite_or_none(verdict.min_slack),
        "median_slack": _finite_or_none(verdict.median_slack),
        "violations": verdict.decision.violations,
        "seeds": verdict.decision.seeds,
        "break_point": _break_point_record(verdict),
    }


def command_entries(named: Mapping[str, Verdict]) -> dict[str, dict[str, Any]]:
    """``{cli::<entry name>: entry}`` for the command's verdicts (one per catalogue entry)."""
    return {f"cli::{name}": verdict_entry(v, f"cli::{name}") for name, v in named.items()}


@dataclass(frozen=True)
class Regression:
    """One way a run is worse than its baseline."""

    key: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """A run against its baseline: regressions (including missing entries), improvements, new
    entries, how many entries matched, and the observations whose outcome changed (reported: an
    observation is not judged, so its change is not a regression)."""

    regressions: tuple[Regression, ...]
    improvements: tuple[str, ...]
    new: tuple[str, ...]
    missing: tuple[str, ...]
    matched: int
    changed: tuple[Regression, ...] = ()
    differences: tuple[tuple[str, ...], ...] = ()
    """Old/new/Δ rows (:data:`DIFFERENCE_COLUMNS`) of the matched entries whose outcome, minimum
    slack, certain violations or break point changed."""

    @property
    def failed(self) -> bool:
        """A regression or a missing entry fails the comparison."""
        return bool(self.regressions or self.missing)

    def lines(self, path: Path | str) -> list[str]:
        """The report: one line per regression and missing entry, then the counts."""
        out = []
        if self.differences:
            out.append(format_table(DIFFERENCE_COLUMNS, self.differences))
        out += [f"REGRESSION {r.key}: {r.reason}" for r in self.regressions]
        out += [f"CHANGED {r.key}: {r.reason}" for r in self.changed]
        out += [
            f"MISSING {key}: in the baseline, not produced by this run (record again to "
            "declare it removed)"
            for key in self.missing
        ]
        out.append(
            f"baseline {path}: {len(self.regressions)} regression(s), {len(self.missing)} "
            f"missing, {len(self.improvements)} improvement(s), {len(self.new)} new, "
            f"{self.matched} matched, {len(self.changed)} observation(s) changed"
        )
        return out


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


def compare(
    baseline: Mapping[str, Any],
    entries: Mapping[str, Mapping[str, Any]],
    slack_tolerance: float = DEFAULT_SLACK_TOLERANCE,
    scopes: Iterable[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Comparison:
    """One-sided comparison of this run's entries with the baseline's section for ``env``.

    ``scopes`` are the catalogue entries or tests this run covered (default: those of
    ``entries``); a baseline entry of a covered scope that the run did not produce is missing.
    A minimum slack regresses when it shrinks by more than ``slack_tolerance`` times the bound's
    magnitude (the absolute tolerance for a bound of 0). Raises :class:`BaselineError` when the
    baseline has no section for this environment (numbers from another torch or machine are not
    comparable).
    """
    require_non_negative("slack_tolerance", slack_tolerance, "baselines.compare")
    identifier = environment_id(env)
    section = baseline["environments"].get(identifier)
    if section is None:
        known = sorted(baseline["environments"]) or ["none"]
        raise BaselineError(
            f"the baseline has no entries for environment {identifier} (it has: {', '.join(known)}); "
            "record one with --gflcheck-update-baseline or `gflcheck baseline record`"
        )
    old_entries = section["entries"]
    covered = set(scopes) if scopes is not None else {e["scope"] for e in entries.values()}
    regressions, improvements, new, changed = [], [], [], []
    for key, entry in sorted(entries.items()):
        old = old_entries.get(key)
        if old is None:
            new.append(key)
            continue
        if entry.get("observation"):
            if entry["outcome"] != old["outcome"]:
                changed.append(
                    Regression(key, f"observation changed: {old['outcome']} → {entry['outcome']}")
                )
            continue
        expected_to_fail = entry.get("expected_to_fail", entry["false_variant"])
        ranks = _RANK_FALSE if expected_to_fail else _RANK_TRUE
        change = ranks[entry["outcome"]] - ranks[old["outcome"]]
        allowed = slack_tolerance * (abs(old["bound"]) if old.get("bound") else 1.0)
        if change < 0:
            regressions.append(
                Regression(key, f"verdict worsened: {old['outcome']} → {entry['outcome']}")
            )
        elif (
            not expected_to_fail
            and old["min_slack"] is not None
            and (entry["min_slack"] is None or entry["min_slack"] < old["min_slack"] - allowed)
        ):
            regressions.append(
                Regression(
                    key,
                    f"minimum slack shrank: {old['min_slack']:.4f} → {entry['min_slack']} "
                    f"(allowed {allowed:.4g} = {slack_tolerance:g} × |bound|)",
                )
            )
        elif reason := _fewer_certainties(old, entry, expected_to_fail, slack_tolerance):
            regressions.append(Regression(key, reason))
        elif change > 0 or (
            old["min_slack"] is not None
            and entry["min_slack"] is not None
            and entry["min_slack"] > old["min_slack"] + allowed
        ):
            improvements.append(key)
    missing = sorted(
        key for key, old in old_entries.items() if old["scope"] in covered and key not in entries
    )
    differences = [
        row
        for key, entry in sorted(entries.items())
        if key in old_entries and (row := _difference_row(key, old_entries[key], entry))
    ]
    return Comparison(
        tuple(regressions),
        tuple(improvements),
        tuple(new),
        tuple(missing),
        len(entries) - len(new),
        tuple(changed),
        tuple(differences),
    )


DIFFERENCE_COLUMNS = (
    "entry",
    "outcome old → new",
    "min slack old",
    "new",
    "Δ",
    "certain violations old → new",
    "break point old → new",
)


def _fewer_certainties(
    old: Mapping[str, Any], new: Mapping[str, Any], expected_to_fail: bool, tolerance: float
) -> str | None:
    """Why a verdict of unchanged outcome got weaker: more seeds certainly violating a true
    statement, fewer refuting a false one (a deterministic rerun gives the same count), or a
    HOLDS whose break point loosened by more than ``tolerance`` (the same runs refute less of a
    tighter bound). ``None``: not weaker, or the baseline predates these fields."""
    if "violations" in old and old.get("seeds") == new["seeds"]:
        before, after = old["violations"], new["violations"]
        if not expected_to_fail and after > before:
            return f"certain violations rose: {before} → {after} of {new['seeds']} seeds"
        if expected_to_fail and after < before:
            return f"fewer seeds refute it: {before} → {after} of {new['seeds']}"
    was, now = old.get("break_point"), new.get("break_point")
    if expected_to_fail or not was or was["refuted"] is None or not now:
        return None
    if now["refuted"] is None:
        return f"break point lost: refuted at {was['refuted']:.3g} before, never now"
    factor = was["kind"] == "factor"
    allowed = (
        was["refuted"] * (1 + tolerance) if factor else was["refuted"] + tolerance * was["scale"]
    )
    if now["refuted"] > allowed:
        return f"break point loosened: {was['refuted']:.3g} → {now['refuted']:.3g}"
    return None


def _difference_row(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The old/new/Δ row of an entry, or ``()`` when nothing it shows changed."""
    before, after = old.get("min_slack"), new.get("min_slack")
    points = [
        p.get("refuted") if p else None for p in (old.get("break_point"), new.get("break_point"))
    ]
    counts = (old.get("violations"), new.get("violations"))
    if (
        old["outcome"] == new["outcome"]
        and before == after
        and counts[0] in (None, counts[1])
        and (points[0] == points[1] or "break_point" not in old)
    ):
        return ()
    delta = after - before if before is not None and after is not None else None
    return (
        key.removeprefix("cli::"),
        f"{old['outcome']} → {new['outcome']}",
        _number(before),
        _number(after),
        "-" if delta is None else f"{delta:+.4f}",
        f"{_number(counts[0])} → {_number(counts[1])} of {new.get('seeds')}",
        f"{_number(points[0])} → {_number(points[1])}",
    )


def _number(value: Any) -> str:
    return "-" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)


def unknown_scopes(
    baseline: Mapping[str, Any], known: Iterable[str], env: Mapping[str, str] | None = None
) -> set[str]:
    """The ``cli::`` scopes of the baseline's section for ``env`` that name no entry in
    ``known`` (the catalogue's, every profile's): checks removed since the baseline was recorded.
    A comparison covers them, so their entries count as missing and fail it, until a record with
    ``--prune`` accepts the removal."""
    section = baseline["environments"].get(environment_id(env), {"entries": {}})
    known = set(known)
    return {
        entry["scope"]
        for entry in section["entries"].values()
        if entry["scope"].startswith("cli::") and entry["scope"] not in known
    }


def record(
    path: Path,
    entries: Mapping[str, Mapping[str, Any]],
    scopes: Iterable[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Merge this run's entries into ``path`` under this environment: the entries of the scopes
    the run covered (default: those of ``entries``) are replaced, all others kept. The file is
    locked meanwhile; an existing file must be a valid baseline (a corrupt one raises
    :class:`BaselineError` and is left untouched). Returns the number of entries written."""
    path = Path(path)
    covered = set(scopes) if scopes is not None else {e["scope"] for e in entries.values()}
    with _locked(path):
        data = (
            load(path)
            if path.exists()
            else {"format": FORMAT, "version": VERSION, "environments": {}}
        )
        env = dict(env or environment())
        section = data["environments"].get(environment_id(env), {"entries": {}})
        kept = {k: v for k, v in section["entries"].items() if v["scope"] not in covered}
        data["environments"][environment_id(env)] = {
            "environment": env,
            "entries": dict(sorted({**kept, **entries}.items())),
        }
        write_json_atomically(path, data)
    return len(entries)


def prune(
    path: Path, retired: Callable[[str], bool], env: Mapping[str, str] | None = None
) -> list[str]:
    """Remove from ``path``, under this environment, the entries whose scope is ``retired`` (a
    check that left the catalogue, say: recording covers only the scopes a run produces, so such
    an entry would otherwise stay, neither matched nor missing). Locked like :func:`record`;
    returns the keys removed, and leaves the file untouched when there are none."""
    path = Path(path)
    with _locked(path):
        data = load(path)
        section = data["environments"].get(environment_id(env or environment()))
        if section is None:
            return []
        removed = sorted(k for k, v in section["entries"].items() if retired(v["scope"]))
        if removed:
            section["entries"] = {
                k: v for k, v in section["entries"].items() if k not in set(removed)
            }
            write_json_atomically(path, data)
    return removed


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<path>.lock`` (created beside the baseline, and left there), so
    that two concurrent records both land."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` as JSON atomically (see :func:`gflcheck.runtime.files.write_atomically`)."""
    text = json.dumps(data, indent=1, sort_keys=True, allow_nan=False) + "\n"
    write_atomically(Path(path), text.encode())


def session_artefact(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The per-session JSON document: :func:`verdict_record` of every verdict, sorted by key,
    the :func:`family_false_alarm` of the session, and the environment."""
    records = sorted(records, key=lambda r: (r["key"], r["test"]))
    return {
        "format": "gflcheck-session",
        "version": VERSION,
        "environment": environment(),
        "family_wise": family_false_alarm(records),
        "verdicts": records,
    }


def family_false_alarm(
    records: Iterable[Mapping[str, Any]], family_alpha: float | None = None
) -> dict[str, Any]:
    """The decisions on true, judged statements among ``records`` (:func:`verdict_record`) and
    the sum of their declared false-alarm rates, against the suite's family-wise α: each decision
    is made at its declared share (:data:`~gflcheck.core.verdicts.FAMILY_ALPHA`: a split, Bonferroni),
    so by the union bound the chance that the run raises any false alarm is at most that sum
    (``union_bound``, capped at 1); ``within`` says whether the sum stays within α."""
    family_alpha = FAMILY_ALPHA if family_alpha is None else family_alpha
    rates = [
        float(r["false_alarm_rate"])
        for r in records
        if not r["false_variant"] and not r.get("observation") and not r.get("discrepancy")
    ]
    total = float(sum(rates))
    return {
        "family_alpha": family_alpha,
        "decisions": len(rates),
        "rate_sum": total,
        "union_bound": min(1.0, total),
        "largest_rate": max(rates, default=0.0),
        "correction": "declared split (Bonferroni): each decision at its share of the family α",
        "within": total <= family_alpha + 1e-12,
    }


def family_false_alarm_line(records: Iterable[Mapping[str, Any]]) -> str:
    """:func:`family_false_alarm` in words, for the CLI and the report."""
    family = family_false_alarm(records)
    alpha = family["family_alpha"]
    if family["within"]:
        verdict = (
            f"within the family-wise α = {alpha:g}: the chance of any false alarm in this run is "
            f"≤ {family['union_bound']:.3g}"
        )
    else:
        verdict = (
            f"OVER the family-wise α = {alpha:g} (more decisions than the split plans for, or "
            f"larger shares): the union bound on any false alarm is {family['union_bound']:.3g}"
        )
    return (
        f"family-wise: {family['decisions']} decision(s) on true statements, each at its declared "
        f"share (≤ {family['largest_rate']:.3g}), summing to {family['rate_sum']:.3g}: {verdict}"
    )


def _break_point_record(verdict: Verdict) -> dict[str, Any] | None:
    """A HOLDS's break point as plain JSON: the tightening kind, the least tightening that the
    same runs refute (``null``: none up to the search's reach), the one that makes it false by
    the estimates, the statement's scale, the one at which it meets the floor (``null``: no
    floor declared) and whether the confirmation is loose."""
    point = verdict.break_point
    if point is None:
        return None
    return {
        "kind": point.kind.value,
        "refuted": point.refuted,
        "false": point.false,
        "scale": point.scale,
        "floor": point.floor,
        "loose": point.loose,
    }


def _seed_decision(decision: BinomialDecision) -> dict[str, Any] | None:
    """What a property pools of a "with probability ≥ 1 − δ" decision (``None`` for others):
    its seeds, those certified to satisfy the statement, ``δ``, the level and miscoverage of
    *holds*."""
    if not (decision.delta > 0 and decision.confirmation_alpha > 0):
        return None
    return {
        "seeds": decision.seeds,
        "satisfied": decision.satisfied,
        "delta": decision.delta,
        "confirmation_alpha": decision.confirmation_alpha,
        "satisfaction_miscoverage": decision.satisfaction_miscoverage,
    }


def verdict_record(test: str, verdict: Verdict, row: Iterable[str]) -> dict[str, Any]:
    """A verdict as plain JSON: its test, bound (LaTeX, provenance), parameters, seeds, outcome,
    slack, p-value, baseline entry and verdict-table row. Records cross process boundaries
    (pytest-xdist workers send them to the controller)."""
    return {
        "test": test,
        "key": f"{test}::{verdict_key(verdict)}",
        "check": verdict.check,
        "statement": verdict.statement,
        "bound_name": verdict.bound.name,
        "bound_latex": verdict.bound.latex(),
        "bound_mathml": verdict.bound.mathml(),
        "quantity": verdict.quantity,
        "relation": verdict.relation,
        "compared": verdict.compared,
        "provenance": str(verdict.bound.provenance),
        "tag": verdict.bound.provenance.tag.value,
        "parameters": {k: _plain(v) for k, v in verdict.parameters.items()},
        "seeds": [int(s) for s in verdict.seeds],
        "outcome": verdict.outcome.value,
        "false_variant": verdict.false_variant,
        "observation": verdict.observation,
        "discrepancy": verdict.discrepancy,
        "interval": list(verdict.interval) if verdict.interval else None,
        "break_point": _break_point_record(verdict),
        "identification": [
            {
                "rival": item.rival,
                "outcome": item.outcome.value,
                "identified": item.identified,
                "grid": item.grid,
            }
            for item in verdict.identification
        ],
        "setup": verdict.setup.record() if verdict.setup else None,
        "bound_value": _finite_or_none(verdict.bound_value),
        "trivial_value": verdict.trivial_value,
        "slack": [_finite_or_none(s) for s in np.asarray(verdict.slack, dtype=float)],
        "p_value": _finite_or_none(verdict.decision.p_value),
        "seed_decision": _seed_decision(verdict.decision),
        "false_alarm_rate": verdict.false_alarm_rate,
        "counterexample": verdict.counterexample,
        "quantifiers": [[q.quantifier, q.instantiated_as, q.value] for q in verdict.quantifiers],
        "notes": list(verdict.notes),
        "entry": verdict_entry(verdict, f"pytest::{test}"),
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
