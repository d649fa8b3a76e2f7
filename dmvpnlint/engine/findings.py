"""Findings: what a check reports, as values that reporters render and never re-derive."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum

from dmvpnlint.model import Span


class Severity(str, Enum):
    """Ordered by weight: `Severity.ERROR.rank > Severity.WARNING.rank`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Scope(str, Enum):
    DEVICE = "device"
    INTERFACE = "interface"
    CLOUD = "cloud"
    FLEET = "fleet"


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding involves: the hub line that the spoke line disagrees with."""

    device: str
    span: Span


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check yields: where, what and about what. The engine adds the rule's metadata.

    `subject` holds the values that identify the problem for the fingerprint (interface name,
    the compared values' names, never a secret and never a line number, which moves on every
    change).
    """

    device: str
    span: Span
    message: str
    related: tuple[Related, ...] = ()
    cloud: str | None = None
    hint: str | None = None
    subject: tuple[str, ...] = ()
    # the rule's severity for this hit when the rule itself says it depends on the case
    # (DMV201: a warning where IOS has default policies; DMV208: an error from 17.11.1 on)
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    device: str
    file: str
    line: int
    message: str
    related: tuple[Related, ...] = ()
    cloud: str | None = None
    hint: str | None = None
    fingerprint: str = field(default="")

    @property
    def sort_key(self) -> tuple[str, str, int, str, str]:
        return (self.device, self.file, self.line, self.rule, self.message)


def fingerprint(rule: str, device: str, subject: tuple[str, ...]) -> str:
    """A stable id of a finding for baselines and SARIF: rule, device and subject values only."""
    text = "\x1f".join((rule, device, *subject))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
