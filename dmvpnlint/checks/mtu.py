"""MTU checks (DMV601-DMV603): will encrypted GRE packets fit the WAN, proven with z3.

For each protected DMVPN tunnel with an `ip mtu`, each SA it negotiates with a group of its
peers (`checks.sas`: the transform set and mode both sides agree on, NAT-T when the inventory
puts either side behind NAT) gives an `Encapsulation` (GRE with or without key, ESP
IV/padding/ICV, AH, transport or tunnel mode); a tunnel that agrees with no peer is judged by
its own transform sets in the mode each asks for. The solver
proves the largest inner packet that fits the WAN interface MTU (the tunnel source's `mtu`,
1500 by default) and finds the largest allowed one that does not. Identical questions are asked
once per run.
"""

from __future__ import annotations

from collections.abc import Iterator

from dmvpnlint.checks.common import at, related, where
from dmvpnlint.checks.crypto_model import IpsecOffer, behind_nat, crypto_of, crypto_table, peers_of, proofs
from dmvpnlint.checks.sas import PeerSa, peer_sas
from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Interface
from dmvpnlint.solver import MtuProof, MtuQuery
from dmvpnlint.topology import TunnelRef

DEFAULT_WAN_MTU = 1500


def wan_interface(device: Device, interface: Interface) -> Interface | None:
    tunnel = interface.tunnel
    if tunnel is None or tunnel.source is None:
        return None
    source = tunnel.source.value
    if isinstance(source, str):
        return device.interfaces.get(source)
    return device.interface_owning(source)


def _nat_clouds(ctx: LintContext) -> set[str]:
    """Clouds with a spoke behind NAT, for spoke-to-spoke SAs (computed once per run)."""
    found = ctx.derived.get("nat_clouds")
    if found is None:
        found = set()
        for cloud in ctx.topology.clouds:
            if any(behind_nat(ctx.devices[m.device]) for m in cloud.spokes):
                found.add(cloud.id)
        ctx.derived["nat_clouds"] = found
    return found  # type: ignore[return-value]


def _natted_tunnels(ctx: LintContext) -> set[TunnelRef]:
    """Tunnels of devices behind NAT (computed once per run): most fleets have none, and then
    no tunnel's peers need to be walked for `nat_t`."""
    found = ctx.derived.get("natted_tunnels")
    if found is None:
        devices = ctx.devices
        found = {ref for ref in ctx.topology.roles if behind_nat(devices[ref.device])}
        ctx.derived["natted_tunnels"] = found
    return found  # type: ignore[return-value]


def nat_t(ctx: LintContext, device: Device, interface: Interface) -> bool:
    """NAT-T applies when the tunnel's device or any peer it builds SAs with is behind NAT."""
    if behind_nat(device):
        return True
    if not _natted_tunnels(ctx):
        return False  # no peer and no spoke of any cloud is behind NAT
    ref = TunnelRef(device.name, interface.name)
    if any(behind_nat(ctx.devices[p.device]) for p in peers_of(ctx, ref)):
        return True
    cloud = ctx.topology.cloud_of(device.name, interface.name)
    direct = interface.tunnel is not None and interface.tunnel.multipoint
    return cloud is not None and direct and ctx.topology.role_of(device.name, interface.name) == "spoke" \
        and cloud.id in _nat_clouds(ctx)


@check("DMV601", Scope.INTERFACE, needs=("dmvpn", "protected"))
def mtu_exceeds_path(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not interface.is_dmvpn or interface.ip_mtu is None:
        return
    ref = TunnelRef(device.name, interface.name)
    tc = crypto_table(ctx).get(ref) or crypto_of(ctx, ref)
    if not tc.protected or not tc.ipsec:
        return
    wan = wan_interface(device, interface)
    wan_mtu = wan.mtu.value if wan is not None and wan.mtu is not None else DEFAULT_WAN_MTU
    key = interface.tunnel is not None and interface.tunnel.key is not None
    ip_mtu = interface.ip_mtu.value
    cache = proofs(ctx)
    worst: tuple[MtuProof, IpsecOffer, str, bool, PeerSa | None] | None = None
    for offer, mode, natt, sa in _judged(ctx, device, interface, ref, tc.ipsec):
        proof = cache.mtu(_query(ctx, offer, key, natt, ip_mtu, wan_mtu, mode))
        if proof.exceeds and (worst is None or _worse(proof, worst[0])):
            worst = (proof, offer, mode, natt, sa)
    if worst is None:
        return
    proof, offer, mode, natt, sa = worst
    if sa is not None:
        offer = sa.own_offer(tc)  # this tunnel's lines
    wan_text = f"{wan.name} MTU {wan_mtu}" if wan is not None else f"WAN MTU {wan_mtu}"
    if wan is not None and wan.mtu is None:
        wan_text += " (default)"
    extras = ", ".join(x for x in ("GRE key" if key else "", "NAT-T" if natt else "") if x)
    fits = (f"{proof.largest_fit} is the largest that fits and {proof.first_too_big} the first that does not"
            if proof.largest_fit is not None else "no packet fits")
    yield Hit(
        device=device.name,
        span=interface.ip_mtu.span,
        message=(
            f"ip mtu {ip_mtu} on {where(device, interface)}: a {proof.witness}-byte "
            f"packet becomes {proof.witness_outer} bytes with {offer.label} in {mode} mode"
            f"{' with ' + extras if extras else ''}, over {wan_text}; {fits}{_sa_text(sa)}"
        ),
        related=(related(device, offer.span),) if offer.span else (),
        hint=f"set 'ip mtu {proof.largest_fit}' or lower" if proof.largest_fit else None,
        subject=(interface.name, offer.name),
    )


def _worse(proof: MtuProof, than: MtuProof) -> bool:
    """The SA that needs the lowest `ip mtu` is reported (its hint fixes every SA)."""
    return (proof.largest_fit or 0) < (than.largest_fit or 0)


def _sa_text(sa: PeerSa | None) -> str:
    if sa is None:
        return ""
    why = ""
    if sa.forced_by_peer:
        why = f": {sa.peer.device} offers only tunnel mode, so the request for transport mode falls back"
    return f" (the SA with {sa.peers_text()}{why})"


def _judged(ctx: LintContext, device: Device, interface: Interface, ref: TunnelRef,
            offers: tuple[IpsecOffer, ...]) -> Iterator[tuple[IpsecOffer, str, bool, PeerSa | None]]:
    """What to prove: each distinct negotiated SA of the tunnel (transform set, mode, NAT-T);
    a tunnel that agrees with no peer (or has none) is judged by its own transform sets, in
    the mode each asks for."""
    sas = peer_sas(ctx, ref)
    if not sas:
        natt = nat_t(ctx, device, interface)
        for offer in offers:
            yield offer, offer.mode, natt, None
        return
    seen: set[tuple[str, str, bool]] = set()
    for sa in sas:
        distinct = (sa.offer.name, sa.mode, sa.nat_t)
        if distinct not in seen:
            seen.add(distinct)
            yield sa.offer, sa.mode, sa.nat_t, sa


def _query(ctx: LintContext, offer: IpsecOffer, gre_key: bool, nat_t: bool, ip_mtu: int, wan_mtu: int,
           mode: str | None = None) -> MtuQuery:
    """The MTU question of one transform set (in `mode`, the negotiated one, or else the mode it
    asks for), built once per run for each distinct set and MTU pair (10,000 identical spokes
    ask one question; the proof cache still counts each)."""
    table: dict[tuple[object, ...], MtuQuery] = ctx.derived.setdefault("mtu_queries", {})  # type: ignore[assignment]
    mode = mode or offer.mode
    key = (offer.transforms, mode, gre_key, nat_t, ip_mtu, wan_mtu)
    found = table.get(key)
    if found is None:
        found = table[key] = MtuQuery(offer.encapsulation(gre_key, nat_t, mode), ip_mtu, wan_mtu)
    return found


@check("DMV602", Scope.INTERFACE, needs=("dmvpn",))
def mss_too_large(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    mss, mtu = interface.tcp_adjust_mss, interface.ip_mtu
    if not interface.is_dmvpn or mss is None or mtu is None or mss.value <= mtu.value - 40:
        return
    yield Hit(
        device=device.name,
        span=mss.span,
        message=(
            f"ip tcp adjust-mss {mss.value} on {where(device, interface)} is above ip mtu "
            f"{mtu.value} ({at(mtu.span)}) minus 40 bytes of IP and TCP headers = {mtu.value - 40}"
        ),
        related=(related(device, mtu.span),),
        hint=f"set 'ip tcp adjust-mss {mtu.value - 40}'",
        subject=(interface.name,),
    )


@check("DMV603", Scope.INTERFACE, needs=("dmvpn", "protected"))
def mtu_not_set(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    tunnel = interface.tunnel
    if not interface.is_dmvpn or tunnel is None or tunnel.protection is None or interface.ip_mtu is not None:
        return
    yield Hit(
        device=device.name,
        span=interface.span,
        message=(
            f"protected DMVPN tunnel {where(device, interface)} has no 'ip mtu': packets near "
            "the WAN MTU are fragmented after GRE and IPsec are added"
        ),
        hint="set 'ip mtu 1400' and 'ip tcp adjust-mss 1360' (guide)",
        subject=(interface.name,),
    )


__all__ = ["mss_too_large", "mtu_exceeds_path", "mtu_not_set", "nat_t", "wan_interface"]
