"""Rule metadata and documentation, read from the files in `rules/`.

A rule file is Markdown with a YAML front matter block (id, name, severity, scope, status,
since, summary, check) followed by the documentation page in ruff's sections. The pages are data
so that `dmvpnlint explain` works without importing any check and engineers can edit guide
quotes and examples without touching Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from dmvpnlint.engine.findings import Scope, Severity
from dmvpnlint.resources import rules_dir

RULE_ID = re.compile(r"^DMV\d{3}$")
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## References")


class RuleFileError(ValueError):
    """A rule file that cannot be read: names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    scope: Scope
    summary: str
    status: str
    since: str
    check: str
    doc: str
    examples: str = "tested"  # "tested": the bad/good examples run as tests; "descriptive"

    @property
    def family(self) -> str:
        return self.id[:4]


def parse_rule_file(name: str, text: str) -> Rule:
    if not text.startswith("---\n"):
        raise RuleFileError(f"{name}: no front matter (a first line of ---)")
    try:
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head)
    except (ValueError, yaml.YAMLError) as exc:
        raise RuleFileError(f"{name}: bad front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise RuleFileError(f"{name}: front matter is not a mapping")
    try:
        rule = Rule(
            id=str(meta["id"]),
            name=str(meta["name"]),
            severity=Severity(meta["severity"]),
            scope=Scope(meta["scope"]),
            summary=str(meta["summary"]).strip(),
            status=str(meta.get("status", "stable")),
            since=str(meta.get("since", "0.1.0")),
            check=str(meta["check"]),
            doc=body.strip() + "\n",
            examples=str(meta.get("examples", "tested")),
        )
    except KeyError as exc:
        raise RuleFileError(f"{name}: front matter lacks {exc.args[0]!r}") from None
    except ValueError as exc:
        raise RuleFileError(f"{name}: {exc}") from None
    if not RULE_ID.match(rule.id) or f"{rule.id}.md" != name:
        raise RuleFileError(f"{name}: id {rule.id!r} does not match the file name")
    return rule


@cache
def load_rules() -> dict[str, Rule]:
    """Every rule file, by id, in id order."""
    found: dict[str, Rule] = {}
    for entry in sorted(rules_dir().iterdir(), key=lambda e: e.name):
        if entry.name.startswith("DMV") and entry.name.endswith(".md"):
            rule = parse_rule_file(entry.name, entry.read_text(encoding="utf-8"))
            found[rule.id] = rule
    return found


def select_rules(
    rules: dict[str, Rule], select: list[str] | None, ignore: list[str] | None
) -> set[str]:
    """Resolve `--select`/`--ignore` prefixes (`DMV1` is the whole NHRP family) to rule ids."""

    def expand(prefixes: list[str]) -> set[str]:
        out: set[str] = set()
        for prefix in prefixes:
            prefix = prefix.strip().upper()
            if not prefix:
                continue
            if prefix == "ALL":
                out.update(rules)
                continue
            matched = {rid for rid in rules if rid.startswith(prefix)}
            if not matched:
                raise ValueError(f"unknown rule or prefix {prefix!r}")
            out |= matched
        return out

    chosen = expand(select) if select else set(rules)
    return chosen - (expand(ignore) if ignore else set())
