"""Checks of one device's tunnel interfaces: values in range, commands DMVPN forbids, tunnels
that share a source (DMV109, DMV112–DMV116, DMV121)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dmvpnlint.checks.common import at, related, where
from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Interface, L, Span

UINT32_MAX = 4_294_967_295

#: (command, attribute, low, high): `_ranged_values` reads the attributes in this order
_RANGES: tuple[tuple[str, str, int, int], ...] = (
    ("ip nhrp network-id", "network_id", 1, UINT32_MAX),
    ("tunnel key", "key", 0, UINT32_MAX),
    ("ip tcp adjust-mss", "tcp_adjust_mss", 500, 1460),
    ("ip nhrp holdtime", "holdtime", 1, 65535),
    ("ip mtu", "ip_mtu", 68, 17912),
    ("bandwidth", "bandwidth", 1, 10_000_000),
)


def _ranged_values(interface: Interface) -> tuple[L[int] | None, ...]:
    """The values `_RANGES` names, in its order (read directly: this runs for every tunnel)."""
    nhrp, tunnel = interface.nhrp, interface.tunnel
    return (
        nhrp.network_id if nhrp else None,
        tunnel.key if tunnel else None,
        interface.tcp_adjust_mss,
        nhrp.holdtime if nhrp else None,
        interface.ip_mtu,
        interface.bandwidth,
    )


@check("DMV109", Scope.INTERFACE)
def value_out_of_range(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    for (command, _, low, high), located in zip(_RANGES, _ranged_values(interface)):
        if located is None or low <= located.value <= high:
            continue
        yield Hit(
            device=device.name,
            span=located.span,
            message=(
                f"{command} {located.value} on {where(device, interface)} is outside "
                f"the range {low}-{high}"
            ),
            subject=(interface.name, command),
        )
    nhrp = interface.nhrp
    if nhrp is not None and nhrp.max_send is not None:
        ms = nhrp.max_send
        if not (1 <= ms.packets <= 65535 and 10 <= ms.interval <= 65535):
            yield Hit(
                device=device.name,
                span=ms.span,
                message=(
                    f"ip nhrp max-send {ms.packets} every {ms.interval} on "
                    f"{where(device, interface)} is outside the range 1-65535 packets every "
                    "10-65535 seconds"
                ),
                subject=(interface.name, "ip nhrp max-send"),
            )


@check("DMV112", Scope.INTERFACE, needs=("dmvpn",))
def gre_keepalive_unsupported(
    ctx: LintContext, device: Device, interface: Interface
) -> Iterator[Hit]:
    if not interface.is_dmvpn or interface.keepalive is None:
        return
    if interface.keepalive.value.startswith("no"):
        return
    yield Hit(
        device=device.name,
        span=interface.keepalive.span,
        message=(
            f"keepalive on DMVPN tunnel {where(device, interface)}: GRE keepalives are not "
            "supported on DMVPN tunnels"
        ),
        hint="remove 'keepalive'; use 'if-state nhrp' to track the NHS instead",
        subject=(interface.name,),
    )


@check("DMV113", Scope.INTERFACE)
def tunnel_mode_conflict(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    tunnel = interface.tunnel
    if tunnel is None or not tunnel.multipoint or tunnel.destination is None:
        return
    assert tunnel.mode is not None
    yield Hit(
        device=device.name,
        span=tunnel.destination.span,
        message=(
            f"{where(device, interface)} has both 'tunnel mode {tunnel.mode.value}' "
            f"({at(tunnel.mode.span)}) and 'tunnel destination {tunnel.destination.value}': "
            "a multipoint tunnel takes its destinations from NHRP"
        ),
        related=(related(device, tunnel.mode.span),),
        hint="keep one: mGRE (spoke-to-spoke) or tunnel destination (hub-and-spoke only)",
        subject=(interface.name,),
    )


def _is_gre(interface: Interface) -> bool:
    tunnel = interface.tunnel
    if tunnel is None:
        return False
    return tunnel.mode is None or tunnel.mode.value.startswith("gre")


def _source_key(device: Device, interface: Interface) -> tuple[str, str] | None:
    """(tunnel vrf, source address or interface): two tunnels with equal keys send from the
    same address. An interface name is turned into its address when it has one, so
    `tunnel source Ethernet0` and `tunnel source 172.17.0.1` compare equal."""
    tunnel = interface.tunnel
    if tunnel is None or tunnel.source is None:
        return None
    source = tunnel.source.value
    vrf = tunnel.vrf.value if tunnel.vrf else ""
    if isinstance(source, str):
        src_if = device.interfaces.get(source)
        if src_if is not None and src_if.address is not None:
            return vrf, str(src_if.address.value.ip)
        return vrf, source
    return vrf, str(source)


def _by_source(device: Device) -> list[list[Interface]]:
    # a device with fewer than two sourced GRE tunnels (every spoke, as a rule) has no group:
    # its source addresses are never formatted
    sourced = [
        i for i in device.interfaces.values()
        if i.tunnel is not None and i.tunnel.source is not None and i.is_tunnel and _is_gre(i)
    ]
    if len(sourced) < 2:
        return []
    groups: defaultdict[tuple[str, str], list[Interface]] = defaultdict(list)
    for interface in sourced:
        key = _source_key(device, interface)
        if key is not None:
            groups[key].append(interface)
    return [g for g in groups.values() if len(g) > 1]


def _source_span(interface: Interface) -> Span:
    assert interface.tunnel is not None and interface.tunnel.source is not None
    return interface.tunnel.source.span


@check("DMV114", Scope.DEVICE)
def tunnel_source_shared_without_key(ctx: LintContext, device: Device) -> Iterator[Hit]:
    for group in _by_source(device):
        first = group[0]
        for interface in group[1:]:
            assert interface.tunnel is not None and interface.tunnel.source is not None
            assert first.tunnel is not None
            if not (interface.tunnel.multipoint or first.tunnel.multipoint):
                continue  # point-to-point GRE is told apart by its destination
            keys = [i.tunnel.key.value if i.tunnel and i.tunnel.key else None for i in (first, interface)]
            if None not in keys and keys[0] != keys[1]:
                continue
            problem = (
                f"with the same tunnel key {keys[0]}" if None not in keys else "without a tunnel key on both"
            )
            yield Hit(
                device=device.name,
                span=_source_span(interface),
                message=(
                    f"{where(device, interface)} and {first.name} ({at(_source_span(first))}) "
                    f"share tunnel source {interface.tunnel.source.value} {problem}: "
                    "incoming GRE packets cannot be told apart"
                ),
                related=(related(device, _source_span(first)),),
                hint="give each tunnel its own 'tunnel key', or its own tunnel source",
                subject=(interface.name, first.name),
            )


@check("DMV115", Scope.DEVICE)
def protection_shared_missing(ctx: LintContext, device: Device) -> Iterator[Hit]:
    for group in _by_source(device):
        by_profile: defaultdict[str, list[Interface]] = defaultdict(list)
        for interface in group:
            assert interface.tunnel is not None
            if interface.tunnel.protection is not None:
                by_profile[interface.tunnel.protection.profile].append(interface)
        for profile, users in by_profile.items():
            first = users[0]
            for interface in users[1:]:
                assert interface.tunnel is not None and interface.tunnel.protection is not None
                protection = interface.tunnel.protection
                first_protection = first.tunnel.protection if first.tunnel else None
                if protection.shared and first_protection is not None and first_protection.shared:
                    continue
                yield Hit(
                    device=device.name,
                    span=protection.span,
                    message=(
                        f"{where(device, interface)} and {first.name} share a tunnel source and "
                        f"IPsec profile {profile} without 'tunnel protection ipsec profile "
                        f"{profile} shared' on both: their IPsec SAs collide"
                    ),
                    related=(related(device, first_protection.span if first_protection else first.span),),
                    hint=f"use 'tunnel protection ipsec profile {profile} shared' on each tunnel",
                    subject=(interface.name, first.name, profile),
                )


@check("DMV116", Scope.DEVICE, needs=("dmvpn",))
def cloud_identity_reused(ctx: LintContext, device: Device) -> Iterator[Hit]:
    topo = ctx.topology
    seen_id: dict[int, Interface] = {}
    seen_auth: dict[str, Interface] = {}

    def other_cloud(a: Interface, b: Interface) -> bool:
        ca, cb = topo.cloud_of(device.name, a.name), topo.cloud_of(device.name, b.name)
        return ca is not None and cb is not None and ca.id != cb.id

    for ref in topo.tunnels_of(device.name):  # device.dmvpn_tunnels(), in the same order
        interface = device.interfaces[ref.interface]
        nhrp = interface.nhrp
        if nhrp is None:
            continue
        if nhrp.network_id is not None:
            first = seen_id.setdefault(nhrp.network_id.value, interface)
            if first is not interface and other_cloud(first, interface):
                assert first.nhrp is not None and first.nhrp.network_id is not None
                yield Hit(
                    device=device.name,
                    span=nhrp.network_id.span,
                    message=(
                        f"{where(device, interface)} uses network-id {nhrp.network_id.value}, "
                        f"like {first.name} ({at(first.nhrp.network_id.span)}) of another DMVPN "
                        "network: each network needs its own"
                    ),
                    related=(related(device, first.nhrp.network_id.span),),
                    subject=(interface.name, first.name, "network-id"),
                )
        if nhrp.authentication is not None:
            first = seen_auth.setdefault(nhrp.authentication.value.digest, interface)
            if first is not interface and other_cloud(first, interface):
                assert first.nhrp is not None and first.nhrp.authentication is not None
                yield Hit(
                    device=device.name,
                    span=nhrp.authentication.span,
                    message=(
                        f"{where(device, interface)} uses the same NHRP authentication string "
                        f"as {first.name} ({at(first.nhrp.authentication.span)}) of another "
                        "DMVPN network: each network needs its own (values not shown)"
                    ),
                    related=(related(device, first.nhrp.authentication.span),),
                    subject=(interface.name, first.name, "authentication"),
                )


@check("DMV121", Scope.INTERFACE)
def tunnel_source_down(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    tunnel = interface.tunnel
    if tunnel is None or tunnel.source is None:
        return
    source = tunnel.source.value
    span = tunnel.source.span
    here = where(device, interface)
    if not isinstance(source, str):
        if device.interface_owning(source) is None:
            yield Hit(
                device=device.name,
                span=span,
                message=f"tunnel source {source} of {here} is not an address of any interface of {device.name}",
                subject=(interface.name, "no-owner"),
            )
        return
    src_if = device.interfaces.get(source)
    if src_if is None:
        return  # an undefined interface is DMV002's finding
    if src_if.shutdown is not None and src_if.shutdown.value:
        yield Hit(
            device=device.name,
            span=span,
            message=f"tunnel source {source} of {here} is shut down ({at(src_if.shutdown.span)})",
            related=(related(device, src_if.shutdown.span),),
            subject=(interface.name, "shutdown"),
        )
    elif src_if.address is None and src_if.address_mode is None:
        yield Hit(
            device=device.name,
            span=span,
            message=f"tunnel source {source} of {here} has no IP address ({at(src_if.span)})",
            related=(related(device, src_if.span),),
            subject=(interface.name, "no-address"),
        )


__all__ = [
    "cloud_identity_reused",
    "gre_keepalive_unsupported",
    "protection_shared_missing",
    "tunnel_mode_conflict",
    "tunnel_source_down",
    "tunnel_source_shared_without_key",
    "value_out_of_range",
]
