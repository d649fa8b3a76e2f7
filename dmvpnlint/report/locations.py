"""Paths as CI systems want them: relative to the repository root, with forward slashes.

The findings keep each path as the user gave it (INTERFACES.md). GitHub code scanning, GitHub
annotations and GitLab Code Quality instead resolve a path against the checked-out repository,
and CI runs dmvpnlint from that root: so a relative path stays as it is (in POSIX form), and an
absolute path under the working directory is made relative to it. An absolute path elsewhere
cannot be expressed relative to the repository and stays absolute.

A fleet of 10,000 spokes is 10,000 files in a few directories: `RepoPaths` resolves each
directory once (a `resolve()` is several system calls) and keeps the file's own name, so a
config that is a symbolic link is reported where the repository has it, not at its target.
"""

from __future__ import annotations

import os
from pathlib import Path


class RepoPaths:
    """Converts paths for one report; `base` defaults to the working directory."""

    def __init__(self, base: str | os.PathLike[str] | None = None) -> None:
        self._base = Path(base) if base is not None else None
        self._root: Path | None = None
        self._seen: dict[str, str] = {}
        self._dirs: dict[str, str | None] = {}

    def _root_dir(self) -> Path:
        if self._root is None:
            self._root = (self._base if self._base is not None else Path.cwd()).resolve()
        return self._root

    def __call__(self, path: str) -> str:
        known = self._seen.get(path)
        if known is None:
            known = self._seen[path] = self._convert(path)
        return known

    def _convert(self, path: str) -> str:
        given = Path(path)
        if not given.is_absolute():
            return given.as_posix()
        directory = self._relative_dir(str(given.parent))
        if directory is None:
            return given.as_posix()
        return f"{directory}/{given.name}" if directory != "." else given.name

    def _relative_dir(self, directory: str) -> str | None:
        """A directory relative to the root (`.` for the root), or None when outside it."""
        if directory not in self._dirs:
            try:
                relative = Path(directory).resolve().relative_to(self._root_dir())
                self._dirs[directory] = relative.as_posix()
            except ValueError:
                self._dirs[directory] = None
        return self._dirs[directory]


def repo_relative(path: str, base: str | os.PathLike[str] | None = None) -> str:
    """`path` relative to `base` (default: the working directory), with `/` separators."""
    return RepoPaths(base)(path)
