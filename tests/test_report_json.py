"""The JSON report: the INTERFACES.md shape, key order, determinism, golden output."""

from __future__ import annotations

import io
import json

import jsonschema

from dmvpnlint import __version__
from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.report import LintReport
from dmvpnlint.report.json import render_json, write_json
from tests.test_report_text import GOLDEN, UPDATE, sample_findings, sample_report

# The contract of INTERFACES.md as a schema: a renamed or extra key fails here.
RELATED = {
    "type": "object",
    "required": ["device", "file", "line"],
    "additionalProperties": False,
    "properties": {
        "device": {"type": "string"},
        "file": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
    },
}
FINDING = {
    "type": "object",
    "required": ["rule", "name", "severity", "device", "file", "line", "message", "cloud",
                 "related", "fingerprint"],
    "additionalProperties": False,
    "properties": {
        "rule": {"type": "string", "pattern": "^DMV[0-9]{3}$"},
        "name": {"type": "string"},
        "severity": {"enum": ["error", "warning", "info"]},
        "device": {"type": "string"},
        "file": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "message": {"type": "string"},
        "cloud": {"type": ["string", "null"]},
        "related": {"type": "array", "items": RELATED},
        "fingerprint": {"type": "string"},
        "hint": {"type": "string"},
    },
}
SCHEMA = {
    "type": "object",
    "required": ["version", "tool", "summary", "findings"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "tool": {
            "type": "object",
            "required": ["name", "version"],
            "additionalProperties": False,
            "properties": {"name": {"const": "dmvpnlint"}, "version": {"type": "string"}},
        },
        "summary": {
            "type": "object",
            "required": ["devices", "clouds", "error", "warning", "info"],
            "additionalProperties": False,
            "properties": {k: {"type": "integer", "minimum": 0}
                           for k in ("devices", "clouds", "error", "warning", "info")},
        },
        "findings": {"type": "array", "items": FINDING},
    },
}


def test_json_report_matches_golden_file() -> None:
    text = render_json(sample_report())
    path = GOLDEN / "report.json"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_json_report_follows_the_contract_schema() -> None:
    jsonschema.validate(json.loads(render_json(sample_report())), SCHEMA)


def test_keys_are_in_the_documented_order() -> None:
    document = json.loads(render_json(sample_report()))
    assert list(document) == ["version", "tool", "summary", "findings"]
    assert list(document["summary"]) == ["devices", "clouds", "error", "warning", "info"]
    by_rule = {f["rule"]: f for f in document["findings"]}
    assert list(by_rule["DMV101"]) == ["rule", "name", "severity", "device", "file", "line",
                                       "message", "cloud", "related", "fingerprint", "hint"]
    assert list(by_rule["DMV118"]) == ["rule", "name", "severity", "device", "file", "line",
                                       "message", "cloud", "related", "fingerprint"]


def test_values_of_one_finding() -> None:
    document = json.loads(render_json(sample_report()))
    assert document["summary"] == {"devices": 3, "clouds": 1, "error": 3, "warning": 1,
                                   "info": 1}
    dmv101 = next(f for f in document["findings"] if f["rule"] == "DMV101")
    assert dmv101 == {
        "rule": "DMV101",
        "name": "nhrp-network-id-mismatch",
        "severity": "error",
        "device": "spoke1",
        "file": "configs/spoke1.cfg",
        "line": 17,
        "message": "network-id 101 on spoke1 Tunnel0 differs from 100 on hub1 Tunnel0 "
        "(configs/hub1.cfg:12)",
        "cloud": "hub1:Tunnel0",
        "related": [{"device": "hub1", "file": "configs/hub1.cfg", "line": 12}],
        "fingerprint": "a1b2c3d4e5f6a7b8c9d0",
        "hint": "set 'ip nhrp network-id 100' on spoke1 Tunnel0",
    }
    dmv001 = next(f for f in document["findings"] if f["rule"] == "DMV001")
    assert dmv001["cloud"] is None and dmv001["related"] == [] and "hint" not in dmv001


def test_findings_are_in_report_order_whatever_the_input_order() -> None:
    forward = render_json(LintReport(tuple(sample_findings()), 3, 1))
    backward = render_json(LintReport(tuple(reversed(sample_findings())), 3, 1))
    assert forward == backward
    rules = [(f["device"], f["line"], f["rule"]) for f in json.loads(forward)["findings"]]
    assert rules == [("configs/junk.cfg", 1, "DMV005"), ("hub1", 14, "DMV118"),
                     ("spoke1", 9, "DMV001"), ("spoke1", 17, "DMV101"), ("spoke1", 17, "DMV105")]


def test_format_is_indented_with_a_final_newline() -> None:
    text = render_json(sample_report())
    assert text.startswith('{\n  "version": 1,\n  "tool": {\n    "name": "dmvpnlint",')
    assert text.endswith("}\n") and not text.endswith("\n\n")


def test_write_json_writes_the_same_text_and_the_tool_version() -> None:
    out = io.StringIO()
    write_json(LintReport((), 0, 0), out, color=True, quiet=True)
    assert json.loads(out.getvalue()) == {
        "version": 1,
        "tool": {"name": "dmvpnlint", "version": __version__},
        "summary": {"devices": 0, "clouds": 0, "error": 0, "warning": 0, "info": 0},
        "findings": [],
    }


def test_non_ascii_text_is_escaped() -> None:
    finding = Finding("DMV001", "unparsed-command", Severity.INFO, "zürich", "zürich.cfg", 2,
                      "description Zürich → Genève")
    text = render_json(LintReport((finding,), 1, 0))
    assert text.isascii()
    assert json.loads(text)["findings"][0]["message"] == "description Zürich → Genève"
