"""Inline suppressions: `! dmvpnlint: disable=...` comments in configs, applied after the
checks, and DMV006 for the ones that suppress nothing, name unknown rules or are not
directives. The fleet is a hub and a spoke with known findings on known lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmvpnlint.cli import REPORTERS, main
from dmvpnlint.frontend.suppress import parse_directive

HUB = """\
hostname hub1
!
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp map multicast dynamic
 ip nhrp network-id 99
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
!
interface GigabitEthernet0/0
 ip address 172.17.0.1 255.255.255.0
"""

# Without comments: DMV118, DMV207, DMV702 on line 4 (interface Tunnel0), DMV117 on line 9.
SPOKE = [
    "hostname spoke1",
    "!",
    "interface Tunnel0",
    " ip address 10.0.0.11 255.255.255.0",
    " ip nhrp map 10.0.0.1 172.17.0.1",
    " ip nhrp map multicast 172.17.0.1",
    " ip nhrp network-id 99",
    " ip nhrp nhs 10.0.0.1",
    " tunnel source GigabitEthernet0/0",
    " tunnel mode gre multipoint",
    "!",
    "interface GigabitEthernet0/0",
    " ip address 172.17.0.11 255.255.255.0",
]
NO_CACHE: tuple[str, ...] = ()
SPOKE_FINDINGS = [("DMV117", 8), ("DMV118", 3), ("DMV207", 3), ("DMV702", 3)]
HUB_FINDINGS = [("DMV118", 3), ("DMV207", 3), ("DMV702", 3)]


def spoke(inserts: dict[int, str]) -> str:
    """SPOKE with comment lines inserted before the given 1-based lines of the original."""
    out: list[str] = []
    for number, line in enumerate(SPOKE, 1):
        if number in inserts:
            out.append(inserts[number])
        out.append(line)
    if len(SPOKE) + 1 in inserts:
        out.append(inserts[len(SPOKE) + 1])
    return "\n".join(out) + "\n"


def lint(tmp_path: Path, spoke_text: str, *options: str, hub: str = HUB,
         fmt: str = "json") -> str:
    folder = tmp_path / "fleet"
    folder.mkdir(exist_ok=True)
    (folder / "hub1.cfg").write_text(hub, encoding="utf-8")
    (folder / "spoke1.cfg").write_text(spoke_text, encoding="utf-8")
    out = tmp_path / "report.out"
    main(["lint", str(folder), "--format", fmt, "--output", str(out), *NO_CACHE, *options])
    return out.read_text(encoding="utf-8")


def findings(tmp_path: Path, spoke_text: str, *options: str,
             hub: str = HUB) -> dict[str, list[tuple[str, int]]]:
    """{device: sorted (rule, line)} of a JSON report."""
    report = json.loads(lint(tmp_path, spoke_text, *options, hub=hub))
    out: dict[str, list[tuple[str, int]]] = {}
    for f in report["findings"]:
        out.setdefault(f["device"], []).append((f["rule"], f["line"]))
    return {d: sorted(v) for d, v in out.items()}


def messages(tmp_path: Path, spoke_text: str, rule: str, *options: str, hub: str = HUB) -> list[str]:
    report = json.loads(lint(tmp_path, spoke_text, *options, hub=hub))
    return [f["message"] for f in report["findings"] if f["rule"] == rule]


def shifted(items: list[tuple[str, int]], after: int, by: int = 1) -> list[tuple[str, int]]:
    """Findings with lines moved down by the comments inserted at or before `after`."""
    return sorted((r, n + by if n >= after else n) for r, n in items)


def test_without_comments_the_fleet_has_its_known_findings(tmp_path: Path) -> None:
    got = findings(tmp_path, spoke({}))
    assert got == {"hub1": HUB_FINDINGS, "spoke1": SPOKE_FINDINGS}


def test_comment_before_a_command_suppresses_that_line_only(tmp_path: Path) -> None:
    text = spoke({8: " ! dmvpnlint: disable=DMV117 -- second hub due in Q3"})
    got = findings(tmp_path, text)
    assert got["spoke1"] == [("DMV118", 3), ("DMV207", 3), ("DMV702", 3)]
    assert got["hub1"] == HUB_FINDINGS


def test_prefix_before_a_command(tmp_path: Path) -> None:
    text = spoke({8: "! dmvpnlint: disable=DMV1"})
    assert findings(tmp_path, text)["spoke1"] == [("DMV118", 3), ("DMV207", 3), ("DMV702", 3)]


def test_unused_line_suppression_is_reported(tmp_path: Path) -> None:
    text = spoke({8: " ! dmvpnlint: disable=DMV118 -- wrong line"})
    got = findings(tmp_path, text)
    assert got["spoke1"] == sorted([("DMV006", 8), ("DMV117", 9), ("DMV118", 3), ("DMV207", 3),
                                    ("DMV702", 3)])
    assert messages(tmp_path, text, "DMV006") == [
        f"unused suppression disable=DMV118 on spoke1 ({tmp_path / 'fleet' / 'spoke1.cfg'}:8): "
        "no finding of DMV118 on line 9"
    ]


def test_comment_before_a_block_header_covers_the_block(tmp_path: Path) -> None:
    text = spoke({3: "! dmvpnlint: disable=DMV1,DMV2 -- lab tunnel"})
    assert findings(tmp_path, text)["spoke1"] == [("DMV702", 4)]


def test_comment_after_a_block_header_covers_the_block(tmp_path: Path) -> None:
    text = spoke({4: " ! dmvpnlint: disable=DMV702,DMV117"})
    assert findings(tmp_path, text)["spoke1"] == [("DMV118", 3), ("DMV207", 3)]


def test_block_suppression_ends_with_the_block(tmp_path: Path) -> None:
    # the block is Tunnel0; the next interface block is not covered, so DMV006 for the unused
    # selector DMV5 (no DMV5 finding in the block)
    text = spoke({3: "! dmvpnlint: disable=DMV117,DMV5"})
    got = findings(tmp_path, text)
    assert got["spoke1"] == [("DMV006", 3), ("DMV118", 4), ("DMV207", 4), ("DMV702", 4)]
    assert messages(tmp_path, text, "DMV006")[0].endswith("no finding of DMV5 in lines 4-11 "
                                                          "(the block)")


def test_disable_file_with_ids_and_without(tmp_path: Path) -> None:
    assert findings(tmp_path, spoke({1: "! dmvpnlint: disable-file=DMV7,DMV2"}))["spoke1"] == [
        ("DMV117", 9), ("DMV118", 4)
    ]
    got = findings(tmp_path, spoke({1: "! dmvpnlint: disable-file -- lab router"}))
    assert "spoke1" not in got
    assert got["hub1"] == HUB_FINDINGS


def test_disable_enable_range(tmp_path: Path) -> None:
    text = spoke({3: "! dmvpnlint: disable=DMV7", 8: " ! dmvpnlint: enable=DMV7"})
    assert findings(tmp_path, text)["spoke1"] == [("DMV117", 10), ("DMV118", 4), ("DMV207", 4)]
    # a bare enable ends every range; DMV117 after it stays
    text = spoke({3: "! dmvpnlint: disable", 8: " ! dmvpnlint: enable"})
    assert findings(tmp_path, text)["spoke1"] == [("DMV117", 10)]


def test_unknown_id_invalid_directive_and_lone_enable(tmp_path: Path) -> None:
    text = spoke({3: "! dmvpnlint: disable=DMV917 -- typo", 12: "! dmvpnlint: enable=DMV1",
                  13: "! dmvpnlint: disabel=DMV101"})
    path = tmp_path / "fleet" / "spoke1.cfg"
    assert messages(tmp_path, text, "DMV006") == [
        f"suppression disable=DMV917 on spoke1 ({path}:3) names unknown rule id DMV917; see "
        "'dmvpnlint rules'",
        f"enable=DMV1 on spoke1 ({path}:13) ends no disable range above it",
        f"dmvpnlint comment on spoke1 ({path}:15) not understood: 'disabel=DMV101' is not a "
        "directive (disable=IDS, enable=IDS, disable-file[=IDS])",
    ]


def test_a_comment_in_another_file_does_not_suppress(tmp_path: Path) -> None:
    hub = "! dmvpnlint: disable-file=DMV117\n" + HUB
    got = findings(tmp_path, spoke({}), hub=hub)
    assert got["spoke1"] == SPOKE_FINDINGS
    assert got["hub1"] == [("DMV006", 1)] + shifted(HUB_FINDINGS, 1)


def test_unused_is_judged_only_for_selected_rules(tmp_path: Path) -> None:
    text = spoke({8: "! dmvpnlint: disable=DMV5"})
    assert findings(tmp_path, text, "--select", "DMV1,DMV006")["spoke1"] == [
        ("DMV117", 9), ("DMV118", 3)
    ]
    assert ("DMV006", 8) in findings(tmp_path, text)["spoke1"]


def test_dmv006_can_be_suppressed_for_a_file(tmp_path: Path) -> None:
    text = spoke({1: "! dmvpnlint: disable-file=DMV006", 8: "! dmvpnlint: disable=DMV5"})
    assert ("DMV006", 9) not in findings(tmp_path, text)["spoke1"]


@pytest.mark.parametrize("fmt", list(REPORTERS))
def test_suppressed_findings_vanish_from_every_format(tmp_path: Path, fmt: str) -> None:
    before = lint(tmp_path, spoke({}), fmt=fmt)
    after = lint(tmp_path, spoke({8: " ! dmvpnlint: disable=DMV117 -- second hub in Q3"}),
                 fmt=fmt)
    if fmt == "sarif":  # the driver lists every rule; the results are what was found
        before, after = (
            " ".join(r["ruleId"] + " " + r["message"]["text"]
                     for r in json.loads(text)["runs"][0]["results"])
            for text in (before, after)
        )
    assert "DMV117" in before and "registers with one hub only" in before
    assert "DMV117" not in after and "registers with one hub only" not in after
    assert "DMV006" not in after
    assert "DMV118" in after


def test_parse_directive() -> None:
    assert parse_directive("! dmvpnlint: disable=DMV101, dmv118 -- why ! note") == (
        "disable", ("DMV101", "DMV118"), "why", ""
    )
    assert parse_directive("!dmvpnlint:disable-file") == ("disable-file", (), "", "")
    assert parse_directive("! dmvpnlint: disable=") == ("", (), "", "'disable=' has no valid "
                                                        "rule ids")
