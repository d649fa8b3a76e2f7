"""GitHub Actions workflow commands: findings become annotations on the pull request's diff.

GitHub shows at most 10 error, 10 warning and 10 notice annotations of one step (and 50 of a
job) and drops the rest without a word. So findings are written most severe first, the first
`ANNOTATIONS_PER_LEVEL` of each level as `::error file=…,line=…,title=…::message` commands and
any further ones as plain log lines in the same `file:line:` form, so the log still has all of
them; a last plain line sums up, and says how many were not annotated.

Values are escaped as the Actions toolkit does (`%`, CR and LF in the message; also `:` and `,`
in properties), so a message cannot end the command early or inject another one.
"""

from __future__ import annotations

from typing import TextIO

from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.report import LintReport
from dmvpnlint.report.locations import RepoPaths

ANNOTATIONS_PER_LEVEL = 10
COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def details(finding: Finding, paths: RepoPaths) -> str:
    """The message, then the related lines and the hint, one per line."""
    lines = [finding.message]
    lines += [f"see {paths(r.span.file)}:{r.span.line} ({r.device})"
              for r in finding.related]
    if finding.hint:
        lines.append(f"hint: {finding.hint}")
    return "\n".join(lines)


def annotation(finding: Finding, paths: RepoPaths) -> str:
    properties = (
        f"file={escape_property(paths(finding.file))},"
        f"line={max(1, finding.line)},"
        f"title={escape_property(f'{finding.rule} {finding.name}')}"
    )
    return f"::{COMMAND[finding.severity]} {properties}::{escape_data(details(finding, paths))}"


def plain_line(finding: Finding, paths: RepoPaths) -> str:
    text = " ".join(details(finding, paths).splitlines())
    return (f"{paths(finding.file)}:{finding.line}: {finding.severity.value} "
            f"{finding.rule} {finding.name}: {text}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(report: LintReport, not_annotated: int) -> str:
    scope = (f"{_plural(report.devices, 'device')} "
             f"({_plural(report.clouds, 'cloud')})")
    if not report.findings:
        return f"dmvpnlint: no findings in {scope}"
    counts = ", ".join(
        _plural(report.count(s), s.value) if s is not Severity.INFO else f"{report.count(s)} info"
        for s in Severity
    )
    line = f"dmvpnlint: {counts} in {scope}"
    if not_annotated:
        line += (f"; {not_annotated} not annotated (GitHub shows {ANNOTATIONS_PER_LEVEL} per "
                 "severity in a step), listed above as plain lines")
    return line


def render_github(report: LintReport) -> str:
    ordered = sorted(report.findings, key=lambda f: -f.severity.rank)  # stable: report order
    paths = RepoPaths()
    lines: list[str] = []
    shown = {severity: 0 for severity in Severity}
    not_annotated = 0
    for finding in ordered:
        if shown[finding.severity] < ANNOTATIONS_PER_LEVEL:
            shown[finding.severity] += 1
            lines.append(annotation(finding, paths))
        else:
            not_annotated += 1
            lines.append(plain_line(finding, paths))
    lines.append(summary_line(report, not_annotated))
    return "\n".join(lines) + "\n"


def write_github(
    report: LintReport, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Write the workflow commands to `stream`; `color` and `quiet` are for the text format."""
    stream.write(render_github(report))
