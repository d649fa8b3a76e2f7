"""Baselines: adopt dmvpnlint on a legacy fleet by accepting today's findings once.

`--write-baseline FILE` records the current findings by fingerprint; `--baseline FILE` then
reports only findings that are not in it. Fingerprints leave out line numbers, so editing a
config around a known problem does not make it new again. The file is a multiset: two findings
with one fingerprint need two entries, and each entry absorbs one finding. Entries that absorb
nothing are stale (the problem was fixed, or changed enough to be a new finding) and are counted
so the user knows when to refresh the file.

The file is JSON sorted by rule, device and fingerprint, without lines or messages, so that a
refreshed baseline diffs cleanly in review.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dmvpnlint import __version__
from dmvpnlint.engine.findings import Finding

BASELINE_VERSION = 1
ENTRY_KEYS = ("fingerprint", "rule", "name", "device", "file")


class BaselineError(ValueError):
    """A baseline file that cannot be read or is not one of ours; names the file."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    name: str
    device: str
    file: str

    @classmethod
    def of(cls, finding: Finding, base: str | None = None) -> BaselineEntry:
        return cls(finding.fingerprint, finding.rule, finding.name, finding.device,
                   portable_path(finding.file, base))

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.device, self.fingerprint, self.file)


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]

    @classmethod
    def of(cls, findings: Iterable[Finding], base: str | None = None) -> Baseline:
        return cls(tuple(sorted((BaselineEntry.of(f, base) for f in findings),
                                key=lambda e: e.sort_key)))


def portable_path(file: str, base: str | None) -> str:
    """`file` relative to the baseline's directory `base` when it lies below it, so that a
    baseline committed to git names no path of one engineer's machine; else as given. Only
    informative: entries match by fingerprint."""
    if base is not None:
        relative = os.path.relpath(os.path.abspath(file), base)
        if not relative.startswith(os.pardir):
            return Path(relative).as_posix()
    return Path(file).as_posix()


@dataclass(frozen=True, slots=True)
class BaselineResult:
    """`new`: findings the baseline does not know; `known`: how many it absorbed; `stale`:
    its entries that matched no finding."""

    new: tuple[Finding, ...]
    known: int
    stale: tuple[BaselineEntry, ...]


def baseline_to_dict(baseline: Baseline) -> dict[str, Any]:
    return {
        "version": BASELINE_VERSION,
        "tool": {"name": "dmvpnlint", "version": __version__},
        "findings": [{key: getattr(e, key) for key in ENTRY_KEYS} for e in baseline.entries],
    }


def write_baseline(findings: Iterable[Finding], path: str) -> Baseline:
    """Record `findings` in `path`; raises BaselineError when the file cannot be written."""
    baseline = Baseline.of(findings, os.path.dirname(os.path.abspath(path)))
    text = json.dumps(baseline_to_dict(baseline), indent=2) + "\n"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return baseline


def read_baseline(path: str) -> Baseline:
    """Read a baseline written by `write_baseline`; anything else is a BaselineError."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a dmvpnlint baseline (not JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: not a dmvpnlint baseline (expected a JSON object with "
                            f'"version": {BASELINE_VERSION})')
    raw = document.get("findings")
    if not isinstance(raw, list):
        raise BaselineError(f'{path}: not a dmvpnlint baseline (no "findings" list)')
    entries = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str)
                                                 for k in ENTRY_KEYS):
            raise BaselineError(f"{path}: entry {index + 1} of \"findings\" needs the strings "
                                f"{', '.join(ENTRY_KEYS)}")
        entries.append(BaselineEntry(*(item[k] for k in ENTRY_KEYS)))
    return Baseline(tuple(entries))


def compare(findings: Iterable[Finding], baseline: Baseline) -> BaselineResult:
    """Split `findings` into new ones and those the baseline absorbs, in one pass."""
    remaining = Counter(e.fingerprint for e in baseline.entries)
    new: list[Finding] = []
    known = 0
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            known += 1
        else:
            new.append(finding)
    stale: list[BaselineEntry] = []
    for entry in baseline.entries:  # a fingerprint's entries beyond the findings it absorbed
        if remaining[entry.fingerprint] > 0:
            remaining[entry.fingerprint] -= 1
            stale.append(entry)
    return BaselineResult(tuple(new), known, tuple(stale))
