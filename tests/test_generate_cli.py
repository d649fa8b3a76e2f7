"""`dmvpnlint generate`: exit codes, files written or refused, what it prints."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from dmvpnlint.checks import ALL_CHECKS
from dmvpnlint.cli import main
from dmvpnlint.engine import Hit, Scope, check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device
from tests.generate_helpers import ENV, GOLDEN, GOLDEN_CASES, SECRETS
from tests.helpers import lint_paths

verify_module = importlib.import_module("dmvpnlint.generate.verify")

INVENTORY = str(GOLDEN_CASES["dual-hub-phase3-ikev2"])


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def test_generate_writes_configs_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["generate", INVENTORY, "--out", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["allocation.yaml", "branch1.cfg", "branch2.cfg", "branch3.cfg",
                       "hub1.cfg", "hub2.cfg", "inventory.yaml"]
    golden = GOLDEN / "dual-hub-phase3-ikev2"
    for name in written:
        assert (out / name).read_text() == (golden / name).read_text()
    stdout = capsys.readouterr().out
    assert stdout.splitlines() == [
        f"{INVENTORY}: 5 devices, 1 clouds, target ios",
        "cloud WAN: 10.10.0.0/24 on Tunnel0, phase 3, network-id 100 (allocated), tunnel key "
        "100 (allocated); tunnel addresses: 0 inventory, 0 kept, 5 allocated",
        "round trip: parsed back and linted: 0 errors, 0 warnings, 0 info",
        f"wrote 5 configs, allocation.yaml and inventory.yaml to {out}",
    ]
    for secret in SECRETS:
        assert secret not in stdout
    # what was written lints clean with `dmvpnlint lint` too, its inventory.yaml picked up
    fleet, findings = lint_paths([str(out)])
    assert fleet.device("hub1").inventory.role.value == "hub"  # type: ignore[union-attr]
    assert [f for f in findings if f.severity.value != "info"] == []


def test_second_run_keeps_allocation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["generate", INVENTORY, "--out", str(out)]) == 0
    assert main(["generate", INVENTORY, "--out", str(out)]) == 0
    assert "tunnel addresses: 0 inventory, 5 kept, 0 allocated" in capsys.readouterr().out


def test_missing_variable_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DMVPN_PSK")
    assert main(["generate", INVENTORY, "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"dmvpnlint: {INVENTORY}:17: psk of cloud 'WAN' comes from environment variable "
        "DMVPN_PSK, which is not set; export DMVPN_PSK=... before running generate\n"
    )
    assert not (tmp_path / "out").exists()


def test_bad_inventory_and_unknown_target_exit_2(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("clouds: {}\n")
    assert main(["generate", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"dmvpnlint: {bad}:1: missing 'devices:' (generate needs clouds and devices)\n")
    assert main(["generate", INVENTORY, "--target", "junos", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "dmvpnlint: unknown target 'junos' (known: ios)\n"


@check("DMV109", Scope.DEVICE)
def _always_out_of_range(ctx: LintContext, device: Device) -> Iterator[Hit]:
    """A stand-in for a rule that a generated config breaks."""
    if device.name == "hub2":
        interface = device.interfaces["Tunnel0"]
        yield Hit(device=device.name, span=interface.span, message="hub2 Tunnel0 is broken")


def test_error_findings_refuse_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(verify_module, "ALL_CHECKS", (*ALL_CHECKS, _always_out_of_range))
    out = tmp_path / "out"
    assert main(["generate", INVENTORY, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "round trip: parsed back and linted: 1 errors, 0 warnings, 0 info" in captured.out
    assert f"{out / 'hub2.cfg'}:34  error    DMV109 value-out-of-range  hub2 Tunnel0 is broken" \
        in captured.out
    assert captured.err == (
        "dmvpnlint: not written: the generated configs have 1 error finding(s)\n")
    assert not out.exists()


def test_help_names_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--help"]) == 0
    assert "--out DIR" in capsys.readouterr().out
