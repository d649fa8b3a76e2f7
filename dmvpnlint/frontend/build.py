"""Fold command values into a `model.Device`.

The splitter gives blocks of lines, `commands.LineParser` turns each line into a command tuple
(memoised, location-free), and this module attaches the Span and puts each value in its model
field. The model is frozen, so values are gathered in plain dicts and lists first and the
dataclasses are made once at the end. A block that appears twice (scripts re-enter
`interface Tunnel0`) folds into the same builder: later commands add to or override earlier
ones, as IOS would. Nothing here raises on user input: a command the grammar rejects, or a value
the model refuses (a mask like 255.0.255.0), becomes a DMV001 `ParseNote`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import dataclasses
from dataclasses import dataclass, field
from ipaddress import IPv4Network, ip_address
from typing import Any, TypeVar

from dmvpnlint import model
from dmvpnlint.frontend.commands import LineParser, Rejected
from dmvpnlint.frontend.fastpath import ipv4_address
from dmvpnlint.frontend.names import normalize_interface
from dmvpnlint.frontend.splitter import Block, Line, SplitConfig, split_config
from dmvpnlint.model import L, Secret, Span

T = TypeVar("T")

Fields = dict[str, Any]


def _constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a small frozen, slotted model class that skips the
    dataclass `__init__` (which sets each field through `object.__setattr__`): Span and L are
    made once per command line, over a million times for a big fleet, and this halves their
    cost. The object is the same as `cls(...)` makes (a test compares them); classes with a
    `__post_init__` or without slots are refused, since their `__init__` does more.
    """
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or "__slots__" not in vars(cls) or len(names) != 2:
        raise TypeError(f"{cls.__name__}: no positional fast constructor for this class")
    set_first, set_second = (vars(cls)[n].__set__ for n in names)
    new = object.__new__

    def make(first: Any, second: Any) -> T:
        obj = new(cls)
        set_first(obj, first)
        set_second(obj, second)
        return obj

    make.__doc__ = f"{cls.__name__}({', '.join(names)}), made without dataclass __init__."
    return make


_span: Callable[[str, int], Span] = _constructor(Span)
_at: Callable[[Any, Span], L[Any]] = _constructor(L)

# The start symbol that parses the children of each block kind (None: children not needed).
CHILD_START: dict[str, str | None] = {
    "interface": "interface_cmd",
    "isakmp_policy": "isakmp_policy_cmd",
    "isakmp_profile": "isakmp_profile_cmd",
    "keyring": "keyring_cmd",
    "transform_set": "transform_set_cmd",
    "ipsec_profile": "ipsec_profile_cmd",
    "crypto_map": "crypto_map_cmd",
    "ikev2_proposal": "ikev2_proposal_cmd",
    "ikev2_policy": "ikev2_policy_cmd",
    "ikev2_keyring": "ikev2_keyring_cmd",
    "ikev2_peer": "ikev2_peer_cmd",
    "ikev2_profile": "ikev2_profile_cmd",
    "ip_vrf": "ip_vrf_cmd",
    "vrf_definition": "vrf_definition_cmd",
    "vrf_af": "vrf_af_cmd",
    "router_eigrp": "eigrp_cmd",
    "eigrp_af": "eigrp_cmd",
    "eigrp_af_interface": "eigrp_af_interface_cmd",
    "eigrp_topology": None,
    "router_bgp": "bgp_cmd",
    "bgp_af": "bgp_cmd",
    "router_ospf": "ospf_cmd",
    "router_rip": None,
    "route_map": "route_map_cmd",
    "line_vty": "line_vty_cmd",
}

_SECRET_WORDS = frozenset(
    {"password", "secret", "key", "pre-shared-key", "authentication", "community", "key-string"}
)


def redact(text: str) -> str:
    """The text of a note with everything after a secret keyword replaced: notes are printed."""
    words = text.split()
    for i, word in enumerate(words):
        if _secret_at(words, i) and i + 1 < len(words):
            return " ".join(words[: i + 1] + ["<redacted>"])
    return text


def _secret_at(words: list[str], i: int) -> bool:
    """Whether words[i] introduces a secret (`tunnel key 5` is a number, not a secret)."""
    return words[i].lower() in _SECRET_WORDS and not (i > 0 and words[i - 1] == "tunnel")


def _has_secret(text: str) -> bool:
    words = text.split()
    return any(_secret_at(words, i) for i in range(len(words)))


def _address(word: str) -> model.IPAddress | None:
    """ip_address(word), or None when it is not one.

    IPv4 starts with a digit and IPv6 has two colons, so a name (`GigabitEthernet0/0`) is
    known without paying for ipaddress's two failed parses; a plain dotted quad takes the
    fast path's integer route.
    """
    if ":" not in word and not word[:1].isdigit():
        return None
    try:
        return ipv4_address(word)
    except ValueError:
        pass
    try:
        return ip_address(word)
    except ValueError:
        return None


# Words after which a line names a route-map or a VRF it uses (`redistribute eigrp 1 route-map
# X`, `ip policy route-map X`, `table-map X`, `ntp server vrf X ...`, `set vrf X`).
_MENTION_KINDS: dict[str, str] = {"route-map": "route-map", "table-map": "route-map", "vrf": "vrf"}
# After `vrf`, words that are not the VRF's name: `ip vrf forwarding X`, `vrf definition X`.
_VRF_NOT_A_NAME = frozenset({"forwarding", "definition", "receive", "select", "upgrade-cli"})


def mentions(text: str) -> Iterator[tuple[str, str]]:
    """The (kind, name) pairs a command line names: `route-map X`, `table-map X`, `vrf X`.

    For lines the model does not otherwise read, so that DMV003 does not call a route-map or
    a VRF unused when such a line uses it (`Device.other_references`).
    """
    words = text.split()
    last = len(words) - 1
    i = 0
    while i < last:
        kind = _MENTION_KINDS.get(words[i])
        if kind is not None:
            name = words[i + 1]
            if kind == "vrf" and name in _VRF_NOT_A_NAME:
                if name != "forwarding" or i + 2 > last:
                    i += 1
                    continue
                name = words[i + 2]
            yield kind, name
        i += 1


def _may_mention(text: str) -> bool:
    """The cheap test before `mentions`: most lines name neither."""
    return "map " in text or "vrf " in text


# The first words of the interface commands the model reads (INTERFACE_HANDLERS, plus the
# abbreviations `commands._expand` knows). In a non-tunnel interface any other line is skipped
# unparsed: it is not DMVPN-relevant, so it is no DMV001 note, and lark never sees it.
PHYSICAL_INTERFACE_READS: tuple[str, ...] = (
    "ip address", "ip add", "ip unnumbered", "ipv6 address", "ip vrf forwarding",
    "vrf forwarding", "ip mtu", "mtu", "ip tcp adjust-mss", "bandwidth", "delay", "keepalive",
    "mpls ip", "sh", "no sh", "description", "desc", "ip nat",
    "ip split-horizon", "no ip split-horizon", "ip next-hop-self", "no ip next-hop-self",
    "ip ospf", "ipv6 ospf", "ip pim", "service-policy", "qos pre-classify", "if-state nhrp",
    "ip nhrp", "ipv6 nhrp", "no ip nhrp", "no ipv6 nhrp", "tunnel", "tun",
)


def physical_reads(text: str) -> bool:
    """Whether a line of a non-tunnel interface is one the model may read."""
    return text.startswith(PHYSICAL_INTERFACE_READS)


# First words of route-map lines accepted without a note: a route-map's `match` and `set`
# clauses are not DMVPN (only `set ip next-hop` is modelled, for the NHRP rules).
_ROUTE_MAP_QUIET = frozenset({"set", "match", "continue", "description"})


def _addr_or_name(word: str) -> model.IPAddress | str:
    address = _address(word)
    return normalize_interface(word) if address is None else address


def _addr_or_text(word: str) -> model.IPAddress | str:
    address = _address(word)
    return word if address is None else address


# --- per-structure builders -------------------------------------------------------------------


@dataclass(slots=True)
class _InterfaceBuilder:
    name: str
    span: Span
    fields: Fields = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    tunnel: Fields = field(default_factory=dict)
    nhrp: Fields = field(default_factory=dict)
    nhrp_lists: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, key: str, value: Any) -> None:
        self.lists.setdefault(key, []).append(value)

    def add_nhrp(self, key: str, value: Any) -> None:
        self.nhrp_lists.setdefault(key, []).append(value)

    def build(self) -> model.Interface:
        tunnel = model.Tunnel(**self.tunnel) if self.tunnel else None
        nhrp = None
        if self.nhrp or self.nhrp_lists:
            nhrp = model.Nhrp(
                **self.nhrp, **{k: tuple(v) for k, v in self.nhrp_lists.items()}
            )
        return model.Interface(
            name=self.name,
            span=self.span,
            tunnel=tunnel,
            nhrp=nhrp,
            **self.fields,
            **{k: tuple(v) for k, v in self.lists.items()},
        )


def _nhs(address: Any, options: tuple[Any, ...], span: Span) -> model.Nhs:
    values: Fields = {"nbma": None, "multicast": False, "priority": None, "cluster": None}
    for option in options:
        tag = option[0]
        if tag == "nhs_nbma":
            values["nbma"] = option[1]
        elif tag == "nhs_multicast":
            values["multicast"] = True
        elif tag == "nhs_priority":
            values["priority"] = option[1]
        elif tag == "nhs_cluster":
            values["cluster"] = option[1]
    return model.Nhs(address=address, span=span, **values)



def _ip_address(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
    value = _at(cmd[1], span)
    if cmd[2]:
        b.add("secondary_addresses", value)
    else:
        b.fields["address"] = value
        b.fields["address_mode"] = _at("static", span)


_InterfaceHandler = Callable[[_InterfaceBuilder, tuple[Any, ...], Span], None]


def _address_mode(mode: str) -> _InterfaceHandler:
    def apply(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
        b.fields["address"] = None
        b.fields["address_mode"] = _at(mode, span)

    return apply


def _eigrp_setting(key: str, enabled: bool) -> _InterfaceHandler:
    def apply(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
        b.add(key, model.EigrpInterfaceSetting(cmd[1], enabled, span))

    return apply


def _set(target: str, key: str, convert: Callable[[Any], Any] | None = None) -> _InterfaceHandler:
    """A handler that sets one located field of the interface, its tunnel or its NHRP."""

    def apply(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
        value = cmd[1] if convert is None else convert(cmd[1])
        getattr(b, target)[key] = _at(value, span)

    return apply


def _flag(target: str, key: str, value: bool) -> _InterfaceHandler:
    def apply(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
        getattr(b, target)[key] = _at(value, span)

    return apply


def _put(target: str, key: str, make: Callable[[tuple[Any, ...], Span], Any]) -> _InterfaceHandler:
    """A handler that sets a field to a model value made from the whole command."""

    def apply(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
        getattr(b, target)[key] = make(cmd, span)

    return apply


def _append(
    target: str, key: str, make: Callable[[tuple[Any, ...], Span], Any]
) -> _InterfaceHandler:
    """A handler that adds a model value to a list field (maps, NHSs, secondary addresses)."""

    def apply(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
        getattr(b, target).setdefault(key, []).append(make(cmd, span))

    return apply


# IOS keeps only this many characters of `ip nhrp authentication` (the wire carries no more).
NHRP_AUTHENTICATION_CHARS = 8


def nhrp_secret(text: str) -> Secret:
    """The NHRP authentication string as IOS compares it: the digest of its first 8
    characters, so two strings that agree there are equal (DMV102), with `length` the full
    length as written, so that DMV209 still sees the truncation."""
    kept = Secret.of(text[:NHRP_AUTHENTICATION_CHARS])
    return Secret(kept.digest, len(text))


def _description(b: _InterfaceBuilder, cmd: tuple[Any, ...], span: Span) -> None:
    b.fields["description"] = cmd[1] or ""


# Every interface command tag and where its value goes: one dict lookup per line.
INTERFACE_HANDLERS: dict[str, _InterfaceHandler] = {
    "ip_address": _ip_address,
    "ip_address_dhcp": _address_mode("dhcp"),
    "ip_address_negotiated": _address_mode("negotiated"),
    "ip_unnumbered": _address_mode("unnumbered"),
    "ipv6_address": _append("lists", "ipv6_addresses", lambda cmd, span: _at(cmd[1], span)),
    "vrf_forwarding": _set("fields", "vrf"),
    "ip_mtu": _set("fields", "ip_mtu"),
    "mtu": _set("fields", "mtu"),
    "tcp_adjust_mss": _set("fields", "tcp_adjust_mss"),
    "bandwidth": _set("fields", "bandwidth"),
    "delay": _set("fields", "delay"),
    "keepalive": _set("fields", "keepalive", lambda v: v or ""),
    "mpls_ip": _flag("fields", "mpls_ip", True),
    "shutdown": _flag("fields", "shutdown", True),
    "no_shutdown": _flag("fields", "shutdown", False),
    "description": _description,
    "ip_nat": _set("fields", "nat"),
    "split_horizon": _eigrp_setting("split_horizon_eigrp", True),
    "no_split_horizon": _eigrp_setting("split_horizon_eigrp", False),
    "next_hop_self": _eigrp_setting("next_hop_self_eigrp", True),
    "no_next_hop_self": _eigrp_setting("next_hop_self_eigrp", False),
    "ospf_network": _set("fields", "ospf_network"),
    "ospf_area": _put("fields", "ospf_area", lambda cmd, span: _at((cmd[1], cmd[2]), span)),
    "ipv6_ospf_area": _put(
        "fields", "ipv6_ospf_area", lambda cmd, span: _at((cmd[1], cmd[2]), span)
    ),
    "pim": _set("fields", "pim"),
    "service_policy": _append(
        "lists", "service_policies", lambda cmd, span: _at(f"{cmd[1]} {cmd[2]}", span)
    ),
    "qos_pre_classify": _flag("fields", "qos_pre_classify", True),
    "if_state_nhrp": _flag("fields", "if_state_nhrp", True),
    "nhrp_network_id": _set("nhrp", "network_id"),
    "nhrp_authentication": _set("nhrp", "authentication", lambda text: nhrp_secret(text)),
    "nhrp_holdtime": _set("nhrp", "holdtime"),
    "nhrp_map": _append("nhrp_lists", "maps", lambda c, s: model.NhrpMap(c[1], c[2], s)),
    "nhrp_map_multicast": _append(
        "nhrp_lists", "multicast_maps", lambda c, s: model.MulticastMap(c[1], s)
    ),
    "nhrp_map_multicast_dynamic": _append(
        "nhrp_lists", "multicast_maps", lambda c, s: model.MulticastMap(None, s)
    ),
    "nhrp_nhs": _append("nhrp_lists", "nhs", lambda c, s: _nhs(c[1], c[2:], s)),
    "nhrp_nhs_dynamic": _append("nhrp_lists", "nhs", lambda c, s: _nhs(None, c[1:], s)),
    "nhrp_redirect": _flag("nhrp", "redirect", True),
    "nhrp_shortcut": _flag("nhrp", "shortcut", True),
    "nhrp_no_shortcut": _flag("nhrp", "shortcut", False),
    "nhrp_registration_timeout": _set("nhrp", "registration_timeout"),
    "nhrp_registration_no_unique": _flag("nhrp", "registration_no_unique", True),
    "nhrp_max_send": _put("nhrp", "max_send", lambda c, s: model.MaxSend(c[1], c[2], s)),
    "nhrp_server_only": _flag("nhrp", "server_only", True),
    "tunnel_source": _set("tunnel", "source", _addr_or_name),
    "tunnel_destination": _set("tunnel", "destination", _addr_or_text),
    "tunnel_mode": _set("tunnel", "mode", str.lower),
    "tunnel_key": _set("tunnel", "key"),
    "tunnel_vrf": _set("tunnel", "vrf"),
    "tunnel_protection": _put(
        "tunnel", "protection", lambda c, s: model.TunnelProtection(c[1], bool(c[2]), s)
    ),
    "tunnel_path_mtu_discovery": _flag("tunnel", "path_mtu_discovery", True),
}


# --- the device builder -----------------------------------------------------------------------


@dataclass(slots=True)
class _Named:
    """A named structure being gathered: its header span, scalar fields and list fields."""

    span: Span
    fields: Fields = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, key: str, value: Any) -> None:
        self.lists.setdefault(key, []).append(value)

    def values(self) -> Fields:
        return {**self.fields, **{k: tuple(v) for k, v in self.lists.items()}}


class DeviceBuilder:
    """Gathers one config's commands, then `build()`s the frozen Device."""

    def __init__(self, file: str, default_name: str, parse: LineParser) -> None:
        self.file = file
        self.default_name = default_name
        self.parse = parse
        self.device: Fields = {}
        self.notes: list[model.ParseNote] = []
        self.other_references: set[tuple[str, str]] = set()
        self.interfaces: dict[str, _InterfaceBuilder] = {}
        self.isakmp_policies: dict[int, _Named] = {}
        self.isakmp_keys: list[model.PresharedKey] = []
        self.crypto: Fields = {}
        self.crypto_map_references: list[L[str]] = []
        self.named: dict[str, dict[str, _Named]] = {
            k: {}
            for k in (
                "keyrings", "isakmp_profiles", "transform_sets", "ipsec_profiles",
                "ikev2_proposals", "ikev2_policies", "ikev2_profiles",
                "vrfs", "route_maps",
            )
        }
        self.eigrp: list[_Named] = []
        self.bgp: _Named | None = None
        self.bgp_neighbors: dict[str, _Named] = {}
        self.bgp_afs: list[tuple[_Named, dict[str, _Named]]] = []
        self.ospf: list[_Named] = []
        self.rip: L[bool] | None = None
        self.static_routes: list[model.StaticRoute] = []
        self.vty_lines: list[model.VtyLine] = []

    # -- plumbing

    def span(self, line: Line) -> Span:
        return _span(self.file, line[0])  # lines may be plain (number, indent, text) tuples

    def note(self, line: Line, context: str, comment: str) -> None:
        text = line[2]
        if _has_secret(text):
            text = redact(text)
            comment = comment.split(", not ", 1)[0].split(": '", 1)[0]
        self.notes.append(model.ParseNote(self.span(line), text, context, comment))

    def commands(
        self, block: Block, start: str | None, context: str
    ) -> Iterator[tuple[Line | Block, tuple[Any, ...]]]:
        """Each child line (or sub-block header) of `block` with its command value.

        Rejected lines become notes here; sub-blocks are yielded with their header's command
        so the caller can descend with the right start symbol.
        """
        if start is None:
            return
        memo = self.parse.memo
        for child in block.children:
            line = child.header if type(child) is Block else child
            text = line[2]
            if "map " in text or "vrf " in text:  # _may_mention, inlined: hot loop
                self.other_references.update(mentions(text))
            result = memo.get((start, text))  # inlined LineParser.__call__: hot loop
            if result is None:
                result = self.parse(start, text)
            if type(result) is Rejected:
                self.note(line, context, result.comment)  # type: ignore[union-attr]
                continue
            if result[0] == "ignored":  # type: ignore[index]
                continue
            yield child, result  # type: ignore[misc]

    # -- blocks

    def add_block(self, block: Block) -> None:
        kind = block.kind
        line = block.header
        try:
            if kind == "global":
                if _may_mention(line.text):  # `ntp server vrf X`, `ip nat ... route-map X`
                    self.other_references.update(mentions(line.text))
                result = self.parse("global_cmd", line.text)
                if isinstance(result, Rejected):
                    self.note(line, "", result.comment)
                elif result[0] != "ignored" and not self.global_command(result, self.span(line)):
                    self.note(line, "", "not valid in global configuration")
                return
            header = self.parse("header_cmd", line.text)
            if isinstance(header, Rejected):
                self.note(line, "", header.comment)
                return
            handler = _BLOCK_HANDLERS.get(kind)
            if handler is not None:
                handler(self, block, header)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            # a value the model refuses: a note on the header, never an exception
            self.note(line, "" if kind == "global" else line.text, f"invalid value: {error}")

    def global_command(self, cmd: tuple[Any, ...], span: Span) -> bool:
        tag = cmd[0]
        if tag == "hostname":
            self.device["hostname"] = _at(cmd[1], span)
        elif tag == "version":
            self.device["version"] = _at(cmd[1], span)
        elif tag == "ip_route":
            _, vrf, prefix, *rest = cmd
            next_hop: model.IPAddress | None = None
            interface: str | None = None
            for i, word in enumerate(rest[:2]):
                value = _addr_or_name(word)
                if not isinstance(value, str):
                    next_hop = value
                    break
                if i == 0 and not word.isdigit():
                    interface = value
                else:
                    break
            self.static_routes.append(
                model.StaticRoute(prefix, span, vrf, next_hop, interface)
            )
        elif tag == "isakmp_key_address":
            _, key, address, mask, _noxauth = cmd
            self.isakmp_keys.append(model.PresharedKey(Secret.of(key), address, mask, span))
        elif tag == "isakmp_key_hostname":
            _, key, host, _noxauth = cmd
            self.isakmp_keys.append(model.PresharedKey(Secret.of(key), None, None, span, host))
        elif tag == "no_isakmp_default_policy":
            self.crypto["isakmp_default_policy_disabled"] = _at(True, span)
        elif tag == "isakmp_nat_keepalive":
            self.crypto["isakmp_nat_keepalive"] = _at(cmd[1], span)
        elif tag == "mls_mpls_tunnel_recir":
            self.device["mls_mpls_tunnel_recir"] = _at(True, span)
        elif tag == "logging_dmvpn":
            self.device["logging_dmvpn"] = _at(True, span)
        else:
            return False
        return True

    def block_interface(self, block: Block, header: tuple[Any, ...]) -> None:
        raw = header[1] if header[2] is None else header[1] + header[2]
        if header[2] is not None and not header[2][:1].isdigit():
            raw = header[1]  # `interface Gi0/0.1 point-to-point`
        name = normalize_interface(raw)
        builder = self.interfaces.get(name)
        if builder is None:
            builder = _InterfaceBuilder(name, self.span(block.header))
            self.interfaces[name] = builder
        context = f"interface {name}"
        file = self.file
        memo = self.parse.memo
        physical = not name.startswith("Tunnel")
        # self.commands() written out: interfaces hold a third of a fleet's lines
        for child in block.children:
            line = child.header if type(child) is Block else child
            text = line[2]  # type: ignore[index]
            if physical and not text.startswith(PHYSICAL_INTERFACE_READS):
                if "map " in text or "vrf " in text:  # `ip policy route-map X`
                    self.other_references.update(mentions(text))
                continue
            cmd = memo.get(("interface_cmd", text))
            if cmd is None:
                cmd = self.parse("interface_cmd", text)
            if type(cmd) is Rejected:
                self.note(line, context, cmd.comment)  # type: ignore[arg-type, union-attr]
                if _may_mention(text):
                    self.other_references.update(mentions(text))
                continue
            tag = cmd[0]  # type: ignore[index]
            if tag == "ignored":
                if _may_mention(text):  # `ip policy route-map X`
                    self.other_references.update(mentions(text))
                continue
            handler = INTERFACE_HANDLERS.get(tag)
            if handler is None:
                self.note(line, context, "not valid in an interface")  # type: ignore[arg-type]
                continue
            try:
                handler(builder, cmd, _span(file, line[0]))  # type: ignore[arg-type, index]
            except (ValueError, TypeError) as error:
                self.note(line, context, f"invalid value: {error}")  # type: ignore[arg-type]

    def _named(self, group: str, name: str, span: Span) -> _Named:
        found = self.named[group].get(name)
        if found is None:
            found = _Named(span)
            self.named[group][name] = found
        return found

    def block_isakmp_policy(self, block: Block, header: tuple[Any, ...]) -> None:
        policy = self.isakmp_policies.get(header[1])
        if policy is None:
            policy = self.isakmp_policies[header[1]] = _Named(self.span(block.header))
        fields = {
            "isakmp_hash": "hash",
            "isakmp_authentication": "authentication",
            "isakmp_group": "group",
            "isakmp_lifetime": "lifetime",
        }
        for child, cmd in self.commands(block, "isakmp_policy_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            if cmd[0] == "isakmp_encryption":
                text = cmd[1] if cmd[2] is None else f"{cmd[1]} {cmd[2]}"
                policy.fields["encryption"] = _at(text, span)
            else:
                policy.fields[fields[cmd[0]]] = _at(cmd[1], span)

    def block_isakmp_profile(self, block: Block, header: tuple[Any, ...]) -> None:
        profile = self._named("isakmp_profiles", header[1], self.span(block.header))
        for child, cmd in self.commands(block, "isakmp_profile_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            if cmd[0] == "isakmp_profile_keyring":
                profile.add("keyrings", _at(cmd[1], span))
            elif cmd[0] == "isakmp_profile_match":
                profile.add("match_identities", _at(cmd[1], span))
            elif cmd[0] == "isakmp_profile_vrf":
                profile.fields["vrf"] = _at(cmd[1], span)

    def block_keyring(self, block: Block, header: tuple[Any, ...]) -> None:
        keyring = self._named("keyrings", header[1], self.span(block.header))
        keyring.fields.setdefault("kind", "isakmp")
        if header[2] is not None:
            keyring.fields["vrf"] = header[2]
        for child, cmd in self.commands(block, "keyring_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            if cmd[0] == "keyring_psk_address":
                _, address, mask, key = cmd
                keyring.add("keys", model.PresharedKey(Secret.of(key), address, mask, span))
            elif cmd[0] == "keyring_psk_hostname":
                _, host, key = cmd
                keyring.add("keys", model.PresharedKey(Secret.of(key), None, None, span, host))

    def block_transform_set(self, block: Block, header: tuple[Any, ...]) -> None:
        ts = self._named("transform_sets", header[1], self.span(block.header))
        ts.fields["transforms"] = tuple(t.lower() for t in header[2:])
        for child, cmd in self.commands(block, "transform_set_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            ts.fields["mode"] = _at(cmd[1], span)
            ts.fields["mode_require"] = _at(True, span) if cmd[2] else None

    def block_ipsec_profile(self, block: Block, header: tuple[Any, ...]) -> None:
        profile = self._named("ipsec_profiles", header[1], self.span(block.header))
        fields = {
            "ipsec_pfs": "pfs",
            "ipsec_lifetime_seconds": "lifetime_seconds",
            "ipsec_lifetime_kilobytes": "lifetime_kilobytes",
            "ipsec_identity": "identity",
            "ipsec_ikev2_profile": "ikev2_profile",
            "ipsec_isakmp_profile": "isakmp_profile",
        }
        for child, cmd in self.commands(block, "ipsec_profile_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            if cmd[0] == "ipsec_transform_sets":
                profile.lists["transform_sets"] = [_at(name, span) for name in cmd[1:]]
            elif cmd[0] == "ipsec_pfs":
                profile.fields["pfs"] = _at(cmd[1] or "group1", span)
            else:
                profile.fields[fields[cmd[0]]] = _at(cmd[1], span)

    def block_crypto_map(self, block: Block, header: tuple[Any, ...]) -> None:
        """A `crypto map NAME N ...` entry: only the names it uses are kept (DMV003)."""
        for child, cmd in self.commands(block, "crypto_map_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            self.crypto_map_references.extend(_at(name, span) for name in cmd[1:])

    def block_ikev2_proposal(self, block: Block, header: tuple[Any, ...]) -> None:
        proposal = self._named("ikev2_proposals", header[1], self.span(block.header))
        for child, cmd in self.commands(block, "ikev2_proposal_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            key = cmd[0].removeprefix("ikev2_")
            proposal.lists[key] = [_at(v, span) for v in cmd[1:]]

    def block_ikev2_policy(self, block: Block, header: tuple[Any, ...]) -> None:
        policy = self._named("ikev2_policies", header[1], self.span(block.header))
        for child, cmd in self.commands(block, "ikev2_policy_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            if cmd[0] == "ikev2_policy_proposal":
                policy.add("proposals", _at(cmd[1], span))
            elif cmd[0] == "ikev2_policy_match_fvrf":
                policy.fields["match_fvrf"] = _at(cmd[1], span)
            else:
                policy.add("match_addresses", _at(cmd[1], span))

    def block_ikev2_keyring(self, block: Block, header: tuple[Any, ...]) -> None:
        keyring = self._named("keyrings", header[1], self.span(block.header))
        keyring.fields["kind"] = "ikev2"
        for child, cmd in self.commands(block, "ikev2_keyring_cmd", block.header.text):
            if not isinstance(child, Block):
                continue  # `peer X` written on a line of its own with nothing below it
            context = f"{block.header.text} / {child.header.text}"
            address: Any = None
            mask: Any = None
            secrets: list[tuple[Secret, Span, str]] = []
            for line, peer_cmd in self.commands(child, "ikev2_peer_cmd", context):
                span = self.span(line)  # type: ignore[arg-type]
                if peer_cmd[0] == "ikev2_peer_address":
                    address, mask = peer_cmd[1], peer_cmd[2]
                elif peer_cmd[0] == "ikev2_peer_address6":
                    address, mask = peer_cmd[1], None
                else:
                    direction = _PSK_DIRECTIONS[peer_cmd[0]]
                    secrets.append((Secret.of(peer_cmd[1]), span, direction))
            for secret, span, direction in secrets:
                keyring.add(
                    "keys",
                    model.PresharedKey(secret, address, mask, span, direction=direction),  # type: ignore[arg-type]
                )

    def block_ikev2_profile(self, block: Block, header: tuple[Any, ...]) -> None:
        profile = self._named("ikev2_profiles", header[1], self.span(block.header))
        for child, cmd in self.commands(block, "ikev2_profile_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            tag = cmd[0]
            if tag == "ikev2_profile_match_identity":
                profile.add("match_identities", _at(cmd[1], span))
            elif tag == "ikev2_profile_match_fvrf":
                profile.fields["match_fvrf"] = _at(cmd[1], span)
            elif tag == "ikev2_profile_auth_local":
                profile.add("authentication_local", _at(cmd[1], span))
            elif tag == "ikev2_profile_auth_remote":
                profile.add("authentication_remote", _at(cmd[1], span))
            elif tag == "ikev2_profile_keyring_local":
                profile.fields["keyring_local"] = _at(cmd[1], span)
            elif tag == "ikev2_profile_keyring":
                profile.fields["keyring"] = _at(cmd[1], span)

    def _vrf_command(self, vrf: _Named, cmd: tuple[Any, ...], span: Span) -> None:
        tag = cmd[0]
        if tag == "vrf_rd":
            vrf.fields["rd"] = _at(cmd[1], span)
        if tag in ("vrf_rt_import", "vrf_rt_both"):
            vrf.add("route_targets_import", _at(cmd[1], span))
        if tag in ("vrf_rt_export", "vrf_rt_both"):
            vrf.add("route_targets_export", _at(cmd[1], span))

    def block_ip_vrf(self, block: Block, header: tuple[Any, ...]) -> None:
        vrf = self._named("vrfs", header[1], self.span(block.header))
        vrf.fields["style"] = "ip vrf"
        for child, cmd in self.commands(block, "ip_vrf_cmd", block.header.text):
            self._vrf_command(vrf, cmd, self.span(child))  # type: ignore[arg-type]

    def block_vrf_definition(self, block: Block, header: tuple[Any, ...]) -> None:
        vrf = self._named("vrfs", header[1], self.span(block.header))
        vrf.fields["style"] = "vrf definition"
        for child, cmd in self.commands(block, "vrf_definition_cmd", block.header.text):
            if isinstance(child, Block):
                context = f"{block.header.text} / {child.header.text}"
                for line, af_cmd in self.commands(child, "vrf_af_cmd", context):
                    self._vrf_command(vrf, af_cmd, self.span(line))  # type: ignore[arg-type]
            else:
                self._vrf_command(vrf, cmd, self.span(child))

    def block_router_eigrp(self, block: Block, header: tuple[Any, ...]) -> None:
        span = self.span(block.header)
        word = header[1]
        named = not word.isdigit()
        process = _Named(span, {"asn": None if named else int(word)})
        if named:
            process.fields["name"] = word
        else:
            self.eigrp.append(process)
        vrf_networks: dict[str, list[model.NetworkStatement]] = {}
        for child, cmd in self.commands(block, "eigrp_cmd", block.header.text):
            if isinstance(child, Block):
                if cmd[0] != "eigrp_address_family":
                    continue
                _, _unicast, vrf, asn = cmd
                context = f"{block.header.text} / {child.header.text}"
                target = process
                networks = vrf_networks
                if named:
                    # named mode: one process per address family, with its own VRF networks
                    target = _Named(self.span(child.header), {"asn": asn, "name": word})
                    self.eigrp.append(target)
                    networks = {}
                self._eigrp_af(child, target, vrf, networks, context, named)
                if named and networks:
                    target.fields["vrf_networks"] = {k: tuple(v) for k, v in networks.items()}
            else:
                self._eigrp_command(process, cmd, self.span(child))
        if named and not any(p.fields.get("name") == word for p in self.eigrp):
            self.eigrp.append(process)
        if vrf_networks:
            process.fields["vrf_networks"] = {k: tuple(v) for k, v in vrf_networks.items()}

    def _eigrp_af(
        self,
        block: Block,
        process: _Named,
        vrf: str | None,
        vrf_networks: dict[str, list[model.NetworkStatement]],
        context: str,
        named: bool,
    ) -> None:
        for child, cmd in self.commands(block, "eigrp_cmd", context):
            if isinstance(child, Block):
                if cmd[0] == "eigrp_af_interface":
                    self._af_interface(process, child, cmd[1], f"{context} / {child.header.text}")
                continue
            span = self.span(child)
            if cmd[0] == "eigrp_network" and vrf is not None:
                wildcard = cmd[2]
                vrf_networks.setdefault(vrf, []).append(
                    model.NetworkStatement(cmd[1], wildcard, span)
                )
            elif cmd[0] == "eigrp_autonomous_system" and named:
                process.fields["asn"] = cmd[1]
            else:
                self._eigrp_command(process, cmd, span)

    def _af_interface(self, process: _Named, block: Block, name: str, context: str) -> None:
        fields: Fields = {}
        for line, cmd in self.commands(block, "eigrp_af_interface_cmd", context):
            span = self.span(line)  # type: ignore[arg-type]
            tag = cmd[0]
            key = "split_horizon" if "split_horizon" in tag else "next_hop_self"
            fields[key] = _at(not tag.startswith("afi_no_"), span)
        interface = name if name == "default" else normalize_interface(name)
        process.add(
            "af_interfaces",
            model.EigrpAfInterface(interface, self.span(block.header), **fields),
        )

    def _eigrp_command(self, process: _Named, cmd: tuple[Any, ...], span: Span) -> None:
        tag = cmd[0]
        if tag == "eigrp_network":
            process.add("networks", model.NetworkStatement(cmd[1], cmd[2], span))
        elif tag == "eigrp_stub":
            process.fields["stub"] = _at(cmd[1] or "", span)
        elif tag == "eigrp_passive_interface":
            name = cmd[1] if cmd[1] == "default" else normalize_interface(cmd[1])
            process.add("passive_interfaces", _at(name, span))
        elif tag == "eigrp_autonomous_system" and process.fields.get("asn") is None:
            process.fields["asn"] = cmd[1]

    def block_router_bgp(self, block: Block, header: tuple[Any, ...]) -> None:
        if self.bgp is None:
            self.bgp = _Named(self.span(block.header), {"asn": header[1]})
        default_af: tuple[_Named, dict[str, _Named]] | None = None
        for child, cmd in self.commands(block, "bgp_cmd", block.header.text):
            if isinstance(child, Block):
                if cmd[0] != "bgp_address_family":
                    continue
                _, afi, _safi, vrf = cmd
                af = (_Named(self.span(child.header), {"afi": afi.lower(), "vrf": vrf}), {})
                self.bgp_afs.append(af)
                context = f"{block.header.text} / {child.header.text}"
                for line, af_cmd in self.commands(child, "bgp_cmd", context):
                    self._bgp_af_command(af, af_cmd, self.span(line))  # type: ignore[arg-type]
                continue
            span = self.span(child)
            if not self._bgp_command(cmd, span):
                if default_af is None:
                    default_af = (_Named(self.span(block.header), {"afi": "ipv4"}), {})
                    self.bgp_afs.append(default_af)
                self._bgp_af_command(default_af, cmd, span)

    def _neighbor(self, key: str, span: Span) -> _Named:
        found = self.bgp_neighbors.get(key)
        if found is None:
            found = self.bgp_neighbors[key] = _Named(span, {"address": _addr_or_text(key)})
        return found

    def _bgp_command(self, cmd: tuple[Any, ...], span: Span) -> bool:
        tag = cmd[0]
        assert self.bgp is not None
        if tag == "bgp_router_id":
            self.bgp.fields["router_id"] = _at(cmd[1], span)
        elif tag == "bgp_remote_as":
            self._neighbor(cmd[1], span).fields["remote_as"] = _at(cmd[2], span)
        elif tag == "bgp_update_source":
            self._neighbor(cmd[1], span).fields["update_source"] = _at(
                normalize_interface(cmd[2]), span
            )
        elif tag == "bgp_peer_group":
            neighbor = self._neighbor(cmd[1], span)
            if cmd[2] is not None:
                neighbor.fields["peer_group"] = _at(cmd[2], span)
        else:
            return False
        return True

    def _bgp_af_command(
        self, af: tuple[_Named, dict[str, _Named]], cmd: tuple[Any, ...], span: Span
    ) -> None:
        family, neighbors = af
        tag = cmd[0]
        if family.fields.get("vrf") is not None and tag in _BGP_VRF_NEIGHBOR_FIELDS:
            # a VRF neighbor lives in its address family only, never among the global ones
            neighbor = neighbors.get(cmd[1])
            if neighbor is None:
                neighbor = neighbors[cmd[1]] = _Named(span, {"address": _addr_or_text(cmd[1])})
            value = cmd[2]
            if tag == "bgp_update_source":
                value = normalize_interface(value)
            if value is not None:
                neighbor.fields[_BGP_VRF_NEIGHBOR_FIELDS[tag]] = _at(value, span)
            return
        if tag == "bgp_redistribute":
            family.add("redistribute", _at(cmd[1], span))
            return
        if tag == "bgp_network":
            _, address, mask, _kw, _map = cmd
            text = str(IPv4Network(f"{address}/{mask}", strict=False)) if mask else str(address)
            family.add("networks", _at(text, span))
            return
        if self._bgp_command(cmd, span):
            return
        neighbor = neighbors.get(cmd[1])
        if neighbor is None:
            neighbor = neighbors[cmd[1]] = _Named(span, {"address": _addr_or_text(cmd[1])})
        if tag == "bgp_activate":
            neighbor.fields["activate"] = _at(True, span)
        elif tag == "bgp_send_community":
            neighbor.fields["send_community"] = _at(cmd[2] or "standard", span)
        elif tag == "bgp_route_reflector_client":
            neighbor.fields["route_reflector_client"] = _at(True, span)
        elif tag == "bgp_route_map":
            neighbor.add("route_maps", _at((cmd[2], cmd[3]), span))

    def block_router_ospf(self, block: Block, header: tuple[Any, ...]) -> None:
        process = _Named(self.span(block.header), {"pid": header[1], "vrf": header[2]})
        self.ospf.append(process)
        for child, cmd in self.commands(block, "ospf_cmd", block.header.text):
            _, address, wildcard, area = cmd
            span = self.span(child)  # type: ignore[arg-type]
            process.add("networks", model.NetworkStatement(address, wildcard, span, area))

    def block_router_rip(self, block: Block, header: tuple[Any, ...]) -> None:
        self.rip = _at(True, self.span(block.header))

    def block_route_map(self, block: Block, header: tuple[Any, ...]) -> None:
        _, name, action, seq = header
        route_map = self._named("route_maps", name, self.span(block.header))
        hops: list[L[Any]] = []
        for child in block.children:
            text = child.header.text if type(child) is Block else child[2]  # type: ignore[union-attr, index]
            if "map " in text or "vrf " in text:  # `set vrf X`, `match ... route-map X`
                self.other_references.update(mentions(text))
            cmd = self.parse("route_map_cmd", text)
            if type(cmd) is Rejected:
                if text.split(None, 1)[0] not in _ROUTE_MAP_QUIET:
                    self.note(child.header if type(child) is Block else child,  # type: ignore[arg-type, union-attr]
                              block.header.text, cmd.comment)  # type: ignore[union-attr]
                continue
            if cmd[0] == "route_map_set_next_hop":  # type: ignore[index]
                hops.extend(_at(a, self.span(child)) for a in cmd[1:])  # type: ignore[arg-type, index]
        route_map.add(
            "entries",
            model.RouteMapEntry(
                action or "permit", 10 if seq is None else seq, self.span(block.header),
                tuple(hops),
            ),
        )

    def block_line_vty(self, block: Block, header: tuple[Any, ...]) -> None:
        _, first, last = header
        fields: Fields = {}
        for child, cmd in self.commands(block, "line_vty_cmd", block.header.text):
            span = self.span(child)  # type: ignore[arg-type]
            if cmd[0] == "vty_login":
                fields["login"] = _at(True, span)
            elif cmd[0] == "vty_no_login":
                fields["login"] = _at(False, span)
            elif cmd[0] == "vty_transport_input":
                fields["transport_input"] = _at(cmd[1], span)
        self.vty_lines.append(
            model.VtyLine(first, first if last is None else last, self.span(block.header), **fields)
        )

    # -- the frozen result

    def build(self, line_count: int) -> model.Device:
        named = self.named
        crypto = model.Crypto(
            isakmp_policies=tuple(
                model.IsakmpPolicy(priority, p.span, **p.values())
                for priority, p in sorted(self.isakmp_policies.items())
            ),
            isakmp_keys=tuple(self.isakmp_keys),
            keyrings={
                n: model.Keyring(n, span=k.span, **k.values())
                for n, k in named["keyrings"].items()
            },
            isakmp_profiles={
                n: model.IsakmpProfile(n, p.span, **p.values())
                for n, p in named["isakmp_profiles"].items()
            },
            transform_sets={
                n: model.TransformSet(n, span=t.span, **t.values())
                for n, t in named["transform_sets"].items()
            },
            ipsec_profiles={
                n: model.IpsecProfile(n, p.span, **p.values())
                for n, p in named["ipsec_profiles"].items()
            },
            ikev2_proposals={
                n: model.Ikev2Proposal(n, p.span, **p.values())
                for n, p in named["ikev2_proposals"].items()
            },
            ikev2_policies={
                n: model.Ikev2Policy(n, p.span, **p.values())
                for n, p in named["ikev2_policies"].items()
            },
            ikev2_profiles={
                n: model.Ikev2Profile(n, p.span, **p.values())
                for n, p in named["ikev2_profiles"].items()
            },
            crypto_map_references=tuple(self.crypto_map_references),
            **self.crypto,
        )
        bgp = None
        if self.bgp is not None:
            bgp = model.BgpProcess(
                span=self.bgp.span,
                neighbors={
                    k: model.BgpNeighbor(span=n.span, **n.values())
                    for k, n in self.bgp_neighbors.items()
                },
                address_families=tuple(
                    model.BgpAddressFamily(
                        span=af.span,
                        neighbors={
                            k: model.BgpAfNeighbor(span=n.span, **n.values())
                            for k, n in neighbors.items()
                        },
                        **af.values(),
                    )
                    for af, neighbors in self.bgp_afs
                ),
                **self.bgp.values(),
            )
        routing = model.Routing(
            eigrp=tuple(model.EigrpProcess(span=p.span, **p.values()) for p in self.eigrp),
            bgp=bgp,
            ospf=tuple(model.OspfProcess(span=p.span, **p.values()) for p in self.ospf),
            rip=self.rip,
            static_routes=tuple(self.static_routes),
        )
        hostname = self.device.get("hostname")
        return model.Device(
            name=hostname.value if hostname else self.default_name,
            file=self.file,
            interfaces={name: b.build() for name, b in self.interfaces.items()},
            crypto=crypto,
            vrfs={n: model.Vrf(n, v.span, **v.values()) for n, v in named["vrfs"].items()},
            routing=routing,
            route_maps={
                n: model.RouteMap(n, r.span, **r.values()) for n, r in named["route_maps"].items()
            },
            vty_lines=tuple(self.vty_lines),
            notes=tuple(self.notes),
            other_references=frozenset(self.other_references),
            line_count=line_count,
            **self.device,
        )


# IKEv2 peer `pre-shared-key [local|remote] K` forms and the key's direction.
_PSK_DIRECTIONS: dict[str, str] = {
    "ikev2_peer_psk": "both",
    "ikev2_peer_psk_local": "local",
    "ikev2_peer_psk_remote": "remote",
}

# Neighbor commands that, inside `address-family ipv4 vrf X`, set the AF neighbor's own field.
_BGP_VRF_NEIGHBOR_FIELDS: dict[str, str] = {
    "bgp_remote_as": "remote_as",
    "bgp_update_source": "update_source",
    "bgp_peer_group": "peer_group",
}


_BLOCK_HANDLERS: dict[str, Callable[[DeviceBuilder, Block, tuple[Any, ...]], None]] = {
    name.removeprefix("block_"): function
    for name, function in vars(DeviceBuilder).items()
    if name.startswith("block_")
}


def device_from_split(
    split: SplitConfig, file: str, default_name: str, parse: LineParser
) -> model.Device:
    """Fold an already split config into a Device."""
    builder = DeviceBuilder(file, default_name, parse)
    for block in split.blocks:
        builder.add_block(block)
    return builder.build(split.line_count)


def build_device(
    text: str, file: str, default_name: str, parse: LineParser | None = None
) -> model.Device:
    """Split, parse and fold one config into a Device (`parse` shares a memo across files)."""
    return device_from_split(split_config(text), file, default_name, parse or LineParser())


def prime(split: SplitConfig, parse: LineParser) -> None:
    """Parse every relevant line of a split config into `parse`'s memo, building nothing.

    Worker processes run this over their share of a big fleet and send back only the memo
    (small, location-free values): pickling whole Devices back costs more than it saves.
    """
    for block in split.blocks:
        if block.kind == "global":
            parse("global_cmd", block.header.text)
            continue
        header = parse("header_cmd", block.header.text)
        if block.kind == "interface" and not _tunnel_header(header):
            for child in block.children:
                text = child.header.text if type(child) is Block else child[2]  # type: ignore[union-attr, index]
                if text.startswith(PHYSICAL_INTERFACE_READS):
                    parse("interface_cmd", text)
            continue
        _prime_children(block, CHILD_START.get(block.kind), parse)


def _tunnel_header(header: Any) -> bool:
    """Whether an `interface` header's command names a tunnel (as `block_interface` reads it)."""
    if type(header) is Rejected:
        return True  # nothing is skipped for a header we cannot read
    number = header[2]
    raw = header[1] if number is None or not number[:1].isdigit() else header[1] + number
    return normalize_interface(raw).startswith("Tunnel")


def _prime_children(block: Block, start: str | None, parse: LineParser) -> None:
    if start is None:
        return
    for child in block.children:
        if type(child) is Block:
            parse(start, child.header.text)
            _prime_children(child, CHILD_START.get(child.kind), parse)
        else:
            parse(start, child[2])  # type: ignore[index]
