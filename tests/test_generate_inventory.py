"""The generation inventory: values read and located, every mistake reported as file:line."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from dmvpnlint.frontend.inventory import InventoryError
from dmvpnlint.generate import GenerateError, generate, load_generation_inventory
from dmvpnlint.generate.spec import NO_KEY
from tests.generate_helpers import ENV, GOLDEN_CASES, write_inventory

GOOD = """\
defaults:
  ios: "15.9(3)M6"
clouds:
  C:
    subnet: 10.0.0.0/24
    psk: env:DMVPN_PSK
devices:
  hub:
    role: hub
    wan: {interface: gi0/0, address: 192.0.2.1/24}
    clouds: [C]
  spoke:
    role: spoke
    wan: {interface: Gi0/0, address: dhcp}
    lans: [{interface: Gi0/1, address: 10.1.0.1/24}]
    clouds:
      C: {tunnel_address: 10.0.0.9}
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    return load_generation_inventory(write_inventory(tmp_path, text))


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, text)
    path = tmp_path / "inventory.yaml"
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    return message[len(str(path)) + 1:]


def test_values_and_defaults(tmp_path: Path) -> None:
    inventory = load(tmp_path, GOOD)
    cloud = inventory.clouds["C"]
    assert cloud.subnet == IPv4Network("10.0.0.0/24")
    assert (cloud.interface, cloud.phase, cloud.holdtime, cloud.ip_mtu) == ("Tunnel0", 2, 300, 1400)
    assert (cloud.ike.version, cloud.ike.encryption, cloud.ike.integrity, cloud.ike.group) == (
        1, "aes 256", "sha256", 14)
    assert cloud.network_id is None and cloud.tunnel_key is None and cloud.authentication is None
    assert str(cloud.psk) == "env:DMVPN_PSK" and cloud.psk.span.line == 6
    hub, spoke = inventory.devices["hub"], inventory.devices["spoke"]
    assert hub.wans[0].interface == "GigabitEthernet0/0"
    assert hub.facts.ios is not None and str(hub.facts.ios.value) == "15.9(3)M6"
    assert spoke.wans[0].address is None
    assert spoke.memberships[0].tunnel_address == IPv4Address("10.0.0.9")
    assert spoke.memberships[0].span.line == 17


def test_tunnel_key_none(tmp_path: Path) -> None:
    text = GOOD.replace("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/24\n    tunnel_key: none\n")
    assert load(tmp_path, text).clouds["C"].tunnel_key == NO_KEY


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    psk: env:DMVPN_PSK\n", "    psk: s3cret-in-clear\n",
     "6: psk of cloud 'C' must name an environment variable, as in 'psk: env:DMVPN_PSK' "
     "(secrets are never written in the inventory)"),
    ("    psk: env:DMVPN_PSK\n", "", "4: missing key 'psk' in cloud 'C'"),
    ("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/31\n",
     "5: subnet 10.0.0.0/31 of cloud 'C' holds no two tunnel addresses"),
    ("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/24\n    phase: 4\n",
     "6: phase 4 of cloud 'C' is outside 1-3"),
    ("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/24\n    colour: blue\n",
     "6: unknown key 'colour' in cloud 'C' (known: subnet, interface, phase, holdtime, "
     "network_id, tunnel_key, nhrp_authentication, routing, ike, psk, transform, mode, pfs, "
     "ip_mtu, bandwidth, delay, vrf, rd)"),
    ("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/24\n    routing: {protocol: ospf, as: 1}\n",
     "6: routing.protocol ospf of cloud 'C': the ios target renders eigrp and bgp only"),
    ("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/24\n    interface: Gi0/3\n",
     "6: interface GigabitEthernet0/3 of cloud 'C' is not a tunnel interface"),
    ("    clouds: [C]\n", "    clouds: [D]\n",
     "11: device 'hub' is in cloud 'D', which 'clouds:' does not define (known: C)"),
    ("    role: hub\n", "",
     "8: missing key 'role' in device 'hub' (hub | spoke)"),
    ("address: 192.0.2.1/24", "address: dhcp",
     "10: hub hub: WAN GigabitEthernet0/0 has address dhcp; spokes map a hub's NBMA address "
     "statically, so a hub needs a static one"),
    ("address: 192.0.2.1/24", "address: 192.0.2.300/24",
     "10: bad address '192.0.2.300/24' for wan.address of device 'hub' (expected e.g. "
     "192.0.2.1/24)"),
    ("    lans: [{interface: Gi0/1, address: 10.1.0.1/24}]\n",
     "    lans: [{interface: Gi0/1, address: 10.1.0.1/24, vrf: BLUE}]\n",
     "15: LAN GigabitEthernet0/1 of device 'spoke' is in VRF BLUE, which none of its clouds uses "
     "(none)"),
    ("      C: {tunnel_address: 10.0.0.9}\n", "      C: {tunnel_address: 10.0.0.9, wan: Gi0/9}\n",
     "17: cloud 'C' of device 'spoke' uses WAN GigabitEthernet0/9, which device 'spoke' does not "
     "have"),
])
def test_mistakes_are_located(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    assert error_of(tmp_path, GOOD.replace(old, new, 1)) == expected


def test_plain_text_secret_is_not_echoed(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("env:DMVPN_PSK", "s3cret-in-clear"))
    assert "s3cret" not in message


def test_phase1_with_two_hubs_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("    subnet: 10.0.0.0/24\n", "    subnet: 10.0.0.0/24\n    phase: 1\n")
    text = text.replace("  spoke:\n    role: spoke\n", "  spoke:\n    role: hub\n")
    text = text.replace("address: dhcp", "address: 192.0.2.2/24")
    assert error_of(tmp_path, text) == (
        "4: cloud 'C' is Phase 1 with hubs hub, spoke: a Phase 1 spoke's point-to-point tunnel "
        "reaches one hub; give each hub its own cloud, or use phase 2 or 3"
    )


SHARED = """\
clouds:
  A: {subnet: 10.0.0.0/24, psk: env:DMVPN_PSK, tunnel_key: none}
  B: {subnet: 10.0.1.0/24, psk: env:DMVPN_PSK}
devices:
  hub:
    role: hub
    wan: {interface: Gi0/0, address: 192.0.2.1/24}
    clouds: [A, B]
"""


def test_shared_source_without_key_is_refused(tmp_path: Path) -> None:
    assert error_of(tmp_path, SHARED) == (
        "8: device 'hub': clouds 'A' and 'B' share tunnel source GigabitEthernet0/0, so both need "
        "a tunnel key (DMV114); remove 'tunnel_key: none'"
    )


def test_shared_source_with_different_crypto_is_refused(tmp_path: Path) -> None:
    text = SHARED.replace(", tunnel_key: none", ", transform: esp-gcm 256")
    assert error_of(tmp_path, text) == (
        "8: device 'hub': clouds 'A' and 'B' share tunnel source GigabitEthernet0/0, so IOS "
        "protects them with one shared IPsec profile (DMV115); give them the same ike, psk, "
        "transform, mode and pfs"
    )


def test_shared_source_with_overlapping_subnets_is_refused(tmp_path: Path) -> None:
    text = SHARED.replace(", tunnel_key: none", "").replace("10.0.1.0/24", "10.0.0.0/24")
    assert error_of(tmp_path, text).startswith(
        "8: device 'hub': clouds 'A' and 'B' share tunnel source GigabitEthernet0/0 and "
        "overlapping tunnel subnets (10.0.0.0/24, 10.0.0.0/24)"
    )


def test_yaml_errors_come_from_the_lint_reader(tmp_path: Path) -> None:
    assert error_of(tmp_path, GOOD + "  hub:\n    role: hub\n").startswith(
        "18: duplicate key 'hub' in devices (first at line 8)")


def test_missing_environment_variable_is_explained(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, GOOD)
    with pytest.raises(GenerateError) as caught:
        generate(path, environ={})
    assert str(caught.value) == (
        f"{path}:6: psk of cloud 'C' comes from environment variable DMVPN_PSK, which is not "
        "set; export DMVPN_PSK=... before running generate"
    )
    with pytest.raises(GenerateError, match="DMVPN_PSK, which is empty"):
        generate(path, environ={"DMVPN_PSK": ""})


def test_long_nhrp_authentication_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GenerateError) as caught:
        generate(str(GOLDEN_CASES["phase1-nat-nokey"]),
                 environ={**ENV, "TEST_NHRP_AUTH": "longer-than-8"})
    assert "has 13 characters; IOS keeps 8 (DMV209)" in str(caught.value)
    assert "longer-than-8" not in str(caught.value)
