"""The examples on each rule page are tests (as ruff's mdtests): the bad fleet must give the
rule's finding on exactly the lines marked `! <- DMVxxx`, the "Use instead" fleet none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dmvpnlint.engine import Rule, load_rules
from tests.helpers import lint_files

FENCE = re.compile(r"```ios\n(.*?)```", re.S)
MARK = re.compile(r"!\s*<-\s*(DMV\d{3})")


def split_example(block: str) -> dict[str, str]:
    files: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in block.splitlines():
        if m := re.match(r"^!\s*file:\s*(\S+)\s*$", line):
            current = files.setdefault(m.group(1), [])
            continue
        assert current is not None, f"example text before the first '! file:' line: {line!r}"
        current.append(line)
    return {name: "\n".join(lines) + "\n" for name, lines in files.items()}


def examples(rule: Rule) -> tuple[str, str]:
    bad_part, _, good_part = rule.doc.partition("Use instead:")
    bad, good = FENCE.search(bad_part.split("## Example", 1)[1]), FENCE.search(good_part)
    assert bad and good, f"{rule.id}: needs an ```ios example and a 'Use instead:' block"
    return bad.group(1), good.group(1)


def marked_lines(files: dict[str, str], rule_id: str) -> list[tuple[str, int]]:
    return sorted(
        (name, number)
        for name, text in files.items()
        for number, line in enumerate(text.splitlines(), 1)
        if (m := MARK.search(line)) and m.group(1) == rule_id
    )


TESTED = [r for r in load_rules().values() if r.examples == "tested"]


@pytest.mark.parametrize("rule", TESTED, ids=lambda r: r.id)
def test_bad_example_fires_on_the_marked_lines(rule: Rule, tmp_path: Path) -> None:
    bad, _ = examples(rule)
    files = split_example(bad)
    expected = marked_lines(files, rule.id)
    assert expected, f"{rule.id}: the bad example marks no line with '! <- {rule.id}'"
    findings = lint_files(tmp_path, files, select=[rule.id])
    got = sorted((Path(f.file).name, f.line) for f in findings if f.rule == rule.id)
    assert got == expected, [f.message for f in findings]


@pytest.mark.parametrize("rule", TESTED, ids=lambda r: r.id)
def test_good_example_is_silent(rule: Rule, tmp_path: Path) -> None:
    _, good = examples(rule)
    findings = lint_files(tmp_path, split_example(good), select=[rule.id])
    assert [f.message for f in findings if f.rule == rule.id] == []
