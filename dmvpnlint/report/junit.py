"""JUnit XML, so that CI systems without SARIF support (Jenkins, GitLab's test reports, Azure)
show findings in their test views.

One `<testsuite>` per config file, in path order; one failing `<testcase>` per finding; a file
without findings gets one passing test case, so a clean device shows as passed rather than
missing. The XML is built with ElementTree (escaping is its job), and characters XML 1.0 cannot
carry (control bytes from a damaged config) are dropped from the text first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from dmvpnlint.engine.findings import Finding
from dmvpnlint.report import LintReport

CLEAN_CASE = "dmvpnlint"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def failure_text(finding: Finding) -> str:
    """The body of a failure: where, what, the related lines and the hint, one per line."""
    lines = [f"{finding.file}:{finding.line}: {finding.severity.value} {finding.rule} "
             f"{finding.name} on {finding.device}: {finding.message}"]
    lines += [f"see {r.span.file}:{r.span.line} ({r.device})" for r in finding.related]
    if finding.hint:
        lines.append(f"hint: {finding.hint}")
    return xml_text("\n".join(lines))


def testcase(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(suite, "testcase", {
        "classname": xml_text(finding.device),
        "name": xml_text(f"{finding.rule} {finding.name} (line {finding.line})"),
        "file": xml_text(finding.file),
        "line": str(finding.line),
    })
    failure = ET.SubElement(case, "failure", {
        "type": finding.rule,
        "message": xml_text(f"{finding.severity.value}: {finding.message}"),
    })
    failure.text = failure_text(finding)


def report_to_junit(report: LintReport) -> ET.Element:
    by_file: dict[str, list[Finding]] = {status.file: [] for status in report.files}
    for file, group in groupby(sorted(report.findings, key=lambda f: (f.file, f.line, f.rule)),
                               key=lambda f: f.file):
        by_file.setdefault(file, []).extend(group)
    devices = {status.file: status.device for status in report.files}
    root = ET.Element("testsuites", {
        "name": "dmvpnlint",
        "tests": str(sum(max(1, len(found)) for found in by_file.values())),
        "failures": str(len(report.findings)),
        "errors": "0",
    })
    for file in sorted(by_file):
        found = by_file[file]
        suite = ET.SubElement(root, "testsuite", {
            "name": xml_text(file),
            "tests": str(max(1, len(found))),
            "failures": str(len(found)),
            "errors": "0",
            "skipped": "0",
        })
        if not found:
            ET.SubElement(suite, "testcase", {
                "classname": xml_text(devices.get(file) or file),
                "name": CLEAN_CASE,
                "file": xml_text(file),
            })
        for finding in found:
            testcase(suite, finding)
    return root


def render_junit(report: LintReport) -> str:
    root = report_to_junit(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def write_junit(
    report: LintReport, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Write the JUnit XML to `stream`; `color` and `quiet` are for the text format only."""
    stream.write(render_junit(report))
