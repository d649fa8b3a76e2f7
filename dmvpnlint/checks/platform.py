"""Platform and release checks: what breaks on a Catalyst 6500 / 7600, and which release a
feature needs (DMV401–DMV411).

The platform, supervisor and release come from the inventory; a release can also be bounded by
the config's `version X.Y` line (every release that prints it). Unknown is not absent: without
an inventory platform a device is not a 6500, and without a release nothing is too old.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dmvpnlint.checks.common import at, related, where
from dmvpnlint.checks.routing import igps_on
from dmvpnlint.engine.findings import Hit, Related, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.features import features_used
from dmvpnlint.model import Device, Interface, Release, Span
from dmvpnlint.platforms import is_c6500_class, is_sup720, platform_label
from dmvpnlint.releases import parse_all, parse_version_line, release_has, train_of, version_lacks
from dmvpnlint.topology import Cloud, TunnelRef

#: The guide's minimum for a non-6500 peer of a 6500 across NAT (DMV405).
NAT_PEER_MINIMUM = parse_all(["12.3(11)T02"])
#: DMV408: the guide's IP MTU for the mGRE interface of VRF-aware DMVPN on a 6500/7600.
C6500_VRF_IP_MTU = 1400
#: DMV411: the first 12.2 SX release the guide recommends.
SXF = Release.parse("12.2(18)SXF")


def _inventory_span(device: Device, attribute: str) -> Span | None:
    located = getattr(device.inventory, attribute)
    return located.span if located is not None else None


def _platform_related(device: Device) -> tuple[Related, ...]:
    span = _inventory_span(device, "platform")
    return (Related(device.name, span),) if span else ()


# --- DMV401 ---------------------------------------------------------------------------------


def _key_hit(ctx: LintContext, device: Device, interface: Interface, cause: Device | None,
             cloud: Cloud | None) -> Hit:
    assert interface.tunnel is not None and interface.tunnel.key is not None
    key = interface.tunnel.key
    if cause is None or cause is device:
        why = f"{platform_label(device)} cannot switch keyed GRE in hardware"
        rel = _platform_related(device)
    else:
        why = (f"the cloud includes {platform_label(cause)}, and every node must drop the key "
               "for it to keep hardware switching")
        rel = _platform_related(cause)
    return Hit(
        device=device.name,
        span=key.span,
        message=f"tunnel key {key.value} on {where(device, interface)}: {why}",
        related=rel,
        cloud=cloud.id if cloud else None,
        hint="remove 'tunnel key' from every node of the cloud (12.3(11)T3/12.3(14)T and later "
             "need none)",
        subject=(interface.name,),
    )


@check("DMV401", Scope.FLEET)
def c6500_tunnel_key(ctx: LintContext) -> Iterator[Hit]:
    reported: set[TunnelRef] = set()
    for cloud in ctx.topology.clouds:
        cause = next((ctx.devices[m.device] for m in cloud.members
                      if is_c6500_class(ctx.devices[m.device])), None)
        if cause is None:
            continue
        for member in cloud.members:
            device, interface = ctx.interface(member.ref)
            if interface.tunnel is not None and interface.tunnel.key is not None:
                reported.add(member.ref)
                own = device if is_c6500_class(device) else cause
                yield _key_hit(ctx, device, interface, own, cloud)
    for device in ctx.fleet.devices:
        if not is_c6500_class(device):
            continue
        for interface in device.interfaces.values():
            tunnel = interface.tunnel
            ref = TunnelRef(device.name, interface.name)
            if tunnel is not None and tunnel.key is not None and ref not in reported:
                yield _key_hit(ctx, device, interface, None, None)


# --- DMV402–DMV404, DMV407, DMV408 ----------------------------------------------------------


def _gre_by_source(device: Device) -> list[list[Interface]]:
    """GRE tunnels of a device grouped by the source they send from: the interface's address
    when it has one (so `tunnel source Gi1/1` and `tunnel source 192.0.2.1` meet), whatever
    their tunnel VRF, since the 6500/7600 hardware keys on the outer addresses only."""
    groups: defaultdict[str, list[Interface]] = defaultdict(list)
    for interface in device.interfaces.values():
        tunnel = interface.tunnel
        if tunnel is None or tunnel.source is None:
            continue
        if tunnel.mode is not None and not tunnel.mode.value.startswith("gre"):
            continue
        source = tunnel.source.value
        owner = device.interfaces.get(source) if isinstance(source, str) else None
        key = str(owner.ip) if owner is not None and owner.ip is not None else str(source)
        groups[key].append(interface)
    return [g for g in groups.values() if len(g) > 1]


@check("DMV402", Scope.DEVICE)
def c6500_tunnel_source_not_unique(ctx: LintContext, device: Device) -> Iterator[Hit]:
    if not is_c6500_class(device):
        return
    for group in _gre_by_source(device):
        first = group[0]
        assert first.tunnel is not None and first.tunnel.source is not None
        for interface in group[1:]:
            assert interface.tunnel is not None and interface.tunnel.source is not None
            source = interface.tunnel.source
            yield Hit(
                device=device.name,
                span=source.span,
                message=(
                    f"{where(device, interface)} and {first.name} ({at(first.tunnel.source.span)}) "
                    f"share tunnel source {source.value} on {platform_label(device)}: each GRE "
                    "interface of a 6500/7600 needs its own tunnel source, key or not"
                ),
                related=(related(device, first.tunnel.source.span), *_platform_related(device)),
                hint="give each tunnel its own source interface (a loopback per tunnel)",
                subject=(interface.name, first.name),
            )


def _is_c6500_mgre(device: Device, interface: Interface) -> bool:
    return (is_c6500_class(device) and interface.tunnel is not None
            and interface.tunnel.multipoint)


@check("DMV403", Scope.INTERFACE)
def c6500_unsupported_command(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not _is_c6500_mgre(device, interface):
        return
    tunnel = interface.tunnel
    assert tunnel is not None
    found: list[tuple[str, Span]] = []
    if interface.tcp_adjust_mss is not None:
        found.append((f"ip tcp adjust-mss {interface.tcp_adjust_mss.value}", interface.tcp_adjust_mss.span))
    if interface.qos_pre_classify is not None and interface.qos_pre_classify.value:
        found.append(("qos pre-classify", interface.qos_pre_classify.span))
    if tunnel.path_mtu_discovery is not None and tunnel.path_mtu_discovery.value:
        found.append(("tunnel path-mtu-discovery", tunnel.path_mtu_discovery.span))
    if tunnel.vrf is not None:
        found.append((f"tunnel vrf {tunnel.vrf.value}", tunnel.vrf.span))
    for command, span in found:
        yield Hit(
            device=device.name,
            span=span,
            message=(f"'{command}' on multipoint GRE tunnel {where(device, interface)} of "
                     f"{platform_label(device)}: not supported under mGRE on a 6500/7600"),
            related=_platform_related(device),
            hint=f"remove '{command}'",
            subject=(interface.name, command.split()[0] + " " + command.split()[1]),
        )


@check("DMV404", Scope.INTERFACE)
def c6500_qos(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not interface.is_dmvpn or not is_c6500_class(device):
        return
    for policy in interface.service_policies:
        yield Hit(
            device=device.name,
            span=policy.span,
            message=(f"service-policy {policy.value} on DMVPN tunnel {where(device, interface)} "
                     f"of {platform_label(device)}: a 6500/7600 cannot apply QoS to DMVPN packets"),
            related=_platform_related(device),
            hint="apply QoS on a router in front of the 6500/7600, not on the tunnel",
            subject=(interface.name, policy.value),
        )


@check("DMV407", Scope.INTERFACE)
def c6500_encrypted_multicast(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    tunnel = interface.tunnel
    if tunnel is None or tunnel.protection is None or not is_c6500_class(device):
        return
    if tunnel.mode is not None and not tunnel.mode.value.startswith("gre"):
        return
    igps = igps_on(device, interface)
    if interface.pim is not None:
        what, span = f"ip pim {interface.pim.value}", interface.pim.span
    elif igps:
        what, span = f"{' and '.join(igps)} (multicast hellos)", tunnel.protection.span
    else:
        return
    protected = f"IPsec profile {tunnel.protection.profile}"
    if span != tunnel.protection.span:
        protected += f" ({at(tunnel.protection.span)})"
    yield Hit(
        device=device.name,
        span=span,
        message=(f"{what} on {where(device, interface)}, a GRE tunnel protected by {protected}, "
                 f"on {platform_label(device)}: encrypted multicast over GRE is not supported"),
        related=(related(device, tunnel.protection.span), *_platform_related(device)),
        hint="run the routing protocol on a router that supports encrypted multicast, or use BGP",
        subject=(interface.name,),
    )


@check("DMV408", Scope.INTERFACE)
def c6500_ip_mtu(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
    if not _is_c6500_mgre(device, interface) or not interface.is_dmvpn:
        return
    tunnel = interface.tunnel
    assert tunnel is not None
    vrf = interface.vrf or tunnel.vrf
    mtu = interface.ip_mtu
    if vrf is None or mtu is None or mtu.value <= C6500_VRF_IP_MTU:
        return
    yield Hit(
        device=device.name,
        span=mtu.span,
        message=(f"ip mtu {mtu.value} on VRF-aware mGRE tunnel {where(device, interface)} (VRF "
                 f"{vrf.value}) of {platform_label(device)} is above {C6500_VRF_IP_MTU}: the "
                 "route processor fragments what the hardware cannot"),
        related=_platform_related(device),
        hint=f"ip mtu {C6500_VRF_IP_MTU}",
        subject=(interface.name,),
    )


# --- DMV405 ---------------------------------------------------------------------------------


def _peer_old(device: Device) -> bool:
    """The device runs a release known to predate 12.3(11)T02 (unknown is not old)."""
    release = device.release
    return release is not None and release_has(release, NAT_PEER_MINIMUM) is False


def _release_text(device: Device) -> str:
    ios = device.inventory.ios
    return f"{ios.value} ({at(ios.span)})" if ios else "an unknown release"


@check("DMV405", Scope.CLOUD)
def c6500_nat(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    topo = ctx.topology
    for hub_member in cloud.hubs:
        hub, hub_if = ctx.interface(hub_member.ref)
        hub_nat = hub.inventory.nat
        if is_c6500_class(hub) and hub_nat is not None:
            yield Hit(
                device=hub.name,
                span=hub_nat.span,
                message=(f"{platform_label(hub)} is a DMVPN hub ({hub_if.name}) behind NAT "
                         f"(outside {hub_nat.outside}): a 6500/7600 hub cannot be behind NAT"),
                related=_platform_related(hub),
                cloud=cloud.id,
                subject=(hub_if.name, "hub-behind-nat"),
            )
        for spoke_ref in topo.nhs_clients(hub.name, hub_if.name):
            spoke, spoke_if = ctx.interface(spoke_ref)
            yield from _pair(hub, hub_if, spoke, spoke_if, cloud)


def _pair(hub: Device, hub_if: Interface, spoke: Device, spoke_if: Interface,
          cloud: Cloud) -> Iterator[Hit]:
    spoke_nat = spoke.inventory.nat
    hub_6500, spoke_6500 = is_c6500_class(hub), is_c6500_class(spoke)
    span = spoke_nat.span if spoke_nat is not None else spoke_if.span
    if spoke_6500 and hub.inventory.nat is not None and not hub_6500:
        yield Hit(
            device=spoke.name,
            span=_inventory_span(spoke, "platform") or spoke_if.span,
            message=(f"{platform_label(spoke)} is a spoke ({spoke_if.name}) of hub {hub.name}, "
                     f"which is behind NAT (outside {hub.inventory.nat.outside}): a 6500/7600 "
                     "spoke's hub cannot be behind NAT"),
            related=(Related(hub.name, hub.inventory.nat.span),),
            cloud=cloud.id,
            subject=(spoke_if.name, hub.name, "hub-behind-nat"),
        )
    if spoke_nat is None or hub_6500 == spoke_6500:
        return
    if spoke_6500 and _peer_old(hub):
        old, other = hub, spoke
    elif hub_6500 and _peer_old(spoke):
        old, other = spoke, hub
    else:
        return
    yield Hit(
        device=spoke.name,
        span=span,
        message=(f"spoke {spoke.name} ({spoke_if.name}) is behind NAT (outside "
                 f"{spoke_nat.outside}) and {platform_label(other)} is a 6500/7600 while "
                 f"{old.name} is not and runs {_release_text(old)}, older than 12.3(11)T02"),
        related=(Related(old.name, old.inventory.ios.span),) if old.inventory.ios else (),
        cloud=cloud.id,
        hint=f"upgrade {old.name} to 12.3(11)T02 or later, or make both ends 6500/7600",
        subject=(spoke_if.name, hub.name, "nat-peer-release"),
    )


# --- DMV406, DMV409 -------------------------------------------------------------------------


@check("DMV406", Scope.DEVICE)
def c6500_supervisor(ctx: LintContext, device: Device) -> Iterator[Hit]:
    supervisor = device.inventory.supervisor
    if not is_c6500_class(device) or supervisor is None or not device.dmvpn_tunnels():
        return
    if is_sup720(supervisor.value):
        return
    yield Hit(
        device=device.name,
        span=supervisor.span,
        message=(f"{platform_label(device)} runs DMVPN ({device.dmvpn_tunnels()[0].name}) with "
                 f"supervisor {supervisor.value}: only a Supervisor Engine 720 can be a DMVPN "
                 "hub or spoke"),
        related=_platform_related(device),
        subject=(supervisor.value,),
    )


def _is_pe(device: Device) -> bool:
    """An MPLS PE: `mpls ip` on some interface, or BGP VPNv4."""
    if any(i.mpls_ip is not None and i.mpls_ip.value for i in device.interfaces.values()):
        return True
    bgp = device.routing.bgp
    return bgp is not None and any(af.afi == "vpnv4" for af in bgp.address_families)


@check("DMV409", Scope.DEVICE)
def c6500_tunnel_recir(ctx: LintContext, device: Device) -> Iterator[Hit]:
    if not is_c6500_class(device) or device.mls_mpls_tunnel_recir is not None:
        return
    if not _is_pe(device):
        return
    for interface in device.dmvpn_tunnels():
        if interface.vrf is None:
            continue
        if ctx.topology.role_of(device.name, interface.name) != "hub":
            continue
        yield Hit(
            device=device.name,
            span=interface.vrf.span,
            message=(f"{platform_label(device)} is an MPLS PE and a VRF-aware DMVPN hub "
                     f"({interface.name}, VRF {interface.vrf.value}) without 'mls mpls "
                     "tunnel-recir': its CE spokes cannot reach other CEs across the MPLS cloud"),
            related=_platform_related(device),
            hint="add the global command 'mls mpls tunnel-recir'",
            subject=(interface.name,),
        )
        return


# --- DMV410, DMV411 -------------------------------------------------------------------------


def _version(device: Device) -> tuple[int, int] | None:
    return parse_version_line(device.version.value) if device.version else None


@check("DMV410", Scope.DEVICE)
def release_too_old(ctx: LintContext, device: Device) -> Iterator[Hit]:
    release = device.release
    version = _version(device) if release is None else None
    if release is None and version is None:
        return
    if (release is not None and train_of(release).kind == "later") or (
        version is not None and version[0] >= 15
    ):
        return  # 15.x and IOS-XE carry every feature of the table
    seen: set[str] = set()
    for use in features_used(device):
        feature = use.feature
        if release is not None:
            lacks = release_has(release, feature.releases, feature.excluded_releases) is False
            runs = f"runs {release} ({at(device.inventory.ios.span)})"  # type: ignore[union-attr]
            rel = (Related(device.name, device.inventory.ios.span),)  # type: ignore[union-attr]
        else:
            assert version is not None and device.version is not None
            lacks = version_lacks(*version, feature.releases, feature.excluded_releases)
            runs = f"runs a {version[0]}.{version[1]} release ('version {device.version.value}' at {at(device.version.span)})"
            rel = (Related(device.name, device.version.span),)
        key = f"{feature.id}:{use.interface}"
        if not lacks or key in seen:
            continue
        seen.add(key)
        excluded = f" (not {', '.join(feature.excluded)})" if feature.excluded else ""
        on = f"{device.name} {use.interface}" if use.interface else device.name
        yield Hit(
            device=device.name,
            span=use.span,
            message=(f"{use.what} on {on}: {feature.title} came in {feature.intro_text}"
                     f"{excluded}, and {device.name} {runs}"),
            related=rel,
            hint=f"upgrade to {feature.intro_text} or later in that train",
            subject=(feature.id, use.interface or ""),
        )


def _not_recommended(release: Release) -> str | None:
    """Why the guide does not recommend a release, or None."""
    train = train_of(release)
    if train.kind == "later":
        return None
    if (release.major, release.minor) <= (12, 3) and train.kind != "SX":
        return f"{release} is a {train} release, 12.3 or earlier"
    if train.kind == "SX":
        return None if release >= SXF else f"{release} is a 12.2 SX release before 12.2(18)SXF"
    if (release.major, release.minor) == (12, 4) and train.kind == "other":
        return f"{release} is on {train}, a 12.4 train other than mainline and T"
    return None


@check("DMV411", Scope.DEVICE)
def release_not_recommended(ctx: LintContext, device: Device) -> Iterator[Hit]:
    if not device.dmvpn_tunnels():
        return
    release = device.release
    if release is not None:
        why = _not_recommended(release)
        span = device.inventory.ios.span  # type: ignore[union-attr]
        subject = str(release)
    else:
        version = _version(device)
        if version is None or version > (12, 3) or version == (12, 2):
            return  # 12.2 may be a recommended SX release, 12.4 a mainline or T one
        assert device.version is not None
        why = f"'version {device.version.value}' is 12.3 or earlier"
        span = device.version.span
        subject = device.version.value
    if why is None:
        return
    yield Hit(
        device=device.name,
        span=span,
        message=(f"{device.name} runs DMVPN on a release the guide does not recommend: {why}; "
                 "it recommends the latest 12.4 mainline, 12.4T or 12.2(18)SXF"),
        hint="upgrade to a current release (15.x or IOS-XE)",
        subject=(subject,),
    )


__all__ = [
    "c6500_encrypted_multicast",
    "c6500_ip_mtu",
    "c6500_nat",
    "c6500_qos",
    "c6500_supervisor",
    "c6500_tunnel_key",
    "c6500_tunnel_recir",
    "c6500_tunnel_source_not_unique",
    "c6500_unsupported_command",
    "release_not_recommended",
    "release_too_old",
]
