"""Fingerprints identify a finding for baselines and SARIF across edits: adding or removing a
line above a problem must not change them. Every sample with configs is linted as it is and
again with `!` prepended to each config (every line moves down by one); the findings must be
the same, with the same fingerprints, and every line in a config exactly one further down (the
inventory is not touched)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from dmvpnlint.frontend.loader import CONFIG_SUFFIXES
from tests.helpers import REPO, lint_paths

SAMPLES = sorted(
    p.name for p in (REPO / "samples").iterdir()
    if p.is_dir() and any(f.suffix in CONFIG_SUFFIXES for f in p.iterdir())
)


def _shifted_copy(sample: Path, target: Path) -> Path:
    shutil.copytree(sample, target)
    for config in target.iterdir():
        if config.suffix in CONFIG_SUFFIXES:
            config.write_text("!\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_samples_with_configs_are_found() -> None:
    assert {"broken-crypto", "broken-mtu", "broken-nat", "clean-fleet"} <= set(SAMPLES)


@pytest.mark.parametrize("name", SAMPLES)
def test_fingerprints_do_not_depend_on_lines(name: str, tmp_path: Path) -> None:
    sample = REPO / "samples" / name
    _, before = lint_paths([str(sample)])
    _, after = lint_paths([str(_shifted_copy(sample, tmp_path / name))])
    assert Counter((f.rule, f.device, f.fingerprint) for f in after) == \
        Counter((f.rule, f.device, f.fingerprint) for f in before)
    assert Counter((f.rule, f.device, Path(f.file).name, f.line) for f in after) == \
        Counter((f.rule, f.device, Path(f.file).name, f.line + _shift(f.file)) for f in before)


def _shift(file: str) -> int:
    return 1 if Path(file).suffix in CONFIG_SUFFIXES else 0
