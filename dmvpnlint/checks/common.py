"""Small helpers the checks share: names and locations in messages, IGP coverage."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network

from dmvpnlint.engine.findings import Related
from dmvpnlint.model import Device, Interface, NetworkStatement, Span


def where(device: Device, interface: Interface) -> str:
    """`spoke1 Tunnel0`: how messages name a tunnel."""
    return f"{device.name} {interface.name}"


def at(span: Span) -> str:
    """`hub1.cfg:12`: how messages point at another line."""
    return f"{span.file}:{span.line}"


def related(device: Device, span: Span) -> Related:
    return Related(device.name, span)


def classful_mask(address: IPv4Address) -> int:
    first = int(address) >> 24
    if first < 128:
        return 0xFF000000
    if first < 192:
        return 0xFFFF0000
    return 0xFFFFFF00


def network_covers(statement: NetworkStatement, address: IPv4Address) -> bool:
    """Whether an EIGRP/OSPF `network A W` statement enables the protocol on `address`.

    The wildcard's set bits are "don't care" bits, contiguous or not; a statement without a
    wildcard is classful (EIGRP), as IOS treats it.
    """
    if not isinstance(statement.address, IPv4Address):
        return False
    if statement.wildcard is None:
        care = classful_mask(statement.address)
    else:
        care = ~int(statement.wildcard) & 0xFFFFFFFF
    return (int(address) & care) == (int(statement.address) & care)


def eigrp_asns_on(device: Device, interface: Interface) -> list[int]:
    """The EIGRP autonomous systems whose network statements (global or per-VRF address
    family) or named-mode `af-interface` enable EIGRP on this interface."""
    found: list[int] = []
    ip = interface.ip
    vrf = interface.vrf.value if interface.vrf else None
    for process in device.routing.eigrp:
        statements: Iterable[NetworkStatement]
        statements = process.vrf_networks.get(vrf, ()) if vrf else process.networks
        if ip is not None and any(network_covers(s, ip) for s in statements):
            found.append(process.asn if process.asn is not None else -1)
    return found


def ospf_runs_on(device: Device, interface: Interface) -> bool:
    if interface.ospf_area is not None:
        return True
    ip = interface.ip
    if ip is None:
        return False
    return any(
        network_covers(s, ip) for process in device.routing.ospf for s in process.networks
    )


def igp_runs_on(device: Device, interface: Interface) -> bool:
    """EIGRP, OSPF or RIP over this interface: the protocols that need multicast over NHRP."""
    if eigrp_asns_on(device, interface) or ospf_runs_on(device, interface):
        return True
    return device.routing.rip is not None and interface.ip is not None


def in_subnet(network: IPv4Network, address: IPv4Address) -> bool:
    return address in network
