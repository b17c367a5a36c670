"""The symbolic bound object: evaluation, domains, errors, LaTeX, derivatives."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy

from gflcheck.core.bounds import (
    Bound,
    Monotonicity,
    hidden_constant,
    positive,
    positive_integer,
    unit_interval,
)
from gflcheck.core.provenance import Provenance, Tag
from gflcheck.runtime.errors import ParameterRangeError, UnknownSymbolError
from gflcheck.theorems.gfl import theorem_3_12_bound, width_requirement

PROVENANCE = Provenance("test paper", "Eq. 1", Tag.OURS)


def rate_bound() -> Bound:
    return Bound(
        "rate",
        "C1*exp(C2*L)/(gamma**2*n)",
        [
            hidden_constant("C1"),
            hidden_constant("C2"),
            positive_integer("L"),
            unit_interval("gamma"),
            positive_integer("n"),
        ],
        PROVENANCE,
    )


def test_theorem_3_12_evaluates_its_formula():
    bound = theorem_3_12_bound()
    value = bound.evaluate(OPT=0.1, r=4, B_a1=0.5, B_x1=3.0, gamma=0.02, epsilon=0.05)
    assert value == pytest.approx(0.1 + 4 * 0.5 * 3.0 * np.sqrt(0.04) + 0.05)
    assert bound.provenance.tag is Tag.SEED
    assert "Theorem 3.12" in bound.provenance.location


def test_evaluation_is_vectorised_with_broadcasting():
    bound = theorem_3_12_bound()
    gammas = np.array([0.01, 0.04, 0.09])
    values = bound.evaluate(OPT=0.0, r=1, B_a1=1.0, B_x1=1.0, gamma=gammas, epsilon=0.5)
    np.testing.assert_allclose(values, np.sqrt(2 * gammas) + 0.5)


def test_latex_and_symbols():
    bound = theorem_3_12_bound()
    assert r"\sqrt{2 \gamma}" in bound.latex() and r"\gamma" in bound.latex()
    assert set(bound.parameters) == {"OPT", "r", "B_a1", "B_x1", "gamma", "epsilon"}
    assert bound.hidden_constants == ()
    assert width_requirement().hidden_constants == ("C_m",)


@pytest.mark.parametrize("gamma", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_gamma_outside_unit_interval_is_refused_by_name(gamma):
    with pytest.raises(ParameterRangeError, match=r"gamma=.*allowed a real number in \(0, 1\)"):
        theorem_3_12_bound().evaluate(OPT=0.1, r=4, B_a1=1, B_x1=1, gamma=gamma, epsilon=0.1)


def test_non_integer_width_is_refused():
    with pytest.raises(ParameterRangeError, match=r"r=2\.5.*an integer ≥ 1"):
        theorem_3_12_bound().evaluate(OPT=0.1, r=2.5, B_a1=1, B_x1=1, gamma=0.1, epsilon=0.1)


def test_one_bad_entry_in_an_array_is_named():
    with pytest.raises(ParameterRangeError, match=r"epsilon=1\.2"):
        theorem_3_12_bound().evaluate(
            OPT=0.1, r=4, B_a1=1, B_x1=1, gamma=0.1, epsilon=np.array([0.1, 1.2])
        )


def test_unknown_and_missing_symbols_are_named():
    bound = theorem_3_12_bound()
    with pytest.raises(UnknownSymbolError, match=r"no symbol.*'delta'"):
        bound.evaluate(OPT=0.1, r=4, B_a1=1, B_x1=1, gamma=0.1, epsilon=0.1, delta=0.1)
    with pytest.raises(UnknownSymbolError, match=r"needs a value for \['epsilon'\]"):
        bound.evaluate(OPT=0.1, r=4, B_a1=1, B_x1=1, gamma=0.1)


def test_undeclared_free_symbol_in_expression_is_refused():
    with pytest.raises(UnknownSymbolError, match=r"undeclared symbol.*'z'"):
        Bound("bad", "x + z", [positive("x")], PROVENANCE)


def test_shapes_that_do_not_broadcast_are_refused():
    with pytest.raises(ParameterRangeError, match="shapes"):
        theorem_3_12_bound().evaluate(
            OPT=np.zeros(2), r=4, B_a1=1, B_x1=1, gamma=np.full(3, 0.1), epsilon=0.1
        )


def test_complex_or_nan_results_are_refused():
    bound = Bound("sqrt of negative", "sqrt(x - 2)", [positive("x")], PROVENANCE)
    with pytest.raises(ParameterRangeError, match="result"):
        bound.evaluate(x=1.0)
    assert bound.evaluate(x=6.0) == pytest.approx(2.0)


def test_monotonicity_from_derivatives():
    bound = theorem_3_12_bound()
    assert bound.monotonicity("gamma") is Monotonicity.INCREASING
    assert bound.monotonicity("OPT") is Monotonicity.INCREASING
    rate = rate_bound()
    assert rate.monotonicity("n") is Monotonicity.DECREASING
    assert rate.monotonicity("L") is Monotonicity.INCREASING
    wobbly = Bound("wobbly", "sin(x)", [positive("x")], PROVENANCE)
    assert wobbly.monotonicity("x") is Monotonicity.UNKNOWN
    assert width_requirement().monotonicity("p") is Monotonicity.DECREASING


def test_log_log_exponent_gives_the_rate():
    rate = rate_bound()
    assert rate.exponent("n") == -1
    assert rate.exponent("gamma") == -2
    assert sympy.simplify(theorem_3_12_bound().exponent("epsilon")).is_positive


def test_substitute_binds_hidden_constants():
    rate = rate_bound().substitute({"C1": 2.0, "C2": 0.5})
    assert rate.hidden_constants == ()
    assert rate.evaluate(L=2, gamma=0.5, n=8) == pytest.approx(2.0 * np.exp(1.0) / (0.25 * 8))
    with pytest.raises(ParameterRangeError, match="C1"):
        rate_bound().substitute({"C1": -1.0})


def test_a_bound_renders_as_presentation_mathml():
    from gflcheck.theorems.ttm_kernel import ttm_test_loss

    markup = ttm_test_loss().mathml()
    assert markup.startswith("<mrow><mfrac>") and "<msup><mi>e</mi>" in markup
    assert "ExponentialE" not in markup  # Euler's number as the papers write it
    assert "<msup><mi>&#947;</mi><mn>2</mn></msup>" in markup  # γ²


@pytest.mark.parametrize(
    "expression, says",
    [
        ("1/0", "finite formula"),
        ("x/0 + 1", "finite formula"),
        ("x +", "sympy can parse"),
        ("2*f(x)", "['f'] is undefined"),
        ("x < 1", "not a relation"),
    ],
)
def test_a_malformed_expression_is_refused_when_the_bound_is_made(expression, says):
    """Before any training: not at evaluation, and never as a raw sympy error or KeyError."""
    with pytest.raises(ParameterRangeError, match=re.escape(says)):
        Bound("b", expression, [positive("x")], Provenance("t", "-", Tag.OURS))


def test_a_bound_declared_as_a_string_is_shown_in_the_order_it_was_written():
    """Theorem 3.12 as the poster writes it, ``OPT + r·B_a1·B_x1·√(2γ) + ε``, not in sympy's
    order; its numbers folded (``1/4``), and the written form equal to the expression."""
    latex = theorem_3_12_bound().latex()
    assert latex == r"OPT + r B_{a1} B_{x1} \sqrt{2 \gamma} + \epsilon"
    mathml = theorem_3_12_bound().mathml()
    assert mathml.startswith("<mrow><mi>OPT</mi><mo>+</mo>") and "<msqrt><mrow><mn>2</mn>" in mathml
    gap = Bound(
        "gap",
        "9*rho**2*(G0 + 1/4)**2/n",
        [positive("rho"), positive("G0"), positive("n")],
        Provenance("unit test", "-", Tag.OURS),
    )
    assert gap.latex() == r"\frac{9 \rho^{2} \left(G_{0} + \frac{1}{4}\right)^{2}}{n}"
    assert sympy.simplify(gap.display_form().doit() - gap.expression) == 0


def test_a_bound_declared_as_a_sympy_expression_keeps_sympys_order_and_pickling_keeps_either():
    import pickle

    x = positive("x")
    built = Bound("b", 1 + 2 * x.symbol, [x], Provenance("unit test", "-", Tag.OURS))
    assert built.latex() == sympy.latex(built.expression)
    restored = pickle.loads(pickle.dumps(theorem_3_12_bound()))
    assert restored.latex() == theorem_3_12_bound().latex()
    assert restored.expression == theorem_3_12_bound().expression
