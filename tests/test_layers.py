"""gflcheck's imports point down its layers, with no circle, and no module outgrows one job.

The layers, lowest first: ``runtime`` (errors, seeds, files, devices, executors, profiles, the
run cache), ``core`` (what a theorist imports: bounds, the check, statement kinds, verdicts,
estimators), ``models`` (distributions, networks, trainers), ``theorems`` (sympy statements),
``claims`` (one module per claim), the catalogue and strategies, ``surface`` (CLI, pytest plugin,
report), and the package face. A module may import its own layer or any layer below it.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gflcheck"
LAYERS = (
    "runtime",
    "core",
    "models",
    "theorems",
    "claims",
    ("catalogue", "strategies"),
    "surface",
    "__init__",
)
MAX_LINES = 600


def _layer(module: str) -> int:
    """The rank of ``gflcheck.<first>…`` in :data:`LAYERS`."""
    first = module.split(".")[1] if "." in module else "__init__"
    for rank, layer in enumerate(LAYERS):
        if first == layer or (isinstance(layer, tuple) and first in layer):
            return rank
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "gflcheck":
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "gflcheck"}
    return found


def _known(target: str, modules: dict[str, Path]) -> str:
    """``gflcheck.core.bounds.Bound`` imported as a name resolves to its module."""
    while target not in modules and "." in target:
        target = target.rpartition(".")[0]
    return target


def test_every_import_points_to_the_same_layer_or_below():
    modules = _modules()
    upward = [
        f"{name} (layer {LAYERS[_layer(name)]}) imports {target}"
        for name, path in modules.items()
        if name != "gflcheck"
        for target in map(lambda t: _known(t, modules), _imports(path))
        if _layer(target) > _layer(name)
    ]
    assert upward == [], "\n".join(upward)


def test_the_module_level_imports_form_no_circle():
    modules = _modules()
    graph = {
        name: {_known(t, modules) for t in _imports(path, top_level_only=True)} - {name}
        for name, path in modules.items()
    }
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == [], circles


def test_a_claim_module_imports_no_other_claim():
    """A claim lives in its own module (plus its sympy statements in ``theorems``): what two
    claims share is a model, a statement kind or a need walk, one layer down."""
    modules = _modules()
    claims = {name for name in modules if name.startswith("gflcheck.claims.")}
    crossing = [
        f"{name} imports {target}"
        for name in sorted(claims)
        for target in sorted({_known(t, modules) for t in _imports(modules[name])})
        if target in claims and target != name
    ]
    assert crossing == [], "\n".join(crossing)


@pytest.mark.parametrize("name", sorted(_modules()))
def test_no_module_is_over_the_line_limit(name):
    lines = len(_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines, split it by job (limit {MAX_LINES})"


def test_the_face_exports_exactly_its_lazy_names():
    import gflcheck

    assert sorted(gflcheck.__all__) == sorted(gflcheck._EXPORTS)
    for name, module in gflcheck._EXPORTS.items():
        assert hasattr(importlib.import_module(module), name), f"{module} has no {name}"


def test_an_upward_import_is_found(tmp_path):
    """The rule can fail: a core module importing the surface, even inside a function."""
    source = tmp_path / "upward.py"
    source.write_text("def f():\n    from gflcheck.surface import cli\n")
    targets = {_known(t, _modules()) for t in _imports(source)}
    assert targets == {"gflcheck.surface.cli"}
    assert _layer("gflcheck.surface.cli") > _layer("gflcheck.core.declare")


def test_a_new_claims_module_joins_the_main_job_by_itself(tmp_path, monkeypatch):
    """Adding a claim is one claims module: its ``ENTRIES`` join the catalogue with no other
    line, and a module without entries adds none."""
    import gflcheck.claims
    from gflcheck import catalogue
    from gflcheck.claims import sgd_cube_xor

    (tmp_path / "zz_new_claim.py").write_text(
        "from gflcheck.claims.sgd_cube_xor import ENTRIES as _E\nENTRIES = _E[:1]\n"
    )
    (tmp_path / "zz_no_entries.py").write_text("X = 1\n")
    monkeypatch.setattr(gflcheck.claims, "__path__", [*gflcheck.claims.__path__, str(tmp_path)])
    try:
        names = [module.__name__.rsplit(".", 1)[1] for module in catalogue.claim_modules()]
        assert names == sorted(names) and {"zz_new_claim", "zz_no_entries"} <= set(names)
        assert catalogue.claim_entries() == (*catalogue.DEFAULT_CHECKS, sgd_cube_xor.ENTRIES[0])
    finally:
        for name in ("zz_new_claim", "zz_no_entries"):
            sys.modules.pop(f"gflcheck.claims.{name}", None)


@pytest.mark.parametrize(
    "name",
    [
        "gflcheck.surface.report_document",
        "gflcheck.surface.report_sections",
        "gflcheck.surface.figures",
        "gflcheck.surface.plots",
        "gflcheck.surface.rendering",
    ],
)
def test_the_report_draws_and_never_trains(name):
    """The report's modules read verdict records and the claims' computed figures
    (:mod:`gflcheck.core.illustrations`): they import no claim, no model and no trainer, so
    nothing they do can train."""
    modules = _modules()
    reached = sorted(
        target
        for target in {_known(t, modules) for t in _imports(modules[name])}
        if target.startswith(("gflcheck.claims", "gflcheck.models", "gflcheck.catalogue"))
    )
    assert reached == [], f"{name} imports {reached}"
