"""Cloud-wide agreement: network-id, authentication, tunnel key, subnet, addresses, Phase 3."""

from __future__ import annotations

from pathlib import Path

from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files


def test_clean_fleet_has_no_finding_at_all(tmp_path: Path) -> None:
    findings = lint_files(tmp_path, clean_fleet())
    assert [(f.rule, f.device, f.line, f.message) for f in findings] == []


def test_network_id_mismatch_names_both_values_and_the_hub_line(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip nhrp network-id 100", "ip nhrp network-id 101")
    findings = lint_files(tmp_path, files, select=["DMV101"])
    line = line_of(files["spoke2.cfg"], "network-id 101")
    hub_line = line_of(files["hub1.cfg"], "network-id 100")
    assert hits(findings, "DMV101") == [("spoke2", "spoke2.cfg", line)]
    (finding,) = findings
    assert finding.message == (
        f"network-id 101 on spoke2 Tunnel0 differs from 100 on hub1 Tunnel0 "
        f"({tmp_path / 'hub1.cfg'}:{hub_line})"
    )
    assert finding.cloud == "hub1:Tunnel0"
    assert [(r.device, r.span.line) for r in finding.related] == [("hub1", hub_line)]


def test_missing_network_id_is_reported_at_the_interface(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip nhrp network-id 100\n", "")
    findings = lint_files(tmp_path, files, select=["DMV101"])
    assert hits(findings, "DMV101") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "interface Tunnel0"))
    ]
    assert findings[0].message.startswith("no ip nhrp network-id on spoke1 Tunnel0, but hub1 Tunnel0 has network-id 100")


def test_authentication_mismatch_never_prints_the_strings(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "ip nhrp authentication nh7Auth", "ip nhrp authentication Other77")
    findings = lint_files(tmp_path, files, select=["DMV102"])
    assert hits(findings, "DMV102") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "ip nhrp authentication"))
    ]
    assert "Other77" not in findings[0].message and "nh7Auth" not in findings[0].message
    assert "differs from the one on hub1 Tunnel0" in findings[0].message


def test_authentication_on_some_members_only(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " ip nhrp authentication nh7Auth\n", "")
    findings = lint_files(tmp_path, files, select=["DMV102"])
    assert hits(findings, "DMV102") == [
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "interface Tunnel0"))
    ]


def test_tunnel_key_mismatch_and_missing_key(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "tunnel key 100", "tunnel key 200")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " tunnel key 100\n", "")
    findings = lint_files(tmp_path, files, select=["DMV103"])
    assert hits(findings, "DMV103") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "tunnel key 200")),
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "interface Tunnel0")),
    ]
    by_device = {f.device: f.message for f in findings}
    assert by_device["spoke1"].startswith("tunnel key 200 on spoke1 Tunnel0 differs from 100 on hub1 Tunnel0")
    assert by_device["spoke2"].startswith("no tunnel key on spoke2 Tunnel0, but hub1 Tunnel0 uses tunnel key 100")


def test_no_key_anywhere_is_consistent(tmp_path: Path) -> None:
    files = {n: t.replace(" tunnel key 100\n", "") for n, t in clean_fleet().items()}
    assert hits(lint_files(tmp_path, files, select=["DMV103"]), "DMV103") == []


def test_tunnel_subnet_mismatch(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip address 10.0.0.3 255.255.255.0", "ip address 10.0.1.3 255.255.255.0")
    findings = lint_files(tmp_path, files, select=["DMV104"])
    assert hits(findings, "DMV104") == [
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "ip address 10.0.1.3"))
    ]
    assert findings[0].message.startswith(
        "tunnel address 10.0.1.3/24 of spoke2 Tunnel0 is not in the cloud's subnet 10.0.0.0/24 of hub1 Tunnel0"
    )


def test_duplicate_tunnel_address(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip address 10.0.0.3 255.255.255.0", "ip address 10.0.0.2 255.255.255.0")
    findings = lint_files(tmp_path, files, select=["DMV107"])
    assert hits(findings, "DMV107") == [
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "ip address 10.0.0.2"))
    ]
    assert "also used by spoke1 Tunnel0" in findings[0].message


def test_phase3_shortcut_without_redirect_and_redirect_without_shortcut(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip nhrp nhs 10.0.0.1\n", " ip nhrp nhs 10.0.0.1\n ip nhrp shortcut\n")
    findings = lint_files(tmp_path / "a", files, select=["DMV120"])
    assert hits(findings, "DMV120") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "ip nhrp shortcut"))
    ]
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " ip nhrp holdtime 300\n", " ip nhrp holdtime 300\n ip nhrp redirect\n")
    findings = lint_files(tmp_path / "b", files, select=["DMV120"])
    assert hits(findings, "DMV120") == [
        ("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "ip nhrp redirect"))
    ]


def test_phase3_complete_is_silent_and_ios_xe_shortcut_is_implicit(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " ip nhrp holdtime 300\n", " ip nhrp holdtime 300\n ip nhrp redirect\n")
    # IOS-XE 17 does not print `ip nhrp shortcut`: it is on by default
    for name in ("spoke1.cfg", "spoke2.cfg"):
        files[name] = "version 17.3\n" + files[name]
    assert hits(lint_files(tmp_path, files, select=["DMV120"]), "DMV120") == []
