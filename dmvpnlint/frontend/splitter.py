"""Split IOS config text into top-level blocks with their children, by plain string operations.

This pass sees every line of a fleet (1.5 million for 10,000 spokes), so it does as little as
possible per line: lines of blocks nobody needs are skipped after one or two character tests,
and only the lines of DMVPN-relevant blocks are stored (with their 1-based line number) for the
grammar.

IOS itself ignores indentation: a line is tried in the current configuration sub-mode, then in
global mode, and a line valid in neither is rejected while the mode stays. Many configs in the
Cisco guide lost their indentation, so a line at or left of its block header is resolved that
way, with a keyword table standing in for "valid in this mode". Indentation deeper than the
header keeps a line in its block, except for the block openers (`interface`, `router`, ...) a
script may indent at will.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from dmvpnlint.frontend.names import is_interface_keyword
from dmvpnlint.frontend.suppress import MARK, RawSuppression, resolve


class Line(NamedTuple):
    """One command: its 1-based line number, indentation and text (comment removed).

    A tuple, so that a worker process can send lines as plain tuples and the builder read them
    by index without rebuilding objects.
    """

    number: int
    indent: int
    text: str


@dataclass(slots=True)
class Block:
    """A header line, the block kind it opens, and its children (lines and sub-blocks)."""

    header: Line
    kind: str
    children: list[Line | Block] = field(default_factory=list)


@dataclass(slots=True)
class SplitConfig:
    """The relevant blocks of one config and how much of it looked like IOS at all."""

    blocks: list[Block]
    known_commands: int
    line_count: int
    # `! dmvpnlint: ...` comments, resolved (frontend/suppress.py); () in almost every config
    suppressions: tuple[RawSuppression, ...] = ()


# First words of global configuration mode. A line at or left of its block's header whose first
# word is here (and that is not a child command of that block) ends the block.
GLOBAL_WORDS: frozenset[str] = frozenset(
    """
    aaa access-list alias alarm-profile application archive arp authentication banner bba-group
    bfd bfd-template boot boot-end-marker boot-start-marker bridge buffers call call-home cable
    card cdp chat-script class-map clock config-register controller control-plane crypto cts
    default default-value depi-tunnel device-tracking diagnostic dial-control-mib dial-peer
    dialer dialer-list dot11 dot1x downward-compatible-config enable end errdisable ethernet
    event exception file flow format gatekeeper hostname hw-module identity interface ip ipv6
    isdn key l2 l2tp l2tp-class l2vpn lldp license line logging login mac mac-address-table
    macro map-class map-list memory mgcp mka mls module monitor mpls multilink netconf
    network-clock no ntp object-group parameter-map platform policy-map port-channel power
    privilege process-max-time pseudowire-class qos queue-monitor redundancy resource restconf
    rmon route-map route-tag router sampler scheduler sccp secure service service-template
    snmp snmp-server spanning-tree stcapp subscriber system table-map tacacs tacacs-server
    telephony-service template track transceiver udld username version vlan voice voice-card
    vpdn vpdn-group vrf vtp wsma x25 xconnect zone zone-pair radius radius-server ipc
    power-supply management-interface  ethernet-services virtual-service iox app-hosting
    """.split()
)

# Child commands of an interface that win over the global meaning of their first word. Each
# entry matches the whole line or the line's first words (`ip nat` would also catch the global
# `ip nat inside source ...`, so the interface forms are spelled out).
_INTERFACE_CHILDREN: tuple[str, ...] = (
    "ip address", "ip unnumbered", "ip mtu", "ip nhrp", "ip tcp adjust-mss",
    "ip vrf forwarding", "ip split-horizon", "ip next-hop-self", "ip ospf", "ip pim sparse-mode",
    "ip pim sparse-dense-mode", "ip pim dense-mode", "ip pim nbma-mode", "ip pim dr-priority",
    "ip pim query-interval",
    "ip redirects", "ip unreachables", "ip proxy-arp", "ip helper-address", "ip access-group",
    "ip flow ingress", "ip flow egress", "ip flow monitor", "ip virtual-reassembly",
    "ip route-cache", "ip policy", "ip igmp", "ip verify", "ip directed-broadcast",
    "ip mroute-cache", "ip summary-address", "ip hello-interval", "ip hold-time",
    "ip authentication", "ip bandwidth-percent", "ipv6 address", "ipv6 nhrp", "ipv6 enable",
    "ipv6 mtu", "ipv6 tcp adjust-mss", "ipv6 ospf", "ipv6 eigrp", "ipv6 redirects",
    "ipv6 unreachables", "mpls ip", "mpls mtu", "tunnel", "bandwidth", "delay", "keepalive",
    "shutdown", "description", "vrf forwarding", "service-policy", "qos pre-classify",
    "if-state", "mtu", "crypto ipsec df-bit", "duplex", "speed", "negotiation", "cdp enable",
    "standby", "vrrp", "encapsulation", "load-interval", "media-type", "zone-member",
    "spanning-tree portfast", "spanning-tree bpduguard", "switchport", "channel-group",
    "hold-queue", "carrier-delay", "lldp transmit", "lldp receive", "storm-control",
)
_INTERFACE_ONLY_EXACT = ("ip nat inside", "ip nat outside", "ip nat enable")
INTERFACE_CHILDREN: tuple[str, ...] = tuple(
    f"{c} " for c in _INTERFACE_CHILDREN + tuple(f"no {c}" for c in _INTERFACE_CHILDREN)
)
INTERFACE_CHILDREN_EXACT: frozenset[str] = frozenset(
    c.strip() for c in INTERFACE_CHILDREN + _INTERFACE_ONLY_EXACT
) | {f"no {c}" for c in _INTERFACE_ONLY_EXACT}


def _interface_child(text: str) -> bool:
    if text in INTERFACE_CHILDREN_EXACT or text.startswith(INTERFACE_CHILDREN):
        return True
    # `crypto map NAME` applies a map; `crypto map NAME 10 ipsec-isakmp` defines one (global).
    words = text.split()
    return len(words) == 3 and words[0] == "crypto" and words[1] == "map"


# Words that start a new top-level block even when a script indents them under another block.
OPENERS: tuple[str, ...] = (
    "interface ", "int ", "inter ", "router ", "crypto ", "route-map ", "vrf definition ",
    "line vty ",
)

# Sub-modes: in these block kinds, a child with this first word opens a nested block.
SUB_BLOCKS: dict[str, dict[str, str]] = {
    "router_bgp": {"address-family": "bgp_af"},
    "vrf_definition": {"address-family": "vrf_af"},
    "router_eigrp": {"address-family": "eigrp_af"},
    "eigrp_af": {"af-interface": "eigrp_af_interface", "topology": "eigrp_topology"},
    "ikev2_keyring": {"peer": "ikev2_peer"},
}

SCRIPT_LINES: frozenset[str] = frozenset(
    {
        "en", "ena", "enable", "conf t", "config t", "configure t", "conf term",
        "config term", "configure terminal", "config terminal", "wr", "wr mem", "write",
        "write mem", "write memory", "copy run start", "copy running-config startup-config",
        "do wr", "do write", "do write memory", "end", "exit",
    }
)

BANNER_TYPES: frozenset[str] = frozenset(
    {"motd", "login", "exec", "incoming", "slip-ppp", "prompt-timeout", "config-save", "lcd"}
)

_CRYPTO_BLOCKS: dict[str, str] = {
    "isakmp policy": "isakmp_policy",
    "isakmp profile": "isakmp_profile",
    "keyring": "keyring",
    "ipsec transform-set": "transform_set",
    "ipsec profile": "ipsec_profile",
    "ikev2 proposal": "ikev2_proposal",
    "ikev2 policy": "ikev2_policy",
    "ikev2 keyring": "ikev2_keyring",
    "ikev2 profile": "ikev2_profile",
}
_GLOBAL_COMMANDS: tuple[str, ...] = (
    "hostname ", "version ", "ip route ", "crypto isakmp key ", "crypto isakmp nat keepalive",
    "crypto isakmp keepalive", "no crypto isakmp default policy", "mls mpls tunnel-recir",
)


_CLASSIFIED_FIRST_WORDS = frozenset(
    {"crypto", "router", "ip", "vrf", "route-map", "line", "hostname", "version", "no", "mls"}
)


def classify(text: str, first: str) -> str | None:
    """The kind of block a top-level line opens, or None for blocks nobody needs."""
    if first not in _CLASSIFIED_FIRST_WORDS:
        return "interface" if first[0] in "iI" and is_interface_keyword(first) else None
    if is_interface_keyword(first):
        return "interface"
    if text.startswith(_GLOBAL_COMMANDS):
        return "global"
    words = text.split(None, 3)
    if first == "crypto" and len(words) >= 3:
        kind = _CRYPTO_BLOCKS.get(f"{words[1]} {words[2]}") or _CRYPTO_BLOCKS.get(words[1])
        return kind
    if len(words) < 2:
        return None
    second = words[1]
    if first == "router" and second in ("eigrp", "bgp", "ospf", "rip"):
        return f"router_{second}"
    if first == "ip" and second == "vrf" and len(words) == 3:
        return "ip_vrf"
    if first == "vrf" and second == "definition":
        return "vrf_definition"
    if first == "route-map":
        return "route_map"
    if first == "line" and second == "vty":
        return "line_vty"
    return None


def _is_global(first: str) -> bool:
    if first in GLOBAL_WORDS:
        return True
    if first.islower() and first[0] != "i":
        return False
    low = first.lower()
    return low in GLOBAL_WORDS or is_interface_keyword(low)


def valid_child(kind: str | None, text: str, first: str) -> bool:
    """Whether a command is valid in the sub-mode of a block of this kind (the keyword table)."""
    if kind == "global":
        return False
    if kind == "interface":
        return _interface_child(text)
    if first == "vrf" and kind is not None and kind.startswith(("isakmp", "keyring", "ikev2")):
        return True
    if first == "no":
        parts = text.split(None, 2)
        return len(parts) > 1 and not _is_global(parts[1])
    return not _is_global(first)


def strip_comment(text: str) -> str:
    """Drop a trailing ` ! comment`; a `!` inside a word (`BLUE!KEY`, `vpnprof!`) stays."""
    cut = text.find(" !")
    return text[:cut].rstrip() if cut >= 0 else text


def _banner_end(lines: list[str], index: int, text: str) -> int:
    """The index of the line after the banner that starts at lines[index], or index + 1.

    The delimiter is the first character after `banner [type]` (or the two characters `^C`);
    the banner ends at the next occurrence of it, on the same line or a later one. A banner
    that never ends is taken as one line, so one typo does not swallow the rest of the file.
    """
    rest = text[6:].lstrip()
    word = rest.split(None, 1)[0] if rest else ""
    if word in BANNER_TYPES:
        rest = rest[len(word):].lstrip()
    if not rest:
        return index + 1
    delim = "^C" if rest.startswith("^C") else rest[0]
    if delim in rest[len(delim):]:
        return index + 1
    for j in range(index + 1, len(lines)):
        if delim in lines[j]:
            return j + 1
    return index + 1


class _Splitter:
    """The state of one pass over one config: the open block and its open sub-blocks."""

    __slots__ = ("blocks", "stack", "current", "relevant")

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.stack: list[Block] = []
        self.current: Block | None = None
        self.relevant = False

    def open(self, line: Line, kind: str | None) -> None:
        block = Block(line, kind or "")
        self.current = block
        self.relevant = kind is not None and kind != "global"
        self.stack = [block]
        if kind is not None:
            self.blocks.append(block)

    def close(self) -> None:
        self.current = None
        self.relevant = False
        self.stack = []

    def exit(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()
        else:
            self.close()

    def child(self, line: Line, first: str) -> None:
        if not self.relevant:
            return
        stack = self.stack
        if first.startswith("exit-"):
            if len(stack) > 1:
                stack.pop()
            return
        # Like IOS, stay in the sub-mode until an `exit-*` line, a sibling sub-block header, or
        # (the running-config layout) a line indented less than the sub-block's header.
        while len(stack) > 1:
            top, parent = stack[-1], stack[-2]
            indent = top.header.indent
            if line.indent < indent or (
                line.indent == indent and first in SUB_BLOCKS.get(parent.kind, {})
            ):
                stack.pop()
            else:
                break
        subs = SUB_BLOCKS.get(stack[-1].kind)
        if subs is not None and first in subs:
            block = Block(line, subs[first])
            stack[-1].children.append(block)
            stack.append(block)
            return
        stack[-1].children.append(line)


# What `_analyse` says a line is, before the open block is taken into account.
_SKIP, _EXIT, _CLOSE, _BANNER, _COMMAND = range(5)

_Analysis = tuple[int, int, str, str, bool, bool, bool, bool, "str | None", bool]
_SKIPPED: _Analysis = (_SKIP, 0, "", "", False, False, False, False, None, False)
_HEADERS = ("Building configuration", "Current configuration")


def _analyse(raw: str) -> _Analysis:
    """Everything about one physical line that does not depend on the open block.

    (action, indent, text, first word, opens a block when indented, first word is global,
    stays in an open irrelevant block at its header's indentation, is a `show run` header
    line, the block kind it opens, is an `exit-*` line). Pure, so `SplitMemo` keeps it per
    line text.
    """
    s = raw.rstrip()
    if not s:
        return _SKIPPED
    st = s.lstrip() if raw[0] == " " else s  # only spaces indent (tabs are expanded)
    c = st[0]
    if c == "!" or (c == "`" and st.startswith("```")):
        return _SKIPPED
    indent = len(s) - len(st)
    cut = st.find(" !")
    if cut >= 0:
        st = st[:cut].rstrip()
        if not st:
            return _SKIPPED
    if c in "ecwdECWD" and len(st) <= 36 and st.lower() in SCRIPT_LINES:
        action = _EXIT if st.lower() == "exit" else _CLOSE
        return (action, indent, st, st, False, False, False, False, None, False)
    space = st.find(" ")
    first = st if space < 0 else st[:space]
    if first == "banner":
        return (_BANNER, indent, st, first, False, True, False, False, None, False)
    is_global = _is_global(first)
    return (
        _COMMAND,
        indent,
        st,
        first,
        st.startswith(OPENERS),
        is_global,
        valid_child(None, st, first) or not is_global,
        c in "BC" and st.startswith(_HEADERS),
        classify(st, first),
        first.startswith("exit-"),
    )


class SplitMemo:
    """What the splitter has learned about line texts, shared by every config of one run.

    Fleets repeat themselves: the second device's `service timestamps ...` or ` ip nhrp
    holdtime 300` costs one dict lookup instead of a dozen string operations.
    """

    __slots__ = ("lines", "children")

    def __init__(self) -> None:
        self.lines: dict[str, _Analysis] = {}
        # (open block kind, text) -> whether the text is a child command of that block kind
        self.children: dict[tuple[str, str], bool] = {}

    def valid_child(self, kind: str, text: str, first: str) -> bool:
        key = (kind, text)
        found = self.children.get(key)
        if found is None:
            found = self.children[key] = valid_child(kind, text, first)
        return found


_new_line = tuple.__new__  # Line(...) without NamedTuple's Python-level __new__


def split_config(text: str, memo: SplitMemo | None = None) -> SplitConfig:
    """Split one config; never raises on any text. `memo` shares line analyses across configs.

    The loop is written for speed: the lines of a block nobody needs cost one or two string
    tests each (`skip_pad` says how deep a line must be indented to stay in that block), the
    open block is kept in local variables, every other line is analysed once per distinct
    text (`_analyse`), and only relevant lines become `Line` objects.
    """
    if "\t" in text:
        text = text.expandtabs(1)
    lines = text.split("\n")
    if memo is None:
        memo = SplitMemo()
    analysed = memo.lines
    state = _Splitter()
    known = 0
    count = len(lines)
    skip_pad: str | None = None  # set while inside a block nobody needs
    open_indent = -1  # indentation of the open block's header; -1: no block is open
    open_kind: str | None = None
    relevant = False
    # children.append of the open relevant block when it has no sub-blocks (the common case)
    append_child: Callable[[Line | Block], None] | None = None
    comments: list[int] = []  # lines of `! dmvpnlint:` comments (suppressions)
    numbered = enumerate(lines, 1)
    for index, raw in numbered:
        if not raw:
            continue
        c = raw[0]
        if c == "!":
            if MARK in raw:
                comments.append(index)
            continue
        if c == " " and skip_pad is not None and raw.startswith(skip_pad):
            st = raw.lstrip()
            if not st or (st[0] not in "!e`" and not st.startswith(OPENERS)):
                continue
        found = analysed.get(raw)
        if found is None:
            found = analysed[raw] = _analyse(raw)
        action, indent, st, first, opener, is_global, stays_none, header, kind, exit_ = found
        if action != _COMMAND:
            if action == _SKIP:
                if MARK in raw and raw.lstrip().startswith("!"):
                    comments.append(index)
                continue
            if action == _EXIT and len(state.stack) > 1:
                state.exit()
                continue
            state.close()
            open_indent, open_kind, relevant, skip_pad = -1, None, False, None
            append_child = None
            if action == _BANNER:
                known += 1
                end = _banner_end(lines, index - 1, st)
                for _ in islice(numbered, end - index):
                    pass
            continue
        if open_indent >= 0:
            if indent > open_indent:
                stays = not opener or (
                    stays_none if open_kind is None else memo.valid_child(open_kind, st, first)
                )
            elif indent == open_indent:
                stays = (
                    stays_none
                    if open_kind is None
                    else (not is_global or memo.valid_child(open_kind, st, first))
                )
            else:  # left of an indented header: the block is over (YAML keys, prose)
                stays = False
            if stays:
                if append_child is not None:
                    if not exit_:  # an `exit-*` line in a block without sub-blocks: nothing
                        append_child(_new_line(Line, (index, indent, st)))
                elif relevant:
                    state.child(Line(index, indent, st), first)
                continue
        if header:
            continue
        if is_global:
            known += 1
        open_kind = kind
        open_indent = indent
        relevant = kind is not None and kind != "global"
        append_child = None
        if kind is not None:
            state.open(Line(index, indent, st), kind)
            if relevant and kind not in SUB_BLOCKS:
                append_child = state.stack[0].children.append
        elif state.current is not None:
            state.close()
        skip_pad = None if relevant else (" " if indent == 0 else " " * (indent + 1))
    if comments:
        return SplitConfig(state.blocks, known, count, resolve(comments, lines, state.blocks))
    return SplitConfig(state.blocks, known, count)
