"""A TheoryCheck's keyword arguments, with the ones that belong to its Confidence, SeedPlan,
Expectation, Wording and PropertyRule given flat (``delta=``, ``seeds=``, ``holds_share=``…) and grouped here: for tests
that vary one of them at a time."""

from __future__ import annotations

from typing import Any

from gflcheck import Confidence, Expectation, PropertyRule, SeedPlan, Wording

GROUPS = {
    "confidence": (
        Confidence,
        {
            k: k
            for k in (
                "delta",
                "alpha",
                "violation_alpha",
                "power",
                "miscoverage",
                "bound_miscoverage",
            )
        },
    ),
    "seed_plan": (
        SeedPlan,
        {
            "seeds": "count",
            "min_seeds": "minimum",
            "unconfirmed": "unconfirmed",
            "seed_stream": "stream",
        },
    ),
    "expectation": (
        Expectation,
        {k: k for k in ("why_false", "discrepancy", "observation")},
    ),
    "wording": (Wording, {k: k for k in ("statement", "quantity", "label")}),
    "property_rule": (
        PropertyRule,
        {
            "holds_share": "holds_share",
            "holds_share_reason": "reason",
            "detection_rate": "detection_rate",
        },
    ),
}


def grouped(**fields: Any) -> dict[str, Any]:
    """``fields`` with the flat ones moved into their group's object."""
    out = {k: v for k, v in fields.items() if not any(k in m for _, m in GROUPS.values())}
    for name, (kind, names) in GROUPS.items():
        given = {names[k]: v for k, v in fields.items() if k in names}
        if given:
            out[name] = kind(**given)
    return out
