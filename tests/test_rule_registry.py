"""The rule table: every rule page has a check and every check a rule page (as ruff's
registry test), ids and names are stable and selectable by prefix."""

from __future__ import annotations

import pytest

from dmvpnlint.checks import ALL_CHECKS
from dmvpnlint.engine import load_rules, select_rules


def test_every_rule_file_has_a_check_and_every_check_a_rule_file() -> None:
    rules = load_rules()
    checks = {c.rule: c for c in ALL_CHECKS}
    assert sorted(rules) == sorted(checks), (
        f"rule files without a check: {sorted(set(rules) - set(checks))}; "
        f"checks without a rule file: {sorted(set(checks) - set(rules))}"
    )


def test_check_name_and_scope_match_the_rule_file() -> None:
    rules = load_rules()
    for c in ALL_CHECKS:
        rule = rules[c.rule]
        assert c.name == rule.check, c.rule
        assert c.name == rule.name.replace("-", "_"), c.rule
        assert c.scope == rule.scope, c.rule


def test_each_rule_id_is_used_once() -> None:
    ids = [c.rule for c in ALL_CHECKS]
    assert len(ids) == len(set(ids))


def test_select_by_family_prefix_and_ignore() -> None:
    rules = load_rules()
    family = select_rules(rules, ["DMV1"], None)
    assert family and all(r.startswith("DMV1") for r in family)
    assert "DMV101" in family and "DMV001" not in family
    assert "DMV101" not in select_rules(rules, ["dmv1"], ["DMV101"])
    assert select_rules(rules, None, None) == set(rules)


def test_unknown_selector_is_an_error() -> None:
    with pytest.raises(ValueError, match="DMV999"):
        select_rules(load_rules(), ["DMV999"], None)
