"""Automatic mutants of a :class:`~gflcheck.core.bounds.Bound`: nearby statements, and which way each moves.

A check's sensitivity is how false a statement must be before the check notices. The mutants of a
bound are the statements a theorist could have written by a slip of one symbol, generated from the
sympy expression tree:

- each numeric constant scaled by ½ and by ¼ (``√(2γ) → √γ``);
- each power ``x^p`` moved toward 0 and away from it (``p ∓ ½``, or ``p/2`` when ``|p| ≤ ½``),
  each positive symbol ``x`` as ``x^½`` and ``x^{3/2}``, a symbolic exponent or ``exp``'s
  argument scaled by ½ and by 3/2 (``2^k → 2^{k/2}``);
- one multiplicative factor dropped, one additive term dropped;
- ``√u → u`` and ``log u → log log u``;
- each hidden constant scaled by ½ and by ¼.

:func:`compare_bounds` labels a mutant *smaller* or *larger* than the original everywhere, or
*neither*: proved by sympy over the declared domains where it can (each bounded symbol is written
through a positive variable, as :meth:`~gflcheck.core.bounds.Bound.monotonicity` does), otherwise by
evaluation on given points (the settings a check ran on), and says which. :func:`tightening` turns
that into *tighter* or *looser* for a statement "measured ≤ bound" (or ``≥``, ``at_least``): only a
tighter mutant is a candidate to refute.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import sympy

from gflcheck.core.bounds import Bound, decided_sign, positive_reparametrisation
from gflcheck.runtime.errors import GflcheckError

_HALF = sympy.Rational(1, 2)
_SCALES = (sympy.Rational(1, 2), sympy.Rational(1, 4))
_EXPONENT_SCALES = (sympy.Rational(1, 2), sympy.Rational(3, 2))


class Operator(StrEnum):
    """What a mutant changed."""

    CONSTANT = "constant scaled"
    EXPONENT = "exponent moved"
    FACTOR = "factor dropped"
    TERM = "term dropped"
    ROOT = "square root removed"
    LOG = "log → log log"
    HIDDEN_CONSTANT = "hidden constant scaled"


@dataclass(frozen=True)
class Mutant:
    """A bound one slip away from ``original``: ``bound`` is its variant (tagged ``ours``), made by
    ``operator``; ``change`` says where, e.g. ``"2 → 1 in sqrt(2*gamma)"``."""

    original: Bound
    bound: Bound
    operator: Operator
    change: str


class Direction(StrEnum):
    """How a mutant compares with the original bound, over the points where it was compared."""

    SMALLER = "smaller"  # ≤ everywhere, < somewhere
    LARGER = "larger"  # ≥ everywhere, > somewhere
    EQUAL = "equal"
    NEITHER = "neither"  # crosses the original, or is undefined somewhere


class Label(StrEnum):
    """A mutant's effect on the statement: *tighter* (a stronger claim, a candidate to refute),
    *looser* (implied by the original) or *neither*."""

    TIGHTER = "tighter"
    LOOSER = "looser"
    NEITHER = "neither"


@dataclass(frozen=True)
class Comparison:
    """A mutant's :class:`Direction`, and how it was decided: ``proved`` (sympy, over the declared
    domains) or by evaluation on ``points`` of them."""

    direction: Direction
    proved: bool
    points: int = 0
    reason: str = ""

    @property
    def how(self) -> str:
        """``"sympy, over the declared domain"`` or ``"evaluated on N points"``."""
        if self.proved:
            return "sympy, over the declared domain"
        return f"evaluated on {self.points} point(s)" + (f" ({self.reason})" if self.reason else "")


class MutantComparisonError(GflcheckError, ValueError):
    """A mutant could not be compared with its original (no points to evaluate on, and sympy
    could not decide)."""


def mutants(bound: Bound) -> tuple[Mutant, ...]:
    """Every mutant of ``bound`` (module docstring), each expression once, none equal to the
    original."""
    seen = {bound.expression}
    found = []
    for operator, expression, change in _mutations(bound):
        if expression in seen or sympy.expand(expression - bound.expression) == 0:
            continue
        seen.add(expression)
        name = f"{bound.name} [{change}]"
        found.append(Mutant(bound, bound.variant(name, expression, change), operator, change))
    return tuple(found)


def _mutations(bound: Bound) -> Iterator[tuple[Operator, sympy.Expr, str]]:
    expression = bound.expression
    hidden = {bound.symbol(name) for name in bound.hidden_constants}
    for path, node, parent in _nodes(expression):
        at = f" in {parent}" if parent is not None else ""
        is_exponent = isinstance(parent, sympy.Pow) and path[-1] == 1  # moved below, not scaled
        if node.is_Number and node != 0 and not is_exponent:
            for scale in _SCALES:
                yield (
                    Operator.CONSTANT,
                    _replace(expression, path, node * scale),
                    f"{node} → {node * scale}{at}",
                )
        if isinstance(node, sympy.Pow) and node.exp == _HALF:
            yield Operator.ROOT, _replace(expression, path, node.base), f"{node} → {node.base}"
        if isinstance(node, sympy.Pow) and not node.base.is_Number and node.exp.is_Rational:
            for exponent in _moved_exponents(node.exp):
                moved = node.base**exponent
                yield Operator.EXPONENT, _replace(expression, path, moved), f"{node} → {moved}"
        elif isinstance(node, sympy.Pow) and not node.exp.is_Number:
            for scale in _EXPONENT_SCALES:
                moved = node.base ** (node.exp * scale)
                yield Operator.EXPONENT, _replace(expression, path, moved), f"{node} → {moved}"
        elif isinstance(node, sympy.exp):
            for scale in _EXPONENT_SCALES:
                moved = sympy.exp(node.args[0] * scale)
                yield Operator.EXPONENT, _replace(expression, path, moved), f"{node} → {moved}"
        if (
            isinstance(node, sympy.Symbol)
            and node not in hidden
            and node.is_positive
            and not isinstance(parent, sympy.Pow)
        ):
            for exponent in _EXPONENT_SCALES:
                moved = node**exponent
                yield Operator.EXPONENT, _replace(expression, path, moved), f"{node} → {moved}"
        if isinstance(node, sympy.Mul):
            for index, factor in enumerate(node.args):
                if factor.is_Number:
                    continue
                rest = sympy.Mul(*(a for i, a in enumerate(node.args) if i != index))
                yield Operator.FACTOR, _replace(expression, path, rest), f"factor {factor} dropped"
        if isinstance(node, sympy.Add):
            for index, term in enumerate(node.args):
                rest = sympy.Add(*(a for i, a in enumerate(node.args) if i != index))
                yield Operator.TERM, _replace(expression, path, rest), f"term {term} dropped"
        if isinstance(node, sympy.log):
            nested = sympy.log(node)
            yield Operator.LOG, _replace(expression, path, nested), f"{node} → {nested}"
    for constant in sorted(hidden, key=str):
        for scale in _SCALES:
            yield (
                Operator.HIDDEN_CONSTANT,
                expression.xreplace({constant: constant * scale}),
                f"{constant} → {constant * scale}",
            )


def _nodes(
    expression: sympy.Expr, path: tuple[int, ...] = (), parent: sympy.Expr | None = None
) -> Iterator[tuple[tuple[int, ...], sympy.Expr, sympy.Expr | None]]:
    """Every subexpression, with its path of argument indices and its parent."""
    yield path, expression, parent
    for index, argument in enumerate(expression.args):
        yield from _nodes(argument, (*path, index), expression)


def _replace(expression: sympy.Expr, path: tuple[int, ...], new: sympy.Expr) -> sympy.Expr:
    """``expression`` with the subexpression at ``path`` replaced by ``new`` (re-evaluated)."""
    if not path:
        return new
    arguments = list(expression.args)
    arguments[path[0]] = _replace(arguments[path[0]], path[1:], new)
    return expression.func(*arguments)


def _moved_exponents(exponent: sympy.Rational) -> tuple[sympy.Rational, sympy.Rational]:
    """``p`` moved toward 0 (by ½, or halved when ``|p| ≤ ½``) and away from it (by ½)."""
    sign = 1 if exponent > 0 else -1
    toward = exponent - sign * _HALF if abs(exponent) > _HALF else exponent / 2
    return toward, exponent + sign * _HALF


def compare_bounds(
    mutant: Bound, original: Bound, points: Sequence[Mapping[str, Any]] = ()
) -> Comparison:
    """Whether ``mutant`` is smaller or larger than ``original`` everywhere (module docstring).

    sympy first: the sign of ``mutant − original`` (and of ``mutant/original − 1`` where the
    original is positive) over the declared domains of ``original``'s symbols. Else evaluation at
    each of ``points`` (values of the symbols, numbers or arrays that broadcast); a mutant that
    does not evaluate to finite real numbers at a point is *neither* there. Raises
    :class:`MutantComparisonError` when sympy cannot decide and no point is given.
    """
    proved = _direction_by_sympy(mutant.expression, original)
    if proved is not None:
        return Comparison(proved, proved=True)
    if not points:
        raise MutantComparisonError(
            f"sympy cannot tell whether {mutant.expression} is below or above "
            f"{original.expression} everywhere, and no points were given to evaluate on; pass "
            "points=[{symbol: value, ...}, ...] (the settings the check ran on)"
        )
    return _direction_by_evaluation(mutant, original, points)


def _direction_by_sympy(expression: sympy.Expr, original: Bound) -> Direction | None:
    substitution = positive_reparametrisation(original.domains.values())
    difference = (expression - original.expression).xreplace(substitution)
    candidates = [difference]
    base = original.expression.xreplace(substitution)
    if base.is_positive:
        candidates.append(sympy.simplify(expression.xreplace(substitution) / base) - 1)
    for candidate in candidates:
        sign = decided_sign(candidate)
        if sign is not None:
            return (Direction.SMALLER, Direction.EQUAL, Direction.LARGER)[sign + 1]
    return None


def _direction_by_evaluation(
    mutant: Bound, original: Bound, points: Sequence[Mapping[str, Any]]
) -> Comparison:
    mutated, originals = [], []
    for point in points:
        try:
            mutated.append(np.ravel(mutant.evaluate(point)))
        except GflcheckError:
            return Comparison(
                Direction.NEITHER, False, len(points), "not a finite real number at some point"
            )
        originals.append(np.ravel(original.evaluate(point)))
    return Comparison(
        direction_of(np.concatenate(mutated), np.concatenate(originals)), False, len(points)
    )


def direction_of(mutated: np.ndarray, original: np.ndarray) -> Direction:
    """The :class:`Direction` of numbers ``mutated`` against ``original`` (equal where they differ
    by at most 1e-12 of their size: evaluation round-off), element by element."""
    mutated, original = np.broadcast_arrays(
        np.asarray(mutated, dtype=float), np.asarray(original, dtype=float)
    )
    if not (np.all(np.isfinite(mutated)) and np.all(np.isfinite(original))):
        return Direction.NEITHER
    difference = mutated - original
    noise = 1e-12 * np.maximum(np.abs(original), np.abs(mutated))
    below, above = np.any(difference < -noise), np.any(difference > noise)
    if below and above:
        return Direction.NEITHER
    return Direction.SMALLER if below else Direction.LARGER if above else Direction.EQUAL


def tightening(direction: Direction, at_least: bool = False) -> Label:
    """A mutant's :class:`Label` for the statement "measured ≤ bound" (``at_least``: ``≥``): a
    smaller bound (a larger one, for ``≥``) is a stronger claim."""
    if direction in (Direction.EQUAL, Direction.NEITHER):
        return Label.NEITHER
    stronger = Direction.LARGER if at_least else Direction.SMALLER
    return Label.TIGHTER if direction is stronger else Label.LOOSER


__all__ = [
    "Comparison",
    "Direction",
    "Label",
    "Mutant",
    "MutantComparisonError",
    "Operator",
    "compare_bounds",
    "direction_of",
    "mutants",
    "tightening",
]
