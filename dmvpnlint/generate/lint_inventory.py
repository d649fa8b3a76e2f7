"""The lint inventory written beside generated configs, so `dmvpnlint lint OUT/` sees what the
round trip saw: each device's config file, role, platform, supervisor, release and NAT.

The generation inventory cannot serve: `lint` refuses its generation keys (`wan`, `lans`,
`clouds`), as it refuses any key it does not know.
"""

from __future__ import annotations

from typing import Any

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present

from dmvpnlint.generate.spec import GenerationInventory

LINT_INVENTORY_NAME = "inventory.yaml"
HEADER = (
    "# Written by dmvpnlint generate for `dmvpnlint lint` of this folder: the facts of each\n"
    "# device that its config does not hold (INTERFACES.md, \"Inventory\").\n"
)


def lint_inventory_text(inventory: GenerationInventory, file_names: dict[str, str]) -> str:
    """`file_names`: device -> its config file name in the output folder."""
    devices: dict[str, Any] = {}
    for name, device in inventory.devices.items():
        facts = device.facts
        entry: dict[str, Any] = {"config": file_names[name], "role": device.role}
        if facts.platform is not None:
            entry["platform"] = facts.platform.value
        if facts.supervisor is not None:
            entry["supervisor"] = facts.supervisor.value
        if facts.ios is not None:
            entry["ios"] = str(facts.ios.value)
        if facts.nat is not None:
            entry["nat"] = {"outside": str(facts.nat.outside), "type": facts.nat.type}
        devices[name] = entry
    return HEADER + yaml.dump({"devices": devices}, Dumper=_DUMPER, sort_keys=False, width=100)
