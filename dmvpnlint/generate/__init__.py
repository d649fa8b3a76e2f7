"""Compile an inventory into hub and spoke configs that are consistent by construction.

inventory.yaml -> `load_generation_inventory` (spec) -> secrets from the environment ->
`allocate` (z3: tunnel addresses, network-ids, tunnel keys) -> `plan` (every command decided)
-> `render` (targets/<target>/ jinja2 templates) -> `verify` (parsed back by the IOS front end
and linted with every rule) -> `write_output` (refused while there are error findings).

`generate()` does everything but writing and never touches the output folder except to read the
previous run's `allocation.yaml`, which keeps allocation stable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dmvpnlint.engine import Finding, Severity
from dmvpnlint.frontend.inventory import InventoryError
from dmvpnlint.generate.allocate import (
    CloudAllocation,
    allocate_addresses,
    allocate_identities,
    cloud_members,
)
from dmvpnlint.generate.errors import GenerateError
from dmvpnlint.generate.inventory import load_generation_inventory
from dmvpnlint.generate.lint_inventory import LINT_INVENTORY_NAME, lint_inventory_text
from dmvpnlint.generate.plan import DevicePlan, fleet_facts, plan_device
from dmvpnlint.generate.render import Target, load_target, render_device
from dmvpnlint.generate.secrets import SecretText, derive_nhrp_authentication, resolve
from dmvpnlint.generate.spec import GenerationInventory
from dmvpnlint.generate.summary import (
    SUMMARY_NAME,
    dump_summary,
    previous_files,
    read_previous,
    summary_document,
)
from dmvpnlint.generate.verify import Verification, verify


@dataclass(frozen=True, slots=True)
class GenerationResult:
    """Everything one run produced, in memory: file name -> text, and the proof."""

    inventory: GenerationInventory
    target: Target
    allocations: dict[str, CloudAllocation]
    plans: dict[str, DevicePlan]
    files: dict[str, str]  # device config file name -> text
    summary: str  # allocation.yaml text
    lint_inventory: str  # inventory.yaml text for `dmvpnlint lint` of the output folder
    verification: Verification
    out_dir: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.verification.findings

    @property
    def errors(self) -> tuple[Finding, ...]:
        return self.verification.errors


def _output_path(out_dir: str | None, file_name: str) -> str:
    return os.path.join(out_dir, file_name) if out_dir else file_name


def generate(
    inventory_path: str,
    target: str = "ios",
    out_dir: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> GenerationResult:
    """Compile `inventory_path` for `target`; raise GenerateError (or InventoryError) when the
    request is impossible. `out_dir` is where the files will go: its previous `allocation.yaml`
    is honoured, and findings name the files there."""
    env = os.environ if environ is None else environ
    the_target = load_target(target)
    inventory = load_generation_inventory(inventory_path)
    psk: dict[str, SecretText] = {}
    authentication: dict[str, SecretText] = {}
    for name, cloud in inventory.clouds.items():
        psk[name] = resolve(cloud.psk, env, f"psk of cloud '{name}'")
        if cloud.authentication is not None:
            auth = resolve(cloud.authentication, env, f"nhrp_authentication of cloud '{name}'")
            if auth.length > 8:
                raise GenerateError(
                    f"{cloud.authentication.span}: nhrp_authentication of cloud '{name}' from "
                    f"{cloud.authentication} has {auth.length} characters; IOS keeps 8 (DMV209)"
                )
            authentication[name] = auth
        else:
            authentication[name] = derive_nhrp_authentication(psk[name], name)

    previous = read_previous(out_dir)
    identity = allocate_identities(inventory, authentication, previous)
    allocations = {
        name: CloudAllocation(
            identity.network_ids[name],
            identity.tunnel_keys[name],
            allocate_addresses(cloud, cloud_members(inventory, name), previous.get(name)),
        )
        for name, cloud in inventory.clouds.items()
    }
    facts = fleet_facts(inventory, allocations, authentication, psk)
    plans = {name: plan_device(facts, device) for name, device in inventory.devices.items()}
    texts: dict[str, tuple[str, str]] = {}
    files: dict[str, str] = {}
    for name, plan in plans.items():
        file_name = the_target.file_name(name)
        text = render_device(the_target, plan)
        files[file_name] = text
        texts[name] = (_output_path(out_dir, file_name), text)
    verification = verify(
        texts, {n: d.facts for n, d in inventory.devices.items()}, inventory.file
    )
    counts = {s.value: verification.count(s) for s in Severity}
    summary = dump_summary(summary_document(
        inventory, the_target.name, allocations, authentication, list(files), counts
    ))
    lint_inventory = lint_inventory_text(
        inventory, {name: the_target.file_name(name) for name in inventory.devices}
    )
    return GenerationResult(
        inventory, the_target, allocations, plans, files, summary, lint_inventory, verification,
        out_dir,
    )


def write_output(result: GenerationResult, out_dir: str) -> list[str]:
    """Write every config, the summary and a lint inventory into `out_dir`, and remove the
    configs the previous run wrote for devices no longer in the inventory (nothing else); refuse
    when a finding is an error or a check failed. Returns the config paths written."""
    if result.errors or result.verification.failures:
        raise GenerateError(
            f"refusing to write {len(result.files)} configs to {out_dir}: the round trip found "
            f"{len(result.errors)} error finding(s)"
        )
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in previous_files(out_dir):
        if stale not in result.files and stale != LINT_INVENTORY_NAME:
            (folder / stale).unlink(missing_ok=True)  # a device removed from the inventory
    written = []
    for file_name, text in result.files.items():
        path = folder / file_name
        path.write_text(text, encoding="utf-8")
        written.append(str(path))
    (folder / SUMMARY_NAME).write_text(result.summary, encoding="utf-8")
    (folder / LINT_INVENTORY_NAME).write_text(result.lint_inventory, encoding="utf-8")
    return written


__all__ = [
    "GenerateError",
    "GenerationResult",
    "InventoryError",
    "generate",
    "load_generation_inventory",
    "write_output",
]
