"""The DMVPN feature table: which release introduced what, and which features a config uses.

The rows are the guide's "Feature Information for Dynamic Multipoint VPN (DMVPN)" table (Table 3)
plus the release notes scattered through its text; each row says where in the guide it comes
from. `features_used` reads a device of the model and says which rows its configuration relies
on, with the line that shows it, so that DMV410 can compare them with the device's release.
The table is data (a tuple of frozen values); nothing here depends on a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from dmvpnlint.model import Device, Interface, Release, Span
from dmvpnlint.releases import parse_all
from dmvpnlint.topology import infer_role


@dataclass(frozen=True, slots=True)
class Feature:
    """One row: `intros` are the first releases with the feature, one per train."""

    id: str
    title: str
    intros: tuple[str, ...]
    source: str
    excluded: tuple[str, ...] = ()

    @property
    def releases(self) -> tuple[Release, ...]:
        return _parsed(self.intros)

    @property
    def excluded_releases(self) -> tuple[Release, ...]:
        return _parsed(self.excluded)

    @property
    def intro_text(self) -> str:
        """`12.4(5) or 12.4(6)T` for messages."""
        return " or ".join(self.intros)


@cache
def _parsed(texts: tuple[str, ...]) -> tuple[Release, ...]:
    return parse_all(texts)


FEATURES: tuple[Feature, ...] = (
    Feature("dmvpn", "DMVPN (multipoint GRE with NHRP)", ("12.2(13)T", "12.2(18)SXE"),
            'Table 3, "Dynamic Multipoint VPN (DMVPN) Phase 1"; "DMVPN Phase 2" (SXE)'),
    Feature("vrf-integrated", "VRF integrated DMVPN (ip vrf forwarding on the tunnel)",
            ("12.3(6)", "12.3(7)T", "12.2(18)SXE"),
            'Table 3, 12.3(6)/12.3(7)T row; "VRF Integrated DMVPN"; VRF Aware DMVPN example (SXE)'),
    Feature("nat-transparency", "NAT-Transparency Aware DMVPN (a node behind NAT)",
            ("12.3(6)", "12.3(7)T", "12.2(18)SXE"),
            'Table 3, 12.3(6)/12.3(7)T row; "DMVPN Support on the Cisco 6500 and Cisco 7600" (SXE)'),
    Feature("spoke-to-spoke", "DMVPN Phase 2: multipoint spokes and spoke-to-spoke tunnels",
            ("12.3(9a)", "12.3(8)T1", "12.2(18)SXE"), 'Table 3, "DMVPN Phase 2"'),
    Feature("hub-behind-static-nat", "a hub behind static NAT", ("12.3(9a)", "12.3(11)T"),
            '"NAT-Transparency Aware DMVPN": "Also added in Cisco IOS Releases 12.3(9a) and 12.3(11)T"'),
    Feature("tunnel-vrf", "tunnel vrf (the tunnel carried in a VRF)", ("12.3(11)T",),
            '"VRF Integrated DMVPN": "supported in Cisco IOS Release 12.3(11)T but not in 12.2(18)SXE"',
            excluded=("12.2(18)SXE",)),
    Feature("mgre-without-key", "multipoint GRE without a tunnel key",
            ("12.3(11)T3", "12.3(14)T", "12.2(18)SXE"),
            '"Tunnel Key": "In Cisco IOS Release 12.3(11)T3 and Release 12.3(14)T, the requirement '
            'that a mGRE interface must have a tunnel key was removed"'),
    Feature("protection-shared", "tunnel protection ... shared", ("12.4(5)", "12.4(6)T"),
            '"VRF Aware DMVPN: Example": "you should be running Cisco IOS Release 12.4(5) or '
            'Release 12.4(6)T, or a later release"'),
    Feature("nat-spoke-to-spoke", "spoke-to-spoke tunnels for spokes behind NAT", ("12.4(6)T",),
            '"NAT-Transparency Aware DMVPN": "In Cisco IOS Release 12.4(6)T or later releases"'),
    Feature("dmvpn-manageability", "show dmvpn, logging dmvpn, debug dmvpn", ("12.4(9)T",),
            'Table 3, "Mangeability Enhancements for DMVPN"'),
    Feature("2547odmvpn", "2547oDMVPN (MPLS on the DMVPN tunnel)", ("12.4(11)T",),
            'Table 3, "2547oDMVPN—Enabling Traffic Segmentation Within DMVPN"'),
)

FEATURES_BY_ID: dict[str, Feature] = {f.id: f for f in FEATURES}


@dataclass(frozen=True, slots=True)
class FeatureUse:
    """A feature a device's configuration relies on, and the line that shows it."""

    feature: Feature
    interface: str | None
    span: Span
    what: str  # the command as a user would recognise it: "tunnel protection ... shared"


def _tunnel_uses(device: Device, interface: Interface) -> Iterator[FeatureUse]:
    tunnel = interface.tunnel
    get = FEATURES_BY_ID.__getitem__
    mode_span = tunnel.mode.span if tunnel is not None and tunnel.mode is not None else interface.span
    yield FeatureUse(get("dmvpn"), interface.name, mode_span, f"DMVPN tunnel {interface.name}")
    if interface.vrf is not None:
        yield FeatureUse(get("vrf-integrated"), interface.name, interface.vrf.span,
                         f"ip vrf forwarding {interface.vrf.value}")
    if tunnel is None:
        return
    if tunnel.vrf is not None:
        yield FeatureUse(get("tunnel-vrf"), interface.name, tunnel.vrf.span,
                         f"tunnel vrf {tunnel.vrf.value}")
    if tunnel.protection is not None and tunnel.protection.shared:
        yield FeatureUse(get("protection-shared"), interface.name, tunnel.protection.span,
                         f"tunnel protection ipsec profile {tunnel.protection.profile} shared")
    if tunnel.multipoint:
        assert tunnel.mode is not None
        if tunnel.key is None:
            yield FeatureUse(get("mgre-without-key"), interface.name, tunnel.mode.span,
                             "tunnel mode gre multipoint without tunnel key")
        if infer_role(device, interface) == "spoke":
            yield FeatureUse(get("spoke-to-spoke"), interface.name, tunnel.mode.span,
                             "tunnel mode gre multipoint on a spoke")
    if interface.mpls_ip is not None and interface.mpls_ip.value:
        yield FeatureUse(get("2547odmvpn"), interface.name, interface.mpls_ip.span,
                         "mpls ip on a DMVPN tunnel")


def features_used(device: Device) -> tuple[FeatureUse, ...]:
    """Every feature the device's DMVPN configuration relies on, in config order.

    Detected: DMVPN itself, `ip vrf forwarding` and `tunnel vrf` on a DMVPN tunnel,
    `tunnel protection ... shared`, multipoint GRE without `tunnel key`, a multipoint spoke
    (Phase 2), `mpls ip` on a DMVPN tunnel, and (from the inventory) a DMVPN node behind NAT.
    `logging dmvpn` is not in the model yet, so the manageability row is never detected.
    """
    found: list[FeatureUse] = []
    for interface in device.dmvpn_tunnels():
        found.extend(_tunnel_uses(device, interface))
    nat = device.inventory.nat
    if nat is not None and found:
        found.append(FeatureUse(FEATURES_BY_ID["nat-transparency"], None, nat.span,
                                f"behind NAT (outside {nat.outside})"))
    return tuple(found)


__all__ = ["FEATURES", "FEATURES_BY_ID", "Feature", "FeatureUse", "features_used"]
