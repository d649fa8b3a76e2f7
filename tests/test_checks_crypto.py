"""IKE/IPsec checks (DMV201-DMV210) on the clean two-hub fleet with one thing changed."""

from __future__ import annotations

import json
from pathlib import Path

from dmvpnlint.checks import ALL_CHECKS
from dmvpnlint.checks.crypto_model import proofs
from dmvpnlint.cli import main
from dmvpnlint.engine import load_rules, select_rules
from dmvpnlint.engine.findings import fingerprint
from dmvpnlint.engine.runner import LintContext, run
from dmvpnlint.frontend import load_fleet
from dmvpnlint.topology import build_topology
from tests.fleets import AUTH, PSK, clean_fleet, edit, line_of
from tests.helpers import hits, lint_files, write_fleet

CRYPTO = ["DMV2"]


def test_clean_fleet_has_no_crypto_finding(tmp_path: Path) -> None:
    assert lint_files(tmp_path, clean_fleet(), CRYPTO) == []


def test_ike_group_mismatch_names_the_closest_policies(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " group 14", " group 5")
    found = [f for f in lint_files(tmp_path, files, ["DMV202"])]
    line = line_of(files["spoke1.cfg"], "tunnel protection")
    # one finding per spoke, naming the first peer that disagrees
    assert hits(found, "DMV202") == [("spoke1", "spoke1.cfg", line)]
    assert "closest: policy 10 of spoke1 and policy 10 of hub1 differ in group 5 vs 14" in found[0].message


def test_ikev1_against_ikev2_is_a_version_mismatch(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " set transform-set TS\n", " set transform-set TS\n set ikev2-profile P2\n")
    found = lint_files(tmp_path, files, ["DMV202"])
    assert [f.device for f in found] == ["spoke1"]
    assert "IKE version IKEv2 vs IKEv1" in found[0].message


def test_transform_mismatch_is_dmv204(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "esp-aes 256 esp-sha256-hmac", "esp-3des esp-sha-hmac")
    found = lint_files(tmp_path, files, ["DMV204"])
    line = line_of(files["spoke2.cfg"], "tunnel protection")
    # spoke2 against the hubs, and spoke1 against spoke2 (Phase 2: spokes build tunnels too)
    assert hits(found, "DMV204") == [("spoke1", "spoke1.cfg", line), ("spoke2", "spoke2.cfg", line)]
    by_device = {f.device: f.message for f in found}
    assert "transforms esp-3des esp-sha-hmac vs esp-aes 256 esp-sha256-hmac" in by_device["spoke2"]
    assert "and spoke2 Tunnel0" in by_device["spoke1"]


def test_pfs_on_one_side_only_is_dmv204(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " set transform-set TS\n", " set transform-set TS\n set pfs group14\n")
    found = lint_files(tmp_path, files, ["DMV204"])
    assert sorted(f.device for f in found) == ["spoke1", "spoke2"]
    assert all("pfs none vs group14" in f.message for f in found)


def test_different_key_is_reported_without_the_key(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], f"crypto isakmp key {PSK}", "crypto isakmp key Other-Key-77")
    found = lint_files(tmp_path, files, ["DMV203"])
    line = line_of(files["spoke1.cfg"], "crypto isakmp key")
    assert hits(found, "DMV203") == [("spoke1", "spoke1.cfg", line)] * 2  # once per hub
    assert all("Other-Key-77" not in f.message and PSK not in f.message for f in found)
    assert "differs" in found[0].message


def test_missing_isakmp_policy_is_an_error_without_release_and_a_warning_on_15(tmp_path: Path) -> None:
    files = clean_fleet()
    policy = "crypto isakmp policy 10\n encryption aes 256\n hash sha256\n authentication pre-share\n group 14\n"
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], policy, "")
    found = lint_files(tmp_path / "a", files, ["DMV201"])
    assert [(f.device, f.severity.value) for f in found] == [("spoke1", "error")]
    files["spoke1.cfg"] = "version 15.4\n" + files["spoke1.cfg"]
    found = lint_files(tmp_path / "b", files, ["DMV201"])
    assert [(f.device, f.severity.value) for f in found] == [("spoke1", "warning")]
    assert "falls back to the default policies 65507-65514" in found[0].message


def test_weak_crypto_counts_absent_lines_and_is_an_error_on_17_11(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " group 14\n", "")
    found = lint_files(tmp_path / "a", files, ["DMV208"])
    assert [(f.device, f.line, f.severity.value) for f in found] == [
        ("spoke1", line_of(files["spoke1.cfg"], "crypto isakmp policy 10"), "warning")]
    assert "weak group 1 (IOS default: the line is absent)" in found[0].message
    files["inventory.yaml"] = 'devices:\n  spoke1:\n    ios: "17.12.1"\n'
    found = lint_files(tmp_path / "b", files, ["DMV208"])
    assert [f.severity.value for f in found] == ["error"]


def test_unprotected_spoke_is_dmv207_and_dmv210(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " tunnel protection ipsec profile DMVPN\n", "")
    found = lint_files(tmp_path, files, ["DMV207", "DMV210"])
    line = line_of(files["spoke2.cfg"], "interface Tunnel0")
    assert hits(found, "DMV207") == [("spoke2", "spoke2.cfg", line)]
    assert hits(found, "DMV210") == [("spoke2", "spoke2.cfg", line)] * 2  # once per hub


def test_host_keys_stop_spoke_to_spoke(tmp_path: Path) -> None:
    files = clean_fleet()
    for name in ("spoke1.cfg", "spoke2.cfg"):
        files[name] = edit(files[name], f"crypto isakmp key {PSK} address 203.0.113.0 255.255.255.0",
                           f"crypto isakmp key {PSK} address 203.0.113.1\ncrypto isakmp key {PSK} address 203.0.113.254")
    found = lint_files(tmp_path, files, ["DMV205"])
    assert hits(found, "DMV205") == [("spoke1", "spoke1.cfg", 8), ("spoke2", "spoke2.cfg", 8)]


def test_spokes_of_hubs_that_disagree_on_protection_are_dmv210_with_each_other(tmp_path: Path) -> None:
    """hub2 and spoke2 have no protection, spoke2 registers with hub2 only and spoke1 with hub1
    only (each still maps both hubs: one cloud): no hub-spoke pair disagrees, but the Phase 2
    spoke-to-spoke tunnel does."""
    files = clean_fleet()
    for name in ("hub2.cfg", "spoke2.cfg"):
        files[name] = edit(files[name], " tunnel protection ipsec profile DMVPN\n", "")
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip nhrp nhs 10.0.0.254\n", "")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " ip nhrp nhs 10.0.0.1\n", "")
    found = lint_files(tmp_path, files, ["DMV210"])
    message = ("spoke1 Tunnel0 protects its tunnel with IPsec and spoke2 Tunnel0 does not: the "
               "spoke-to-spoke tunnel between them never carries traffic")
    assert [(f.device, f.line, f.message) for f in found] == [
        ("spoke1", line_of(files["spoke1.cfg"], "tunnel protection"), message),
        ("spoke2", line_of(files["spoke2.cfg"], "interface Tunnel0"), message),
    ]
    assert [(r.device, r.span.line) for r in found[0].related] == [("spoke2", line_of(files["spoke2.cfg"], "interface Tunnel0"))]


def test_a_spoke_reported_against_its_hubs_is_not_reported_again_for_spoke_to_spoke(tmp_path: Path) -> None:
    files = clean_fleet(spokes=3)
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " tunnel protection ipsec profile DMVPN\n", "")
    found = lint_files(tmp_path, files, ["DMV210"])
    # spoke2 against hub1 and hub2 only: spoke1 and spoke3 agree with their hubs, and their
    # failing tunnels to spoke2 have spoke2's finding as cause
    assert sorted((f.device, f.message.split(": ")[0]) for f in found) == [
        ("spoke2", "hub1 Tunnel0 protects its tunnel with IPsec and spoke2 Tunnel0 does not"),
        ("spoke2", "hub2 Tunnel0 protects its tunnel with IPsec and spoke2 Tunnel0 does not"),
    ]


def test_missing_key_names_the_peer_once(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], f"crypto isakmp key {PSK} address 203.0.113.0 255.255.255.0",
                               f"crypto isakmp key {PSK} address 203.0.113.250")
    found = lint_files(tmp_path, files, ["DMV203"])
    assert [(f.device, f.message) for f in found] == [
        ("spoke1", f"spoke1 has no pre-shared key for 203.0.113.{n}, the address of {hub}: IKE between "
                   f"spoke1 Tunnel0 and {hub} Tunnel0 cannot authenticate")
        for n, hub in ((1, "hub1"), (254, "hub2"))
    ]


def test_wildcard_key_and_long_nhrp_string(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], "address 203.0.113.0 255.255.255.0", "address 0.0.0.0 0.0.0.0")
    files["hub1.cfg"] = edit(files["hub1.cfg"], f"ip nhrp authentication {AUTH}", "ip nhrp authentication LongerThan8")
    found = lint_files(tmp_path, files, ["DMV206", "DMV209"])
    assert hits(found, "DMV206") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "crypto isakmp key"))]
    assert hits(found, "DMV209") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "ip nhrp authentication"))]
    assert "11 characters" in [f for f in found if f.rule == "DMV209"][0].message
    # the fingerprint names the key's kind, address and mask, never its line
    assert [f.fingerprint for f in found if f.rule == "DMV206"] == [
        fingerprint("DMV206", "hub1", ("isakmp key", "0.0.0.0", "0.0.0.0"))]


def test_wildcard_key_in_a_keyring_is_named_by_its_keyring(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], f"crypto isakmp key {PSK} address 203.0.113.0 255.255.255.0",
                             f"crypto keyring SPOKES\n pre-shared-key address 0.0.0.0 key {PSK}")
    found = lint_files(tmp_path, files, ["DMV206"])
    assert hits(found, "DMV206") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "pre-shared-key address"))]
    assert [f.fingerprint for f in found] == [
        fingerprint("DMV206", "hub1", ("keyring SPOKES", "0.0.0.0", "no mask"))]


def test_a_large_fleet_with_one_crypto_config_asks_z3_once_per_question(tmp_path: Path) -> None:
    write_fleet(tmp_path, clean_fleet(spokes=60))
    fleet = load_fleet([str(tmp_path)])
    ctx = LintContext(fleet, build_topology(fleet))
    rules = load_rules()
    result = run(ctx, ALL_CHECKS, rules, select_rules(rules, ["DMV202", "DMV204", "DMV601"], None))
    assert result.findings == [] and not result.failures
    cache = proofs(ctx)
    # one IKE question, one IPsec question, one MTU question (hubs and spokes alike)
    assert cache.calls == 3
    # lookups: 62 tunnels' MTU (one negotiated SA kind each), (2 hubs x 1 spoke group) x (IKE,
    # IPsec), and DMV601's negotiated SAs: one IPsec lookup per pair of crypto signatures
    assert cache.lookups == 67


def test_no_secret_in_any_output(tmp_path: Path, capsys) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], f"crypto isakmp key {PSK}", "crypto isakmp key Sp0keOnlyKey")
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], f"ip nhrp authentication {AUTH}", "ip nhrp authentication Zq9LongAuthX")
    write_fleet(tmp_path, files)
    outputs = []
    for fmt in ("text", "json"):
        main(["lint", str(tmp_path), "--format", fmt, "--fail-on", "info"])
        outputs.append(capsys.readouterr().out)
    report = json.loads(outputs[1])
    assert {f["rule"] for f in report["findings"]} >= {"DMV102", "DMV203", "DMV209"}
    for secret in (PSK, AUTH, "Sp0keOnlyKey", "Zq9LongAuthX", "Zq9LongA"):
        assert all(secret not in out for out in outputs), secret
