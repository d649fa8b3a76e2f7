"""The CI formats (sarif, junit, github, gitlab, markdown): golden files over the fixed sample
report, the SARIF 2.1.0 schema, and the exact values CI systems read."""

from __future__ import annotations

import hashlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from dmvpnlint.cli import REPORTERS
from dmvpnlint.engine.findings import Finding, Related, Scope, Severity
from dmvpnlint.engine.rules import Rule, load_rules
from dmvpnlint.model import Span
from dmvpnlint.report import FileStatus, LintReport
from dmvpnlint.report.github import ANNOTATIONS_PER_LEVEL, render_github
from dmvpnlint.report.gitlab import render_gitlab
from dmvpnlint.report.junit import render_junit
from dmvpnlint.report.locations import RepoPaths, repo_relative
from dmvpnlint.report.markdown import MAX_ROWS, render_markdown
from dmvpnlint.report.sarif import full_description, render_sarif, report_to_sarif
from tests.test_report_text import GOLDEN, UPDATE, sample_report

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
# ../shared/reference/SARIF-SOURCE.md: the OASIS SARIF 2.1.0 schema with Errata 01.
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def sample_rules() -> dict[str, Rule]:
    """Fixed rule metadata, so the golden SARIF does not change when a rule page is edited."""

    def rule(rule_id: str, name: str, severity: Severity, scope: Scope, summary: str) -> Rule:
        doc = (f"## What it does\n\n{summary}\nSecond line of the paragraph.\n\n"
               "## Why is this bad?\n\nBecause.\n")
        return Rule(rule_id, name, severity, scope, summary, "stable", "0.1.0",
                    name.replace("-", "_"), doc)

    return {
        "DMV001": rule("DMV001", "unparsed-command", Severity.INFO, Scope.DEVICE,
                       "A command in a DMVPN-relevant block was not understood."),
        "DMV005": rule("DMV005", "unreadable-input", Severity.ERROR, Scope.FLEET,
                       "An input file is not a readable IOS config."),
        "DMV101": rule("DMV101", "nhrp-network-id-mismatch", Severity.ERROR, Scope.CLOUD,
                       "Members of one DMVPN cloud use different network-ids."),
        "DMV105": rule("DMV105", "nhs-not-a-hub", Severity.ERROR, Scope.CLOUD,
                       "A spoke's NHS is not a hub's tunnel address."),
        "DMV118": rule("DMV118", "holdtime-not-recommended", Severity.WARNING, Scope.INTERFACE,
                       "NHRP holdtime outside the recommended range."),
    }


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def check_golden_json(name: str, text: str) -> None:
    """Compact JSON checked byte for byte against a golden file kept indented for review:
    the golden text, loaded (key order kept) and dumped compact, must be exactly `text`."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(json.dumps(json.loads(text), indent=2) + "\n", encoding="utf-8")
    golden = json.loads(path.read_text(encoding="utf-8"))
    assert text == json.dumps(golden, separators=(",", ":")) + "\n"


def finding(rule: str = "DMV118", severity: Severity = Severity.WARNING, line: int = 14,
            message: str = "holdtime 7200 s", file: str = "configs/hub1.cfg",
            fingerprint: str = "f" * 20, **extra: object) -> Finding:
    return Finding(rule, "holdtime-not-recommended", severity, "hub1", file, line, message,
                   fingerprint=fingerprint, **extra)  # type: ignore[arg-type]


# --- golden files -------------------------------------------------------------------------


def test_sarif_matches_golden_file() -> None:
    check_golden_json("report.sarif", render_sarif(sample_report(), sample_rules()))


def test_junit_matches_golden_file() -> None:
    check_golden("report.junit.xml", render_junit(sample_report()))


def test_github_matches_golden_file() -> None:
    check_golden("report.github.txt", render_github(sample_report()))


def test_gitlab_matches_golden_file() -> None:
    check_golden_json("report.gitlab.json", render_gitlab(sample_report()))


def test_markdown_matches_golden_file() -> None:
    check_golden("report.md", render_markdown(sample_report()))


@pytest.mark.parametrize("name", ["sarif", "junit", "github", "gitlab", "markdown"])
def test_every_ci_format_is_registered_and_writes_what_it_renders(name: str) -> None:
    out = io.StringIO()
    REPORTERS[name](sample_report(), out, color=True, quiet=True)
    render = {"junit": render_junit, "github": render_github, "gitlab": render_gitlab,
              "markdown": render_markdown}.get(name)
    expected = render(sample_report()) if render else render_sarif(sample_report())
    assert out.getvalue() == expected


# --- SARIF ----------------------------------------------------------------------------------


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_schema_copy_is_the_official_file() -> None:
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_sarif_validates_against_the_official_schema() -> None:
    validator = sarif_validator()
    validator.validate(json.loads(render_sarif(sample_report())))  # every real rule
    validator.validate(json.loads(render_sarif(LintReport((), 0, 0))))


def test_the_validator_rejects_a_broken_log() -> None:
    document = json.loads(render_sarif(sample_report(), sample_rules()))
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator().validate(document)


def test_sarif_lists_every_rule_with_its_page() -> None:
    rules = load_rules()
    driver = report_to_sarif(LintReport((), 0, 0))["runs"][0]["tool"]["driver"]
    assert [d["id"] for d in driver["rules"]] == list(rules)
    by_id = {d["id"]: d for d in driver["rules"]}
    dmv101 = by_id["DMV101"]
    assert dmv101["name"] == "nhrp-network-id-mismatch"
    assert dmv101["shortDescription"] == {"text": " ".join(rules["DMV101"].summary.split())}
    assert dmv101["fullDescription"]["text"].startswith(
        "Compares `ip nhrp network-id` across the members of each DMVPN cloud")
    assert dmv101["help"] == {"text": rules["DMV101"].doc, "markdown": rules["DMV101"].doc}
    assert dmv101["helpUri"] == "https://dmvpnlint.invalid/rules/DMV101"
    assert dmv101["defaultConfiguration"] == {"level": "error"}
    assert by_id["DMV001"]["defaultConfiguration"] == {"level": "note"}


def test_full_description_is_the_first_paragraph_of_what_it_does() -> None:
    rule = sample_rules()["DMV118"]
    assert full_description(rule) == ("NHRP holdtime outside the recommended range. "
                                      "Second line of the paragraph.")


def test_sarif_result_values() -> None:
    document = report_to_sarif(sample_report(), sample_rules())
    run = document["runs"][0]
    assert document["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "dmvpnlint"
    dmv105 = next(r for r in run["results"] if r["ruleId"] == "DMV105")
    assert dmv105 == {
        "ruleId": "DMV105",
        "ruleIndex": 3,
        "level": "error",
        "message": {"text": "NHS 10.0.0.9 on spoke1 Tunnel0 is not the tunnel address of any "
                            "hub"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "configs/spoke1.cfg", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 17}}}],
        "relatedLocations": [
            {"id": 1, "physicalLocation": {
                "artifactLocation": {"uri": "configs/hub1.cfg", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 10}}, "message": {"text": "hub1 (configs/hub1.cfg:10)"}},
            {"id": 2, "physicalLocation": {
                "artifactLocation": {"uri": "configs/hub2.cfg", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 11}}, "message": {"text": "hub2 (configs/hub2.cfg:11)"}},
        ],
        "partialFingerprints": {"dmvpnlint/v1": "99887766554433221100"},
        "properties": {"device": "spoke1", "cloud": "hub1:Tunnel0"},
    }
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"DMV001": "note", "DMV005": "error", "DMV101": "error", "DMV105": "error",
                      "DMV118": "warning"}


def test_sarif_level_follows_a_severity_override() -> None:
    report = LintReport((finding(severity=Severity.ERROR),), 1, 0)
    result = report_to_sarif(report, sample_rules())["runs"][0]["results"][0]
    assert result["level"] == "error"  # the rule's default is warning


def test_sarif_never_writes_line_zero_and_encodes_uris(tmp_path: Path) -> None:
    absolute = str(tmp_path / "my configs" / "hub 1.cfg")
    report = LintReport((finding(line=0, file=absolute),), 1, 0)
    result = report_to_sarif(report, sample_rules(), base=str(tmp_path))["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 1}
    assert location["artifactLocation"]["uri"] == "my%20configs/hub%201.cfg"


def test_repo_relative_paths(tmp_path: Path) -> None:
    assert repo_relative("configs/hub1.cfg") == "configs/hub1.cfg"
    assert repo_relative("./configs/hub1.cfg") == "configs/hub1.cfg"
    assert repo_relative(str(tmp_path / "a" / "b.cfg"), tmp_path) == "a/b.cfg"
    assert repo_relative("/elsewhere/b.cfg", tmp_path) == "/elsewhere/b.cfg"


def test_repo_paths_keep_a_linked_files_name(tmp_path: Path) -> None:
    (tmp_path / "repo" / "configs").mkdir(parents=True)
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "real.cfg").write_text("hostname x\n", encoding="utf-8")
    link = tmp_path / "repo" / "configs" / "hub1.cfg"
    link.symlink_to(tmp_path / "store" / "real.cfg")
    (tmp_path / "alias").symlink_to(tmp_path / "repo")  # a linked directory is resolved
    paths = RepoPaths(tmp_path / "repo")
    assert paths(str(link)) == "configs/hub1.cfg"
    assert paths(str(tmp_path / "alias" / "configs" / "spoke1.cfg")) == "configs/spoke1.cfg"
    assert paths(str(tmp_path / "repo" / "top.cfg")) == "top.cfg"


# --- JUnit ----------------------------------------------------------------------------------


def test_junit_has_one_suite_per_file_and_one_failing_case_per_finding() -> None:
    root = ET.fromstring(render_junit(sample_report()))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("6", "5")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["configs/hub1.cfg", "configs/junk.cfg", "configs/spoke1.cfg",
                            "configs/spoke2.cfg"]
    spoke1 = suites["configs/spoke1.cfg"]
    assert (spoke1.get("tests"), spoke1.get("failures")) == ("3", "3")
    names = [case.get("name") for case in spoke1.iter("testcase")]
    assert names == ["DMV001 unparsed-command (line 9)", "DMV101 nhrp-network-id-mismatch "
                     "(line 17)", "DMV105 nhs-not-a-hub (line 17)"]
    dmv101 = spoke1.findall("testcase")[1].find("failure")
    assert dmv101 is not None and dmv101.get("type") == "DMV101"
    assert dmv101.text == (
        "configs/spoke1.cfg:17: error DMV101 nhrp-network-id-mismatch on spoke1: network-id "
        "101 on spoke1 Tunnel0 differs from 100 on hub1 Tunnel0 (configs/hub1.cfg:12)\n"
        "see configs/hub1.cfg:12 (hub1)\nhint: set 'ip nhrp network-id 100' on spoke1 Tunnel0")
    clean = suites["configs/spoke2.cfg"]
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")
    assert [c.find("failure") for c in clean.iter("testcase")] == [None]


def test_junit_drops_characters_xml_cannot_carry() -> None:
    report = LintReport((finding(message="bad\x00byte\x1b[31m <&> \"q\""),), 1, 0)
    root = ET.fromstring(render_junit(report))
    failure = next(root.iter("failure"))
    assert failure.get("message") == 'warning: badbyte[31m <&> "q"'


# --- GitHub annotations ---------------------------------------------------------------------


def test_github_annotation_form_and_escaping() -> None:
    report = LintReport((finding(message="100%\nnext line", file="dir,x/a:b.cfg"),), 1, 0)
    lines = render_github(report).splitlines()
    assert lines == [
        "::warning file=dir%2Cx/a%3Ab.cfg,line=14,title=DMV118 holdtime-not-recommended::"
        "100%25%0Anext line",
        "dmvpnlint: 0 errors, 1 warning, 0 info in 1 device (0 clouds)",
    ]


def test_github_puts_the_most_severe_first_and_respects_the_annotation_limit() -> None:
    infos = [finding(rule="DMV001", severity=Severity.INFO, line=n, fingerprint=f"i{n}")
             for n in range(1, 13)]
    errors = [finding(rule="DMV101", severity=Severity.ERROR, line=n, fingerprint=f"e{n}")
              for n in range(20, 23)]
    lines = render_github(LintReport((*infos, *errors), 1, 1)).splitlines()
    assert [line.split(" ")[0] for line in lines[:3]] == ["::error"] * 3
    notices = [line for line in lines if line.startswith("::notice ")]
    assert len(notices) == ANNOTATIONS_PER_LEVEL == 10
    plain = [line for line in lines[:-1] if not line.startswith("::")]
    assert plain == [
        "configs/hub1.cfg:11: info DMV001 holdtime-not-recommended: holdtime 7200 s",
        "configs/hub1.cfg:12: info DMV001 holdtime-not-recommended: holdtime 7200 s",
    ]
    assert lines[-1] == ("dmvpnlint: 3 errors, 0 warnings, 12 info in 1 device (1 cloud); 2 "
                         "not annotated (GitHub shows 10 per severity in a step), listed above "
                         "as plain lines")


def test_github_clean_run_is_one_summary_line() -> None:
    assert render_github(LintReport((), 3, 1)) == "dmvpnlint: no findings in 3 devices (1 cloud)\n"


# --- GitLab Code Quality --------------------------------------------------------------------


def test_gitlab_issue_fields() -> None:
    issues = json.loads(render_gitlab(sample_report()))
    dmv101 = next(i for i in issues if i["check_name"] == "DMV101")
    assert dmv101 == {
        "type": "issue",
        "description": "DMV101 nhrp-network-id-mismatch: network-id 101 on spoke1 Tunnel0 "
        "differs from 100 on hub1 Tunnel0 (configs/hub1.cfg:12) (hint: set 'ip nhrp "
        "network-id 100' on spoke1 Tunnel0)",
        "check_name": "DMV101",
        "fingerprint": hashlib.md5(b"a1b2c3d4e5f6a7b8c9d0").hexdigest(),
        "severity": "critical",
        "location": {"path": "configs/spoke1.cfg", "lines": {"begin": 17}},
    }
    assert {i["check_name"]: i["severity"] for i in issues} == {
        "DMV001": "info", "DMV005": "critical", "DMV101": "critical", "DMV105": "critical",
        "DMV118": "major"}


def test_gitlab_fingerprints_are_unique_and_line_free() -> None:
    twins = (finding(line=3), finding(line=9))  # one fingerprint, two findings
    first = [i["fingerprint"] for i in json.loads(render_gitlab(LintReport(twins, 1, 0)))]
    assert len(set(first)) == 2
    moved = (finding(line=30), finding(line=90))
    assert [i["fingerprint"] for i in json.loads(render_gitlab(LintReport(moved, 1, 0)))] == first


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_escapes_config_text() -> None:
    report = LintReport((finding(message="a | b <script> *x* [l](u) :tada: @team #12"),), 1, 0)
    row = render_markdown(report).splitlines()[-1]
    assert row == ("| 🟡 warning | DMV118 holdtime-not-recommended | hub1 | "
                   "`configs/hub1.cfg:14` | a \\| b \\<script\\> \\*x\\* \\[l\\]\\(u\\) "
                   "\\:tada\\: \\@team \\#12 |")


def test_markdown_caps_the_rows() -> None:
    many = tuple(finding(line=n, fingerprint=f"{n:020}") for n in range(1, MAX_ROWS + 6))
    lines = render_markdown(LintReport(many, 1, 0)).splitlines()
    assert sum(1 for line in lines if line.startswith("| 🟡")) == MAX_ROWS
    assert lines[-1] == ("… and 5 more findings not shown; run `dmvpnlint lint` for the full "
                         "report.")


def test_markdown_clean_run() -> None:
    assert render_markdown(LintReport((), 3, 1)) == ("### dmvpnlint: no findings (3 devices, "
                                                     "1 cloud)\n")


def test_related_locations_reach_every_format() -> None:
    related = (Related("hub2", Span("configs/hub2.cfg", 44)),)
    report = LintReport((finding(related=related),), 2, 1,
                        files=(FileStatus("configs/hub1.cfg", "hub1"),))
    assert "see configs/hub2.cfg:44 (hub2)" in render_junit(report)
    assert "%0Asee configs/hub2.cfg:44 (hub2)" in render_github(report)
    sarif = report_to_sarif(report, sample_rules())["runs"][0]["results"][0]
    assert sarif["relatedLocations"][0]["physicalLocation"]["region"] == {"startLine": 44}
