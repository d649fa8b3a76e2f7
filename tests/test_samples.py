"""Golden test of the bundled samples: each README's `## Findings` table is exactly what
`dmvpnlint lint samples/NAME` reports (location, rule, severity, message), so the READMEs
cannot promise findings the linter does not give. `python scripts/sample_findings.py
samples/NAME --write` regenerates a table; the prose explaining it is written by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dmvpnlint.cli import main
from tests.helpers import REPO

# `gen-*` folders hold inventories for `dmvpnlint generate`, not configs to lint; their round
# trip (generate, parse back, lint) is tests/test_generate_samples.py.
SAMPLES = sorted(p.parent.name for p in (REPO / "samples").glob("*/README.md")
                 if not p.parent.name.startswith("gen-"))
ROW = re.compile(r"^\| `(?P<where>[^`]+)` \| (?P<rule>DMV\d{3}) \S+ \| (?P<severity>\w+) \| (?P<message>.*) \|$")


def readme_rows(name: str) -> list[tuple[str, str, str, str]]:
    text = (REPO / "samples" / name / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- findings:start -->", 1)[1].split("<!-- findings:end -->", 1)[0]
    return [
        (m["where"], m["rule"], m["severity"], m["message"].replace("\\|", "|"))
        for line in table.splitlines()
        if (m := ROW.match(line))
    ]


@pytest.mark.parametrize("name", SAMPLES)
def test_readme_lists_exactly_the_findings(name: str, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(REPO)
    code = main(["lint", f"samples/{name}", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    got = [
        (f"{Path(f['file']).name}:{f['line']}", f["rule"], f["severity"], f["message"])
        for f in report["findings"]
    ]
    assert readme_rows(name) == got, (
        f"samples/{name}/README.md is out of date: run "
        f"'python scripts/sample_findings.py samples/{name} --write' and explain the change"
    )
    errors = [g for g in got if g[2] == "error"]
    assert code == (1 if errors else 0)


def test_the_guide_samples_are_all_there() -> None:
    assert {"guide-hub-spoke", "guide-vrf-aware", "guide-2547-bgp-only",
            "guide-2547-enterprise", "clean-fleet"} <= set(SAMPLES)


def test_clean_fleet_has_no_finding() -> None:
    assert readme_rows("clean-fleet") == []


