"""The text report: findings grouped by device, then a summary, rendered with rich.

Colour only on a terminal. Anywhere else (CI logs, pipes, `--output`) there is no colour
system and no page width, so that no ANSI code is written and a finding is never wrapped: one
finding stays one greppable line. Every piece of user-derived text (messages, device and file
names) goes in as `rich.text.Text` or plain strings, never as markup, so a `[` or `:name:` in a
config cannot change what is printed.

Speed matters at fleet scale (10,000 spokes can give 20,000 findings): rich renders a line in
about 80 µs, so plain output writes the finding lines as strings (the same segments a terminal
gets styled) and keeps rich for the two summary tables, and the file table lists every file only
for fleets of up to `FILES_LISTED_IN_FULL` files; above that it lists the files that are not ok
and one row for the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from itertools import groupby, islice
from typing import TextIO

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.report import FileStatus, LintReport

SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}
FILES_LISTED_IN_FULL = 200
_SEVERITY_WIDTH = max(len(s.value) for s in Severity)
_PLAIN_WIDTH = 10_000

Segment = tuple[str, str]  # (text, rich style); "" is unstyled
Line = list[Segment]


def make_console(stream: TextIO, color: bool | None = None) -> Console:
    """A console for `stream`: rich decides on a terminal when `color` is None.

    `color=False` (`--output`, tests) forces plain text even if FORCE_COLOR is set; a console
    that is not a terminal gets the wide page so that nothing wraps.
    """
    if color is None:
        console = Console(file=stream, highlight=False, markup=False, emoji=False)
        if console.is_terminal:
            return console
    elif color:
        return Console(file=stream, force_terminal=True, highlight=False, markup=False,
                       emoji=False)
    return Console(
        file=stream,
        force_terminal=False,
        color_system=None,
        no_color=True,
        width=_PLAIN_WIDTH,
        highlight=False,
        markup=False,
        emoji=False,
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _location(file: str, line: int) -> str:
    return f"{file}:{line}" if line > 0 else file


def heading(device: str, file: str | None, first_file: str) -> Line:
    """`spoke1 (spoke1.cfg)`; a finding about no device (an unreadable file) heads its file."""
    if not device:
        return [(first_file, "bold")]
    if file is None:
        return [(device, "bold")]
    return [(device, "bold"), (f" ({file})", "dim")]


def finding_lines(finding: Finding, location_width: int = 0) -> Iterator[Line]:
    """The line of one finding, then its related locations and its hint, indented under it."""
    severity = finding.severity
    yield [
        ("  ", ""),
        (_location(finding.file, finding.line).ljust(location_width), "bold"),
        ("  ", ""),
        (severity.value.ljust(_SEVERITY_WIDTH), SEVERITY_STYLE[severity]),
        ("  ", ""),
        (finding.rule, "bold"),
        (" ", ""),
        (finding.name, "dim"),
        ("  ", ""),
        (finding.message, ""),
    ]
    for related in finding.related:
        yield [
            ("    see ", ""),
            (_location(related.span.file, related.span.line), "bold"),
            (f" ({related.device})", ""),
        ]
    if finding.hint:
        yield [("    ", ""), ("hint:", "green"), (" ", ""), (finding.hint, "")]


def findings_lines(report: LintReport) -> Iterator[Line]:
    """Every finding line, grouped by device under a heading, groups apart by a blank line."""
    files = report.device_files()
    for index, (device, group) in enumerate(groupby(report.findings, key=lambda f: f.device)):
        findings = list(group)
        if index:
            yield []
        yield heading(device, files.get(device), findings[0].file)
        width = max(len(_location(f.file, f.line)) for f in findings)
        for finding in findings:
            yield from finding_lines(finding, width)


def summary_table(report: LintReport) -> Table:
    table = Table(
        title="Summary", box=None, show_header=False, title_justify="left", pad_edge=False
    )
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("devices", str(report.devices))
    table.add_row("clouds", str(report.clouds))
    table.add_row("files read", str(report.files_read))
    not_loaded = len(report.files) - report.files_read
    if not_loaded:
        table.add_row("files not checked", str(not_loaded))
    for severity in Severity:
        table.add_row(Text(severity.value, style=SEVERITY_STYLE[severity]),
                      str(report.count(severity)))
    return table


def _status_style(status: FileStatus) -> str:
    if not status.loaded:
        return "red"
    return "cyan" if status.notes else ""


def files_table(report: LintReport) -> Table:
    """Each file with its device and parse status (Batfish's fileParseStatus)."""
    table = Table(title="Files", box=None, title_justify="left", pad_edge=False)
    table.add_column("file")
    table.add_column("device")
    table.add_column("status")
    in_full = len(report.files) <= FILES_LISTED_IN_FULL
    for status in report.files:
        if in_full or status.status != "ok":
            table.add_row(Text(status.file), Text(status.device),
                          Text(status.status, style=_status_style(status)))
    hidden = 0 if in_full else sum(1 for s in report.files if s.status == "ok")
    if hidden:
        table.add_row(Text(f"({_plural(hidden, 'other file')})", style="dim"), Text(""),
                      Text("ok"))
    return table


def clean_message(report: LintReport) -> str:
    """The one line a clean run prints: `No findings in 3 devices (1 cloud).`"""
    return (f"No findings in {_plural(report.devices, 'device')} "
            f"({_plural(report.clouds, 'cloud')}).")


def render_summary(report: LintReport, console: Console) -> None:
    if not report.findings:
        console.print(clean_message(report), soft_wrap=True)
    console.print()
    console.print(summary_table(report))
    if report.files:
        console.print()
        console.print(files_table(report))


def render_text(report: LintReport, console: Console, *, quiet: bool = False) -> None:
    """Print the report on `console` with styles; `quiet` prints the findings only."""
    # One print per batch of lines: rich's per-call overhead dominates at fleet scale.
    lines = findings_lines(report)
    while batch := list(islice(lines, 1000)):
        console.print(Text("\n").join(Text.assemble(*line) for line in batch), soft_wrap=True)
    if not quiet:
        render_summary(report, console)


def write_plain(stream: TextIO, render: Callable[[Console], None]) -> None:
    """Run `render` on a plain console and write its lines to `stream` without the padding
    rich puts after table cells, so that files and logs carry no trailing blanks."""
    buffer = io.StringIO()
    render(make_console(buffer, False))
    stream.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def write_renderable(stream: TextIO, renderable: RenderableType, color: bool | None = None) -> None:
    """Print one rich renderable (a table of rules) styled on a terminal, plain elsewhere."""
    console = make_console(stream, color)
    if console.is_terminal:
        console.print(renderable)
    else:
        write_plain(stream, lambda plain: plain.print(renderable))


def write_text(
    report: LintReport, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Render the text report on `stream` (colour decided by rich when `color` is None).

    Plain output writes the finding lines as strings, then the summary without trailing blanks.
    """
    console = make_console(stream, color)
    if console.is_terminal:
        render_text(report, console, quiet=quiet)
        return
    stream.writelines("".join(text for text, _ in line) + "\n" for line in findings_lines(report))
    if not quiet:
        write_plain(stream, lambda plain: render_summary(report, plain))
