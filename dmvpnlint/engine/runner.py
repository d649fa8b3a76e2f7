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
from dmvpnlint.engine.registry import Check, CheckFunction
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


def _failure(c: Check, where: str, exc: Exception) -> CheckFailure:
    """What the CLI reports for a check that raised (called inside the `except`)."""
    return CheckFailure(c.rule, c.name, where, f"{type(exc).__name__}: {exc}", traceback.format_exc())


# (check, its function, its rule, the severity override): unpacked once per run, not per call
_Entry = tuple[Check, CheckFunction, Rule, Severity | None]


def _plan(entries: list[_Entry], have: frozenset[str]) -> list[_Entry]:
    """The checks whose declared preconditions (`Check.needs`) all hold."""
    return [e for e in entries if e[0].needs <= have]


# what the runner knows of a tunnel: (DMVPN, its role, protected, device behind NAT)
_TunnelFacts = tuple[bool, "str | None", bool, bool]


def _facts_names(facts: _TunnelFacts) -> frozenset[str]:
    """The `Check.needs` names that hold for a tunnel with these facts."""
    dmvpn, role, protected, nat = facts
    names = set()
    if dmvpn:
        names.add("dmvpn")
        if role is not None:
            names.add(role)
    if protected:
        names.add("protected")
    if nat:
        names.add("nat")
    return frozenset(names)


def run(
    ctx: LintContext,
    checks: Sequence[Check],
    rules: dict[str, Rule],
    selected: set[str],
    severity_overrides: dict[str, Severity] | None = None,
) -> RunResult:
    """Call every selected check for its scope: fleet, each cloud, each device, each tunnel.

    The loops are written out (no helper call and no location string per check and device:
    10,000 devices x ~50 checks make half a million calls), and a check is not called where
    its declared preconditions (`Check.needs`) fail. Findings are then sorted, so the order of
    calls never shows.
    """
    result = RunResult()
    findings = result.findings
    failures = result.failures
    append = findings.append
    overrides = severity_overrides or {}
    by_scope: dict[Scope, list[_Entry]] = {scope: [] for scope in Scope}
    for c in checks:
        if c.rule in selected and c.rule in rules:
            by_scope[c.scope].append((c, c.function, rules[c.rule], overrides.get(c.rule)))

    for c, function, rule, override in by_scope[Scope.FLEET]:
        try:
            for hit in function(ctx):
                append(_finding(rule, hit, override))
        except Exception as exc:  # a bug in a check must not lose the run
            failures.append(_failure(c, "fleet", exc))
    cloud_checks = by_scope[Scope.CLOUD]
    for cloud in ctx.topology.clouds:
        for c, function, rule, override in cloud_checks:
            try:
                for hit in function(ctx, cloud):
                    append(_finding(rule, hit, override))
            except Exception as exc:
                failures.append(_failure(c, f"cloud {cloud.id}", exc))

    device_entries, interface_entries = by_scope[Scope.DEVICE], by_scope[Scope.INTERFACE]
    # the checks to call for each combination of facts, built on first use (a handful per run)
    device_plans: dict[tuple[bool, bool], list[_Entry]] = {}
    interface_plans: dict[_TunnelFacts, list[_Entry]] = {}
    roles = ctx.topology.roles
    for device in ctx.fleet.devices:
        name = device.name
        nat = device.inventory.nat is not None
        # interface-scope rules judge tunnels; physical interfaces are read through them
        tunnels = []
        dmvpn = False
        if interface_entries or device_entries:
            for interface in device.interfaces.values():
                if interface.is_tunnel:
                    is_dmvpn = interface.is_dmvpn
                    tunnel = interface.tunnel
                    facts: _TunnelFacts = (
                        is_dmvpn,
                        roles.get(TunnelRef(name, interface.name)) if is_dmvpn else None,
                        tunnel is not None and tunnel.protection is not None,
                        nat,
                    )
                    dmvpn = dmvpn or is_dmvpn
                    tunnels.append((interface, facts))
        if device_entries:
            plan = device_plans.get((dmvpn, nat))
            if plan is None:
                have = frozenset(x for x, on in (("dmvpn", dmvpn), ("nat", nat)) if on)
                plan = device_plans[(dmvpn, nat)] = _plan(device_entries, have)
            for c, function, rule, override in plan:
                try:
                    for hit in function(ctx, device):
                        append(_finding(rule, hit, override))
                except Exception as exc:
                    failures.append(_failure(c, f"device {name}", exc))
        if not interface_entries:
            continue
        for interface, facts in tunnels:
            plan = interface_plans.get(facts)
            if plan is None:
                plan = interface_plans[facts] = _plan(interface_entries, _facts_names(facts))
            for c, function, rule, override in plan:
                try:
                    for hit in function(ctx, device, interface):
                        append(_finding(rule, hit, override))
                except Exception as exc:
                    failures.append(_failure(c, f"{name} {interface.name}", exc))
    findings.sort(key=lambda f: f.sort_key)
    return result
