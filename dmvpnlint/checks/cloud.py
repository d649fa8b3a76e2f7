"""Checks over a whole DMVPN cloud: values that must agree on every member (DMV101–104,
DMV107) and the Phase 3 pairing of redirect and shortcut (DMV120)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

from dmvpnlint.checks.common import at, related, where
from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Interface, Span
from dmvpnlint.topology import Cloud, Member


@dataclass(frozen=True, slots=True)
class Observed:
    """One member's value of a setting that must match across the cloud."""

    member: Member
    device: Device
    interface: Interface
    value: Hashable | None  # None: not configured
    shown: str  # how the message names the value ("network-id 99"); never a secret
    span: Span  # the setting's line, or the interface line when absent


Tunnel = tuple[Member, Device, Interface]


def _tunnels(ctx: LintContext, cloud: Cloud) -> list[Tunnel]:
    """Each member with its device and interface, looked up once per cloud and run for the
    checks of this module (10,000 spokes, six checks)."""
    table: dict[str, list[Tunnel]] = ctx.derived.setdefault("cloud_tunnels", {})  # type: ignore[assignment]
    found = table.get(cloud.id)
    if found is None:
        devices = ctx.devices
        found = table[cloud.id] = [
            (member, device, device.interfaces[member.interface])
            for member in cloud.members
            for device in (devices[member.device],)
        ]
    return found


def _compare(
    ctx: LintContext,
    cloud: Cloud,
    value_of: Callable[[Interface], Hashable | None],
    read: Callable[[Interface], tuple[Hashable | None, str, Span | None]],
    describe: Callable[[Observed, Observed], str],
    *,
    configured_only: bool = False,
) -> Iterator[Hit]:
    """A hit for each member whose value differs from the reference's (`_reference_index`).

    `value_of` reads only the value (what `read` returns first); the full observation, with
    its message text and span, is made only for the reference and the members that differ, so
    a cloud of 10,000 agreeing spokes costs one cheap read each. `configured_only` leaves out
    the members without a value (they are neither reference nor finding)."""
    tunnels = _tunnels(ctx, cloud)
    values = [value_of(interface) for _, _, interface in tunnels]
    if configured_only:
        kept = [i for i, v in enumerate(values) if v is not None]
        tunnels, values = [tunnels[i] for i in kept], [values[i] for i in kept]
    index = _reference_index(tunnels, values)
    if index is None:
        return

    def observed(i: int) -> Observed:
        member, device, interface = tunnels[i]
        value, shown, span = read(interface)
        return Observed(member, device, interface, value, shown, span or interface.span)

    ref = observed(index)
    ref_value = values[index]
    for i, value in enumerate(values):
        if i == index or value == ref_value:
            continue
        yield _hit(cloud, observed(i), ref, describe)


def _reference_index(tunnels: list[Tunnel], values: list[Hashable | None]) -> int | None:
    """What the others are compared with: the first hub that sets the value, else the most
    common value among the members (ties: the value seen first), at its first member."""
    for i, (member, _, _) in enumerate(tunnels):
        if member.role == "hub" and values[i] is not None:
            return i
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    best = counts.most_common(1)[0][0]
    return next(i for i, v in enumerate(values) if v == best)


def _hit(cloud: Cloud, o: Observed, ref: Observed, describe: Callable[[Observed, Observed], str]) -> Hit:
    return Hit(
        device=o.device.name,
        span=o.span,
        message=describe(o, ref),
        related=(related(ref.device, ref.span),),
        cloud=cloud.id,
        subject=(o.interface.name, ref.device.name, ref.interface.name),
    )


def _differs(setting: str) -> Callable[[Observed, Observed], str]:
    def describe(o: Observed, ref: Observed) -> str:
        here, there = where(o.device, o.interface), where(ref.device, ref.interface)
        if o.value is None:
            return f"no {setting} on {here}, but {there} has {ref.shown} ({at(ref.span)})"
        if ref.value is None:  # pragma: no cover - a reference always has a value
            return f"{o.shown} on {here}, none on {there}"
        return f"{o.shown} on {here} differs from {ref.value} on {there} ({at(ref.span)})"

    return describe


@check("DMV101", Scope.CLOUD)
def nhrp_network_id_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    def value_of(i: Interface) -> int | None:
        nid = i.nhrp.network_id if i.nhrp else None
        return nid.value if nid else None

    def read(i: Interface) -> tuple[int | None, str, Span | None]:
        nid = i.nhrp.network_id if i.nhrp else None
        return (nid.value, f"network-id {nid.value}", nid.span) if nid else (None, "", None)

    yield from _compare(ctx, cloud, value_of, read, _differs("ip nhrp network-id"))


@check("DMV102", Scope.CLOUD)
def nhrp_authentication_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    def value_of(i: Interface) -> str | None:
        auth = i.nhrp.authentication if i.nhrp else None
        return auth.value.digest if auth is not None else None

    def read(i: Interface) -> tuple[str | None, str, Span | None]:
        auth = i.nhrp.authentication if i.nhrp else None
        if auth is None:
            return None, "", None
        return auth.value.digest, "an NHRP authentication string", auth.span

    def describe(o: Observed, ref: Observed) -> str:
        here, there = where(o.device, o.interface), where(ref.device, ref.interface)
        if o.value is None:
            return (
                f"no ip nhrp authentication on {here}, but {there} sets one ({at(ref.span)}): "
                "NHRP packets are rejected on the side that expects authentication"
            )
        return (
            f"the NHRP authentication string on {here} differs from the one on {there} "
            f"({at(ref.span)}); the values are not shown"
        )

    yield from _compare(ctx, cloud, value_of, read, describe)


@check("DMV103", Scope.CLOUD)
def tunnel_key_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    def value_of(i: Interface) -> int | None:
        key = i.tunnel.key if i.tunnel else None
        return key.value if key else None

    def read(i: Interface) -> tuple[int | None, str, Span | None]:
        key = i.tunnel.key if i.tunnel else None
        return (key.value, f"tunnel key {key.value}", key.span) if key else (None, "", None)

    def describe(o: Observed, ref: Observed) -> str:
        here, there = where(o.device, o.interface), where(ref.device, ref.interface)
        if o.value is None:
            return (
                f"no tunnel key on {here}, but {there} uses {ref.shown} ({at(ref.span)}): "
                "GRE packets with and without a key do not match each other's tunnel"
            )
        return f"{o.shown} on {here} differs from {ref.value} on {there} ({at(ref.span)})"

    # without any key in the cloud there is no reference: `_compare` yields nothing
    yield from _compare(ctx, cloud, value_of, read, describe)


@check("DMV104", Scope.CLOUD)
def tunnel_subnet_mismatch(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    def value_of(i: Interface) -> object | None:
        return i.address.value.network if i.address is not None else None

    def read(i: Interface) -> tuple[object | None, str, Span | None]:
        if i.address is None:
            return None, "", None
        net = i.address.value.network
        return net, f"subnet {net}", i.address.span

    def describe(o: Observed, ref: Observed) -> str:
        here, there = where(o.device, o.interface), where(ref.device, ref.interface)
        mine = o.interface.address.value if o.interface.address else None
        return (
            f"tunnel address {mine} of {here} is not in the cloud's subnet {ref.value} "
            f"of {there} ({at(ref.span)})"
        )

    yield from _compare(ctx, cloud, value_of, read, describe, configured_only=True)


@check("DMV107", Scope.CLOUD)
def duplicate_tunnel_address(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    seen: dict[object, tuple[Device, Interface]] = {}
    for _, device, interface in _tunnels(ctx, cloud):
        if interface.address is None:
            continue
        ip = interface.address.value.ip
        first = seen.get(ip)
        if first is None:
            seen[ip] = (device, interface)
            continue
        other_dev, other_if = first
        assert other_if.address is not None
        yield Hit(
            device=device.name,
            span=interface.address.span,
            message=(
                f"tunnel address {ip} of {where(device, interface)} is also used by "
                f"{where(other_dev, other_if)} ({at(other_if.address.span)})"
            ),
            related=(related(other_dev, other_if.address.span),),
            cloud=cloud.id,
            subject=(interface.name, str(ip)),
        )


def _release_major(device: Device) -> int | None:
    """The IOS major version from the inventory release, else from the `version` line."""
    if device.release is not None:
        return device.release.major
    if device.version is not None:
        head = device.version.value.split(".", 1)[0]
        if head.isdigit():
            return int(head)
    return None


def shortcut_state(device: Device, interface: Interface) -> tuple[bool, Span | None]:
    """Whether `ip nhrp shortcut` is in effect and the line that says so.

    IOS-XE 16 and later enable it by default and do not print it: with a known release of 16
    or later it is on unless `no ip nhrp shortcut` is configured. With the release unknown,
    nothing that is not printed is assumed.
    """
    nhrp = interface.nhrp
    explicit = nhrp.shortcut if nhrp else None
    if explicit is not None:
        return explicit.value, explicit.span
    major = _release_major(device)
    return (major is not None and major >= 16), None


@check("DMV120", Scope.CLOUD)
def phase3_incomplete(ctx: LintContext, cloud: Cloud) -> Iterator[Hit]:
    redirecting: list[tuple[Device, Interface, Span]] = []
    shortcutting: list[tuple[Device, Interface, Span, bool]] = []
    for member, device, interface in _tunnels(ctx, cloud):
        nhrp = interface.nhrp
        if member.role == "hub" and nhrp and nhrp.redirect and nhrp.redirect.value:
            redirecting.append((device, interface, nhrp.redirect.span))
        if member.role == "spoke":
            on, span = shortcut_state(device, interface)
            if on:
                shortcutting.append((device, interface, span or interface.span, span is None))
    if shortcutting and not redirecting:
        for device, interface, span, implicit in shortcutting:
            how = "(on by default on IOS-XE 16 and later)" if implicit else ""
            yield Hit(
                device=device.name,
                span=span,
                message=(
                    f"{where(device, interface)} uses ip nhrp shortcut {how}".rstrip()
                    + f" but no hub of cloud {cloud.id} has ip nhrp redirect: "
                    "Phase 3 shortcuts are never triggered"
                ),
                cloud=cloud.id,
                subject=(interface.name, "shortcut-without-redirect"),
            )
    if redirecting and not shortcutting and cloud.spokes:
        unknown = [
            m.device for m in cloud.spokes if _release_major(ctx.devices[m.device]) is None
        ]
        hint = None
        if unknown:
            hint = (
                "if the spokes run IOS-XE 16 or later, shortcut is on by default and not "
                "printed: give their release in the inventory (ios:) or a 'version' line"
            )
        for device, interface, span in redirecting:
            yield Hit(
                device=device.name,
                span=span,
                message=(
                    f"{where(device, interface)} sends NHRP redirects but no spoke of cloud "
                    f"{cloud.id} has ip nhrp shortcut: spoke-to-spoke shortcuts never form"
                ),
                cloud=cloud.id,
                hint=hint,
                subject=(interface.name, "redirect-without-shortcut"),
            )


__all__ = [
    "duplicate_tunnel_address",
    "nhrp_authentication_mismatch",
    "nhrp_network_id_mismatch",
    "phase3_incomplete",
    "shortcut_state",
    "tunnel_key_mismatch",
    "tunnel_subnet_mismatch",
]
