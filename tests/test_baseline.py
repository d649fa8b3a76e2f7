"""Baselines: the file format, multiset matching, stale entries, and `--write-baseline` /
`--baseline` through the command line on a fleet whose problems change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmvpnlint.cli import main
from dmvpnlint.engine.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    compare,
    read_baseline,
    write_baseline,
)
from dmvpnlint.engine.findings import Finding, Severity
from tests.fleets import clean_fleet, edit


def finding(fingerprint: str, line: int = 1, device: str = "spoke1") -> Finding:
    return Finding("DMV101", "nhrp-network-id-mismatch", Severity.ERROR, device,
                   f"fleet/{device}.cfg", line, "m", fingerprint=fingerprint)


def test_file_is_sorted_line_free_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline([finding("bbb", 40, "spoke2"), finding("aaa", 7)], str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 1 and document["tool"]["name"] == "dmvpnlint"
    assert document["findings"] == [
        {"fingerprint": "aaa", "rule": "DMV101", "name": "nhrp-network-id-mismatch",
         "device": "spoke1", "file": "fleet/spoke1.cfg"},
        {"fingerprint": "bbb", "rule": "DMV101", "name": "nhrp-network-id-mismatch",
         "device": "spoke2", "file": "fleet/spoke2.cfg"},
    ]
    assert read_baseline(str(path)) == Baseline.of([finding("aaa"), finding("bbb", 2, "spoke2")])


def test_lines_do_not_matter_and_each_entry_absorbs_one_finding() -> None:
    baseline = Baseline.of([finding("aaa", 3), finding("aaa", 9), finding("ccc")])
    result = compare([finding("aaa", 30), finding("aaa", 31), finding("aaa", 32),
                      finding("ddd")], baseline)
    assert [(f.fingerprint, f.line) for f in result.new] == [("aaa", 32), ("ddd", 1)]
    assert result.known == 2
    assert result.stale == (BaselineEntry("ccc", "DMV101", "nhrp-network-id-mismatch", "spoke1",
                                          "fleet/spoke1.cfg"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a dmvpnlint baseline (not JSON"),
        ('{"version": 2, "findings": []}', 'expected a JSON object with "version": 1'),
        ('{"version": 1}', 'no "findings" list'),
        ('{"version": 1, "findings": [{"fingerprint": "a"}]}',
         'entry 1 of "findings" needs the strings fingerprint, rule, name, device, file'),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        read_baseline(str(path))
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match=r"^cannot read baseline .*missing\.json: No such"):
        read_baseline(str(tmp_path / "missing.json"))


# --- through the command line ---------------------------------------------------------------


def write_fleet(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def legacy_fleet() -> dict[str, str]:
    """Two known problems: DMV101 on spoke1 and DMV118 on spoke2."""
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "ip nhrp network-id 100",
                               "ip nhrp network-id 101")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip nhrp holdtime 300",
                               "ip nhrp holdtime 7200")
    return files


def lint(tmp_path: Path, *options: str) -> tuple[int, list[tuple[str, str]]]:
    out = tmp_path / "report.json"
    code = main(["lint", str(tmp_path / "fleet"), "--format", "json", "--output", str(out),
                 *options])
    if not out.exists():
        return code, []
    return code, [(f["rule"], f["device"]) for f in json.loads(out.read_text())["findings"]]


def test_adopting_a_baseline_then_seeing_only_new_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = legacy_fleet()
    write_fleet(tmp_path / "fleet", files)
    baseline = tmp_path / "baseline.json"

    assert lint(tmp_path, "--write-baseline", str(baseline)) == (0, [])
    assert capsys.readouterr().err == f"dmvpnlint: wrote 2 findings to baseline {baseline}\n"
    assert len(json.loads(baseline.read_text())["findings"]) == 2

    assert lint(tmp_path, "--baseline", str(baseline)) == (0, [])
    assert capsys.readouterr().err == (f"dmvpnlint: baseline {baseline}: 2 known findings not "
                                       "reported, 0 new findings\n")

    # Lines move (a description above the tunnel), spoke2 is fixed, hub2 gets a new problem.
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "interface Tunnel0\n",
                               "interface Tunnel0\n description moved\n")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip nhrp holdtime 7200",
                               "ip nhrp holdtime 300")
    files["hub2.cfg"] = edit(files["hub2.cfg"], "ip nhrp holdtime 300", "ip nhrp holdtime 60")
    write_fleet(tmp_path / "fleet", files)
    assert lint(tmp_path, "--baseline", str(baseline)) == (0, [("DMV118", "hub2")])
    assert capsys.readouterr().err == (
        f"dmvpnlint: baseline {baseline}: 1 known finding not reported, 1 new finding; "
        "1 baseline entry stale (no longer found): refresh it with --write-baseline\n")
    assert lint(tmp_path, "--baseline", str(baseline), "--fail-on", "warning")[0] == 1


def test_a_bad_baseline_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_fleet(tmp_path / "fleet", legacy_fleet())
    assert lint(tmp_path, "--baseline", str(tmp_path / "nope.json")) == (2, [])
    assert capsys.readouterr().err.startswith("dmvpnlint: cannot read baseline ")


def test_paths_are_stored_relative_to_the_baseline(tmp_path: Path) -> None:
    inside = str(tmp_path / "configs" / "spoke1.cfg")
    outside = "/elsewhere/spoke2.cfg"
    write_baseline([Finding("DMV101", "n", Severity.ERROR, "spoke1", inside,
                            3, "m", fingerprint="aaa"),
                    Finding("DMV101", "n", Severity.ERROR, "spoke2", outside, 3, "m",
                            fingerprint="bbb")], str(tmp_path / "baseline.json"))
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert [e["file"] for e in entries] == ["configs/spoke1.cfg", "/elsewhere/spoke2.cfg"]
