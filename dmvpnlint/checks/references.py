"""Undefined and unused references inside one device (DMV002, DMV003), after Batfish's
`undefinedReferences` and `unusedStructures` questions: structure type, name, context, line."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass

from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Span


@dataclass(frozen=True, slots=True)
class Reference:
    kind: str  # "ipsec-profile", "transform-set", "vrf", "interface", ...
    name: str
    context: str  # where it is used: "interface Tunnel0", "crypto ipsec profile vpnprof"
    span: Span


_ROUTE_MAP_IN_TEXT = re.compile(r"\broute-map\s+(\S+)")


def references(device: Device) -> Iterator[Reference]:
    """Every use of a named structure that the model records, in config order per kind."""
    crypto = device.crypto
    for interface in device.interfaces.values():
        tunnel = interface.tunnel
        if (interface.vrf is None and tunnel is None and not interface.split_horizon_eigrp
                and not interface.next_hop_self_eigrp):
            continue  # most interfaces refer to nothing: no context text to format
        ctx = f"interface {interface.name}"
        if interface.vrf is not None:
            yield Reference("vrf", interface.vrf.value, ctx, interface.vrf.span)
        if tunnel is not None:
            if tunnel.protection is not None:
                yield Reference("ipsec-profile", tunnel.protection.profile, ctx, tunnel.protection.span)
            if tunnel.vrf is not None:
                yield Reference("vrf", tunnel.vrf.value, ctx, tunnel.vrf.span)
            if tunnel.source is not None and isinstance(tunnel.source.value, str):
                yield Reference("interface", tunnel.source.value, ctx, tunnel.source.span)
        for setting in (*interface.split_horizon_eigrp, *interface.next_hop_self_eigrp):
            yield Reference("eigrp", str(setting.asn), ctx, setting.span)
    for profile in crypto.ipsec_profiles.values():
        ctx = f"crypto ipsec profile {profile.name}"
        for ts in profile.transform_sets:
            yield Reference("transform-set", ts.value, ctx, ts.span)
        if profile.ikev2_profile is not None:
            yield Reference("ikev2-profile", profile.ikev2_profile.value, ctx, profile.ikev2_profile.span)
        if profile.isakmp_profile is not None:
            yield Reference("isakmp-profile", profile.isakmp_profile.value, ctx, profile.isakmp_profile.span)
    for ref in crypto.crypto_map_references:
        # a crypto map names transform sets and profiles alike; we only need "used"
        yield Reference("crypto-map-use", ref.value, "crypto map", ref.span)
    for ikev2 in crypto.ikev2_profiles.values():
        ctx = f"crypto ikev2 profile {ikev2.name}"
        for ring in (ikev2.keyring_local, ikev2.keyring):
            if ring is not None:
                yield Reference("ikev2-keyring", ring.value, ctx, ring.span)
        if ikev2.match_fvrf is not None and ikev2.match_fvrf.value != "any":
            yield Reference("vrf", ikev2.match_fvrf.value, ctx, ikev2.match_fvrf.span)
    for policy in crypto.ikev2_policies.values():
        ctx = f"crypto ikev2 policy {policy.name}"
        for proposal in policy.proposals:
            yield Reference("ikev2-proposal", proposal.value, ctx, proposal.span)
        if policy.match_fvrf is not None and policy.match_fvrf.value != "any":
            yield Reference("vrf", policy.match_fvrf.value, ctx, policy.match_fvrf.span)
    for isakmp in crypto.isakmp_profiles.values():
        ctx = f"crypto isakmp profile {isakmp.name}"
        for ring in isakmp.keyrings:
            yield Reference("isakmp-keyring", ring.value, ctx, ring.span)
        if isakmp.vrf is not None:
            yield Reference("vrf", isakmp.vrf.value, ctx, isakmp.vrf.span)
    for keyring in crypto.keyrings.values():
        if keyring.vrf is not None:
            yield Reference("vrf", keyring.vrf, f"crypto keyring {keyring.name}", keyring.span)
    bgp = device.routing.bgp
    if bgp is not None:
        ctx = f"router bgp {bgp.asn}"
        groups = {n.address for n in bgp.neighbors.values() if isinstance(n.address, str)}
        for neighbor in bgp.neighbors.values():
            if neighbor.update_source is not None:
                yield Reference("interface", neighbor.update_source.value, ctx, neighbor.update_source.span)
            if neighbor.peer_group is not None and neighbor.peer_group.value not in groups:
                yield Reference("peer-group", neighbor.peer_group.value, ctx, neighbor.peer_group.span)
        for af in bgp.address_families:
            af_ctx = f"{ctx} address-family {af.afi}" + (f" vrf {af.vrf}" if af.vrf else "")
            if af.vrf is not None:
                yield Reference("vrf", af.vrf, af_ctx, af.span)
            for neighbor in af.neighbors.values():
                for route_map in neighbor.route_maps:
                    yield Reference("route-map", route_map.value[0], af_ctx, route_map.span)
            for redistribute in af.redistribute:
                if m := _ROUTE_MAP_IN_TEXT.search(redistribute.value):
                    yield Reference("route-map", m.group(1), af_ctx, redistribute.span)
    for process in device.routing.eigrp:
        for vrf in process.vrf_networks:
            yield Reference("vrf", vrf, f"router eigrp {process.asn or process.name}", process.span)
    for ospf in device.routing.ospf:
        if ospf.vrf is not None:
            yield Reference("vrf", ospf.vrf, f"router ospf {ospf.pid}", ospf.span)
    for route in device.routing.static_routes:
        if route.vrf is not None:
            yield Reference("vrf", route.vrf, f"ip route vrf {route.vrf}", route.span)
        if route.interface is not None:
            yield Reference("interface", route.interface, "ip route", route.span)


def _peer_groups(device: Device) -> set[str]:
    bgp = device.routing.bgp
    return {n.address for n in bgp.neighbors.values() if isinstance(n.address, str)} if bgp else set()


#: the names a device defines, by structure kind (a device's table is built only for the kinds
#: its references use: most spokes refer to an interface, a profile and a transform set)
_DEFINED: dict[str, Callable[[Device], Container[str]]] = {
    "vrf": lambda d: d.vrfs,
    "ipsec-profile": lambda d: d.crypto.ipsec_profiles,
    "interface": lambda d: d.interfaces,
    "eigrp": lambda d: {str(p.asn) for p in d.routing.eigrp if p.asn is not None},
    "transform-set": lambda d: d.crypto.transform_sets,
    "ikev2-profile": lambda d: d.crypto.ikev2_profiles,
    "isakmp-profile": lambda d: d.crypto.isakmp_profiles,
    "ikev2-keyring": lambda d: {k.name for k in d.crypto.keyrings.values() if k.kind == "ikev2"},
    "isakmp-keyring": lambda d: {k.name for k in d.crypto.keyrings.values() if k.kind == "isakmp"},
    "ikev2-proposal": lambda d: d.crypto.ikev2_proposals,
    "peer-group": _peer_groups,
    "route-map": lambda d: d.route_maps,
}


def _references_of(ctx: LintContext, device: Device) -> list[Reference]:
    """`references(device)` as a list, kept for the device's next check: DMV002 and DMV003
    both read it and the runner calls a device's checks one after the other (any other order
    only recomputes it)."""
    last = ctx.derived.get("references")
    if last is not None and last[0] is device:  # type: ignore[index]
        return last[1]  # type: ignore[index,no-any-return]
    found = list(references(device))
    ctx.derived["references"] = (device, found)
    return found


_KIND_WORDS = {
    "vrf": "VRF",
    "ipsec-profile": "IPsec profile",
    "interface": "interface",
    "eigrp": "EIGRP process",
    "transform-set": "transform set",
    "ikev2-profile": "IKEv2 profile",
    "isakmp-profile": "ISAKMP profile",
    "ikev2-keyring": "IKEv2 keyring",
    "isakmp-keyring": "keyring",
    "ikev2-proposal": "IKEv2 proposal",
    "peer-group": "BGP peer-group",
    "route-map": "route-map",
}

_DEFINE_HINT = {
    "eigrp": "router eigrp {name}",
    "ipsec-profile": "crypto ipsec profile {name}",
    "transform-set": "crypto ipsec transform-set {name} ...",
    "vrf": "vrf definition {name} (or ip vrf {name})",
}


@check("DMV002", Scope.DEVICE)
def undefined_reference(ctx: LintContext, device: Device) -> Iterator[Hit]:
    defined: dict[str, Container[str]] = {}
    for ref in _references_of(ctx, device):
        kind = ref.kind
        if kind == "crypto-map-use":
            continue
        names = defined.get(kind)
        if names is None:
            names = defined[kind] = _DEFINED[kind](device)
        if ref.name in names:
            continue
        words = _KIND_WORDS[ref.kind]
        message = f"{ref.context} uses {words} '{ref.name}', which {device.name} does not define"
        if ref.kind == "eigrp":
            message = (
                f"{ref.context} configures EIGRP {ref.name} on the interface, but {device.name} "
                f"has no router eigrp {ref.name}"
            )
        hint = _DEFINE_HINT.get(ref.kind)
        yield Hit(
            device=device.name,
            span=ref.span,
            message=message,
            hint=f"define it ('{hint.format(name=ref.name)}') or fix the name" if hint else None,
            subject=(ref.kind, ref.name, ref.context),
        )


@check("DMV003", Scope.DEVICE)
def unused_structure(ctx: LintContext, device: Device) -> Iterator[Hit]:
    used: dict[str, set[str]] = {}
    for ref in _references_of(ctx, device):
        used.setdefault(ref.kind, set()).add(ref.name)
    for kind, name in device.other_references:
        used.setdefault(kind, set()).add(name)
    by_crypto_map = used.get("crypto-map-use", set())
    crypto = device.crypto

    def unused(kind: str, name: str) -> bool:
        return name not in used.get(kind, set()) and name not in by_crypto_map

    candidates: list[tuple[str, str, Span]] = []
    candidates += [("transform-set", t.name, t.span) for t in crypto.transform_sets.values()]
    candidates += [("ipsec-profile", p.name, p.span) for p in crypto.ipsec_profiles.values()]
    candidates += [("isakmp-profile", p.name, p.span) for p in crypto.isakmp_profiles.values()]
    candidates += [("ikev2-profile", p.name, p.span) for p in crypto.ikev2_profiles.values()]
    candidates += [
        ("ikev2-keyring", k.name, k.span) for k in crypto.keyrings.values() if k.kind == "ikev2"
    ]
    if crypto.isakmp_profiles:
        # without ISAKMP profiles IOS searches every IKEv1 keyring: none is unused then
        candidates += [
            ("isakmp-keyring", k.name, k.span) for k in crypto.keyrings.values() if k.kind == "isakmp"
        ]
    candidates += [("vrf", v.name, v.span) for v in device.vrfs.values()]
    candidates += [("route-map", r.name, r.span) for r in device.route_maps.values()]
    for kind, name, span in candidates:
        if unused(kind, name):
            yield Hit(
                device=device.name,
                span=span,
                message=f"{_KIND_WORDS[kind]} '{name}' is defined on {device.name} but never used",
                subject=(kind, name),
            )
