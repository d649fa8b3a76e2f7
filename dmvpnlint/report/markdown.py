"""A compact Markdown report for a pull-request or merge-request comment.

A heading line with the counts, then one table row per finding, most severe first, at most
`MAX_ROWS` rows (GitHub refuses comments over 65,536 characters; a fleet-wide problem can give
thousands of findings), then a line saying how many were left out. Every piece of config-derived
text is escaped, so a `|` ends no cell, a `<`, `*` or `[` in a description formats nothing, and
`:name:`, `@team` or `#12` become no emoji, mention or issue link.
"""

from __future__ import annotations

import re
from typing import TextIO

from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.report import LintReport
from dmvpnlint.report.locations import RepoPaths

MAX_ROWS = 100
ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟡", Severity.INFO: "🔵"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&:@])")


def escape(text: str) -> str:
    """Markdown-inert text on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code(text: str) -> str:
    """A code span (nothing inside one formats, and a `|` is escaped for the table); escaped
    text when it holds a backtick."""
    if "`" in text:
        return escape(text)
    return "`" + " ".join(text.split()).replace("|", "\\|") + "`"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def heading(report: LintReport) -> str:
    scope = f"{_plural(report.devices, 'device')}, {_plural(report.clouds, 'cloud')}"
    if not report.findings:
        return f"### dmvpnlint: no findings ({scope})"
    counts = ", ".join(
        _plural(report.count(s), s.value) if s is not Severity.INFO else f"{report.count(s)} info"
        for s in Severity if report.count(s)
    )
    return f"### dmvpnlint: {counts} ({scope})"


def row(finding: Finding, paths: RepoPaths) -> str:
    location = code(f"{paths(finding.file)}:{finding.line}")
    message = escape(finding.message)
    if finding.hint:
        message += f"<br>hint: {escape(finding.hint)}"
    return (f"| {ICON[finding.severity]} {finding.severity.value} | {finding.rule} "
            f"{escape(finding.name)} | {escape(finding.device)} | {location} | {message} |")


def render_markdown(report: LintReport) -> str:
    lines = [heading(report)]
    if report.findings:
        ordered = sorted(report.findings, key=lambda f: -f.severity.rank)
        lines += ["", "| severity | rule | device | location | message |",
                  "|---|---|---|---|---|"]
        paths = RepoPaths()
        lines += [row(f, paths) for f in ordered[:MAX_ROWS]]
        if len(ordered) > MAX_ROWS:
            lines += ["", f"… and {len(ordered) - MAX_ROWS} more findings not shown; run "
                      "`dmvpnlint lint` for the full report."]
    return "\n".join(lines) + "\n"


def write_markdown(
    report: LintReport, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Write the Markdown report to `stream`; `color` and `quiet` are for the text format."""
    stream.write(render_markdown(report))
