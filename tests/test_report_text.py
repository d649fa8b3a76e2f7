"""The text report: golden output for a fixed finding list, plain vs terminal, quiet, clean."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from dmvpnlint.engine.findings import Finding, Related, Severity
from dmvpnlint.model import Span
from dmvpnlint.report import FileStatus, LintReport
from dmvpnlint.report.text import FILES_LISTED_IN_FULL, clean_message, write_text

GOLDEN = Path(__file__).parent / "golden" / "report"
UPDATE = os.environ.get("DMVPNLINT_UPDATE_GOLDEN") == "1"


def sample_findings() -> list[Finding]:
    """A fixed, deliberately unsorted list covering every part of a finding's rendering."""
    return [
        Finding(
            rule="DMV101",
            name="nhrp-network-id-mismatch",
            severity=Severity.ERROR,
            device="spoke1",
            file="configs/spoke1.cfg",
            line=17,
            message="network-id 101 on spoke1 Tunnel0 differs from 100 on hub1 Tunnel0 "
            "(configs/hub1.cfg:12)",
            related=(Related("hub1", Span("configs/hub1.cfg", 12)),),
            cloud="hub1:Tunnel0",
            hint="set 'ip nhrp network-id 100' on spoke1 Tunnel0",
            fingerprint="a1b2c3d4e5f6a7b8c9d0",
        ),
        Finding(
            rule="DMV118",
            name="holdtime-not-recommended",
            severity=Severity.WARNING,
            device="hub1",
            file="configs/hub1.cfg",
            line=14,
            message="holdtime 7200 s on hub1 Tunnel0 [default] :warning: is outside 300-600 s",
            cloud="hub1:Tunnel0",
            fingerprint="0f1e2d3c4b5a69788796",
        ),
        Finding(
            rule="DMV001",
            name="unparsed-command",
            severity=Severity.INFO,
            device="spoke1",
            file="configs/spoke1.cfg",
            line=9,
            message="'ip nhrp frobnicate 3' in interface Tunnel0 was not understood",
            fingerprint="ffeeddccbbaa99887766",
        ),
        Finding(
            rule="DMV005",
            name="unreadable-input",
            severity=Severity.ERROR,
            device="configs/junk.cfg",
            file="configs/junk.cfg",
            line=1,
            message="configs/junk.cfg is binary data, not an IOS config",
            fingerprint="00112233445566778899",
        ),
        Finding(
            rule="DMV105",
            name="nhs-not-a-hub",
            severity=Severity.ERROR,
            device="spoke1",
            file="configs/spoke1.cfg",
            line=17,
            message="NHS 10.0.0.9 on spoke1 Tunnel0 is not the tunnel address of any hub",
            related=(
                Related("hub1", Span("configs/hub1.cfg", 10)),
                Related("hub2", Span("configs/hub2.cfg", 11)),
            ),
            cloud="hub1:Tunnel0",
            fingerprint="99887766554433221100",
        ),
    ]


def sample_report() -> LintReport:
    return LintReport(
        findings=tuple(sample_findings()),
        devices=3,
        clouds=1,
        files=(
            FileStatus("configs/hub1.cfg", "hub1"),
            FileStatus("configs/junk.cfg", "", problem="DMV005"),
            FileStatus("configs/spoke1.cfg", "spoke1", notes=1),
            FileStatus("configs/spoke2.cfg", "spoke2", notes=2),
        ),
        tool_version="0.1.0",
    )


def render(report: LintReport, **options: object) -> str:
    out = io.StringIO()
    write_text(report, out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_plain_report_matches_golden_file() -> None:
    check_golden("text.txt", render(sample_report(), color=False))


def test_quiet_report_matches_golden_file() -> None:
    check_golden("text-quiet.txt", render(sample_report(), color=False, quiet=True))


def test_finding_line_layout_is_exact() -> None:
    lines = render(sample_report(), color=False).splitlines()
    assert (
        "  configs/spoke1.cfg:17  error    DMV101 nhrp-network-id-mismatch  network-id 101 on "
        "spoke1 Tunnel0 differs from 100 on hub1 Tunnel0 (configs/hub1.cfg:12)"
    ) in lines
    at = lines.index("  configs/spoke1.cfg:17  error    DMV101 nhrp-network-id-mismatch  "
                     "network-id 101 on spoke1 Tunnel0 differs from 100 on hub1 Tunnel0 "
                     "(configs/hub1.cfg:12)")
    assert lines[at + 1] == "    see configs/hub1.cfg:12 (hub1)"
    assert lines[at + 2] == "    hint: set 'ip nhrp network-id 100' on spoke1 Tunnel0"


def test_findings_are_ordered_by_device_file_line_rule() -> None:
    lines = render(sample_report(), color=False, quiet=True).splitlines()
    rules = [word for line in lines for word in line.split() if word.startswith("DMV")]
    assert rules == ["DMV005", "DMV118", "DMV001", "DMV101", "DMV105"]
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings == ["configs/junk.cfg", "hub1 (configs/hub1.cfg)",
                        "spoke1 (configs/spoke1.cfg)"]


def test_user_text_is_not_read_as_markup_or_emoji() -> None:
    text = render(sample_report(), color=False)
    assert "[default] :warning: is outside" in text


def test_plain_output_has_no_ansi_codes_and_no_wrapping() -> None:
    long = Finding("DMV101", "nhrp-network-id-mismatch", Severity.ERROR, "hub1", "hub1.cfg", 3,
                   "x" * 500)
    report = LintReport((long,), 1, 1, (FileStatus("hub1.cfg", "hub1"),))
    for options in ({"color": False}, {"color": None}):  # a StringIO is not a terminal
        text = render(report, **options)
        assert "\x1b[" not in text
        assert f"  hub1.cfg:3  error    DMV101 nhrp-network-id-mismatch  {'x' * 500}" in (
            text.splitlines())
        assert all(line == line.rstrip() for line in text.splitlines())


def test_forced_colour_styles_the_severity() -> None:
    text = render(sample_report(), color=True)
    assert "\x1b[1;31merror" in text  # bold red
    assert "\x1b[33mwarning" in text  # yellow
    assert "\x1b[36minfo" in text  # cyan


def test_terminal_and_plain_output_say_the_same_words() -> None:
    from rich.text import Text

    coloured = render(sample_report(), color=True, quiet=True)
    plain = render(sample_report(), color=False, quiet=True)
    assert Text.from_ansi(coloured).plain.splitlines() == plain.splitlines()


def test_clean_run_prints_the_plain_message_then_the_summary() -> None:
    report = LintReport((), 3, 1, tuple(FileStatus(f"r{i}.cfg", f"r{i}") for i in range(3)))
    text = render(report, color=False)
    assert text.splitlines()[0] == "No findings in 3 devices (1 cloud)."
    assert "error       0" in text.splitlines()
    assert render(report, color=False, quiet=True) == ""


@pytest.mark.parametrize(
    ("devices", "clouds", "expected"),
    [(1, 0, "No findings in 1 device (0 clouds)."), (2, 2, "No findings in 2 devices (2 clouds).")],
)
def test_clean_message_counts(devices: int, clouds: int, expected: str) -> None:
    assert clean_message(LintReport((), devices, clouds)) == expected


def test_large_fleet_file_table_lists_only_files_that_are_not_ok() -> None:
    n = FILES_LISTED_IN_FULL + 50
    files = [FileStatus(f"s{i:04}.cfg", f"s{i:04}") for i in range(n)]
    files[7] = FileStatus("s0007.cfg", "s0007", notes=3)
    report = LintReport((), n, 1, tuple(files))
    lines = render(report, color=False).splitlines()
    table = lines[lines.index("Files") + 1:]
    assert table == [
        "file               device  status",
        "s0007.cfg          s0007   3 notes",
        f"({n - 1} other files)          ok",
    ]


def test_small_fleet_file_table_lists_every_file() -> None:
    report = sample_report()
    lines = render(report, color=False).splitlines()
    table = lines[lines.index("Files") + 1:]
    assert [line.split()[0] for line in table[1:]] == [f.file for f in report.files]
