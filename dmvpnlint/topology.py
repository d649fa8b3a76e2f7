"""Fleet topology: which tunnel interfaces form which DMVPN cloud, and who is hub of what.

A spoke's `ip nhrp nhs`, `ip nhrp map`, `ip nhrp map multicast` and (point-to-point spokes)
`tunnel destination` statements are resolved to other devices' tunnel interfaces, by tunnel
address and by NBMA address (the tunnel source's address, or the NAT outside address the
inventory gives). The connected components of that graph are the clouds.

Membership must not depend on the values the checks judge: a spoke whose NHS address is wrong
but whose NBMA mapping reaches the hub is still in the hub's cloud (so DMV105 can name the hub),
and a spoke with a different network-id is still a member (so DMV101 can report it). Everything
here is linear in fleet size: dictionaries keyed by address, never a comparison of all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

import networkx as nx

from dmvpnlint.model import Device, Fleet, Interface, IPAddress, Span

Role = Literal["hub", "spoke"]


class TunnelRef(NamedTuple):
    """One tunnel interface of one device: the node of the topology graph (a NamedTuple:
    hashed in C, which matters for 10,000-spoke fleets)."""

    device: str
    interface: str

    def __str__(self) -> str:
        return f"{self.device}:{self.interface}"


@dataclass(frozen=True, slots=True)
class Member:
    device: str
    interface: str
    role: Role

    @property
    def ref(self) -> TunnelRef:
        return TunnelRef(self.device, self.interface)


@dataclass(frozen=True, slots=True)
class Cloud:
    """One DMVPN network: the tunnels that reach each other through NHRP mappings.

    `id` is `device:interface` of its first hub (by name), or of its first member when no
    tunnel of it acts as a hub.
    """

    id: str
    members: tuple[Member, ...]
    # split once: checks ask for a 10,000-spoke cloud's hubs and spokes many times per run
    _hubs: tuple[Member, ...] = field(init=False, repr=False, compare=False)
    _spokes: tuple[Member, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hubs", tuple(m for m in self.members if m.role == "hub"))
        object.__setattr__(self, "_spokes", tuple(m for m in self.members if m.role == "spoke"))

    @property
    def hubs(self) -> tuple[Member, ...]:
        return self._hubs

    @property
    def spokes(self) -> tuple[Member, ...]:
        return self._spokes


TargetKind = Literal["nhs", "map", "multicast", "destination"]


@dataclass(frozen=True, slots=True)
class Target:
    """A spoke statement that names a server: tunnel address and/or NBMA address."""

    kind: TargetKind
    tunnel_ip: IPAddress | None
    nbma: IPAddress | None
    span: Span
    nbma_from_map: bool = False  # an NHS whose NBMA address comes from its `ip nhrp map`


@dataclass(frozen=True, slots=True)
class Link:
    """A target resolved: `hubs` are the tunnels it reaches; `matched` says by what."""

    source: TunnelRef
    target: Target
    hubs: tuple[TunnelRef, ...]
    matched: Literal["both", "tunnel", "nbma", "none"]


@dataclass(frozen=True, slots=True)
class Nbma:
    """The NBMA (underlay) addresses a tunnel is reached at.

    `unknown` is True when the tunnel source takes its address at run time (DHCP, PPP
    negotiation) or cannot be resolved: checks must then not claim a mismatch.
    """

    addresses: frozenset[IPAddress]
    unknown: bool
    source_interface: str | None = None


def targets_of(interface: Interface) -> Iterator[Target]:
    """Every statement of a tunnel that names a server or peer, in config order."""
    nhrp = interface.nhrp
    if nhrp is not None:
        mapped = {m.tunnel_ip: m.nbma for m in nhrp.maps}
        for nhs in nhrp.nhs:
            # an NHS without `nbma` is reached at the NBMA address its `ip nhrp map` gives
            if nhs.nbma is not None:
                yield Target("nhs", nhs.address, nhs.nbma, nhs.span)
            else:
                nbma = mapped.get(nhs.address)
                yield Target("nhs", nhs.address, nbma, nhs.span, nbma_from_map=nbma is not None)
        for m in nhrp.maps:
            yield Target("map", m.tunnel_ip, m.nbma, m.span)
        for mm in nhrp.multicast_maps:
            if mm.nbma is not None:
                yield Target("multicast", None, mm.nbma, mm.span)
    tunnel = interface.tunnel
    if tunnel is not None and tunnel.destination is not None:
        dest = tunnel.destination.value
        if not isinstance(dest, str):
            yield Target("destination", None, dest, tunnel.destination.span)


def infer_role(device: Device, interface: Interface) -> Role:
    """Inventory role first; else a tunnel that points at an NHS is a spoke, anything else a
    hub (the guide: a hub has no NHS and maps multicast dynamically)."""
    if device.inventory.role is not None:
        return device.inventory.role.value
    nhrp = interface.nhrp
    if nhrp is not None and nhrp.nhs:
        return "spoke"
    has_dynamic = nhrp is not None and any(m.dynamic for m in nhrp.multicast_maps)
    if nhrp is not None and nhrp.maps and not has_dynamic:
        return "spoke"
    if interface.tunnel is not None and interface.tunnel.destination is not None:
        return "spoke"
    return "hub"


def resolve_nbma(device: Device, interface: Interface) -> Nbma:
    """The addresses a tunnel's packets leave from, plus its NAT outside address."""
    addresses: set[IPAddress] = set()
    unknown = False
    source_name: str | None = None
    tunnel = interface.tunnel
    source = tunnel.source.value if tunnel is not None and tunnel.source is not None else None
    if isinstance(source, str):
        source_name = source
        src_if = device.interfaces.get(source)
        if src_if is None:
            unknown = True
        elif src_if.address is not None:
            addresses.add(src_if.address.value.ip)
        else:
            unknown = True
    elif source is not None:
        addresses.add(source)
    else:
        unknown = True
    nat = device.inventory.nat
    if nat is not None:
        addresses.add(nat.outside)
    return Nbma(frozenset(addresses), unknown and not addresses, source_name)


def _tunnel_addresses(interface: Interface) -> Iterable[IPAddress]:
    if interface.address is not None:
        yield interface.address.value.ip
    for secondary in interface.secondary_addresses:
        yield secondary.value.ip


@dataclass(slots=True)
class Topology:
    """The resolved fleet: graph, clouds, links, roles and NBMA addresses of every tunnel."""

    graph: nx.Graph
    clouds: tuple[Cloud, ...]
    links: tuple[Link, ...]
    roles: dict[TunnelRef, Role]
    nbma: dict[TunnelRef, Nbma]
    by_tunnel_ip: dict[IPAddress, tuple[TunnelRef, ...]]
    by_nbma: dict[IPAddress, tuple[TunnelRef, ...]]
    hub_count: int = 0
    _cloud_of: dict[TunnelRef, Cloud] = field(default_factory=dict)
    _links_from: dict[TunnelRef, list[Link]] = field(default_factory=dict)
    _nhs_clients: dict[TunnelRef, list[TunnelRef]] = field(default_factory=dict)
    _tunnels_of: dict[str, list[TunnelRef]] = field(default_factory=dict)

    def cloud_of(self, device: str, interface: str) -> Cloud | None:
        return self._cloud_of.get(TunnelRef(device, interface))

    def role_of(self, device: str, interface: str) -> Role | None:
        return self.roles.get(TunnelRef(device, interface))

    def links_from(self, device: str, interface: str) -> list[Link]:
        return self._links_from.get(TunnelRef(device, interface), [])

    def nhs_clients(self, device: str, interface: str) -> list[TunnelRef]:
        """The tunnels that register with this one: their `ip nhrp nhs` resolves to it."""
        return self._nhs_clients.get(TunnelRef(device, interface), [])

    def hubs(self) -> Iterator[TunnelRef]:
        return (ref for ref, role in self.roles.items() if role == "hub")

    def tunnels_of(self, device: str) -> list[TunnelRef]:
        """A device's DMVPN tunnels in config order (`Device.dmvpn_tunnels()` as references,
        without testing every interface of the device again)."""
        return self._tunnels_of.get(device, [])


def _pick(candidates: Iterable[TunnelRef], role_of: dict[TunnelRef, Role]) -> tuple[TunnelRef, ...]:
    """Prefer hubs among several tunnels that answer to one address."""
    found = tuple(candidates)
    if len(found) == 1:
        return found
    found = tuple(sorted(set(found)))
    hubs = tuple(c for c in found if role_of[c] == "hub")
    return hubs or found


def _resolve(
    source: TunnelRef,
    target: Target,
    by_ip: dict[IPAddress, tuple[TunnelRef, ...]],
    by_nbma: dict[IPAddress, tuple[TunnelRef, ...]],
    roles: dict[TunnelRef, Role],
) -> Link:
    me = source.device
    on_ip = [r for r in by_ip.get(target.tunnel_ip, ()) if r.device != me]  # type: ignore[arg-type]
    on_nbma = [r for r in by_nbma.get(target.nbma, ()) if r.device != me]  # type: ignore[arg-type]
    if on_ip and on_nbma:
        both = set(on_ip).intersection(on_nbma)
        if both:
            return Link(source, target, _pick(both, roles), "both")
    if on_ip:
        return Link(source, target, _pick(on_ip, roles), "tunnel")
    if on_nbma:
        return Link(source, target, _pick(on_nbma, roles), "nbma")
    return Link(source, target, (), "none")


def build_topology(fleet: Fleet) -> Topology:
    graph: nx.Graph = nx.Graph()
    roles: dict[TunnelRef, Role] = {}
    nbma: dict[TunnelRef, Nbma] = {}
    by_ip: defaultdict[IPAddress, list[TunnelRef]] = defaultdict(list)
    by_nbma: defaultdict[IPAddress, list[TunnelRef]] = defaultdict(list)
    tunnels: list[tuple[TunnelRef, Interface]] = []
    tunnels_of: defaultdict[str, list[TunnelRef]] = defaultdict(list)

    for device in fleet.devices:
        for interface in device.dmvpn_tunnels():
            ref = TunnelRef(device.name, interface.name)
            tunnels.append((ref, interface))
            tunnels_of[device.name].append(ref)
            graph.add_node(ref)
            roles[ref] = infer_role(device, interface)
            nbma[ref] = resolve_nbma(device, interface)
            for address in _tunnel_addresses(interface):
                by_ip[address].append(ref)
            for address in nbma[ref].addresses:
                by_nbma[address].append(ref)

    frozen_ip = {k: tuple(v) for k, v in by_ip.items()}
    frozen_nbma = {k: tuple(v) for k, v in by_nbma.items()}
    links: list[Link] = []
    links_from: dict[TunnelRef, list[Link]] = defaultdict(list)
    nhs_clients: defaultdict[TunnelRef, dict[TunnelRef, None]] = defaultdict(dict)
    for ref, interface in tunnels:
        resolved = [
            _resolve(ref, t, frozen_ip, frozen_nbma, roles) for t in targets_of(interface)
        ]
        # One address can answer for several tunnels: a hub with two clouds on one WAN
        # interface (an NBMA-only `map multicast` or `tunnel destination`), or two VRF clouds
        # with the same tunnel address. Where a statement is ambiguous, keep the tunnels that
        # this tunnel's unambiguous statements reach, so that the clouds stay apart.
        certain = {h for link in resolved if len(link.hubs) == 1 for h in link.hubs}
        for link in resolved:
            narrowed = tuple(h for h in link.hubs if h in certain)
            if len(link.hubs) > 1 and narrowed:
                link = replace(link, hubs=narrowed)
            target = link.target
            links.append(link)
            links_from[ref].append(link)
            for hub in link.hubs:
                graph.add_edge(ref, hub)
                if target.kind == "nhs":
                    nhs_clients[hub][ref] = None  # an ordered set: a spoke counts once

    clouds: list[Cloud] = []
    cloud_of: dict[TunnelRef, Cloud] = {}
    for component in nx.connected_components(graph):
        refs = sorted(component)
        members = tuple(Member(r.device, r.interface, roles[r]) for r in refs)
        first = next((m for m in members if m.role == "hub"), members[0])
        cloud = Cloud(f"{first.device}:{first.interface}", members)
        clouds.append(cloud)
        for r in refs:
            cloud_of[r] = cloud
    clouds.sort(key=lambda c: c.id)
    return Topology(
        graph=graph,
        clouds=tuple(clouds),
        links=tuple(links),
        roles=roles,
        nbma=nbma,
        by_tunnel_ip=frozen_ip,
        by_nbma=frozen_nbma,
        hub_count=sum(1 for role in roles.values() if role == "hub"),
        _cloud_of=cloud_of,
        _links_from=dict(links_from),
        _nhs_clients={hub: list(spokes) for hub, spokes in nhs_clients.items()},
        _tunnels_of=dict(tunnels_of),
    )


__all__ = [
    "Cloud",
    "Link",
    "Member",
    "Nbma",
    "Target",
    "Topology",
    "TunnelRef",
    "build_topology",
    "infer_role",
    "resolve_nbma",
    "targets_of",
]
