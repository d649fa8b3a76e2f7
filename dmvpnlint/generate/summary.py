"""`allocation.yaml`: what one run allocated, written beside the configs, read by the next run.

It is both the user's summary (which values came from the inventory, which were kept from the
last run, which are new) and the state that keeps allocation stable: run `generate` into the
same folder again and every device keeps its tunnel address, every cloud its network-id and
tunnel key. It never holds a secret: NHRP authentication is described by its origin and length.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present

from dmvpnlint.generate.allocate import CloudAllocation, PreviousCloud
from dmvpnlint.generate.errors import GenerateError
from dmvpnlint.generate.secrets import SecretText
from dmvpnlint.generate.spec import GenerationInventory

SUMMARY_NAME = "allocation.yaml"
SUMMARY_VERSION = 1
HEADER = (
    "# dmvpnlint generate: what was allocated for each cloud and where each value came from\n"
    "# (inventory, kept from the previous run into this folder, or allocated now).\n"
    "# The next run into this folder keeps these values; delete this file to renumber.\n"
)


def summary_document(
    inventory: GenerationInventory,
    target: str,
    allocations: Mapping[str, CloudAllocation],
    authentication: Mapping[str, SecretText],
    files: list[str],
    counts: Mapping[str, int],
) -> dict[str, Any]:
    clouds: dict[str, Any] = {}
    for name, cloud in inventory.clouds.items():
        allocation = allocations[name]
        auth = authentication[name]
        clouds[name] = {
            "subnet": str(cloud.subnet),
            "interface": cloud.interface,
            "phase": cloud.phase,
            "vrf": cloud.vrf,
            "network_id": {"value": allocation.network_id.value,
                           "source": allocation.network_id.source},
            "tunnel_key": {"value": allocation.tunnel_key.value,
                           "source": allocation.tunnel_key.source},
            "nhrp_authentication": {"source": auth.origin, "length": auth.length},
            "tunnel_addresses": {
                device: {"address": str(a.value), "source": a.source}
                for device, a in allocation.addresses.items()
            },
        }
    return {
        "version": SUMMARY_VERSION,
        "inventory": Path(inventory.file).name,
        "target": target,
        "clouds": clouds,
        "files": files,
        "findings": dict(counts),
    }


def dump_summary(document: dict[str, Any]) -> str:
    return HEADER + yaml.dump(
        document, Dumper=_DUMPER, sort_keys=False, default_flow_style=False, width=100
    )


def previous_files(folder: str) -> list[str]:
    """The config files the last run wrote into `folder` (its summary's `files`), so that a
    device removed from the inventory does not leave a stale config behind; [] without one."""
    path = Path(folder) / SUMMARY_NAME
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        files = data.get("files") or []
    except (OSError, yaml.YAMLError, AttributeError):
        return []
    # only plain names in that folder: never follow a path out of it
    return [f for f in files if isinstance(f, str) and f == Path(f).name and f != SUMMARY_NAME]


def read_previous(folder: str | None) -> dict[str, PreviousCloud]:
    """The allocations of the last run into `folder`; {} when there was none."""
    if folder is None:
        return {}
    path = Path(folder) / SUMMARY_NAME
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("version") != SUMMARY_VERSION:
            raise ValueError(f"version {data.get('version')!r}, expected {SUMMARY_VERSION}")
        result: dict[str, PreviousCloud] = {}
        for name, cloud in (data.get("clouds") or {}).items():
            key = cloud.get("tunnel_key", {}).get("value")
            result[str(name)] = PreviousCloud(
                subnet=IPv4Network(cloud["subnet"]),
                network_id=cloud.get("network_id", {}).get("value"),
                tunnel_key=int(key) if key is not None else None,
                addresses={str(d): IPv4Address(a["address"])
                           for d, a in (cloud.get("tunnel_addresses") or {}).items()},
            )
        return result
    except (OSError, yaml.YAMLError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise GenerateError(
            f"{path}: cannot read the previous allocation ({e}); fix or delete it to allocate anew"
        ) from None
