"""Walk each scope once and call the selected checks for it.

`--select` therefore skips work, and the cost is the sum of the checks' own costs, each linear or
n·log n in fleet size. A check that raises is a bug in dmvpnlint, not in the user's configs: it is
recorded as a `CheckFailure` (the CLI says so and exits 2) and the other checks still run.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

from dmvpnlint.engine.findings import Finding, Hit, Scope, Severity, fingerprint
from dmvpnlint.engine.registry import Check
from dmvpnlint.engine.rules import Rule
from dmvpnlint.model import Device, Fleet, Interface
from dmvpnlint.topology import Topology, TunnelRef


@dataclass(frozen=True, slots=True)
class LintContext:
    """What every check can read: the fleet, its resolved DMVPN clouds, devices by name."""

    fleet: Fleet
    topology: Topology
    devices: dict[str, Device] = field(init=False)
    # per-run memo for values several checks derive from the fleet (effective crypto per
    # tunnel, the z3 proof cache): computed once per lint run, never shared between runs
    derived: dict[str, object] = field(init=False, default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "devices", {d.name: d for d in self.fleet.devices})

    def interface(self, ref: TunnelRef) -> tuple[Device, Interface]:
        device = self.devices[ref.device]
        return device, device.interfaces[ref.interface]


@dataclass(frozen=True, slots=True)
class CheckFailure:
    rule: str
    check: str
    where: str
    error: str
    trace: str


@dataclass(slots=True)
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    failures: list[CheckFailure] = field(default_factory=list)


def _finding(rule: Rule, hit: Hit, severity: Severity | None = None) -> Finding:
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity or hit.severity or rule.severity,
        device=hit.device,
        file=hit.span.file,
        line=hit.span.line,
        message=hit.message,
        related=hit.related,
        cloud=hit.cloud,
        hint=hit.hint,
        fingerprint=fingerprint(rule.id, hit.device, hit.subject or (hit.message,)),
    )


def run(
    ctx: LintContext,
    checks: Sequence[Check],
    rules: dict[str, Rule],
    selected: set[str],
    severity_overrides: dict[str, Severity] | None = None,
) -> RunResult:
    result = RunResult()
    active = [c for c in checks if c.rule in selected and c.rule in rules]
    by_scope: dict[Scope, list[Check]] = {scope: [] for scope in Scope}
    for c in active:
        by_scope[c.scope].append(c)
    overrides = severity_overrides or {}

    def collect(c: Check, where: str, *args: object) -> None:
        rule = rules[c.rule]
        try:
            for hit in c(*args):
                result.findings.append(_finding(rule, hit, overrides.get(rule.id)))
        except Exception as exc:  # a bug in a check must not lose the run
            result.failures.append(
                CheckFailure(c.rule, c.name, where, f"{type(exc).__name__}: {exc}",
                             traceback.format_exc())
            )

    for c in by_scope[Scope.FLEET]:
        collect(c, "fleet", ctx)
    for cloud in ctx.topology.clouds:
        for c in by_scope[Scope.CLOUD]:
            collect(c, f"cloud {cloud.id}", ctx, cloud)
    for device in ctx.fleet.devices:
        for c in by_scope[Scope.DEVICE]:
            collect(c, f"device {device.name}", ctx, device)
        if by_scope[Scope.INTERFACE]:
            # interface-scope rules judge tunnels; physical interfaces are read through them
            for interface in device.interfaces.values():
                if not interface.is_tunnel:
                    continue
                for c in by_scope[Scope.INTERFACE]:
                    collect(c, f"{device.name} {interface.name}", ctx, device, interface)
    result.findings.sort(key=lambda f: f.sort_key)
    return result
