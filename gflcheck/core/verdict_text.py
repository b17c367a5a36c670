"""Plain-text presentation of verdicts: the verdict table and each verdict's details.

Library code returns strings; the CLI and the pytest plugin print them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gflcheck.core.verdicts import BinomialDecision, Outcome, Verdict

VERDICT_COLUMNS = (
    "check",
    "statement",
    "expect",
    "outcome",
    "ok",
    "bound",
    "slack min/med",
    "break point",
    "viol/sat/k",
    "p-value",
    "estimate [CI]",
    "rivals",
    "setting",
    "set-up",
    "trivial",
    "tag",
)


def verdict_row(verdict: Verdict) -> tuple[str, ...]:
    """One row of the verdict table."""
    decision = verdict.decision
    counted = decision.p_value == decision.p_value  # NaN for fitted rates: no per-seed count
    return (
        verdict.check,
        verdict.statement,
        verdict.expectation,
        verdict.outcome.value.upper(),
        ("yes" if verdict.as_expected else "NO") if verdict.judged else "-",
        f"{verdict.bound_value:.4f}",
        f"{verdict.min_slack:+.3f}/{verdict.median_slack:+.3f}",
        verdict.break_point.short() if verdict.break_point else "-",
        (
            f"{decision.violations}/{decision.satisfied}/{decision.seeds}"
            + (f" ({decision.diverged} div.)" if decision.diverged else "")
        )
        if counted
        else "-",
        f"{decision.p_value:.2g}" if counted else "-",
        interval_summary(verdict),
        rivals_summary(verdict),
        setting_summary(verdict.parameters),
        verdict.setup.name if verdict.setup else "-",
        "-" if verdict.trivial_value is None else f"{verdict.trivial_value:.4g}",
        "ours (false)" if verdict.false_variant else verdict.bound.provenance.tag.value,
    )


def confirmation_counts(verdicts: Iterable[Verdict]) -> str:
    """``27 non-vacuous HOLDS: 9 informative, 18 loose``: the HOLDS of true statements, split by
    their break point (:attr:`~gflcheck.core.verdicts.BreakPoint.loose`)."""
    looseness = [
        None if v.break_point is None else v.break_point.loose
        for v in verdicts
        if v.judged and v.outcome is Outcome.HOLDS and v.expectation == "holds"
    ]
    informative, loose, missing = confirmation_tally(looseness)
    return f"{len(looseness)} non-vacuous HOLDS: {informative} informative, {loose} loose" + (
        f", {missing} without a break point" if missing else ""
    )


def confirmation_tally(looseness: Sequence[bool | None]) -> tuple[int, int, int]:
    """``(informative, loose, without a break point)`` among HOLDS of true statements, each given
    by its break point's ``loose`` (``None``: no break point was computed)."""
    loose = sum(value is True for value in looseness)
    missing = sum(value is None for value in looseness)
    return len(looseness) - loose - missing, loose, missing


def interval_summary(verdict: Verdict) -> str:
    """``1.07 [0.97, 1.18]``: a compared estimate (a rate's exponent) with its interval."""
    if verdict.interval is None:
        return "-"
    value, lower, upper = verdict.interval
    return f"{value:.2f} [{lower:.2f}, {upper:.2f}]"


def rivals_summary(verdict: Verdict) -> str:
    """Whether the measurement tells the claim from its declared rivals: ``identified``, ``not
    identifiable``, or ``-`` (none declared)."""
    if verdict.identified is None:
        return "-"
    return "identified" if verdict.identified else "not identifiable"


_SHORT_NAMES = {
    "dimension": "d",
    "separation": "‖μ‖",
    "noise": "σ",
    "gamma": "γ",
    "epsilon": "ε",
    "delta": "δ",
    "sparsity": "k",
    "width": "m",
    "depth": "L",
    "samples": "n",
    "steps": "T",
}


def setting_summary(parameters: Mapping[str, object]) -> str:
    """The setting's parameters in one short line (``d=8 γ=0.005 … seed=1``), so that rows of
    one check on different settings can be told apart."""
    parts: dict[str, str] = {}
    for name, value in parameters.items():
        if isinstance(value, float):
            value = f"{value:.3g}"
        elif not isinstance(value, int | str):
            continue
        parts.setdefault(_SHORT_NAMES.get(name, name), f"{value}")  # m = width once, say
    return " ".join(f"{name}={value}" for name, value in parts.items()) or "-"


def format_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A fixed-width text table."""
    rows = [tuple(str(cell) for cell in row) for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    line = "  ".join("-" * w for w in widths)
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


NARROW_COLUMNS = (
    "entry",
    "expect",
    "outcome",
    "ok",
    "bound",
    "slack min/med",
    "break point",
    "viol/sat/k",
    "p-value",
)
"""The columns a terminal shows by default (``gflcheck check --wide``: all of them)."""


def format_verdict_table(
    verdicts: Iterable[Verdict] | Mapping[str, Verdict], columns: Sequence[str] | None = None
) -> str:
    """The verdict table: one row per verdict, with a legend. Verdicts by catalogue entry name
    get an ``entry`` column first: the names ``gflcheck -k`` selects by. ``columns``: only
    these (e.g. :data:`NARROW_COLUMNS`), in the table's order."""
    if isinstance(verdicts, Mapping):
        header = ("entry", *VERDICT_COLUMNS)
        rows = [(name, *verdict_row(v)) for name, v in verdicts.items()]
        legend = ENTRY_LEGEND
    else:
        header, rows, legend = VERDICT_COLUMNS, [verdict_row(v) for v in verdicts], ""
    if columns is not None:
        kept = [i for i, name in enumerate(header) if name in columns]
        header = tuple(header[i] for i in kept)
        rows = [tuple(row[i] for i in kept) for row in rows]
    return format_rows_table(rows, header, legend)


ENTRY_LEGEND = (
    "entry: the catalogue entry that made the verdict (`gflcheck check -k` selects by it: a "
    "substring, or a shell-style pattern such as 'gfl/*/quarter'); "
)


def format_rows_table(
    rows: Iterable[Sequence[str]], header: Sequence[str] = VERDICT_COLUMNS, legend_head: str = ""
) -> str:
    """The verdict table from rows already made by :func:`verdict_row` (e.g. sent by workers)."""
    table = format_table(header, rows)
    legend = legend_head + (
        "expect: what a sound suite should find (false variants must be refuted; observe: an "
        "observation, reported and not judged); ok: the outcome is the expected one "
        "(inconclusive and vacuous verdicts confirm nothing; -: an observation); "
        "slack = bound − measured value, per seed (min/median); break point: for a HOLDS, the "
        "least tightening (÷ a factor, or − a shift for a rate) at which the same runs refute "
        "it, 'loose' past ÷2 (or half the statement's scale) or never, 'at floor' where the bound "
        "reaches the Bayes risk first (every predictor refutes it there); viol/sat/k: seeds on which the "
        "statement is certainly false / certainly true, of k; p-value: exact binomial test of "
        "violation rate ≤ δ (+ the per-seed miscoverage); estimate [CI]: a rate's exponent, "
        "estimated at the level of the grid, with its 95% interval; rivals: whether the "
        "measurement tells the claim from the statements it is contrasted with (--details: "
        "each rival's verdict and the grid that would tell them apart); trivial: what a trivial "
        "predictor "
        "achieves on the measured quantity (a bound at or above it is VACUOUS; -: none "
        "declared); setting: the declared parameters and what the check derived (m, T, k "
        "seeds); set-up: the training protocol and reading the claim is checked in (in full: "
        "--details); tag: provenance of the bound."
    )
    return f"{table}\n{legend}"


def _decision_levels(decision: BinomialDecision) -> str:
    """The p-value against the level of *violated*, and for a probabilistic statement the
    confirmation bound against δ."""
    p = f"p = {decision.p_value:.3g}" + (
        f" against α_v = {decision.alpha:g}" if decision.alpha else ""
    )
    if not decision.delta:
        return p
    return (
        f"{p}; rate not certified ≤ {decision.violation_rate_upper:.3f} at confidence "
        f"{1 - decision.confirmation_alpha:g} (δ = {decision.delta:g})"
    )


def format_verdict_details(verdict: Verdict) -> str:
    """Provenance, parameters, quantifier instantiation, counterexample and notes of a verdict."""
    decision = verdict.decision
    lines = [
        f"{verdict.check}: {verdict.statement} → {verdict.outcome.value}",
        f"  bound: {verdict.bound.name} = {verdict.bound.expression} = {verdict.bound_value:.4f}",
        f"  provenance: {verdict.bound.provenance}",
        *(f"  {line}" for line in (verdict.setup.lines() if verdict.setup else ())),
        f"  parameters: {dict(verdict.parameters)}",
        f"  decision: {decision.violations} certainly violate, {decision.satisfied} certainly "
        f"satisfy, {decision.undetermined} undetermined ({decision.diverged} diverged) of "
        f"{decision.seeds} seeds; {_decision_levels(decision)}; "
        f"declared false-alarm rate {verdict.false_alarm_rate:g}",
        f"  slack: min {verdict.min_slack:.4f}, median {verdict.median_slack:.4f}"
        + {
            True: f"; non-vacuous (below the trivial value {verdict.trivial_value})",
            False: f"; VACUOUS (at or above the trivial value {verdict.trivial_value})",
            None: "",
        }[verdict.non_vacuous],
        "  quantifiers:",
    ]
    lines += [f"    - {q.quantifier}: {q.instantiated_as} → {q.value}" for q in verdict.quantifiers]
    lines += [f"  {item.describe()}" for item in verdict.identification]
    if verdict.counterexample:
        lines.append(f"  counterexample: {verdict.counterexample}")
    lines += [f"  note: {note}" for note in verdict.notes]
    return "\n".join(lines)


BREAK_POINT_COLUMNS = (
    "where",
    "check",
    "outcome",
    "tightened by",
    "false at",
    "interval",
    "refuted at",
    "rate: threshold; exponent",
)


def break_point_row(check: Mapping[str, Any]) -> list[str]:
    """One row of the break-point table, from a ``gflcheck mutate`` record of a check (a
    :class:`~gflcheck.surface.sensitivity.CheckSensitivity` as a dict): how far its statement tightens
    before it is false by the estimates (its measured tightness: bound ÷ measured, for a factor)
    and before the check refutes it; for a rate, the shift is in its exponent, shown beside its
    threshold ``e ± τ`` and the measured exponent's interval."""
    point = check["break_point"]
    least, most = (_amount(v) for v in point["false_interval"])
    return [
        check["where"],
        check["check"],
        check["outcome"].upper(),
        "÷ factor" if point["kind"] == "factor" else "− shift",
        _amount(point["false"]),
        f"[{least}, {most}]",
        _amount(point["refuted"]),
        check.get("threshold") or "-",
    ]


def _amount(value: float | None) -> str:
    return "never" if value is None else f"{value:.3g}"


KILL_COLUMNS = (
    "theorem",
    "settings",
    "mutants",
    "tighter",
    "false (estimates)",
    "killable",
    "killed",
    "kill rate",
)


def kill_row(theorem: Mapping[str, Any]) -> list[str]:
    """One row of the kill table, from a ``gflcheck mutate`` record of a theorem (a
    :class:`~gflcheck.surface.sensitivity.TheoremKills` as a dict): its tighter mutants, how many are
    false on some setting by the estimates and by the confidence bounds (killable), how many
    were refuted (killed), and killed ÷ killable with its interval."""
    rate = theorem["rate"]
    return [
        theorem["statement"],
        str(theorem["settings"]),
        str(len(theorem["mutants"])),
        str(rate["tighter"]),
        str(rate["false"]),
        str(rate["killable"]),
        str(rate["killed"]),
        f"{rate['killed'] / rate['killable']:.2f} [{rate['lower']:.2f}, {rate['upper']:.2f}]"
        if rate["killable"]
        else "-",
    ]


def survivor_rows(theorems: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """``[theorem, mutant, bound, why]`` for each tighter mutant false by the estimates that no
    check refuted."""
    return [
        [theorem["statement"], mutant["change"], mutant["expression"], mutant["why"]]
        for theorem in theorems
        for mutant in theorem["mutants"]
        if mutant["label"] == "tighter" and mutant["false"] and not mutant["killed"]
    ]
