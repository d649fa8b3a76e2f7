"""Platform and release checks (DMV401–DMV411) on the clean two-hub fleet with an inventory that
makes one device a Catalyst 6500/7600, one thing changed per test."""

from __future__ import annotations

from pathlib import Path

from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files


def inventory(**devices: dict[str, object]) -> str:
    """`inventory.yaml` text: `hub1={"platform": "cat6500"}` and so on."""
    lines = ["devices:"]
    for name, facts in devices.items():
        lines.append(f"  {name}:")
        for key, value in facts.items():
            lines.append(f"    {key}: {value}")
    return "\n".join(lines) + "\n"


C6500 = {"platform": "WS-C6509-E", "supervisor": "sup720", "ios": '"12.2(18)SXF"'}


def fleet(**devices: dict[str, object]) -> dict[str, str]:
    files = clean_fleet()
    files["inventory.yaml"] = inventory(**devices)
    return files


def keyless(files: dict[str, str]) -> dict[str, str]:
    return {n: t.replace(" tunnel key 100\n", "") for n, t in files.items()}


def inv_line(files: dict[str, str], needle: str, occurrence: int = 1) -> int:
    return line_of(files["inventory.yaml"], needle, occurrence)


# --- without an inventory nothing is a 6500 -------------------------------------------------


def test_clean_fleet_without_inventory_is_silent(tmp_path: Path) -> None:
    assert lint_files(tmp_path, clean_fleet(), select=["DMV4"]) == []


def test_generic_platform_with_a_current_release_is_silent(tmp_path: Path) -> None:
    files = fleet(hub1={"platform": "isr4451", "ios": '"15.9(3)M6"'})
    assert lint_files(tmp_path, files, select=["DMV4"]) == []


# --- DMV401 ---------------------------------------------------------------------------------


def test_tunnel_key_in_a_cloud_with_a_6500_is_reported_on_every_member(tmp_path: Path) -> None:
    files = fleet(hub1=C6500)
    findings = lint_files(tmp_path, files, select=["DMV401"])
    assert hits(findings, "DMV401") == [
        (name, f"{name}.cfg", line_of(files[f"{name}.cfg"], "tunnel key 100"))
        for name in ("hub1", "hub2", "spoke1", "spoke2")
    ]
    by_device = {f.device: f.message for f in findings}
    assert by_device["hub1"] == (
        "tunnel key 100 on hub1 Tunnel0: hub1 (cat6500: WS-C6509-E) cannot switch keyed GRE in hardware"
    )
    assert by_device["spoke1"] == (
        "tunnel key 100 on spoke1 Tunnel0: the cloud includes hub1 (cat6500: WS-C6509-E), and every "
        "node must drop the key for it to keep hardware switching"
    )
    assert findings[0].related[0].span.line == inv_line(files, "platform")


def test_keyless_cloud_with_a_6500_is_silent(tmp_path: Path) -> None:
    files = keyless(fleet(hub1=C6500))
    assert lint_files(tmp_path, files, select=["DMV401"]) == []


def test_key_on_a_6500_tunnel_outside_any_cloud(tmp_path: Path) -> None:
    files = keyless(fleet(hub1={"platform": "c7600"}))
    files["hub1.cfg"] = edit(files["hub1.cfg"], "interface GigabitEthernet0/0\n",
                             "interface Tunnel5\n ip address 10.5.0.1 255.255.255.252\n"
                             " tunnel source Loopback5\n tunnel destination 198.51.100.5\n"
                             " tunnel key 5\n!\ninterface GigabitEthernet0/0\n")
    findings = lint_files(tmp_path, files, select=["DMV401"])
    assert hits(findings, "DMV401") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "tunnel key 5"))]
    assert findings[0].cloud is None


# --- DMV402 ---------------------------------------------------------------------------------


def _second_gre(files: dict[str, str], source: str) -> dict[str, str]:
    files["hub1.cfg"] = edit(files["hub1.cfg"], "interface GigabitEthernet0/0\n",
                             "interface Tunnel1\n ip address 10.9.0.1 255.255.255.252\n"
                             f" tunnel source {source}\n tunnel destination 198.51.100.9\n"
                             " tunnel key 7\n!\ninterface GigabitEthernet0/0\n")
    return files


def test_two_gre_tunnels_with_one_source_on_a_6500_even_with_keys(tmp_path: Path) -> None:
    files = _second_gre(fleet(hub1=C6500), "GigabitEthernet0/0")
    findings = lint_files(tmp_path, files, select=["DMV402", "DMV114"])
    assert hits(findings, "DMV402") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "tunnel source GigabitEthernet0/0", 2))]
    assert hits(findings, "DMV114") == []  # different keys and one point-to-point: legal on a router
    assert "each GRE interface of a 6500/7600 needs its own tunnel source" in findings[0].message


def test_own_source_or_generic_platform_is_silent(tmp_path: Path) -> None:
    assert lint_files(tmp_path, _second_gre(fleet(hub1=C6500), "Loopback9"), select=["DMV402"]) == []
    files = _second_gre(fleet(hub1={"platform": "isr4451"}), "GigabitEthernet0/0")
    assert lint_files(tmp_path / "b", files, select=["DMV402"]) == []


# --- DMV403, DMV404 -------------------------------------------------------------------------


def test_commands_mgre_on_a_6500_does_not_support(tmp_path: Path) -> None:
    files = fleet(hub1=C6500)
    files["hub1.cfg"] = edit(files["hub1.cfg"], " tunnel mode gre multipoint\n",
                             " tunnel mode gre multipoint\n tunnel path-mtu-discovery\n qos pre-classify\n"
                             " tunnel vrf INET\n")
    findings = lint_files(tmp_path, files, select=["DMV403"])
    hub = files["hub1.cfg"]
    assert hits(findings, "DMV403") == sorted(
        ("hub1", "hub1.cfg", line_of(hub, text))
        for text in ("ip tcp adjust-mss 1360", "tunnel path-mtu-discovery", "qos pre-classify", "tunnel vrf INET")
    )
    assert findings[0].message == (
        "'ip tcp adjust-mss 1360' on multipoint GRE tunnel hub1 Tunnel0 of hub1 (cat6500: "
        "WS-C6509-E): not supported under mGRE on a 6500/7600"
    )


def test_service_policy_on_a_6500_dmvpn_tunnel(tmp_path: Path) -> None:
    files = fleet(spoke1={"platform": "cat6500"})
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " tunnel mode gre multipoint\n",
                               " tunnel mode gre multipoint\n service-policy output SHAPE\n")
    findings = lint_files(tmp_path, files, select=["DMV404"])
    assert hits(findings, "DMV404") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "service-policy"))]
    assert findings[0].message.startswith("service-policy output SHAPE on DMVPN tunnel spoke1 Tunnel0")
    files["inventory.yaml"] = inventory(spoke1={"platform": "isr4451"})
    assert lint_files(tmp_path / "b", files, select=["DMV404"]) == []


# --- DMV405 ---------------------------------------------------------------------------------


def test_6500_hub_behind_nat(tmp_path: Path) -> None:
    files = fleet(hub1={**C6500, "nat": "{outside: 198.51.100.1, type: static}"})
    findings = lint_files(tmp_path, files, select=["DMV405"])
    assert hits(findings, "DMV405") == [("hub1", "inventory.yaml", inv_line(files, "nat:"))]
    assert findings[0].message == (
        "hub1 (cat6500: WS-C6509-E) is a DMVPN hub (Tunnel0) behind NAT (outside 198.51.100.1): "
        "a 6500/7600 hub cannot be behind NAT"
    )


def test_6500_spoke_whose_hub_is_behind_nat(tmp_path: Path) -> None:
    files = fleet(hub2={"nat": "{outside: 198.51.100.254, type: static}"}, spoke1={"platform": "cat6500"})
    findings = lint_files(tmp_path, files, select=["DMV405"])
    assert hits(findings, "DMV405") == [("spoke1", "inventory.yaml", inv_line(files, "platform: cat6500"))]
    assert "hub hub2, which is behind NAT" in findings[0].message


def test_6500_hub_and_old_spoke_behind_nat(tmp_path: Path) -> None:
    nat = "{outside: 198.51.100.7, type: static}"
    files = fleet(hub1=C6500, spoke1={"ios": '"12.3(8)T1"', "nat": nat})
    findings = lint_files(tmp_path, files, select=["DMV405"])
    assert hits(findings, "DMV405") == [("spoke1", "inventory.yaml", inv_line(files, "nat:"))]
    ios_line = inv_line(files, "12.3(8)T1")
    assert findings[0].message.endswith(
        "and hub1 (cat6500: WS-C6509-E) is a 6500/7600 while spoke1 is not and runs 12.3(8)T1 "
        f"({tmp_path}/inventory.yaml:{ios_line}), older than 12.3(11)T02"
    )
    for ios in ('"12.3(11)T02"', '"12.4(3)"', '"15.9(3)M6"'):
        files = fleet(hub1=C6500, spoke1={"ios": ios, "nat": nat})
        assert lint_files(tmp_path / ios.strip('"'), files, select=["DMV405"]) == [], ios
    files = fleet(hub1=C6500, spoke1={"nat": nat})  # release unknown: not old
    assert lint_files(tmp_path / "unknown", files, select=["DMV405"]) == []


def test_6500_spoke_behind_nat_and_old_hub(tmp_path: Path) -> None:
    files = fleet(hub1={"ios": '"12.3(11)T"'}, hub2={"ios": '"15.9(3)M6"'},
                  spoke1={"platform": "cat7600", "nat": "{outside: 198.51.100.7, type: static}"})
    findings = lint_files(tmp_path, files, select=["DMV405"])
    assert [(f.device, f.line) for f in findings] == [("spoke1", inv_line(files, "nat:"))]
    assert "hub1 is not and runs 12.3(11)T" in findings[0].message


# --- DMV406 ---------------------------------------------------------------------------------


def test_supervisor(tmp_path: Path) -> None:
    files = fleet(hub1={**C6500, "supervisor": "sup32"})
    findings = lint_files(tmp_path, files, select=["DMV406"])
    assert hits(findings, "DMV406") == [("hub1", "inventory.yaml", inv_line(files, "supervisor"))]
    assert findings[0].message == (
        "hub1 (cat6500: WS-C6509-E) runs DMVPN (Tunnel0) with supervisor sup32: only a Supervisor "
        "Engine 720 can be a DMVPN hub or spoke"
    )
    assert lint_files(tmp_path / "b", fleet(hub1=C6500), select=["DMV406"]) == []
    assert lint_files(tmp_path / "c", fleet(hub1={"platform": "cat6500"}), select=["DMV406"]) == []


# --- DMV407 ---------------------------------------------------------------------------------


def test_encrypted_multicast_eigrp_on_a_6500(tmp_path: Path) -> None:
    files = fleet(hub1=C6500)
    findings = lint_files(tmp_path, files, select=["DMV407"])
    assert hits(findings, "DMV407") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "tunnel protection"))]
    assert findings[0].message == (
        "EIGRP 1 (multicast hellos) on hub1 Tunnel0, a GRE tunnel protected by IPsec profile DMVPN, "
        "on hub1 (cat6500: WS-C6509-E): encrypted multicast over GRE is not supported"
    )


def test_encrypted_multicast_pim_and_unprotected(tmp_path: Path) -> None:
    files = fleet(spoke2={"platform": "7600"})
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " ip mtu 1400\n", " ip mtu 1400\n ip pim sparse-mode\n")
    findings = lint_files(tmp_path, files, select=["DMV407"])
    assert hits(findings, "DMV407") == [("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "ip pim"))]
    files["spoke2.cfg"] = files["spoke2.cfg"].replace(" tunnel protection ipsec profile DMVPN\n", "")
    assert lint_files(tmp_path / "b", files, select=["DMV407"]) == []


# --- DMV408, DMV409 -------------------------------------------------------------------------


def _vrf_hub(files: dict[str, str], mtu: str) -> dict[str, str]:
    hub = edit(files["hub1.cfg"], "interface Tunnel0\n", "ip vrf RED\n rd 1:1\n!\ninterface Tunnel0\n ip vrf forwarding RED\n")
    files["hub1.cfg"] = edit(hub, " ip mtu 1400\n", f" ip mtu {mtu}\n")
    return files


def test_vrf_aware_6500_mtu_above_1400(tmp_path: Path) -> None:
    files = _vrf_hub(fleet(hub1=C6500), "1436")
    findings = lint_files(tmp_path, files, select=["DMV408"])
    assert hits(findings, "DMV408") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "ip mtu 1436"))]
    assert findings[0].message == (
        "ip mtu 1436 on VRF-aware mGRE tunnel hub1 Tunnel0 (VRF RED) of hub1 (cat6500: WS-C6509-E) is "
        "above 1400: the route processor fragments what the hardware cannot"
    )
    assert lint_files(tmp_path / "b", _vrf_hub(fleet(hub1=C6500), "1400"), select=["DMV408"]) == []
    files = fleet(hub1=C6500)
    files["hub1.cfg"] = edit(files["hub1.cfg"], " ip mtu 1400\n", " ip mtu 1436\n")  # no VRF
    assert lint_files(tmp_path / "c", files, select=["DMV408"]) == []


def test_pe_hub_without_tunnel_recir(tmp_path: Path) -> None:
    files = _vrf_hub(fleet(hub1=C6500), "1400")
    files["hub1.cfg"] = edit(files["hub1.cfg"], "interface GigabitEthernet0/1\n", "interface GigabitEthernet0/1\n mpls ip\n")
    findings = lint_files(tmp_path, files, select=["DMV409"])
    assert hits(findings, "DMV409") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "ip vrf forwarding RED"))]
    assert findings[0].hint == "add the global command 'mls mpls tunnel-recir'"
    files["hub1.cfg"] = edit(files["hub1.cfg"], "ip vrf RED\n", "mls mpls tunnel-recir\n!\nip vrf RED\n")
    assert lint_files(tmp_path / "b", files, select=["DMV409"]) == []


def test_not_a_pe_needs_no_tunnel_recir(tmp_path: Path) -> None:
    files = _vrf_hub(fleet(hub1=C6500), "1400")
    assert lint_files(tmp_path, files, select=["DMV409"]) == []


# --- DMV410 ---------------------------------------------------------------------------------


def _shared(files: dict[str, str]) -> dict[str, str]:
    files["hub1.cfg"] = edit(files["hub1.cfg"], "tunnel protection ipsec profile DMVPN\n",
                             "tunnel protection ipsec profile DMVPN shared\n")
    return files


def test_shared_on_12_3_t(tmp_path: Path) -> None:
    files = _shared(fleet(hub1={"ios": '"12.3(14)T"'}))
    findings = lint_files(tmp_path, files, select=["DMV410"])
    assert hits(findings, "DMV410") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "shared"))]
    assert findings[0].message == (
        "tunnel protection ipsec profile DMVPN shared on hub1 Tunnel0: tunnel protection ... shared "
        f"came in 12.4(5) or 12.4(6)T, and hub1 runs 12.3(14)T ({tmp_path}/inventory.yaml:3)"
    )
    for ios in ('"12.4(6)T"', '"12.4(5)"', '"15.9(3)M6"', '"17.11.1a"'):
        files = _shared(fleet(hub1={"ios": ios}))
        assert lint_files(tmp_path / ios.strip('"'), files, select=["DMV410"]) == [], ios


def test_version_line_bounds_the_release(tmp_path: Path) -> None:
    files = _shared(clean_fleet())
    files["hub1.cfg"] = "version 12.3\n" + files["hub1.cfg"]
    findings = lint_files(tmp_path, files, select=["DMV410"])
    assert hits(findings, "DMV410") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "shared"))]
    assert "hub1 runs a 12.3 release ('version 12.3' at" in findings[0].message
    files["hub1.cfg"] = files["hub1.cfg"].replace("version 12.3\n", "version 12.4\n")
    assert lint_files(tmp_path / "b", files, select=["DMV410"]) == []


def test_tunnel_vrf_on_sxe_and_phase2_spoke_on_old_t(tmp_path: Path) -> None:
    files = keyless(fleet(hub1={"ios": '"12.2(18)SXE"'}, spoke1={"ios": '"12.3(8)T"'}))
    files["hub1.cfg"] = edit(files["hub1.cfg"], " tunnel mode gre multipoint\n", " tunnel mode gre multipoint\n tunnel vrf INET\n")
    findings = lint_files(tmp_path, files, select=["DMV410"])
    got = sorted((f.device, f.line, f.message.split(":")[1].split(" came")[0].strip()) for f in findings)
    spoke_mode = line_of(files["spoke1.cfg"], "tunnel mode gre multipoint")
    assert got == [
        ("hub1", line_of(files["hub1.cfg"], "tunnel vrf INET"), "tunnel vrf (the tunnel carried in a VRF)"),
        ("spoke1", spoke_mode, "DMVPN Phase 2"),
        ("spoke1", spoke_mode, "multipoint GRE without a tunnel key"),
    ]
    assert "(not 12.2(18)SXE)" in next(f.message for f in findings if f.device == "hub1")


def test_2547_on_12_4_mainline(tmp_path: Path) -> None:
    files = fleet(spoke2={"ios": '"12.4(10)"'})
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " tunnel mode gre multipoint\n", " tunnel mode gre multipoint\n mpls ip\n")
    findings = lint_files(tmp_path, files, select=["DMV410"])
    assert hits(findings, "DMV410") == [("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "mpls ip"))]


# --- DMV411 ---------------------------------------------------------------------------------


def test_release_not_recommended(tmp_path: Path) -> None:
    cases = {
        '"12.3(14)T"': "12.3(14)T is a 12.3T release, 12.3 or earlier",
        '"12.2(18)SXE"': "12.2(18)SXE is a 12.2 SX release before 12.2(18)SXF",
        '"12.4(11)XJ"': "12.4(11)XJ is on 12.4XJ, a 12.4 train other than mainline and T",
        '"12.4(15)T"': None,
        '"12.4(25)"': None,
        '"12.2(33)SXH"': None,
        '"15.9(3)M6"': None,
        '"16.9.4"': None,
    }
    for ios, why in cases.items():
        files = fleet(hub1={"ios": ios})
        findings = lint_files(tmp_path / ios.strip('"'), files, select=["DMV411"])
        if why is None:
            assert findings == [], ios
            continue
        assert [(f.device, Path(f.file).name, f.line) for f in findings] == [("hub1", "inventory.yaml", 3)]
        assert findings[0].message == (
            f"hub1 runs DMVPN on a release the guide does not recommend: {why}; it recommends the "
            "latest 12.4 mainline, 12.4T or 12.2(18)SXF"
        )


def test_release_not_recommended_from_the_version_line(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = "version 12.3\n" + files["spoke1.cfg"]
    files["spoke2.cfg"] = "version 12.2\n" + files["spoke2.cfg"]
    files["hub1.cfg"] = "version 12.4\n" + files["hub1.cfg"]
    findings = lint_files(tmp_path, files, select=["DMV411"])
    assert hits(findings, "DMV411") == [("spoke1", "spoke1.cfg", 1)]


def test_broken_cat6500_sample_trips_every_platform_rule() -> None:
    from tests.helpers import REPO, lint_paths

    _, findings = lint_paths([str(REPO / "samples" / "broken-cat6500")], select=["DMV4"])
    assert sorted({f.rule for f in findings}) == [f"DMV4{n:02d}" for n in range(1, 12)]


def test_node_behind_nat_before_nat_transparency(tmp_path: Path) -> None:
    files = fleet(spoke2={"ios": '"12.3(4)T"', "nat": "{outside: 198.51.100.9, type: static}"})
    findings = lint_files(tmp_path, files, select=["DMV410"])
    nat = [f for f in findings if "NAT-Transparency" in f.message]
    assert [(f.device, Path(f.file).name, f.line) for f in nat] == [("spoke2", "inventory.yaml", inv_line(files, "nat:"))]
    assert nat[0].message.startswith(
        "behind NAT (outside 198.51.100.9) on spoke2: NAT-Transparency Aware DMVPN (a node behind "
        "NAT) came in 12.3(6) or 12.3(7)T or 12.2(18)SXE, and spoke2 runs 12.3(4)T"
    )
