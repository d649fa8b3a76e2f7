"""The rule pages in `rules/` are documentation and test data at once.

`dmvpnlint explain` prints them and the example runner executes their `ios` blocks, so their
shape is a contract: front matter that `parse_rule_file` accepts and that agrees with the catalog
in RULES.md, ruff's sections in ruff's order, names that read as "allow <name>", and examples a
runner can split into files and match against `! <- DMVxxx` markers. These tests need no check
to exist; they hold the pages to that contract.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from dmvpnlint.engine.findings import Scope
from dmvpnlint.engine.rules import Rule, parse_rule_file
from dmvpnlint.resources import rules_dir

SHARED = Path(__file__).parents[2] / "shared"
RULES_CATALOG = SHARED / "design" / "RULES.md"
GUIDE = SHARED / "seed" / "cisco-dmvpn-configuration-guide-12.4.txt"

# The foundation rules and the scope each check is registered for.
FOUNDATION_SCOPES: dict[str, Scope] = {
    "DMV001": Scope.DEVICE,
    "DMV002": Scope.DEVICE,
    "DMV003": Scope.DEVICE,
    "DMV004": Scope.FLEET,
    "DMV005": Scope.FLEET,
    "DMV101": Scope.CLOUD,
    "DMV102": Scope.CLOUD,
    "DMV103": Scope.CLOUD,
    "DMV104": Scope.CLOUD,
    "DMV105": Scope.INTERFACE,
    "DMV106": Scope.INTERFACE,
    "DMV107": Scope.CLOUD,
    "DMV108": Scope.INTERFACE,
    "DMV109": Scope.INTERFACE,
    "DMV110": Scope.INTERFACE,
    "DMV111": Scope.INTERFACE,
    "DMV112": Scope.INTERFACE,
    "DMV113": Scope.INTERFACE,
    "DMV114": Scope.DEVICE,
    "DMV115": Scope.DEVICE,
    "DMV116": Scope.DEVICE,
    "DMV117": Scope.DEVICE,
    "DMV118": Scope.INTERFACE,
    "DMV119": Scope.INTERFACE,
    "DMV120": Scope.CLOUD,
    "DMV121": Scope.INTERFACE,
    "DMV701": Scope.DEVICE,
    "DMV702": Scope.INTERFACE,
}

# Rules whose bad input cannot be written as config text (an empty or binary file).
DESCRIPTIVE_EXAMPLES = {"DMV005"}

# Rules that issues added after the catalog (read-only, in ../shared/design) was written:
# DMV006 comes from issue 5 (inline suppressions), which reserves DMV0xx for input rules.
CATALOG_ADDITIONS: dict[str, tuple[str, str]] = {"DMV006": ("unused-suppression", "warning")}

# ruff's crates/ruff_linter/resources/test/disallowed_rule_names.txt (astral-sh/ruff), as globs
# over kebab-case names, plus prefixes that put the fix or a verdict in the name.
DISALLOWED_NAMES = (
    "avoid-*",
    "do-not-*",
    "uses-*",
    "*-used",
    "rewrite-*",
    "prefer-*",
    "consider-*",
    "use-*",
    "dont-*",
    "no-*",
    "disallow-*",
    "forbid-*",
    "enforce-*",
    "require-*",
)

SECTION_ORDER = ("## What it does", "## Why is this bad?", "## Example", "Use instead:", "## References")
OPTIONAL_SECTIONS = ("## Notes", "## See also", "## Options")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MARKER = re.compile(r"!\s*<-\s*(DMV\d{3})\s*$")
FILE_LINE = re.compile(r"^! file: (\S+)$")
CATALOG_ROW = re.compile(r"^\|\s*(DMV\d{3})\s*\|\s*([^|\s]+)\s*\|\s*(error|warning|info)\s*\|")
NOT_FROM_GUIDE = "does not come from the guide"


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page and the section it sits in."""

    section: str
    lang: str
    lines: tuple[str, ...]


def _page_files() -> list[str]:
    return sorted(
        e.name for e in rules_dir().iterdir() if e.name.startswith("DMV") and e.name.endswith(".md")
    )


def _read(name: str) -> str:
    return (rules_dir() / name).read_text(encoding="utf-8")


def _rule(name: str) -> Rule:
    return parse_rule_file(name, _read(name))


def _all_rules() -> dict[str, Rule]:
    return {r.id: r for r in map(_rule, _page_files())}


def _outline(doc: str) -> tuple[list[str], list[Block], dict[str, list[str]]]:
    """Headings (and the `Use instead:` line) in order, the fenced blocks, and each section's
    prose lines; lines inside fences are never headings."""
    headings: list[str] = []
    blocks: list[Block] = []
    prose: dict[str, list[str]] = {}
    section = ""
    fence: tuple[str, list[str]] | None = None
    for line in doc.splitlines():
        if fence is not None:
            if line.strip() == "```":
                blocks.append(Block(section, fence[0], tuple(fence[1])))
                fence = None
            else:
                fence[1].append(line)
        elif line.startswith("```"):
            fence = (line[3:].strip(), [])
        elif line.startswith("## ") or line == "Use instead:":
            section = line.rstrip()
            headings.append(section)
        else:
            prose.setdefault(section, []).append(line)
    assert fence is None, "unclosed code fence"
    return headings, blocks, prose


def _normalise(text: str) -> str:
    """Guide text and quotes compared as words: no HTML tags, Markdown emphasis, backticks or
    typographic quotes, single spaces and none around an em dash."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("**", "").replace("`", "").replace("\u00a0", " ")
    text = text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}))
    return re.sub(r"\s*\u2014\s*", "\u2014", " ".join(text.split()))


def _quotes(lines: list[str]) -> list[str]:
    """The paragraphs of the blockquotes in some prose lines."""
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.startswith(">") and line[1:].strip():
            current.append(line[1:].strip())
        elif current:
            out.append(" ".join(current))
            current = []
    return out


PAGES = _page_files()


def test_rules_folder_holds_pages() -> None:
    assert len(PAGES) >= len(FOUNDATION_SCOPES)


@pytest.mark.parametrize("name", PAGES)
def test_page_parses_with_its_front_matter(name: str) -> None:
    rule = _rule(name)
    assert rule.summary and "\n" not in rule.summary
    assert rule.status in {"stable", "preview", "deprecated", "removed"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", rule.since)
    assert rule.examples in {"tested", "descriptive"}


def test_foundation_rules_exist_with_their_scopes() -> None:
    rules = _all_rules()
    missing = sorted(set(FOUNDATION_SCOPES) - set(rules))
    assert missing == []
    assert {rid: rules[rid].scope for rid in FOUNDATION_SCOPES} == FOUNDATION_SCOPES


def test_descriptive_examples_only_where_config_text_cannot_show_the_input() -> None:
    rules = _all_rules()
    descriptive = {rid for rid in FOUNDATION_SCOPES if rules[rid].examples == "descriptive"}
    assert descriptive == DESCRIPTIVE_EXAMPLES


def _catalog() -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    for line in RULES_CATALOG.read_text(encoding="utf-8").splitlines():
        if m := CATALOG_ROW.match(line):
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


@pytest.mark.skipif(not RULES_CATALOG.is_file(), reason=f"rule catalog not found at {RULES_CATALOG}")
def test_pages_agree_with_the_rule_catalog() -> None:
    catalog = _catalog()
    assert set(FOUNDATION_SCOPES) <= set(catalog)
    rules = _all_rules()
    disagreements = {
        rid: ((r.name, r.severity.value), catalog[rid])
        for rid, r in rules.items()
        if rid in catalog and (r.name, r.severity.value) != catalog[rid]
    }
    assert disagreements == {}
    assert sorted(set(rules) - set(catalog) - set(CATALOG_ADDITIONS)) == []
    assert {rid: (rules[rid].name, rules[rid].severity.value) for rid in CATALOG_ADDITIONS} == (
        CATALOG_ADDITIONS
    )


@pytest.mark.parametrize("name", PAGES)
def test_name_is_kebab_case_and_describes_the_problem(name: str) -> None:
    rule = _rule(name)
    assert KEBAB.match(rule.name), rule.name
    banned = [p for p in DISALLOWED_NAMES if fnmatch.fnmatchcase(rule.name, p)]
    assert banned == []


@pytest.mark.parametrize("name", PAGES)
def test_check_is_the_snake_case_name(name: str) -> None:
    rule = _rule(name)
    assert rule.check == rule.name.replace("-", "_")


@pytest.mark.parametrize("name", PAGES)
def test_sections_follow_ruffs_order(name: str) -> None:
    headings, _, _ = _outline(_rule(name).doc)
    required = [h for h in headings if h in SECTION_ORDER]
    assert required == list(SECTION_ORDER)
    unknown = [h for h in headings if h not in SECTION_ORDER and h not in OPTIONAL_SECTIONS]
    assert unknown == []
    # optional sections sit between the good example and the references
    start, end = headings.index("Use instead:"), headings.index("## References")
    assert all(start < i < end for i, h in enumerate(headings) if h in OPTIONAL_SECTIONS)


def _check_fleet(block: Block) -> list[str]:
    """The file names of an example fleet; the block starts with a `! file:` line."""
    lines = [line for line in block.lines if line.strip()]
    assert lines and FILE_LINE.match(lines[0]), f"block must start with '! file: NAME.cfg': {lines[:1]}"
    files = [m.group(1) for line in lines if (m := FILE_LINE.match(line))]
    assert len(files) == len(set(files)), f"a file name appears twice: {files}"
    # an inventory.yaml beside the configs gives the facts configs cannot (NAT, release)
    assert all(f.endswith(".cfg") or f == "inventory.yaml" for f in files), files
    return files


def _markers(block: Block) -> list[tuple[str, str]]:
    """(rule id, the config text before the marker) for each marked line."""
    out = []
    for line in block.lines:
        if m := MARKER.search(line):
            out.append((m.group(1), line[: m.start()].strip()))
    return out


@pytest.mark.parametrize("name", PAGES)
def test_examples_are_runnable_fleets(name: str) -> None:
    rule = _rule(name)
    _, blocks, _ = _outline(rule.doc)
    ios = [b for b in blocks if b.lang == "ios"]
    for block in ios:  # the runner takes every `ios` block for a fleet
        _check_fleet(block)
    if rule.examples == "descriptive":
        assert all(not _markers(b) for b in ios)
        return
    bad = [b for b in ios if b.section == "## Example"]
    good = [b for b in ios if b.section == "Use instead:"]
    assert (len(bad), len(good)) == (1, 1)
    assert len(_check_fleet(bad[0])) >= 2 and len(_check_fleet(good[0])) >= 2, "a hub and a spoke"
    marks = _markers(bad[0])
    assert marks, "the bad example marks no line"
    assert {rid for rid, _ in marks} == {rule.id}
    for _, text in marks:
        # DMV006 is about `! dmvpnlint:` comments, so its marker sits on one
        suppression = rule.id == "DMV006" and text.startswith("! dmvpnlint:")
        assert text and (suppression or not text.startswith("!")), (
            f"marker on a comment line: {text!r}"
        )
    assert _markers(good[0]) == []


@pytest.mark.parametrize("name", PAGES)
def test_why_cites_the_guide_or_says_it_does_not(name: str) -> None:
    _, _, prose = _outline(_rule(name).doc)
    why = prose.get("## Why is this bad?", [])
    assert _quotes(why) or NOT_FROM_GUIDE in " ".join(why)


@pytest.mark.skipif(not GUIDE.is_file(), reason=f"DMVPN guide not found at {GUIDE}")
@pytest.mark.parametrize("name", PAGES)
def test_guide_quotes_are_the_guides_words(name: str) -> None:
    guide = _normalise(GUIDE.read_text(encoding="utf-8"))
    _, _, prose = _outline(_rule(name).doc)
    misquoted = [q for q in _quotes(prose.get("## Why is this bad?", [])) if _normalise(q) not in guide]
    assert misquoted == []


def test_outline_reads_headings_blocks_and_quotes() -> None:
    """The helpers above, on a page made to trip them: a heading-like line inside a fence."""
    doc = "\n".join(
        [
            "## What it does",
            "> quoted **words**",
            "```ios",
            "! file: a.cfg",
            "## not a heading",
            " keepalive 10 3   ! <- DMV112",
            "```",
            "Use instead:",
        ]
    )
    headings, blocks, prose = _outline(doc)
    assert headings == ["## What it does", "Use instead:"]
    assert blocks == [
        Block("## What it does", "ios", ("! file: a.cfg", "## not a heading", " keepalive 10 3   ! <- DMV112"))
    ]
    assert _quotes(prose["## What it does"]) == ["quoted **words**"]
    assert _normalise("quoted **words**") == "quoted words"
    assert _markers(blocks[0]) == [("DMV112", "keepalive 10 3")]
