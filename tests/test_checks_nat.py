"""NAT checks (DMV301-DMV305): the inventory's `nat:` facts against the clean fleet."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmvpnlint.checks.nat import older_than
from dmvpnlint.model import Release
from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files

NAT = ["DMV3"]


def with_inventory(body: str, spokes: int = 2) -> dict[str, str]:
    files = clean_fleet(spokes)
    files["inventory.yaml"] = 'defaults:\n  ios: "15.9(3)M6"\ndevices:\n' + body
    return files


def test_static_nat_spoke_with_transport_mode_is_clean(tmp_path: Path) -> None:
    files = with_inventory("  spoke1:\n    nat: {outside: 198.51.100.2, type: static}\n")
    assert lint_files(tmp_path, files, NAT) == []


def test_tunnel_mode_behind_nat_is_dmv301(tmp_path: Path) -> None:
    files = with_inventory("  spoke1:\n    nat: {outside: 198.51.100.2, type: static}\n")
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " mode transport\n", "")
    found = lint_files(tmp_path, files, NAT)
    assert hits(found, "DMV301") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "crypto ipsec transform-set"))]
    assert "static to 198.51.100.2" in found[0].message and "transform set TS" in found[0].message


def test_two_spokes_behind_one_pat_address_is_dmv302_not_dmv305(tmp_path: Path) -> None:
    files = with_inventory(
        "  spoke1:\n    nat: {outside: 198.51.100.9, type: pat}\n"
        "  spoke2:\n    nat: {outside: 198.51.100.9, type: pat}\n"
    )
    found = lint_files(tmp_path, files, NAT)
    assert [(f.rule, f.device, Path(f.file).name, f.line) for f in found] == [
        ("DMV302", "spoke2", "inventory.yaml", 7)]


def test_same_static_outside_address_is_dmv305(tmp_path: Path) -> None:
    files = with_inventory(
        "  spoke1:\n    nat: {outside: 198.51.100.9, type: static}\n"
        "  spoke2:\n    nat: {outside: 198.51.100.9, type: static}\n"
    )
    found = lint_files(tmp_path, files, NAT)
    assert [(f.rule, f.device, f.line) for f in found] == [("DMV305", "spoke2", 7)]
    assert "same NBMA address 198.51.100.9 after NAT" in found[0].message


def test_outside_address_equal_to_another_routers_wan_is_dmv305(tmp_path: Path) -> None:
    files = with_inventory("  spoke2:\n    nat: {outside: 203.0.113.2, type: static}\n")
    found = lint_files(tmp_path, files, NAT)
    assert [(f.rule, f.device) for f in found] == [("DMV305", "spoke2")]


def test_hub_behind_pat_is_dmv303(tmp_path: Path) -> None:
    files = with_inventory("  hub1:\n    nat: {outside: 198.51.100.1, type: pat}\n")
    found = lint_files(tmp_path, files, ["DMV303"])
    assert [(f.rule, f.device, f.line) for f in found] == [("DMV303", "hub1", 5)]
    assert "the translation is pat, not static NAT" in found[0].message


def test_dmv303_and_dmv304_name_devices_called_hub_and_spoke_once(tmp_path: Path) -> None:
    """A hub named `hub` is "hub Tunnel0 is a hub", not "hub hub Tunnel0"."""
    files = with_inventory(
        "  hub:\n    nat: {outside: 198.51.100.1, type: pat}\n"
        "  spoke:\n    ios: \"12.4(4)T\"\n    nat: {outside: 198.51.100.2, type: static}\n"
    )
    files["hub.cfg"] = files.pop("hub1.cfg").replace("hostname hub1", "hostname hub")
    files["spoke.cfg"] = files.pop("spoke1.cfg").replace("hostname spoke1", "hostname spoke")
    found = lint_files(tmp_path, files, ["DMV303", "DMV304"])
    assert [(f.rule, f.device, f.message) for f in found] == [
        ("DMV303", "hub", "hub Tunnel0 is a hub behind NAT (outside 198.51.100.1) but the "
                          "translation is pat, not static NAT"),
        ("DMV304", "spoke", "spoke Tunnel0 is a spoke behind NAT and runs 12.4(4)T, older than "
                            "12.4(6)T: it builds no spoke-to-spoke tunnels, all its traffic goes through the hub"),
    ]


def test_hub_behind_nat_gets_tunnel_mode_from_a_tunnel_only_spoke(tmp_path: Path) -> None:
    """hub1 asks for transport mode, spoke2 offers only tunnel mode: their SA is in tunnel mode,
    so hub1 (behind static NAT) has DMV301 and DMV303 says why. spoke1 is behind NAT too but
    runs 12.4(4)T: it builds no spoke-to-spoke SA with spoke2 (DMV304), so no DMV301."""
    files = with_inventory(
        "  hub1:\n    nat: {outside: 198.51.100.1, type: static}\n"
        "  spoke1:\n    ios: \"12.4(4)T\"\n    nat: {outside: 198.51.100.2, type: static}\n"
    )
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " mode transport\n", "")
    found = lint_files(tmp_path, files, ["DMV301", "DMV303", "DMV304"])
    assert [(f.rule, f.device, f.line) for f in found] == [
        ("DMV301", "hub1", line_of(files["hub1.cfg"], "mode transport")),
        ("DMV303", "hub1", 5),
        ("DMV304", "spoke1", 8),
    ]
    spoke2_ts = f"{tmp_path}/spoke2.cfg:{line_of(files['spoke2.cfg'], 'transform-set TS')}"
    assert found[0].message == (
        f"hub1 is behind NAT (static to 198.51.100.1, {tmp_path}/inventory.yaml:5) but transform set "
        f"TS of hub1 Tunnel0 asks for transport mode while spoke2's transform set TS ({spoke2_ts}) "
        "offers only tunnel mode, so the SA with spoke2 Tunnel0 is in tunnel mode: NHRP learns the "
        "NAT outside address only with IPsec transport mode"
    )
    assert found[0].hint == "add 'mode transport' to transform set TS of spoke2"
    assert found[1].message == (
        "hub1 Tunnel0 is a hub behind NAT (outside 198.51.100.1) but transform set TS asks for "
        f"transport mode while spoke2's transform set TS ({spoke2_ts}) offers only tunnel mode, so "
        "the SA with spoke2 Tunnel0 is in tunnel mode"
    )


def test_old_member_with_hub_behind_static_nat_is_dmv303(tmp_path: Path) -> None:
    files = with_inventory(
        "  hub1:\n    nat: {outside: 198.51.100.1, type: static}\n  spoke2:\n    ios: \"12.3(8)T\"\n"
    )
    found = lint_files(tmp_path, files, ["DMV303"])
    assert [f.device for f in found] == ["hub1"]
    assert "spoke2 runs 12.3(8)T, older than 12.3(9a)/12.3(11)T" in found[0].message


def test_old_spoke_behind_nat_is_dmv304(tmp_path: Path) -> None:
    files = with_inventory("  spoke1:\n    ios: \"12.4(4)T\"\n    nat: {outside: 198.51.100.2, type: static}\n")
    found = lint_files(tmp_path, files, ["DMV304"])
    assert [(f.rule, f.device, f.line) for f in found] == [("DMV304", "spoke1", 6)]


def test_without_inventory_nat_rules_are_silent(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " mode transport\n", "")
    assert lint_files(tmp_path, files, NAT) == []


@pytest.mark.parametrize(("text", "older"), [
    ("12.3(9)", True), ("12.3(9a)", False), ("12.3(8)T", True), ("12.3(11)T", False),
    ("12.4(1)", False), ("12.2(18)SXF", True), ("15.1(4)M", False), ("17.3.1", False),
])
def test_hub_nat_release_comparison(text: str, older: bool) -> None:
    assert older_than(Release.parse(text), (12, 3, 9, "a"), (12, 3, 11, "")) is older


@pytest.mark.parametrize(("text", "older"), [
    ("12.4(4)T", True), ("12.4(6)T", False), ("12.4(15)", True), ("12.3(14)T", True), ("15.0(1)M", False),
])
def test_spoke_to_spoke_nat_release_comparison(text: str, older: bool) -> None:
    assert older_than(Release.parse(text), (12, 5, 0, ""), (12, 4, 6, "")) is older
