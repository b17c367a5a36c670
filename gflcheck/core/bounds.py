"""Symbolic bounds: a sympy expression with declared symbols, hidden constants and provenance.

A theorem's right-hand side, such as Theorem 3.12's
``OPT + r·B_a1·B_x1·√(2γ) + ε`` (Shi–Wei–Liang, NeurIPS 2023), is a :class:`Bound`. It knows
each symbol's domain (positive, integer, in (0, 1)), which symbols are *hidden constants* (the
``C`` inside an ``O(·)``, docs/setups.md §3), and where the formula comes from. It evaluates on
numbers, vectorised over numpy broadcasting, and refuses a missing, unknown or out-of-domain
value with an error that names the symbol and its allowed range.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import sympy
from sympy.parsing.sympy_parser import parse_expr

from gflcheck.core.provenance import Provenance, Tag
from gflcheck.runtime.errors import ParameterRangeError, UnknownSymbolError


@dataclass(frozen=True)
class SymbolDomain:
    """One symbol of a bound and the set of values it may take.

    ``lower``/``upper`` are ``None`` for an unbounded side; ``*_open`` say whether the end point
    itself is excluded. ``hidden`` marks a hidden constant of an ``O(·)`` or ``Ω(·)`` statement.
    """

    name: str
    lower: float | None = None
    upper: float | None = None
    lower_open: bool = True
    upper_open: bool = True
    integer: bool = False
    hidden: bool = False
    description: str = ""

    @property
    def symbol(self) -> sympy.Symbol:
        """The sympy symbol, with the assumptions that its domain implies."""
        assumptions: dict[str, bool] = {"real": True}
        if self.lower is not None and (self.lower > 0 or (self.lower == 0 and self.lower_open)):
            assumptions["positive"] = True
        elif self.lower is not None and self.lower >= 0:
            assumptions["nonnegative"] = True
        if self.integer:
            assumptions["integer"] = True
        return sympy.Symbol(self.name, **assumptions)

    def describe(self) -> str:
        """The domain in words, e.g. ``a real number in (0, 1)`` or ``an integer ≥ 1``."""
        kind = "an integer" if self.integer else "a real number"
        if self.lower is None and self.upper is None:
            return kind
        if self.upper is None:
            return f"{kind} {'>' if self.lower_open else '≥'} {_number(self.lower)}"
        if self.lower is None:
            return f"{kind} {'<' if self.upper_open else '≤'} {_number(self.upper)}"
        left = "(" if self.lower_open else "["
        right = ")" if self.upper_open else "]"
        return f"{kind} in {left}{_number(self.lower)}, {_number(self.upper)}{right}"

    def contains(self, values: np.ndarray) -> np.ndarray:
        """Element-wise membership of ``values`` (a float array) in this domain."""
        inside = np.isfinite(values)
        if self.lower is not None:
            inside &= values > self.lower if self.lower_open else values >= self.lower
        if self.upper is not None:
            inside &= values < self.upper if self.upper_open else values <= self.upper
        if self.integer:
            inside &= np.equal(np.mod(values, 1.0), 0.0)
        return inside


def _number(value: float | None) -> str:
    return f"{value:g}" if value is not None else ""


def positive(name: str, description: str = "") -> SymbolDomain:
    """A real symbol in (0, ∞)."""
    return SymbolDomain(name, lower=0.0, description=description)


def non_negative(name: str, description: str = "") -> SymbolDomain:
    """A real symbol in [0, ∞)."""
    return SymbolDomain(name, lower=0.0, lower_open=False, description=description)


def unit_interval(name: str, description: str = "") -> SymbolDomain:
    """A real symbol in the open interval (0, 1), like γ, ε and δ."""
    return SymbolDomain(name, lower=0.0, upper=1.0, description=description)


def positive_integer(name: str, description: str = "") -> SymbolDomain:
    """An integer symbol ≥ 1, like a width, a number of samples or of steps."""
    return SymbolDomain(name, lower=1.0, lower_open=False, integer=True, description=description)


def hidden_constant(name: str, description: str = "") -> SymbolDomain:
    """A positive hidden constant: the ``C`` that an ``O(·)`` or ``Ω(·)`` leaves unstated."""
    return SymbolDomain(name, lower=0.0, hidden=True, description=description)


def positive_reparametrisation(
    domains: Iterable[SymbolDomain],
) -> dict[sympy.Symbol, sympy.Expr]:
    """Each symbol with a bounded domain written through a positive variable ``u``: ``x = L + u``
    on ``(L, ∞)``, ``x = L + (U − L)/(1 + u)`` on ``(L, U)``, so that sympy's sign reasoning sees the
    whole domain (an integer symbol with both ends is left as it is)."""
    substitution = {}
    for domain in domains:
        if domain.lower is None or (domain.integer and domain.upper is not None):
            continue
        lower = sympy.nsimplify(domain.lower)
        if domain.upper is None:
            u = sympy.Symbol(
                f"_u_{domain.name}", positive=domain.lower_open or None, nonnegative=True
            )
            substitution[domain.symbol] = lower + u
        else:
            span = sympy.nsimplify(domain.upper) - lower
            u = sympy.Symbol(f"_u_{domain.name}", positive=True)
            substitution[domain.symbol] = lower + span / (1 + u)
    return substitution


class Monotonicity(StrEnum):
    """How a bound moves with one of its symbols over the whole declared domain."""

    INCREASING = "increasing"
    DECREASING = "decreasing"
    CONSTANT = "constant"
    UNKNOWN = "unknown"


def _parsed(name: str, expression: Any, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """``expression`` as a finite sympy expression, or a :class:`ParameterRangeError` that names
    the bound and says what is wrong: not parsable, not an expression, infinite or undefined
    (``1/0`` is ``zoo``), or calling a function sympy does not know (it could never be
    evaluated)."""
    try:
        parsed = sympy.sympify(expression, locals=dict(symbols))
    except (sympy.SympifyError, SyntaxError, TypeError) as error:
        raise ParameterRangeError(
            "expression",
            expression,
            f"a formula sympy can parse in the declared symbols ({error.__class__.__name__})",
            f"Bound {name!r}",
        ) from None
    if not isinstance(parsed, sympy.Expr):
        raise ParameterRangeError(
            "expression",
            expression,
            "a numeric expression, not a relation or a set",
            f"Bound {name!r}",
        )
    if parsed.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise ParameterRangeError(
            "expression",
            expression,
            "a finite formula (it contains ∞ or an undefined value, e.g. a division by 0)",
            f"Bound {name!r}",
        )
    unknown = sorted(
        str(f.func)
        for f in parsed.atoms(sympy.Function)
        if isinstance(f.func, sympy.core.function.UndefinedFunction)
    )
    if unknown:
        raise ParameterRangeError(
            "expression",
            expression,
            f"only functions sympy knows; {unknown} is undefined (declare it as a symbol, or "
            "write its formula)",
            f"Bound {name!r}",
        )
    return parsed


class Bound:
    """A symbolic bound with declared symbol domains, hidden constants and provenance.

    ``expression`` may be a sympy expression or a string parsed by :func:`sympy.sympify`. Every free
    symbol of the expression must be declared in ``symbols``; declared symbols that do not occur
    are allowed (a bound may ignore a parameter) but must still be given when evaluating.
    """

    def __init__(
        self,
        name: str,
        expression: sympy.Expr | str,
        symbols: Sequence[SymbolDomain],
        provenance: Provenance,
        description: str = "",
    ) -> None:
        names = [domain.name for domain in symbols]
        if len(set(names)) != len(names):
            duplicated = sorted({n for n in names if names.count(n) > 1})
            raise ParameterRangeError("symbols", duplicated, "each symbol declared once", name)
        self.name = name
        self.provenance = provenance
        self.description = description
        self._domains: dict[str, SymbolDomain] = {domain.name: domain for domain in symbols}
        self._symbols = {domain.name: domain.symbol for domain in symbols}
        parsed = _parsed(name, expression, self._symbols)
        undeclared = sorted(str(s) for s in parsed.free_symbols if str(s) not in self._domains)
        if undeclared:
            raise UnknownSymbolError(
                f"bound {name!r}: the expression uses undeclared symbol(s) {undeclared}; "
                f"declared: {sorted(self._domains)}"
            )
        # Re-bind every free symbol to the declared one, so assumptions hold even when the caller
        # built the expression from plain sympy.Symbol objects.
        self.expression: sympy.Expr = parsed.xreplace(
            {s: self._symbols[str(s)] for s in parsed.free_symbols}
        )
        self._order = names
        self._source = expression if isinstance(expression, str) else None
        self._lambdified: Callable[..., Any] | None = None

    def _arguments(self) -> tuple[Any, ...]:
        return (
            self.name,
            self.expression,
            tuple(self._domains.values()),
            self.provenance,
            self.description,
        )

    def _function(self) -> Callable[..., Any]:
        """The expression as a numpy function of the symbols in declaration order (built once,
        on first use: ``lambdify`` is the slow part of building a bound)."""
        if self._lambdified is None:
            order = tuple(self._symbols[n] for n in self._order)
            self._lambdified = _lambdified(order, self.expression)
        return self._lambdified

    def cache_key(self) -> tuple[Any, ...]:
        """What identifies the bound (for :mod:`gflcheck.runtime.cache`): name, expression, domains,
        provenance and description."""
        return self._arguments()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # the lambdified function is rebuilt
        name, expression, *rest = self._arguments()
        return type(self), (name, self._source or expression, *rest)

    def variant(self, name: str, expression: sympy.Expr | str, change: str) -> Bound:
        """The same symbols and source with another ``expression`` (a string may use the
        symbols' names), tagged ``ours``: ``change`` says what was changed, e.g. "√(2γ) → γ²"."""
        provenance = Provenance(
            self.provenance.paper, f"{self.provenance.location}, {change}", Tag.OURS, "variant"
        )
        return Bound(name, expression, list(self._domains.values()), provenance, self.description)

    # -- what the bound is made of -------------------------------------------------------------
    @property
    def domains(self) -> Mapping[str, SymbolDomain]:
        """The declared symbols by name."""
        return dict(self._domains)

    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the symbols that are not hidden constants, in declaration order."""
        return tuple(n for n in self._order if not self._domains[n].hidden)

    @property
    def hidden_constants(self) -> tuple[str, ...]:
        """Names of the hidden constants, in declaration order."""
        return tuple(n for n in self._order if self._domains[n].hidden)

    def symbol(self, name: str) -> sympy.Symbol:
        """The sympy symbol declared under ``name``."""
        self._require_declared(name)
        return self._symbols[name]

    def display_form(self) -> sympy.Expr:
        """The expression as declared: a string is parsed again without evaluation, so its
        terms stay in the order written (the paper's, when the declaration copies it), with
        only its numbers folded (``1/4``, ``√2``), and is used only where it equals the
        expression; a bound declared as a sympy expression shows sympy's order."""
        if self._source is None:
            return self.expression
        return _display_form(self._source, tuple(self._symbols.items()), self.expression)

    def latex(self) -> str:
        """The expression in LaTeX, in its :meth:`display_form`."""
        return _latex(self.display_form(), self._source is not None)

    def mathml(self) -> str:
        """The expression in presentation MathML (the content of a ``<math>`` element), which
        browsers render with no script or network fetch, in its :meth:`display_form`. sympy
        writes Euler's number as the double-struck ``ⅇ``; it is written as a plain italic ``e``
        here, as in the papers."""
        return _mathml(self.display_form(), self._source is not None)

    def __repr__(self) -> str:
        return f"Bound({self.name!r}, {self.expression}, {self.provenance})"

    # -- numbers --------------------------------------------------------------------------------
    def evaluate(
        self,
        values: Mapping[str, Any] | None = None,
        *,
        unchecked: Collection[str] = (),
        **kwargs: Any,
    ) -> Any:
        """Evaluate on numbers; arrays broadcast with numpy rules.

        Every declared symbol needs a value. Raises :class:`UnknownSymbolError` for a missing or
        unknown name, :class:`ParameterRangeError` for a value outside its symbol's domain
        (except the symbols named in ``unchecked``: hidden constants being fitted, whose sign is
        evidence), for shapes that do not broadcast, and for a non-finite or complex result.
        Returns a float for scalar input, else an ``ndarray``.
        """
        given = {**(values or {}), **kwargs}
        unknown = sorted(set(given) - set(self._domains))
        if unknown:
            raise UnknownSymbolError(
                f"bound {self.name!r} has no symbol(s) {unknown}; its symbols are {self._order}"
            )
        missing = [n for n in self._order if n not in given]
        if missing:
            raise UnknownSymbolError(
                f"bound {self.name!r} needs a value for {missing} "
                f"({'; '.join(f'{n}: {self._domains[n].describe()}' for n in missing)})"
            )
        arrays = [
            np.asarray(given[n], dtype=float)
            if n in unchecked
            else self._checked_array(n, given[n])
            for n in self._order
        ]
        try:
            broadcast = np.broadcast_arrays(*arrays)
        except ValueError:
            shapes = {n: a.shape for n, a in zip(self._order, arrays, strict=True)}
            raise ParameterRangeError(
                "shapes", shapes, "arrays that broadcast together", self.name
            ) from None
        with np.errstate(all="ignore"):
            result = np.asarray(self._function()(*broadcast))
        if np.iscomplexobj(result):
            raise ParameterRangeError("result", "complex", "a real value", self.name)
        result = np.broadcast_to(result.astype(float), broadcast[0].shape if broadcast else ())
        if not np.all(np.isfinite(result)):
            raise ParameterRangeError(
                "result", "non-finite (nan or inf)", "a finite value at every point", self.name
            )
        return float(result) if result.ndim == 0 else np.array(result)

    def _checked_array(self, name: str, value: Any) -> np.ndarray:
        domain = self._domains[name]
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterRangeError(name, value, domain.describe(), self.name) from None
        inside = domain.contains(array)
        if not np.all(inside):
            bad = array if array.ndim == 0 else array[~inside].ravel()[0]
            raise ParameterRangeError(name, float(bad), domain.describe(), self.name)
        return array

    # -- questions answered from the derivatives ------------------------------------------------
    def derivative(self, name: str) -> sympy.Expr:
        """∂B/∂(name), simplified."""
        return sympy.simplify(sympy.diff(self.expression, self.symbol(name)))

    def monotonicity(self, name: str) -> Monotonicity:
        """Sign of ∂B/∂(name) over the declared domains, decided by sympy's assumptions.

        Each symbol with a bounded domain is first written through a positive variable ``u``
        (``x = L + u`` on ``(L, ∞)``, ``x = L + (U − L)/(1 + u)`` on ``(L, U)``), so that sympy's sign
        reasoning sees the whole domain, e.g. ``log(r/δ) > 0`` for ``r ≥ 1``, ``δ ∈ (0, 1)``.
        ``UNKNOWN`` means sympy could not decide the sign (not that it changes sign).
        """
        symbol = self.symbol(name)
        # A positive constant factor or an added constant changes no slope's sign: a bound
        # tightened by a factor or a shift asks the cached question of its original.
        _, varying = self.expression.as_independent(symbol, as_Add=True)
        scale, shape = varying.as_coeff_Mul()
        if not scale.is_positive:
            shape = varying
        return _monotonicity(shape, symbol, tuple(self._domains.values()))

    def exponent(self, name: str) -> sympy.Expr:
        """The log-log slope ∂log B/∂log(name) = name·(∂B/∂name)/B, simplified.

        For ``C·e^{C₂L}/(γ²n)`` this is ``-1`` in ``n``: the rate a rate check compares with.
        """
        symbol = self.symbol(name)
        return sympy.simplify(symbol * sympy.diff(self.expression, symbol) / self.expression)

    def substitute(self, values: Mapping[str, float], name: str | None = None) -> Bound:
        """A new bound with some symbols fixed to numbers (e.g. calibrated hidden constants)."""
        for key, value in values.items():
            self._require_declared(key)
            self._checked_array(key, value)
        expression = self.expression.subs({self._symbols[k]: v for k, v in values.items()})
        kept = [self._domains[n] for n in self._order if n not in values]
        return Bound(name or self.name, expression, kept, self.provenance, self.description)

    def _require_declared(self, name: str) -> None:
        if name not in self._domains:
            raise UnknownSymbolError(
                f"bound {self.name!r} has no symbol {name!r}; its symbols are {self._order}"
            )


@functools.lru_cache(maxsize=1024)
def _display_form(
    source: str, symbols: tuple[tuple[str, sympy.Symbol], ...], expression: sympy.Expr
) -> sympy.Expr:
    """:meth:`Bound.display_form` of a declared string, once per string in a process."""
    try:
        written = _folded_numbers(parse_expr(source, local_dict=dict(symbols), evaluate=False))
        same = written.doit() == expression or sympy.simplify(written.doit() - expression) == 0
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError):
        return expression
    return written if same else expression


def _folded_numbers(expression: sympy.Expr) -> sympy.Expr:
    """An unevaluated expression with each subexpression free of symbols evaluated (``1/4``
    parsed unevaluated is ``1·4⁻¹``), the rest left as written."""
    if expression.is_Atom:
        return expression
    if not expression.free_symbols:
        return expression.doit()
    arguments = [_folded_numbers(argument) for argument in expression.args]
    try:
        return expression.func(*arguments, evaluate=False)
    except TypeError:  # a function without the keyword
        return expression.func(*arguments)


@functools.lru_cache(maxsize=1024)
def _latex(expression: sympy.Expr, as_written: bool) -> str:
    """:meth:`Bound.latex`, once per expression in a process (every verdict record prints it);
    ``as_written``: in the expression's own term order, not sympy's."""
    return sympy.latex(expression, order="none") if as_written else sympy.latex(expression)


@functools.lru_cache(maxsize=1024)
def _mathml(expression: sympy.Expr, as_written: bool) -> str:
    """:meth:`Bound.mathml`, once per expression in a process."""
    order = {"order": "none"} if as_written else {}
    markup = sympy.mathml(expression, printer="presentation", **order)
    return markup.replace("<mi>&ExponentialE;</mi>", "<mi>e</mi>")


@functools.lru_cache(maxsize=1024)
def _lambdified(symbols: tuple[sympy.Symbol, ...], expression: sympy.Expr) -> Callable[..., Any]:
    """``sympy.lambdify`` once per expression and symbol order in a process: the built-in
    checks build their bounds afresh for every setting, and the expression is the same."""
    return sympy.lambdify(list(symbols), expression, modules="numpy")


@functools.cache
def _monotonicity(
    expression: sympy.Expr, symbol: sympy.Symbol, domains: tuple[SymbolDomain, ...]
) -> Monotonicity:
    """:meth:`Bound.monotonicity`, once per expression, symbol and domains (sympy's sign
    reasoning is slow, and a mutant or a tightened bound asks the same question again)."""
    raw = sympy.simplify(sympy.diff(expression, symbol)).xreplace(
        positive_reparametrisation(domains)
    )
    sign = decided_sign(raw)
    if sign is None:
        return Monotonicity.UNKNOWN
    return (Monotonicity.DECREASING, Monotonicity.CONSTANT, Monotonicity.INCREASING)[sign + 1]


def decided_sign(expression: sympy.Expr) -> int | None:
    """0, 1 or −1 when sympy's assumptions decide that ``expression`` is zero, ≥ 0 or ≤ 0 (on
    the expression, its factored form with logs expanded, or its simplified form); ``None``
    when they cannot (which is not to say that the sign changes)."""
    forms = (
        expression,
        sympy.expand_log(sympy.factor(expression), force=True),
        sympy.simplify(expression),
    )
    for form in forms:
        if form.is_zero:
            return 0
        if form.is_nonnegative:
            return 1
        if form.is_nonpositive:
            return -1
    return None
