"""Inline suppressions (`! dmvpnlint: disable=...` in a config) applied after the checks.

A suppression covers lines of its own file only (`model.Suppression.first`..`last`): a finding
is removed when its primary location is there and one of the suppression's selectors (a rule
id or prefix; none = every rule) matches its rule. Related locations never count, so a comment
in the hub's config does not silence what is found on a spoke. What a suppression did not use
is reported as DMV006 (as ruff's RUF100), but only for selectors that name a rule this run
checked: `--select DMV1` cannot tell whether a DMV7 suppression is still needed.

One dict lookup per finding when the fleet has no suppressions; otherwise the few of the
finding's own file are scanned.
"""

from __future__ import annotations

from collections.abc import Iterable

from dmvpnlint.engine.findings import Finding, Severity, fingerprint
from dmvpnlint.engine.rules import Rule
from dmvpnlint.model import Fleet, Suppression

RULE = "DMV006"
_APPLIED = frozenset({"line", "block", "range", "file"})


def _matching(selectors: tuple[str, ...], rule: str) -> str | None:
    """The selector that matches `rule` ("" when the suppression names no rule), or None."""
    if not selectors:
        return ""
    return next((s for s in selectors if rule.startswith(s)), None)


def _covers(s: Suppression, line: int) -> bool:
    return s.first <= line <= s.last


def _where(s: Suppression) -> str:
    if s.kind == "file":
        return "in this file"
    if s.kind == "line":
        return f"on line {s.first}" if s.first else "(no command follows it)"
    what = "the block" if s.kind == "block" else "the range"
    return f"in lines {s.first}-{s.last} ({what})"


def apply_suppressions(
    findings: Iterable[Finding],
    fleet: Fleet,
    rules: dict[str, Rule],
    selected: Iterable[str],
    severity_overrides: dict[str, Severity] | None = None,
) -> list[Finding]:
    """The findings that no inline suppression removes, plus a DMV006 finding per suppression
    that removed nothing it could have (when DMV006 is selected), sorted like the runner's."""
    by_file: dict[str, list[tuple[str, Suppression]]] = {}
    for device in fleet.devices:
        for s in device.suppressions:
            if s.kind in _APPLIED:
                by_file.setdefault(device.file, []).append((device.name, s))
    if not by_file:
        return list(findings)
    used: dict[int, set[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        suppressing = False
        for _, s in by_file.get(finding.file, ()):
            if _covers(s, finding.line):
                selector = _matching(s.rules, finding.rule)
                if selector is not None:
                    used.setdefault(id(s), set()).add(selector)
                    suppressing = True
        if not suppressing:
            kept.append(finding)
    selected = set(selected)
    if RULE not in selected or RULE not in rules:
        return kept
    rule = rules[RULE]
    severity = (severity_overrides or {}).get(RULE) or rule.severity
    for file, entries in by_file.items():
        for device, s in entries:
            judged = (
                [sel for sel in s.rules if any(r.startswith(sel) for r in selected)]
                if s.rules
                else [""] if selected >= set(rules) else []
            )
            unused = [sel for sel in judged if sel not in used.get(id(s), ())]
            if not unused:
                continue
            names = ", ".join(unused) if s.rules else "any rule"
            verb = "disable-file" if s.kind == "file" else "disable"
            directive = f"{verb}={','.join(s.rules)}" if s.rules else verb
            finding = Finding(
                rule=RULE,
                name=rule.name,
                severity=severity,
                device=device,
                file=file,
                line=s.span.line,
                message=f"unused suppression {directive} on {device} ({s.span}): no finding "
                f"of {names} {_where(s)}",
                fingerprint=fingerprint(RULE, device, ("unused", s.kind, *s.rules, *unused)),
            )
            if not any(
                _covers(o, s.span.line) and _matching(o.rules, RULE) is not None
                for _, o in entries
            ):
                kept.append(finding)
    kept.sort(key=lambda f: f.sort_key)
    return kept
