"""Reporters: render one lint run for people (`text`) and for machines (`json`).

Every format renders the same `LintReport`, built once by `build_report` from the run's
findings and the fleet it read, so that the formats cannot disagree on a count and no reporter
reaches back into the model or the engine. This module holds only that shared input; the CLI
imports the format modules (`dmvpnlint.report.text`, `dmvpnlint.report.json`) directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dmvpnlint import __version__
from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.model import Fleet
from dmvpnlint.topology import Topology


@dataclass(frozen=True, slots=True)
class FileStatus:
    """One input file as the front end saw it (Batfish's `fileParseStatus`).

    `notes` counts the lines of DMVPN-relevant blocks the grammar did not know (DMV001 notes),
    whether or not DMV001 is selected: the status describes the parse, not the rule selection.
    `problem` is the rule of the load problem that kept the file out of the fleet: DMV005 (not
    readable as an IOS config) or DMV004 (a duplicate hostname, or an inventory device whose
    config is missing); None when the file became a device.
    """

    file: str
    device: str
    notes: int = 0
    problem: str | None = None

    @property
    def loaded(self) -> bool:
        return self.problem is None

    @property
    def status(self) -> str:
        if self.problem == "DMV005":
            return "unreadable"
        if self.problem is not None:
            return f"not checked ({self.problem})"
        if self.notes:
            return f"{self.notes} note" if self.notes == 1 else f"{self.notes} notes"
        return "ok"


@dataclass(frozen=True, slots=True)
class LintReport:
    """What every reporter renders: sorted findings plus the facts of the summary."""

    findings: tuple[Finding, ...]
    devices: int
    clouds: int
    files: tuple[FileStatus, ...] = ()
    tool_version: str = __version__

    def __post_init__(self) -> None:
        # Sorted here so that every format, and every caller that builds a report by hand,
        # sees the one order: device, file, line, rule.
        object.__setattr__(self, "findings", sort_findings(self.findings))

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def files_read(self) -> int:
        return sum(1 for f in self.files if f.loaded)

    def device_files(self) -> dict[str, str]:
        """The config file each device was read from, by device name."""
        return {f.device: f.file for f in self.files if f.loaded}


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The one order every format uses: device, file, line, rule (then message, for ties)."""
    return tuple(sorted(findings, key=lambda f: f.sort_key))


def build_report(
    fleet: Fleet, topology: Topology, findings: Iterable[Finding], tool_version: str = __version__
) -> LintReport:
    """Collect the summary facts of one run; files are listed in path order."""
    statuses: dict[str, FileStatus] = {}
    for device in fleet.devices:
        statuses[device.file] = FileStatus(device.file, device.name, len(device.notes))
    for problem in fleet.problems:
        # A problem located in a file that did become a device (or in the inventory) leaves
        # that file's status alone; only files that produced no device get one.
        if problem.file not in statuses and problem.file != fleet.inventory_file:
            statuses[problem.file] = FileStatus(problem.file, problem.device, problem=problem.rule)
    return LintReport(
        findings=tuple(findings),
        devices=len(fleet.devices),
        clouds=len(topology.clouds),
        files=tuple(statuses[name] for name in sorted(statuses)),
        tool_version=tool_version,
    )
