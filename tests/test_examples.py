"""Every example under examples/ runs as a test module and is as short as its statement kind
promises: the public API states a check in a few dozen lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# example → (passing properties, the most lines of user code: no docstrings, no imports)
SHORT_EXAMPLES = {
    "hoeffding_inequality.py": (2, 30),  # kind (i): a probabilistic bound over seeds
    "gradient_descent_rate.py": (2, 30),  # kind (ii): a deterministic ∀-bound
    "monte_carlo_rate.py": (2, 30),  # kind (iii): a rate with a hidden constant
    "support_separation.py": (2, 30),  # kind (iv): a separation that grows
    "coupon_collector_need.py": (2, 30),  # kind (iv′): a need walked over a grid, with a rival
    "spectral_ordering.py": (2, 30),  # kind (v): an ordering of first times
    "theorem_3_12_variant.py": (2, 14),  # a 7-line strategy, the theorem, a 2-line variant
    "perceptron_mistake_bound.py": (2, 60),  # data, trainer, declaration and false variant
    # a strategy, the theorem (opted out of the power target), a 4-line false variant
    "theorem_3_12_near_noise.py": (2, 27),
}


def user_code_lines(path: Path) -> int:
    """Non-blank lines of a module, without its docstrings and imports."""
    source = path.read_text()
    skipped: set[int] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import | ast.ImportFrom) or (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            skipped.update(range(node.lineno, node.end_lineno + 1))
    return sum(
        1
        for number, line in enumerate(source.splitlines(), 1)
        if line.strip() and number not in skipped
    )


@pytest.mark.parametrize("name", sorted(SHORT_EXAMPLES))
def test_the_example_is_short(name):
    assert user_code_lines(EXAMPLES / name) <= SHORT_EXAMPLES[name][1]


@pytest.mark.parametrize(
    "name",
    [
        "hoeffding_inequality.py",
        "gradient_descent_rate.py",
        "monte_carlo_rate.py",
        "support_separation.py",
        "coupon_collector_need.py",
        "spectral_ordering.py",
    ],
)
def test_the_example_runs_and_refutes_its_false_variant(pytester, name):
    output = _run(pytester, name)
    assert "VIOLATED" in output and "(false)" in output and "HOLDS" in output


def test_a_variant_of_theorem_3_12_runs_through_the_same_check(pytester):
    """With a run cache, as its docstring promises: the variant's 8 examples are the theorem's
    measurements, served by the cache (without it, each property trained its own)."""
    output = _run(pytester, "theorem_3_12_variant.py", cache=True)
    assert "γ² conjecture" in output and "Theorem 3.12" in output
    assert "property test_the_gamma_squared_conjecture: 8 verdict(s)" in output
    served = re.search(r"run cache .*: (\d+) hits, \d+ runs computed", output)
    assert served and int(served.group(1)) >= 8, output


@pytest.mark.expensive
def test_the_gamma_squared_variant_is_refuted_near_the_noise_where_the_theorem_is_vacuous(
    pytester,
):
    """Γ² in place of √(2γ), declared through the public API, is refuted on the XOR
    mixture with ‖μ‖ at the noise width; the theorem's own bound is above 1 there."""
    output = _run(pytester, "theorem_3_12_near_noise.py", cache=True)
    rows = [line for line in output.splitlines() if line.startswith("gfl-theorem-3.12/xor")]
    assert len(rows) == 2
    assert any("γ² (false)" in row and "VIOLATED" in row and " yes " in row for row in rows)
    assert any("Theorem 3.12  " in row and "VACUOUS" in row for row in rows)
    assert "1 hits" in output  # the variant reuses the theorem's measurement


def _run(pytester, name: str, cache: bool = False) -> str:
    pytester.makepyfile(**{f"test_{name.removesuffix('.py')}": (EXAMPLES / name).read_text()})
    caching = ("--gflcheck-cache-dir", str(pytester.path / "cache")) if cache else ()
    result = pytester.runpytest("-p", "no:cacheprovider", *(caching or ("--gflcheck-no-cache",)))
    result.assert_outcomes(passed=SHORT_EXAMPLES[name][0])
    return result.stdout.str()
