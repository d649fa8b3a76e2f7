"""Paths as CI systems want them: relative to the repository root, with forward slashes.

The findings keep each path as the user gave it (INTERFACES.md). GitHub code scanning, GitHub
annotations and GitLab Code Quality instead resolve a path against the checked-out repository,
and CI runs dmvpnlint from that root: so a relative path stays as it is (in POSIX form), and an
absolute path under the working directory is made relative to it. An absolute path elsewhere
cannot be expressed relative to the repository and stays absolute.
"""

from __future__ import annotations

import os
from pathlib import Path


def repo_relative(path: str, base: str | os.PathLike[str] | None = None) -> str:
    """`path` relative to `base` (default: the working directory), with `/` separators."""
    given = Path(path)
    if given.is_absolute():
        root = Path(base) if base is not None else Path.cwd()
        try:
            return given.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return given.as_posix()
    return given.as_posix()
