"""The intermediate model (IR) that every front end builds and every check and back end reads.

Plain frozen dataclasses and nothing of ours but the standard library, so that the IOS front end,
the inventory and later the generator and the forwarder all meet here. Every fact keeps the
`Span` of the line it came from: a finding, a SARIF result or a suppression must be able to
point at it. Unknown is not absent: an interface whose address comes from DHCP has
`address_mode == "dhcp"` and `address is None`, and checks must not invent a value for it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import total_ordering
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, ip_address
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

IPAddress = IPv4Address | IPv6Address


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where a fact was read: a path as the user gave it and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class L(Generic[T]):
    """A located value: the value of one configuration line and where that line is."""

    value: T
    span: Span


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret compared by digest and never printable.

    The text is dropped as soon as it is read: reports cannot leak what the model does not
    hold. `length` stays because IOS silently truncates NHRP authentication strings to 8
    characters (rule DMV209).
    """

    digest: str
    length: int

    @classmethod
    def of(cls, text: str) -> Secret:
        return cls(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest(), len(text))

    def truncated(self, text_length: int) -> bool:
        return self.length > text_length

    def __repr__(self) -> str:
        return "Secret(<redacted>)"

    __str__ = __repr__


# --- IOS releases -------------------------------------------------------------------------

_CLASSIC_RELEASE = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)\((?P<maint>\d+)(?P<letter>[a-z]?)\)"
    r"(?P<train>[A-Z]+)?(?P<rebuild>\d+)?(?P<tail>[a-z]?)$"
)
_XE_RELEASE = re.compile(r"^(?P<major>\d+)\.(?P<minor>\d+)\.(?P<maint>\d+)(?P<letter>[a-z]?)$")


@total_ordering
@dataclass(frozen=True, slots=True)
class Release:
    """A parsed IOS or IOS-XE release (`12.4(6)T`, `12.3(9a)`, `12.2(18)SXF`, `17.11.1a`).

    Ordering is by (major, minor, maintenance, rebuild letter, train, train rebuild); whether a
    feature introduced on one train is present on another is a question for the feature table,
    not for `<`, which only gives a total order that is right within one train.
    """

    text: str
    major: int
    minor: int
    maint: int
    letter: str = ""
    train: str = ""
    rebuild: int = 0
    xe: bool = False

    @classmethod
    def parse(cls, text: str) -> Release:
        """Parse a release string; raise ValueError with the text when it is not one."""
        raw = text.strip()
        if m := _CLASSIC_RELEASE.match(raw):
            return cls(
                text=raw,
                major=int(m["major"]),
                minor=int(m["minor"]),
                maint=int(m["maint"]),
                letter=m["letter"] or "",
                train=m["train"] or "",
                rebuild=int(m["rebuild"] or 0),
            )
        if m := _XE_RELEASE.match(raw):
            return cls(
                text=raw,
                major=int(m["major"]),
                minor=int(m["minor"]),
                maint=int(m["maint"]),
                letter=m["letter"] or "",
                xe=True,
            )
        raise ValueError(f"not an IOS release: {text!r}")

    @property
    def _key(self) -> tuple[int, int, int, str, str, int]:
        return (self.major, self.minor, self.maint, self.letter, self.train, self.rebuild)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return self._key < other._key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        return self.text


# --- interfaces, tunnels and NHRP -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NhrpMap:
    """`ip nhrp map <tunnel-ip> <nbma>`: a static protocol-to-NBMA mapping."""

    tunnel_ip: IPAddress
    nbma: IPAddress
    span: Span


@dataclass(frozen=True, slots=True)
class MulticastMap:
    """`ip nhrp map multicast <nbma>|dynamic`: `nbma is None` means `dynamic`."""

    nbma: IPAddress | None
    span: Span

    @property
    def dynamic(self) -> bool:
        return self.nbma is None


@dataclass(frozen=True, slots=True)
class Nhs:
    """`ip nhrp nhs <address> [nbma <nbma>] [multicast] [priority N] [cluster N]`.

    `address is None` is `ip nhrp nhs dynamic nbma X`: the server's tunnel address is learned.
    """

    address: IPAddress | None
    nbma: IPAddress | None
    multicast: bool
    priority: int | None
    cluster: int | None
    span: Span


@dataclass(frozen=True, slots=True)
class MaxSend:
    """`ip nhrp max-send <packets> every <seconds>` (IOS default 100 every 10)."""

    packets: int
    interval: int
    span: Span


@dataclass(frozen=True, slots=True)
class Nhrp:
    """The NHRP settings of one interface (`ip nhrp ...` and `ipv6 nhrp ...`)."""

    network_id: L[int] | None = None
    authentication: L[Secret] | None = None
    holdtime: L[int] | None = None
    maps: tuple[NhrpMap, ...] = ()
    multicast_maps: tuple[MulticastMap, ...] = ()
    nhs: tuple[Nhs, ...] = ()
    redirect: L[bool] | None = None
    shortcut: L[bool] | None = None  # L(False) for an explicit `no ip nhrp shortcut`
    registration_timeout: L[int] | None = None
    registration_no_unique: L[bool] | None = None
    max_send: MaxSend | None = None
    server_only: L[bool] | None = None


@dataclass(frozen=True, slots=True)
class TunnelProtection:
    """`tunnel protection ipsec profile NAME [shared]`."""

    profile: str
    shared: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Tunnel:
    """The `tunnel ...` commands of one tunnel interface.

    `source` is an interface name (normalised) or an address, as the user wrote it; the
    topology resolves it. `mode` is the text after `tunnel mode` (`gre multipoint`,
    `gre ip`, `ipsec ipv4`, ...); absent means IOS's default point-to-point GRE.
    """

    source: L[str | IPAddress] | None = None
    destination: L[IPAddress | str] | None = None
    mode: L[str] | None = None
    key: L[int] | None = None
    vrf: L[str] | None = None
    protection: TunnelProtection | None = None
    path_mtu_discovery: L[bool] | None = None

    @property
    def multipoint(self) -> bool:
        return self.mode is not None and self.mode.value.startswith("gre multipoint")


AddressMode = Literal["static", "dhcp", "negotiated", "unnumbered"]


@dataclass(frozen=True, slots=True)
class EigrpInterfaceSetting:
    """A per-interface EIGRP switch: `no ip split-horizon eigrp 1` is (asn=1, enabled=False)."""

    asn: int
    enabled: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Interface:
    """One interface, physical or tunnel, with the commands DMVPN checks need."""

    name: str  # normalised: Tunnel0, GigabitEthernet0/0/0
    span: Span
    description: str | None = None
    shutdown: L[bool] | None = None  # L(True) for `shutdown`, L(False) for `no shutdown`
    address: L[IPv4Interface] | None = None
    address_mode: L[AddressMode] | None = None
    secondary_addresses: tuple[L[IPv4Interface], ...] = ()
    ipv6_addresses: tuple[L[str], ...] = ()
    vrf: L[str] | None = None  # `ip vrf forwarding X` or `vrf forwarding X`
    ip_mtu: L[int] | None = None
    mtu: L[int] | None = None
    tcp_adjust_mss: L[int] | None = None
    bandwidth: L[int] | None = None
    delay: L[int] | None = None
    keepalive: L[str] | None = None
    mpls_ip: L[bool] | None = None
    nat: L[str] | None = None  # "inside" | "outside"
    split_horizon_eigrp: tuple[EigrpInterfaceSetting, ...] = ()
    next_hop_self_eigrp: tuple[EigrpInterfaceSetting, ...] = ()
    ospf_network: L[str] | None = None
    ospf_area: L[tuple[int, str]] | None = None  # `ip ospf <pid> area <area>`
    pim: L[str] | None = None
    service_policies: tuple[L[str], ...] = ()
    qos_pre_classify: L[bool] | None = None
    if_state_nhrp: L[bool] | None = None
    tunnel: Tunnel | None = None
    nhrp: Nhrp | None = None
    ipv6_ospf_area: L[tuple[int, str]] | None = None  # `ipv6 ospf <pid> area <area>`

    @property
    def is_tunnel(self) -> bool:
        return self.name.startswith("Tunnel")

    @property
    def is_dmvpn(self) -> bool:
        """A DMVPN tunnel: multipoint GRE, or any tunnel that runs NHRP."""
        if not self.is_tunnel:
            return False
        if self.tunnel is not None and self.tunnel.multipoint:
            return True
        nhrp = self.nhrp
        return nhrp is not None and (
            nhrp.network_id is not None or bool(nhrp.nhs) or bool(nhrp.maps)
        )

    @property
    def ip(self) -> IPv4Address | None:
        return self.address.value.ip if self.address else None

    @property
    def network(self) -> IPv4Network | None:
        return self.address.value.network if self.address else None


# --- crypto ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IsakmpPolicy:
    """`crypto isakmp policy N`: values as written; None is the IOS default (issue: crypto)."""

    priority: int
    span: Span
    encryption: L[str] | None = None
    hash: L[str] | None = None
    authentication: L[str] | None = None
    group: L[int] | None = None
    lifetime: L[int] | None = None


@dataclass(frozen=True, slots=True)
class PresharedKey:
    """`crypto isakmp key K address A [mask]`, or `pre-shared-key address A [mask] key K` in a
    keyring (IKEv1 or IKEv2: `peer`/`address` blocks are flattened into this)."""

    secret: Secret
    address: IPAddress | None  # None: hostname-bound key
    mask: IPv4Address | None
    span: Span
    hostname: str | None = None
    # IKEv2 keyrings only: `pre-shared-key local K` is what this router sends, `remote K` what
    # it expects from the peer; a plain `pre-shared-key K` is both.
    direction: Literal["both", "local", "remote"] = "both"

    @property
    def wildcard(self) -> bool:
        return self.address is not None and int(self.address) == 0 and (
            self.mask is None or int(self.mask) == 0
        )


@dataclass(frozen=True, slots=True)
class Keyring:
    """`crypto keyring NAME [vrf V]` or `crypto ikev2 keyring NAME`."""

    name: str
    kind: Literal["isakmp", "ikev2"]
    span: Span
    keys: tuple[PresharedKey, ...] = ()
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class IsakmpProfile:
    """`crypto isakmp profile NAME`."""

    name: str
    span: Span
    keyrings: tuple[L[str], ...] = ()
    vrf: L[str] | None = None
    match_identities: tuple[L[str], ...] = ()


@dataclass(frozen=True, slots=True)
class TransformSet:
    """`crypto ipsec transform-set NAME t1 [t2 [t3]]` with its `mode` (None: IOS default)."""

    name: str
    transforms: tuple[str, ...]
    span: Span
    mode: L[str] | None = None
    mode_require: L[bool] | None = None  # `mode transport require`: no fallback to tunnel mode


@dataclass(frozen=True, slots=True)
class IpsecProfile:
    """`crypto ipsec profile NAME` and its `set` commands."""

    name: str
    span: Span
    transform_sets: tuple[L[str], ...] = ()
    pfs: L[str] | None = None  # "group2", "group14", ... as written
    lifetime_seconds: L[int] | None = None
    lifetime_kilobytes: L[int] | None = None
    ikev2_profile: L[str] | None = None
    isakmp_profile: L[str] | None = None
    identity: L[str] | None = None


@dataclass(frozen=True, slots=True)
class Ikev2Proposal:
    name: str
    span: Span
    encryption: tuple[L[str], ...] = ()
    integrity: tuple[L[str], ...] = ()
    prf: tuple[L[str], ...] = ()
    group: tuple[L[int], ...] = ()


@dataclass(frozen=True, slots=True)
class Ikev2Policy:
    name: str
    span: Span
    proposals: tuple[L[str], ...] = ()
    match_fvrf: L[str] | None = None
    match_addresses: tuple[L[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Ikev2Profile:
    name: str
    span: Span
    keyring: L[str] | None = None
    keyring_local: L[str] | None = None
    authentication_local: tuple[L[str], ...] = ()
    authentication_remote: tuple[L[str], ...] = ()
    match_identities: tuple[L[str], ...] = ()
    match_fvrf: L[str] | None = None


@dataclass(frozen=True, slots=True)
class Crypto:
    isakmp_policies: tuple[IsakmpPolicy, ...] = ()
    isakmp_keys: tuple[PresharedKey, ...] = ()
    isakmp_default_policy_disabled: L[bool] | None = None
    isakmp_nat_keepalive: L[int] | None = None
    keyrings: dict[str, Keyring] = field(default_factory=dict)
    isakmp_profiles: dict[str, IsakmpProfile] = field(default_factory=dict)
    transform_sets: dict[str, TransformSet] = field(default_factory=dict)
    ipsec_profiles: dict[str, IpsecProfile] = field(default_factory=dict)
    ikev2_proposals: dict[str, Ikev2Proposal] = field(default_factory=dict)
    ikev2_policies: dict[str, Ikev2Policy] = field(default_factory=dict)
    ikev2_profiles: dict[str, Ikev2Profile] = field(default_factory=dict)
    # Names that `crypto map` entries use (`set transform-set`, `set isakmp-profile`,
    # `set ikev2-profile`): crypto maps are not DMVPN, but what they use is not unused.
    crypto_map_references: tuple[L[str], ...] = ()


# --- VRFs and routing -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vrf:
    """`ip vrf NAME` or `vrf definition NAME` with its RD and route-targets."""

    name: str
    span: Span
    rd: L[str] | None = None
    route_targets_import: tuple[L[str], ...] = ()
    route_targets_export: tuple[L[str], ...] = ()
    style: Literal["ip vrf", "vrf definition"] = "ip vrf"


@dataclass(frozen=True, slots=True)
class NetworkStatement:
    """`network A [wildcard]` in EIGRP (wildcard None: classful) or `network A W area X`."""

    address: IPv4Address
    wildcard: IPv4Address | None
    span: Span
    area: str | None = None


@dataclass(frozen=True, slots=True)
class EigrpProcess:
    """`router eigrp N` (classic) or `router eigrp NAME` (named mode, one per address family).

    Classic mode networks sit in `networks`; `address-family ipv4 vrf X` networks in `vrf_networks`.
    Named-mode `af-interface` settings are flattened into `af_interfaces`.
    """

    asn: int | None
    span: Span
    name: str | None = None
    networks: tuple[NetworkStatement, ...] = ()
    vrf_networks: dict[str, tuple[NetworkStatement, ...]] = field(default_factory=dict)
    stub: L[str] | None = None
    af_interfaces: tuple[EigrpAfInterface, ...] = ()
    passive_interfaces: tuple[L[str], ...] = ()


@dataclass(frozen=True, slots=True)
class EigrpAfInterface:
    """Named-mode `af-interface X` with `no split-horizon` / `no next-hop-self`."""

    interface: str
    span: Span
    split_horizon: L[bool] | None = None
    next_hop_self: L[bool] | None = None


@dataclass(frozen=True, slots=True)
class BgpNeighbor:
    address: IPAddress | str  # a str is a peer-group name
    span: Span
    remote_as: L[str] | None = None
    update_source: L[str] | None = None
    peer_group: L[str] | None = None


@dataclass(frozen=True, slots=True)
class BgpAfNeighbor:
    """A neighbor's settings inside one address family."""

    address: IPAddress | str
    span: Span
    activate: L[bool] | None = None
    send_community: L[str] | None = None  # "standard" | "extended" | "both"
    route_reflector_client: L[bool] | None = None
    route_maps: tuple[L[tuple[str, str]], ...] = ()  # (name, "in"|"out")
    # Set only in a VRF address family (`address-family ipv4 vrf X`), where IOS keeps the
    # neighbor apart from the global ones: a VRF neighbor is not a global BGP neighbor.
    remote_as: L[str] | None = None
    update_source: L[str] | None = None
    peer_group: L[str] | None = None


@dataclass(frozen=True, slots=True)
class BgpAddressFamily:
    afi: str  # "ipv4", "vpnv4", "ipv6", ...
    span: Span
    vrf: str | None = None
    neighbors: dict[str, BgpAfNeighbor] = field(default_factory=dict)
    redistribute: tuple[L[str], ...] = ()
    networks: tuple[L[str], ...] = ()


@dataclass(frozen=True, slots=True)
class BgpProcess:
    asn: str
    span: Span
    router_id: L[IPv4Address] | None = None
    neighbors: dict[str, BgpNeighbor] = field(default_factory=dict)
    address_families: tuple[BgpAddressFamily, ...] = ()


@dataclass(frozen=True, slots=True)
class OspfProcess:
    pid: int
    span: Span
    vrf: str | None = None
    networks: tuple[NetworkStatement, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteMapEntry:
    action: str
    seq: int
    span: Span
    set_ip_next_hop: tuple[L[IPAddress], ...] = ()


@dataclass(frozen=True, slots=True)
class RouteMap:
    name: str
    span: Span
    entries: tuple[RouteMapEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class StaticRoute:
    prefix: IPv4Network
    span: Span
    vrf: str | None = None
    next_hop: IPAddress | None = None
    interface: str | None = None


@dataclass(frozen=True, slots=True)
class Routing:
    eigrp: tuple[EigrpProcess, ...] = ()
    bgp: BgpProcess | None = None
    ospf: tuple[OspfProcess, ...] = ()
    rip: L[bool] | None = None
    static_routes: tuple[StaticRoute, ...] = ()


# --- lines, notes, devices, fleet -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VtyLine:
    """`line vty A [B]` and its login setting (`no login`: login is L(False))."""

    first: int
    last: int
    span: Span
    login: L[bool] | None = None
    transport_input: L[str] | None = None


@dataclass(frozen=True, slots=True)
class ParseNote:
    """A line inside a DMVPN-relevant block that the grammar did not understand (DMV001)."""

    span: Span
    text: str
    context: str  # the enclosing block header, `interface Tunnel0`; "" at top level
    comment: str  # what the grammar expected, in words


@dataclass(frozen=True, slots=True)
class NatFacts:
    """Inventory: the device's NBMA address is translated to `outside` (static NAT or PAT)."""

    outside: IPv4Address
    type: Literal["static", "pat"]
    span: Span


@dataclass(frozen=True, slots=True)
class InventoryFacts:
    """What the inventory says of a device; every value located in the inventory file."""

    role: L[Literal["hub", "spoke"]] | None = None
    platform: L[str] | None = None
    supervisor: L[str] | None = None
    ios: L[Release] | None = None
    nat: NatFacts | None = None


@dataclass(frozen=True, slots=True)
class Suppression:
    """One `! dmvpnlint: ...` comment of a config, resolved to the lines it covers.

    Kept in the model (not applied by the front end) because whether it is used is only known
    after every check ran: the engine applies them and reports the unused ones (DMV006).
    `kind`: "line" (the next command), "block" (a whole block), "range" (disable ... enable),
    "file" (disable-file), "enable" (the end of a range; `first` is 0 when it ends none) or
    "invalid" (`problem` says why). `rules` are ids or prefixes; () means every rule.
    """

    span: Span
    kind: Literal["line", "block", "range", "file", "enable", "invalid"]
    rules: tuple[str, ...] = ()
    reason: str = ""
    first: int = 0  # first and last covered line (inclusive); 0 when nothing is covered
    last: int = 0
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Device:
    """One router: its config file's facts plus the inventory's."""

    name: str  # hostname, or the file stem when the config has none
    file: str
    hostname: L[str] | None = None
    version: L[str] | None = None  # `version 15.4` line as written (a train, not a release)
    interfaces: dict[str, Interface] = field(default_factory=dict)
    crypto: Crypto = field(default_factory=Crypto)
    vrfs: dict[str, Vrf] = field(default_factory=dict)
    routing: Routing = field(default_factory=Routing)
    route_maps: dict[str, RouteMap] = field(default_factory=dict)
    vty_lines: tuple[VtyLine, ...] = ()
    mls_mpls_tunnel_recir: L[bool] | None = None
    notes: tuple[ParseNote, ...] = ()
    # (kind, name) pairs that lines outside the model refer to, e.g. ("route-map", "NAT") from
    # `ip nat inside source route-map NAT ...` or ("vrf", "MGMT") from `ntp server vrf MGMT ...`:
    # DMV003 must not call a structure unused when such a line uses it.
    other_references: frozenset[tuple[str, str]] = frozenset()
    inventory: InventoryFacts = field(default_factory=InventoryFacts)
    line_count: int = 0
    # `! dmvpnlint: disable=...` comments (issue 5); the engine applies them after the checks
    suppressions: tuple[Suppression, ...] = ()
    logging_dmvpn: L[bool] | None = None  # `logging dmvpn` (global): DMVPN syslog messages

    @property
    def release(self) -> Release | None:
        return self.inventory.ios.value if self.inventory.ios else None

    def dmvpn_tunnels(self) -> list[Interface]:
        return [i for i in self.interfaces.values() if i.is_dmvpn]

    def interface_owning(self, address: IPAddress) -> Interface | None:
        """The interface whose primary or secondary address is `address`."""
        for interface in self.interfaces.values():
            if interface.address and interface.address.value.ip == address:
                return interface
            if any(s.value.ip == address for s in interface.secondary_addresses):
                return interface
        return None


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A file that could not be turned into a device (DMV004/DMV005): the run goes on."""

    rule: Literal["DMV004", "DMV005"]
    file: str
    line: int
    message: str
    device: str = ""


@dataclass(frozen=True, slots=True)
class Fleet:
    devices: tuple[Device, ...]
    problems: tuple[LoadProblem, ...] = ()
    inventory_file: str | None = None

    def device(self, name: str) -> Device | None:
        return next((d for d in self.devices if d.name == name), None)


def parse_ip(text: str) -> IPAddress:
    """An IPv4 or IPv6 address; ValueError naming the text otherwise."""
    return ip_address(text)
