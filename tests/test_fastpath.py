"""The hand-written fast path agrees with the lark grammar wherever it answers."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dmvpnlint.frontend.commands import lark_parse_line, parse_line
from dmvpnlint.frontend.fastpath import FAST_PARSERS, fast_parse


def typed(value: Any) -> Any:
    """A value with the type of every part spelled out: 1 == True, but not for a parser."""
    if isinstance(value, tuple):
        return ("tuple", tuple(typed(v) for v in value))
    return (type(value).__name__, value)


# Generated lines: a fast-path command's template with each slot filled by a fitting value
# most of the time and by any word otherwise, then words dropped, added or respelled, so that
# near misses (an extra word, a keyword where a value goes, a bad address) are common.
ADDRESSES = ["10.0.0.1", "255.255.255.0", "0.0.0.0", "192.0.2.1", "0.0.255.255", "255.255.255.252"]
BAD_ADDRESSES = [
    "255.0.255.0", "999.1.1.1", "10.0.0.01", "1.2.3", "10.0.0.1234", "1.2.3.4/24", "2001:db8::1",
    "00.1.1.1", "1.2.3.256", "0x1.1.1.1", "1.2.3.4.5", "1.2.3.-4", "0.0.0.255", "255.255.255.255",
]
NUMBERS = ["0", "6", "100", "0100", "1400", "65000", "99999999999999999999"]
NAMES = ["x", "Tunnel0", "GigabitEthernet0/0", "Psk-1f07", "spoke1", "a!b", "address", "vrf"]
ODD = ["", "\u00e9t\u00e9", "-1", "1e5", "IP", "Address", "add", "dhcp", "no-xauth", "secondary"]
INTERFACE = [
    "ip address A A", "ip address A A secondary", "ip nhrp map A A", "ip nhrp map multicast A",
    "ip nhrp map multicast dynamic", "ip nhrp nhs A", "ip nhrp nhs A nbma A multicast",
    "ip nhrp nhs A priority N cluster N", "ip nhrp network-id N", "ip nhrp holdtime N",
    "ip nhrp authentication W", "ip mtu N", "ip tcp adjust-mss N", "tunnel source W",
    "tunnel source W N", "tunnel destination W", "tunnel key N", "description W W",
    "description", "bandwidth N", "delay N",
    # near misses the random edits below seldom make
    "ip nhrp nhs A nbma", "ip nhrp nhs A cluster", "ip nhrp map A", "ip nhrp map multicast",
]
GLOBAL = [
    "hostname W", "ip route A A", "ip route A A W W", "ip route vrf W A A A",
    "crypto isakmp key W address A", "crypto isakmp key W address A A",
    "crypto isakmp key W address A no-xauth", "crypto isakmp key N W address A A no-xauth",
    "ip route vrf W A", "ip route vrf W A A", "crypto isakmp key W address A A A",
    "crypto isakmp key W address A A W", "crypto isakmp key W address", "hostname W W",
]
BGP = [
    "neighbor W remote-as N", "neighbor W activate", "neighbor W update-source W",
    "neighbor W peer-group", "neighbor W peer-group W", "neighbor W send-community W",
    "neighbor W route-reflector-client", "network A mask A",
]
TEMPLATES = (
    [("interface_cmd", t) for t in INTERFACE]
    + [("global_cmd", t) for t in GLOBAL]
    + [("eigrp_cmd", "network A"), ("eigrp_cmd", "network A A")]
    + [("bgp_cmd", t) for t in BGP]
)
SLOTS = {"A": ADDRESSES * 3 + BAD_ADDRESSES, "N": NUMBERS, "W": NAMES}
ANY_WORD = ADDRESSES + BAD_ADDRESSES + NUMBERS + NAMES + ODD + [
    w for _, t in TEMPLATES for w in t.split() if w not in SLOTS
]
SPACES = st.sampled_from([" "] * 30 + ["  ", "\t", "\u00a0"])


@st.composite
def commands(draw: st.DrawFn) -> tuple[str, str]:
    """A start symbol and a line that is one of its fast-path commands, or nearly one."""
    start, template = draw(st.sampled_from(TEMPLATES))
    if draw(st.integers(0, 9)) == 0:
        start = draw(st.sampled_from(sorted(FAST_PARSERS) + ["header_cmd"]))
    words: list[str] = []
    for slot in template.split():
        if draw(st.integers(0, 9)) == 0:
            words.append(draw(st.sampled_from(ANY_WORD)))
        else:
            words.append(draw(st.sampled_from(SLOTS.get(slot, [slot]))))
    if words and draw(st.integers(0, 5)) == 0:
        del words[draw(st.integers(0, len(words) - 1))]
    if draw(st.integers(0, 5)) == 0:
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(ANY_WORD)))
    text = ""
    for i, word in enumerate(words):
        text += (draw(SPACES) if i else "") + word
    return start, text


@settings(max_examples=3000, deadline=None)
@given(commands())
@example(("interface_cmd", "ip nhrp nhs 10.0.0.1 nbma 192.0.2.1 multicast priority 1 cluster 2"))
@example(("global_cmd", "crypto isakmp key Psk address 0.0.0.0 0.0.0.0 no-xauth"))
@example(("global_cmd", "crypto isakmp key 0 address address 1.2.3.4"))
@example(("global_cmd", "crypto isakmp key 0 address 1.2.3.4"))
@example(("interface_cmd", "descriptionx WAN"))
def test_fast_path_agrees_with_lark(command: tuple[str, str]) -> None:
    start, text = command
    fast = fast_parse(start, text)
    if fast is not None:
        assert typed(fast) == typed(lark_parse_line(start, text))
    assert typed(parse_line(start, text)) == typed(lark_parse_line(start, text))


# The fast path must really answer for the lines it is there for (or the test above could
# pass with a fast path that never answers).
@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        (
            "interface_cmd", "ip address 10.0.3.7 255.255.255.0",
            ("ip_address", IPv4Interface("10.0.3.7/24"), False),
        ),
        (
            "interface_cmd", "ip address 10.0.3.7 255.255.255.0 secondary",
            ("ip_address", IPv4Interface("10.0.3.7/24"), True),
        ),
        (
            "interface_cmd", "ip nhrp map 10.0.0.1 192.0.2.1",
            ("nhrp_map", IPv4Address("10.0.0.1"), IPv4Address("192.0.2.1")),
        ),
        ("interface_cmd", "ip nhrp map multicast 192.0.2.1", ("nhrp_map_multicast", IPv4Address("192.0.2.1"))),
        ("interface_cmd", "ip nhrp map multicast dynamic", ("nhrp_map_multicast_dynamic",)),
        (
            "interface_cmd", "ip nhrp nhs 10.0.0.1 nbma 192.0.2.1 multicast",
            ("nhrp_nhs", IPv4Address("10.0.0.1"), ("nhs_nbma", IPv4Address("192.0.2.1")), ("nhs_multicast",)),
        ),
        ("interface_cmd", "ip nhrp network-id 100", ("nhrp_network_id", 100)),
        ("interface_cmd", "ip nhrp holdtime 300", ("nhrp_holdtime", 300)),
        ("interface_cmd", "ip nhrp authentication nh9dcd1e", ("nhrp_authentication", "nh9dcd1e")),
        ("interface_cmd", "ip mtu 1400", ("ip_mtu", 1400)),
        ("interface_cmd", "ip tcp adjust-mss 1360", ("tcp_adjust_mss", 1360)),
        ("interface_cmd", "tunnel source GigabitEthernet0/0", ("tunnel_source", "GigabitEthernet0/0")),
        ("interface_cmd", "tunnel destination 192.0.2.1", ("tunnel_destination", "192.0.2.1")),
        ("interface_cmd", "tunnel key 100000", ("tunnel_key", 100000)),
        ("interface_cmd", "description WAN  uplink", ("description", "WAN uplink")),
        ("interface_cmd", "bandwidth 1000", ("bandwidth", 1000)),
        ("global_cmd", "hostname spoke00007", ("hostname", "spoke00007")),
        (
            "global_cmd", "ip route vrf RED 0.0.0.0 0.0.0.0 Tunnel0 10.0.0.1",
            ("ip_route", "RED", IPv4Network("0.0.0.0/0"), "Tunnel0", "10.0.0.1"),
        ),
        (
            "global_cmd", "crypto isakmp key Psk-1 address 0.0.0.0 no-xauth",
            ("isakmp_key_address", "Psk-1", IPv4Address("0.0.0.0"), None, True),
        ),
        (
            "eigrp_cmd", "network 10.1.6.0 0.0.0.255",
            ("eigrp_network", IPv4Address("10.1.6.0"), IPv4Address("0.0.0.255")),
        ),
        ("bgp_cmd", "neighbor 10.0.0.2 remote-as 65000", ("bgp_remote_as", "10.0.0.2", "65000")),
        ("bgp_cmd", "neighbor 10.0.0.2 activate", ("bgp_activate", "10.0.0.2")),
    ],
)
def test_fast_path_answers_the_frequent_commands(start: str, text: str, expected: Any) -> None:
    assert typed(fast_parse(start, text)) == typed(expected)
    assert typed(lark_parse_line(start, text)) == typed(expected)


@pytest.mark.parametrize(
    ("start", "text"),
    [
        ("interface_cmd", "ip address 999.0.0.1 255.255.255.0"),  # lark writes the comment
        ("interface_cmd", "ip address 10.0.0.1 255.0.255.0"),
        ("interface_cmd", "ip add 10.0.0.1 255.255.255.0"),  # abbreviations: lark's retry
        ("interface_cmd", "ip address 10.0.0.1\t255.255.255.0"),
        ("global_cmd", "crypto isakmp key 0 secret address 0.0.0.0"),
        ("header_cmd", "interface Tunnel0"),  # no fast path for this start symbol
    ],
)
def test_fast_path_leaves_the_rest_to_lark(start: str, text: str) -> None:
    assert fast_parse(start, text) is None
