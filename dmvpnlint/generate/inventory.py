"""Load an inventory for `generate`: the lint inventory plus `clouds:` and per-device network facts.

The lint loader (`frontend/inventory.py`) keeps `clouds:` raw and knows only the facts `lint`
needs; `generate` needs every value of the network it is asked to build. This module reuses
that loader's YAML node reader (so duplicate keys, merge keys, bad YAML and bad releases give the
same `file:line: message` errors) and adds the generation keys on top of it. Nothing here raises
anything but `InventoryError`.

Checks that belong to the request itself are made here, at the line the user must change: a
device in a cloud that does not exist, a hub whose NBMA address comes from DHCP (spokes could not
map it), a Phase 1 cloud with two hubs (a point-to-point spoke tunnel reaches one), two clouds
on one WAN interface without tunnel keys (DMV114). Questions of allocation (do the pinned
addresses collide, does the subnet hold everyone) are the solver's (`allocate.py`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from ipaddress import AddressValueError, IPv4Address, IPv4Interface, IPv4Network, NetmaskValueError
from typing import Any, Literal, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dmvpnlint.frontend.inventory import (
    DEFAULT_KEYS,
    InventoryError,
    _is_null,
    _kind,
    _read_text,
    _reader_error,
    _Reader,
)
from dmvpnlint.frontend.names import normalize_interface
from dmvpnlint.generate.spec import (
    NO_KEY,
    CloudSpec,
    DeviceSpec,
    GenerationInventory,
    Ike,
    Lan,
    Membership,
    Routing,
    SecretRef,
    Wan,
)
from dmvpnlint.model import InventoryFacts

TOP_LEVEL_KEYS = ("defaults", "devices", "clouds")
CLOUD_KEYS = (
    "subnet", "interface", "phase", "holdtime", "network_id", "tunnel_key",
    "nhrp_authentication", "routing", "ike", "psk", "transform", "mode", "pfs", "ip_mtu",
    "bandwidth", "delay", "vrf", "rd",
)
DEVICE_KEYS = ("config", "role", "platform", "supervisor", "ios", "nat", "wan", "lans", "clouds")
WAN_KEYS = ("interface", "address", "gateway")
LAN_KEYS = ("interface", "address", "vrf")
MEMBERSHIP_KEYS = ("tunnel_address", "wan")
ROUTING_KEYS = ("protocol", "as")
IKE_KEYS = ("version", "encryption", "integrity", "group")

# The guide's recommended values (hub and spoke steps 5, 13, 15/17, 16/18) and today's strong
# crypto: what a cloud gets when the inventory says nothing.
DEFAULT_HOLDTIME = 300
DEFAULT_IP_MTU = 1400
DEFAULT_BANDWIDTH = 1000
DEFAULT_DELAY = 1000
DEFAULT_TRANSFORM = "esp-aes 256 esp-sha256-hmac"
DEFAULT_IKE = {1: ("aes 256", "sha256"), 2: ("aes-cbc-256", "sha256")}
DEFAULT_GROUP = 14
MAX_U32 = 4294967295

# libyaml's loader when PyYAML has it: a 500-device inventory composes 10x faster, with the same
# node marks (lines) as the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENV = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


def load_generation_inventory(path: str) -> GenerationInventory:
    """Read and validate the generation inventory at `path` (spans use `path` as given)."""
    text = _read_text(path)
    # PyYAML's own reader locates a control character (the lint reader's message needs its
    # buffer); libyaml would only say that the stream is bad.
    fast = yaml.reader.Reader.NON_PRINTABLE.search(text) is None
    try:
        loader = (_LOADER if fast else yaml.SafeLoader)(text)
    except yaml.reader.ReaderError as e:
        raise _reader_error(path, text, e) from None
    try:
        return _GenerationReader(path, loader).generation_inventory()
    except RecursionError:
        raise InventoryError(path, 1, "YAML nesting too deep") from None
    finally:
        loader.dispose()


class _GenerationReader(_Reader):
    """The lint reader's node helpers, plus the generation keys."""

    def generation_inventory(self) -> GenerationInventory:
        root = self.compose()
        if root is None or _is_null(root):
            raise self.error(1, "empty inventory (expected a mapping with 'clouds:' and 'devices:')")
        top = self.pairs(root, "the inventory")
        for text, key, _ in top:
            if text not in TOP_LEVEL_KEYS:
                raise self.error(
                    key, f"unknown top-level key '{text}' (known: {', '.join(TOP_LEVEL_KEYS)})"
                )
        sections = {text: (key, value) for text, key, value in top}
        for required in ("clouds", "devices"):
            if required not in sections or _is_null(sections[required][1]):
                raise self.error(1, f"missing '{required}:' (generate needs clouds and devices)")
        clouds: dict[str, CloudSpec] = {}
        for index, (name, key, value) in enumerate(self.pairs(sections["clouds"][1], "clouds")):
            clouds[name] = self.cloud(self.name_of(key, "cloud"), key, value, index)
        defaults = self.defaults(sections["defaults"][1] if "defaults" in sections else None)
        devices: dict[str, DeviceSpec] = {}
        for _, key, value in self.pairs(sections["devices"][1], "devices"):
            name = self.device_name(key)
            devices[name] = self.generation_device(name, key, value, defaults, clouds)
        inventory = GenerationInventory(self.path, clouds, devices)
        self.check_clouds(inventory)
        return inventory

    # --- helpers ------------------------------------------------------------------------

    def name_of(self, key: Node, what: str) -> str:
        value = str(key.value).strip() if isinstance(key, ScalarNode) else ""
        if not _NAME.match(value):
            raise self.error(key, f"bad {what} name '{value}' (letters, digits, _ . : -)")
        return value

    def integer(self, node: Node, what: str, where: str, low: int, high: int) -> int:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:int":
            raise self.error(node, f"expected an integer for {what} of {where}, got {_kind(node)}")
        value = int(self.loader.construct_object(node))
        if not low <= value <= high:
            raise self.error(node, f"{what} {value} of {where} is outside {low}-{high}")
        return value

    def required_text(self, node: Node, what: str, where: str) -> str:
        value = self.text(node, what, where)
        if value is None:
            raise self.error(node, f"empty value for {what} of {where}")
        return value

    def secret(self, node: Node, what: str, where: str) -> SecretRef:
        value = self.required_text(node, what, where)
        match = _ENV.match(value)
        if not match:
            # Never echo the value: it may be the secret itself.
            raise self.error(
                node,
                f"{what} of {where} must name an environment variable, as in "
                f"'{what}: env:DMVPN_PSK' (secrets are never written in the inventory)",
            )
        return SecretRef(match.group(1), self.span(node))

    def interface_name(self, node: Node, what: str, where: str) -> str:
        return normalize_interface(self.required_text(node, what, where))

    def network(self, node: Node, what: str, where: str) -> IPv4Network:
        value = self.required_text(node, what, where)
        try:
            return IPv4Network(value)
        except (AddressValueError, NetmaskValueError, ValueError):
            raise self.error(
                node, f"bad subnet '{value}' for {what} of {where} (expected e.g. 10.0.0.0/24)"
            ) from None

    def interface_address(self, node: Node, what: str, where: str) -> IPv4Interface:
        value = self.required_text(node, what, where)
        try:
            if "/" not in value:
                raise ValueError
            return IPv4Interface(value)
        except (AddressValueError, NetmaskValueError, ValueError):
            raise self.error(
                node, f"bad address '{value}' for {what} of {where} (expected e.g. 192.0.2.1/24)"
            ) from None

    def address(self, node: Node, what: str, where: str) -> IPv4Address:
        value = self.required_text(node, what, where)
        try:
            return IPv4Address(value)
        except AddressValueError:
            raise self.error(node, f"bad address '{value}' for {what} of {where}") from None

    def known(self, items: list[tuple[str, Node, Node]], keys: tuple[str, ...], where: str) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for text, key, value in items:
            if text not in keys:
                raise self.error(key, f"unknown key '{text}' in {where} (known: {', '.join(keys)})")
            found[text] = value
        return found

    # --- clouds -------------------------------------------------------------------------

    def cloud(self, name: str, key: Node, node: Node, index: int) -> CloudSpec:
        where = f"cloud '{name}'"
        found = self.known(self.pairs(node, where), CLOUD_KEYS, where)
        for required in ("subnet", "psk"):
            if required not in found or _is_null(found[required]):
                raise self.error(key, f"missing key '{required}' in {where}")
        subnet = self.network(found["subnet"], "subnet", where)
        if subnet.prefixlen > 30:
            raise self.error(
                found["subnet"], f"subnet {subnet} of {where} holds no two tunnel addresses"
            )

        def get(field: str) -> Node | None:
            value = found.get(field)
            return None if value is None or _is_null(value) else value

        interface = f"Tunnel{index}"
        if (n := get("interface")) is not None:
            interface = self.interface_name(n, "interface", where)
            if not interface.startswith("Tunnel"):
                raise self.error(n, f"interface {interface} of {where} is not a tunnel interface")
        phase = 2
        if (n := get("phase")) is not None:
            phase = self.integer(n, "phase", where, 1, 3)
        holdtime = DEFAULT_HOLDTIME
        if (n := get("holdtime")) is not None:
            holdtime = self.integer(n, "holdtime", where, 1, 65535)
        network_id = None
        if (n := get("network_id")) is not None:
            network_id = self.integer(n, "network_id", where, 1, MAX_U32)
        tunnel_key = None
        if (n := get("tunnel_key")) is not None:
            if isinstance(n, ScalarNode) and n.tag == "tag:yaml.org,2002:str" and n.value == "none":
                tunnel_key = NO_KEY
            else:
                tunnel_key = self.integer(n, "tunnel_key", where, 0, MAX_U32)
        authentication = None
        if (n := get("nhrp_authentication")) is not None:
            authentication = self.secret(n, "nhrp_authentication", where)
        mode: Literal["transport", "tunnel"] = "transport"
        if (n := get("mode")) is not None:
            mode = cast(Literal["transport", "tunnel"],
                        self.choice(n, "mode", where, ("transport", "tunnel")))
        ip_mtu = DEFAULT_IP_MTU
        if (n := get("ip_mtu")) is not None:
            ip_mtu = self.integer(n, "ip_mtu", where, 576, 9976)
        bandwidth = DEFAULT_BANDWIDTH
        if (n := get("bandwidth")) is not None:
            bandwidth = self.integer(n, "bandwidth", where, 1, 10000000)
        delay = DEFAULT_DELAY
        if (n := get("delay")) is not None:
            delay = self.integer(n, "delay", where, 1, 16777215)
        vrf = None
        if (n := get("vrf")) is not None:
            vrf = self.name_of(n, "VRF")
        rd = None
        if (n := get("rd")) is not None:
            if vrf is None:
                raise self.error(n, f"rd of {where} needs a vrf")
            rd = self.required_text(n, "rd", where)
        return CloudSpec(
            name=name,
            span=self.span(key),
            subnet=subnet,
            interface=interface,
            phase=cast(Literal[1, 2, 3], phase),
            holdtime=holdtime,
            routing=self.routing(get("routing"), where),
            ike=self.ike(get("ike"), key, where),
            psk=self.secret(found["psk"], "psk", where),
            transform=(self.required_text(n, "transform", where)
                       if (n := get("transform")) is not None else DEFAULT_TRANSFORM),
            mode=mode,
            pfs=self.required_text(n, "pfs", where) if (n := get("pfs")) is not None else None,
            ip_mtu=ip_mtu,
            bandwidth=bandwidth,
            delay=delay,
            network_id=network_id,
            tunnel_key=tunnel_key,
            authentication=authentication,
            vrf=vrf,
            rd=rd,
        )

    def routing(self, node: Node | None, where: str) -> Routing | None:
        if node is None:
            return None
        found = self.known(self.pairs(node, f"routing of {where}"), ROUTING_KEYS, f"routing of {where}")
        if "protocol" not in found or "as" not in found:
            raise self.error(node, f"routing of {where} needs 'protocol' (eigrp | bgp) and 'as'")
        protocol = self.choice(found["protocol"], "routing.protocol", where, ("eigrp", "bgp", "ospf"))
        if protocol == "ospf":
            raise self.error(
                found["protocol"],
                f"routing.protocol ospf of {where}: the ios target renders eigrp and bgp only",
            )
        high = 65535 if protocol == "eigrp" else MAX_U32
        asn = self.integer(found["as"], "routing.as", where, 1, high)
        return Routing(cast(Literal["eigrp", "bgp"], protocol), asn, self.span(node))

    def ike(self, node: Node | None, key: Node, where: str) -> Ike:
        if node is None:
            enc, integrity = DEFAULT_IKE[1]
            return Ike(1, enc, integrity, DEFAULT_GROUP, self.span(key))
        found = self.known(self.pairs(node, f"ike of {where}"), IKE_KEYS, f"ike of {where}")
        version = 1
        if "version" in found:
            version = self.integer(found["version"], "ike.version", where, 1, 2)
        enc, integrity = DEFAULT_IKE[version]
        if "encryption" in found:
            enc = self.required_text(found["encryption"], "ike.encryption", where)
        if "integrity" in found:
            integrity = self.required_text(found["integrity"], "ike.integrity", where)
        group = DEFAULT_GROUP
        if "group" in found:
            group = self.integer(found["group"], "ike.group", where, 1, 32)
        return Ike(cast(Literal[1, 2], version), enc, integrity, group, self.span(node))

    # --- devices ------------------------------------------------------------------------

    def generation_device(
        self, name: str, key: Node, node: Node, defaults: dict[str, Any],
        clouds: dict[str, CloudSpec],
    ) -> DeviceSpec:
        where = f"device '{name}'"
        facts = dict(defaults)
        found: dict[str, tuple[Node, Node]] = {}
        for text, fact_key, value in self.pairs(node, where):
            if text not in DEVICE_KEYS:
                raise self.error(
                    fact_key, f"unknown key '{text}' in {where} (known: {', '.join(DEVICE_KEYS)})"
                )
            found[text] = (fact_key, value)
            if text in DEFAULT_KEYS:
                facts[text] = self.fact(text, fact_key, value, where)
        role = facts.get("role")
        if role is None:
            raise self.error(key, f"missing key 'role' in {where} (hub | spoke)")
        if "wan" not in found or _is_null(found["wan"][1]):
            raise self.error(key, f"missing key 'wan' in {where}")
        wans = self.wans(found["wan"][1], where)
        if role.value == "hub":
            for wan in wans:
                if wan.address is None:
                    raise self.error(
                        wan.span.line,
                        f"hub {name}: WAN {wan.interface} has address dhcp; spokes map a hub's "
                        "NBMA address statically, so a hub needs a static one",
                    )
        if "clouds" not in found or _is_null(found["clouds"][1]):
            raise self.error(key, f"missing key 'clouds' in {where}")
        memberships = self.memberships(found["clouds"][1], where, clouds, wans)
        lans = self.lans(found["lans"][1], where) if "lans" in found else ()
        vrfs = {clouds[m.cloud].vrf for m in memberships}
        for lan in lans:
            if lan.vrf is not None and lan.vrf not in vrfs:
                raise self.error(
                    lan.span.line,
                    f"LAN {lan.interface} of {where} is in VRF {lan.vrf}, which none of its "
                    f"clouds uses ({', '.join(sorted(v for v in vrfs if v)) or 'none'})",
                )
        spec = DeviceSpec(
            name=name,
            span=self.span(key),
            role=role.value,
            facts=InventoryFacts(**facts),
            wans=wans,
            lans=lans,
            memberships=memberships,
        )
        self.check_device(spec, clouds, found["clouds"][0])
        return spec

    def wans(self, node: Node, where: str) -> tuple[Wan, ...]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        if not items:
            raise self.error(node, f"empty wan list in {where}")
        wans: list[Wan] = []
        for item in items:
            w = f"wan of {where}"
            found = self.known(self.pairs(item, w), WAN_KEYS, w)
            for required in ("interface", "address"):
                if required not in found:
                    raise self.error(item, f"missing key '{required}' in {w}")
            interface = self.interface_name(found["interface"], "wan.interface", where)
            raw = self.required_text(found["address"], "wan.address", where)
            address = None if raw == "dhcp" else self.interface_address(found["address"], "wan.address", where)
            gateway = None
            if "gateway" in found and not _is_null(found["gateway"]):
                gateway = self.address(found["gateway"], "wan.gateway", where)
            if any(x.interface == interface for x in wans):
                raise self.error(found["interface"], f"WAN interface {interface} twice in {where}")
            wans.append(Wan(interface, address, gateway, self.span(item)))
        return tuple(wans)

    def lans(self, node: Node, where: str) -> tuple[Lan, ...]:
        if _is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            raise self.error(node, f"expected a list for lans of {where}, got {_kind(node)}")
        lans: list[Lan] = []
        for item in node.value:
            w = f"a LAN of {where}"
            found = self.known(self.pairs(item, w), LAN_KEYS, w)
            for required in ("interface", "address"):
                if required not in found:
                    raise self.error(item, f"missing key '{required}' in {w}")
            vrf = None
            if "vrf" in found and not _is_null(found["vrf"]):
                vrf = self.name_of(found["vrf"], "VRF")
            lans.append(Lan(
                self.interface_name(found["interface"], "lans.interface", where),
                self.interface_address(found["address"], "lans.address", where),
                vrf,
                self.span(item),
            ))
        return tuple(lans)

    def memberships(
        self, node: Node, where: str, clouds: dict[str, CloudSpec], wans: tuple[Wan, ...]
    ) -> tuple[Membership, ...]:
        entries: list[tuple[Node, Node | None]]
        if isinstance(node, SequenceNode):
            entries = [(item, None) for item in node.value]
        elif isinstance(node, MappingNode):
            entries = [(key, value) for _, key, value in self.pairs(node, f"clouds of {where}")]
        else:
            raise self.error(node, f"expected a list or mapping for clouds of {where}, got {_kind(node)}")
        result: list[Membership] = []
        for key, value in entries:
            if not isinstance(key, ScalarNode):
                raise self.error(key, f"expected a cloud name in clouds of {where}, got {_kind(key)}")
            cloud = str(key.value).strip()
            if cloud not in clouds:
                raise self.error(
                    key, f"{where} is in cloud '{cloud}', which 'clouds:' does not define "
                    f"(known: {', '.join(clouds) or 'none'})",
                )
            if any(m.cloud == cloud for m in result):
                raise self.error(key, f"cloud '{cloud}' twice in {where}")
            membership = Membership(cloud, self.span(key))
            if value is not None and not _is_null(value):
                w = f"cloud '{cloud}' of {where}"
                found = self.known(self.pairs(value, w), MEMBERSHIP_KEYS, w)
                if "tunnel_address" in found and not _is_null(found["tunnel_address"]):
                    membership = replace(membership, tunnel_address=self.address(
                        found["tunnel_address"], "tunnel_address", w))
                if "wan" in found and not _is_null(found["wan"]):
                    wan = self.interface_name(found["wan"], "wan", w)
                    if not any(x.interface == wan for x in wans):
                        raise self.error(found["wan"], f"{w} uses WAN {wan}, which {where} does not have")
                    membership = replace(membership, wan=wan)
            result.append(membership)
        if not result:
            raise self.error(node, f"{where} is in no cloud")
        return tuple(result)

    def check_device(self, device: DeviceSpec, clouds: dict[str, CloudSpec], key: Node) -> None:
        """What one device's clouds must agree on for IOS to run them side by side."""
        where = f"device '{device.name}'"
        first: dict[str, Membership] = {}
        by_source: dict[str, Membership] = {}
        for m in device.memberships:
            cloud = clouds[m.cloud]
            line = m.span.line
            if (other := first.setdefault(cloud.interface, m)) is not m:
                raise self.error(
                    line, f"{where}: clouds '{other.cloud}' and '{m.cloud}' both use "
                    f"{cloud.interface}; give one of them another 'interface:'",
                )
            wan = device.wan_for(m).interface
            if (other := by_source.setdefault(wan, m)) is not m:
                a, b = clouds[other.cloud], cloud
                if NO_KEY in (a.tunnel_key, b.tunnel_key):
                    raise self.error(
                        line, f"{where}: clouds '{a.name}' and '{b.name}' share tunnel source {wan}, "
                        "so both need a tunnel key (DMV114); remove 'tunnel_key: none'",
                    )
                if device.role == "hub" and a.subnet.overlaps(b.subnet):
                    raise self.error(
                        line, f"{where}: clouds '{a.name}' and '{b.name}' share tunnel source "
                        f"{wan} and overlapping tunnel subnets ({a.subnet}, {b.subnet}): a "
                        "spoke's NHRP mapping would reach both hub tunnels at one NBMA address, "
                        "and the round trip could not tell the clouds apart; give them "
                        "different subnets (or the hub different WAN interfaces)",
                    )
                if _protection(a) != _protection(b):
                    raise self.error(
                        line, f"{where}: clouds '{a.name}' and '{b.name}' share tunnel source {wan}, "
                        "so IOS protects them with one shared IPsec profile (DMV115); give them "
                        "the same ike, psk, transform, mode and pfs",
                    )
        crypto = {(clouds[m.cloud].ike.version, clouds[m.cloud].psk.variable) for m in device.memberships}
        if len(crypto) > 1:
            raise self.error(
                key, f"{where}: its clouds use different IKE versions or pre-shared keys "
                f"({', '.join(f'IKEv{v} env:{p}' for v, p in sorted(crypto))}); the ios target "
                "renders one key set per device",
            )
        routings = [clouds[m.cloud].routing for m in device.memberships]
        bgp = {r.asn for r in routings if r is not None and r.protocol == "bgp"}
        if len(bgp) > 1:
            raise self.error(
                key, f"{where}: its clouds run BGP with different AS numbers "
                f"({', '.join(map(str, sorted(bgp)))}); IOS runs one BGP process",
            )

    def check_clouds(self, inventory: GenerationInventory) -> None:
        members: dict[str, list[DeviceSpec]] = {name: [] for name in inventory.clouds}
        for device in inventory.devices.values():
            for m in device.memberships:
                members[m.cloud].append(device)
        for name, cloud in inventory.clouds.items():
            hubs = [d.name for d in members[name] if d.role == "hub"]
            if not hubs:
                raise self.error(cloud.span.line, f"cloud '{name}' has no hub")
            if cloud.phase == 1 and len(hubs) > 1:
                raise self.error(
                    cloud.span.line,
                    f"cloud '{name}' is Phase 1 with hubs {', '.join(hubs)}: a Phase 1 spoke's "
                    "point-to-point tunnel reaches one hub; give each hub its own cloud, or use "
                    "phase 2 or 3",
                )


def _protection(cloud: CloudSpec) -> tuple[object, ...]:
    """What one IPsec profile fixes: clouds on one tunnel source must agree on all of it."""
    ike = cloud.ike
    return (ike.version, ike.encryption, ike.integrity, ike.group, cloud.transform, cloud.mode,
            cloud.pfs, cloud.psk.variable)


__all__ = ["InventoryError", "load_generation_inventory"]
