"""MTU checks (DMV601-DMV603): z3 witnesses in the messages, NAT-T from the inventory."""

from __future__ import annotations

from pathlib import Path

from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files

MTU = ["DMV6"]


def test_clean_fleet_has_no_mtu_finding(tmp_path: Path) -> None:
    assert lint_files(tmp_path, clean_fleet(), MTU) == []


def test_ip_mtu_1500_gives_the_witness_and_the_largest_fit(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip mtu 1400", " ip mtu 1500")
    found = lint_files(tmp_path, files, ["DMV601"])
    assert hits(found, "DMV601") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "ip mtu"))]
    assert found[0].message == (
        "ip mtu 1500 on spoke1 Tunnel0: a 1500-byte packet becomes 1580 bytes with "
        "esp-aes 256 esp-sha256-hmac in transport mode with GRE key, over GigabitEthernet0/0 MTU "
        "1500 (default); 1430 is the largest that fits and 1431 the first that does not "
        "(the SA with hub1 Tunnel0)"
    )


def test_transport_request_falls_back_to_tunnel_mode_with_a_tunnel_only_hub(tmp_path: Path) -> None:
    """hub1 offers tunnel mode only: its SAs with every spoke are in tunnel mode although the
    spokes ask for transport; with NAT-T (spoke1 behind NAT) 1400 bytes become 1508."""
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], " mode transport\n", "")
    files["inventory.yaml"] = "devices:\n  spoke1:\n    nat: {outside: 198.51.100.2, type: static}\n"
    found = lint_files(tmp_path, files, ["DMV601", "DMV301"])
    assert [(f.rule, f.device, f.line) for f in found] == [
        ("DMV601", "hub1", line_of(files["hub1.cfg"], "ip mtu")),
        ("DMV301", "spoke1", line_of(files["spoke1.cfg"], "mode transport")),
        ("DMV601", "spoke1", line_of(files["spoke1.cfg"], "ip mtu")),
    ]
    tail = ("a 1400-byte packet becomes 1508 bytes with esp-aes 256 esp-sha256-hmac in tunnel mode with "
            "GRE key, NAT-T, over GigabitEthernet0/0 MTU 1500 (default); 1394 is the largest that fits "
            "and 1395 the first that does not")
    assert found[0].message == f"ip mtu 1400 on hub1 Tunnel0: {tail} (the SA with spoke1 Tunnel0)"
    assert found[2].message == (
        f"ip mtu 1400 on spoke1 Tunnel0: {tail} (the SA with hub1 Tunnel0: hub1 offers only tunnel "
        "mode, so the request for transport mode falls back)"
    )
    assert found[1].message == (
        f"spoke1 is behind NAT (static to 198.51.100.2, {tmp_path}/inventory.yaml:3) but transform set TS "
        f"of spoke1 Tunnel0 asks for transport mode while hub1's transform set TS ({tmp_path}/hub1.cfg:"
        f"{line_of(files['hub1.cfg'], 'transform-set TS')}) offers only tunnel mode, so the SA with hub1 "
        "Tunnel0 is in tunnel mode: NHRP learns the NAT outside address only with IPsec transport mode"
    )
    # spoke2 (not behind NAT) with hub1: tunnel mode without NAT-T is 1500 bytes and fits; with
    # spoke1: transport mode with NAT-T, 1492 bytes; hub2 asks for transport like the spokes


def test_a_spoke_that_agrees_with_no_peer_is_judged_by_its_own_mode(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "esp-aes 256 esp-sha256-hmac\n mode transport",
                               "esp-3des esp-md5-hmac")
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip mtu 1400", " ip mtu 1480")
    found = lint_files(tmp_path, files, ["DMV601"])
    assert [f.device for f in found] == ["spoke1"]
    # no SA to name: spoke1's own (tunnel-mode) set, 1418 + 8 + 20 + 2 = 1448 (a multiple of 8)
    # + ESP 8 + IV 8 + ICV 12 + IP 20 = 1496
    assert found[0].message == (
        "ip mtu 1480 on spoke1 Tunnel0: a 1480-byte packet becomes 1560 bytes with esp-3des "
        "esp-md5-hmac in tunnel mode with GRE key, over GigabitEthernet0/0 MTU 1500 (default); "
        "1418 is the largest that fits and 1419 the first that does not")


def test_tunnel_mode_with_nat_t_overflows_at_1400(tmp_path: Path) -> None:
    files = clean_fleet()
    for name in ("hub1.cfg", "hub2.cfg", "spoke1.cfg", "spoke2.cfg"):
        files[name] = edit(files[name], "esp-aes 256 esp-sha256-hmac\n mode transport", "esp-aes 256 esp-sha256-hmac\n mode tunnel")
    files["inventory.yaml"] = "devices:\n  spoke1:\n    nat: {outside: 198.51.100.2, type: static}\n"
    found = lint_files(tmp_path, files, ["DMV601"])
    # spoke1 is behind NAT; the hubs talk to it and spoke2 builds direct tunnels to it
    assert sorted(f.device for f in found) == ["hub1", "hub2", "spoke1", "spoke2"]
    message = [f.message for f in found if f.device == "spoke1"][0]
    assert "a 1400-byte packet becomes 1508 bytes with esp-aes 256 esp-sha256-hmac in tunnel mode with GRE key, NAT-T" in message
    assert "1394 is the largest that fits" in message


def test_wan_mtu_comes_from_the_tunnel_source(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "interface GigabitEthernet0/0\n", "interface GigabitEthernet0/0\n mtu 1460\n")
    found = lint_files(tmp_path, files, ["DMV601"])
    assert [f.device for f in found] == ["spoke2"]
    assert "over GigabitEthernet0/0 MTU 1460; 1382 is the largest that fits" in found[0].message


def test_mss_above_mtu_minus_40(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], "ip tcp adjust-mss 1360", "ip tcp adjust-mss 1400")
    found = lint_files(tmp_path, files, MTU)
    assert hits(found, "DMV602") == [("hub1", "hub1.cfg", line_of(files["hub1.cfg"], "adjust-mss"))]
    assert "= 1360" in found[0].message


def test_protected_tunnel_without_ip_mtu(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip mtu 1400\n", "")
    found = lint_files(tmp_path, files, MTU)
    assert hits(found, "DMV603") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "interface Tunnel0"))]
