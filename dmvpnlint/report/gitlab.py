"""GitLab Code Quality JSON: findings in the merge request's Code Quality widget and diff.

GitLab needs, per issue, `description`, `check_name`, `fingerprint`, `severity` (one of info,
minor, major, critical, blocker), `location.path` and `location.lines.begin`. The fingerprint
must be unique within a report, and GitLab compares it between the source and target branch to
say which issues are new: it is derived from our line-free fingerprint, plus the occurrence
number when two findings share one, so it survives edits that only move lines.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, TextIO

from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.report import LintReport
from dmvpnlint.report.locations import RepoPaths

SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def unique_fingerprint(fingerprint: str, occurrence: int) -> str:
    """The first occurrence keeps a digest of our fingerprint; later ones add their number."""
    text = fingerprint if occurrence == 0 else f"{fingerprint}:{occurrence}"
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def issue(finding: Finding, fingerprint: str, path: str) -> dict[str, Any]:
    description = f"{finding.rule} {finding.name}: {finding.message}"
    if finding.hint:
        description += f" (hint: {finding.hint})"
    return {
        "type": "issue",
        "description": description,
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITY[finding.severity],
        "location": {
            "path": path,
            "lines": {"begin": max(1, finding.line)},
        },
    }


def report_to_gitlab(report: LintReport) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    paths = RepoPaths()
    issues = []
    for finding in report.findings:
        occurrence = seen[finding.fingerprint]
        seen[finding.fingerprint] += 1
        fingerprint = unique_fingerprint(finding.fingerprint, occurrence)
        issues.append(issue(finding, fingerprint, paths(finding.file)))
    return issues


def render_gitlab(report: LintReport) -> str:
    """Compact JSON ending in a newline: GitLab reads it, people read the widget, and the C
    encoder is four times faster than the indenting one on a fleet's worth of issues."""
    return json.dumps(report_to_gitlab(report), separators=(",", ":")) + "\n"


def write_gitlab(
    report: LintReport, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Write the Code Quality report to `stream`; `color` and `quiet` are for the text format."""
    stream.write(render_gitlab(report))
