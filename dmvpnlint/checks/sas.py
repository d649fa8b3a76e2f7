"""The IPsec SAs a tunnel actually gets, per group of peers (DMV301, DMV303, DMV601).

A transform set's `mode transport` is a request: IOS falls back to tunnel mode when the peer
offers only tunnel mode (`crypto_model`). So the mode, the transform set and NAT-T belong to
a *pair* of peers, not to one router: hub1 asking for transport with a spoke that offers only
tunnel gets tunnel-mode SAs on both sides. This module works out, for each protected tunnel,
the SAs with each group of its peers:

- a hub's peers are the spokes registered with it, grouped by effective crypto
  (`signature_id`) and by whether they sit behind NAT;
- a spoke's peers are its hubs, one by one, and in Phase 2/3 clouds (multipoint spokes) the
  cloud's other multipoint spokes, grouped the same way; a spoke behind NAT older than
  12.4(6)T builds no spoke-to-spoke SA (DMV304) and is left out of those.

The negotiated choice is the z3 model of the IPsec proposal match (`ProofCache.match`), asked
once per pair of crypto signatures; the SAs of a (signature, NAT) pair are built once per run,
so 10,000 identical spokes cost a handful of z3 questions and dictionary look-ups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dmvpnlint.checks.crypto_model import (
    IPSEC_FIELDS,
    IpsecOffer,
    TunnelCrypto,
    behind_nat,
    crypto_of,
    proofs,
    signature_id,
)
from dmvpnlint.checks.crypto import direct_spokes_of
from dmvpnlint.checks.releases import no_direct_tunnels_through_nat
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.solver import MatchQuery, MatchResult
from dmvpnlint.topology import TunnelRef

#: a group of peers: (crypto signature number, behind NAT) and its members in topology order
PeerGroup = tuple[tuple[int, bool], list[TunnelRef]]


@dataclass(frozen=True, slots=True)
class PeerSa:
    """The SA between one tunnel and a group of its peers that negotiate alike.

    `offer` is this tunnel's transform set that the negotiation picks and `peer_offer` the
    peer's; `mode` is the negotiated mode; `nat_t` holds when either side is behind NAT.
    `peer` is the group's first member (for messages), `peers` how many there are.
    `offer` may be the same-named set of another tunnel with the same crypto: its transforms
    and requested mode are this tunnel's, its lines are not (use `own_offer`).
    """

    offer: IpsecOffer
    peer_offer: IpsecOffer
    mode: str
    nat_t: bool
    peer: TunnelRef
    peers: int

    def own_offer(self, tc: TunnelCrypto) -> IpsecOffer:
        """This side's transform set as `tc`'s tunnel has it (its lines): `offer` may come from
        another tunnel of the same crypto signature that shares the plan."""
        if self.offer in tc.ipsec:
            return self.offer
        return _named(tc, self.offer.name)

    @property
    def forced_by_peer(self) -> bool:
        """This side asked for transport mode and got tunnel mode: the peer offers only tunnel."""
        return self.offer.mode == "transport" and self.mode == "tunnel"

    def peers_text(self) -> str:
        """`spoke3 Tunnel0` or `spoke3 Tunnel0 and 9,999 other peers like it`."""
        text = f"{self.peer.device} {self.peer.interface}"
        if self.peers > 1:
            others = self.peers - 1
            text += f" and {others:,} other peer{'s' if others > 1 else ''} like it"
        return text


def _usable(ctx: LintContext, ref: TunnelRef, tc: TunnelCrypto) -> bool:
    return tc.protected and bool(tc.ipsec) and tc.profile in ctx.devices[ref.device].crypto.ipsec_profiles


def _grouped(ctx: LintContext, refs: list[TunnelRef]) -> list[PeerGroup]:
    groups: dict[tuple[int, bool], list[TunnelRef]] = defaultdict(list)
    devices = ctx.devices
    ids: dict[TunnelRef, int] = ctx.derived.setdefault("signature_ids", {})  # type: ignore[assignment]
    for ref in refs:
        number = ids.get(ref)
        if number is None:
            number = signature_id(ctx, ref)
        groups[(number, devices[ref.device].inventory.nat is not None)].append(ref)
    return list(groups.items())


def _hub_groups(ctx: LintContext, hub: TunnelRef) -> list[PeerGroup]:
    """The spokes registered with a hub, grouped (hubs registering with hubs are left out, as
    in the IKE/IPsec checks)."""
    roles = ctx.topology.roles
    clients = [s for s in ctx.topology.nhs_clients(hub.device, hub.interface) if roles.get(s) != "hub"]
    return _grouped(ctx, clients)


def _direct_groups(ctx: LintContext, cloud_id: str) -> list[PeerGroup]:
    """A cloud's spokes that build spoke-to-spoke SAs, grouped; once per cloud and run."""
    table: dict[str, list[PeerGroup]] = ctx.derived.setdefault("sa_direct_groups", {})  # type: ignore[assignment]
    found = table.get(cloud_id)
    if found is None:
        found = table[cloud_id] = _grouped(ctx, _direct_members(ctx, cloud_id))
    return found


def _direct_members(ctx: LintContext, cloud_id: str) -> list[TunnelRef]:
    """The cloud's multipoint spokes (shared with DMV202-DMV205) less those behind NAT on a
    release without spoke-to-spoke through NAT."""
    cloud = next(c for c in ctx.topology.clouds if c.id == cloud_id)
    devices = ctx.devices
    return [
        ref for ref in direct_spokes_of(ctx, cloud)
        if devices[ref.device].inventory.nat is None or not no_direct_tunnels_through_nat(devices[ref.device])
    ]


def _match(ctx: LintContext, initiator: TunnelRef, responder: TunnelRef) -> MatchResult:
    """The IPsec proposal match of two tunnels, once per pair of crypto signatures (the same
    question DMV204 asks, so the proof cache answers it without z3 when DMV204 ran)."""
    table: dict[tuple[int, int], MatchResult] = ctx.derived.setdefault("sa_matches", {})  # type: ignore[assignment]
    key = (signature_id(ctx, initiator), signature_id(ctx, responder))
    found = table.get(key)
    if found is None:
        a, b = crypto_of(ctx, initiator), crypto_of(ctx, responder)
        found = table[key] = proofs(ctx).match(MatchQuery(IPSEC_FIELDS, a.ipsec_offers(), b.ipsec_offers()))
    return found


def _named(tc: TunnelCrypto, name: str) -> IpsecOffer:
    return next(o for o in tc.ipsec if o.name == name)


def _sa(ctx: LintContext, me: TunnelRef, peer: TunnelRef, i_initiate: bool, nat_t: bool,
        peers: int) -> PeerSa | None:
    """The SA with one peer (standing for its group); None when the two never agree (DMV204)."""
    result = _match(ctx, me, peer) if i_initiate else _match(ctx, peer, me)
    if not result.matched:
        return None
    mine, theirs = (result.initiator, result.responder) if i_initiate else (result.responder, result.initiator)
    mode = dict(result.choice)["mode"]
    return PeerSa(_named(crypto_of(ctx, me), mine), _named(crypto_of(ctx, peer), theirs), mode, nat_t, peer, peers)


def peer_groups(ctx: LintContext, ref: TunnelRef) -> list[tuple[TunnelRef, int, bool, bool]]:
    """(a peer standing for its group, the group's size, whether `ref` initiates, whether the
    peers are behind NAT) for every group of peers a tunnel builds SAs with. Spokes initiate
    towards hubs; between spokes the tunnel asked about initiates."""
    topology = ctx.topology
    role = topology.roles.get(ref)
    devices = ctx.devices
    out: list[tuple[TunnelRef, int, bool, bool]] = []
    if role == "hub":
        for (_, natted), members in _hub_groups(ctx, ref):
            out.append((members[0], len(members), False, natted))
        return out
    for hub in _spoke_hubs(ctx).get(ref, ()):
        out.append((hub, 1, True, behind_nat(devices[hub.device])))
    mark = _direct_marks(ctx).get(ref)
    if mark is None:
        return out  # not a spoke that builds spoke-to-spoke SAs
    cloud_id = mark if isinstance(mark, str) else mark[0]  # type: ignore[index]
    # `ref` is a member of exactly the group of its own key: known without scanning the group
    mine = (signature_id(ctx, ref), behind_nat(devices[ref.device]))
    for key, members in _direct_groups(ctx, cloud_id):
        size = len(members) - (1 if key == mine else 0)
        if size == 0:
            continue
        first = members[0] if members[0] != ref else members[1]
        out.append((first, size, True, key[1]))
    return out


def _plan_key(ctx: LintContext, ref: TunnelRef, my_sig: int, my_nat: bool) -> tuple[object, ...]:
    """What a tunnel's SAs depend on, so that 10,000 spokes share a few computed plans: a hub's
    are its own; a spoke's are its crypto, its NAT, its hubs and its cloud's spoke groups (and
    itself when it stands for a group, since its peer there is then another spoke)."""
    topology = ctx.topology
    role = topology.roles.get(ref)
    if role == "hub":
        return ("hub", ref)
    return (my_sig, my_nat, _spoke_hubs(ctx).get(ref, ()), _direct_marks(ctx).get(ref))


def _spoke_hubs(ctx: LintContext) -> dict[TunnelRef, tuple[TunnelRef, ...]]:
    """The hubs each tunnel links to (`peers_of` for spokes), for every tunnel in one pass over
    the topology's links, in link order."""
    found = ctx.derived.get("sa_spoke_hubs")
    if found is None:
        lists: dict[TunnelRef, list[TunnelRef]] = {}
        roles = ctx.topology.roles
        for link in ctx.topology.links:
            for hub in link.hubs:
                if roles.get(hub) == "hub":
                    hubs = lists.get(link.source)
                    if hubs is None:
                        lists[link.source] = [hub]
                    elif hub not in hubs:
                        hubs.append(hub)
        found = ctx.derived["sa_spoke_hubs"] = {ref: tuple(hubs) for ref, hubs in lists.items()}
    return found  # type: ignore[return-value]


def _direct_marks(ctx: LintContext) -> dict[TunnelRef, object]:
    """Each spoke that builds spoke-to-spoke SAs, marked with its cloud (and itself when it is
    the first member of its group), for every cloud at once: one dictionary look-up per spoke
    instead of its cloud, interface and release each time."""
    found = ctx.derived.get("sa_direct_marks")
    if found is None:
        found = {}
        for cloud in ctx.topology.clouds:
            for _, members in _direct_groups(ctx, cloud.id):
                for member in members:
                    found[member] = cloud.id
                found[members[0]] = (cloud.id, members[0])
        ctx.derived["sa_direct_marks"] = found
    return found  # type: ignore[return-value]


def peer_sas(ctx: LintContext, ref: TunnelRef) -> tuple[PeerSa, ...]:
    """The SAs of a protected tunnel with each group of its peers, in topology order; empty when
    the tunnel is unprotected, has no peer, or agrees with none (DMV204's finding).

    Tunnels with the same plan (`_plan_key`) share one tuple: each `PeerSa.offer` is then the
    transform set of the tunnel that worked the plan out, equal to this tunnel's set of the
    same name except for its lines; `PeerSa.own_offer` gives this tunnel's."""
    me = crypto_of(ctx, ref)
    if not _usable(ctx, ref, me):
        return ()
    my_nat = behind_nat(ctx.devices[ref.device])
    ids: dict[TunnelRef, int] = ctx.derived.get("signature_ids") or {}  # type: ignore[assignment]
    my_sig = ids.get(ref)
    if my_sig is None:
        my_sig = signature_id(ctx, ref)
    plans: dict[tuple[object, ...], tuple[PeerSa, ...]] = ctx.derived.setdefault("sa_plans", {})  # type: ignore[assignment]
    key = _plan_key(ctx, ref, my_sig, my_nat)
    found = plans.get(key)
    if found is None:
        found = plans[key] = _peer_sas(ctx, ref, my_nat)
    return found


def _peer_sas(ctx: LintContext, ref: TunnelRef, my_nat: bool) -> tuple[PeerSa, ...]:
    out: list[PeerSa] = []
    for peer, size, initiate, natted in peer_groups(ctx, ref):
        if _usable(ctx, peer, crypto_of(ctx, peer)):
            sa = _sa(ctx, ref, peer, initiate, my_nat or natted, size)
            if sa is not None:
                out.append(sa)
    return tuple(out)


__all__ = ["PeerSa", "peer_groups", "peer_sas"]
