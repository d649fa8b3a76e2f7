"""Real configs nobody here wrote (`../shared/corpus`): every file loads, DMVPN ones give tunnels."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from dmvpnlint.frontend import InputError, load_fleet
from dmvpnlint.model import Device

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not beside the repository ({CORPUS})"
)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[-60:])
def test_every_corpus_file_loads_without_an_exception(path: Path) -> None:
    try:
        fleet = load_fleet([str(path)])
    except InputError as error:  # a file that is no IOS config at all (SOURCE.md, show output)
        assert str(path) in str(error)
        return
    assert len(fleet.devices) == 1
    assert fleet.devices[0].file == str(path)


def test_show_output_is_reported_as_not_a_config() -> None:
    path = CORPUS / "realworld" / "show" / "networktocode__ntc-templates" / (
        "tests__cisco_ios__show_dmvpn__cisco_ios_show_dmvpn.raw"
    )
    with pytest.raises(InputError) as error:
        load_fleet([str(path)])
    assert str(error.value) == (
        f"no readable IOS configuration: {path}: no IOS command found, not an IOS configuration"
    )


def load(relative: str) -> Device:
    (device,) = load_fleet([str(CORPUS / "realworld" / relative)]).devices
    return device


def nhs(device: Device, tunnel: str) -> list[tuple[str, str | None, int]]:
    nhrp = device.interfaces[tunnel].nhrp
    assert nhrp is not None
    return [(str(n.address), n.nbma and str(n.nbma), n.span.line) for n in nhrp.nhs]


def network_id(device: Device, tunnel: str) -> tuple[int, int]:
    nhrp = device.interfaces[tunnel].nhrp
    assert nhrp is not None and nhrp.network_id is not None
    return nhrp.network_id.value, nhrp.network_id.span.line


def test_ksnam97_markdown_script_spoke() -> None:
    """A Markdown file holding a config-mode script with abbreviations and Korean comments."""
    branch = load("KSNAM97__cisco-dmvpn-ipsec-network/configs__Branch__BRANCH1.md")
    assert branch.name == "Branch1"
    assert [i.name for i in branch.dmvpn_tunnels()] == ["Tunnel0"]
    tu = branch.interfaces["Tunnel0"]
    assert network_id(branch, "Tunnel0") == (100, 61)
    assert nhs(branch, "Tunnel0") == [("172.16.0.1", None, 64), ("172.16.0.2", None, 67)]
    assert tu.address is not None and str(tu.address.value) == "172.16.0.11/24"  # `ip add`
    assert tu.tunnel is not None and tu.tunnel.source is not None
    assert tu.tunnel.source.value == "FastEthernet0/0"  # `tunnel source fa0/0`
    assert tu.tunnel.key is not None and tu.tunnel.key.value == 100  # inline `!` comment dropped
    assert tu.nat is not None and tu.nat.value == "inside"  # `int tu0` entered again later
    assert branch.notes == ()


def test_ksnam97_hub_has_two_clouds() -> None:
    hub = load("KSNAM97__cisco-dmvpn-ipsec-network/configs__HQ-Router__HQ-EDGE-1.md")
    assert hub.name == "HQ-Edge1"
    assert [i.name for i in hub.dmvpn_tunnels()] == ["Tunnel0", "Tunnel1"]
    assert network_id(hub, "Tunnel0")[0] == 100
    assert network_id(hub, "Tunnel1")[0] == 200
    assert nhs(hub, "Tunnel0") == []


def test_abdelrahman_running_config_spoke() -> None:
    spoke = load("abdelrahman0x01__Multi-Site-Enterprise-Network-with-DMVPN/configs__B1-EDGE-R1.txt")
    assert spoke.name == "B1-EDGE-R1"
    assert network_id(spoke, "Tunnel0")[0] == 123
    assert nhs(spoke, "Tunnel0") == [("10.10.10.1", None, 187)]
    nhrp = spoke.interfaces["Tunnel0"].nhrp
    assert nhrp is not None
    assert [(str(m.tunnel_ip), str(m.nbma)) for m in nhrp.maps] == [("10.10.10.1", "1.1.1.1")]
    assert spoke.version is not None and spoke.version.value == "17.3"
    assert spoke.notes == ()


def test_carlbuchmann_dual_cloud_branch() -> None:
    branch = load("carlbuchmann__ansible/network-lab__configurations__wan__branch1-wan.cfg")
    assert [i.name for i in branch.dmvpn_tunnels()] == ["Tunnel10", "Tunnel11"]
    assert network_id(branch, "Tunnel10")[0] == 101
    assert network_id(branch, "Tunnel11")[0] == 102
    assert nhs(branch, "Tunnel10") == [("172.16.101.1", "10.255.20.2", 82)]
    assert nhs(branch, "Tunnel11") == [("172.16.102.1", "192.168.20.2", 105)]
    first = branch.interfaces["Tunnel10"].nhrp.nhs[0]  # type: ignore[union-attr]
    assert first.multicast is True  # `ip nhrp nhs 172.16.101.1 nbma 10.255.20.2 multicast`
    assert branch.interfaces["Tunnel10"].tunnel.protection.profile == "DMVPN-IPSEC-PROFILE"  # type: ignore[union-attr]


def test_batfish_utf16_config_is_read() -> None:
    path = CORPUS / "batfish" / (
        "projects__batfish__src__test__resources__org__batfish__grammar__cisco__testconfigs__ios-unicode"
    )
    (device,) = load_fleet([str(path)]).devices
    assert device.name == "ios-unicode"
    address = device.interfaces["GigabitEthernet0/0"].address
    assert address is not None and address.value.ip == IPv4Address("10.0.0.1")
