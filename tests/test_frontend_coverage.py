"""Front-end coverage the rule engineers asked for: VRF address families, crypto forms, names
used by lines the model does not otherwise read, quiet DMV001 on irrelevant commands, NHRP
authentication as IOS compares it. Each test pins exact model values and lines."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

from dmvpnlint.frontend import parse_config
from dmvpnlint.frontend.build import device_from_split
from dmvpnlint.frontend.commands import LineParser
from dmvpnlint.frontend.splitter import Block, Line, SplitConfig
from dmvpnlint.model import Device, L, NetworkStatement, Span
from tests.fleets import AUTH, clean_fleet, edit, line_of
from tests.helpers import lint_files

F = "r1.cfg"


def parse(text: str) -> Device:
    return parse_config(text, F, "r1")


def at(line: int) -> Span:
    return Span(F, line)


def from_globals(*texts: str) -> Device:
    """A Device from top-level lines handed to the builder as the splitter's `global` blocks
    (what the builder does with a line once the splitter gives it one)."""
    blocks = [Block(Line(n, 0, t), "global") for n, t in enumerate(texts, 1)]
    return device_from_split(SplitConfig(blocks, len(blocks), len(blocks)), F, "r1", LineParser())


# --- 1. VRF address families, ipv6 ospf, logging dmvpn -------------------------------------


def test_named_eigrp_vrf_address_family_keeps_its_networks_under_the_vrf() -> None:
    device = parse(
        "router eigrp WAN\n"
        " address-family ipv4 unicast vrf RED autonomous-system 10\n"
        "  network 10.0.0.0 0.0.0.255\n"
        "  network 10.1.0.0\n"
        " exit-address-family\n"
        " address-family ipv4 unicast autonomous-system 20\n"
        "  network 192.168.0.0 0.0.255.255\n"
        " exit-address-family\n"
    )
    red, default = device.routing.eigrp
    assert (red.name, red.asn, red.span) == ("WAN", 10, at(2))
    assert red.networks == ()
    assert red.vrf_networks == {
        "RED": (
            NetworkStatement(IPv4Address("10.0.0.0"), IPv4Address("0.0.0.255"), at(3)),
            NetworkStatement(IPv4Address("10.1.0.0"), None, at(4)),
        )
    }
    assert (default.name, default.asn, default.vrf_networks) == ("WAN", 20, {})
    assert default.networks == (
        NetworkStatement(IPv4Address("192.168.0.0"), IPv4Address("0.0.255.255"), at(7)),
    )
    assert device.notes == ()


def test_classic_eigrp_vrf_address_family_unchanged() -> None:
    device = parse(
        "router eigrp 1\n"
        " network 10.0.0.0\n"
        " address-family ipv4 vrf RED autonomous-system 5\n"
        "  network 172.16.0.0 0.0.0.255\n"
    )
    (process,) = device.routing.eigrp
    assert process.asn == 1
    assert process.networks == (NetworkStatement(IPv4Address("10.0.0.0"), None, at(2)),)
    assert process.vrf_networks == {
        "RED": (NetworkStatement(IPv4Address("172.16.0.0"), IPv4Address("0.0.0.255"), at(4)),)
    }


def test_bgp_vrf_neighbors_stay_in_their_address_family() -> None:
    device = parse(
        "router bgp 65000\n"
        " neighbor 10.0.0.1 remote-as 65000\n"
        " address-family ipv4 vrf BLUE\n"
        "  neighbor 192.0.2.9 remote-as 65009\n"
        "  neighbor 192.0.2.9 update-source Gi0/1\n"
        "  neighbor 192.0.2.9 activate\n"
        " exit-address-family\n"
        " address-family ipv4\n"
        "  neighbor 10.0.0.1 activate\n"
    )
    bgp = device.routing.bgp
    assert bgp is not None
    assert list(bgp.neighbors) == ["10.0.0.1"]
    assert bgp.neighbors["10.0.0.1"].remote_as == L("65000", at(2))
    blue, default = bgp.address_families
    assert (blue.vrf, blue.span) == ("BLUE", at(3))
    neighbor = blue.neighbors["192.0.2.9"]
    assert neighbor.address == IPv4Address("192.0.2.9")
    assert neighbor.remote_as == L("65009", at(4))
    assert neighbor.update_source == L("GigabitEthernet0/1", at(5))
    assert neighbor.activate == L(True, at(6))
    assert default.vrf is None
    assert default.neighbors["10.0.0.1"].remote_as is None
    assert default.neighbors["10.0.0.1"].activate == L(True, at(9))


def test_ipv6_ospf_area_on_an_interface() -> None:
    device = parse(
        "interface Tunnel0\n"
        " ipv6 ospf 7 area 0.0.0.1\n"
        " ipv6 ospf network point-to-multipoint\n"
        " ipv6 ospf 8 area 2 instance 1\n"
        "interface Tunnel1\n"
        " ipv6 ospf 3 area 0\n"
    )
    assert device.interfaces["Tunnel0"].ipv6_ospf_area == L((8, "2"), at(4))
    assert device.interfaces["Tunnel1"].ipv6_ospf_area == L((3, "0"), at(6))
    assert device.interfaces["Tunnel1"].ospf_area is None
    assert device.notes == ()


def test_logging_dmvpn_is_recorded_on_the_device() -> None:
    device = from_globals("hostname r1", "logging dmvpn", "logging dmvpn rate-limit 20")
    assert device.logging_dmvpn == L(True, at(3))
    assert device.notes == ()
    assert from_globals("hostname r1").logging_dmvpn is None


# --- 2. crypto forms ------------------------------------------------------------------------


def test_transform_set_mode_transport_require() -> None:
    device = parse(
        "crypto ipsec transform-set STRICT esp-aes 256 esp-sha-hmac\n"
        " mode transport require\n"
        "crypto ipsec transform-set LOOSE esp-aes esp-sha-hmac\n"
        " mode transport\n"
    )
    strict = device.crypto.transform_sets["STRICT"]
    assert strict.mode == L("transport", at(2))
    assert strict.mode_require == L(True, at(2))
    loose = device.crypto.transform_sets["LOOSE"]
    assert (loose.mode, loose.mode_require) == (L("transport", at(4)), None)
    assert device.notes == ()


def test_ikev2_keyring_local_and_remote_keys_are_told_apart() -> None:
    device = parse(
        "crypto ikev2 keyring KR\n"
        " peer ANY\n"
        "  address 0.0.0.0 0.0.0.0\n"
        "  pre-shared-key local SENDTHIS\n"
        "  pre-shared-key remote EXPECTTHAT\n"
        " peer HUB\n"
        "  address 192.0.2.1\n"
        "  pre-shared-key 0 BOTHWAYS\n"
    )
    keys = device.crypto.keyrings["KR"].keys
    assert [(k.span, k.direction, k.address) for k in keys] == [
        (at(4), "local", IPv4Address("0.0.0.0")),
        (at(5), "remote", IPv4Address("0.0.0.0")),
        (at(8), "both", IPv4Address("192.0.2.1")),
    ]
    assert (keys[0].secret.length, keys[1].secret.length, keys[2].secret.length) == (8, 10, 8)
    assert keys[0].secret != keys[1].secret
    assert device.notes == ()


def test_crypto_map_entry_names_become_crypto_map_references() -> None:
    header = Line(3, 0, "crypto map CMAP 10 ipsec-isakmp")
    entry = Block(header, "crypto_map", [
        Line(4, 1, "set peer 198.51.100.1"),
        Line(5, 1, "set transform-set TS-A TS-B"),
        Line(6, 1, "set isakmp-profile ISA"),
        Line(7, 1, "set ikev2-profile IK2"),
        Line(8, 1, "set pfs group14"),
        Line(9, 1, "match address 101"),
        Line(10, 1, "set bogus thing"),
    ])
    split = SplitConfig([Block(Line(1, 0, "hostname r1"), "global"), entry], 2, 10)
    device = device_from_split(split, F, "r1", LineParser())
    assert device.crypto.crypto_map_references == (
        L("TS-A", at(5)), L("TS-B", at(5)), L("ISA", at(6)), L("IK2", at(7)),
    )
    assert [(n.span, n.context) for n in device.notes] == [
        (at(10), "crypto map CMAP 10 ipsec-isakmp")
    ]


# --- 3. names used by lines the model does not otherwise read --------------------------------


def test_route_maps_and_vrfs_named_in_router_interface_and_route_map_lines() -> None:
    device = parse(
        "interface GigabitEthernet0/1\n"
        " ip policy route-map PBR\n"
        "router ospf 1\n"
        " redistribute eigrp 100 subnets route-map EIGRP100-TO-OSPF\n"
        "router eigrp 100\n"
        " redistribute ospf 1 metric 1 1 1 1 1 route-map OSPF-TO-EIGRP\n"
        "router bgp 65000\n"
        " table-map TABLE\n"
        " address-family ipv4 vrf BLUE\n"
        "  neighbor 192.0.2.9 route-map FROM-CE in\n"
        "  redistribute connected route-map CONNECTED\n"
        "route-map PBR permit 10\n"
        " set vrf RED\n"
    )
    assert device.other_references == frozenset({
        ("route-map", "PBR"), ("route-map", "EIGRP100-TO-OSPF"), ("route-map", "OSPF-TO-EIGRP"),
        ("route-map", "TABLE"), ("vrf", "BLUE"), ("route-map", "FROM-CE"),
        ("route-map", "CONNECTED"), ("vrf", "RED"),
    })


def test_names_in_top_level_lines_the_builder_is_given() -> None:
    device = from_globals(
        "ip nat inside source route-map NAT-MAP interface GigabitEthernet0/0 overload",
        "ntp server vrf MGMT 192.0.2.10",
        "logging host 192.0.2.11 vrf LOGS",
        "ip route vrf CUST 0.0.0.0 0.0.0.0 192.0.2.1",
        "ip domain lookup vrf DNS source-interface Loopback0",
    )
    assert device.other_references == frozenset({
        ("route-map", "NAT-MAP"), ("vrf", "MGMT"), ("vrf", "LOGS"), ("vrf", "CUST"),
        ("vrf", "DNS"),
    })


def test_definitions_and_interface_vrf_forwarding_words_are_not_names() -> None:
    device = parse(
        "vrf definition RED\n"
        " rd 1:1\n"
        "route-map UNUSED permit 10\n"
        " match ip address 10\n"
        "interface GigabitEthernet0/2\n"
        " ip vrf forwarding RED\n"
    )
    assert device.other_references == frozenset()
    assert device.interfaces["GigabitEthernet0/2"].vrf == L("RED", at(6))


def test_route_map_used_by_redistribute_under_ospf_is_not_unused(tmp_path: Path) -> None:
    """The corpus false positive (KSNAM97 HQ-EDGE-1): DMV003 called these route-maps unused."""
    findings = lint_files(tmp_path, {"hq.cfg": (
        "hostname HQ\n"
        "router eigrp 100\n"
        " network 10.0.0.0\n"
        " redistribute ospf 1 metric 10000 100 255 1 1500 route-map OSPF-TO-EIGRP100\n"
        "router ospf 1\n"
        " redistribute eigrp 100 subnets route-map EIGRP100-TO-OSPF\n"
        " network 10.0.0.0 0.0.0.255 area 0\n"
        "route-map EIGRP100-TO-OSPF permit 10\n"
        " match ip address prefix-list FROM-EIGRP\n"
        "route-map OSPF-TO-EIGRP100 permit 10\n"
        "route-map SPARE permit 10\n"
    )}, select=["DMV003"])
    assert [(f.rule, f.device, f.line, f.message) for f in findings] == [
        ("DMV003", "HQ", 11, "route-map 'SPARE' is defined on HQ but never used"),
    ]


# --- 4. DMV001 notes only for DMVPN-relevant commands we could not read ----------------------


def test_route_map_clauses_are_accepted_silently_and_next_hop_still_modelled() -> None:
    device = parse(
        "route-map RM permit 10\n"
        " match ip address prefix-list P\n"
        " set local-preference 200\n"
        " set community 65000:1 additive\n"
        " set ip next-hop 10.0.0.1 10.0.0.2\n"
        " set ip next-hop verify-availability\n"
        " continue 20\n"
        " description from the spokes\n"
        " bogus words here\n"
    )
    (entry,) = device.route_maps["RM"].entries
    assert entry.set_ip_next_hop == (
        L(IPv4Address("10.0.0.1"), at(5)), L(IPv4Address("10.0.0.2"), at(5)),
    )
    assert [(n.span, n.text, n.context) for n in device.notes] == [
        (at(9), "bogus words here", "route-map RM permit 10")
    ]


def test_nhrp_route_watch_and_stub_site_are_accepted() -> None:
    device = parse(
        "interface Tunnel0\n"
        " no nhrp route-watch\n"
        " nhrp route-watch\n"
        "router eigrp WAN\n"
        " address-family ipv4 unicast autonomous-system 1\n"
        "  af-interface GigabitEthernet0/0\n"
        "   stub-site wan-interface\n"
        "  exit-af-interface\n"
    )
    assert device.notes == ()


def test_physical_interfaces_read_only_the_model_commands() -> None:
    device = parse(
        "interface GigabitEthernet0/0\n"
        " ip address 192.0.2.1 255.255.255.0\n"
        " frobnicate the widget\n"
        " ip policy route-map PBR\n"
        " ip mtu 1400\n"
        " no sh\n"
        " ip flow monitor M input\n"
        "interface Tunnel0\n"
        " frobnicate the widget\n"
        " ip mtu 1400\n"
    )
    gi = device.interfaces["GigabitEthernet0/0"]
    assert (gi.ip_mtu, gi.shutdown) == (L(1400, at(5)), L(False, at(6)))
    assert device.other_references == frozenset({("route-map", "PBR")})
    assert [(n.span, n.text, n.context) for n in device.notes] == [
        (at(9), "frobnicate the widget", "interface Tunnel0")
    ]


def test_physical_interface_command_we_read_but_mistyped_is_still_a_note() -> None:
    device = parse("interface GigabitEthernet0/0\n ip address 192.0.2.1\n")
    assert [(n.span, n.comment) for n in device.notes] == [
        (at(2), "incomplete command: expected an IPv4 address")
    ]


# --- 5. NHRP authentication as IOS compares it ----------------------------------------------


def test_nhrp_authentication_compares_the_first_8_characters_and_keeps_the_length() -> None:
    device = parse(
        "interface Tunnel0\n ip nhrp authentication CISCO123abc\n"
        "interface Tunnel1\n ip nhrp authentication CISCO123xyz9\n"
        "interface Tunnel2\n ip nhrp authentication CISCO124\n"
        "interface Tunnel3\n ip nhrp authentication CISCO123\n"
    )
    secrets = [device.interfaces[f"Tunnel{i}"].nhrp.authentication for i in range(4)]  # type: ignore[union-attr]
    assert [s.span for s in secrets] == [at(2), at(4), at(6), at(8)]  # type: ignore[union-attr]
    long_a, long_b, other, exact = (s.value for s in secrets)  # type: ignore[union-attr]
    assert (long_a.length, long_b.length, other.length, exact.length) == (11, 12, 8, 8)
    assert long_a.digest == long_b.digest == exact.digest
    assert other.digest != exact.digest
    assert (long_a.truncated(8), exact.truncated(8)) == (True, False)


def test_strings_equal_on_the_wire_are_no_dmv102_but_still_dmv209(tmp_path: Path) -> None:
    files = clean_fleet(spokes=1)
    files["spoke1.cfg"] = edit(
        files["spoke1.cfg"], f"ip nhrp authentication {AUTH}", "ip nhrp authentication SameFirstEIGHT"
    )
    files["hub1.cfg"] = edit(
        files["hub1.cfg"], f"ip nhrp authentication {AUTH}", "ip nhrp authentication SameFirstOther"
    )
    files["hub2.cfg"] = edit(
        files["hub2.cfg"], f"ip nhrp authentication {AUTH}", "ip nhrp authentication SameFirst"
    )
    findings = lint_files(tmp_path, files, select=["DMV102", "DMV209"])
    line = line_of(files["spoke1.cfg"], "ip nhrp authentication")
    assert sorted((f.rule, f.device, f.line) for f in findings) == [
        ("DMV209", "hub1", line_of(files["hub1.cfg"], "ip nhrp authentication")),
        ("DMV209", "hub2", line_of(files["hub2.cfg"], "ip nhrp authentication")),
        ("DMV209", "spoke1", line),
    ]
