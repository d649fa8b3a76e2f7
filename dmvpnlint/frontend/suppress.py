"""`! dmvpnlint: ...` comments -> the lines each one covers (resolved once per file, at split).

The splitter only notes the comment lines (a `!` line containing `dmvpnlint:`, rare); this
module reads their directives and works out what they cover, with the raw lines and the
split blocks still at hand:

- `disable=IDS` on the line before a command: that command's line;
- `disable=IDS` before a block header, or right after it (before its first child): the block;
- `disable=IDS` ... `enable=IDS` (a later `enable` naming an overlapping id or prefix, or a
  bare `enable`): every line in between;
- `disable-file=IDS` or `disable-file`: the whole file.

IDS are comma-separated rule ids or prefixes (`DMV1`); a bare `disable` means every rule.
Text after ` -- ` is the reason; an IOS inline comment (` ! ...`) after it is dropped. The
result is plain tuples (marshal-able, so worker processes can send them); the loader turns
them into `model.Suppression` with the file's path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

MARK = "dmvpnlint:"

# (line, kind, rules, reason, first, last, problem): model.Suppression without the file
RawSuppression = tuple[int, str, tuple[str, ...], str, int, int, str]

_DIRECTIVE = re.compile(
    r"^(?P<verb>disable-file|disable|enable)(?:\s*=\s*(?P<ids>[A-Za-z0-9_ ,]*?))?\s*$"
)
_SELECTOR = re.compile(r"^[A-Za-z]+[0-9]*$")


def parse_directive(comment: str) -> tuple[str, tuple[str, ...], str, str]:
    """(verb, selectors, reason, problem) of one comment line; verb "" when not understood."""
    body = comment[comment.index(MARK) + len(MARK):]
    cut = body.find(" !")
    if cut >= 0:
        body = body[:cut]
    body, _, reason = body.partition(" -- ")
    body = body.strip()
    if body.endswith("--"):
        body = body[:-2].strip()
    match = _DIRECTIVE.match(body)
    if match is None:
        return "", (), reason.strip(), (
            f"'{body}' is not a directive (disable=IDS, enable=IDS, disable-file[=IDS])"
        )
    ids = tuple(p.strip().upper() for p in (match.group("ids") or "").split(",") if p.strip())
    bad = [i for i in ids if not _SELECTOR.match(i)]
    if bad or (match.group("ids") is not None and not ids):
        return "", (), reason.strip(), f"'{body}' has no valid rule ids"
    return match.group("verb"), ids, reason.strip(), ""


def _extents(blocks: Sequence[Any]) -> dict[int, int]:
    """Header line -> last line of its block, for every stored block and sub-block."""
    ends: dict[int, int] = {}

    def walk(block: Any) -> int:
        last = block.header.number
        for child in block.children:
            last = max(last, walk(child) if hasattr(child, "header") else child[0])
        ends[block.header.number] = last
        return last

    for block in blocks:
        walk(block)
    return ends


def _is_command(raw: str) -> bool:
    text = raw.strip()
    return bool(text) and not text.startswith(("!", "```"))


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two selector lists name a common rule (empty = every rule)."""
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def resolve(comments: list[int], lines: list[str], blocks: Sequence[Any]) -> tuple[RawSuppression, ...]:
    """The suppressions of one file. `comments` are 1-based numbers of the comment lines."""
    ends = _extents(blocks)
    parsed = [(n, *parse_directive(lines[n - 1])) for n in comments]
    out: list[RawSuppression] = []
    closed: set[int] = set()  # enable lines that end a range
    for index, (number, verb, ids, reason, problem) in enumerate(parsed):
        if not verb:
            out.append((number, "invalid", (), reason, 0, 0, problem))
            continue
        if verb == "disable-file":
            out.append((number, "file", ids, reason, 1, len(lines), ""))
            continue
        if verb == "enable":
            continue  # added below, once the ranges it ends are known
        end = next(
            (n for n, v, i, _, _ in parsed[index + 1:] if v == "enable" and _overlap(ids, i)),
            None,
        )
        if end is not None:
            closed.add(end)
            out.append((number, "range", ids, reason, number, end, ""))
            continue
        before = next((n for n in range(number - 1, 0, -1) if _is_command(lines[n - 1])), 0)
        if before in ends and ends[before] > number:  # right after a block header
            out.append((number, "block", ids, reason, before, ends[before], ""))
            continue
        after = next(
            (n for n in range(number + 1, len(lines) + 1) if _is_command(lines[n - 1])), 0
        )
        if after in ends:
            out.append((number, "block", ids, reason, after, ends[after], ""))
        else:
            out.append((number, "line", ids, reason, after, after, ""))
    for number, verb, ids, reason, _ in parsed:
        if verb == "enable":
            first = number if number in closed else 0
            out.append((number, "enable", ids, reason, first, first, ""))
    out.sort()
    return tuple(out)
