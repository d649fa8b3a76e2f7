"""IKE and IPsec checks (DMV201-DMV210): will the peers of a cloud negotiate, and with what.

Peer pairs come from the topology: every hub with the spokes that link to it, and in clouds
whose spokes are multipoint (Phase 2/3) spoke with spoke. Spokes are grouped by their
effective crypto (`TunnelCrypto.signature`), so each (hub, group) and (group, group) pair is
asked once, and z3 (`dmvpnlint.solver`, through the run's `ProofCache`) answers each distinct
question once. Secrets are compared by digest and only ever reported as "differs".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dmvpnlint.checks.common import at, related, where
from dmvpnlint.checks.crypto_model import (
    IKEV1_FIELDS,
    IKEV2_FIELDS,
    IPSEC_FIELDS,
    TunnelCrypto,
    crypto_of,
    crypto_table,
    has_default_isakmp_policies,
    key_for,
    proofs,
    seen_address,
    signature_id,
)
from dmvpnlint.engine.findings import Hit, Scope, Severity
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Interface, Release, Span
from dmvpnlint.solver import MatchQuery, MatchResult
from dmvpnlint.topology import Cloud, TunnelRef

WEAK_IKE = {"des", "3des", "md5"}
WEAK_GROUPS = {"1", "2", "5"}
WEAK_TRANSFORMS = {"esp-des", "esp-3des", "esp-md5-hmac", "esp-null", "ah-md5-hmac"}
REFUSES_WEAK = Release.parse("17.11.1")


def _span(ctx: LintContext, ref: TunnelRef, tc: TunnelCrypto) -> Span:
    if tc.protection_span is not None:
        return tc.protection_span
    return ctx.devices[ref.device].interfaces[ref.interface].span


def _members(ctx: LintContext, cloud: Cloud) -> tuple[list[TunnelRef], list[TunnelRef]]:
    hubs = [m.ref for m in cloud.hubs]
    spokes = [m.ref for m in cloud.spokes]
    return hubs, spokes


def _groups(ctx: LintContext, refs: list[TunnelRef]) -> dict[int, list[TunnelRef]]:
    """The tunnels grouped by effective crypto (`signature_id`), groups and members in the
    order of `refs`."""
    groups: dict[int, list[TunnelRef]] = defaultdict(list)
    ids: dict[TunnelRef, int] = ctx.derived.setdefault("signature_ids", {})  # type: ignore[assignment]
    for ref in refs:
        number = ids.get(ref)
        if number is None:
            number = signature_id(ctx, ref)  # fills `ids`
        groups[number].append(ref)
    return groups


def _cloud_direct_spokes(ctx: LintContext, cloud: Cloud) -> list[TunnelRef]:
    """`_direct_spokes` of a cloud's spokes, once per cloud and run (DMV202, DMV204, DMV205)."""
    table: dict[str, list[TunnelRef]] = ctx.derived.setdefault("direct_spokes", {})  # type: ignore[assignment]
    found = table.get(cloud.id)
    if found is None:
        found = table[cloud.id] = _direct_spokes(ctx, _members(ctx, cloud)[1])
    return found


def direct_spokes_of(ctx: LintContext, cloud: Cloud) -> list[TunnelRef]:
    """A cloud's spokes that build spoke-to-spoke tunnels (multipoint GRE), once per run; the
    negotiated-SA model (`checks.sas`) shares the list with DMV202-DMV205."""
    return _cloud_direct_spokes(ctx, cloud)


def _direct_spokes(ctx: LintContext, spokes: list[TunnelRef]) -> list[TunnelRef]:
    """Spokes that build spoke-to-spoke tunnels: multipoint GRE (Phase 2/3)."""
    out = []
    devices = ctx.devices
    for ref in spokes:
        tunnel = devices[ref.device].interfaces[ref.interface].tunnel
        if tunnel is not None and tunnel.multipoint:
            out.append(ref)
    return out


def _peer_pairs(ctx: LintContext, cloud: Cloud) -> Iterator[tuple[TunnelRef, list[TunnelRef]]]:
    """(peer, spokes that must negotiate with it) for hubs and, in Phase 2/3, one spoke of each
    group; each spoke group appears once per peer: linear in the fleet, quadratic only in the
    number of distinct crypto configurations."""
    hubs, _ = _members(ctx, cloud)
    hub_set = set(hubs)
    for hub in hubs:
        clients = [s for s in ctx.topology.nhs_clients(hub.device, hub.interface) if s not in hub_set]
        yield hub, clients
    groups = list(_groups(ctx, _cloud_direct_spokes(ctx, cloud)).values())
    for i, group in enumerate(groups):
        for other in groups[i + 1:]:
            yield other[0], group


def _peer_groups(ctx: LintContext, cloud: Cloud) -> list[tuple[TunnelRef, list[list[TunnelRef]]]]:
    """`_peer_pairs` with each pair's spokes grouped by effective crypto: computed once per
    cloud and run, shared by the IKE and the IPsec check (two walks of 10,000 spokes less)."""
    table: dict[str, list[tuple[TunnelRef, list[list[TunnelRef]]]]]
    table = ctx.derived.setdefault("peer_groups", {})  # type: ignore[assignment]
    found = table.get(cloud.id)
    if found is None:
        found = table[cloud.id] = [
            (peer, list(_groups(ctx, spokes).values())) for peer, spokes in _peer_pairs(ctx, cloud)
        ]
    return found


def _negotiate(ctx: LintContext, a: TunnelCrypto, b: TunnelCrypto, ipsec: bool) -> MatchResult | None:
    """Ask the solver whether initiator `a` and responder `b` agree (None: nothing to ask)."""
    if ipsec:
        if not a.ipsec or not b.ipsec:
            return None
        return proofs(ctx).match(MatchQuery(IPSEC_FIELDS, a.ipsec_offers(), b.ipsec_offers()))
    if not a.ike or not b.ike or a.ike_version != b.ike_version:
        return None
    fields = IKEV1_FIELDS if a.ike_version == 1 else IKEV2_FIELDS
    return proofs(ctx).match(MatchQuery(fields, a.ike_offers(), b.ike_offers()))


def _differences(result: MatchResult) -> str:
    return "; ".join(
        f"{name} {','.join(mine)} vs {','.join(theirs)}" for name, mine, theirs in result.differences
    )


def _both_protected(ctx: LintContext, a: TunnelRef, b: TunnelRef) -> tuple[TunnelCrypto, TunnelCrypto] | None:
    ca, cb = crypto_of(ctx, a), crypto_of(ctx, b)
    if _usable(ctx, a, ca) and _usable(ctx, b, cb):
        return ca, cb
    return None


def _usable(ctx: LintContext, ref: TunnelRef, tc: TunnelCrypto) -> bool:
    """Protected with an IPsec profile that exists: only then is there something to negotiate."""
    profile = tc.profile
    return tc.protected and bool(profile) and profile in ctx.devices[ref.device].crypto.ipsec_profiles


@check("DMV201", Scope.INTERFACE, needs=("dmvpn", "protected"))
def isakmp_policy_missing(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not interface.is_dmvpn or interface.tunnel is None or interface.tunnel.protection is None:
        return
    profile = device.crypto.ipsec_profiles.get(interface.tunnel.protection.profile)
    if profile is None or profile.ikev2_profile is not None or device.crypto.isakmp_policies:
        return
    disabled = device.crypto.isakmp_default_policy_disabled
    defaults = has_default_isakmp_policies(device)
    here = where(device, interface)
    if defaults and disabled is None:
        yield Hit(
            device=device.name,
            span=interface.tunnel.protection.span,
            message=(
                f"{here} is protected with IKEv1 but {device.name} has no 'crypto isakmp policy': "
                f"release {device.release or device.version.value if device.version else '?'} "
                "falls back to the default policies 65507-65514 (AES-128/3DES, SHA/MD5, group 5/2)"
            ),
            hint="configure a 'crypto isakmp policy' that states the intended proposal",
            subject=(interface.name, "defaults"),
            severity=Severity.WARNING,
        )
        return
    why = (
        f"'no crypto isakmp default policy' ({at(disabled.span)}) turns off the default policies"
        if disabled is not None
        else "IOS before 12.4(20)T has no default policies (release unknown or older)"
        if defaults is None or not defaults
        else ""
    )
    yield Hit(
        device=device.name,
        span=interface.tunnel.protection.span,
        message=(
            f"{here} is protected with IKEv1 but {device.name} has no 'crypto isakmp policy': "
            f"{why}, so IKE phase 1 cannot start"
        ),
        hint="configure 'crypto isakmp policy 10' with encryption, hash, authentication and group",
        subject=(interface.name, "missing"),
    )


def _proposal_hits(ctx: LintContext, cloud: Cloud, ipsec: bool) -> Iterator[Hit]:
    reported: set[TunnelRef] = set()
    for peer, groups in _peer_groups(ctx, cloud):
        for group in groups:
            pair = _both_protected(ctx, group[0], peer)
            if pair is None:
                continue
            mine, theirs = pair
            if not ipsec and mine.ike_version != theirs.ike_version:
                result: MatchResult | None = MatchResult(False, "", "", differences=(
                    ("IKE version", (f"IKEv{mine.ike_version}",), (f"IKEv{theirs.ike_version}",)),))
            else:
                result = _negotiate(ctx, mine, theirs, ipsec)
            if result is None or result.matched:
                continue
            peer_device = ctx.devices[peer.device]
            for spoke in group:
                if spoke in reported:
                    continue
                reported.add(spoke)
                tc = crypto_of(ctx, spoke)
                what = "IPsec transform sets" if ipsec else f"IKEv{tc.ike_version} proposals"
                closest = (
                    f"; closest: {result.initiator} of {spoke.device} and {result.responder} of "
                    f"{peer.device} differ in {_differences(result)}" if result.initiator else
                    f": {_differences(result)}"
                )
                yield Hit(
                    device=spoke.device,
                    span=_span(ctx, spoke, tc),
                    message=(
                        f"{what} of {spoke.device} {spoke.interface} and {peer.device} "
                        f"{peer.interface} ({at(_span(ctx, peer, theirs))}) have no common choice"
                        f"{closest}"
                    ),
                    related=(related(peer_device, _span(ctx, peer, theirs)),),
                    cloud=cloud.id,
                    hint="offer at least one identical proposal on both sides",
                    subject=(spoke.interface, peer.device, peer.interface),
                )


@check("DMV202", Scope.CLOUD)
def ike_proposal_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    yield from _proposal_hits(ctx, cloud, ipsec=False)


@check("DMV204", Scope.CLOUD)
def ipsec_proposal_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    yield from _proposal_hits(ctx, cloud, ipsec=True)


@check("DMV203", Scope.CLOUD)
def ike_key_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    hubs, _ = _members(ctx, cloud)
    hub_set = set(hubs)
    table = crypto_table(ctx)
    for hub in hubs:
        # the hub's side is the same for each of its spokes: looked up once per hub
        theirs = crypto_of(ctx, hub)
        if not _usable(ctx, hub, theirs) or not theirs.psk:
            continue
        hub_addr = seen_address(ctx, hub)
        if hub_addr is None:
            continue
        hub_device = ctx.devices[hub.device]
        for spoke in ctx.topology.nhs_clients(hub.device, hub.interface):
            if spoke in hub_set:
                continue
            mine = table.get(spoke) or crypto_of(ctx, spoke)
            if not mine.psk or not _usable(ctx, spoke, mine) or mine.ike_version != theirs.ike_version:
                continue
            spoke_addr = seen_address(ctx, spoke)
            if spoke_addr is None:
                continue
            my_key, their_key = key_for(mine.keys, hub_addr), key_for(theirs.keys, spoke_addr)
            if my_key is not None and their_key is not None and my_key.secret.digest == their_key.secret.digest:
                continue
            span = _span(ctx, spoke, mine)
            if my_key is None or their_key is None:
                who, addr = (spoke.device, hub_addr) if my_key is None else (hub.device, spoke_addr)
                yield Hit(
                    device=spoke.device,
                    span=span if my_key is None else (my_key.span),
                    message=(
                        f"{who} has no pre-shared key for {addr}, the address of "
                        f"{hub.device if my_key is None else spoke.device}: "
                        f"IKE between {spoke.device} {spoke.interface} and {hub.device} {hub.interface} cannot authenticate"
                    ),
                    related=(related(hub_device, their_key.span if their_key else _span(ctx, hub, theirs)),),
                    cloud=cloud.id,
                    subject=(spoke.interface, hub.device, "no-key"),
                )
            elif my_key.secret.digest != their_key.secret.digest:
                yield Hit(
                    device=spoke.device,
                    span=my_key.span,
                    message=(
                        f"the pre-shared key {spoke.device} uses for {hub.device} ({hub_addr}) differs "
                        f"from the one {hub.device} uses for {spoke.device} ({spoke_addr}, "
                        f"{at(their_key.span)}) (values not shown)"
                    ),
                    related=(related(hub_device, their_key.span),),
                    cloud=cloud.id,
                    subject=(spoke.interface, hub.device, "differs"),
                )


@check("DMV205", Scope.CLOUD)
def spoke_to_spoke_auth(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    direct = sorted(_cloud_direct_spokes(ctx, cloud))
    if len(direct) < 2:
        return
    table = crypto_table(ctx)
    for i, spoke in enumerate(direct):
        other = direct[(i + 1) % len(direct)]
        tc = table.get(spoke) or crypto_of(ctx, spoke)
        if not tc.protected or not tc.psk or not tc.keys:
            continue
        address = seen_address(ctx, other)
        if address is None or key_for(tc.keys, address) is not None:
            continue
        yield Hit(
            device=spoke.device,
            span=tc.keys[0].span,
            message=(
                f"{spoke.device} {spoke.interface} builds spoke-to-spoke tunnels but has no pre-shared "
                f"key for another spoke such as {other.device} ({address}): its keys cover only "
                "specific addresses, so spoke-to-spoke IKE cannot authenticate"
            ),
            cloud=cloud.id,
            hint="use certificates, or a key whose address/mask covers every spoke's NBMA address",
            subject=(spoke.interface,),
        )


@check("DMV206", Scope.DEVICE)
def wildcard_psk(ctx: LintContext, device: Device) -> Iterator[Hit]:
    # the fingerprint names the key by where it lives and what it covers, never by its line:
    # baselines and SARIF must survive an edit above it
    keys = [("isakmp key", key) for key in device.crypto.isakmp_keys]
    for name, keyring in device.crypto.keyrings.items():
        keys.extend((f"keyring {name}", key) for key in keyring.keys)
    for kind, key in keys:
        if key.wildcard:
            yield Hit(
                device=device.name,
                span=key.span,
                message=(
                    f"{device.name} has a wildcard pre-shared key (address 0.0.0.0): anyone "
                    "who learns it from one compromised router can join the cloud"
                ),
                hint="use certificates (rsa-sig) for DMVPN, or keys bound to address ranges",
                subject=(kind, str(key.address), str(key.mask) if key.mask is not None else "no mask"),
            )


@check("DMV207", Scope.INTERFACE, needs=("dmvpn",))
def tunnel_unprotected(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not interface.is_dmvpn or (interface.tunnel is not None and interface.tunnel.protection is not None):
        return
    yield Hit(
        device=device.name,
        span=interface.span,
        message=f"DMVPN tunnel {where(device, interface)} has no 'tunnel protection': its traffic crosses the WAN in clear text",
        hint="add 'tunnel protection ipsec profile NAME'",
        subject=(interface.name,),
    )


def _weak_severity(device: Device) -> Severity | None:
    release = device.release
    if release is not None and release.xe and release >= REFUSES_WEAK:
        return Severity.ERROR
    return None


@check("DMV208", Scope.DEVICE)
def weak_crypto(ctx: LintContext, device: Device) -> Iterator[Hit]:
    severity = _weak_severity(device)
    suffix = f"; release {device.release} refuses it by default" if severity else ""
    crypto = device.crypto
    for policy in crypto.isakmp_policies:
        enc = policy.encryption.value.lower().split()[0] if policy.encryption else "des"
        hsh = policy.hash.value.lower() if policy.hash else "sha"
        grp = str(policy.group.value) if policy.group else "1"
        weak = []
        if enc in WEAK_IKE:
            weak.append("encryption")
        if hsh in WEAK_IKE:
            weak.append("hash")
        if grp in WEAK_GROUPS:
            weak.append("group")
        for name in weak:
            located = getattr(policy, name)
            value = {"encryption": enc, "hash": hsh, "group": grp}[name]
            shown = f"{name} {value}" if located is not None else f"{name} {value} (IOS default: the line is absent)"
            yield Hit(
                device=device.name,
                span=located.span if located is not None else policy.span,
                message=f"crypto isakmp policy {policy.priority} of {device.name} uses weak {shown}{suffix}",
                hint="use AES, SHA-256 or stronger, and DH group 14, 19 or 20",
                subject=(f"policy {policy.priority}", name),
                severity=severity,
            )
    for ts in crypto.transform_sets.values():
        weak_ts = [t for t in ts.transforms if t in WEAK_TRANSFORMS]
        if weak_ts:
            yield Hit(
                device=device.name,
                span=ts.span,
                message=f"transform set {ts.name} of {device.name} uses weak {', '.join(weak_ts)}{suffix}",
                hint="use esp-aes 256 esp-sha256-hmac or esp-gcm 256",
                subject=(f"transform-set {ts.name}",),
                severity=severity,
            )
    for proposal in crypto.ikev2_proposals.values():
        values = [v for v in (*proposal.encryption, *proposal.integrity) if v.value.lower() in WEAK_IKE]
        values += [g for g in proposal.group if str(g.value) in WEAK_GROUPS]
        for located in values:
            yield Hit(
                device=device.name,
                span=located.span,
                message=f"IKEv2 proposal {proposal.name} of {device.name} offers weak {located.value}{suffix}",
                hint="offer AES-CBC-256 or AES-GCM, SHA-256 or stronger, and group 14, 19 or 20",
                subject=(f"proposal {proposal.name}", str(located.value)),
                severity=severity,
            )
    for profile in crypto.ipsec_profiles.values():
        if profile.pfs is not None and profile.pfs.value.lower().removeprefix("group") in WEAK_GROUPS:
            yield Hit(
                device=device.name,
                span=profile.pfs.span,
                message=f"IPsec profile {profile.name} of {device.name} uses PFS {profile.pfs.value}, a weak DH group{suffix}",
                hint="use 'set pfs group14' or stronger",
                subject=(f"profile {profile.name}", "pfs"),
                severity=severity,
            )


@check("DMV209", Scope.INTERFACE)
def nhrp_authentication_too_long(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    nhrp = interface.nhrp
    if nhrp is None or nhrp.authentication is None or nhrp.authentication.value.length <= 8:
        return
    yield Hit(
        device=device.name,
        span=nhrp.authentication.span,
        message=(
            f"the NHRP authentication string of {where(device, interface)} has "
            f"{nhrp.authentication.value.length} characters; IOS keeps only the first 8 "
            "(value not shown), so peers that configure the full string disagree"
        ),
        hint="use an NHRP authentication string of at most 8 characters",
        subject=(interface.name,),
    )


@check("DMV210", Scope.CLOUD)
def protection_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    hubs, _ = _members(ctx, cloud)
    hub_set = set(hubs)
    table = crypto_table(ctx)
    reported: set[TunnelRef] = set()
    for hub in hubs:
        hub_tc = crypto_of(ctx, hub)
        for spoke in ctx.topology.nhs_clients(hub.device, hub.interface):
            if spoke in hub_set:
                continue
            tc = table.get(spoke) or crypto_of(ctx, spoke)
            if tc.protected == hub_tc.protected:
                continue
            reported.add(spoke)
            yield _protection_hit(ctx, cloud, spoke, tc, hub, hub_tc, "the tunnel between them")
    yield from _spoke_protection_hits(ctx, cloud, reported)


def _spoke_protection_hits(ctx: LintContext, cloud: Cloud, reported: set[TunnelRef]) -> Iterator[Hit]:
    """Phase 2/3: spokes that agree with their hubs but not with each other (hubs of one cloud
    that disagree, each with its own spokes). A spoke already reported against a hub explains
    its spoke-to-spoke failures too, so it is neither reported again nor named as the other
    side. Linear: each spoke is compared with the first spoke of the other kind."""
    table = crypto_table(ctx)
    sides: dict[bool, list[tuple[TunnelRef, TunnelCrypto]]] = {True: [], False: []}
    for spoke in _cloud_direct_spokes(ctx, cloud):
        if spoke not in reported:
            tc = table.get(spoke) or crypto_of(ctx, spoke)
            sides[tc.protected].append((spoke, tc))
    if not sides[True] or not sides[False]:
        return
    for protected in (True, False):
        other, other_tc = sides[not protected][0]
        for spoke, tc in sides[protected]:
            yield _protection_hit(ctx, cloud, spoke, tc, other, other_tc, "the spoke-to-spoke tunnel between them")


def _protection_hit(ctx: LintContext, cloud: Cloud, spoke: TunnelRef, tc: TunnelCrypto, peer: TunnelRef,
                    peer_tc: TunnelCrypto, what: str) -> Hit:
    protected, bare = (spoke, peer) if tc.protected else (peer, spoke)
    return Hit(
        device=spoke.device,
        span=_span(ctx, spoke, tc),
        message=(
            f"{protected.device} {protected.interface} protects its tunnel with IPsec and "
            f"{bare.device} {bare.interface} does not: {what} never carries traffic"
        ),
        related=(related(ctx.devices[peer.device], _span(ctx, peer, peer_tc)),),
        cloud=cloud.id,
        hint="configure the same 'tunnel protection' on every member of the cloud",
        subject=(spoke.interface, peer.device, peer.interface),
    )


__all__ = [
    "direct_spokes_of",
    "ike_key_mismatch",
    "ike_proposal_mismatch",
    "ipsec_proposal_mismatch",
    "isakmp_policy_missing",
    "nhrp_authentication_too_long",
    "protection_mismatch",
    "spoke_to_spoke_auth",
    "tunnel_unprotected",
    "weak_crypto",
]
