"""IOS text -> Device: every command into its model field and line, notes, names, guide examples."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark

from dmvpnlint.frontend import normalize_interface, parse_config
from dmvpnlint.frontend.commands import START_SYMBOLS, LineParser, parse_line
from dmvpnlint.model import Device, L, Secret, Span

F = "r1.cfg"


def parse(text: str) -> Device:
    return parse_config(text, F, "r1")


def at(line: int) -> Span:
    return Span(F, line)


def ip(text: str) -> IPv4Address:
    return IPv4Address(text)


# --- the grammar itself --------------------------------------------------------------------


def test_grammar_builds_in_strict_mode() -> None:
    """strict=True fails on any LALR conflict or regex collision inside a parser state."""
    parser = Lark.open_from_package(
        "dmvpnlint.frontend",
        "ios.lark",
        ("",),
        parser="lalr",
        start=list(START_SYMBOLS),
        strict=True,
        maybe_placeholders=True,
    )
    assert parser.options.parser == "lalr"


def test_parse_results_are_memoised_without_location() -> None:
    parse_lines = LineParser()
    first = parse_lines("interface_cmd", "ip nhrp network-id 5")
    assert first == ("nhrp_network_id", 5)
    assert parse_lines("interface_cmd", "ip nhrp network-id 5") is first
    assert list(parse_lines.memo) == [("interface_cmd", "ip nhrp network-id 5")]


@pytest.mark.parametrize(
    ("start", "text", "comment"),
    [
        ("interface_cmd", "ip nhrp map 10.0.0.1", "incomplete command: expected an IPv4 address or an IPv6 address"),
        ("interface_cmd", "ip nhrp nhs bogus", "expected 'dynamic', an IPv4 address or an IPv6 address, not 'bogus'"),
        ("interface_cmd", "tunnel key 5 6", "unexpected text after the command: '6'"),
        ("interface_cmd", "frobnicate now", "unknown command"),
        ("interface_cmd", "ip address 10.0.0.1 255.0.255.0", "invalid value: '255.0.255.0' is not a valid netmask"),
        ("interface_cmd", "ip address 999.0.0.1 255.0.0.0", "invalid value: Octet 999 (> 255) not permitted in '999.0.0.1'"),
    ],
)
def test_rejected_lines_say_what_was_expected(start: str, text: str, comment: str) -> None:
    result = parse_line(start, text)
    assert getattr(result, "comment", None) == comment


# --- interface commands ----------------------------------------------------------------------

TUNNEL = """\
hostname hub1
interface Tunnel0
 description DMVPN hub cloud
 ip address 10.0.0.1 255.255.255.0
 ip address 10.0.1.1 255.255.255.0 secondary
 ipv6 address 2001:DB8::1/64
 ip vrf forwarding BLUE
 ip mtu 1400
 mtu 1500
 ip tcp adjust-mss 1360
 bandwidth 1000
 delay 1000
 keepalive 10 3
 mpls ip
 no shutdown
 ip nat inside
 no ip split-horizon eigrp 1
 ip split-horizon eigrp 2
 no ip next-hop-self eigrp 1
 ip ospf network point-to-multipoint
 ip ospf 1 area 0
 ip pim sparse-mode
 service-policy output SHAPE
 qos pre-classify
 if-state nhrp
 ip nhrp network-id 99
 ip nhrp authentication donttell
 ip nhrp holdtime 300
 ip nhrp map 10.0.0.2 172.17.0.2
 ip nhrp map multicast dynamic
 ip nhrp map multicast 172.17.0.9
 ip nhrp nhs 10.0.0.254 nbma 198.51.100.1 multicast priority 2 cluster 3
 ip nhrp nhs dynamic nbma 198.51.100.2 multicast
 ip nhrp redirect
 ip nhrp shortcut
 ip nhrp registration timeout 60
 ip nhrp registration no-unique
 ip nhrp max-send 1000 every 10
 ip nhrp server-only
 tunnel source GigabitEthernet0/0/0
 tunnel destination hub.example.net
 tunnel mode gre multipoint
 tunnel key 100000
 tunnel vrf INET
 tunnel protection ipsec profile vpnprof shared
 tunnel path-mtu-discovery
"""


def test_every_interface_command_lands_in_its_field_with_its_line() -> None:
    device = parse(TUNNEL)
    assert device.name == "hub1"
    assert device.hostname == L("hub1", at(1))
    tu = device.interfaces["Tunnel0"]
    assert tu.span == at(2)
    assert tu.description == "DMVPN hub cloud"
    assert tu.address == L(IPv4Interface("10.0.0.1/24"), at(4))
    assert tu.address_mode == L("static", at(4))
    assert tu.secondary_addresses == (L(IPv4Interface("10.0.1.1/24"), at(5)),)
    assert tu.ipv6_addresses == (L("2001:DB8::1/64", at(6)),)
    assert tu.vrf == L("BLUE", at(7))
    assert tu.ip_mtu == L(1400, at(8))
    assert tu.mtu == L(1500, at(9))
    assert tu.tcp_adjust_mss == L(1360, at(10))
    assert tu.bandwidth == L(1000, at(11))
    assert tu.delay == L(1000, at(12))
    assert tu.keepalive == L("10 3", at(13))
    assert tu.mpls_ip == L(True, at(14))
    assert tu.shutdown == L(False, at(15))
    assert tu.nat == L("inside", at(16))
    assert [(s.asn, s.enabled, s.span.line) for s in tu.split_horizon_eigrp] == [
        (1, False, 17),
        (2, True, 18),
    ]
    assert [(s.asn, s.enabled, s.span.line) for s in tu.next_hop_self_eigrp] == [(1, False, 19)]
    assert tu.ospf_network == L("point-to-multipoint", at(20))
    assert tu.ospf_area == L((1, "0"), at(21))
    assert tu.pim == L("sparse-mode", at(22))
    assert tu.service_policies == (L("output SHAPE", at(23)),)
    assert tu.qos_pre_classify == L(True, at(24))
    assert tu.if_state_nhrp == L(True, at(25))
    nhrp = tu.nhrp
    assert nhrp is not None
    assert nhrp.network_id == L(99, at(26))
    assert nhrp.authentication == L(Secret.of("donttell"), at(27))
    assert nhrp.holdtime == L(300, at(28))
    assert [(str(m.tunnel_ip), str(m.nbma), m.span.line) for m in nhrp.maps] == [
        ("10.0.0.2", "172.17.0.2", 29)
    ]
    assert [(m.nbma, m.dynamic, m.span.line) for m in nhrp.multicast_maps] == [
        (None, True, 30),
        (ip("172.17.0.9"), False, 31),
    ]
    first, second = nhrp.nhs
    assert (first.address, first.nbma, first.multicast, first.priority, first.cluster) == (
        ip("10.0.0.254"), ip("198.51.100.1"), True, 2, 3
    )
    assert first.span == at(32)
    assert (second.address, second.nbma, second.multicast, second.span) == (
        None, ip("198.51.100.2"), True, at(33)
    )
    assert nhrp.redirect == L(True, at(34))
    assert nhrp.shortcut == L(True, at(35))
    assert nhrp.registration_timeout == L(60, at(36))
    assert nhrp.registration_no_unique == L(True, at(37))
    assert (nhrp.max_send.packets, nhrp.max_send.interval, nhrp.max_send.span) == (1000, 10, at(38))  # type: ignore[union-attr]
    assert nhrp.server_only == L(True, at(39))
    tunnel = tu.tunnel
    assert tunnel is not None
    assert tunnel.source == L("GigabitEthernet0/0/0", at(40))
    assert tunnel.destination == L("hub.example.net", at(41))
    assert tunnel.mode == L("gre multipoint", at(42))
    assert tunnel.multipoint
    assert tunnel.key == L(100000, at(43))
    assert tunnel.vrf == L("INET", at(44))
    assert (tunnel.protection.profile, tunnel.protection.shared, tunnel.protection.span) == (  # type: ignore[union-attr]
        "vpnprof", True, at(45)
    )
    assert tunnel.path_mtu_discovery == L(True, at(46))
    assert device.notes == ()
    assert tu.is_dmvpn


def test_address_modes_and_shutdown() -> None:
    device = parse(
        "interface Ethernet0\n ip address dhcp hostname Spoke1\n shutdown\n"
        "interface Dialer1\n ip address negotiated\n"
        "interface Tunnel5\n ip unnumbered Loopback0\n vrf forwarding RED\n"
    )
    e0 = device.interfaces["Ethernet0"]
    assert (e0.address, e0.address_mode, e0.shutdown) == (None, L("dhcp", at(2)), L(True, at(3)))
    assert device.interfaces["Dialer1"].address_mode == L("negotiated", at(5))
    tu5 = device.interfaces["Tunnel5"]
    assert (tu5.address_mode, tu5.vrf) == (L("unnumbered", at(7)), L("RED", at(8)))


def test_ipv6_nhrp_and_tunnel_forms() -> None:
    device = parse(
        "interface Tunnel6\n"
        " ipv6 nhrp network-id 66\n"
        " ipv6 nhrp map 2001:DB8::1/128 192.0.2.1\n"
        " ipv6 nhrp nhs 2001:DB8::1\n"
        " no ipv6 nhrp shortcut\n"
        " tunnel source 192.0.2.9\n"
        " tunnel destination 192.0.2.1\n"
        " tunnel mode gre ipv6\n"
    )
    tu = device.interfaces["Tunnel6"]
    assert tu.nhrp.network_id == L(66, at(2))  # type: ignore[union-attr]
    assert [(m.tunnel_ip, m.nbma) for m in tu.nhrp.maps] == [  # type: ignore[union-attr]
        (IPv6Address("2001:db8::1"), ip("192.0.2.1"))
    ]
    assert tu.nhrp.nhs[0].address == IPv6Address("2001:db8::1")  # type: ignore[union-attr]
    assert tu.nhrp.shortcut == L(False, at(5))  # type: ignore[union-attr]
    assert tu.tunnel.source == L(ip("192.0.2.9"), at(6))  # type: ignore[union-attr]
    assert tu.tunnel.destination == L(ip("192.0.2.1"), at(7))  # type: ignore[union-attr]
    assert tu.tunnel.mode == L("gre ipv6", at(8))  # type: ignore[union-attr]
    assert not tu.tunnel.multipoint  # type: ignore[union-attr]


def test_no_ip_nhrp_shortcut_is_an_explicit_false() -> None:
    tu = parse("interface Tunnel0\n no ip nhrp shortcut\n").interfaces["Tunnel0"]
    assert tu.nhrp.shortcut == L(False, at(2))  # type: ignore[union-attr]


# --- global and crypto commands ----------------------------------------------------------------

CRYPTO = """\
version 15.4
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 86400
crypto isakmp policy 20
 encryption 3des
crypto isakmp key cisco47 address 0.0.0.0
crypto isakmp key 6 K2 address 192.0.2.0 255.255.255.0 no-xauth
crypto isakmp key K3 hostname spoke3.example.net
no crypto isakmp default policy
crypto isakmp nat keepalive 20
crypto isakmp keepalive 10 3
crypto keyring KR vrf INET
 pre-shared-key address 0.0.0.0 0.0.0.0 key WILD
 pre-shared-key hostname h1 key HK
crypto isakmp profile IP1
 keyring KR
 match identity address 0.0.0.0 INET
 vrf BLUE
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
 mode transport
crypto ipsec profile P1
 set transform-set TS TS2
 set pfs group14
 set security-association lifetime seconds 3600
 set security association lifetime kilobytes 4608000
 set identity ID1
 set ikev2-profile V2P
 set isakmp-profile IP1
crypto ikev2 proposal PROP
 encryption aes-cbc-256 aes-cbc-128
 integrity sha256
 prf sha256
 group 14 19
crypto ikev2 policy POL
 proposal PROP
 match fvrf any
 match address local 192.0.2.9
crypto ikev2 keyring V2K
 peer ANY
  address 0.0.0.0 0.0.0.0
  pre-shared-key local LOCALKEY
  pre-shared-key remote REMOTEKEY
crypto ikev2 profile V2P
 match identity remote address 0.0.0.0
 match fvrf INET
 authentication local pre-share
 authentication remote pre-share
 keyring local V2K
mls mpls tunnel-recir
"""


def test_crypto_commands() -> None:
    device = parse(CRYPTO)
    crypto = device.crypto
    assert device.version == L("15.4", at(1))
    p10, p20 = crypto.isakmp_policies
    assert (p10.priority, p10.span) == (10, at(2))
    assert p10.encryption == L("aes 256", at(3))
    assert p10.hash == L("sha256", at(4))
    assert p10.authentication == L("pre-share", at(5))
    assert p10.group == L(14, at(6))
    assert p10.lifetime == L(86400, at(7))
    assert (p20.priority, p20.encryption) == (20, L("3des", at(9)))
    k1, k2, k3 = crypto.isakmp_keys
    assert (k1.secret, k1.address, k1.mask, k1.span, k1.wildcard) == (
        Secret.of("cisco47"), ip("0.0.0.0"), None, at(10), True
    )
    assert (k2.secret, k2.address, k2.mask, k2.span) == (
        Secret.of("K2"), ip("192.0.2.0"), ip("255.255.255.0"), at(11)
    )
    assert (k3.address, k3.hostname, k3.span) == (None, "spoke3.example.net", at(12))
    assert crypto.isakmp_default_policy_disabled == L(True, at(13))
    assert crypto.isakmp_nat_keepalive == L(20, at(14))
    kr = crypto.keyrings["KR"]
    assert (kr.kind, kr.vrf, kr.span) == ("isakmp", "INET", at(16))
    assert [(k.secret, k.address, k.mask, k.hostname, k.span.line) for k in kr.keys] == [
        (Secret.of("WILD"), ip("0.0.0.0"), ip("0.0.0.0"), None, 17),
        (Secret.of("HK"), None, None, "h1", 18),
    ]
    ip1 = crypto.isakmp_profiles["IP1"]
    assert ip1.keyrings == (L("KR", at(20)),)
    assert ip1.match_identities == (L("address 0.0.0.0 INET", at(21)),)
    assert ip1.vrf == L("BLUE", at(22))
    ts = crypto.transform_sets["TS"]
    assert (ts.transforms, ts.span, ts.mode) == (
        ("esp-aes", "256", "esp-sha-hmac"), at(23), L("transport", at(24))
    )
    p1 = crypto.ipsec_profiles["P1"]
    assert p1.transform_sets == (L("TS", at(26)), L("TS2", at(26)))
    assert p1.pfs == L("group14", at(27))
    assert p1.lifetime_seconds == L(3600, at(28))
    assert p1.lifetime_kilobytes == L(4608000, at(29))
    assert p1.identity == L("ID1", at(30))
    assert p1.ikev2_profile == L("V2P", at(31))
    assert p1.isakmp_profile == L("IP1", at(32))
    prop = crypto.ikev2_proposals["PROP"]
    assert prop.encryption == (L("aes-cbc-256", at(34)), L("aes-cbc-128", at(34)))
    assert prop.integrity == (L("sha256", at(35)),)
    assert prop.prf == (L("sha256", at(36)),)
    assert prop.group == (L(14, at(37)), L(19, at(37)))
    pol = crypto.ikev2_policies["POL"]
    assert pol.proposals == (L("PROP", at(39)),)
    assert pol.match_fvrf == L("any", at(40))
    assert pol.match_addresses == (L("192.0.2.9", at(41)),)
    v2k = crypto.keyrings["V2K"]
    assert v2k.kind == "ikev2"
    assert [(k.secret, k.address, k.mask, k.span.line) for k in v2k.keys] == [
        (Secret.of("LOCALKEY"), ip("0.0.0.0"), ip("0.0.0.0"), 45),
        (Secret.of("REMOTEKEY"), ip("0.0.0.0"), ip("0.0.0.0"), 46),
    ]
    v2p = crypto.ikev2_profiles["V2P"]
    assert v2p.match_identities == (L("address 0.0.0.0", at(48)),)
    assert v2p.match_fvrf == L("INET", at(49))
    assert v2p.authentication_local == (L("pre-share", at(50)),)
    assert v2p.authentication_remote == (L("pre-share", at(51)),)
    assert v2p.keyring_local == L("V2K", at(52))
    assert device.mls_mpls_tunnel_recir == L(True, at(53))
    assert device.notes == ()


def test_secrets_never_appear_in_the_model_or_notes() -> None:
    device = parse(
        "crypto isakmp key TOPSECRET1 address\n"
        "interface Tunnel0\n ip nhrp authentication TOPSECRET2 extra\n"
        "line vty 0 4\n password 7 TOPSECRET3\n banana TOPSECRET4 key TOPSECRET5\n"
    )
    text = repr(device)
    for secret in ("TOPSECRET1", "TOPSECRET2", "TOPSECRET3", "TOPSECRET5"):
        assert secret not in text
    assert [(n.span.line, n.text) for n in device.notes] == [
        (1, "crypto isakmp key <redacted>"),
        (3, "ip nhrp authentication <redacted>"),
        (6, "banana TOPSECRET4 key <redacted>"),
    ]


# --- VRFs, routing, route-maps, lines -------------------------------------------------------------

ROUTING = """\
ip vrf blue
 rd 2:2
 route-target export 2:2
 route-target import 2:3
vrf definition RED
 rd 1:1
 address-family ipv4
  route-target both 1:1
 exit-address-family
router eigrp 1
 network 10.0.0.0 0.0.0.255
 network 192.168.1.0
 no auto-summary
 eigrp stub connected summary
 passive-interface Gi0/1
 address-family ipv4 vrf BLUE autonomous-system 1
  network 10.9.0.0 0.0.0.255
 exit-address-family
router eigrp WAN
 address-family ipv4 unicast autonomous-system 100
  af-interface tu0
   no split-horizon
   no next-hop-self
  exit-af-interface
  network 10.1.0.0
 exit-address-family
router bgp 65000
 bgp router-id 10.255.0.1
 bgp log-neighbor-changes
 neighbor SPOKES peer-group
 neighbor SPOKES remote-as 65000
 neighbor 10.0.0.11 remote-as 65000
 neighbor 10.0.0.11 update-source tunnel 0
 neighbor 10.0.0.12 peer-group SPOKES
 address-family vpnv4 unicast
  neighbor 10.0.0.11 activate
  neighbor 10.0.0.11 send-community both
  neighbor 10.0.0.11 route-reflector-client
  neighbor 10.0.0.11 route-map NEXTHOP out
 exit-address-family
 address-family ipv4 vrf red
  redistribute connected
  network 192.168.5.0 mask 255.255.255.0
 exit-address-family
router ospf 5 vrf RED
 network 10.5.0.0 0.0.255.255 area 0
router rip
route-map NEXTHOP permit 10
 set ip next-hop 10.0.0.1
route-map NEXTHOP deny 20
ip route 0.0.0.0 0.0.0.0 203.0.113.1
ip route vrf RED 10.0.0.0 255.0.0.0 Tu0 10.0.0.254 name x
line vty 0 4
 login local
 transport input ssh
line vty 5 15
 no login
"""


def test_vrfs_routing_route_maps_static_routes_and_lines() -> None:
    device = parse(ROUTING)
    assert device.notes == ()
    blue, red = device.vrfs["blue"], device.vrfs["RED"]
    assert (blue.style, blue.rd, blue.route_targets_export, blue.route_targets_import) == (
        "ip vrf", L("2:2", at(2)), (L("2:2", at(3)),), (L("2:3", at(4)),)
    )
    assert (red.style, red.rd, red.route_targets_import, red.route_targets_export) == (
        "vrf definition", L("1:1", at(6)), (L("1:1", at(8)),), (L("1:1", at(8)),)
    )
    classic, named = device.routing.eigrp
    assert (classic.asn, classic.name, classic.span) == (1, None, at(10))
    assert [(str(n.address), n.wildcard, n.span.line) for n in classic.networks] == [
        ("10.0.0.0", ip("0.0.0.255"), 11),
        ("192.168.1.0", None, 12),
    ]
    assert classic.stub == L("connected summary", at(14))
    assert classic.passive_interfaces == (L("GigabitEthernet0/1", at(15)),)
    assert {k: [(str(n.address), n.span.line) for n in v] for k, v in classic.vrf_networks.items()} == {
        "BLUE": [("10.9.0.0", 17)]
    }
    assert (named.asn, named.name, named.span) == (100, "WAN", at(20))
    assert [(str(n.address), n.span.line) for n in named.networks] == [("10.1.0.0", 25)]
    (afi,) = named.af_interfaces
    assert (afi.interface, afi.span, afi.split_horizon, afi.next_hop_self) == (
        "Tunnel0", at(21), L(False, at(22)), L(False, at(23))
    )
    bgp = device.routing.bgp
    assert bgp is not None
    assert (bgp.asn, bgp.span, bgp.router_id) == ("65000", at(27), L(ip("10.255.0.1"), at(28)))
    assert set(bgp.neighbors) == {"SPOKES", "10.0.0.11", "10.0.0.12"}
    assert bgp.neighbors["SPOKES"].remote_as == L("65000", at(31))
    n11 = bgp.neighbors["10.0.0.11"]
    assert (n11.address, n11.remote_as, n11.update_source) == (
        ip("10.0.0.11"), L("65000", at(32)), L("Tunnel0", at(33))
    )
    assert bgp.neighbors["10.0.0.12"].peer_group == L("SPOKES", at(34))
    vpnv4, vrf_red = bgp.address_families
    assert (vpnv4.afi, vpnv4.vrf, vpnv4.span) == ("vpnv4", None, at(35))
    af11 = vpnv4.neighbors["10.0.0.11"]
    assert af11.activate == L(True, at(36))
    assert af11.send_community == L("both", at(37))
    assert af11.route_reflector_client == L(True, at(38))
    assert af11.route_maps == (L(("NEXTHOP", "out"), at(39)),)
    assert (vrf_red.afi, vrf_red.vrf) == ("ipv4", "red")
    assert vrf_red.redistribute == (L("connected", at(42)),)
    assert vrf_red.networks == (L("192.168.5.0/24", at(43)),)
    (ospf,) = device.routing.ospf
    assert (ospf.pid, ospf.vrf, ospf.span) == (5, "RED", at(45))
    assert [(str(n.address), str(n.wildcard), n.area, n.span.line) for n in ospf.networks] == [
        ("10.5.0.0", "0.0.255.255", "0", 46)
    ]
    assert device.routing.rip == L(True, at(47))
    nexthop = device.route_maps["NEXTHOP"]
    assert [(e.action, e.seq, e.span.line, e.set_ip_next_hop) for e in nexthop.entries] == [
        ("permit", 10, 48, (L(ip("10.0.0.1"), at(49)),)),
        ("deny", 20, 50, ()),
    ]
    default, vrf_route = device.routing.static_routes
    assert (default.prefix, default.next_hop, default.interface, default.vrf, default.span) == (
        IPv4Network("0.0.0.0/0"), ip("203.0.113.1"), None, None, at(51)
    )
    assert (vrf_route.prefix, vrf_route.vrf, vrf_route.interface, vrf_route.next_hop) == (
        IPv4Network("10.0.0.0/8"), "RED", "Tunnel0", ip("10.0.0.254")
    )
    first, second = device.vty_lines
    assert (first.first, first.last, first.span, first.login, first.transport_input) == (
        0, 4, at(53), L(True, at(54)), L("ssh", at(55))
    )
    assert (second.first, second.last, second.login) == (5, 15, L(False, at(57)))


# --- notes, names, merging -----------------------------------------------------------------------


def test_unknown_lines_in_relevant_blocks_become_notes() -> None:
    device = parse(
        "interface Tunnel0\n"
        " ip nhrp nhs\n"
        " frobnicate 7\n"
        " tunnel key 1 2\n"
        "router bgp 1\n"
        " neighbor 10.0.0.1 fall-in-love\n"
        "ip access-list extended X\n"
        " frobnicate 8\n"
    )
    assert [(n.span, n.text, n.context, n.comment) for n in device.notes] == [
        (at(2), "ip nhrp nhs", "interface Tunnel0",
         "incomplete command: expected 'dynamic', an IPv4 address or an IPv6 address"),
        (at(3), "frobnicate 7", "interface Tunnel0", "unknown command"),
        (at(4), "tunnel key 1 2", "interface Tunnel0", "unexpected text after the command: '2'"),
        (at(6), "neighbor 10.0.0.1 fall-in-love", "router bgp 1",
         "expected one of 32 keywords, such as 'activate', 'advertisement-interval', 'allowas-in', 'as-override', not 'fall-in-love'"),
    ]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Tu0", "Tunnel0"),
        ("tu0", "Tunnel0"),
        ("tunnel 0", "Tunnel0"),
        ("Tunnel0", "Tunnel0"),
        ("Gi0/0/0", "GigabitEthernet0/0/0"),
        ("gi0/0/0", "GigabitEthernet0/0/0"),
        ("GigabitEthernet 0/0/0", "GigabitEthernet0/0/0"),
        ("fa0/0", "FastEthernet0/0"),
        ("e0", "Ethernet0"),
        ("Eth0", "Ethernet0"),
        ("Lo0", "Loopback0"),
        ("Te1/0/1", "TenGigabitEthernet1/0/1"),
        ("Po1", "Port-channel1"),
        ("Se0/0/0:0", "Serial0/0/0:0"),
        ("Vl10", "Vlan10"),
        ("Dialer1", "Dialer1"),
        ("Cellular0/1/0", "Cellular0/1/0"),
        ("Virtual-Template1", "Virtual-Template1"),
        ("Multilink1", "Multilink1"),
        ("BDI10", "BDI10"),
        ("port-channel2", "Port-channel2"),
        ("Gi0/0.100", "GigabitEthernet0/0.100"),
        ("Tunnell", "Tunnell"),
        ("hub.example.net", "hub.example.net"),
    ],
)
def test_interface_names_are_normalised(written: str, name: str) -> None:
    assert normalize_interface(written) == name


def test_references_are_normalised_like_headers() -> None:
    device = parse(
        "int tu0\n tunnel source gi0/0\n"
        "interface GigabitEthernet 0/0\n ip address 192.0.2.1 255.255.255.0\n"
        "router bgp 1\n neighbor 10.0.0.1 update-source lo0\n"
    )
    assert list(device.interfaces) == ["Tunnel0", "GigabitEthernet0/0"]
    assert device.interfaces["Tunnel0"].tunnel.source == L("GigabitEthernet0/0", at(2))  # type: ignore[union-attr]
    assert device.routing.bgp.neighbors["10.0.0.1"].update_source == L("Loopback0", at(6))  # type: ignore[union-attr]


def test_reentered_blocks_merge_later_commands_win() -> None:
    device = parse(
        "interface Tunnel0\n ip mtu 1400\n ip nhrp nhs 10.0.0.1\n"
        "int tu0\n ip mtu 1300\n ip nhrp nhs 10.0.0.2\n ip nat inside\n"
        "crypto ipsec profile P\n set pfs group2\n"
        "crypto ipsec profile P\n set pfs group14\n"
    )
    tu = device.interfaces["Tunnel0"]
    assert tu.span == at(1)
    assert tu.ip_mtu == L(1300, at(5))
    assert [n.span.line for n in tu.nhrp.nhs] == [3, 6]  # type: ignore[union-attr]
    assert tu.nat == L("inside", at(7))
    assert device.crypto.ipsec_profiles["P"].pfs == L("group14", at(11))
    assert device.crypto.ipsec_profiles["P"].span == at(8)


def test_script_abbreviations_are_understood() -> None:
    device = parse("int fa0/0\n ip add 203.0.113.1 255.255.255.252\n no sh\n")
    fa = device.interfaces["FastEthernet0/0"]
    assert (fa.address, fa.shutdown) == (
        L(IPv4Interface("203.0.113.1/30"), at(2)), L(False, at(3))
    )


def test_default_name_is_used_without_hostname() -> None:
    assert parse_config("interface Tunnel0\n", "x/spoke9.cfg", "spoke9").name == "spoke9"
    assert parse_config("interface Tunnel0\n", "x/spoke9.cfg", "spoke9").file == "x/spoke9.cfg"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_device(text: str) -> None:
    device = parse_config(text, "fuzz.cfg", "fuzz")
    assert isinstance(device, Device)


IOS_WORDS = st.sampled_from(
    ["interface", "Tunnel0", "ip", "nhrp", "nhs", "map", "10.0.0.1", "255.0.0.0", "router",
     "eigrp", "bgp", "1", "address-family", "exit-address-family", "crypto", "ikev2", "keyring",
     "peer", "tunnel", "key", "!", "banner", "motd", "^C", "\n", " ", "  ", "\t", "end", "exit",
     "vrf", "definition", "af-interface", "no", "network", "route-map", "set", "line", "vty"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(IOS_WORDS, max_size=60).map(" ".join))
def test_any_ios_like_text_gives_a_device(text: str) -> None:
    device = parse_config(text.replace(" \n ", "\n"), "fuzz.cfg", "fuzz")
    assert isinstance(device, Device)


# --- the Configuration Examples of the Cisco guide, transcribed as printed -------------------

GUIDE_HUB = """\
```
crypto isakmp policy 1
  authentication pre-share
crypto isakmp key cisco47 address 0.0.0.0
!
crypto ipsec transform-set trans2 esp-des esp-md5-hmac
mode transport
!
crypto ipsec profile vpnprof
  set transform-set trans2
!
interface Tunnel0
  bandwidth 1000
  ip address 10.0.0.1 255.255.255.0
! Ensures longer packets are fragmented before they are encrypted; otherwise, the
receiving router would have to do the reassembly.
```

```

ip mtu 1400
! The following line must match on all nodes that "want to use" this mGRE tunnel:
ip nhrp authentication donttell
! Note that the next line is required only on the hub.
ip nhrp map multicast dynamic
! The following line must match on all nodes that want to use this mGRE tunnel:
ip nhrp network-id 99
ip nhrp holdtime 300
! Turns off split horizon on the mGRE tunnel interface; otherwise, EIGRP will not
advertise routes that are learned via the mGRE interface back out that interface.
no ip split-horizon eigrp 1
! Enables dynamic, direct spoke-to-spoke tunnels when using EIGRP.
no ip next-hop-self eigrp 1
ip tcp adjust-mss 1360
delay 1000
! Sets IPsec peer address to Ethernet interface's public address.
tunnel source Ethernet0
tunnel mode gre multipoint
! The following line must match on all nodes that want to use this mGRE tunnel.
tunnel key 100000
tunnel protection ipsec profile vpnprof
!
interface Ethernet0
ip address 172.17.0.1 255.255.255.0
!
interface Ethernet1
ip address 192.168.0.1 255.255.255.0
!
router eigrp 1
network 10.0.0.0 0.0.0.255
network 192.168.0.0 0.0.0.255
!

```
"""


GUIDE_SPOKE = """\
```

crypto isakmp policy 1
 authentication pre-share
crypto isakmp key cisco47 address 0.0.0.0
!
crypto ipsec transform-set trans2 esp-des esp-md5-hmac
 mode transport
!
crypto ipsec profile vpnprof
 set transform-set trans2
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.2 255.255.255.0
 ip mtu 1400
! The following line must match on all nodes that want to use this mGRE tunnel:
ip nhrp authentication donttell
! Definition of NHRP server at the hub (10.0.0.1), which is permanently mapped to the
static public address of the hub (172.17.0.1).
ip nhrp map 10.0.0.1 172.17.0.1

```

```

! Sends multicast packets to the hub router, and enables the use of a dynamic routing
protocol between the spoke and the hub.
 ip nhrp map multicast 172.17.0.1
! The following line must match on all nodes that want to use this mGRE tunnel:
 ip nhrp network-id 99
 ip nhrp holdtime 300
! Configures the hub router as the NHRP next-hop server.
 ip nhrp nhs 10.0.0.1
 ip tcp adjust-mss 1360
 delay 1000
 tunnel source Ethernet0
 tunnel mode gre multipoint
! The following line must match on all nodes that want to use this mGRE tunnel:
 tunnel key 100000
 tunnel protection ipsec profile vpnprof
!
! This is a spoke, so the public address might be dynamically assigned via DHCP.
interface Ethernet0
 ip address dhcp hostname Spoke1
!
interface Ethernet1
 ip address 192.168.1.1 255.255.255.0
!
! EIGRP is configured to run over the inside physical interface and the tunnel.
router eigrp 1
 network 10.0.0.0 0.0.0.255
 network 192.168.1.0 0.0.0.255

```
"""


GUIDE_VRF_HUB = """\
```

interface Tunnel0
! Note the next line.
 ip vrf forwarding BLUE
 bandwidth 1000
 ip address 10.0.0.1 255.255.255.0
 ip mtu 1436
! Note the next line.
 ip nhrp authentication BLUE!KEY
 ip nhrp map multicast dynamic
! Note the next line
 ip nhrp network-id 100000
 ip nhrp holdtime 600
 no ip split-horizon eigrp 1
 no ip next-hop-self eigrp 1
 ip tcp adjust-mss 1360

```

```

delay 1000
! Note the next line.
tunnel source Ethernet0
tunnel mode gre multipoint
tunnel protection ipsec profile vpnprof!
interface Tunnel1
! Note the next line.
ip vrf forwarding RED
bandwidth 1000
ip address 10.0.0.1 255.255.255.0
ip mtu 1436
! Note the next line.
ip nhrp authentication RED!KEY
ip nhrp map multicast dynamic
! Note the next line.
ip nhrp network-id 20000
ip nhrp holdtime 600
no ip split-horizon eigrp 1
no ip next-hop-self eigrp 1
ip tcp adjust-mss 1360
delay 1000
! Note the next line.
tunnel source Ethernet1
tunnel mode gre multipoint
tunnel protection ipsec profile vpnprof!
interface Ethernet0
ip address 172.17.0.1 255.255.255.0
!
interface Ethernet1
ip address 192.0.2.171 255.255.255.0

```
```

router eigrp 1
auto-summary
!
address-family ipv4 vrf BLUE
network 10.0.0.0 0.0.0.255
no auto-summary
autonomous-system 1
exit-address-family
!
address-family ipv4 vrf RED
network 10.0.0.0 0.0.0.255
no auto-summary
autonomous-system 1
exit-address-family

```
"""


GUIDE_VRF_SPOKE1 = """\
```

interface Tunnel0
bandwidth 1000
ip address 10.0.0.2 255.255.255.0
ip mtu 1436
! Note the next line.
ip nhrp authentication BLUE!KEY
ip nhrp map 10.0.0.1 172.17.0.1

```

```

ip nhrp network-id 100000
ip nhrp holdtime 300
ip nhrp nhs 10.0.0.1
ip tcp adjust-mss 1360
delay 1000
tunnel mode gre multipoint
tunnel source Ethernet0
tunnel destination 172.17.0.1
tunnel protection ipsec profile vpnprof

```
"""


GUIDE_VRF_SPOKE2 = """\
```

interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.2 255.255.255.0
 ip mtu 1436
 ip nhrp authentication RED!KEY
 ip nhrp map 10.0.0.1 192.0.2.171
 ip nhrp network-id 200000
 ip nhrp holdtime 300
 ip nhrp nhs 10.0.0.1
 ip tcp adjust-mss 1360
 delay 1000
 tunnel source Ethernet0
 tunnel destination 192.0.2.171
 tunnel protection ipsec profile vpnprof!

```
"""


GUIDE_PE_HUB = """\
```

hostname hub-pe1

boot-start-marker
boot-end-marker

no aaa new-model

resource policy

clock timezone EST 0
ip cef
no ip domain lookup

!This section refers to the forwarding table for VRF blue:
ip vrf blue
 rd 2:2
 route-target export 2:2
 route-target import 2:2

!This section refers to the forwarding table for VRF red:
ip vrf red
 rd 1:1
 route-target export 1:1
 route-target import 1:1

mpls label protocol ldp

```

```

crypto isakmp policy 1
  authentication pre-share
crypto isakmp key cisco address 0.0.0.0 0.0.0.0

crypto ipsec transform-set t1 esp-des
mode transport

crypto ipsec profile prof
  set transform-set t1

interface Tunnell
  ip address 10.9.9.1 255.255.255.0
  no ip redirects
  ip nhrp authentication cisco
  ip nhrp map multicast dynamic
  ip nhrp network-id 1

!The command below enables MPLS on the DMVPN network:
mpls ip
  tunnel source Ethernet0/0
  tunnel mode gre multipoint
  tunnel protection ipsec profile prof

interface Loopback0
  ip address 10.0.0.1 255.255.255.255

interface Ethernet0/0
  ip address 172.0.0.1 255.255.255.0

!The multiprotocol BGP route reflector (the hub) configuration changes the next-hop
information to set itself as the next-hop and assigns a new VPN label for the prefixes
learned from the spokes and advertises the VPN prefix:
router bgp 1
  no synchronization
  bgp log-neighbor-changes
  neighbor 10.0.0.11 remote-as 1
  neighbor 10.0.0.11 update-source Tunnell
  neighbor 10.0.0.12 remote-as 1
  neighbor 10.0.0.12 update-source Tunnell
  no auto-summary

  address-family vpnv4
    neighbor 10.0.0.11 activate
    neighbor 10.0.0.11 send-community extended
    neighbor 10.0.0.11 route-reflector-client
    neighbor 10.0.0.11 route-map NEXTHOP out
    neighbor 10.0.0.12 activate
    neighbor 10.0.0.12 send-community extended
    neighbor 10.0.0.12 route-reflector-client
    neighbor 10.0.0.12 route-map NEXTHOP out
  exit-address-family

  address-family ipv4 vrf red
    redistribute connected
    no synchronization
  exit-address-family

  address-family ipv4 vrf blue
    redistribute connected
    no synchronization
  exit-address-family

no ip http server
no ip http secure-server

```

```
!In this route map information, the hub sets the next hop to itself, and the VPN prefixes
are advertised:
route-map NEXTHOP permit 10
  set ip next-hop 10.0.0.1

control-plane

line con 0
  logging synchronous
line aux 0
line vty 0 4
  no login

end
```
"""


GUIDE_PE_SPOKE2 = """\
```
hostname spoke-pe2

boot-start-marker
boot-end-marker

no aaa new-model

resource policy

clock timezone EST 0
ip cef
no ip domain lookup

!This section refers to the forwarding table for VRF blue:
ip vrf blue
  rd 2:2
  route-target export 2:2
  route-target import 2:2

!This section refers to the forwarding table for VRF red:
ip vrf red
  rd 1:1
  route-target export 1:1
  route-target import 1:1

mpls label protocol ldp

crypto isakmp policy 1
  authentication pre-share
crypto isakmp key cisco address 0.0.0.0 0.0.0.0

crypto ipsec transform-set t1 esp-des
  mode transport

crypto ipsec profile prof
  set transform-set t1

interface Tunnel1
  ip address 10.0.0.11 255.255.255.0
  no ip redirects
  ip nhrp authentication cisco
  ip nhrp map multicast dynamic
```

```
ip nhrp map 10.0.0.1 172.0.0.1
ip nhrp map multicast 172.0.0.1
ip nhrp network-id 1
ip nhrp nhs 10.0.0.1
```

!The command below enables MPLS on the DMVPN network:

```
mpls ip
tunnel source Ethernet0/0
tunnel mode gre multipoint
tunnel protection ipsec profile prof
```

```
interface Loopback0
ip address 10.9.9.11 255.255.255.255
```

```
interface Ethernet0/0
ip address 172.0.0.11 255.255.255.0
!
```

```
!
interface Ethernet1/0
  ip vrf forwarding red
  ip address 192.168.11.2 255.255.255.0

interface Ethernet2/0
  ip vrf forwarding blue
  ip address 192.168.11.2 255.255.255.0

!The multiprotocol BGP route reflector (the hub) configuration changes the next-hop
information to set itself as the next-hop and assigns a new VPN label for the prefixes
learned from the spokes and advertises the VPN prefix:
router bgp 1
  no synchronization
  bgp log-neighbor-changes
  neighbor 10.0.0.1 remote-as 1
  neighbor 10.0.0.1 update-source Tunnell
  no auto-summary

  address-family vpnv4
  neighbor 10.0.0.1 activate
  neighbor 10.0.0.1 send-community extended
  exit-address-family

!
  address-family ipv4 vrf red
  redistribute connected
  no synchronization
  exit-address-family

!
  address-family ipv4 vrf blue
  redistribute connected
  no synchronization
  exit-address-family

no ip http server
no ip http secure-server

control-plane

line con 0
  logging synchronous
line aux 0
line vty 0 4
  no login

end
"""


def guide(text: str, name: str) -> Device:
    return parse_config(text, f"{name}.cfg", name)


def test_guide_hub_example() -> None:
    hub = guide(GUIDE_HUB, "hub")
    tu = hub.interfaces["Tunnel0"]
    nhrp, tunnel = tu.nhrp, tu.tunnel
    assert nhrp is not None and tunnel is not None
    assert tu.address == L(IPv4Interface("10.0.0.1/24"), Span("hub.cfg", 14))
    assert (tu.bandwidth.value, tu.ip_mtu.value, tu.delay.value) == (1000, 1400, 1000)  # type: ignore[union-attr]
    assert tu.ip_mtu.span.line == 21  # type: ignore[union-attr]
    assert nhrp.network_id == L(99, Span("hub.cfg", 27))
    assert nhrp.holdtime == L(300, Span("hub.cfg", 28))
    assert nhrp.authentication.value == Secret.of("donttell")  # type: ignore[union-attr]
    assert [m.dynamic for m in nhrp.multicast_maps] == [True]
    assert [(s.asn, s.enabled) for s in tu.split_horizon_eigrp] == [(1, False)]
    assert [(s.asn, s.enabled) for s in tu.next_hop_self_eigrp] == [(1, False)]
    assert tunnel.key == L(100000, Span("hub.cfg", 40))
    assert tunnel.source.value == "Ethernet0"  # type: ignore[union-attr]
    assert tunnel.mode.value == "gre multipoint"  # type: ignore[union-attr]
    assert (tunnel.protection.profile, tunnel.protection.span.line) == ("vpnprof", 41)  # type: ignore[union-attr]
    assert hub.interfaces["Ethernet0"].address == L(IPv4Interface("172.17.0.1/24"), Span("hub.cfg", 44))
    assert hub.interfaces["Ethernet1"].address.value == IPv4Interface("192.168.0.1/24")  # type: ignore[union-attr]
    (eigrp,) = hub.routing.eigrp
    assert (eigrp.asn, [(str(n.address), str(n.wildcard)) for n in eigrp.networks]) == (
        1, [("10.0.0.0", "0.0.0.255"), ("192.168.0.0", "0.0.0.255")]
    )
    assert hub.crypto.isakmp_policies[0].authentication.value == "pre-share"  # type: ignore[union-attr]
    assert hub.crypto.isakmp_keys[0].wildcard
    assert hub.crypto.transform_sets["trans2"].transforms == ("esp-des", "esp-md5-hmac")
    assert hub.crypto.transform_sets["trans2"].mode.value == "transport"  # type: ignore[union-attr]
    assert [t.value for t in hub.crypto.ipsec_profiles["vpnprof"].transform_sets] == ["trans2"]
    # the wrapped comment lines the guide printed without their `!`
    assert [(n.span.line, n.context, n.comment) for n in hub.notes] == [
        (16, "interface Tunnel0", "unknown command"),
        (30, "interface Tunnel0", "unknown command"),
    ]


def test_guide_spoke_example() -> None:
    spoke = guide(GUIDE_SPOKE, "spoke1")
    tu = spoke.interfaces["Tunnel0"]
    nhrp = tu.nhrp
    assert nhrp is not None
    assert tu.address.value == IPv4Interface("10.0.0.2/24")  # type: ignore[union-attr]
    assert [(str(m.tunnel_ip), str(m.nbma), m.span.line) for m in nhrp.maps] == [
        ("10.0.0.1", "172.17.0.1", 21)
    ]
    assert [(str(m.nbma), m.span.line) for m in nhrp.multicast_maps] == [("172.17.0.1", 29)]
    assert [(str(n.address), n.nbma, n.span.line) for n in nhrp.nhs] == [("10.0.0.1", None, 34)]
    assert (nhrp.network_id.value, nhrp.holdtime.value) == (99, 300)  # type: ignore[union-attr]
    assert tu.tunnel.key.value == 100000  # type: ignore[union-attr]
    e0 = spoke.interfaces["Ethernet0"]
    assert (e0.address, e0.address_mode) == (None, L("dhcp", Span("spoke1.cfg", 45)))
    assert [(n.span.line, n.text[:6]) for n in spoke.notes] == [(20, "static"), (28, "protoc")]


def test_guide_vrf_aware_hub_and_spokes() -> None:
    hub = guide(GUIDE_VRF_HUB, "vrfhub")
    tu0, tu1 = hub.interfaces["Tunnel0"], hub.interfaces["Tunnel1"]
    assert (tu0.vrf.value, tu1.vrf.value) == ("BLUE", "RED")  # type: ignore[union-attr]
    assert (tu0.nhrp.network_id.value, tu1.nhrp.network_id.value) == (100000, 20000)  # type: ignore[union-attr]
    assert tu0.nhrp.authentication.value == Secret.of("BLUE!KEY")  # type: ignore[union-attr]
    assert tu1.nhrp.authentication.value == Secret.of("RED!KEY")  # type: ignore[union-attr]
    # `vpnprof!` is kept as the guide printed it (its `!` is part of the word)
    assert tu0.tunnel.protection.profile == "vpnprof!"  # type: ignore[union-attr]
    assert (tu0.tunnel.source.value, tu1.tunnel.source.value) == ("Ethernet0", "Ethernet1")  # type: ignore[union-attr]
    assert tu1.span.line == 28
    (eigrp,) = hub.routing.eigrp
    assert {k: [(str(n.address), n.span.line) for n in v] for k, v in eigrp.vrf_networks.items()} == {
        "BLUE": [("10.0.0.0", 61)],
        "RED": [("10.0.0.0", 67)],
    }
    assert hub.notes == ()
    spoke1 = guide(GUIDE_VRF_SPOKE1, "s1").interfaces["Tunnel0"]
    assert spoke1.tunnel.multipoint  # type: ignore[union-attr]
    assert spoke1.tunnel.destination == L(ip("172.17.0.1"), Span("s1.cfg", 22))  # type: ignore[union-attr]
    assert spoke1.nhrp.network_id.value == 100000  # type: ignore[union-attr]
    spoke2 = guide(GUIDE_VRF_SPOKE2, "s2").interfaces["Tunnel0"]
    assert spoke2.tunnel.mode is None  # type: ignore[union-attr]
    assert spoke2.nhrp.network_id == L(200000, Span("s2.cfg", 9))  # type: ignore[union-attr]
    assert spoke2.tunnel.protection.profile == "vpnprof!"  # type: ignore[union-attr]


def test_guide_2547_over_dmvpn_hub_and_spoke() -> None:
    hub = guide(GUIDE_PE_HUB, "hubpe")
    assert hub.name == "hub-pe1"
    tu = hub.interfaces["Tunnell"]  # the guide writes Tunnell with a letter l
    assert tu.mpls_ip == L(True, Span("hubpe.cfg", 52))
    assert tu.tunnel.source == L("Ethernet0/0", Span("hubpe.cfg", 53))  # type: ignore[union-attr]
    assert tu.nhrp.network_id == L(1, Span("hubpe.cfg", 49))  # type: ignore[union-attr]
    assert set(hub.vrfs) == {"blue", "red"}
    assert hub.vrfs["red"].rd.value == "1:1"  # type: ignore[union-attr]
    bgp = hub.routing.bgp
    assert bgp is not None
    assert bgp.neighbors["10.0.0.11"].update_source.value == "Tunnell"  # type: ignore[union-attr]
    vpnv4, red, blue = bgp.address_families
    assert (vpnv4.afi, red.vrf, blue.vrf) == ("vpnv4", "red", "blue")
    assert vpnv4.neighbors["10.0.0.12"].route_maps[0].value == ("NEXTHOP", "out")
    assert vpnv4.neighbors["10.0.0.12"].send_community.value == "extended"  # type: ignore[union-attr]
    assert [str(h.value) for h in hub.route_maps["NEXTHOP"].entries[0].set_ip_next_hop] == ["10.0.0.1"]
    assert hub.vty_lines[0].login.value is False  # type: ignore[union-attr]
    spoke = guide(GUIDE_PE_SPOKE2, "spokepe2")
    tu1 = spoke.interfaces["Tunnel1"]
    assert [(str(m.tunnel_ip), str(m.nbma), m.span.line) for m in tu1.nhrp.maps] == [  # type: ignore[union-attr]
        ("10.0.0.1", "172.0.0.1", 47)
    ]
    assert tu1.mpls_ip.span.line == 56  # type: ignore[union-attr]
    assert spoke.interfaces["Ethernet1/0"].vrf.value == "red"  # type: ignore[union-attr]
    vpnv4 = spoke.routing.bgp.address_families[0]  # type: ignore[union-attr]
    assert vpnv4.neighbors["10.0.0.1"].activate.span.line == 94  # type: ignore[union-attr]


# --- the fast constructors of the builder ----------------------------------------------------


def test_fast_constructors_make_the_same_objects_as_the_dataclasses() -> None:
    from dmvpnlint.frontend.build import _at, _constructor, _span

    span = _span("r1.cfg", 7)
    assert type(span) is Span and span == Span("r1.cfg", 7)
    assert hash(span) == hash(Span("r1.cfg", 7)) and repr(span) == repr(Span("r1.cfg", 7))
    located = _at(ip("10.0.0.1"), span)
    assert type(located) is L and located == L(ip("10.0.0.1"), Span("r1.cfg", 7))
    with pytest.raises(AttributeError):
        span.line = 8  # type: ignore[misc]  # still frozen

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int
        b: int

        def __post_init__(self) -> None:
            if self.a > self.b:
                raise ValueError("a > b")

    @dataclass(frozen=True)
    class Unslotted:
        a: int
        b: int

    for refused in (Device, Checked, Unslotted):  # their __init__ does more than set 2 slots
        with pytest.raises(TypeError):
            _constructor(refused)
