"""Shared test helpers: lint a fleet written as {file name: config text} in a temp folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dmvpnlint.checks import ALL_CHECKS
from dmvpnlint.engine import Finding, load_rules, select_rules
from dmvpnlint.engine.runner import LintContext, run
from dmvpnlint.frontend import load_fleet
from dmvpnlint.model import Fleet
from dmvpnlint.topology import build_topology

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def write_fleet(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def lint_paths(paths: Iterable[str], select: list[str] | None = None,
               inventory: str | None = None) -> tuple[Fleet, list[Finding]]:
    fleet = load_fleet(list(paths), inventory)
    rules = load_rules()
    selected = select_rules(rules, select, None)
    result = run(LintContext(fleet, build_topology(fleet)), ALL_CHECKS, rules, selected)
    assert not result.failures, [f.trace for f in result.failures]
    return fleet, result.findings


def lint_files(folder: Path, files: dict[str, str], select: list[str] | None = None) -> list[Finding]:
    write_fleet(folder, files)
    return lint_paths([str(folder)], select)[1]


def hits(findings: Iterable[Finding], rule: str) -> list[tuple[str, str, int]]:
    """(device, file name, line) of each finding of one rule, sorted."""
    return sorted((f.device, Path(f.file).name, f.line) for f in findings if f.rule == rule)
