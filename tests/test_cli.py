"""The command line, run in-process through `main(argv)` on small fleets written in tmp_path.

Exit codes, selection, formats, `--output`, `rules`, `explain`, internal errors without a
traceback, and the promise that no secret of the configs reaches any output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import dmvpnlint.checks
from dmvpnlint import __version__
from dmvpnlint.cli import main
from dmvpnlint.engine import load_rules
from dmvpnlint.engine.registry import Check
from dmvpnlint.report.markdown import escape as markdown_escape
from dmvpnlint.resources import rules_dir

REPO = Path(__file__).resolve().parents[1]

SECRETS = ("S3cr3tNh", "Pr3Shared!", "$1$abcd$Zyx", "Publ1cCom", "Passw0rdX")

HUB = """\
hostname hub1
!
enable secret 5 $1$abcd$Zyx
username admin password 0 Passw0rdX
!
crypto isakmp policy 10
 encryption aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key Pr3Shared! address 0.0.0.0 0.0.0.0
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
!
crypto ipsec profile DMVPN
 set transform-set TS
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.1 255.255.255.0
 ip mtu 1400
 ip nhrp authentication S3cr3tNh
 ip nhrp map multicast dynamic
 ip nhrp network-id 100
 ip nhrp holdtime 300
 no ip split-horizon eigrp 1
 no ip next-hop-self eigrp 1
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 100
 tunnel protection ipsec profile DMVPN
!
interface GigabitEthernet0/0
 ip address 203.0.113.1 255.255.255.0
!
router eigrp 1
 network 10.0.0.0 0.0.0.255
!
snmp-server community Publ1cCom RO
!
line vty 0 4
 login local
 transport input ssh
!
end
"""

SPOKE = """\
hostname {name}
!
enable secret 5 $1$abcd$Zyx
username admin password 0 Passw0rdX
!
crypto isakmp policy 10
 encryption aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key Pr3Shared! address 0.0.0.0 0.0.0.0
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
!
crypto ipsec profile DMVPN
 set transform-set TS
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.{host} 255.255.255.0
 ip mtu 1400
 ip nhrp authentication S3cr3tNh
 ip nhrp map 10.0.0.1 203.0.113.1
 ip nhrp map multicast 203.0.113.1
 ip nhrp network-id {network_id}
{holdtime} ip nhrp nhs 10.0.0.1
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 100
 tunnel protection ipsec profile DMVPN
!
interface GigabitEthernet0/0
 ip address 198.51.100.{host} 255.255.255.0
!
router eigrp 1
 network 10.0.0.0 0.0.0.255
!
snmp-server community Publ1cCom RO
!
line vty 0 4
 login local
 transport input ssh
!
end
"""


def spoke(name: str, host: int, network_id: int = 100, holdtime: int | None = 300) -> str:
    line = f" ip nhrp holdtime {holdtime}\n" if holdtime is not None else ""
    return SPOKE.format(name=name, host=host, network_id=network_id, holdtime=line)


def line_of(text: str, command: str) -> int:
    """The 1-based line of the first line that starts with `command` (after its indent)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == command)


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """hub1 and spoke1 agree; spoke2 has network-id 101 and no holdtime. cwd is tmp_path,
    so paths on the command line are relative, as a user gives them."""
    files = {
        "configs/hub1.cfg": HUB,
        "configs/spoke1.cfg": spoke("spoke1", 11),
        "configs/spoke2.cfg": spoke("spoke2", 12, network_id=101, holdtime=None),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DMVPNLINT_DEBUG", raising=False)
    yield files


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(["lint", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


# --- exit codes and selection -----------------------------------------------------------------


def test_network_id_mismatch_is_reported_exactly_and_exits_1(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, err = run_json(capsys, "configs", "--select", "DMV101")
    assert (code, err) == (1, "")
    assert [(f["rule"], f["device"], f["file"], f["line"]) for f in report["findings"]] == [
        ("DMV101", "spoke2", "configs/spoke2.cfg",
         line_of(fleet["configs/spoke2.cfg"], "ip nhrp network-id 101")),
    ]
    finding = report["findings"][0]
    assert "101" in finding["message"] and "100" in finding["message"]
    assert finding["severity"] == "error"
    assert report["summary"] == {"devices": 3, "clouds": 1, "error": 1, "warning": 0, "info": 0}


def test_no_finding_at_or_above_fail_on_exits_0(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = run_json(capsys, "configs", "--select", "DMV118")
    assert [(f["rule"], f["device"], f["severity"]) for f in report["findings"]] == [
        ("DMV118", "spoke2", "warning"),
    ]
    assert code == 0


def test_fail_on_warning_makes_a_warning_fail(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run_json(capsys, "configs", "--select", "DMV118", "--fail-on", "warning")
    assert code == 1
    code, _, _ = run_json(capsys, "configs/hub1.cfg", "configs/spoke1.cfg", "--select",
                          "DMV118", "--fail-on", "info")
    assert code == 0


def test_select_a_family_prefix(fleet: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = run_json(capsys, "configs", "--select", "DMV1")
    rules = {f["rule"] for f in report["findings"]}
    assert {"DMV101", "DMV118"} <= rules
    assert all(rule.startswith("DMV1") for rule in rules), rules
    assert code == 1


def test_ignore_removes_rules(fleet: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = run_json(capsys, "configs", "--select", "DMV1", "--ignore", "DMV101,DMV118")
    rules = {f["rule"] for f in report["findings"]}
    assert "DMV101" not in rules and "DMV118" not in rules
    code, report, _ = run_json(capsys, "configs", "--select", "DMV101,DMV118",
                               "--ignore", "DMV101")
    assert [f["rule"] for f in report["findings"]] == ["DMV118"]
    assert code == 0


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_in_selection_is_a_usage_error(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str], option: str
) -> None:
    assert main(["lint", "configs", option, "DMV101,DMV999"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"dmvpnlint: {option}: unknown rule or prefix 'DMV999'; see 'dmvpnlint rules'\n"


def test_missing_path_is_a_one_line_usage_error(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "configs/hub1.cfg", "nowhere/spoke9.cfg"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "dmvpnlint: nowhere/spoke9.cfg: no such file or directory\n")


def test_bad_inventory_is_a_usage_error_naming_file_and_line(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    Path("inventory.yaml").write_text("devices:\n  hub1:\n    role: hub\n    colour: blue\n")
    assert main(["lint", "configs", "--inventory", "inventory.yaml"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("dmvpnlint: inventory.yaml:4") and "colour" in err
    assert len(err.splitlines()) == 1


def test_no_readable_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "junk.cfg").write_bytes(b"\x00\x01\x02\xff\xfe" * 40)
    code = main(["lint", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("dmvpnlint: no readable IOS configuration: ")
    assert "junk.cfg" in err and len(err.splitlines()) == 1


def test_argparse_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "x.cfg", "--format", "yaml"]) == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err
    assert main([]) == 2


# --- formats and output ------------------------------------------------------------------------


def test_text_report_groups_by_device_with_a_summary(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "configs", "--select", "DMV101,DMV118"]) == 1
    out, err = capsys.readouterr()
    assert err == "" and "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "spoke2 (configs/spoke2.cfg)"
    nid = line_of(fleet["configs/spoke2.cfg"], "ip nhrp network-id 101")
    assert any(line.startswith(f"  configs/spoke2.cfg:{nid}  error    DMV101 "
                               "nhrp-network-id-mismatch  ") for line in lines)
    assert lines[lines.index("Summary"):] == [
        "Summary",
        "devices     3",
        "clouds      1",
        "files read  3",
        "error       1",
        "warning     1",
        "info        0",
        "",
        "Files",
        "file                device  status",
        "configs/hub1.cfg    hub1    ok",
        "configs/spoke1.cfg  spoke1  ok",
        "configs/spoke2.cfg  spoke2  ok",
    ]


def test_quiet_prints_findings_only(fleet: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "configs", "--select", "DMV101", "--quiet"]) == 1
    out = capsys.readouterr().out
    spoke_line = line_of(fleet["configs/spoke2.cfg"], "ip nhrp network-id 101")
    hub_line = line_of(fleet["configs/hub1.cfg"], "ip nhrp network-id 100")
    assert out.splitlines() == [
        "spoke2 (configs/spoke2.cfg)",
        f"  configs/spoke2.cfg:{spoke_line}  error    DMV101 nhrp-network-id-mismatch  "
        "network-id 101 on spoke2 Tunnel0 differs from 100 on hub1 Tunnel0 "
        f"(configs/hub1.cfg:{hub_line})",
        f"    see configs/hub1.cfg:{hub_line} (hub1)",
    ]


def test_clean_fleet_says_so(fleet: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "configs/hub1.cfg", "configs/spoke1.cfg", "--select", "DMV101"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "No findings in 2 devices (1 cloud)."


def test_unreadable_file_and_parse_notes_in_the_file_table(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    Path("configs/junk.cfg").write_bytes(b"\x00\x01binary")
    text = fleet["configs/spoke1.cfg"].replace(" ip nhrp nhs", " ip nhrp frobnicate 3\n ip nhrp nhs")
    Path("configs/spoke1.cfg").write_text(text)
    assert main(["lint", "configs", "--select", "DMV001,DMV005"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "configs/junk.cfg",
        "  configs/junk.cfg:1  error    DMV005 unreadable-input  configs/junk.cfg: binary data, "
        "not an IOS configuration",
    ]
    note = line_of(text, "ip nhrp frobnicate 3")
    assert lines[3] == "spoke1 (configs/spoke1.cfg)"
    assert lines[4].startswith(f"  configs/spoke1.cfg:{note}  info     DMV001 unparsed-command  "
                               "'ip nhrp frobnicate 3' in interface Tunnel0 was not understood")
    assert "files not checked  1" in lines
    assert lines[lines.index("Files") + 1:] == [
        "file                device  status",
        "configs/hub1.cfg    hub1    ok",
        "configs/junk.cfg            unreadable",
        "configs/spoke1.cfg  spoke1  1 note",
        "configs/spoke2.cfg  spoke2  ok",
    ]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_writes_the_report_to_a_file(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"report.{fmt}"
    assert main(["lint", "configs", "--select", "DMV101", "--format", fmt,
                 "--output", str(target)]) == 1
    assert capsys.readouterr() == ("", "")
    written = target.read_text(encoding="utf-8")
    assert "\x1b[" not in written
    if fmt == "json":
        assert [f["rule"] for f in json.loads(written)["findings"]] == ["DMV101"]
    else:
        assert written.startswith("spoke2 (configs/spoke2.cfg)\n")


def test_output_to_an_impossible_place_is_a_usage_error(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "configs", "--output", "no/such/dir/report.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dmvpnlint: cannot write no/such/dir/report.txt: ")
    assert len(err.splitlines()) == 1


# --- secrets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab",
                                 "markdown"])
@pytest.mark.parametrize("to_file", [False, True])
def test_no_secret_reaches_any_output(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str,
    to_file: bool
) -> None:
    # A variant whose secrets differ (the NHRP one within its first 8 characters, all IOS
    # compares), so that the mismatch rules speak about them too.
    # A line the grammar refuses keeps its text in a DMV001 note: the secret must be redacted.
    text = fleet["configs/spoke1.cfg"].replace("S3cr3tNh", "XS3cr3tNh").replace(
        "Pr3Shared!", "Pr3Shared!X").replace(
        " ip nhrp nhs", " ip nhrp authentication S3cr3tNh trailing-junk\n ip nhrp nhs")
    Path("configs/spoke3.cfg").write_text(text.replace("hostname spoke1", "hostname spoke3")
                                          .replace("10.0.0.11 ", "10.0.0.13 ")
                                          .replace("198.51.100.11 ", "198.51.100.13 "))
    for name in ("configs/hub1.cfg", "configs/spoke3.cfg"):
        assert all(s in Path(name).read_text() for s in SECRETS), name
    argv = ["lint", "configs", "--format", fmt, "--fail-on", "info"]
    target = tmp_path / "out" / f"report.{fmt}"
    if to_file:
        target.parent.mkdir()
        argv += ["--output", str(target)]
    code = main(argv)
    out, err = capsys.readouterr()
    written = target.read_text(encoding="utf-8") if to_file else ""
    assert code == 1
    assert "DMV102" in (written or out)  # the authentication strings differ: said, not shown
    assert "DMV001" in (written or out)  # the refused line is reported, its secret is not
    for secret in (*SECRETS, "XS3cr3tNh", "Pr3Shared!X"):
        # also as the markdown format would escape it (`!` -> `\!`)
        for form in {secret, markdown_escape(secret)}:
            assert form not in out and form not in err and form not in written, form


# --- rules and explain -------------------------------------------------------------------------


def test_rules_lists_every_rule_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    files = sorted(e.name[:-3] for e in rules_dir().iterdir() if e.name.endswith(".md"))
    assert files, "no rule files"
    listed = [line.split()[0] for line in lines[1:]]
    assert lines[0].split() == ["id", "name", "severity", "scope", "summary"]
    assert listed == files
    rule = load_rules()[files[0]]
    assert lines[1].split()[:4] == [rule.id, rule.name, rule.severity.value, rule.scope.value]


def test_rules_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in document["rules"]] == list(load_rules())
    assert list(document["rules"][0]) == ["id", "name", "severity", "scope", "status", "since",
                                          "summary"]


def test_explain_shows_the_front_matter_then_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    rule = load_rules()["DMV001"]
    assert main(["explain", "dmv001"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[:3] == ["DMV001 unparsed-command", f"severity: {rule.severity.value}",
                         f"scope: {rule.scope.value}"]
    assert "## What it does" in lines and "## Why is this bad?" in lines
    assert out.endswith(rule.doc)
    assert main(["explain", "unparsed-command"]) == 0
    assert capsys.readouterr().out == out


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "DMV999"]) == 2
    assert capsys.readouterr() == ("", "dmvpnlint: unknown rule 'DMV999'; see 'dmvpnlint rules'\n")


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"dmvpnlint {__version__}\n"
    assert main(["lint", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--fail-on {error,warning,info}" in out and "examples:" in out
    assert "--format {text,json,sarif,junit,github,gitlab,markdown}" in out


# --- internal errors ---------------------------------------------------------------------------


def _boom(*args: object) -> Iterator[object]:
    raise RuntimeError("boom")
    yield  # pragma: no cover - makes this a generator like a real check


def test_a_failing_check_is_reported_and_exits_2_after_the_report(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = tuple(
        Check(c.rule, c.scope, _boom) if c.rule == "DMV101" else c
        for c in dmvpnlint.checks.ALL_CHECKS
    )
    monkeypatch.setattr(dmvpnlint.checks, "ALL_CHECKS", checks)
    code = main(["lint", "configs", "--select", "DMV101,DMV118", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["DMV118"]
    lines = err.splitlines()
    assert lines[0].startswith("dmvpnlint: internal error in check _boom (DMV101) on cloud ")
    assert lines[0].endswith(": RuntimeError: boom")
    assert "Traceback" not in err and len(lines) == 2


def test_an_unexpected_exception_prints_one_line_not_a_traceback(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dmvpnlint.topology

    def broken(fleet: object) -> object:
        raise ValueError("no cloud today")

    monkeypatch.setattr(dmvpnlint.topology, "build_topology", broken)
    assert main(["lint", "configs"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "dmvpnlint: internal error: ValueError: no cloud today",
        "dmvpnlint: this is a bug in dmvpnlint; please report it with the output of "
        "DMVPNLINT_DEBUG=1",
    ]
    monkeypatch.setenv("DMVPNLINT_DEBUG", "1")
    with pytest.raises(ValueError, match="no cloud today"):
        main(["lint", "configs"])


def test_ctrl_c_exits_130_quietly(
    fleet: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dmvpnlint.frontend

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(dmvpnlint.frontend, "load_fleet", interrupted)
    assert main(["lint", "configs"]) == 130
    assert capsys.readouterr() == ("", "")


# --- as a program ------------------------------------------------------------------------------


def test_python_m_dmvpnlint_runs_as_a_subprocess(fleet: dict[str, str], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DMVPNLINT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "dmvpnlint", "lint", "configs", "--select", "DMV101",
         "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    finding = json.loads(done.stdout)["findings"][0]
    assert (finding["rule"], finding["device"], finding["file"]) == (
        "DMV101", "spoke2", "configs/spoke2.cfg")


# --- real configs nobody here wrote -------------------------------------------------------------

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"


def corpus_configs() -> list[str]:
    return sorted(
        str(p) for p in CORPUS.rglob("*")
        if p.is_file() and p.suffix not in (".md", ".yaml", ".yml")
    )


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_whole_corpus_lints_without_an_internal_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.delenv("DMVPNLINT_DEBUG", raising=False)
    paths = corpus_configs()
    assert len(paths) > 100
    code = main(["lint", *paths, "--format", fmt])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    if fmt == "json":
        document = json.loads(out)
        assert document["summary"]["devices"] > 100
        # `file` is the path as given on the command line, for findings and related places
        assert all(f["file"] in paths for f in document["findings"])
        assert all(r["file"] in paths for f in document["findings"] for r in f["related"])
    else:
        assert "\x1b[" not in out and "Traceback" not in out
