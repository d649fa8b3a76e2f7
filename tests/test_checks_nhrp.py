"""Per-tunnel NHRP checks: spokes reach real hubs at real addresses, hubs serve them."""

from __future__ import annotations

from pathlib import Path

from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files


def test_nhs_not_a_hub_names_the_hub_reached_by_nbma(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = (
        files["spoke1.cfg"]
        .replace("ip nhrp map 10.0.0.1 203.0.113.1", "ip nhrp map 10.0.0.9 203.0.113.1")
        .replace("ip nhrp nhs 10.0.0.1", "ip nhrp nhs 10.0.0.9")
    )
    findings = lint_files(tmp_path, files, select=["DMV105"])
    assert hits(findings, "DMV105") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "nhs 10.0.0.9"))]
    assert findings[0].message == (
        "NHS 10.0.0.9 of spoke1 Tunnel0 is not the tunnel address of any hub in the fleet; "
        "its NBMA address 203.0.113.1 belongs to hub1 Tunnel0, whose tunnel address is 10.0.0.1"
    )


def test_nhs_nbma_mismatch_names_the_real_address(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip nhrp map 10.0.0.1 203.0.113.1", "ip nhrp map 10.0.0.1 198.51.100.1")
    findings = lint_files(tmp_path, files, select=["DMV106"])
    assert hits(findings, "DMV106") == [("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "ip nhrp map 10.0.0.1 198.51.100.1"))]
    assert findings[0].message == (
        "ip nhrp map on spoke2 Tunnel0 maps hub hub1 Tunnel0's tunnel address 10.0.0.1 to NBMA "
        "198.51.100.1, but the hub's tunnel source GigabitEthernet0/0 address is 203.0.113.1"
    )
    assert findings[0].hint == "use 203.0.113.1 as the NBMA address of 10.0.0.1"


def test_multicast_map_to_a_non_hub_address(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "ip nhrp map multicast 203.0.113.254", "ip nhrp map multicast 203.0.113.250")
    findings = lint_files(tmp_path, files, select=["DMV106"])
    assert hits(findings, "DMV106") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "multicast 203.0.113.250"))]


def test_nhs_without_mapping_suggests_the_hub_address(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip nhrp map 10.0.0.254 203.0.113.254\n", "")
    findings = lint_files(tmp_path, files, select=["DMV108"])
    assert hits(findings, "DMV108") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "ip nhrp nhs 10.0.0.254"))]
    assert findings[0].hint == "add 'ip nhrp map 10.0.0.254 203.0.113.254' (hub2 Tunnel0)"


def test_nhs_with_inline_nbma_needs_no_map(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = (
        files["spoke1.cfg"]
        .replace(" ip nhrp map 10.0.0.254 203.0.113.254\n", "")
        .replace(" ip nhrp map multicast 203.0.113.254\n", "")
        .replace("ip nhrp nhs 10.0.0.254", "ip nhrp nhs 10.0.0.254 nbma 203.0.113.254 multicast")
    )
    findings = lint_files(tmp_path, files, select=["DMV105", "DMV106", "DMV108", "DMV110"])
    assert findings == []


def test_spoke_running_eigrp_without_multicast_map(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = (
        files["spoke2.cfg"]
        .replace(" ip nhrp map multicast 203.0.113.1\n", "")
        .replace(" ip nhrp map multicast 203.0.113.254\n", "")
    )
    findings = lint_files(tmp_path, files, select=["DMV110"])
    assert hits(findings, "DMV110") == [("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "interface Tunnel0"))]


def test_spoke_without_igp_on_the_tunnel_needs_no_multicast(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = (
        files["spoke2.cfg"]
        .replace(" ip nhrp map multicast 203.0.113.1\n", "")
        .replace(" ip nhrp map multicast 203.0.113.254\n", "")
        .replace(" network 10.0.0.0 0.0.0.255\n", "")
    )
    assert hits(lint_files(tmp_path, files, select=["DMV110"]), "DMV110") == []


def test_hub_without_multicast_dynamic(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub2.cfg"] = edit(files["hub2.cfg"], " ip nhrp map multicast dynamic\n", "")
    findings = lint_files(tmp_path, files, select=["DMV111"])
    assert hits(findings, "DMV111") == [("hub2", "hub2.cfg", line_of(files["hub2.cfg"], "interface Tunnel0"))]


def test_single_hub_spoke_is_warned_once_at_its_nhs(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = (
        files["spoke1.cfg"]
        .replace(" ip nhrp map 10.0.0.254 203.0.113.254\n", "")
        .replace(" ip nhrp map multicast 203.0.113.254\n", "")
        .replace(" ip nhrp nhs 10.0.0.254\n", "")
    )
    findings = lint_files(tmp_path, files, select=["DMV117"])
    assert hits(findings, "DMV117") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "ip nhrp nhs 10.0.0.1"))]
    assert findings[0].message.startswith("spoke1 registers with one hub only (hub1, via Tunnel0)")


def test_holdtime_missing_and_out_of_range(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip nhrp holdtime 300\n", "")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip nhrp holdtime 300", "ip nhrp holdtime 3600")
    findings = lint_files(tmp_path, files, select=["DMV118"])
    assert hits(findings, "DMV118") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "interface Tunnel0")),
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "holdtime 3600")),
    ]


def test_max_send_exceeded_states_the_rate(tmp_path: Path) -> None:
    files = clean_fleet(spokes=3)
    files["hub1.cfg"] = edit(files["hub1.cfg"], " ip nhrp holdtime 300\n", " ip nhrp holdtime 300\n ip nhrp max-send 2 every 10\n")
    for name in ("spoke1.cfg", "spoke2.cfg", "spoke3.cfg"):
        files[name] = edit(files[name], " ip nhrp holdtime 300\n", " ip nhrp holdtime 300\n ip nhrp registration timeout 10\n")
    findings = lint_files(tmp_path, files, select=["DMV119"])
    # hub2 keeps the IOS default (100 every 10 s), which 3 spokes do not exceed
    assert hits(findings, "DMV119") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "max-send"))]
    hub1 = next(f for f in findings if f.device == "hub1")
    assert "about 3 registration requests every 10 s from 3 spokes" in hub1.message
    assert "ip nhrp max-send allows 2 every 10 s" in hub1.message


def test_nhrp_unauthenticated_is_info(tmp_path: Path) -> None:
    files = {n: t.replace(" ip nhrp authentication nh7Auth\n", "") for n, t in clean_fleet().items()}
    findings = lint_files(tmp_path, files, select=["DMV702"])
    assert sorted(f.device for f in findings) == ["hub1", "hub2", "spoke1", "spoke2"]
    assert {f.severity.value for f in findings} == {"info"}
