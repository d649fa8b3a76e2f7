"""Inventory + allocation -> one plan per device: every value a template writes, decided.

Templates only lay out lines; every decision is made here, in Python, where it can be tested:
which commands a hub or a spoke of a Phase 1, 2 or 3 cloud needs (the guide's hub and spoke
command steps), which NBMA address a spoke maps a hub to (its NAT outside address when it has
one), which peers a pre-shared key must cover, which tunnels share a source and so need
`tunnel protection ... shared`, and which routing statements cover the tunnel and the LANs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from dmvpnlint.generate.allocate import CloudAllocation
from dmvpnlint.generate.secrets import SecretText
from dmvpnlint.generate.spec import CloudSpec, DeviceSpec, GenerationInventory, Ike

DEFAULT_MAX_SEND_INTERVAL = 10
DEFAULT_MAX_SEND_PACKETS = 100
MAX_SEND_HEADROOM = 4  # registration rate x 4 leaves room for resolution requests
ANY = IPv4Network("0.0.0.0/0")
MAX_TCP_MSS = 1460  # guide step 14: adjust-mss takes 500-1460 (1360 with ip mtu 1400)


@dataclass(frozen=True, slots=True)
class Protection:
    """The crypto objects one IPsec profile needs; names are fleet-wide, so every device calls
    the same settings by the same name."""

    profile: str
    transform_set: str
    transforms: str
    mode: str
    pfs: str | None
    ike: Ike
    ikev2_profile: str | None


@dataclass(frozen=True, slots=True)
class NhsPlan:
    tunnel_ip: IPv4Address
    nbma: IPv4Address
    hub: str


@dataclass(frozen=True, slots=True)
class TunnelPlan:
    interface: str
    cloud: str
    description: str
    hub: bool
    phase: int
    vrf: str | None
    address: IPv4Interface
    ip_mtu: int
    tcp_mss: int
    bandwidth: int
    delay: int
    authentication: SecretText
    network_id: int
    holdtime: int
    source: str
    key: int | None
    protection: Protection
    shared: bool
    servers: tuple[NhsPlan, ...] = ()  # spokes: the hubs, in order
    destination: IPv4Address | None = None  # Phase 1 spokes: point-to-point to the hub
    eigrp_as: int | None = None
    next_hop_self_off: bool = False
    max_send: int | None = None
    no_shortcut: bool = False  # IOS-XE 16+ spoke outside Phase 3: shortcut is on by default

    @property
    def multipoint(self) -> bool:
        return self.destination is None


@dataclass(frozen=True, slots=True)
class InterfacePlan:
    name: str
    description: str
    address: IPv4Interface | None  # None: dhcp
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class EigrpPlan:
    asn: int
    networks: tuple[IPv4Network, ...] = ()
    vrf_networks: tuple[tuple[str, tuple[IPv4Network, ...]], ...] = ()
    passive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BgpNeighborPlan:
    address: IPv4Address
    client: bool  # route-reflector-client: a hub's spokes
    device: str


@dataclass(frozen=True, slots=True)
class BgpFamilyPlan:
    vrf: str | None
    neighbors: tuple[BgpNeighborPlan, ...]
    networks: tuple[IPv4Network, ...]


@dataclass(frozen=True, slots=True)
class BgpPlan:
    asn: int
    router_id: IPv4Address
    families: tuple[BgpFamilyPlan, ...]

    @property
    def global_neighbors(self) -> tuple[BgpNeighborPlan, ...]:
        return next((f.neighbors for f in self.families if f.vrf is None), ())


@dataclass(frozen=True, slots=True)
class DevicePlan:
    name: str
    role: str
    platform: str | None
    release: str | None
    vrfs: tuple[tuple[str, str], ...]  # (name, rd)
    ike: Ike
    psk: SecretText
    peers: tuple[IPv4Network, ...]
    protections: tuple[Protection, ...]
    tunnels: tuple[TunnelPlan, ...]
    wans: tuple[InterfacePlan, ...]
    lans: tuple[InterfacePlan, ...]
    eigrp: tuple[EigrpPlan, ...] = ()
    bgp: BgpPlan | None = None
    default_routes: tuple[IPv4Address, ...] = field(default_factory=tuple)

    @property
    def ikev2(self) -> bool:
        return self.ike.version == 2


def covering(addresses: list[IPv4Address]) -> IPv4Network:
    """The smallest prefix holding every address (linear: only the lowest and highest count)."""
    low, high = int(min(addresses)), int(max(addresses))
    length = 32 - (low ^ high).bit_length()
    return IPv4Network((low, length), strict=False)


@dataclass(frozen=True, slots=True)
class FleetFacts:
    """What planning one device needs to know of the others, computed once for the fleet."""

    inventory: GenerationInventory
    allocations: Mapping[str, CloudAllocation]
    authentication: Mapping[str, SecretText]
    psk: Mapping[str, SecretText]
    protections: Mapping[str, Protection]  # cloud -> its protection
    nbma: Mapping[tuple[str, str], IPv4Address | None]  # (device, cloud) -> NBMA as seen by peers
    peers: Mapping[str, IPv4Network]  # cloud -> prefix its pre-shared key must cover
    hubs: Mapping[str, tuple[str, ...]]  # cloud -> hub devices
    spoke_count: Mapping[str, int]


def fleet_facts(
    inventory: GenerationInventory,
    allocations: Mapping[str, CloudAllocation],
    authentication: Mapping[str, SecretText],
    psk: Mapping[str, SecretText],
) -> FleetFacts:
    protections: dict[str, Protection] = {}
    names: dict[tuple[object, ...], Protection] = {}
    for name, cloud in inventory.clouds.items():
        signature = (cloud.ike.version, cloud.ike.encryption, cloud.ike.integrity,
                     cloud.ike.group, cloud.transform, cloud.mode, cloud.pfs)
        if signature not in names:
            suffix = "" if not names else f"-{len(names) + 1}"
            names[signature] = Protection(
                profile=f"DMVPN-PROFILE{suffix}",
                transform_set=f"DMVPN-TS{suffix}",
                transforms=cloud.transform,
                mode=cloud.mode,
                pfs=cloud.pfs,
                ike=cloud.ike,
                ikev2_profile=f"DMVPN-IKEV2{suffix}" if cloud.ike.version == 2 else None,
            )
        protections[name] = names[signature]
    nbma: dict[tuple[str, str], IPv4Address | None] = {}
    seen: dict[str, list[IPv4Address]] = {name: [] for name in inventory.clouds}
    unknown: set[str] = set()
    hubs: dict[str, list[str]] = {name: [] for name in inventory.clouds}
    spokes: dict[str, int] = {name: 0 for name in inventory.clouds}
    for device in inventory.devices.values():
        nat = device.facts.nat
        for m in device.memberships:
            wan = device.wan_for(m)
            inside = wan.address.ip if wan.address else None
            outside = nat.outside if nat else inside
            nbma[(device.name, m.cloud)] = outside
            if outside is None:
                unknown.add(m.cloud)
            else:
                seen[m.cloud].append(outside)
            if inside is not None and inside != outside:
                seen[m.cloud].append(inside)
            if device.role == "hub":
                hubs[m.cloud].append(device.name)
            else:
                spokes[m.cloud] += 1
    peers = {name: ANY if name in unknown or not seen[name] else covering(seen[name])
             for name in inventory.clouds}
    return FleetFacts(
        inventory, allocations, authentication, psk, protections, nbma, peers,
        {k: tuple(v) for k, v in hubs.items()}, spokes,
    )


def plan_device(facts: FleetFacts, device: DeviceSpec) -> DevicePlan:
    inventory = facts.inventory
    clouds = [inventory.clouds[m.cloud] for m in device.memberships]
    sources: dict[str, int] = {}
    for m in device.memberships:
        source = device.wan_for(m).interface
        sources[source] = sources.get(source, 0) + 1
    tunnels = tuple(
        _tunnel(facts, device, inventory.clouds[m.cloud], device.wan_for(m).interface,
                sources[device.wan_for(m).interface] > 1)
        for m in device.memberships
    )
    protections: list[Protection] = []
    for cloud in clouds:
        if facts.protections[cloud.name] not in protections:
            protections.append(facts.protections[cloud.name])
    peers: list[IPv4Network] = []
    for cloud in clouds:
        if facts.peers[cloud.name] not in peers:
            peers.append(facts.peers[cloud.name])
    vrfs: list[tuple[str, str]] = []
    for cloud in clouds:
        if cloud.vrf is not None and all(v != cloud.vrf for v, _ in vrfs):
            asn = cloud.routing.asn if cloud.routing else 1
            network_id = facts.allocations[cloud.name].network_id.value
            vrfs.append((cloud.vrf, cloud.rd or f"{asn}:{network_id}"))
    wans = tuple(
        InterfacePlan(w.interface, "WAN (NBMA address of this router)", w.address)
        for w in device.wans
    )
    lans = tuple(InterfacePlan(l.interface, "LAN", l.address, l.vrf) for l in device.lans)
    return DevicePlan(
        name=device.name,
        role=device.role,
        platform=device.facts.platform.value if device.facts.platform else None,
        release=str(device.facts.ios.value) if device.facts.ios else None,
        vrfs=tuple(vrfs),
        ike=clouds[0].ike,
        psk=facts.psk[clouds[0].name],
        peers=tuple(peers),
        protections=tuple(protections),
        tunnels=tunnels,
        wans=wans,
        lans=lans,
        eigrp=_eigrp(device, clouds),
        bgp=_bgp(facts, device, clouds, tunnels),
        default_routes=tuple(w.gateway for w in device.wans if w.gateway is not None),
    )


def _tunnel(
    facts: FleetFacts, device: DeviceSpec, cloud: CloudSpec, source: str, shared: bool
) -> TunnelPlan:
    allocation = facts.allocations[cloud.name]
    address = allocation.addresses[device.name].value
    hub = device.role == "hub"
    routing = cloud.routing
    eigrp_as = routing.asn if routing is not None and routing.protocol == "eigrp" else None
    servers: list[NhsPlan] = []
    destination = None
    max_send = None
    if hub:
        spokes = facts.spoke_count[cloud.name]
        per_interval = spokes * DEFAULT_MAX_SEND_INTERVAL / max(1.0, cloud.holdtime / 3)
        if per_interval * MAX_SEND_HEADROOM > DEFAULT_MAX_SEND_PACKETS:
            max_send = math.ceil(per_interval * MAX_SEND_HEADROOM)
    else:
        for hub_name in facts.hubs[cloud.name]:
            nbma = facts.nbma[(hub_name, cloud.name)]
            assert nbma is not None  # the inventory loader refuses a hub without a static NBMA
            servers.append(NhsPlan(allocation.addresses[hub_name].value, nbma, hub_name))
        if cloud.phase == 1:
            destination = servers[0].nbma
    role = "hub" if hub else "spoke"
    return TunnelPlan(
        interface=cloud.interface,
        cloud=cloud.name,
        description=f"DMVPN cloud {cloud.name} ({role}, phase {cloud.phase})",
        hub=hub,
        phase=cloud.phase,
        vrf=cloud.vrf,
        address=IPv4Interface((address, cloud.subnet.prefixlen)),
        ip_mtu=cloud.ip_mtu,
        tcp_mss=min(cloud.ip_mtu - 40, MAX_TCP_MSS),
        bandwidth=cloud.bandwidth,
        delay=cloud.delay,
        authentication=facts.authentication[cloud.name],
        network_id=allocation.network_id.value,
        holdtime=cloud.holdtime,
        source=source,
        key=allocation.tunnel_key.value,
        protection=facts.protections[cloud.name],
        shared=shared,
        servers=tuple(servers),
        destination=destination,
        eigrp_as=eigrp_as,
        next_hop_self_off=hub and eigrp_as is not None and cloud.phase == 2,
        max_send=max_send,
        no_shortcut=not hub and cloud.phase != 3 and _shortcut_by_default(device),
    )


def _shortcut_by_default(device: DeviceSpec) -> bool:
    """IOS-XE 16 and later run `ip nhrp shortcut` without printing it (rule DMV120)."""
    release = device.facts.ios.value if device.facts.ios else None
    return release is not None and release.xe and release.major >= 16


def _lan_networks(device: DeviceSpec, vrf: str | None) -> list[IPv4Network]:
    return [lan.address.network for lan in device.lans if lan.vrf == vrf]


def _eigrp(device: DeviceSpec, clouds: list[CloudSpec]) -> tuple[EigrpPlan, ...]:
    """One `router eigrp AS` per AS: global clouds as classic `network` statements, VRF clouds
    as `address-family ipv4 vrf X autonomous-system AS` (the guide's VRF-aware hub)."""
    by_as: dict[int, tuple[list[IPv4Network], dict[str, list[IPv4Network]]]] = {}
    for cloud in clouds:
        if cloud.routing is None or cloud.routing.protocol != "eigrp":
            continue
        networks, vrfs = by_as.setdefault(cloud.routing.asn, ([], {}))
        target = networks if cloud.vrf is None else vrfs.setdefault(cloud.vrf, [])
        for network in [cloud.subnet, *_lan_networks(device, cloud.vrf)]:
            if network not in target:
                target.append(network)
    plans = []
    for asn, (networks, vrfs) in by_as.items():
        passive = tuple(l.interface for l in device.lans if l.vrf is None) if networks else ()
        plans.append(EigrpPlan(asn, tuple(networks),
                               tuple((v, tuple(n)) for v, n in vrfs.items()), passive))
    return tuple(plans)


def _bgp(
    facts: FleetFacts, device: DeviceSpec, clouds: list[CloudSpec], tunnels: tuple[TunnelPlan, ...]
) -> BgpPlan | None:
    """iBGP over each BGP cloud: hubs are route reflectors for their spokes and peer with the
    other hubs; spokes peer with the hubs (guide: Configuring Multiprotocol BGP on the Hub)."""
    families: dict[str | None, tuple[list[BgpNeighborPlan], list[IPv4Network]]] = {}
    asn = None
    for cloud in clouds:
        if cloud.routing is None or cloud.routing.protocol != "bgp":
            continue
        asn = cloud.routing.asn
        neighbors, networks = families.setdefault(cloud.vrf, ([], []))
        addresses = facts.allocations[cloud.name].addresses
        hubs = set(facts.hubs[cloud.name])
        for other, allocated in addresses.items():
            if other == device.name:
                continue
            if device.role == "hub" or other in hubs:
                neighbors.append(BgpNeighborPlan(
                    allocated.value, device.role == "hub" and other not in hubs, other))
        for network in _lan_networks(device, cloud.vrf):
            if network not in networks:
                networks.append(network)
    if asn is None:
        return None
    router_id = tunnels[0].address.ip
    return BgpPlan(asn, router_id, tuple(
        BgpFamilyPlan(vrf, tuple(sorted(n, key=lambda p: p.address)), tuple(nets))
        for vrf, (n, nets) in families.items()
    ))
