"""What a generation inventory asks for, before anything is allocated.

These are the generator's input values: every one keeps the `Span` of its inventory line, so that
an impossible request (two pinned addresses that collide, a subnet too small) is reported at the
line the user must change. `None` means "allocate it" (network-id, tunnel key, tunnel address,
NHRP authentication); a tunnel key of `NO_KEY` means the user asked for none.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Literal

from dmvpnlint.model import InventoryFacts, Span

Phase = Literal[1, 2, 3]
Protocol = Literal["eigrp", "bgp"]
NO_KEY = -1  # `tunnel_key: none`: the cloud runs without a tunnel key


@dataclass(frozen=True, slots=True)
class SecretRef:
    """`env:VAR`: a secret read from the environment when the configs are rendered.

    The inventory never holds a secret in plain text; the reference (variable name and where it
    was written) is all a report may show.
    """

    variable: str
    span: Span

    def __str__(self) -> str:
        return f"env:{self.variable}"


@dataclass(frozen=True, slots=True)
class Routing:
    """The routing protocol that runs over a cloud and its AS number."""

    protocol: Protocol
    asn: int
    span: Span


@dataclass(frozen=True, slots=True)
class Ike:
    """IKE version and proposal. Values are IOS words as written in the config (`aes 256`,
    `sha256`, `aes-cbc-256`); the defaults are the strong ones the linter accepts."""

    version: Literal[1, 2]
    encryption: str
    integrity: str
    group: int
    span: Span


@dataclass(frozen=True, slots=True)
class CloudSpec:
    """One entry of `clouds:`: one DMVPN network (one mGRE subnet, one NHRP identity)."""

    name: str
    span: Span
    subnet: IPv4Network
    interface: str  # normalised tunnel interface name, `Tunnel0`
    phase: Phase
    holdtime: int
    routing: Routing | None
    ike: Ike
    psk: SecretRef
    transform: str  # `esp-aes 256 esp-sha256-hmac`
    mode: Literal["transport", "tunnel"]
    pfs: str | None
    ip_mtu: int
    bandwidth: int
    delay: int
    network_id: int | None = None
    tunnel_key: int | None = None  # NO_KEY for none
    authentication: SecretRef | None = None
    vrf: str | None = None
    rd: str | None = None


@dataclass(frozen=True, slots=True)
class Wan:
    """A WAN (NBMA) interface: a static address, or `dhcp` (address unknown until run time)."""

    interface: str
    address: IPv4Interface | None  # None: dhcp
    gateway: IPv4Address | None
    span: Span


@dataclass(frozen=True, slots=True)
class Lan:
    interface: str
    address: IPv4Interface
    vrf: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Membership:
    """A device's place in one cloud: an optional pinned tunnel address and its WAN interface."""

    cloud: str
    span: Span
    tunnel_address: IPv4Address | None = None
    wan: str | None = None  # a WAN interface name; None: the device's first WAN


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    name: str
    span: Span
    role: Literal["hub", "spoke"]
    facts: InventoryFacts  # role, platform, supervisor, ios, nat: as `lint` reads them
    wans: tuple[Wan, ...]
    lans: tuple[Lan, ...]
    memberships: tuple[Membership, ...]

    def wan_for(self, membership: Membership) -> Wan:
        if membership.wan is None:
            return self.wans[0]
        return next(w for w in self.wans if w.interface == membership.wan)


@dataclass(frozen=True, slots=True)
class GenerationInventory:
    file: str
    clouds: dict[str, CloudSpec]
    devices: dict[str, DeviceSpec]
