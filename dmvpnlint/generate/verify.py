"""The round trip that proves generated configs: parse them back with the IOS front end and lint
them with every check `ALL_CHECKS` holds, the same way `dmvpnlint lint` would.

The texts are parsed from memory (nothing is written before it is proven), each under the path
it will be written to, so findings point at the lines of the files the user will read. The
devices get the inventory's facts (role, platform, release, NAT) as `lint --inventory` would
give them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from dmvpnlint.checks import ALL_CHECKS
from dmvpnlint.engine import Finding, Severity, load_rules, select_rules
from dmvpnlint.engine.runner import CheckFailure, LintContext, run
from dmvpnlint.frontend.build import build_device
from dmvpnlint.frontend.commands import LineParser
from dmvpnlint.model import Fleet, InventoryFacts
from dmvpnlint.topology import Topology, build_topology


@dataclass(frozen=True, slots=True)
class Verification:
    fleet: Fleet
    topology: Topology
    findings: tuple[Finding, ...]
    failures: tuple[CheckFailure, ...]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


def verify(
    texts: Mapping[str, tuple[str, str]],
    facts: Mapping[str, InventoryFacts],
    inventory_file: str | None,
) -> Verification:
    """`texts`: device -> (file path, config text). Parses, resolves clouds, runs every rule."""
    parse = LineParser()  # one memo: a fleet's spokes repeat most of their lines
    devices = []
    for name, (path, text) in texts.items():
        device = build_device(text, path, name, parse)
        devices.append(dataclasses.replace(device, inventory=facts[name]))
    fleet = Fleet(tuple(devices), (), inventory_file)
    topology = build_topology(fleet)
    rules = load_rules()
    result = run(LintContext(fleet, topology), ALL_CHECKS, rules, select_rules(rules, None, None))
    return Verification(fleet, topology, tuple(result.findings), tuple(result.failures))
