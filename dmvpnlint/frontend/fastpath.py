"""Hand-written parsers for the few commands whose text differs on every device.

Fleets repeat themselves, so the parse memo (`commands.LineParser`) lets lark see each distinct
line once. What the memo cannot share is the handful of commands that carry per-device values:
`ip address`, `ip nhrp map`/`nhs`, EIGRP `network`, `ip route`, `hostname`, BGP `neighbor`.
On the synthetic 10,000-spoke fleet they are 80,000 of the 80,080 distinct lines, and lark
spends about 50 µs on each. The functions here read those lines with `str.split` in about
2 µs and give exactly the command tuple the grammar's transformer would give.

`ios.lark` stays the reference: a function here returns None for anything it is not sure
about (other spellings, abbreviations, bad values, extra words, non-ASCII text), and the caller
then asks lark, which also writes the DMV001 comment. A hypothesis test
(`tests/test_fastpath.py`) checks on generated lines that whenever a function here answers,
lark answers the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from socket import inet_aton
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Any

Command = tuple[Any, ...]
_FastParser = Callable[[list[str]], "Command | None"]

# The words ipaddress accepts as an IPv4 address: four decimal octets, none above 255, no
# leading zero (which the grammar's IPV4 terminal also matches). Anything else raises
# ValueError, which `fast_parse` turns into "ask lark".
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4_WORD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}").fullmatch

# The netmasks, written out, and their prefix lengths. ipaddress would also read a host mask
# (`0.0.0.255`) after a slash; such lines are left to lark, which builds exactly that.
_NETMASKS: dict[str, int] = {
    str(IPv4Address((1 << 32) - (1 << (32 - length)))): length for length in range(33)
}


def _ipv4_int(word: str) -> int:
    """A checked dotted quad as an integer (ipaddress's own string parser is 4 times slower)."""
    if _IPV4_WORD(word) is None:
        raise ValueError(word)
    return int.from_bytes(inet_aton(word), "big")


def ipv4_address(word: str) -> IPv4Address:
    """IPv4Address(word) for the usual dotted quad, faster; ValueError like it otherwise."""
    return IPv4Address(_ipv4_int(word))


_ipv4 = ipv4_address


def _interface(address: str, mask: str) -> IPv4Interface:
    """IPv4Interface(f"{address}/{mask}") for a netmask, built from integers."""
    return IPv4Interface((_ipv4_int(address), _NETMASKS[mask]))


def _network(address: str, mask: str) -> IPv4Network:
    """IPv4Network(f"{address}/{mask}", strict=False) for a netmask, built from integers."""
    return IPv4Network((_ipv4_int(address), _NETMASKS[mask]), strict=False)


def _int(word: str) -> int | None:
    # Only ASCII reaches here (see fast_parse), so isdigit() is exactly the INT terminal.
    return int(word) if word.isdigit() else None


# --- interface_cmd -------------------------------------------------------------------------


def _ip_address(w: list[str]) -> Command | None:
    # ip address IPV4 IPV4 [secondary]
    n = len(w)
    if n == 4 or (n == 5 and w[4] == "secondary"):
        return ("ip_address", _interface(w[2], w[3]), n == 5)
    return None


_NHS_FLAGS = {"multicast": ("nhs_multicast",)}
_NHS_VALUES = {"nbma": "nhs_nbma", "priority": "nhs_priority", "cluster": "nhs_cluster"}
_NHRP_NUMBERS = {"network-id": "nhrp_network_id", "holdtime": "nhrp_holdtime"}


def _nhrp(w: list[str]) -> Command | None:
    n = len(w)
    if n < 4:
        return None
    sub = w[2]
    if sub == "map":
        if n == 5:
            if w[3] == "multicast":
                if w[4] == "dynamic":
                    return ("nhrp_map_multicast_dynamic",)
                return ("nhrp_map_multicast", _ipv4(w[4]))
            return ("nhrp_map", _ipv4(w[3]), _ipv4(w[4]))
        return None
    if sub == "nhs":
        address = _ipv4(w[3])
        options: list[Command] = []
        i = 4
        while i < n:
            word = w[i]
            flag = _NHS_FLAGS.get(word)
            if flag is not None:
                options.append(flag)
                i += 1
                continue
            tag = _NHS_VALUES.get(word)
            if tag is None or i + 1 >= n:
                return None
            value: Any = _ipv4(w[i + 1]) if tag == "nhs_nbma" else _int(w[i + 1])
            if value is None:
                return None
            options.append((tag, value))
            i += 2
        return ("nhrp_nhs", address, *options)
    if n != 4:
        return None
    tag = _NHRP_NUMBERS.get(sub)
    if tag is not None:
        value = _int(w[3])
        return None if value is None else (tag, value)
    if sub == "authentication":
        return ("nhrp_authentication", w[3])
    return None


def _ip_int(tag: str, length: int) -> _FastParser:
    """`ip mtu N`, `ip tcp adjust-mss N`: fixed keywords, then one number."""

    def parse(w: list[str]) -> Command | None:
        if len(w) != length:
            return None
        value = _int(w[-1])
        return None if value is None else (tag, value)

    return parse


_TCP_ADJUST_MSS = _ip_int("tcp_adjust_mss", 4)
_INTERFACE_IP: dict[str, _FastParser] = {
    "address": _ip_address,
    "nhrp": _nhrp,
    "mtu": _ip_int("ip_mtu", 3),
}


def _interface_ip(w: list[str]) -> Command | None:
    if len(w) < 3:
        return None
    if w[1] == "tcp":
        return _TCP_ADJUST_MSS(w) if w[2] == "adjust-mss" else None
    parse = _INTERFACE_IP.get(w[1])
    return None if parse is None else parse(w)


def _tunnel(w: list[str]) -> Command | None:
    if len(w) != 3:
        return None
    sub = w[1]
    if sub == "source":
        return ("tunnel_source", w[2])
    if sub == "destination":
        return ("tunnel_destination", w[2])
    if sub == "key":
        value = _int(w[2])
        return None if value is None else ("tunnel_key", value)
    return None


def _description(w: list[str]) -> Command | None:
    return ("description", " ".join(w[1:]) if len(w) > 1 else None)


def _one_int(tag: str) -> _FastParser:
    def parse(w: list[str]) -> Command | None:
        value = _int(w[1]) if len(w) == 2 else None
        return None if value is None else (tag, value)

    return parse


# --- global_cmd ----------------------------------------------------------------------------


def _hostname(w: list[str]) -> Command | None:
    return ("hostname", w[1]) if len(w) == 2 else None


def _ip_route(w: list[str]) -> Command | None:
    # ip route [vrf WORD] IPV4 IPV4 WORD*
    if len(w) < 4 or w[1] != "route":
        return None
    vrf = None
    i = 2
    if w[2] == "vrf":
        if len(w) < 6:
            return None
        vrf = w[3]
        i = 4
    return ("ip_route", vrf, _network(w[i], w[i + 1]), *w[i + 2 :])


def _crypto(w: list[str]) -> Command | None:
    # crypto isakmp key WORD address IPV4 [IPV4] [no-xauth]; `key 0|6 ...` is left to lark
    n = len(w)
    if n < 6 or n > 8 or w[1] != "isakmp" or w[2] != "key" or w[3] in ("0", "6"):
        return None
    if w[4] != "address":
        return None
    address = _ipv4(w[5])
    mask = None
    no_xauth = None
    rest = w[6:]
    if rest and rest[-1] == "no-xauth":
        no_xauth = True
        rest = rest[:-1]
    if len(rest) == 1:
        mask = _ipv4(rest[0])
    elif rest:
        return None
    return ("isakmp_key_address", w[3], address, mask, no_xauth)


# --- eigrp_cmd and bgp_cmd -----------------------------------------------------------------


def _eigrp_network(w: list[str]) -> Command | None:
    n = len(w)
    if n != 2 and n != 3:
        return None
    address = _ipv4(w[1])
    wildcard = _ipv4(w[2]) if n == 3 else None
    return ("eigrp_network", address, wildcard)


def _bgp_neighbor(w: list[str]) -> Command | None:
    n = len(w)
    if n < 3:
        return None
    sub = w[2]
    if n == 3:
        if sub == "activate":
            return ("bgp_activate", w[1])
        if sub == "route-reflector-client":
            return ("bgp_route_reflector_client", w[1])
        if sub == "peer-group":
            return ("bgp_peer_group", w[1], None)
        if sub == "send-community":
            return ("bgp_send_community", w[1], None)
        return None
    if n == 4:
        if sub == "remote-as":
            return ("bgp_remote_as", w[1], w[3])
        if sub == "update-source":
            return ("bgp_update_source", w[1], w[3])
        if sub == "peer-group":
            return ("bgp_peer_group", w[1], w[3])
        if sub == "send-community":
            return ("bgp_send_community", w[1], w[3])
    return None


# One table per start symbol, keyed by the first word.
FAST_PARSERS: dict[str, dict[str, _FastParser]] = {
    "interface_cmd": {
        "ip": _interface_ip,
        "tunnel": _tunnel,
        "description": _description,
        "bandwidth": _one_int("bandwidth"),
        "delay": _one_int("delay"),
    },
    "global_cmd": {"hostname": _hostname, "ip": _ip_route, "crypto": _crypto},
    "eigrp_cmd": {"network": _eigrp_network},
    "bgp_cmd": {"neighbor": _bgp_neighbor},
}


def fast_parse(start: str, text: str) -> Command | None:
    """The command tuple lark would give for this line, or None to ask lark.

    Only printable ASCII is taken, so that `str.split()` splits exactly where the grammar's
    `%ignore /[ \\t]+/` does (the splitter has already turned tabs into spaces).
    """
    table = FAST_PARSERS.get(start)
    if table is None or not (text.isascii() and text.isprintable()):
        return None
    words = text.split()
    if not words:
        return None
    parse = table.get(words[0])
    if parse is None:
        return None
    try:
        return parse(words)
    except (ValueError, KeyError):  # a value lark refuses (it says why) or spells another way
        return None
