"""Rule engine: rule metadata from `rules/`, check registry, runner and findings."""

from dmvpnlint.engine.findings import Finding, Hit, Related, Scope, Severity
from dmvpnlint.engine.registry import Check, check
from dmvpnlint.engine.rules import Rule, load_rules, select_rules

__all__ = [
    "Check",
    "Finding",
    "Hit",
    "Related",
    "Rule",
    "Scope",
    "Severity",
    "check",
    "load_rules",
    "select_rules",
]
