"""Every sample inventory and golden case: generated, parsed back, linted, and pinned by golden
files. The round trip lints with whatever `ALL_CHECKS` holds when the test runs: the samples must
stay free of errors and of every warning their README does not explain."""

from __future__ import annotations

import os
import re

import pytest

from dmvpnlint.engine import Severity
from dmvpnlint.generate import generate
from dmvpnlint.generate.describe import describe
from dmvpnlint.generate.render import load_target
from dmvpnlint.resources import targets_dir
from tests.generate_helpers import (
    ENV,
    GOLDEN,
    GOLDEN_CASES,
    SAMPLE_WARNINGS,
    SAMPLES,
    SECRETS,
    warnings_and_errors,
)

UPDATE = os.environ.get("DMVPNLINT_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("sample", sorted(SAMPLE_WARNINGS))
def test_sample_generates_configs_that_lint_clean(sample: str) -> None:
    result = generate(str(SAMPLES / sample / "inventory.yaml"), environ=ENV)
    assert not result.verification.failures
    assert warnings_and_errors(result.findings) == SAMPLE_WARNINGS[sample]
    assert result.errors == ()
    # nothing the linter does not understand, and nothing unused
    assert [f for f in result.findings if f.rule in ("DMV001", "DMV002", "DMV003")] == []


@pytest.mark.parametrize("sample", sorted(SAMPLE_WARNINGS))
def test_sample_readme_explains_its_warnings(sample: str) -> None:
    readme = (SAMPLES / sample / "README.md").read_text(encoding="utf-8")
    for rule in SAMPLE_WARNINGS[sample]:
        assert rule in readme, f"{sample}/README.md does not explain {rule}"


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_generated_files_match_golden(case: str) -> None:
    result = generate(str(GOLDEN_CASES[case]), environ=ENV)
    assert result.errors == ()
    folder = GOLDEN / case
    produced = dict(result.files)
    produced["allocation.yaml"] = result.summary
    produced["inventory.yaml"] = result.lint_inventory
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, text in produced.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
    assert sorted(produced) == sorted(expected)
    for name, text in produced.items():
        assert text == expected[name], f"{case}/{name} differs from its golden file"


def test_golden_cases_cover_every_template_path() -> None:
    """Each branch of the templates appears in at least one golden file."""
    texts = "\n".join(
        p.read_text(encoding="utf-8") for case in GOLDEN_CASES for p in (GOLDEN / case).iterdir()
    )
    for needle in (
        "ip nhrp map multicast dynamic",  # hub
        "ip nhrp nhs ",  # spoke
        "tunnel destination ",  # Phase 1 spoke
        "tunnel mode gre multipoint",  # Phase 2/3
        "ip nhrp redirect",  # Phase 3 hub
        "ip nhrp shortcut",  # Phase 3 spoke
        "no ip nhrp shortcut",  # IOS-XE 16+ Phase 2 spoke
        "crypto isakmp policy",  # IKEv1
        "crypto ikev2 profile",  # IKEv2
        "set ikev2-profile",
        "set pfs group14",
        "shared\n",  # VRF-aware, one tunnel source
        "vrf definition",
        "address-family ipv4 vrf BLUE autonomous-system 1",  # EIGRP in a VRF
        "no ip next-hop-self eigrp",  # Phase 2 EIGRP hub
        "no ip split-horizon eigrp",
        "router bgp",
        "route-reflector-client",
        "address-family ipv4 vrf CORP",  # BGP in a VRF
        "ip address dhcp",
        "ip route 0.0.0.0 0.0.0.0",
    ):
        assert needle in texts, needle
    assert "tunnel key" not in (GOLDEN / "phase1-nat-nokey" / "hq.cfg").read_text()
    # the hub behind static NAT is mapped at its outside address
    assert "ip nhrp map 172.16.0.1 198.51.100.10" in (
        GOLDEN / "phase1-nat-nokey" / "shop.cfg").read_text()


def test_manifest_lists_every_template_and_each_exists() -> None:
    target = load_target("ios")
    folder = targets_dir().joinpath("ios")
    on_disk = sorted(p.name for p in folder.iterdir() if p.name.endswith(".j2"))
    assert sorted(target.files) == on_disk
    assert target.device_template in target.files
    assert target.file_name("hub1") == "hub1.cfg"


def test_secrets_are_in_configs_only() -> None:
    """Keys reach the configs (a router needs them) and nothing else: not the summary, not the
    describe lines, not a finding, not a plan's repr."""
    result = generate(str(GOLDEN_CASES["phase1-nat-nokey"]), environ=ENV)
    assert "Test-Psk-1" in result.files["hq.cfg"]
    assert "nhrpT3st" in result.files["hq.cfg"]
    public = [result.summary, "\n".join(describe(result)), repr(result.plans)]
    public += [f.message for f in result.findings]
    for text in public:
        for secret in SECRETS:
            assert secret not in text


def test_500_spoke_hubs_get_max_send_for_their_registration_rate() -> None:
    result = generate(str(SAMPLES / "gen-500-spokes" / "inventory.yaml"), environ=ENV)
    # 500 spokes, holdtime 300: one registration per spoke every 100 s = 50 per 10 s, x4
    assert " ip nhrp max-send 200 every 10\n" in result.files["hub1.cfg"]
    addresses = result.allocations["DMVPN"].addresses
    assert addresses["hub1"].value.compressed == "10.0.0.1"
    assert addresses["spoke001"].value.compressed == "10.0.0.3"
    assert addresses["spoke500"].value.compressed == "10.0.1.246"
    assert len({a.value for a in addresses.values()}) == 502
    assert result.verification.count(Severity.WARNING) == 0


def test_sample_inventories_hold_no_plain_secret() -> None:
    for path in SAMPLES.glob("gen-*/inventory.yaml"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^\s*(psk|nhrp_authentication):\s*(\S+)", text, re.M):
            assert match.group(2).startswith("env:"), f"{path}: {match.group(0)}"


def test_every_sample_has_a_readme() -> None:
    for sample in SAMPLE_WARNINGS:
        assert (SAMPLES / sample / "README.md").is_file()
