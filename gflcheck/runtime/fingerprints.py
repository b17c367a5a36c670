"""What identifies the code behind a cached run: the package's code version (every module but
the product surface's) and a callable's fingerprint (its qualified name, bound arguments and the
source of every project file it reaches)."""

from __future__ import annotations

import functools
import hashlib
import inspect
import site
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parents[1]
"""The gflcheck package directory (its source makes the code version)."""

try:
    import fcntl
except ImportError:  # not on Windows: no cross-process lock (RunCache.computing)
    fcntl = None  # type: ignore[assignment]


UNMEASURED_MODULES = frozenset(
    {
        "__init__.py",
        "core/mutants.py",
        "core/setups.py",
        "core/verdict_text.py",
        "surface/baselines.py",
        "surface/break_points.py",
        "surface/cli.py",
        "surface/figures.py",
        "surface/plots.py",
        "surface/pytest_plugin.py",
        "surface/pytest_session.py",
        "surface/rendering.py",
        "surface/report_document.py",
        "surface/report_sections.py",
        "surface/sensitivity.py",
    }
)
"""Modules of the package (paths under it) that the code version leaves out: the product surface and what it
shows (the CLI, the pytest plugin, reports, baselines, set-up descriptions), and the sensitivity
analysis (mutants and break points, which re-judge cached measurements). None defines a cached
run, and no cached value is made by them, so editing them replays the cache instead of training
everything again (a test keeps them free of ``cached_run``)."""


@functools.cache
def _code_version(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).as_posix() in UNMEASURED_MODULES:
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _module_source_digest(function: Callable[..., Any]) -> str:
    """SHA-256 of the file that defines ``function`` (a user's cached function outside the
    package is keyed by its own source too)."""
    try:
        path = inspect.getsourcefile(function)
    except TypeError:
        return "no source file"
    return _file_digest(Path(path)) if path else "no source file"


def _file_digest(path: Path) -> str:
    status = path.stat()
    return _file_digest_at(path, status.st_mtime_ns, status.st_size)


@functools.cache
def _file_digest_at(path: Path, modified: int, size: int) -> str:
    """SHA-256 of ``path``, cached while its modification time and size stay the same."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def callable_fingerprint(function: Callable[..., Any]) -> tuple[Any, ...]:
    """A stable key for what ``function`` runs: its name, the arguments bound by
    ``functools.partial``, and the SHA-256 of every source file of the user's project that it
    reaches (:func:`reachable_source_files`). Functions of the ``gflcheck`` package are covered
    by :func:`code_version` instead."""
    if isinstance(function, functools.partial):
        return (
            "partial",
            callable_fingerprint(function.func),
            tuple(_argument_key(argument) for argument in function.args),
            {name: _argument_key(value) for name, value in function.keywords.items()},
        )
    name = f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
    files = reachable_source_files(function)
    return ("callable", name, tuple((str(path), _file_digest(path)) for path in files))


def _argument_key(value: Any) -> Any:
    """A bound argument of a partial: a function or partial by its fingerprint, else itself."""
    if isinstance(value, functools.partial) or inspect.isfunction(value):
        return callable_fingerprint(value)
    return value


def reachable_source_files(root: Any) -> list[Path]:
    """The project source files that ``root`` (a function, class, module or partial) reaches:
    the files defining it, the globals its code names, its closure and defaults, recursively.
    A project file is one outside the Python installation and outside ``gflcheck``; a module it
    reaches is hashed whole, so module constants count too."""
    files: set[Path] = set()
    seen: set[int] = set()
    stack = [root]
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, functools.partial):
            stack += [value.func, *value.args, *value.keywords.values()]
            continue
        if not (inspect.isfunction(value) or inspect.isclass(value) or inspect.ismodule(value)):
            continue
        path = _project_file(value)
        if path is None:
            continue
        files.add(path)
        if inspect.isfunction(value):
            names = _names_in(value.__code__)
            stack += [value.__globals__[n] for n in names if n in value.__globals__]
            stack += [cell.cell_contents for cell in value.__closure__ or ()]
            stack += list(value.__defaults__ or ()) + list((value.__kwdefaults__ or {}).values())
        elif inspect.isclass(value):
            for member in vars(value).values():
                stack.append(getattr(member, "__func__", member))
    return sorted(files)


def _names_in(code: Any) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if inspect.iscode(constant):
            names |= _names_in(constant)
    return names


def _project_file(value: Any) -> Path | None:
    """The source file of ``value`` if it belongs to the user's project, else ``None``."""
    try:
        source = inspect.getsourcefile(value)
    except TypeError:
        return None
    if not source:
        return None
    path = Path(source).resolve()
    outside = (_PACKAGE.resolve(), *_installation_directories())
    if any(path.is_relative_to(directory) for directory in outside):
        return None
    return path if path.is_file() else None


@functools.cache
def _installation_directories() -> tuple[Path, ...]:
    directories = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    directories |= {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib")}
    return tuple(Path(d).resolve() for d in directories if d)
