"""Allocate what the inventory leaves out, with z3: tunnel addresses, network-ids, tunnel keys.

Stability first: a value the inventory pins is used as is; a value an earlier run allocated (the
`allocation.yaml` summary in the output folder) is kept while it is still valid; only devices
and clouds without one get a new value. Adding a spoke therefore never renumbers the others.

The solver states the request and proves it possible, or its unsat core says why not, naming
the devices, clouds, values and subnet involved (two pinned addresses that collide, a pinned
address outside the subnet, more members than the subnet has host addresses, two clouds on one
hub with one network-id). Queries stay small and linear in the fleet: new members take the
lowest free host addresses in inventory order, so the solver only has to prove that there are
enough of them (one integer, not one variable per member: an all-pairs `Distinct` takes z3
minutes at a few hundred members, and even a chain s1 < s2 < ... takes half a minute at 10,000),
and pinned addresses are compared with their neighbour in sorted order only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Generic, Literal, TypeVar

import z3

from dmvpnlint.generate.errors import GenerateError
from dmvpnlint.generate.inventory import MAX_U32
from dmvpnlint.generate.secrets import SecretText
from dmvpnlint.generate.spec import NO_KEY, CloudSpec, GenerationInventory

T = TypeVar("T")
Source = Literal["inventory", "kept", "allocated", "derived"]
FIRST_ALLOCATED_ID = 100  # network-ids and tunnel keys are allocated from here up
_C6500 = re.compile(r"(cat|c|ws-c)?6[45]\d\d|(cat|c|cisco)?76\d\d", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Allocated(Generic[T]):
    """A value and where it came from: the inventory, an earlier run, or this run."""

    value: T
    source: Source


@dataclass(frozen=True, slots=True)
class PreviousCloud:
    """What an earlier run allocated for one cloud (read from its summary)."""

    subnet: IPv4Network | None = None
    network_id: int | None = None
    tunnel_key: int | None = None
    addresses: Mapping[str, IPv4Address] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CloudAllocation:
    network_id: Allocated[int]
    tunnel_key: Allocated[int | None]
    addresses: dict[str, Allocated[IPv4Address]]  # device -> its tunnel address, hubs first


def is_c6500(platform: str | None) -> bool:
    """A Catalyst 6500 / 7600 (guide Tunnel Key: no tunnel key on these platforms)."""
    return platform is not None and _C6500.fullmatch(platform.strip().replace(" ", "")) is not None


# --- tunnel addresses ---------------------------------------------------------------------------


def allocate_addresses(
    cloud: CloudSpec,
    members: list[tuple[str, IPv4Address | None, str]],
    previous: PreviousCloud | None,
) -> dict[str, Allocated[IPv4Address]]:
    """Tunnel addresses for `members` ((device, pinned address or None, inventory location)),
    in the order given: pinned first, then kept from `previous`, then the lowest free ones."""
    subnet = cloud.subnet
    low = int(subnet.network_address) + 1
    high = int(subnet.broadcast_address) - 1
    size = high - low + 1
    pinned = [(d, int(a), where) for d, a, where in members if a is not None]
    pinned_values = {v for _, v, _ in pinned}
    kept: list[tuple[str, int]] = []
    if previous is not None and previous.subnet == subnet:
        taken = set(pinned_values)
        for device, address, _ in members:
            old = previous.addresses.get(device)
            if address is None and old is not None and low <= int(old) <= high and int(old) not in taken:
                kept.append((device, int(old)))
                taken.add(int(old))
    kept_devices = {d for d, _ in kept}
    new = [d for d, a, _ in members if a is None and d not in kept_devices]

    solver = z3.Solver()
    reasons: dict[str, str] = {}

    def track(name: str, constraint: z3.BoolRef, reason: str) -> None:
        reasons[name] = reason
        solver.assert_and_track(constraint, z3.Bool(name))

    x = {d: z3.Int(f"addr:{d}") for d, _, _ in pinned}
    hosts = f"{IPv4Address(low)}-{IPv4Address(high)}"
    for device, value, where in pinned:
        track(f"pin:{device}", x[device] == value,
              f"{where}: {device} pins {IPv4Address(value)} in cloud '{cloud.name}'")
        track(f"range:{device}", z3.And(x[device] >= low, x[device] <= high),
              f"the host addresses of cloud '{cloud.name}' ({subnet}) are {hosts}")
    ordered = sorted(pinned, key=lambda p: (p[1], p[0]))
    for (a, _, _), (b, _, _) in zip(ordered, ordered[1:]):
        track(f"distinct:{a}:{b}", x[a] != x[b],
              f"{a} and {b} need different tunnel addresses in cloud '{cloud.name}'")
    fixed = sorted(pinned_values | {v for _, v in kept})
    fixed_in_range = [v for v in fixed if low <= v <= high]
    if new:
        # New members take free slots 0..k-1 in order; all that is left to prove is that the
        # k-th slot exists. One integer, not one per member: a chain of 10,000 slot variables
        # costs z3 half a minute and proves nothing more.
        count = z3.Int("new_members")
        solver.add(count == len(new))
        free = size - len(fixed_in_range)
        track("capacity", count <= free,
              f"cloud '{cloud.name}' ({subnet}) has {size} host addresses ({hosts}); "
              f"{len(fixed_in_range)} are pinned or kept and {len(new)} more members need one "
              f"({_names(new)}): {len(new) - free} too many; use a larger subnet")
    if solver.check() != z3.sat:
        core = [str(c) for c in solver.unsat_core()]
        raise GenerateError(
            f"cannot allocate tunnel addresses in cloud '{cloud.name}' ({subnet}): "
            + "; ".join(reasons[c] for c in sorted(core, key=_core_order))
        )
    chosen = _free_addresses(len(new), low, fixed_in_range)

    result: dict[str, Allocated[IPv4Address]] = {}
    new_iter = iter(chosen)
    kept_map = dict(kept)
    for device, address, _ in members:
        if address is not None:
            result[device] = Allocated(address, "inventory")
        elif device in kept_map:
            result[device] = Allocated(IPv4Address(kept_map[device]), "kept")
        else:
            result[device] = Allocated(IPv4Address(next(new_iter)), "allocated")
    return result


def _core_order(name: str) -> tuple[int, str]:
    return ({"pin": 0, "range": 1, "distinct": 2, "capacity": 3}.get(name.split(":")[0], 9), name)


def _names(devices: list[str], limit: int = 5) -> str:
    shown = ", ".join(devices[:limit])
    return shown + (f" and {len(devices) - limit} more" if len(devices) > limit else "")


def _free_addresses(count: int, low: int, fixed: list[int]) -> list[int]:
    """The `count` lowest addresses from `low` up that are not in `fixed` (sorted): one merge
    walk, linear in count + len(fixed)."""
    result: list[int] = []
    address = low
    index = 0
    while len(result) < count:
        if index < len(fixed) and fixed[index] < address:
            index += 1
        elif index < len(fixed) and fixed[index] == address:
            index += 1
            address += 1
        else:
            result.append(address)
            address += 1
    return result


# --- cloud identities (network-id, tunnel key, NHRP authentication) ------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    network_ids: dict[str, Allocated[int]]
    tunnel_keys: dict[str, Allocated[int | None]]


def allocate_identities(
    inventory: GenerationInventory,
    authentication: Mapping[str, SecretText],
    previous: Mapping[str, PreviousCloud],
) -> Identity:
    """Network-ids and tunnel keys for every cloud, and a proof that clouds sharing a device
    differ in network-id and NHRP authentication (DMV116) and clouds sharing a tunnel source
    in tunnel key (DMV114)."""
    clouds = inventory.clouds
    sharing: dict[tuple[str, str], str] = {}  # (cloud a, cloud b) -> a device in both
    same_source: dict[tuple[str, str], str] = {}
    c6500: set[str] = set()
    for device in inventory.devices.values():
        names = sorted(m.cloud for m in device.memberships)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                sharing.setdefault((a, b), device.name)
        by_wan: dict[str, list[str]] = {}
        for m in device.memberships:
            by_wan.setdefault(device.wan_for(m).interface, []).append(m.cloud)
        for group in by_wan.values():
            group.sort()
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    same_source.setdefault((a, b), device.name)
        if is_c6500(device.facts.platform.value if device.facts.platform else None):
            c6500.update(m.cloud for m in device.memberships)

    solver = z3.Solver()
    reasons: dict[str, str] = {}
    hard: list[z3.BoolRef] = []

    def track(name: str, constraint: z3.BoolRef, reason: str) -> None:
        reasons[name] = reason
        hard.append(constraint)
        solver.assert_and_track(constraint, z3.Bool(name))

    nid = {c: z3.Int(f"nid:{c}") for c in clouds}
    key = {c: z3.Int(f"key:{c}") for c in clouds}
    auth = {c: z3.Int(f"auth:{c}") for c in clouds}
    for name, cloud in clouds.items():
        bounds = [nid[name] >= 1, nid[name] <= MAX_U32, key[name] >= 0, key[name] <= MAX_U32]
        solver.add(*bounds)
        hard.extend(bounds)
        if cloud.network_id is not None:
            track(f"nid:{name}", nid[name] == cloud.network_id,
                  f"{cloud.span}: cloud '{name}' sets network_id {cloud.network_id}")
        if cloud.tunnel_key is not None and cloud.tunnel_key != NO_KEY:
            track(f"key:{name}", key[name] == cloud.tunnel_key,
                  f"{cloud.span}: cloud '{name}' sets tunnel_key {cloud.tunnel_key}")
        origin = authentication[name].origin
        track(f"auth:{name}", auth[name] == int(authentication[name].digest.digest[:15], 16),
              f"cloud '{name}' takes its NHRP authentication from {origin}")
    for (a, b), device in sorted(sharing.items()):
        track(f"share-nid:{a}:{b}", nid[a] != nid[b],
              f"clouds '{a}' and '{b}' share device {device}, so their network-ids must differ "
              "(DMV116)")
        track(f"share-auth:{a}:{b}", auth[a] != auth[b],
              f"clouds '{a}' and '{b}' share device {device}, so their NHRP authentication "
              "strings must differ (DMV116)")
    for (a, b), device in sorted(same_source.items()):
        track(f"share-key:{a}:{b}", key[a] != key[b],
              f"clouds '{a}' and '{b}' share a tunnel source on {device}, so their tunnel keys "
              "must differ (DMV114)")
    if solver.check() != z3.sat:
        core = sorted(str(c) for c in solver.unsat_core())
        raise GenerateError("cannot give the clouds distinct identities: "
                            + "; ".join(reasons[c] for c in core))

    # The request is possible: now pick values, keeping earlier ones where they still fit and
    # preferring the lowest free values from FIRST_ALLOCATED_ID up (a key equal to the
    # network-id when it can be), one objective at a time so the choice is deterministic.
    optimizer = z3.Optimize()
    optimizer.add(*hard)  # the tracked constraints themselves, not their implications
    for name, cloud in clouds.items():
        old = previous.get(name)
        if cloud.network_id is None:
            optimizer.add(nid[name] >= FIRST_ALLOCATED_ID)
            if old is not None and old.network_id is not None:
                optimizer.add_soft(nid[name] == old.network_id, 1000)
        if cloud.tunnel_key is None:
            optimizer.add(key[name] >= FIRST_ALLOCATED_ID)
            if old is not None and old.tunnel_key is not None:
                optimizer.add_soft(key[name] == old.tunnel_key, 1000)
            optimizer.add_soft(key[name] == nid[name], 10)
    for name, cloud in clouds.items():
        if cloud.network_id is None:
            optimizer.minimize(nid[name])
        if cloud.tunnel_key is None:
            optimizer.minimize(key[name])
    optimizer.set(priority="lex")
    if optimizer.check() != z3.sat:  # pragma: no cover - the same hard constraints were sat
        raise GenerateError("cannot allocate network-ids and tunnel keys")
    model = optimizer.model()

    network_ids: dict[str, Allocated[int]] = {}
    tunnel_keys: dict[str, Allocated[int | None]] = {}
    for name, cloud in clouds.items():
        old = previous.get(name)
        value = model.eval(nid[name]).as_long()
        if cloud.network_id is not None:
            network_ids[name] = Allocated(cloud.network_id, "inventory")
        else:
            kept = old is not None and old.network_id == value
            network_ids[name] = Allocated(value, "kept" if kept else "allocated")
        if cloud.tunnel_key == NO_KEY:
            tunnel_keys[name] = Allocated(None, "inventory")
        elif cloud.tunnel_key is not None:
            tunnel_keys[name] = Allocated(cloud.tunnel_key, "inventory")
        elif name in c6500 and not any(name in pair for pair in same_source):
            tunnel_keys[name] = Allocated(None, "allocated")  # guide: no key on 6500/7600
        else:
            value = model.eval(key[name]).as_long()
            kept = old is not None and old.tunnel_key == value
            tunnel_keys[name] = Allocated(value, "kept" if kept else "allocated")
    return Identity(network_ids, tunnel_keys)


def cloud_members(inventory: GenerationInventory, cloud: str) -> list[tuple[str, IPv4Address | None, str]]:
    """(device, pinned tunnel address, where it is pinned) for one cloud: hubs, then spokes,
    each in inventory order (so hubs get the low addresses)."""
    found: list[tuple[int, str, IPv4Address | None, str]] = []
    for device in inventory.devices.values():
        for m in device.memberships:
            if m.cloud == cloud:
                rank = 0 if device.role == "hub" else 1
                found.append((rank, device.name, m.tunnel_address, str(m.span)))
    found.sort(key=lambda item: item[0])  # stable: inventory order within a role
    return [(name, address, where) for _, name, address, where in found]
