"""The few lines `dmvpnlint generate` prints about a run: what was allocated, what was proven.

Plain strings (the CLI prints them); values and where they came from, never a secret.
"""

from __future__ import annotations

from collections import Counter

from dmvpnlint.engine import Severity
from dmvpnlint.generate import GenerationResult


def describe(result: GenerationResult) -> list[str]:
    lines = [
        f"{result.inventory.file}: {len(result.files)} devices, "
        f"{len(result.inventory.clouds)} clouds, target {result.target.name}"
    ]
    for name, cloud in result.inventory.clouds.items():
        allocation = result.allocations[name]
        sources = Counter(a.source for a in allocation.addresses.values())
        key = allocation.tunnel_key
        key_text = "no tunnel key" if key.value is None else f"tunnel key {key.value}"
        vrf = f" vrf {cloud.vrf}" if cloud.vrf else ""
        lines.append(
            f"cloud {name}: {cloud.subnet} on {cloud.interface}{vrf}, phase {cloud.phase}, "
            f"network-id {allocation.network_id.value} ({allocation.network_id.source}), "
            f"{key_text} ({key.source}); tunnel addresses: "
            + ", ".join(f"{sources[s]} {s}" for s in ("inventory", "kept", "allocated"))
        )
    v = result.verification
    lines.append(
        f"round trip: parsed back and linted: {v.count(Severity.ERROR)} errors, "
        f"{v.count(Severity.WARNING)} warnings, {v.count(Severity.INFO)} info"
    )
    return lines
