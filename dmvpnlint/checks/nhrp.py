"""Per-tunnel NHRP checks: does each spoke reach a real hub at its real address, is each hub
set up to serve its spokes (DMV105, DMV106, DMV108, DMV110, DMV111, DMV117–DMV119, DMV702)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from dmvpnlint.checks.common import igp_runs_on, related, where
from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Interface
from dmvpnlint.topology import Link, TunnelRef

#: IOS defaults (Cisco IOS NHRP command reference).
DEFAULT_HOLDTIME = 7200
DEFAULT_MAX_SEND = (100, 10)
RECOMMENDED_HOLDTIME = (300, 600)


def _fleet_has_hubs(ctx: LintContext) -> bool:
    return ctx.topology.hub_count > 0


def _hub_label(ctx: LintContext, ref: TunnelRef) -> str:
    device, interface = ctx.interface(ref)
    return where(device, interface)


def _nbma_text(ctx: LintContext, ref: TunnelRef) -> str:
    nbma = ctx.topology.nbma[ref]
    return ", ".join(sorted(str(a) for a in nbma.addresses)) or "unknown"


def _is_spoke(ctx: LintContext, device: Device, interface: Interface) -> bool:
    return interface.is_dmvpn and ctx.topology.role_of(device.name, interface.name) == "spoke"


def _is_hub(ctx: LintContext, device: Device, interface: Interface) -> bool:
    return interface.is_dmvpn and ctx.topology.role_of(device.name, interface.name) == "hub"


@check("DMV105", Scope.INTERFACE, needs=("dmvpn",))
def nhs_not_a_hub(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not interface.is_dmvpn or not _fleet_has_hubs(ctx):
        return
    topo = ctx.topology
    roles = topo.roles
    for link in topo.links_from(device.name, interface.name):
        target = link.target
        if target.kind != "nhs" or target.tunnel_ip is None:
            continue
        if link.matched in ("both", "tunnel") and any(roles[h] == "hub" for h in link.hubs):
            continue  # resolved by tunnel address to another device's hub: the usual case
        hubs_there = [
            r for r in topo.by_tunnel_ip.get(target.tunnel_ip, ())
            if r.device != device.name and topo.roles[r] == "hub"
        ]
        if hubs_there:
            continue
        message = (
            f"NHS {target.tunnel_ip} of {where(device, interface)} is not the tunnel address "
            "of any hub in the fleet"
        )
        rel = ()
        if link.matched == "nbma" and link.hubs:
            hub_dev, hub_if = ctx.interface(link.hubs[0])
            message += (
                f"; its NBMA address {target.nbma} belongs to {where(hub_dev, hub_if)}, whose "
                f"tunnel address is {hub_if.ip}"
            )
            rel = (related(hub_dev, hub_if.address.span if hub_if.address else hub_if.span),)
        else:
            mapped = _mapped_nbma(interface, target.tunnel_ip)
            if mapped is not None:
                owners = topo.by_nbma.get(mapped, ())
                if owners:
                    hub_dev, hub_if = ctx.interface(owners[0])
                    message += (
                        f"; it is mapped to NBMA {mapped}, which is {where(hub_dev, hub_if)} "
                        f"with tunnel address {hub_if.ip}"
                    )
                    rel = (related(hub_dev, hub_if.span),)
        yield Hit(
            device=device.name,
            span=target.span,
            message=message,
            related=rel,
            cloud=_cloud_id(ctx, device, interface),
            subject=(interface.name, str(target.tunnel_ip)),
        )


def _mapped_nbma(interface: Interface, tunnel_ip: object) -> object | None:
    nhrp = interface.nhrp
    if nhrp is None:
        return None
    for nhs in nhrp.nhs:
        if nhs.address == tunnel_ip and nhs.nbma is not None:
            return nhs.nbma
    return next((m.nbma for m in nhrp.maps if m.tunnel_ip == tunnel_ip), None)


def _cloud_id(ctx: LintContext, device: Device, interface: Interface) -> str | None:
    cloud = ctx.topology.cloud_of(device.name, interface.name)
    return cloud.id if cloud else None


def _nbma_mismatch(ctx: LintContext, device: Device, interface: Interface, link: Link) -> Hit | None:
    """A statement whose tunnel address reaches a hub but whose NBMA address is not the hub's."""
    topo = ctx.topology
    target = link.target
    if target.tunnel_ip is None or target.nbma is None or link.matched != "tunnel":
        return None
    if target.nbma_from_map:
        return None  # the `ip nhrp map` line itself is reported
    hub = link.hubs[0]
    hub_nbma = topo.nbma[hub]
    if hub_nbma.unknown or target.nbma in hub_nbma.addresses:
        return None
    hub_dev, hub_if = ctx.interface(hub)
    source = f"tunnel source {hub_nbma.source_interface} " if hub_nbma.source_interface else ""
    statement = "ip nhrp nhs" if target.kind == "nhs" else "ip nhrp map"
    owners = [r for r in topo.by_nbma.get(target.nbma, ()) if r.device != hub.device]
    elsewhere = f" ({target.nbma} is {_hub_label(ctx, owners[0])})" if owners else ""
    return Hit(
        device=device.name,
        span=target.span,
        message=(
            f"{statement} on {where(device, interface)} maps hub {where(hub_dev, hub_if)}'s "
            f"tunnel address {target.tunnel_ip} to NBMA {target.nbma}, but the hub's "
            f"{source}address is {_nbma_text(ctx, hub)}{elsewhere}"
        ),
        related=(related(hub_dev, hub_if.tunnel.source.span if hub_if.tunnel and hub_if.tunnel.source else hub_if.span),),
        cloud=_cloud_id(ctx, device, interface),
        hint=f"use {_nbma_text(ctx, hub)} as the NBMA address of {target.tunnel_ip}",
        subject=(interface.name, str(target.tunnel_ip), str(target.nbma)),
    )


@check("DMV106", Scope.INTERFACE, needs=("spoke",))
def nhs_nbma_mismatch(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not _is_spoke(ctx, device, interface):
        return
    topo = ctx.topology
    links = topo.links_from(device.name, interface.name)
    for link in links:
        if link.matched != "tunnel":
            continue  # `_nbma_mismatch` judges only these: skip the call for the others
        if (hit := _nbma_mismatch(ctx, device, interface, link)) is not None:
            yield hit
    # `ip nhrp map multicast X` and a point-to-point `tunnel destination X` name only an NBMA
    # address: it must be that of a hub this spoke uses.
    my_hubs = {h for link in links if link.target.tunnel_ip is not None for h in link.hubs}
    if not my_hubs or any(topo.nbma[h].unknown for h in my_hubs):
        return
    hub_nbmas = {a for h in my_hubs for a in topo.nbma[h].addresses}
    for link in links:
        target = link.target
        if target.kind not in ("multicast", "destination") or target.nbma in hub_nbmas:
            continue
        statement = "ip nhrp map multicast" if target.kind == "multicast" else "tunnel destination"
        hubs_text = "; ".join(f"{_hub_label(ctx, h)} is {_nbma_text(ctx, h)}" for h in sorted(my_hubs))
        yield Hit(
            device=device.name,
            span=target.span,
            message=(
                f"{statement} {target.nbma} on {where(device, interface)} is not the NBMA "
                f"address of a hub it uses ({hubs_text})"
            ),
            cloud=_cloud_id(ctx, device, interface),
            subject=(interface.name, target.kind, str(target.nbma)),
        )


@check("DMV108", Scope.INTERFACE)
def nhs_without_mapping(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    nhrp = interface.nhrp
    if nhrp is None or not interface.is_tunnel:
        return
    mapped = {m.tunnel_ip for m in nhrp.maps}
    for nhs in nhrp.nhs:
        if nhs.address is None or nhs.nbma is not None or nhs.address in mapped:
            continue
        hint = f"add 'ip nhrp map {nhs.address} <hub NBMA address>' or 'nbma' to the nhs line"
        hubs = [
            r for r in ctx.topology.by_tunnel_ip.get(nhs.address, ())
            if r.device != device.name and not ctx.topology.nbma[r].unknown
        ]
        if hubs:
            hint = (
                f"add 'ip nhrp map {nhs.address} {_nbma_text(ctx, hubs[0])}' "
                f"({_hub_label(ctx, hubs[0])})"
            )
        yield Hit(
            device=device.name,
            span=nhs.span,
            message=(
                f"ip nhrp nhs {nhs.address} on {where(device, interface)} has no NBMA mapping: "
                "the spoke cannot send its registration to the server"
            ),
            cloud=_cloud_id(ctx, device, interface),
            hint=hint,
            subject=(interface.name, str(nhs.address)),
        )


@check("DMV110", Scope.INTERFACE, needs=("spoke",))
def spoke_multicast_map_missing(
    ctx: LintContext, device: Device, interface: Interface
) -> Iterator[Hit]:
    nhrp = interface.nhrp
    # the cheap test first: a spoke with a multicast mapping needs no look at its IGP
    if nhrp is not None and (
        any(m.nbma is not None for m in nhrp.multicast_maps) or any(n.multicast for n in nhrp.nhs)
    ):
        return
    if not _is_spoke(ctx, device, interface) or not igp_runs_on(device, interface):
        return
    yield Hit(
        device=device.name,
        span=interface.span,
        message=(
            f"{where(device, interface)} runs a routing protocol over the tunnel but has no "
            "ip nhrp map multicast <hub NBMA> (or nhs ... multicast): its hellos never reach the hub"
        ),
        cloud=_cloud_id(ctx, device, interface),
        hint="add 'ip nhrp map multicast <hub NBMA address>' for each hub",
        subject=(interface.name,),
    )


@check("DMV111", Scope.INTERFACE, needs=("hub",))
def hub_multicast_dynamic_missing(
    ctx: LintContext, device: Device, interface: Interface
) -> Iterator[Hit]:
    if not _is_hub(ctx, device, interface) or interface.tunnel is None:
        return
    if not interface.tunnel.multipoint:
        return
    nhrp = interface.nhrp
    if nhrp is not None and any(m.dynamic for m in nhrp.multicast_maps):
        return
    yield Hit(
        device=device.name,
        span=interface.span,
        message=(
            f"hub {where(device, interface)} has no ip nhrp map multicast dynamic: registered "
            "spokes are not added to its multicast list, so routing protocol hellos never reach them"
        ),
        cloud=_cloud_id(ctx, device, interface),
        hint="add 'ip nhrp map multicast dynamic'",
        subject=(interface.name,),
    )


@check("DMV117", Scope.DEVICE, needs=("dmvpn",))
def single_nhs(ctx: LintContext, device: Device) -> Iterator[Hit]:
    topo = ctx.topology
    name = device.name
    first_nhs = None
    hub_devices: set[str] = set()
    unresolved: set[object] = set()
    roles, interfaces = topo.roles, device.interfaces
    for ref in topo.tunnels_of(name):  # device.dmvpn_tunnels(), in the same order
        interface = interfaces[ref.interface]
        nhrp = interface.nhrp
        if nhrp is None or roles[ref] != "spoke":
            continue
        if first_nhs is None and nhrp.nhs:
            first_nhs = (interface, nhrp.nhs[0])
        for link in topo.links_from(name, interface.name):
            target = link.target
            if target.kind != "nhs":
                continue
            if link.hubs:
                for hub in link.hubs:
                    hub_devices.add(hub.device)
            else:
                unresolved.add(target.tunnel_ip or target.nbma)
    if first_nhs is None or len(hub_devices) + len(unresolved) != 1:
        return
    interface, nhs = first_nhs
    server = next(iter(hub_devices)) if hub_devices else f"NHS {next(iter(unresolved))}"
    yield Hit(
        device=device.name,
        span=nhs.span,
        message=(
            f"{device.name} registers with one hub only ({server}, via {interface.name}): "
            f"it loses the DMVPN overlay when {server} fails"
        ),
        hint="add a second hub (a second NHS in this cloud, or a second cloud with its own hub)",
        subject=(server,),
    )


@check("DMV118", Scope.INTERFACE, needs=("dmvpn",))
def holdtime_not_recommended(
    ctx: LintContext, device: Device, interface: Interface
) -> Iterator[Hit]:
    if not interface.is_dmvpn:
        return
    low, high = RECOMMENDED_HOLDTIME
    holdtime = interface.nhrp.holdtime if interface.nhrp else None
    if holdtime is None:
        yield Hit(
            device=device.name,
            span=interface.span,
            message=(
                f"no ip nhrp holdtime on {where(device, interface)}: the default "
                f"{DEFAULT_HOLDTIME} s keeps stale mappings for two hours; the guide "
                f"recommends {low}-{high} s"
            ),
            cloud=_cloud_id(ctx, device, interface),
            hint="add 'ip nhrp holdtime 300'",
            subject=(interface.name, "missing"),
        )
    elif not low <= holdtime.value <= high:
        yield Hit(
            device=device.name,
            span=holdtime.span,
            message=(
                f"ip nhrp holdtime {holdtime.value} on {where(device, interface)} is outside "
                f"the recommended {low}-{high} s"
            ),
            cloud=_cloud_id(ctx, device, interface),
            subject=(interface.name, "range"),
        )


def registration_interval(interface: Interface) -> float:
    """Seconds between a spoke's registration requests: `ip nhrp registration timeout` when
    set, else one third of its holdtime (IOS default holdtime 7200 s)."""
    nhrp = interface.nhrp
    if nhrp is not None and nhrp.registration_timeout is not None:
        return max(1, nhrp.registration_timeout.value)
    holdtime = nhrp.holdtime.value if nhrp is not None and nhrp.holdtime else DEFAULT_HOLDTIME
    return max(1.0, holdtime / 3)


@check("DMV119", Scope.INTERFACE, needs=("hub",))
def nhrp_max_send_exceeded(
    ctx: LintContext, device: Device, interface: Interface
) -> Iterator[Hit]:
    if not _is_hub(ctx, device, interface):
        return
    clients = ctx.topology.nhs_clients(device.name, interface.name)
    if not clients:
        return
    max_send = interface.nhrp.max_send if interface.nhrp else None
    packets, every = (max_send.packets, max_send.interval) if max_send else DEFAULT_MAX_SEND
    expected = 0.0
    devices = ctx.devices
    for ref in clients:
        expected += every / registration_interval(devices[ref.device].interfaces[ref.interface])
    if expected <= packets:
        return
    limit = f"ip nhrp max-send allows {packets} every {every} s" + ("" if max_send else " (IOS default)")
    yield Hit(
        device=device.name,
        span=max_send.span if max_send else interface.span,
        message=(
            f"hub {where(device, interface)} must answer about {math.ceil(expected)} "
            f"registration requests every {every} s from {len(clients)} spokes "
            f"(resolution requests come on top), but {limit}: expect %NHRP-4-QUOTA and "
            "spokes that fail to register"
        ),
        cloud=_cloud_id(ctx, device, interface),
        hint=f"raise it, e.g. 'ip nhrp max-send {max(packets, math.ceil(expected * 2))} every {every}'",
        subject=(interface.name,),
    )


@check("DMV702", Scope.INTERFACE, needs=("dmvpn",))
def nhrp_unauthenticated(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not interface.is_dmvpn:
        return
    if interface.nhrp is not None and interface.nhrp.authentication is not None:
        return
    yield Hit(
        device=device.name,
        span=interface.span,
        message=(
            f"{where(device, interface)} has no ip nhrp authentication: any router that "
            "reaches the hub's NBMA address can register into this cloud"
        ),
        cloud=_cloud_id(ctx, device, interface),
        subject=(interface.name,),
    )


__all__ = [
    "holdtime_not_recommended",
    "hub_multicast_dynamic_missing",
    "nhrp_max_send_exceeded",
    "nhrp_unauthenticated",
    "nhs_nbma_mismatch",
    "nhs_not_a_hub",
    "nhs_without_mapping",
    "single_nhs",
    "spoke_multicast_map_missing",
]

