"""Where the data that ships beside the code lives: `rules/` and `targets/`.

Installed from a wheel they are the packages `dmvpnlint.rules_data` and
`dmvpnlint.targets_data`; in a source checkout (tests, editable installs) they are the
repository's top-level folders. Callers get a Traversable and need not care which.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _data_dir(package: str, folder: str) -> Traversable:
    try:
        found = resources.files(package)
        if found.is_dir() and any(True for _ in found.iterdir()):
            return found
    except ModuleNotFoundError:
        pass
    return _REPO_ROOT / folder


def rules_dir() -> Traversable:
    return _data_dir("dmvpnlint.rules_data", "rules")


def targets_dir() -> Traversable:
    return _data_dir("dmvpnlint.targets_data", "targets")
