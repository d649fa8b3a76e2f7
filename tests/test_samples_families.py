"""What the IKE/IPsec, NAT and MTU samples are *for*: each broken fleet shows exactly the
findings its README explains (rule, device), and the guide's NAT-Transparency scenario lints
clean. tests/test_samples.py pins the README tables to the output; this file pins the intent,
so a regenerated table cannot silently lose the finding a sample exists to show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmvpnlint.cli import main
from tests.helpers import REPO, lint_paths

EXPECTED: dict[str, list[tuple[str, str]]] = {
    "broken-crypto": sorted([
        ("DMV208", "hub1"), ("DMV208", "hub1"), ("DMV208", "hub1"),
        ("DMV205", "spoke1"), ("DMV202", "spoke1"), ("DMV204", "spoke1"), ("DMV117", "spoke1"),
        ("DMV208", "spoke2"), ("DMV206", "spoke2"), ("DMV202", "spoke2"), ("DMV117", "spoke2"),
        ("DMV003", "spoke3"), ("DMV207", "spoke3"), ("DMV210", "spoke3"),
        ("DMV209", "spoke3"), ("DMV117", "spoke3"),
    ]),
    "broken-nat": sorted([
        ("DMV303", "hub1"), ("DMV302", "spoke2"), ("DMV301", "spoke3"), ("DMV601", "spoke3"),
        ("DMV304", "spoke4"),
        # spoke3 offers only tunnel mode: the SAs of hub1, spoke1 and spoke2 with it fall back
        ("DMV301", "hub1"), ("DMV601", "hub1"), ("DMV301", "spoke1"), ("DMV601", "spoke1"),
        ("DMV301", "spoke2"), ("DMV601", "spoke2"),
        ("DMV117", "spoke1"), ("DMV117", "spoke2"), ("DMV117", "spoke3"), ("DMV117", "spoke4"),
    ]),
    "broken-mtu": sorted([
        ("DMV601", "hub1"), ("DMV601", "spoke2"), ("DMV602", "spoke3"), ("DMV603", "spoke4"),
        # hub1 offers only tunnel mode: spoke1's SA with it (NAT-T) overflows and is tunnel mode
        ("DMV601", "spoke1"), ("DMV301", "spoke1"),
    ]),
    "guide-nat-transparency": [],
}

# the pre-shared keys and the long NHRP string written in the samples' configs
SECRETS = ("Br4nch-Psk-2019", "N4t-Psk-Branches", "Mtu-S4mple-Psk", "N4tT-Aware-Psk", "DMVPNk3y")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_shows_what_it_is_for(name: str) -> None:
    _, findings = lint_paths([str(REPO / "samples" / name)])
    assert sorted((f.rule, f.device) for f in findings) == EXPECTED[name]


def test_mtu_witnesses_are_the_arithmetic() -> None:
    """hub1 and spoke1: their SA is AES-128/SHA-1 in tunnel mode (hub1 offers only tunnel mode)
    with GRE key and NAT-T; spoke2: the same tunnel-mode SA with hub1 over a WAN MTU of 1400
    (RFC 4303 padding, nhrp-wire.md section 13)."""
    _, findings = lint_paths([str(REPO / "samples" / "broken-mtu")], select=["DMV601"])
    by_device = {f.device: (Path(f.file).name, f.line, f.message) for f in findings}
    assert by_device["hub1"][:2] == ("hub1.cfg", 45)
    assert by_device["hub1"][2].endswith(
        "a 1400-byte packet becomes 1504 bytes with esp-aes 128 esp-sha-hmac in tunnel mode"
        " with GRE key, NAT-T, over GigabitEthernet0/0 MTU 1500 (default); 1394 is the largest"
        " that fits and 1395 the first that does not (the SA with spoke1 Tunnel0)")
    assert by_device["spoke1"][:2] == ("spoke1.cfg", 46)
    assert by_device["spoke1"][2].endswith(
        "a 1400-byte packet becomes 1504 bytes with esp-aes 128 esp-sha-hmac in tunnel mode"
        " with GRE key, NAT-T, over GigabitEthernet0/0 MTU 1500 (default); 1394 is the largest"
        " that fits and 1395 the first that does not (the SA with hub1 Tunnel0: hub1 offers only"
        " tunnel mode, so the request for transport mode falls back)")
    assert by_device["spoke2"][:2] == ("spoke2.cfg", 46)
    assert "a 1400-byte packet becomes 1496 bytes with esp-aes 128 esp-sha-hmac in tunnel mode" \
        " with GRE key, over GigabitEthernet0/0 MTU 1400; 1314 is the largest that fits" \
        in by_device["spoke2"][2]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_output_holds_no_secret(name: str, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for fmt in ("text", "json", "sarif", "markdown"):
        main(["lint", f"samples/{name}", "--format", fmt])
        out = capsys.readouterr()
        for secret in SECRETS:
            assert secret not in out.out + out.err, (fmt, secret)
    main(["lint", f"samples/{name}", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["summary"]["devices"] >= 4
