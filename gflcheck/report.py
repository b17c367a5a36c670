"""Plain-text presentation of verdicts: the verdict table and each verdict's details.

Library code returns strings; the CLI and the pytest plugin print them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gflcheck.verdicts import Verdict

VERDICT_COLUMNS = (
    "check",
    "statement",
    "expect",
    "outcome",
    "ok",
    "bound",
    "slack min/med",
    "viol/k",
    "p-value",
    "m, T",
    "<1?",
    "tag",
)


def verdict_row(verdict: Verdict) -> tuple[str, ...]:
    """One row of the verdict table."""
    decision = verdict.decision
    counted = decision.p_value == decision.p_value  # NaN for fitted rates: no per-seed count
    return (
        verdict.check,
        verdict.statement,
        "refuted" if verdict.false_variant else "holds",
        verdict.outcome.value.upper(),
        "yes" if verdict.as_expected else "NO",
        f"{verdict.bound_value:.4f}",
        f"{verdict.min_slack:+.3f}/{verdict.median_slack:+.3f}",
        (
            f"{decision.violations}/{decision.seeds}"
            + (f" ({decision.undetermined} div.)" if decision.undetermined else "")
        )
        if counted
        else "-",
        f"{decision.p_value:.2g}" if counted else "-",
        f"{verdict.parameters.get('m', '-')}, {verdict.parameters.get('T', '-')}",
        {True: "yes", False: "no", None: "-"}[verdict.non_vacuous],
        "ours (false)" if verdict.false_variant else verdict.bound.provenance.tag.value,
    )


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


def format_verdict_table(verdicts: Iterable[Verdict]) -> str:
    """The verdict table: one row per verdict, with a legend."""
    return format_rows_table(verdict_row(v) for v in verdicts)


def format_rows_table(rows: Iterable[Sequence[str]]) -> str:
    """The verdict table from rows already made by :func:`verdict_row` (e.g. sent by workers)."""
    table = format_table(VERDICT_COLUMNS, rows)
    legend = (
        "expect: what a sound suite should find (false variants must be refuted); "
        "slack = bound − measured value, per seed (min/median); viol/k: seeds on which the "
        "statement is measured false; p-value: exact binomial test of violation rate ≤ δ (+ the "
        "per-seed miscoverage); <1?: a bound on the 0-1 error is non-vacuous (-: not such a "
        "bound); tag: provenance of the bound."
    )
    return f"{table}\n{legend}"


def format_verdict_details(verdict: Verdict) -> str:
    """Provenance, parameters, quantifier instantiation, counterexample and notes of a verdict."""
    decision = verdict.decision
    lines = [
        f"{verdict.check}: {verdict.statement} → {verdict.outcome.value}",
        f"  bound: {verdict.bound.name} = {verdict.bound.expression} = {verdict.bound_value:.4f}",
        f"  provenance: {verdict.bound.provenance}",
        f"  parameters: {dict(verdict.parameters)}",
        f"  decision: {decision.violations} violations, {decision.undetermined} undetermined of "
        f"{decision.seeds} seeds; p = {decision.p_value:.3g} (α = {decision.alpha:g}); "
        f"violation rate ≤ {decision.violation_rate_upper:.3f} (δ = {decision.delta:g}); "
        f"declared false-alarm rate {verdict.false_alarm_rate:g}",
        f"  slack: min {verdict.min_slack:.4f}, median {verdict.median_slack:.4f}"
        + {
            True: "; bound on 0-1 error non-vacuous (< 1)",
            False: "; bound on 0-1 error vacuous (≥ 1)",
            None: "",
        }[verdict.non_vacuous],
        "  quantifiers:",
    ]
    lines += [f"    - {q.quantifier}: {q.instantiated_as} → {q.value}" for q in verdict.quantifiers]
    if verdict.counterexample:
        lines.append(f"  counterexample: {verdict.counterexample}")
    lines += [f"  note: {note}" for note in verdict.notes]
    return "\n".join(lines)
