"""Undefined and unused references (DMV002, DMV003), unparsed lines (DMV001), vty (DMV701)."""

from __future__ import annotations

from pathlib import Path

from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files


def test_undefined_profile_vrf_interface_and_eigrp(tmp_path: Path) -> None:
    files = clean_fleet()
    spoke = files["spoke1.cfg"]
    spoke = edit(spoke, "tunnel protection ipsec profile DMVPN", "tunnel protection ipsec profile vpnprof!")
    spoke = edit(spoke, " bandwidth 1000\n", " bandwidth 1000\n ip vrf forwarding BLUE\n")
    spoke = edit(spoke, " ip tcp adjust-mss 1360\n", " ip tcp adjust-mss 1360\n no ip split-horizon eigrp 7\n")
    files["spoke1.cfg"] = spoke
    findings = lint_files(tmp_path, files, select=["DMV002"])
    assert hits(findings, "DMV002") == [
        ("spoke1", "spoke1.cfg", line_of(spoke, "ip vrf forwarding BLUE")),
        ("spoke1", "spoke1.cfg", line_of(spoke, "no ip split-horizon eigrp 7")),
        ("spoke1", "spoke1.cfg", line_of(spoke, "vpnprof!")),
    ]
    messages = sorted(f.message for f in findings)
    assert "interface Tunnel0 uses IPsec profile 'vpnprof!', which spoke1 does not define" in messages
    assert "interface Tunnel0 uses VRF 'BLUE', which spoke1 does not define" in messages


def test_unused_transform_set_and_profile(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(
        files["hub1.cfg"], "crypto ipsec profile DMVPN\n",
        "crypto ipsec transform-set OLD esp-3des esp-md5-hmac\n!\ncrypto ipsec profile SPARE\n set transform-set TS\n!\ncrypto ipsec profile DMVPN\n",
    )
    findings = lint_files(tmp_path, files, select=["DMV003"])
    hub = files["hub1.cfg"]
    assert hits(findings, "DMV003") == [
        ("hub1", "hub1.cfg", line_of(hub, "transform-set OLD")),
        ("hub1", "hub1.cfg", line_of(hub, "crypto ipsec profile SPARE")),
    ]
    assert "transform set 'OLD' is defined on hub1 but never used" in [f.message for f in findings]


def test_unparsed_line_in_a_tunnel_is_a_located_note_without_secrets(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(
        files["spoke1.cfg"], " ip nhrp holdtime 300\n",
        " ip nhrp holdtime 300\n ip nhrp frobnicate 7\n ip nhrp authentication Sup3rS3cret extra\n",
    )
    findings = lint_files(tmp_path, files, select=["DMV001"])
    spoke = files["spoke1.cfg"]
    assert hits(findings, "DMV001") == [
        ("spoke1", "spoke1.cfg", line_of(spoke, "frobnicate")),
        ("spoke1", "spoke1.cfg", line_of(spoke, "Sup3rS3cret")),
    ]
    assert all("Sup3rS3cret" not in f.message for f in findings)
    assert findings[0].message.startswith("'ip nhrp frobnicate 7' in interface Tunnel0 was not understood")


def test_vty_without_login(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " login local\n", " no login\n")
    findings = lint_files(tmp_path, files, select=["DMV701"])
    assert hits(findings, "DMV701") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "no login"))]
