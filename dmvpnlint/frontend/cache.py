"""On-disk cache of the Devices the loader builds, one entry per config file.

The key is a hash of the file's bytes, the path as given (a Device names its file), and the
front end's identity: the dmvpnlint version and a hash of the grammar and front-end sources
(`frontend_identity`), so a new release or an edited grammar never reads an old entry. A
re-lint after one changed file therefore reparses that one file and unpickles the rest.

Entries are pickles, written with a reducer that rebuilds each frozen model dataclass by a
positional call (`cls(*fields)`) instead of the dataclass `__setstate__`, which sets each slot
from Python: on 10,000 spokes unpickling takes 1.4 s that way against 2.8 s (measured, see
benchmarks/README.md, "Cache"). A cache is a convenience, never a reason to fail: an entry
that cannot be read, unpickled or is not the Device of that path is a miss; a write that fails
(full disk, read-only folder) is dropped silently. The cache is the user's own folder; like
any pickle it must not be shared with people one does not trust.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

import dmvpnlint
from dmvpnlint import model

CACHE_FORMAT = "1"
# The sources whose change changes what the loader builds from the same bytes.
_FRONTEND_SOURCES = ("frontend", "model.py", "addrspace.py", "platforms.py", "releases.py")


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/dmvpnlint`, else `~/.cache/dmvpnlint`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dmvpnlint"


@cache
def _sources_digest() -> str:
    """A hash of ios.lark and the front end's Python sources, read once per process."""
    root = Path(dmvpnlint.__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for name in _FRONTEND_SOURCES:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".py", ".lark") and file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
    return digest.hexdigest()


def frontend_identity() -> str:
    """What makes two runs build the same Device from the same bytes: format, version, code."""
    return f"{CACHE_FORMAT}:{dmvpnlint.__version__}:{_sources_digest()}"


_FIELDS: dict[type, tuple[str, ...]] = {}


class _Pickler(pickle.Pickler):
    """Pickles a model dataclass as `cls(*values)`: one C-level call per object on load."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        names = _FIELDS.get(cls)
        if names is None:
            if not dataclasses.is_dataclass(cls) or not cls.__module__.startswith("dmvpnlint"):
                return NotImplemented
            names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
        return cls, tuple([getattr(obj, n) for n in names])


def dumps(device: model.Device) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(device)
    return buffer.getvalue()


class DeviceCache:
    """Devices by (path, content) for one run; `get` and `put` never raise."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(folder) if folder is not None else default_cache_dir()
        self.folder = self.root / f"v{CACHE_FORMAT}"
        self.identity = frontend_identity().encode()
        self.hits = 0
        self.misses = 0
        self._made: set[Path] = set()

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.blake2b(self.identity, digest_size=20)
        digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str, path: str) -> model.Device | None:
        """The cached Device of `path` with this key, or None (a miss, whatever the reason)."""
        try:
            data = self._entry(key).read_bytes()
            device = pickle.loads(data)
        except FileNotFoundError:
            device = None
        except Exception:  # noqa: BLE001 - a corrupt or unreadable entry is just a miss
            device = None
        if type(device) is not model.Device or device.file != path:
            self.misses += 1
            return None
        self.hits += 1
        return device

    def put(self, key: str, device: model.Device) -> None:
        """Store one Device; a failure to write (full disk, no permission) is ignored.

        Written to a temporary name of this process and renamed, so a reader never sees half
        an entry; the 256 sub-folders are created once per run."""
        entry = self._entry(key)
        tmp = entry.with_name(f".{key}.{os.getpid()}.tmp")
        try:
            data = dumps(device)
            if entry.parent not in self._made:
                entry.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(entry.parent)
            try:
                tmp.write_bytes(data)
                os.replace(tmp, entry)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except Exception:  # noqa: BLE001 - the cache must never fail the run
            return
