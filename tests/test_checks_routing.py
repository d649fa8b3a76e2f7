"""Routing over the cloud (DMV501–DMV510) on the clean fleet and on the guide's 2547oDMVPN
examples, one thing changed per test; and the exact address-space helpers they use, checked
against z3 and against brute force."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dmvpnlint.addrspace import WildcardSet, overlapping, uncovered_address, wildcard_match, z3_contains
from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import REPO, hits, lint_files

NAMED_HUB_EIGRP = """\
router eigrp WAN
 address-family ipv4 unicast autonomous-system 1
  af-interface Tunnel0
{settings}  exit-af-interface
  network 10.0.0.0 0.0.0.255
 exit-address-family
"""


def sample(name: str) -> dict[str, str]:
    folder = REPO / "samples" / name
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.cfg"))}


def test_clean_fleet_is_silent(tmp_path: Path) -> None:
    assert lint_files(tmp_path, clean_fleet(), select=["DMV5"]) == []


# --- DMV501, DMV502 -------------------------------------------------------------------------


def test_hub_with_split_horizon_on(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub2.cfg"] = edit(files["hub2.cfg"], " no ip split-horizon eigrp 1\n", "")
    findings = lint_files(tmp_path, files, select=["DMV501"])
    assert hits(findings, "DMV501") == [("hub2", "hub2.cfg", line_of(files["hub2.cfg"], "interface Tunnel0"))]
    assert findings[0].message == (
        f"hub hub2 Tunnel0 runs EIGRP 1 ({tmp_path}/hub2.cfg:{line_of(files['hub2.cfg'], 'router eigrp 1')}) "
        "over multipoint GRE with split horizon on: routes learned from one spoke are never "
        "advertised to the other spokes"
    )
    assert findings[0].hint == "add 'no ip split-horizon eigrp 1'"


def test_split_horizon_for_another_as_does_not_count(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " no ip split-horizon eigrp 1\n", " no ip split-horizon eigrp 2\n")
    assert hits(lint_files(tmp_path, files, select=["DMV501"]), "DMV501") == [
        ("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "interface Tunnel0"))
    ]


def test_spokes_need_no_split_horizon_change(tmp_path: Path) -> None:
    files = clean_fleet()  # the spokes keep split horizon; only hubs are judged
    assert lint_files(tmp_path, files, select=["DMV501"]) == []


def _named_hub(settings: str) -> dict[str, str]:
    files = clean_fleet()
    hub = files["hub1.cfg"]
    hub = edit(hub, " no ip split-horizon eigrp 1\n no ip next-hop-self eigrp 1\n", "")
    hub = edit(hub, "router eigrp 1\n network 10.0.0.0 0.0.0.255\n", NAMED_HUB_EIGRP.format(settings=settings) + "router eigrp 1\n")
    files["hub1.cfg"] = hub
    return files


def test_named_mode_af_interface(tmp_path: Path) -> None:
    good = _named_hub("   no split-horizon\n   no next-hop-self\n")
    assert lint_files(tmp_path, good, select=["DMV501", "DMV502"]) == []
    bad = _named_hub("   no next-hop-self\n")
    findings = lint_files(tmp_path / "b", bad, select=["DMV501", "DMV502"])
    assert [(f.rule, f.device, f.line) for f in findings] == [
        ("DMV501", "hub1", line_of(bad["hub1.cfg"], "interface Tunnel0"))
    ]
    assert findings[0].hint == "add 'af-interface Tunnel0 / no split-horizon'"
    assert "runs EIGRP WAN (AS 1)" in findings[0].message


def test_phase2_hub_keeps_next_hop_self(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " no ip next-hop-self eigrp 1\n", "")
    findings = lint_files(tmp_path, files, select=["DMV502"])
    assert hits(findings, "DMV502") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "interface Tunnel0"))]
    assert findings[0].cloud == "hub1:Tunnel0"
    # Phase 3: the hub as next hop is what triggers the redirect
    files["hub1.cfg"] = edit(files["hub1.cfg"], " ip nhrp holdtime 300\n", " ip nhrp holdtime 300\n ip nhrp redirect\n")
    assert lint_files(tmp_path / "b", files, select=["DMV502"]) == []


def test_hub_and_spoke_only_cloud_is_not_phase2(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " no ip next-hop-self eigrp 1\n", "")
    for name in ("spoke1.cfg", "spoke2.cfg"):  # point-to-point GRE spokes to hub1
        text = files[name].replace(" tunnel mode gre multipoint\n", " tunnel destination 203.0.113.1\n")
        files[name] = text
    assert lint_files(tmp_path, files, select=["DMV502"]) == []


# --- DMV503 ---------------------------------------------------------------------------------


def test_tunnel_bandwidth(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " bandwidth 1000\n", " bandwidth 500\n")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " bandwidth 1000\n", "")
    findings = lint_files(tmp_path, files, select=["DMV503"])
    assert hits(findings, "DMV503") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "bandwidth 500")),
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "interface Tunnel0")),
    ]
    assert findings[1].message == (
        "spoke2 Tunnel0 runs EIGRP 1 with no bandwidth (the tunnel default is 9 kbit/s): EIGRP "
        "paces itself to a share of the bandwidth and needs at least 1000 on a DMVPN tunnel"
    )


def test_bandwidth_matters_only_where_eigrp_runs(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " bandwidth 1000\n", "")
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " network 10.0.0.0 0.0.0.255\n", "")
    assert lint_files(tmp_path, files, select=["DMV503"]) == []


# --- DMV504 ---------------------------------------------------------------------------------


def test_non_contiguous_wildcard_that_misses_the_tunnel(tmp_path: Path) -> None:
    files = clean_fleet()
    spoke = edit(files["spoke1.cfg"], " network 10.0.0.0 0.0.0.255\n", " network 10.0.0.1 0.0.255.0\n")
    files["spoke1.cfg"] = spoke
    findings = lint_files(tmp_path, files, select=["DMV504"])
    assert hits(findings, "DMV504") == [("spoke1", "spoke1.cfg", line_of(spoke, "interface Tunnel0"))]
    assert findings[0].message == (
        "EIGRP 1, which hub1 Tunnel0 runs in this cloud, does not run on spoke1 Tunnel0: no network "
        f"statement of router eigrp 1 ({tmp_path}/spoke1.cfg:{line_of(spoke, 'router eigrp 1')}) "
        "covers spoke1 Tunnel0's address 10.0.0.2 (they cover part of 10.0.0.0/24; the first "
        "address they miss is 10.0.0.2)"
    )


def test_non_contiguous_wildcard_that_covers_the_tunnel(tmp_path: Path) -> None:
    files = clean_fleet()
    # 10.0.x.2: a prefix reading (10.0.0.0/16 or 10.0.0.2/32) would get one of the two wrong
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " network 10.0.0.0 0.0.0.255\n", " network 10.0.0.2 0.0.255.0\n")
    assert lint_files(tmp_path, files, select=["DMV504"]) == []


def test_spoke_without_the_igp_and_ospf_by_interface(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "router eigrp 1\n network 10.0.0.0 0.0.0.255\n",
                               "router ospf 1\n network 10.9.0.0 0.0.0.255 area 0\n")
    findings = lint_files(tmp_path, files, select=["DMV504"])
    assert [(f.device, f.message.split(": ", 1)[1]) for f in findings] == [
        ("spoke2", "spoke2 has no router eigrp 1"),
    ]
    # OSPF on the hubs by interface command: now every member must run OSPF too
    for hub in ("hub1.cfg", "hub2.cfg"):
        files[hub] = edit(files[hub], " ip mtu 1400\n", " ip mtu 1400\n ip ospf 1 area 0\n")
    findings = lint_files(tmp_path / "b", files, select=["DMV504"])
    assert sorted((f.device, f.message.split(",")[0]) for f in findings) == [
        ("spoke1", "OSPF"), ("spoke2", "EIGRP 1"), ("spoke2", "OSPF"),
    ]


def test_vrf_address_family_networks(tmp_path: Path) -> None:
    findings = lint_files(tmp_path, sample("guide-vrf-aware"), select=["DMV504"])
    assert sorted((f.device, f.line) for f in findings) == [("spoke1", 2), ("spoke2", 2)]


# --- DMV505–DMV508 on the guide's 2547oDMVPN examples ---------------------------------------


def test_enterprise_example_findings(tmp_path: Path) -> None:
    findings = lint_files(tmp_path, sample("guide-2547-enterprise"), select=["DMV5"])
    assert [(f.rule, Path(f.file).name, f.line) for f in findings] == [
        ("DMV502", "HUB.cfg", 38), ("DMV503", "HUB.cfg", 38),
        ("DMV507", "HUB.cfg", 83), ("DMV507", "HUB.cfg", 87),
        ("DMV503", "Spoke2.cfg", 38), ("DMV503", "Spoke3.cfg", 38),
    ]


def test_mpls_missing_on_the_tunnel_to_a_loopback_peer(tmp_path: Path) -> None:
    files = sample("guide-2547-enterprise")
    files["Spoke3.cfg"] = files["Spoke3.cfg"].replace("\nmpls ip\n", "\n", 1)
    findings = lint_files(tmp_path, files, select=["DMV505"])
    assert hits(findings, "DMV505") == [("Spoke3", "Spoke3.cfg", 38)]
    assert findings[0].message == (
        f"VPNv4 neighbor 10.9.9.1 of Spoke3 ({tmp_path}/Spoke3.cfg:"
        f"{line_of(files['Spoke3.cfg'], 'neighbor 10.9.9.1 activate')}) is reached over DMVPN "
        "tunnel Tunnel1, which has no 'mpls ip': VPN labels are never exchanged and 2547oDMVPN "
        "traffic is dropped"
    )


def test_send_community_missing(tmp_path: Path) -> None:
    files = sample("guide-2547-enterprise")
    files["HUB.cfg"] = edit(files["HUB.cfg"], "neighbor 10.9.9.12 send-community extended\n", "neighbor 10.9.9.12 send-community\n")
    findings = lint_files(tmp_path, files, select=["DMV506"])
    assert hits(findings, "DMV506") == [("HUB", "HUB.cfg", line_of(files["HUB.cfg"], "neighbor 10.9.9.12 activate"))]
    assert findings[0].message.startswith("VPNv4 neighbor 10.9.9.12 of HUB has 'send-community standard'")


def test_next_hop_route_map_must_set_an_own_address(tmp_path: Path) -> None:
    files = sample("guide-2547-bgp-only")
    assert lint_files(tmp_path, files, select=["DMV507"]) == []
    files["hub-pe1.cfg"] = edit(files["hub-pe1.cfg"], "set ip next-hop 10.0.0.1", "set ip next-hop 10.0.0.99")
    findings = lint_files(tmp_path / "b", files, select=["DMV507"])
    assert [f.line for f in findings] == [line_of(files["hub-pe1.cfg"], "10.0.0.11 route-reflector-client"),
                                          line_of(files["hub-pe1.cfg"], "10.0.0.12 route-reflector-client")]
    assert "route-map NEXTHOP sets ip next-hop 10.0.0.99, not an address of hub-pe1" in findings[0].message


def test_bgp_only_example_sessions_never_meet(tmp_path: Path) -> None:
    findings = lint_files(tmp_path, sample("guide-2547-bgp-only"), select=["DMV508"])
    assert [(f.device, f.line) for f in findings] == [("hub-pe1", 65), ("hub-pe1", 67), ("spoke-PE3", 74)]
    assert findings[2].message == (
        "spoke-PE3 peers with 10.0.0.1 (hub-pe1 Loopback0), but hub-pe1's neighbor 10.0.0.12 "
        f"({tmp_path}/hub-pe1.cfg:67) sources the session from 10.9.9.1 (update-source Tunnell): "
        "the two ends never agree on the addresses"
    )


def test_remote_as_and_unknown_neighbor(tmp_path: Path) -> None:
    files = sample("guide-2547-enterprise")
    files["Spoke2.cfg"] = edit(files["Spoke2.cfg"], "neighbor 10.9.9.1 remote-as 1", "neighbor 10.9.9.1 remote-as 2")
    files["Spoke3.cfg"] = files["Spoke3.cfg"].replace("neighbor 10.9.9.1 ", "neighbor 10.9.9.77 ")
    findings = lint_files(tmp_path, files, select=["DMV508"])
    got = [(f.device, f.line, f.message) for f in findings]
    assert got[0] == (
        "HUB", line_of(files["HUB.cfg"], "neighbor 10.9.9.12 remote-as"),
        "HUB peers with 10.9.9.12 (Spoke3 Loopback0) from 10.9.9.1 (update-source Loopback0), but "
        "Spoke3 has no neighbor 10.9.9.1 (its neighbors: 10.9.9.77)",
    )
    assert got[1] == (
        "Spoke2", line_of(files["Spoke2.cfg"], "remote-as 2"),
        "BGP neighbor 10.9.9.1 of Spoke2 has remote-as 2, but it is HUB Loopback0, whose router bgp "
        f"is 1 ({tmp_path}/HUB.cfg:{line_of(files['HUB.cfg'], 'router bgp 1')})",
    )
    assert got[2] == ("Spoke3", line_of(files["Spoke3.cfg"], "neighbor 10.9.9.77 remote-as"),
                      "BGP neighbor 10.9.9.77 of Spoke3 is not an address of any device in the fleet")
    assert len(got) == 3


def test_external_peer_outside_the_cloud_is_not_judged(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], "router eigrp 1\n",
                             "router bgp 65000\n neighbor 198.51.100.1 remote-as 64999\n!\nrouter eigrp 1\n")
    assert lint_files(tmp_path, files, select=["DMV508"]) == []


# --- DMV509, DMV510 -------------------------------------------------------------------------


def test_vrf_definition_mismatch(tmp_path: Path) -> None:
    files = sample("guide-2547-enterprise")
    assert lint_files(tmp_path, files, select=["DMV509"]) == []
    files["Spoke2.cfg"] = edit(files["Spoke2.cfg"], "  rd 1:1\n", "  rd 1:9\n")
    files["Spoke3.cfg"] = edit(files["Spoke3.cfg"], " route-target import 2:2\n", " route-target import 2:3\n")
    findings = lint_files(tmp_path / "b", files, select=["DMV509"])
    assert [(f.device, f.line) for f in findings] == [
        ("Spoke2", line_of(files["Spoke2.cfg"], "rd 1:9")),
        ("Spoke3", line_of(files["Spoke3.cfg"], "ip vrf blue")),
    ]
    assert findings[0].message == (
        f"VRF red on Spoke2 differs from VRF red on HUB ({tmp_path}/b/HUB.cfg:"
        f"{line_of(files['HUB.cfg'], 'ip vrf red')}) of the same cloud: rd 1:9 vs 1:1"
    )
    assert findings[1].message.endswith("route-target import 2:3 vs 2:2")


def test_overlapping_site_prefixes(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip address 192.168.3.1 255.255.255.0", "ip address 192.168.2.129 255.255.255.128")
    files["hub2.cfg"] = edit(files["hub2.cfg"], "ip address 192.168.254.1 255.255.255.0", "ip address 192.168.0.1 255.255.0.0")
    findings = lint_files(tmp_path, files, select=["DMV510"])
    assert [(f.device, f.line) for f in findings] == [
        ("hub1", line_of(files["hub1.cfg"], "ip address 192.168.0.1")),
        ("spoke1", line_of(files["spoke1.cfg"], "ip address 192.168.2.1")),
        ("spoke2", line_of(files["spoke2.cfg"], "ip address 192.168.2.129")),
    ]
    by_device = {f.device: f.message for f in findings}
    assert by_device["spoke2"] == (
        "spoke2 GigabitEthernet0/1 attaches 192.168.2.129/25, a prefix overlapping 192.168.0.1/16 on "
        f"hub2 GigabitEthernet0/1 ({tmp_path}/hub2.cfg:{line_of(files['hub2.cfg'], '192.168.0.1 255.255.0.0')}) "
        "in the global table: traffic for one site is routed to the other"
    )


def test_same_lan_in_two_vrfs_and_wan_subnets_are_not_overlap(tmp_path: Path) -> None:
    # the spokes' tunnel sources share 203.0.113.0/24 (the NBMA side) and that is fine
    assert lint_files(tmp_path, clean_fleet(), select=["DMV510"]) == []
    assert lint_files(tmp_path / "b", sample("guide-2547-bgp-only"), select=["DMV510"]) == []


# --- the address-space helpers --------------------------------------------------------------

addresses = st.integers(0, 2**32 - 1).map(IPv4Address)
networks = st.builds(lambda a, n: IPv4Network(f"{a}/{n}", strict=False), addresses, st.integers(8, 32))


@settings(max_examples=60, deadline=None)
@given(addresses, addresses, addresses)
def test_wildcard_membership_agrees_with_z3(base: IPv4Address, wildcard: IPv4Address, x: IPv4Address) -> None:
    s = WildcardSet.of(base, wildcard)
    assert s.contains(x) == z3_contains(s, x)
    assert s.contains(base)


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_intersection_is_exact_on_an_8_bit_space(v1: int, w1: int, v2: int, w2: int) -> None:
    a, b = WildcardSet.of(IPv4Address(v1), IPv4Address(w1)), WildcardSet.of(IPv4Address(v2), IPv4Address(w2))
    # the top 24 bits are cared for and zero in both: the question lives in the low byte
    brute = any(a.contains(IPv4Address(x)) and b.contains(IPv4Address(x)) for x in range(256))
    assert a.intersects(b) == brute


def test_classful_statement_without_wildcard() -> None:
    s = WildcardSet.of(IPv4Address("172.16.5.0"), None)
    assert s.contains(IPv4Address("172.16.200.1")) and not s.contains(IPv4Address("172.17.0.1"))
    assert str(WildcardSet.of(IPv4Address("10.0.0.1"), IPv4Address("0.0.255.0"))) == "10.0.0.1 0.0.255.0"


@given(st.lists(networks, max_size=12))
def test_sweep_reports_every_overlapping_prefix_once(nets: list[IPv4Network]) -> None:
    found = list(overlapping((n, i) for i, n in enumerate(nets)))
    later = [a for a, _ in found]
    assert len(later) == len(set(later))
    for a, b in found:
        assert nets[a].overlaps(nets[b])
    # an item that overlaps any other item is either reported or is what others are reported against
    touched = set(later) | {b for _, b in found}
    for i, n in enumerate(nets):
        if any(n.overlaps(m) for j, m in enumerate(nets) if j != i):
            assert i in touched


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255)), max_size=4))
def test_uncovered_address_is_the_lowest_host_no_statement_covers(pairs: list[tuple[int, int]]) -> None:
    network = IPv4Network("10.1.2.0/24")
    sets = tuple(WildcardSet.of(IPv4Address(f"10.1.2.{v}"), IPv4Address(f"0.0.0.{w}")) for v, w in pairs)
    hosts = [a for a in network.hosts() if not any(s.contains(a) for s in sets)]
    assert uncovered_address(network, sets) == (hosts[0] if hosts else None)


@given(addresses, addresses, st.one_of(st.none(), addresses))
def test_fast_match_is_the_wildcard_set(x: IPv4Address, base: IPv4Address, wildcard: IPv4Address | None) -> None:
    assert wildcard_match(int(x), base, wildcard) == WildcardSet.of(base, wildcard).contains(x)


def test_one_segment_shared_by_two_routers_is_not_overlap(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub2.cfg"] = edit(files["hub2.cfg"], "ip address 192.168.254.1 255.255.255.0", "ip address 192.168.0.2 255.255.255.0")
    assert lint_files(tmp_path, files, select=["DMV510"]) == []
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip address 192.168.3.1 255.255.255.0", "ip address 192.168.0.1 255.255.255.0")
    findings = lint_files(tmp_path / "b", files, select=["DMV510"])
    assert [(f.device, f.line) for f in findings] == [("spoke2", line_of(files["spoke2.cfg"], "192.168.0.1 255"))]
    assert "attaches 192.168.0.1/24, the same prefix and address as 192.168.0.1/24 on hub1" in findings[0].message
