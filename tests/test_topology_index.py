"""The topology's per-device and per-cloud indexes that the checks read instead of walking
devices again: they must say exactly what the model says."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmvpnlint.frontend import load_fleet
from dmvpnlint.topology import Cloud, Member, TunnelRef, build_topology
from tests.fleets import clean_fleet, edit
from tests.helpers import REPO, write_fleet

SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.is_dir() and any(p.glob("*.cfg")))


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_tunnels_of_lists_each_devices_dmvpn_tunnels_in_config_order(sample: Path) -> None:
    fleet = load_fleet([str(sample)])
    topology = build_topology(fleet)
    for device in fleet.devices:
        expected = [TunnelRef(device.name, i.name) for i in device.dmvpn_tunnels()]
        assert topology.tunnels_of(device.name) == expected


def test_tunnels_of_a_device_with_two_tunnels_and_of_an_unknown_device(tmp_path: Path) -> None:
    files = clean_fleet()
    files["hub1.cfg"] = edit(files["hub1.cfg"], "interface GigabitEthernet0/0\n",
                             "interface Tunnel7\n ip address 10.7.0.1 255.255.255.0\n ip nhrp network-id 7\n"
                             " tunnel source GigabitEthernet0/0\n tunnel mode gre multipoint\n tunnel key 7\n!\n"
                             "interface Tunnel8\n ip address 10.8.0.1 255.255.255.252\n"
                             " tunnel source GigabitEthernet0/0\n tunnel destination 192.0.2.8\n!\n"
                             "interface GigabitEthernet0/0\n")
    fleet = load_fleet([str(write_fleet(tmp_path, files))])
    topology = build_topology(fleet)
    assert topology.tunnels_of("hub1") == [TunnelRef("hub1", "Tunnel0"), TunnelRef("hub1", "Tunnel7")]
    assert topology.tunnels_of("spoke1") == [TunnelRef("spoke1", "Tunnel0")]
    assert topology.tunnels_of("nosuchdevice") == []


def test_cloud_hubs_and_spokes_keep_member_order_and_stay_out_of_equality() -> None:
    members = (Member("s2", "Tunnel0", "spoke"), Member("h1", "Tunnel0", "hub"),
               Member("s1", "Tunnel0", "spoke"), Member("h2", "Tunnel1", "hub"))
    cloud = Cloud("h1:Tunnel0", members)
    assert cloud.hubs == (members[1], members[3])
    assert cloud.spokes == (members[0], members[2])
    assert cloud == Cloud("h1:Tunnel0", members) and hash(cloud) == hash(Cloud("h1:Tunnel0", members))
    assert repr(cloud) == f"Cloud(id='h1:Tunnel0', members={members!r})"
