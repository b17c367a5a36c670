"""On-disk cache of training runs and check results, so that a replay or a report reruns nothing.

A function decorated with :func:`cached_run` is a pure function of its arguments: every random draw
inside it comes from seeds among those arguments (:mod:`gflcheck.runtime.random`). While a
:class:`RunCache` is active (:func:`use_cache`), a call is looked up under the key

    SHA-256( function's module and name, canonical arguments, code version, environment )

where the canonical arguments encode dataclass fields, numbers (floats bit-exactly), strings,
tensors and arrays (dtype, shape and bytes), sympy expressions (``srepr``) and enums; the code
version hashes every source file of the installed ``gflcheck`` package (but its presentation
layer and the sensitivity analysis, :data:`UNMEASURED_MODULES`) and the file that defines
the function (so a user's own cached trainer is keyed by its source too); the environment is the
torch, numpy, scipy, sympy and Python versions, the machine and torch's thread count (which
changes the order of floating-point sums). Anything else (a ``torch.Generator``, a lambda) cannot
be keyed, and :class:`CacheKeyError` says which argument.

A miss runs the function and stores the value; a setting the check rejects
(:class:`~gflcheck.runtime.errors.SettingRejectedError`) is stored as such and raised again on a hit. Each
entry is one pickle file after a ``gflcheck-run-cache/N`` header line and its SHA-256 (a changed
byte is refused, never replayed: the run is recomputed with a :class:`ChangedEntryWarning` naming
the file), written atomically
(:func:`gflcheck.runtime.files.write_atomically`): Ctrl-C leaves no partial entry. While a run is computed
its process holds an exclusive lock (``flock``) on ``<key>.lock`` beside the entry: another process
that needs the same run (a parallel main job, pytest-xdist workers) waits and reads the entry
instead of computing it again; the lock file is removed once the entry is stored. A cache made
with ``defer_when_busy`` raises :class:`RunBusy` instead of waiting, so that a scheduler (``gflcheck
check -j``) can give the worker another entry and come back to this one. An entry that cannot be
read raises :class:`CacheError` naming the file; it is never overwritten or deleted silently. The
cache directory carries a marker file; a directory that holds other files is refused, and
``clear`` deletes only files that carry the header, inside a marked directory. No cache is active
unless a caller activates one (the pytest plugin does for properties, the ``gflcheck`` command for
its checks). Those two keep the directory within a size limit (``$GFLCHECK_CACHE_MAX_SIZE``,
default 4 GiB, :func:`gflcheck.runtime.defaults.cache_size_limit`): when they finish, the least
recently used entries are deleted down to it (:meth:`RunCache.prune`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import inspect
import os
import pickle
import platform
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import metadata
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import sympy
import torch

try:
    import fcntl
except ImportError:  # not on Windows: no cross-process lock (RunCache.computing)
    fcntl = None  # type: ignore[assignment]

from gflcheck.runtime.defaults import CACHE_DIRECTORY_VARIABLE, DEFAULT_CACHE_DIRECTORY
from gflcheck.runtime.devices import device_name
from gflcheck.runtime.errors import GflcheckError, SettingRejectedError
from gflcheck.runtime.files import write_atomically
from gflcheck.runtime.fingerprints import (
    _PACKAGE,
    _code_version,
    _module_source_digest,
    callable_fingerprint,
)

FORMAT = "gflcheck-run-cache/3"
HEADER = (FORMAT + "\n").encode()
"""Every entry file starts with these bytes, then the SHA-256 of the pickled entry (64 hex digits
and a newline), then the entry; ``clear`` removes no file without a header."""
OLDER_HEADERS = (b"gflcheck-run-cache/2\n",)
"""Headers of entries an earlier gflcheck wrote (without a checksum): never read (the format is
part of every key), removed by ``clear``."""
LOCK_SUFFIX = ".lock"
"""A run being computed: ``<key>.lock``, empty, beside where its entry will be."""
MARKER = ".gflcheck-run-cache"
"""The file that marks a directory as a run cache that gflcheck created."""

P = ParamSpec("P")
R = TypeVar("R")


class CacheError(GflcheckError):
    """A cache entry exists but cannot be read; it is left in place for inspection."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            f"cache entry {path} cannot be read ({problem}); it was left as it is. Delete it, "
            f"or clear the cache with `gflcheck cache clear`, to recompute"
        )


class ChangedEntryError(CacheError):
    """An entry's payload no longer matches the checksum stored with it: its bytes changed after
    gflcheck wrote it. :func:`cached_run` recomputes the run instead, with a
    :class:`ChangedEntryWarning`, and leaves the file as it is."""


class ChangedEntryWarning(UserWarning):
    """A run was recomputed because its cache entry's checksum did not match (the file is
    named; delete it, or `gflcheck cache clear`, to store the run again)."""


class RunBusy(BaseException):
    """Raised instead of waiting, by a :class:`RunCache` with ``defer_when_busy``, when another
    process holds the lock on a run this one needs: its caller may run something else and try
    again later. A ``BaseException``, like ``KeyboardInterrupt``, so that no check's ``except
    Exception`` turns it into an outcome; the runs stored before it stay stored."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"run {key[:12]}… is being computed by another process")


class ForeignDirectoryError(GflcheckError):
    """The cache directory holds files gflcheck did not write: it is neither used nor cleared."""

    def __init__(self, directory: Path, problem: str) -> None:
        self.directory = directory
        self.problem = problem
        super().__init__(
            f"{directory} is not a gflcheck run cache ({problem}); nothing in it was touched. "
            f"Point --cache-dir or ${CACHE_DIRECTORY_VARIABLE} at a new or empty directory"
        )

    def __reduce__(self) -> tuple[type, tuple[Path, str]]:  # raised in a worker, read here
        return type(self), (self.directory, self.problem)


class CacheKeyError(GflcheckError, TypeError):
    """An argument of a cached function has no canonical encoding."""

    def __init__(self, where: str, value: object) -> None:
        self.where = where
        super().__init__(
            f"cannot key the run cache on {where} of type {type(value).__name__}: allowed "
            f"numbers, strings, None, tuples, lists, dicts, dataclasses, enums, tensors, arrays, "
            f"sympy expressions and objects with a cache_key() method (pass seeds, not generators)"
        )


def code_version() -> str:
    """SHA-256 of every ``.py`` file of the ``gflcheck`` package (paths and contents) but the
    :data:`UNMEASURED_MODULES`."""
    return _code_version(_PACKAGE)


def environment() -> dict[str, str]:
    """What a cached number depends on besides the code and the arguments: library versions,
    the machine, the compute device (:mod:`gflcheck.runtime.devices`), torch's thread count (the order of
    floating-point sums) and default dtype."""
    return {
        **_library_versions(),
        "device": device_name(),
        "torch_threads": str(torch.get_num_threads()),
        "torch_default_dtype": str(torch.get_default_dtype()),
    }


@functools.cache
def _library_versions() -> dict[str, str]:
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scipy": metadata.version("scipy"),
        "sympy": sympy.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def canonical_key(function: Callable[..., Any], arguments: Mapping[str, Any]) -> str:
    """The cache key of ``function(**arguments)`` (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update(FORMAT.encode())
    digest.update(f"{function.__module__}.{function.__qualname__}".encode())
    _encode(digest, _module_source_digest(function), "the defining module's source")
    _encode(digest, dict(arguments), "the arguments")
    _encode(digest, code_version(), "code version")
    _encode(digest, environment(), "environment")
    return digest.hexdigest()


def _encode(digest: Any, value: Any, where: str) -> None:
    """Feed a type-tagged, unambiguous encoding of ``value`` to ``digest``."""

    def tag(name: str, payload: bytes = b"") -> None:
        digest.update(name.encode() + b":" + str(len(payload)).encode() + b":" + payload)

    if value is None or isinstance(value, bool):
        tag(repr(value))
    elif isinstance(value, enum.Enum):
        tag(f"enum {type(value).__module__}.{type(value).__qualname__}", value.name.encode())
    elif isinstance(value, int | np.integer):
        tag("int", str(int(value)).encode())
    elif isinstance(value, float | np.floating):
        tag("float", float(value).hex().encode())
    elif isinstance(value, str):
        tag("str", value.encode())
    elif isinstance(value, torch.dtype):
        tag("torch.dtype", str(value).encode())
    elif isinstance(value, torch.Tensor):
        array = value.detach().cpu().contiguous()
        tag("tensor", f"{array.dtype}{tuple(array.shape)}".encode())
        digest.update(array.view(torch.uint8).numpy().tobytes() if array.numel() else b"")
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        tag("ndarray", f"{array.dtype.str}{array.shape}".encode() + array.tobytes())
    elif isinstance(value, sympy.Basic):
        tag("sympy", sympy.srepr(value).encode())
    elif hasattr(value, "cache_key"):
        tag(f"object {type(value).__module__}.{type(value).__qualname__}")
        _encode(digest, value.cache_key(), f"{where}.cache_key()")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        tag(f"dataclass {type(value).__module__}.{type(value).__qualname__}")
        for item in dataclasses.fields(value):
            tag("field", item.name.encode())
            _encode(digest, getattr(value, item.name), f"{where}.{item.name}")
    elif isinstance(value, tuple | list):
        tag(type(value).__name__, str(len(value)).encode())
        for index, item in enumerate(value):
            _encode(digest, item, f"{where}[{index}]")
    elif isinstance(value, set | frozenset):
        tag("set")
        _encode(digest, sorted(value, key=repr), where)
    elif isinstance(value, dict):
        tag("dict", str(len(value)).encode())
        for name in sorted(value, key=repr):
            _encode(digest, name, f"a key of {where}")
            _encode(digest, value[name], f"{where}[{name!r}]")
    else:
        raise CacheKeyError(where, value)


@dataclasses.dataclass
class RunCache:
    """A directory of cache entries, with this process's hit and miss counts."""

    directory: Path
    hits: int = 0
    misses: int = 0
    defer_when_busy: bool = False  # raise RunBusy instead of waiting on another process's lock
    unstored: int = 0
    """Runs computed but not stored: the directory could not be written (read-only, full)."""
    unwritable: str | None = None
    """Why the first of them could not be stored (``None``: every store succeeded)."""

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)

    def _cannot_write(self, error: OSError) -> None:
        """Note a failed write: the run goes on with its value, unstored (never lost, never
        a crash); the command reports the count and the reason."""
        self.unstored += 1
        if self.unwritable is None:
            self.unwritable = (
                f"{error.strerror or error} ({getattr(error, 'filename', '') or self.directory})"
            )

    def path(self, key: str) -> Path:
        """Where the entry for ``key`` lives."""
        return self.directory / key[:2] / f"{key}.pickle"

    def load(self, key: str) -> tuple[bool, Any]:
        """``(True, value)`` for a stored entry, ``(False, None)`` when there is none.

        Raises :class:`CacheError` for an entry that exists but cannot be read.
        """
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return False, None
        except OSError as error:
            raise CacheError(path, str(error)) from error
        if not data.startswith(HEADER):
            raise CacheError(path, f"it does not start with the {FORMAT} header")
        stored, payload = data[len(HEADER) : len(HEADER) + 64], data[len(HEADER) + 65 :]
        if hashlib.sha256(payload).hexdigest().encode() != stored:
            raise ChangedEntryError(
                path, "its checksum does not match: the bytes changed after writing"
            )
        try:
            entry = pickle.loads(payload)
        except Exception as error:  # any unpickling failure means a corrupt file
            raise CacheError(path, f"{type(error).__name__}: {error}") from error
        if not isinstance(entry, dict) or entry.get("key") != key:
            raise CacheError(path, f"not the entry for key {key[:12]}…")
        with contextlib.suppress(OSError):  # its use time, for prune (a read-only cache: none)
            os.utime(path)
        return True, entry["value"]

    @contextmanager
    def computing(self, key: str) -> Iterator[None]:
        """Hold the exclusive lock on ``key``'s run while it is computed (module docstring).

        The lock file is removed after the block: a process that waited on it finds the entry
        stored, and one that comes later finds the entry before it looks for a lock."""
        if fcntl is None:  # no flock here: runs may be computed twice, never wrongly
            yield
            return
        self.require_usable()
        path = self.path(key).with_suffix(LOCK_SUFFIX)
        created = [folder for folder in (self.directory, path.parent) if not folder.exists()]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a")
        except OSError:  # a read-only directory: compute unlocked; store() counts the miss
            yield
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (fcntl.LOCK_NB if self.defer_when_busy else 0))
            except BlockingIOError:
                raise RunBusy(key) from None
            try:
                yield
            finally:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                fcntl.flock(handle, fcntl.LOCK_UN)
                for folder in reversed(created):  # nothing stored (an interrupted run)
                    with contextlib.suppress(OSError):
                        folder.rmdir()

    def store(self, key: str, value: Any) -> None:
        """Write the entry for ``key`` atomically, in a directory marked as a run cache. A
        directory that cannot be written (read-only, a full disk) leaves the entry unstored and
        counted (:attr:`unstored`); the value is still returned to the run."""
        entry = {"key": key, "value": value}
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        data = HEADER + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        try:
            self.mark()
            write_atomically(self.path(key), data)
        except OSError as error:
            self._cannot_write(error)

    def mark(self) -> None:
        """Create the directory with its marker, or mark an existing one that holds nothing but
        run-cache entries (:meth:`require_usable`)."""
        if self.require_usable():
            write_atomically(self.directory / MARKER, HEADER)

    def require_usable(self) -> bool:
        """Refuse (:class:`ForeignDirectoryError`) a directory that holds anything but run-cache
        entries and has no marker; writes nothing. Returns whether the marker is still to be
        written."""
        if (self.directory / MARKER).is_file():
            return False
        if self.directory.exists():
            if not self.directory.is_dir():
                raise ForeignDirectoryError(self.directory, "it is a file")
            others = [
                p
                for p in self.directory.rglob("*")
                if p.is_file()
                and not _named_like_entry(p)
                and not _named_like_lock(p)
                and not _named_like_temporary(p)
            ]
            if others:
                raise ForeignDirectoryError(
                    self.directory,
                    f"it holds other files, such as {others[0].name}, and no {MARKER}",
                )
        return True

    def entries(self) -> list[Path]:
        """Every entry file (named like an entry and starting with the header), sorted."""
        if not self.directory.is_dir():
            return []
        return [path for path in sorted(self.directory.glob("??/*.pickle")) if _is_entry(path)]

    def prune(self, most_bytes: int) -> tuple[int, int]:
        """Delete the least recently used entries (stored or read longest ago) until the entries
        take at most ``most_bytes``; return how many were deleted and the bytes freed. A
        directory without the marker is refused, as by :meth:`clear`."""
        if not self.directory.exists():
            return 0, 0
        if not (self.directory / MARKER).is_file():
            raise ForeignDirectoryError(self.directory, f"it has no {MARKER} marker")
        entries = sorted(((p.stat(), p) for p in self.entries()), key=lambda e: e[0].st_mtime)
        total = sum(status.st_size for status, _ in entries)
        removed = freed = 0
        for status, path in entries:
            if total - freed <= most_bytes:
                break
            path.unlink(missing_ok=True)
            removed, freed = removed + 1, freed + status.st_size
        return removed, freed

    def prune_quietly(self, most_bytes: int) -> tuple[int, int]:
        """:meth:`prune`, but a cache that cannot be pruned (read-only, or entries another
        process removed meanwhile) keeps what it has: ``(0, 0)``, or what was removed."""
        try:
            return self.prune(most_bytes)
        except (OSError, ForeignDirectoryError):
            return 0, 0

    def clear(self) -> int:
        """Delete the entries (files named like one that start with the header), then the
        subdirectories, the marker and the directory if nothing else is left in them; return how
        many entries were deleted. A directory without the marker is refused
        (:class:`ForeignDirectoryError`) and nothing in it is touched."""
        if not self.directory.exists():
            return 0
        if not (self.directory / MARKER).is_file():
            raise ForeignDirectoryError(self.directory, f"it has no {MARKER} marker")
        entries = self.entries()
        for path in entries:
            path.unlink()
        for lock in self.directory.glob(f"??/*{LOCK_SUFFIX}"):  # left by a killed process
            if _named_like_lock(lock) and lock.stat().st_size == 0:
                lock.unlink()
        for folder in sorted(self.directory.glob("??")):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if [p.name for p in self.directory.iterdir()] == [MARKER]:
            (self.directory / MARKER).unlink()
            self.directory.rmdir()
        return len(entries)


def _named_like_entry(path: Path) -> bool:
    """``xx/<64 hex digits>.pickle``, ``xx`` the first two digits."""
    name = path.name.removesuffix(".pickle")
    return (
        path.name.endswith(".pickle")
        and len(name) == 64
        and all(c in "0123456789abcdef" for c in name)
        and path.parent.name == name[:2]
    )


def _named_like_lock(path: Path) -> bool:
    """``xx/<64 hex digits>.lock`` (:meth:`RunCache.computing`)."""
    return path.suffix == LOCK_SUFFIX and _named_like_entry(path.with_suffix(".pickle"))


def _named_like_temporary(path: Path) -> bool:
    """``.<entry or marker name>.<random>``: a file :func:`~gflcheck.runtime.files.write_atomically` is
    writing (another process storing the first entries of a new cache)."""
    stem = path.name.removeprefix(".").rpartition(".")[0]
    return (
        path.name.startswith(".")
        and bool(stem)
        and (stem == MARKER or _named_like_entry(path.with_name(stem)))
    )


def _is_entry(path: Path) -> bool:
    """Named like a run-cache entry and starting with this format's header or an older one."""
    if not _named_like_entry(path):
        return False
    try:
        with path.open("rb") as stream:
            start = stream.read(max(len(h) for h in (HEADER, *OLDER_HEADERS)))
        return any(start.startswith(header) for header in (HEADER, *OLDER_HEADERS))
    except OSError:
        return False


@dataclasses.dataclass(frozen=True)
class _Rejected:
    """A stored rejection: the setting was rejected, with this error."""

    error: SettingRejectedError


_ACTIVE: ContextVar[RunCache | None] = ContextVar("gflcheck_run_cache", default=None)


def active_cache() -> RunCache | None:
    """The cache that :func:`cached_run` functions use now, or ``None``."""
    return _ACTIVE.get()


@contextmanager
def use_cache(cache: RunCache | None) -> Iterator[RunCache | None]:
    """Activate ``cache`` (``None``: no caching) inside the ``with`` block."""
    token = _ACTIVE.set(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)


def default_directory(root: Path | str = ".") -> Path:
    """``$GFLCHECK_CACHE_DIR`` if set, else ``ROOT/.gflcheck-cache``."""
    return Path(os.environ.get(CACHE_DIRECTORY_VARIABLE) or Path(root) / DEFAULT_CACHE_DIRECTORY)


def cached_run(function: Callable[P, R]) -> Callable[P, R]:
    """Cache ``function``'s results in the active :class:`RunCache` (see the module docstring).

    ``function`` must be pure: the same arguments always give the same value.
    """
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        cache = _ACTIVE.get()
        if cache is None:
            return function(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = canonical_key(function, bound.arguments)
        try:
            found, value = cache.load(key)
            if not found:
                with cache.computing(key):
                    # stored by another process while this one waited
                    found, value = cache.load(key)
                    if not found:
                        return _compute_and_store(cache, key, function, args, kwargs)
        except ChangedEntryError as changed:
            warnings.warn(
                ChangedEntryWarning(
                    f"cache entry {changed.path}: its checksum does not match (its bytes changed "
                    "after gflcheck wrote it), so the run was recomputed and the file left as it "
                    "is; delete it, or run `gflcheck cache clear`, to store the run again"
                ),
                stacklevel=2,
            )
            cache.misses += 1
            return function(*args, **kwargs)
        cache.hits += 1
        if isinstance(value, _Rejected):
            raise value.error
        return value

    wrapper.uncached = function  # type: ignore[attr-defined]
    return wrapper


def _compute_and_store(
    cache: RunCache, key: str, function: Callable[..., R], args: Any, kwargs: Any
) -> R:
    """A miss: run ``function`` and store its value, or the rejection it raised."""
    cache.misses += 1
    try:
        value = function(*args, **kwargs)
    except SettingRejectedError as rejected:
        cache.store(key, _Rejected(rejected))
        raise
    cache.store(key, value)
    return value


__all__ = [
    "CacheError",
    "CacheKeyError",
    "ChangedEntryError",
    "ChangedEntryWarning",
    "RunBusy",
    "RunCache",
    "active_cache",
    "cached_run",
    "callable_fingerprint",
    "canonical_key",
    "code_version",
    "default_directory",
    "environment",
    "use_cache",
]
