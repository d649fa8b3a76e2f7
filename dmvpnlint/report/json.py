"""The JSON report: the shape promised in INTERFACES.md, for CI systems and scripts.

Deterministic: keys in the documented order, findings in the report's order, `indent=2` and a
final newline, so that two runs over the same fleet give the same bytes and a diff of two
reports shows only what changed. `cloud` is always present (null when none); `hint` is added
only when a finding has one. (Absolute imports make this module's name harmless: `import json`
below is the standard library.)
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.report import LintReport

FORMAT_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "device": finding.device,
        "file": finding.file,
        "line": finding.line,
        "message": finding.message,
        "cloud": finding.cloud,
        "related": [
            {"device": r.device, "file": r.span.file, "line": r.span.line}
            for r in finding.related
        ],
        "fingerprint": finding.fingerprint,
    }
    if finding.hint:
        out["hint"] = finding.hint
    return out


def report_to_dict(report: LintReport) -> dict[str, Any]:
    summary: dict[str, Any] = {"devices": report.devices, "clouds": report.clouds}
    summary.update((s.value, report.count(s)) for s in Severity)
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "dmvpnlint", "version": report.tool_version},
        "summary": summary,
        "findings": [finding_to_dict(f) for f in report.findings],
    }


def render_json(report: LintReport) -> str:
    """The whole document as text, ending in a newline."""
    return json.dumps(report_to_dict(report), indent=2) + "\n"


def write_json(
    report: LintReport, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Write the document to `stream`; `color` and `quiet` are for the text format only."""
    stream.write(render_json(report))
