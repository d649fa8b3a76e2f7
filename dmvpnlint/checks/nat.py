"""NAT checks (DMV301-DMV305): what the inventory's `nat:` facts mean for a DMVPN cloud.

The configs cannot say that a router sits behind a NAT box; the inventory does
(`nat: {outside: A.B.C.D, type: static|pat}`). Without it these checks stay silent.
Release comparisons follow the guide's NAT-Transparency section (`checks.releases`): hub behind
static NAT from 12.3(9a) (mainline) and 12.3(11)T, spoke-to-spoke through NAT from 12.4(6)T.
Tunnel mode is judged per SA (`checks.sas`): a transform set asking for transport mode is in
tunnel mode with a peer that offers only tunnel mode.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dmvpnlint.checks.common import at, where
from dmvpnlint.checks.crypto_model import crypto_of
from dmvpnlint.checks.releases import HUB_BEHIND_STATIC_NAT, SPOKE_TO_SPOKE_THROUGH_NAT, older_than
from dmvpnlint.checks.sas import PeerSa, peer_sas
from dmvpnlint.engine.findings import Hit, Related, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Interface, IPAddress, Span
from dmvpnlint.topology import Cloud, TunnelRef


def _tunnel_mode_sets(ctx: LintContext, device: Device, interface: Interface) -> list[tuple[str, Span, PeerSa | None]]:
    """The tunnel's transform sets whose SAs are in tunnel mode, each once with the first SA
    that shows it: the negotiated mode with each group of peers (`checks.sas`; a set asking
    for transport gets tunnel mode from a peer that offers only tunnel), or, for a tunnel that
    agrees with no peer, the mode each set asks for."""
    ref = TunnelRef(device.name, interface.name)
    sas = peer_sas(ctx, ref)
    if not sas:
        tc = crypto_of(ctx, ref)
        return [(o.name, o.mode_span or o.span or interface.span, None) for o in tc.ipsec if o.mode == "tunnel"]
    found: dict[str, tuple[str, Span, PeerSa | None]] = {}
    tc = crypto_of(ctx, ref)
    for sa in sas:
        if sa.mode == "tunnel" and sa.offer.name not in found:
            offer = sa.own_offer(tc)
            found[offer.name] = (offer.name, offer.mode_span or offer.span or interface.span, sa)
    return list(found.values())


def _forced_text(sa: PeerSa | None) -> str:
    """Why a set asking for transport mode is in tunnel mode, for messages ("" otherwise)."""
    if sa is None or not sa.forced_by_peer:
        return ""
    where_ = f" ({at(sa.peer_offer.span)})" if sa.peer_offer.span is not None else " (IOS default set)"
    return (f"asks for transport mode while {sa.peer.device}'s transform set {sa.peer_offer.name}"
            f"{where_} offers only tunnel mode, so the SA with {sa.peers_text()} is in tunnel mode")


def _nat_related(device: Device) -> tuple[Related, ...]:
    nat = device.inventory.nat
    return (Related(device.name, nat.span),) if nat is not None else ()


@check("DMV301", Scope.INTERFACE, needs=("dmvpn", "nat"))
def nat_requires_transport_mode(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    nat = device.inventory.nat
    if nat is None or not interface.is_dmvpn:
        return
    for name, span, sa in _tunnel_mode_sets(ctx, device, interface):
        forced = _forced_text(sa)
        if forced:
            assert sa is not None
            uses = forced
            hint = f"add 'mode transport' to transform set {sa.peer_offer.name} of {sa.peer.device}"
            peer_related: tuple[Related, ...] = (
                (Related(sa.peer.device, sa.peer_offer.span),) if sa.peer_offer.span is not None else ())
        else:
            uses = "uses tunnel mode"
            hint = f"add 'mode transport' to transform set {name}"
            peer_related = ()
        yield Hit(
            device=device.name,
            span=span,
            message=(
                f"{device.name} is behind NAT ({nat.type} to {nat.outside}, {at(nat.span)}) but "
                f"transform set {name} of {where(device, interface)} {uses}: NHRP "
                "learns the NAT outside address only with IPsec transport mode"
            ),
            related=_nat_related(device) + peer_related,
            hint=hint,
            subject=(interface.name, name),
        )


@check("DMV302", Scope.FLEET)
def pat_not_supported(ctx: LintContext) -> Iterator[Hit]:
    by_outside: dict[IPAddress, list[Device]] = defaultdict(list)
    for device in ctx.fleet.devices:
        nat = device.inventory.nat
        if nat is not None and nat.type == "pat" and device.dmvpn_tunnels():
            by_outside[nat.outside].append(device)
    for outside, devices in by_outside.items():
        if len(devices) < 2:
            continue
        first = devices[0]
        assert first.inventory.nat is not None
        for device in devices[1:]:
            nat = device.inventory.nat
            assert nat is not None
            yield Hit(
                device=device.name,
                span=nat.span,
                message=(
                    f"{device.name} and {first.name} ({at(first.inventory.nat.span)}) are both "
                    f"translated by PAT to {outside}: DMVPN needs a unique address per spoke after NAT"
                ),
                related=_nat_related(first),
                hint="give each DMVPN router its own outside address (static NAT or one-to-one)",
                subject=(str(outside), first.name),
            )


@check("DMV303", Scope.CLOUD)
def hub_behind_nat(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    old = [
        (m, ctx.devices[m.device].release) for m in cloud.members
        if ctx.devices[m.device].release is not None
        and older_than(ctx.devices[m.device].release, *HUB_BEHIND_STATIC_NAT)  # type: ignore[arg-type]
    ]
    seen: set[str] = set()
    for hub in cloud.hubs:
        device = ctx.devices[hub.device]
        nat = device.inventory.nat
        if nat is None or device.name in seen:
            continue
        seen.add(device.name)
        reasons = []
        keys = []  # the fingerprint's words for the reasons: the messages may name lines
        if nat.type != "static":
            reasons.append(f"the translation is {nat.type}, not static NAT")
            keys.append(reasons[-1])
        _, interface = ctx.interface(hub.ref)
        tunnel_sets = _tunnel_mode_sets(ctx, device, interface)
        if tunnel_sets:
            name, _, sa = tunnel_sets[0]
            reasons.append(f"transform set {name} {_forced_text(sa) or 'uses tunnel mode'}")
            keys.append(f"transform set {name} uses tunnel mode")
        if old:
            member, release = old[0]
            reasons.append(f"{member.device} runs {release}, older than 12.3(9a)/12.3(11)T")
            keys.append(reasons[-1])
        if reasons:
            yield Hit(
                device=device.name,
                span=nat.span,
                message=(
                    f"{where(device, interface)} is a hub behind NAT (outside {nat.outside}) but "
                    + "; ".join(reasons)
                ),
                related=(Related(device.name, interface.span),),
                cloud=cloud.id,
                hint="put the hub behind static NAT, use transport mode, upgrade every member",
                subject=(hub.interface, *keys),
            )


@check("DMV304", Scope.INTERFACE, needs=("spoke", "nat"))
def nat_spoke_no_direct_tunnels(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    nat, release = device.inventory.nat, device.release
    if nat is None or release is None or not interface.is_dmvpn:
        return
    if interface.tunnel is None or not interface.tunnel.multipoint:
        return
    if ctx.topology.role_of(device.name, interface.name) != "spoke":
        return
    if not older_than(release, *SPOKE_TO_SPOKE_THROUGH_NAT):
        return
    yield Hit(
        device=device.name,
        span=nat.span,
        message=(
            f"{where(device, interface)} is a spoke behind NAT and runs {release}, older than "
            "12.4(6)T: it builds no spoke-to-spoke tunnels, all its traffic goes through the hub"
        ),
        related=(Related(device.name, interface.span),),
        hint="upgrade the spoke to 12.4(6)T or later",
        subject=(interface.name,),
    )


@check("DMV305", Scope.FLEET)
def duplicate_nbma_address(ctx: LintContext) -> Iterator[Hit]:
    by_address: dict[IPAddress, list[tuple[Device, Span, TunnelRef]]] = defaultdict(list)
    for ref, nbma in ctx.topology.nbma.items():
        device = ctx.devices[ref.device]
        nat = device.inventory.nat
        if nat is not None:
            address: IPAddress = nat.outside
            span = nat.span
        else:
            source = device.interfaces.get(nbma.source_interface) if nbma.source_interface else None
            if source is None or source.address is None:
                continue
            address, span = source.address.value.ip, source.address.span
        entries = by_address[address]
        if not entries or all(d.name != device.name for d, _, _ in entries):
            entries.append((device, span, ref))
    for address, entries in by_address.items():
        if len(entries) < 2:
            continue
        if all(d.inventory.nat is not None and d.inventory.nat.type == "pat" for d, _, _ in entries):
            continue  # DMV302's finding
        first, first_span, _ = entries[0]
        for device, span, ref in entries[1:]:
            if device.inventory.nat is not None and device.inventory.nat.type == "pat" and \
                    first.inventory.nat is not None and first.inventory.nat.type == "pat":
                continue
            yield Hit(
                device=device.name,
                span=span,
                message=(
                    f"{device.name} and {first.name} ({at(first_span)}) have the same NBMA address "
                    f"{address} after NAT: NHRP cannot tell them apart"
                ),
                related=(Related(first.name, first_span),),
                hint="give each DMVPN router its own address after NAT",
                subject=(str(address), first.name),
            )


__all__ = [
    "duplicate_nbma_address",
    "hub_behind_nat",
    "nat_requires_transport_mode",
    "nat_spoke_no_direct_tunnels",
    "older_than",
    "pat_not_supported",
]
