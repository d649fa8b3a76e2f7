"""Address-space questions over IPv4: wildcard-mask sets, prefixes, overlaps.

A `network A W` statement of EIGRP or OSPF matches every address that agrees with A on the bits
W leaves clear; W need not be contiguous (`network 10.0.0.1 0.0.255.0` matches 10.0.x.1), so a
prefix-and-length view of it is wrong. `WildcardSet` keeps the (care mask, value) pair and
answers membership and intersection exactly with bit operations; `Prefix` does the same for
interval questions (two LAN prefixes overlap), and `overlapping` finds overlaps in n log n by a
sweep over sorted intervals, never by comparing all pairs.

z3 answers what bit tricks cannot state in one line: which addresses of a prefix a union of
wildcard sets leaves uncovered (`uncovered_address`), with a witness the message can print.
Queries are small and cached: fleets repeat the same statements thousands of times.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from ipaddress import IPv4Address, IPv4Network
from typing import TypeVar

ALL_ONES = 0xFFFFFFFF
P = TypeVar("P", bound=Hashable)


def classful_mask(address: IPv4Address) -> int:
    """The class A/B/C mask IOS assumes for a `network` statement without a wildcard."""
    first = int(address) >> 24
    if first < 128:
        return 0xFF000000
    if first < 192:
        return 0xFFFF0000
    return 0xFFFFFF00


def wildcard_match(address: int, base: IPv4Address, wildcard: IPv4Address | None) -> bool:
    """`WildcardSet.of(base, wildcard).contains(address)` without building the set: the hot
    path of "does a network statement cover this interface" on every tunnel of a fleet."""
    care = classful_mask(base) if wildcard is None else ~int(wildcard) & ALL_ONES
    return (address ^ int(base)) & care == 0


@dataclass(frozen=True, slots=True)
class WildcardSet:
    """The addresses x with `x & care == value`: what `network A W` matches (care = ~W)."""

    care: int
    value: int

    @classmethod
    def of(cls, address: IPv4Address, wildcard: IPv4Address | None) -> WildcardSet:
        care = classful_mask(address) if wildcard is None else ~int(wildcard) & ALL_ONES
        return cls(care, int(address) & care)

    @classmethod
    def of_network(cls, network: IPv4Network) -> WildcardSet:
        return cls(int(network.netmask), int(network.network_address))

    def contains(self, address: IPv4Address) -> bool:
        return int(address) & self.care == self.value

    def intersects(self, other: WildcardSet) -> bool:
        """Exact: the two sets share an address iff they agree on every bit both care about."""
        both = self.care & other.care
        return self.value & both == other.value & both

    @property
    def size(self) -> int:
        return 1 << (32 - bin(self.care).count("1"))

    def __str__(self) -> str:
        return f"{IPv4Address(self.value)} {IPv4Address(~self.care & ALL_ONES)}"


@dataclass(frozen=True, slots=True, order=True)
class Prefix:
    """A prefix as the closed interval [first, last] of integers."""

    first: int
    last: int

    @classmethod
    def of(cls, network: IPv4Network) -> Prefix:
        return cls(int(network.network_address), int(network.broadcast_address))

    def overlaps(self, other: Prefix) -> bool:
        return self.first <= other.last and other.first <= self.last


def overlapping(items: Iterable[tuple[IPv4Network, P]]) -> Iterator[tuple[P, P]]:
    """Pairs (later, earlier) of items whose prefixes overlap, in n log n.

    Items are swept in order of (first address, -size): each one that starts before the
    furthest end seen so far overlaps the item that reached that end, and is reported against
    it (once: a hundred sites with the same LAN give ninety-nine findings, not 4,950).
    """
    ordered = sorted(
        ((Prefix.of(n), i, payload) for i, (n, payload) in enumerate(items)),
        key=lambda t: (t[0].first, -t[0].last, t[1]),
    )
    reach: tuple[Prefix, P] | None = None
    for prefix, _, payload in ordered:
        if reach is not None and prefix.first <= reach[0].last:
            yield payload, reach[1]
            if prefix.last > reach[0].last:
                reach = (prefix, payload)
            continue
        reach = (prefix, payload)


@cache
def uncovered_address(network: IPv4Network, sets: tuple[WildcardSet, ...]) -> IPv4Address | None:
    """The lowest host address of `network` (network and broadcast addresses left out below
    /31) that none of `sets` contains, or None if they cover every host.

    A z3 bit-vector query: with non-contiguous wildcards the uncovered part of a prefix is not
    an interval, and z3 minimises over it exactly.
    """
    import z3  # imported here: most lint runs never ask, and z3 takes a while to load

    x = z3.BitVec("x", 32)
    opt = z3.Optimize()
    net = WildcardSet.of_network(network)
    opt.add(x & net.care == net.value)
    if network.prefixlen < 31:
        opt.add(x != int(network.network_address), x != int(network.broadcast_address))
    for s in sets:
        opt.add(x & s.care != s.value)
    opt.minimize(x)
    if opt.check() != z3.sat:
        return None
    return IPv4Address(opt.model()[x].as_long())


@cache
def z3_contains(s: WildcardSet, address: IPv4Address) -> bool:
    """Membership stated to z3 (the bit-operation answer's cross-check in the tests)."""
    import z3

    x = z3.BitVecVal(int(address), 32)
    solver = z3.Solver()
    solver.add(x & s.care == s.value)
    return solver.check() == z3.sat


__all__ = [
    "Prefix",
    "WildcardSet",
    "classful_mask",
    "overlapping",
    "uncovered_address",
    "wildcard_match",
    "z3_contains",
]
