"""Routing over the cloud: EIGRP on the hub, the IGP on every tunnel, BGP/MPLS for 2547oDMVPN,
VRFs and site prefixes (DMV501–DMV510).

Questions over addresses (does a `network A W` statement cover the tunnel address; do two sites'
LAN prefixes overlap) go through `dmvpnlint.addrspace`, exact for non-contiguous wildcards.
Fleet-wide questions (who owns a BGP neighbor address) build one index per run and are linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from dmvpnlint.addrspace import WildcardSet, overlapping, uncovered_address, wildcard_match
from dmvpnlint.checks.common import at, related, where
from dmvpnlint.engine.findings import Hit, Related, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import (
    BgpAfNeighbor,
    BgpNeighbor,
    BgpProcess,
    Device,
    EigrpProcess,
    Interface,
    IPAddress,
    L,
    NetworkStatement,
    Span,
)
from dmvpnlint.topology import Cloud

#: Guide hub/spoke configuration, "bandwidth": "The recommend bandwidth value is 1000 or greater."
MIN_EIGRP_TUNNEL_BANDWIDTH = 1000
IOS_TUNNEL_BANDWIDTH = 9


# --- EIGRP on an interface -------------------------------------------------------------------


def _statement_text(s: NetworkStatement) -> str:
    return f"network {s.address}" + (f" {s.wildcard}" if s.wildcard is not None else "")


def _eigrp_statements(process: EigrpProcess, interface: Interface) -> tuple[NetworkStatement, ...]:
    """The statements that can enable `process` on the interface: the VRF address family's
    for an interface in a VRF (classic mode), the process's own otherwise."""
    vrf = interface.vrf.value if interface.vrf else None
    if process.name is None and vrf is not None:
        return process.vrf_networks.get(vrf, ())
    return process.networks


def _covers(statements: Iterable[NetworkStatement], address: IPv4Address) -> bool:
    x = int(address)
    return any(wildcard_match(x, s.address, s.wildcard) for s in statements)


@cache
def statement_set(address: IPv4Address, wildcard: IPv4Address | None) -> WildcardSet:
    """The addresses a `network` statement matches; cached because a fleet repeats the same
    few statements on every spoke."""
    return WildcardSet.of(address, wildcard)


def eigrp_on(device: Device, interface: Interface) -> list[EigrpProcess]:
    """The EIGRP processes that run on the interface: a network statement covers its address
    (wildcards exact, classful without one), or named mode names it in an `af-interface`."""
    found = []
    ip = interface.ip
    for process in device.routing.eigrp:
        if ip is not None and _covers(_eigrp_statements(process, interface), ip):
            found.append(process)
        elif process.name is not None and any(
            a.interface == interface.name for a in process.af_interfaces
        ):
            found.append(process)
    return found


def _eigrp_label(process: EigrpProcess) -> str:
    if process.name is not None:
        return f"EIGRP {process.name} (AS {process.asn})"
    return f"EIGRP {process.asn}"


def _af_setting(process: EigrpProcess, interface: Interface, attribute: str) -> L[bool] | None:
    """Named mode: the `af-interface` setting for this interface, else `af-interface default`."""
    for name in (interface.name, "default"):
        for af in process.af_interfaces:
            if af.interface == name and getattr(af, attribute) is not None:
                return getattr(af, attribute)
    return None


def _switched_off(process: EigrpProcess, interface: Interface, classic: str, named: str) -> bool:
    settings = getattr(interface, classic)
    if any(s.asn == process.asn and not s.enabled for s in settings):
        return True
    setting = _af_setting(process, interface, named)
    return setting is not None and not setting.value


def _role(ctx: LintContext, device: Device, interface: Interface) -> str | None:
    return ctx.topology.role_of(device.name, interface.name)


@check("DMV501", Scope.INTERFACE)
def eigrp_split_horizon(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    tunnel = interface.tunnel
    if tunnel is None or not tunnel.multipoint or _role(ctx, device, interface) != "hub":
        return
    for process in eigrp_on(device, interface):
        if _switched_off(process, interface, "split_horizon_eigrp", "split_horizon"):
            continue
        command = (f"no ip split-horizon eigrp {process.asn}" if process.name is None
                   else f"af-interface {interface.name} / no split-horizon")
        yield Hit(
            device=device.name,
            span=interface.span,
            message=(f"hub {where(device, interface)} runs {_eigrp_label(process)} "
                     f"({at(process.span)}) over multipoint GRE with split horizon on: routes "
                     "learned from one spoke are never advertised to the other spokes"),
            related=(related(device, process.span),),
            hint=f"add '{command}'",
            subject=(interface.name, str(process.asn)),
        )


# --- DMV502: Phase 2 next hops -------------------------------------------------------------


def _phase2(ctx: LintContext, cloud: Cloud) -> bool:
    """Multipoint spokes and no Phase 3 `ip nhrp redirect` anywhere in the cloud."""
    multipoint_spoke = False
    for member in cloud.members:
        _, interface = ctx.interface(member.ref)
        nhrp = interface.nhrp
        if nhrp is not None and nhrp.redirect is not None and nhrp.redirect.value:
            return False
        if member.role == "spoke" and interface.tunnel is not None and interface.tunnel.multipoint:
            multipoint_spoke = True
    return multipoint_spoke


@check("DMV502", Scope.CLOUD)
def eigrp_next_hop_self(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    if not cloud.hubs or not _phase2(ctx, cloud):
        return
    for member in cloud.hubs:
        device, interface = ctx.interface(member.ref)
        for process in eigrp_on(device, interface):
            if _switched_off(process, interface, "next_hop_self_eigrp", "next_hop_self"):
                continue
            command = (f"no ip next-hop-self eigrp {process.asn}" if process.name is None
                       else f"af-interface {interface.name} / no next-hop-self")
            yield Hit(
                device=device.name,
                span=interface.span,
                message=(f"hub {where(device, interface)} runs {_eigrp_label(process)} in a Phase 2 "
                         "cloud (multipoint spokes, no 'ip nhrp redirect') and keeps itself as the "
                         "next hop: spokes route to each other through the hub and spoke-to-spoke "
                         "tunnels never form"),
                related=(related(device, process.span),),
                cloud=cloud.id,
                hint=f"add '{command}'",
                subject=(interface.name, str(process.asn)),
            )


# --- DMV503 --------------------------------------------------------------------------------


@check("DMV503", Scope.INTERFACE)
def tunnel_bandwidth_low(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    processes = eigrp_on(device, interface)
    if not processes:
        return
    bandwidth = interface.bandwidth
    if bandwidth is not None and bandwidth.value >= MIN_EIGRP_TUNNEL_BANDWIDTH:
        return
    value = (f"bandwidth {bandwidth.value}" if bandwidth is not None
             else f"no bandwidth (the tunnel default is {IOS_TUNNEL_BANDWIDTH} kbit/s)")
    yield Hit(
        device=device.name,
        span=bandwidth.span if bandwidth is not None else interface.span,
        message=(f"{where(device, interface)} runs {_eigrp_label(processes[0])} with {value}: "
                 f"EIGRP paces itself to a share of the bandwidth and needs at least "
                 f"{MIN_EIGRP_TUNNEL_BANDWIDTH} on a DMVPN tunnel"),
        related=(related(device, processes[0].span),),
        hint=f"bandwidth {MIN_EIGRP_TUNNEL_BANDWIDTH} (or more on a hub with many spokes)",
        subject=(interface.name,),
    )


# --- DMV504: the cloud's IGP on every tunnel -------------------------------------------------


def _ospf_on(device: Device, interface: Interface) -> bool:
    if interface.ospf_area is not None:
        return True
    ip = interface.ip
    vrf = interface.vrf.value if interface.vrf else None
    return ip is not None and any(
        process.vrf == vrf and _covers(process.networks, ip) for process in device.routing.ospf
    )


def igps_on(device: Device, interface: Interface) -> dict[str, Span]:
    """The IGPs running on the interface, by name ("EIGRP 1", "OSPF", "RIP"), with the line that
    starts each. RIP's network statements are not in the model: a device with `router rip` is
    taken to run it on every interface."""
    found: dict[str, Span] = {}
    for process in eigrp_on(device, interface):
        found.setdefault(f"EIGRP {process.asn}", process.span)
    if _ospf_on(device, interface):
        area = interface.ospf_area
        found["OSPF"] = area.span if area is not None else device.routing.ospf[0].span
    rip = device.routing.rip
    if rip is not None and interface.ip is not None:
        found["RIP"] = rip.span
    return found


def _why_not(device: Device, interface: Interface, igp: str) -> str:
    """Why `igp` does not run on the interface, in the words of the config."""
    here = where(device, interface)
    ip = interface.ip
    statements: tuple[NetworkStatement, ...] = ()
    process_text = ""
    if igp.startswith("EIGRP"):
        asn = int(igp.split()[1])
        process = next((p for p in device.routing.eigrp if p.asn == asn), None)
        if process is None:
            return f"{device.name} has no router eigrp {asn}"
        statements = _eigrp_statements(process, interface)
        process_text = f"router eigrp {process.name or asn} ({at(process.span)})"
    elif igp == "OSPF":
        if not device.routing.ospf:
            return f"{device.name} has no router ospf and {interface.name} no 'ip ospf N area A'"
        vrf = interface.vrf.value if interface.vrf else None
        statements = tuple(s for p in device.routing.ospf if p.vrf == vrf for s in p.networks)
        process_text = f"router ospf {device.routing.ospf[0].pid} ({at(device.routing.ospf[0].span)})"
    else:
        return f"{device.name} has no router rip"
    if ip is None:
        return f"{here} has no IPv4 address"
    text = f"no network statement of {process_text} covers {here}'s address {ip}"
    network = interface.network
    sets = tuple(statement_set(s.address, s.wildcard) for s in statements)
    if network is not None and sets and any(
        s.intersects(WildcardSet.of_network(network)) for s in sets
    ):
        gap = uncovered_address(network, sets)
        if gap is not None:
            text += f" (they cover part of {network}; the first address they miss is {gap})"
    elif statements:
        text += f" ({', '.join(_statement_text(s) for s in statements)})"
    return text


@check("DMV504", Scope.CLOUD)
def tunnel_not_in_igp(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    # IGP -> (device, tunnel that runs it, the line that starts it)
    running: dict[str, tuple[Device, Interface, Span]] = {}
    members = [(m, *ctx.interface(m.ref)) for m in cloud.members]
    any_hub = any(m.role == "hub" for m in cloud.members)
    on: dict[object, dict[str, Span]] = {}
    for member, device, interface in members:
        on[member.ref] = igps = igps_on(device, interface)
        if member.role == "hub" or not any_hub:
            for igp, span in igps.items():
                running.setdefault(igp, (device, interface, span))
    if not running:
        return
    for member, device, interface in members:
        for igp in sorted(set(running) - set(on[member.ref])):
            runner, runner_if, span = running[igp]
            yield Hit(
                device=device.name,
                span=interface.span,
                message=(f"{igp}, which {where(runner, runner_if)} runs in this cloud, does not "
                         f"run on {where(device, interface)}: {_why_not(device, interface, igp)}"),
                related=(related(runner, span),),
                cloud=cloud.id,
                hint="add a network statement (or interface command) that covers the tunnel address",
                subject=(interface.name, igp),
            )


# --- BGP helpers ---------------------------------------------------------------------------


def _neighbor_value(bgp: BgpProcess, key: str, attribute: str) -> L[str] | None:
    """A neighbor's setting, or its peer-group's."""
    neighbor = bgp.neighbors.get(key)
    if neighbor is None:
        return None
    value = getattr(neighbor, attribute)
    if value is None and neighbor.peer_group is not None:
        group = bgp.neighbors.get(neighbor.peer_group.value)
        value = getattr(group, attribute) if group is not None else None
    return value


def _af_value(af_neighbors: dict[str, BgpAfNeighbor], bgp: BgpProcess, key: str,
              attribute: str) -> object | None:
    own = af_neighbors.get(key)
    value = getattr(own, attribute) if own is not None else None
    if value is None:
        neighbor = bgp.neighbors.get(key)
        if neighbor is not None and neighbor.peer_group is not None:
            group = af_neighbors.get(neighbor.peer_group.value)
            value = getattr(group, attribute) if group is not None else None
    return value


def _vpnv4_neighbors(device: Device) -> Iterator[tuple[str, BgpAfNeighbor, dict[str, BgpAfNeighbor]]]:
    """(address, AF settings, the AF's neighbors) of every activated VPNv4 neighbor address."""
    bgp = device.routing.bgp
    if bgp is None:
        return
    for af in bgp.address_families:
        if af.afi != "vpnv4":
            continue
        for key, neighbor in af.neighbors.items():
            if isinstance(neighbor.address, str):
                continue  # a peer-group: judged through its members
            if _af_value(af.neighbors, bgp, key, "activate"):
                yield key, neighbor, af.neighbors


@dataclass(frozen=True, slots=True)
class Owner:
    device: Device
    interface: Interface


def _address_owners(ctx: LintContext) -> dict[IPAddress, list[Owner]]:
    """Every interface address of the fleet and who has it: built once per run (linear) and
    shared by DMV505 and DMV508 through `ctx.derived`."""
    cached = ctx.derived.get("address_owners")
    if cached is not None:
        return cached  # type: ignore[return-value]
    owners: defaultdict[IPAddress, list[Owner]] = defaultdict(list)
    ctx.derived["address_owners"] = owners
    for device in ctx.fleet.devices:
        for interface in device.interfaces.values():
            if interface.address is not None:
                owners[interface.address.value.ip].append(Owner(device, interface))
            for secondary in interface.secondary_addresses:
                owners[secondary.value.ip].append(Owner(device, interface))
    return owners


def _owner(owners: dict[IPAddress, list[Owner]], address: IPAddress, me: Device) -> Owner | None:
    found = {o.device.name: o for o in owners.get(address, ()) if o.device is not me}
    return next(iter(found.values())) if len(found) == 1 else None


def _tunnel_toward(ctx: LintContext, device: Device, address: IPAddress,
                   owner: Owner | None) -> Interface | None:
    """The DMVPN tunnel of `device` a session to `address` runs over: the tunnel whose subnet
    holds it, or the tunnel in a cloud the address's owner is a member of."""
    tunnels = device.dmvpn_tunnels()
    for interface in tunnels:
        if interface.network is not None and address in interface.network:
            return interface
    if owner is None:
        return None
    their_clouds = {
        c.id for i in owner.device.dmvpn_tunnels()
        if (c := ctx.topology.cloud_of(owner.device.name, i.name)) is not None
    }
    for interface in tunnels:
        cloud = ctx.topology.cloud_of(device.name, interface.name)
        if cloud is not None and cloud.id in their_clouds:
            return interface
    return None


@check("DMV505", Scope.FLEET)
def mpls_missing_on_tunnel(ctx: LintContext) -> Iterator[Hit]:
    owners: dict[IPAddress, list[Owner]] | None = None  # built on the first VPNv4 neighbor
    for device in ctx.fleet.devices:
        if device.routing.bgp is None:
            continue
        reported: set[str] = set()
        for key, neighbor, _ in _vpnv4_neighbors(device):
            owners = owners if owners is not None else _address_owners(ctx)
            address = neighbor.address
            assert not isinstance(address, str)
            tunnel = _tunnel_toward(ctx, device, address, _owner(owners, address, device))
            if tunnel is None or tunnel.name in reported:
                continue
            if tunnel.mpls_ip is not None and tunnel.mpls_ip.value:
                continue
            reported.add(tunnel.name)
            yield Hit(
                device=device.name,
                span=tunnel.span,
                message=(f"VPNv4 neighbor {key} of {device.name} ({at(neighbor.span)}) is reached "
                         f"over DMVPN tunnel {tunnel.name}, which has no 'mpls ip': VPN labels "
                         "are never exchanged and 2547oDMVPN traffic is dropped"),
                related=(related(device, neighbor.span),),
                hint=f"add 'mpls ip' to interface {tunnel.name}",
                subject=(tunnel.name,),
            )


@check("DMV506", Scope.DEVICE)
def vpnv4_send_community_missing(ctx: LintContext, device: Device) -> Iterator[Hit]:
    bgp = device.routing.bgp
    for key, neighbor, af_neighbors in _vpnv4_neighbors(device):
        assert bgp is not None
        community = _af_value(af_neighbors, bgp, key, "send_community")
        if isinstance(community, L) and community.value in ("extended", "both"):
            continue
        what = (f"'send-community {community.value}'" if isinstance(community, L)
                else "no send-community")
        yield Hit(
            device=device.name,
            span=neighbor.span,
            message=(f"VPNv4 neighbor {key} of {device.name} has {what}: without extended "
                     "communities the route-targets are not sent and no VRF imports the routes"),
            hint=f"neighbor {key} send-community extended",
            subject=(key,),
        )


def _sets_own_next_hop(device: Device, name: str) -> tuple[bool, str]:
    """Whether route-map `name` sets `ip next-hop` to an address of the device, and what it
    sets (for the message)."""
    route_map = device.route_maps.get(name)
    if route_map is None:
        return True, ""  # undefined: DMV002 reports it
    hops = [h for e in route_map.entries for h in e.set_ip_next_hop]
    if not hops:
        return False, f"route-map {name} sets no ip next-hop"
    foreign = [h for h in hops if device.interface_owning(h.value) is None]
    if foreign:
        return False, f"route-map {name} sets ip next-hop {foreign[0].value}, not an address of {device.name}"
    return True, ""


@check("DMV507", Scope.DEVICE)
def rr_next_hop_missing(ctx: LintContext, device: Device) -> Iterator[Hit]:
    bgp = device.routing.bgp
    if bgp is None or not any(
        _role(ctx, device, i) == "hub" for i in device.dmvpn_tunnels()
    ):
        return
    for key, neighbor, af_neighbors in _vpnv4_neighbors(device):
        client = _af_value(af_neighbors, bgp, key, "route_reflector_client")
        if not client:
            continue
        maps = _af_value(af_neighbors, bgp, key, "route_maps") or ()
        outbound = [m.value[0] for m in maps if m.value[1] == "out"]  # type: ignore[attr-defined]
        problems = [p for ok, p in map(lambda n: _sets_own_next_hop(device, n), outbound) if not ok]
        if outbound and not problems:
            continue
        why = problems[0] if problems else "no outbound route-map sets the next hop"
        span = client.span if isinstance(client, L) else neighbor.span
        yield Hit(
            device=device.name,
            span=span,
            message=(f"hub {device.name} reflects VPNv4 routes to client {key} and {why}: the "
                     "spokes get next hops they have no label-switched path to"),
            hint=(f"neighbor {key} route-map NEXTHOP out, with 'route-map NEXTHOP permit 10' / "
                  f"'set ip next-hop <{device.name}'s own address>'"),
            subject=(key,),
        )


# --- DMV508 --------------------------------------------------------------------------------


def _session_source(device: Device, bgp: BgpProcess, key: str,
                    address: IPAddress) -> tuple[IPAddress, str] | None:
    """The address a BGP session to `address` leaves from, and why (for the message)."""
    source = _neighbor_value(bgp, key, "update_source")
    if source is not None:
        interface = device.interfaces.get(source.value)
        if interface is None or interface.ip is None:
            return None
        return interface.ip, f"update-source {source.value}"
    for interface in device.interfaces.values():
        if interface.network is not None and address in interface.network and interface.ip:
            return interface.ip, f"connected {interface.name}"
    return None


def _must_be_in_fleet(device: Device, vpnv4: set[str], key: str, address: IPAddress) -> bool:
    """A peer the fleet must hold: in a DMVPN tunnel subnet of the device, or a VPNv4 peer."""
    if key in vpnv4:
        return True
    return any(i.network is not None and address in i.network for i in device.dmvpn_tunnels())


def _neighbor_hits(owners: dict[IPAddress, list[Owner]], device: Device, vpnv4: set[str],
                   bgp: BgpProcess, key: str, neighbor: BgpNeighbor) -> Iterator[Hit]:
    address = neighbor.address
    assert not isinstance(address, str)
    owner = _owner(owners, address, device)
    if owner is None:
        if not owners.get(address) and _must_be_in_fleet(device, vpnv4, key, address):
            yield Hit(device.name, neighbor.span,
                      f"BGP neighbor {address} of {device.name} is not an address of any device "
                      "in the fleet", subject=(key, "unknown"))
        return
    peer = owner.device
    peer_where = f"{peer.name} {owner.interface.name}"
    peer_bgp = peer.routing.bgp
    if peer_bgp is None:
        yield Hit(device.name, neighbor.span,
                  f"BGP neighbor {address} of {device.name} is {peer_where}, which runs no BGP",
                  related=(Related(peer.name, owner.interface.span),), subject=(key, "no-bgp"))
        return
    remote_as = _neighbor_value(bgp, key, "remote_as")
    if remote_as is not None and remote_as.value != peer_bgp.asn:
        yield Hit(device.name, remote_as.span,
                  f"BGP neighbor {address} of {device.name} has remote-as {remote_as.value}, but "
                  f"it is {peer_where}, whose router bgp is {peer_bgp.asn} ({at(peer_bgp.span)})",
                  related=(Related(peer.name, peer_bgp.span),), subject=(key, "remote-as"))
    mine = _session_source(device, bgp, key, address)
    if mine is None:
        return
    source, how = mine
    back = peer_bgp.neighbors.get(str(source))
    if back is None:
        listed = ", ".join(k for k, n in peer_bgp.neighbors.items() if not isinstance(n.address, str))
        yield Hit(device.name, neighbor.span,
                  f"{device.name} peers with {address} ({peer_where}) from {source} ({how}), but "
                  f"{peer.name} has no neighbor {source} (its neighbors: {listed or 'none'})",
                  related=(Related(peer.name, peer_bgp.span),), subject=(key, "no-peer"))
        return
    theirs = _session_source(peer, peer_bgp, str(source), source)
    if theirs is not None and theirs[0] != address:
        yield Hit(device.name, neighbor.span,
                  f"{device.name} peers with {address} ({peer_where}), but {peer.name}'s neighbor "
                  f"{source} ({at(back.span)}) sources the session from {theirs[0]} ({theirs[1]}): "
                  "the two ends never agree on the addresses",
                  related=(Related(peer.name, back.span),), subject=(key, "update-source"))


@check("DMV508", Scope.FLEET)
def bgp_neighbor_unknown(ctx: LintContext) -> Iterator[Hit]:
    owners: dict[IPAddress, list[Owner]] | None = None  # built for the first BGP device
    for device in ctx.fleet.devices:
        bgp = device.routing.bgp
        if bgp is None:
            continue
        owners = owners if owners is not None else _address_owners(ctx)
        vpnv4 = {key for key, _, _ in _vpnv4_neighbors(device)}
        for key, neighbor in bgp.neighbors.items():
            if not isinstance(neighbor.address, str):
                yield from _neighbor_hits(owners, device, vpnv4, bgp, key, neighbor)


# --- DMV509, DMV510 ------------------------------------------------------------------------


def _vrf_shape(device: Device, name: str) -> tuple[str | None, frozenset[str], frozenset[str]]:
    vrf = device.vrfs[name]
    return (
        vrf.rd.value if vrf.rd else None,
        frozenset(r.value for r in vrf.route_targets_import),
        frozenset(r.value for r in vrf.route_targets_export),
    )


@check("DMV509", Scope.CLOUD)
def vrf_definition_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    first = (cloud.hubs or cloud.members)[0]
    reference = ctx.devices[first.device]
    seen = {reference.name}
    for member in cloud.members:
        device = ctx.devices[member.device]
        if device.name in seen:
            continue
        seen.add(device.name)
        for name in sorted(set(device.vrfs) & set(reference.vrfs)):
            mine, theirs = _vrf_shape(device, name), _vrf_shape(reference, name)
            if mine == theirs:
                continue
            differences = [
                f"{what} {_show(a)} vs {_show(b)}"
                for what, a, b in zip(("rd", "route-target import", "route-target export"), mine, theirs)
                if a != b
            ]
            vrf = device.vrfs[name]
            yield Hit(
                device=device.name,
                span=vrf.rd.span if vrf.rd and mine[0] != theirs[0] else vrf.span,
                message=(f"VRF {name} on {device.name} differs from VRF {name} on "
                         f"{reference.name} ({at(reference.vrfs[name].span)}) of the same cloud: "
                         + "; ".join(differences)),
                related=(Related(reference.name, reference.vrfs[name].span),),
                cloud=cloud.id,
                subject=(name, reference.name),
            )


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, frozenset):
        return ",".join(sorted(value)) or "none"
    return str(value)


def _lan_interfaces(device: Device) -> Iterator[tuple[Interface, IPv4Interface, Span]]:
    """The addresses a site attaches: those of interfaces that are not tunnels, not a tunnel's
    source (the NBMA side), not NAT outside, not shut down and not in a tunnel's front-door
    VRF."""
    sources: set[str] = set()
    front_door: set[str] = set()
    for interface in device.interfaces.values():
        tunnel = interface.tunnel
        if tunnel is None:
            continue
        if tunnel.source is not None:
            sources.add(str(tunnel.source.value))
        if tunnel.vrf is not None:
            front_door.add(tunnel.vrf.value)
    for interface in device.interfaces.values():
        if interface.is_tunnel or interface.address is None or interface.name in sources:
            continue
        if interface.shutdown is not None and interface.shutdown.value:
            continue
        if (interface.nat is not None and interface.nat.value == "outside") or (
            interface.vrf is not None and interface.vrf.value in front_door
        ):
            continue
        for located in (interface.address, *interface.secondary_addresses):
            if str(located.value.ip) in sources:
                continue
            yield interface, located.value, located.span


Attached = tuple[Device, Interface, IPv4Interface, Span]


@check("DMV510", Scope.FLEET)
def overlapping_site_prefixes(ctx: LintContext) -> Iterator[Hit]:
    by_vrf: defaultdict[str, list[tuple[IPv4Network, Attached]]] = defaultdict(list)
    for device in ctx.fleet.devices:
        if not device.dmvpn_tunnels():
            continue
        for interface, address, span in _lan_interfaces(device):
            vrf = interface.vrf.value if interface.vrf else ""
            by_vrf[vrf].append((address.network, (device, interface, address, span)))
    for vrf, items in sorted(by_vrf.items()):
        for later, earlier in overlapping(items):
            device, interface, address, span = later
            other, other_if, other_address, other_span = earlier
            if device is other:
                continue
            network, other_net = address.network, other_address.network
            if network == other_net and address.ip != other_address.ip:
                continue  # two routers on one segment (a dual-router site, a transit link)
            same = ("the same prefix and address as" if network == other_net
                    else "a prefix overlapping")
            in_vrf = f"VRF {vrf}" if vrf else "the global table"
            yield Hit(
                device=device.name,
                span=span,
                message=(f"{device.name} {interface.name} attaches {address}, {same} "
                         f"{other_address} on {other.name} {other_if.name} ({at(other_span)}) in "
                         f"{in_vrf}: traffic for one site is routed to the other"),
                related=(Related(other.name, other_span),),
                hint="renumber one site, or put the two sites in different VRFs",
                subject=(interface.name, str(network), vrf),
            )


__all__ = [
    "bgp_neighbor_unknown",
    "eigrp_next_hop_self",
    "eigrp_on",
    "eigrp_split_horizon",
    "igps_on",
    "mpls_missing_on_tunnel",
    "overlapping_site_prefixes",
    "rr_next_hop_missing",
    "tunnel_bandwidth_low",
    "tunnel_not_in_igp",
    "vpnv4_send_community_missing",
    "vrf_definition_mismatch",
]
