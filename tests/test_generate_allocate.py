"""Allocation: pinned values honoured, earlier values kept, impossible requests explained."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from dmvpnlint.generate import GenerateError, generate, write_output
from dmvpnlint.generate.allocate import _free_addresses, is_c6500
from tests.generate_helpers import ENV, write_inventory

HEAD = """\
clouds:
  C:
    subnet: {subnet}
    routing: {{protocol: eigrp, as: 1}}
    psk: env:DMVPN_PSK
devices:
  hub:
    role: hub
    wan: {{interface: Gi0/0, address: 192.0.2.1/24}}
    clouds:
      C: {{tunnel_address: {hub}}}
"""
SPOKE = """\
  {name}:
    role: spoke
    wan: {{interface: Gi0/0, address: 192.0.2.{n}/24}}
    clouds: {clouds}
"""


def inventory(spokes: list[str], subnet: str = "10.0.0.0/24", hub: str = "10.0.0.1",
              pins: dict[str, str] | None = None) -> str:
    pins = pins or {}
    text = HEAD.format(subnet=subnet, hub=hub)
    for i, name in enumerate(spokes):
        clouds = f"{{C: {{tunnel_address: {pins[name]}}}}}" if name in pins else "[C]"
        text += SPOKE.format(name=name, n=10 + i, clouds=clouds)
    return text


def addresses(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {d: str(a.value) for d, a in result.allocations["C"].addresses.items()}


def test_pinned_first_then_lowest_free_in_inventory_order(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, inventory(["a", "b", "c"], pins={"b": "10.0.0.2"}))
    result = generate(path, environ=ENV)
    assert addresses(result) == {"hub": "10.0.0.1", "a": "10.0.0.3", "b": "10.0.0.2",
                                 "c": "10.0.0.4"}
    sources = {d: a.source for d, a in result.allocations["C"].addresses.items()}
    assert sources == {"hub": "inventory", "a": "allocated", "b": "inventory", "c": "allocated"}


def test_adding_a_spoke_keeps_every_earlier_assignment(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = generate(write_inventory(tmp_path / "v1", inventory(["b", "d", "f"])),
                     out_dir=str(out), environ=ENV)
    write_output(first, str(out))
    assert addresses(first) == {"hub": "10.0.0.1", "b": "10.0.0.2", "d": "10.0.0.3",
                                "f": "10.0.0.4"}
    # a new spoke inserted at the top of the inventory would take 10.0.0.2 in a fresh run;
    # with the previous allocation.yaml in the output folder nobody moves
    second = generate(write_inventory(tmp_path / "v2", inventory(["a", "b", "d", "f"])),
                      out_dir=str(out), environ=ENV)
    assert addresses(second) == {"hub": "10.0.0.1", "a": "10.0.0.5", "b": "10.0.0.2",
                                 "d": "10.0.0.3", "f": "10.0.0.4"}
    sources = {d: a.source for d, a in second.allocations["C"].addresses.items()}
    assert sources == {"hub": "inventory", "a": "allocated", "b": "kept", "d": "kept",
                       "f": "kept"}
    assert second.allocations["C"].network_id.source == "kept"
    # and removing one keeps the others too; its address stays free
    write_output(second, str(out))
    third = generate(write_inventory(tmp_path / "v3", inventory(["a", "d", "f"])),
                     out_dir=str(out), environ=ENV)
    assert addresses(third) == {"hub": "10.0.0.1", "a": "10.0.0.5", "d": "10.0.0.3",
                                "f": "10.0.0.4"}
    # writing it removes b's stale config, and only that
    (out / "notes.txt").write_text("mine")
    write_output(third, str(out))
    assert sorted(p.name for p in out.iterdir()) == [
        "a.cfg", "allocation.yaml", "d.cfg", "f.cfg", "hub.cfg", "inventory.yaml", "notes.txt"]


def test_same_inventory_same_output(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, inventory(["a", "b"]))
    assert generate(path, environ=ENV).files == generate(path, environ=ENV).files


def test_a_pin_wins_over_a_kept_address(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = generate(write_inventory(tmp_path / "v1", inventory(["a", "b"])), out_dir=str(out),
                     environ=ENV)
    write_output(first, str(out))
    assert addresses(first)["a"] == "10.0.0.2"
    second = generate(write_inventory(tmp_path / "v2", inventory(["a", "b"], pins={"b": "10.0.0.2"})),
                      out_dir=str(out), environ=ENV)
    # a loses 10.0.0.2 to the pin and takes the lowest free address: the one b left
    assert addresses(second) == {"hub": "10.0.0.1", "a": "10.0.0.3", "b": "10.0.0.2"}


def test_two_pinned_addresses_that_collide_are_explained(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, inventory(["a", "b"], pins={"a": "10.0.0.7", "b": "10.0.0.7"}))
    with pytest.raises(GenerateError) as caught:
        generate(path, environ=ENV)
    assert str(caught.value) == (
        "cannot allocate tunnel addresses in cloud 'C' (10.0.0.0/24): "
        f"{path}:15: a pins 10.0.0.7 in cloud 'C'; {path}:19: b pins 10.0.0.7 in cloud 'C'; "
        "a and b need different tunnel addresses in cloud 'C'"
    )


def test_a_pin_outside_the_subnet_is_explained(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, inventory(["a"], pins={"a": "10.0.0.255"}))
    with pytest.raises(GenerateError) as caught:
        generate(path, environ=ENV)
    assert str(caught.value) == (
        "cannot allocate tunnel addresses in cloud 'C' (10.0.0.0/24): "
        f"{path}:15: a pins 10.0.0.255 in cloud 'C'; "
        "the host addresses of cloud 'C' (10.0.0.0/24) are 10.0.0.1-10.0.0.254"
    )


def test_more_members_than_the_subnet_holds_is_explained(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, inventory(["a", "b", "c", "d", "e", "f", "g"],
                                               subnet="10.0.0.0/29"))
    with pytest.raises(GenerateError) as caught:
        generate(path, environ=ENV)
    assert str(caught.value) == (
        "cannot allocate tunnel addresses in cloud 'C' (10.0.0.0/29): cloud 'C' (10.0.0.0/29) "
        "has 6 host addresses (10.0.0.1-10.0.0.6); 1 are pinned or kept and 7 more members "
        "need one (a, b, c, d, e and 2 more): 2 too many; use a larger subnet"
    )


def test_full_subnet_is_possible(tmp_path: Path) -> None:
    path = write_inventory(tmp_path, inventory(["a", "b", "c", "d", "e"], subnet="10.0.0.0/29"))
    assert sorted(addresses(generate(path, environ=ENV)).values()) == [
        f"10.0.0.{i}" for i in range(1, 7)]


TWO_CLOUDS = """\
clouds:
  A: {{subnet: 10.0.0.0/24, psk: env:DMVPN_PSK{a}}}
  B: {{subnet: 10.0.1.0/24, psk: env:DMVPN_PSK{b}}}
devices:
  hub:
    role: hub
    wan: {{interface: Gi0/0, address: 192.0.2.1/24}}
    clouds: [A, B]
  s1:
    role: spoke
    wan: {{interface: Gi0/0, address: 192.0.2.11/24}}
    clouds: [A]
  s2:
    role: spoke
    wan: {{interface: Gi0/0, address: 192.0.2.12/24}}
    clouds: [B]
"""


def test_clouds_sharing_a_hub_get_distinct_identities(tmp_path: Path) -> None:
    result = generate(write_inventory(tmp_path, TWO_CLOUDS.format(a="", b="")), environ=ENV)
    assert [result.allocations[c].network_id.value for c in "AB"] == [100, 101]
    assert [result.allocations[c].tunnel_key.value for c in "AB"] == [100, 101]
    hub = result.files["hub.cfg"]
    assert hub.count("tunnel protection ipsec profile DMVPN-PROFILE shared") == 2
    auth = [line for line in hub.splitlines() if "nhrp authentication" in line]
    assert len(auth) == 2 and auth[0] != auth[1]
    assert result.errors == ()


def test_one_network_id_on_a_shared_hub_is_explained(tmp_path: Path) -> None:
    text = TWO_CLOUDS.format(a=", network_id: 7", b=", network_id: 7")
    path = write_inventory(tmp_path, text)
    with pytest.raises(GenerateError) as caught:
        generate(path, environ=ENV)
    assert str(caught.value) == (
        f"cannot give the clouds distinct identities: {path}:2: cloud 'A' sets network_id 7; "
        f"{path}:3: cloud 'B' sets network_id 7; clouds 'A' and 'B' share device hub, so their "
        "network-ids must differ (DMV116)"
    )


def test_one_authentication_variable_on_a_shared_hub_is_explained(tmp_path: Path) -> None:
    text = TWO_CLOUDS.format(a=", nhrp_authentication: env:TEST_NHRP_AUTH",
                             b=", nhrp_authentication: env:TEST_NHRP_AUTH")
    with pytest.raises(GenerateError) as caught:
        generate(write_inventory(tmp_path, text), environ=ENV)
    assert str(caught.value) == (
        "cannot give the clouds distinct identities: cloud 'A' takes its NHRP authentication "
        "from env:TEST_NHRP_AUTH; cloud 'B' takes its NHRP authentication from "
        "env:TEST_NHRP_AUTH; clouds 'A' and 'B' share device hub, so their NHRP authentication "
        "strings must differ (DMV116)"
    )
    assert "nhrpT3st" not in str(caught.value)


def test_one_tunnel_key_on_a_shared_source_is_explained(tmp_path: Path) -> None:
    text = TWO_CLOUDS.format(a=", tunnel_key: 5", b=", tunnel_key: 5")
    with pytest.raises(GenerateError, match=r"clouds 'A' and 'B' share a tunnel source on hub, "
                       r"so their tunnel keys must differ \(DMV114\)"):
        generate(write_inventory(tmp_path, text), environ=ENV)


def test_c6500_clouds_get_no_tunnel_key(tmp_path: Path) -> None:
    text = inventory(["a"]).replace("    role: hub\n", "    role: hub\n    platform: WS-C6509\n")
    result = generate(write_inventory(tmp_path, text), environ=ENV)
    assert result.allocations["C"].tunnel_key.value is None
    assert "tunnel key" not in result.files["hub.cfg"]
    assert is_c6500("cat7600") and is_c6500("7606") and not is_c6500("isr4451")


def test_free_addresses_skip_fixed_ones() -> None:
    assert _free_addresses(4, 1, [1, 2, 4]) == [3, 5, 6, 7]
    assert _free_addresses(2, 10, []) == [10, 11]
    assert _free_addresses(2, 10, [3, 11, 40]) == [10, 12]
    assert _free_addresses(0, 10, [10]) == []
    assert [IPv4Address(a) for a in _free_addresses(1, int(IPv4Address("10.0.0.1")),
            [int(IPv4Address("10.0.0.1"))])] == [IPv4Address("10.0.0.2")]


SEPARATE_SOURCES = """\
clouds:
  BLUE: {subnet: 10.0.0.0/24, vrf: BLUE, tunnel_key: none, psk: env:DMVPN_PSK}
  RED: {subnet: 10.0.0.0/24, vrf: RED, tunnel_key: none, psk: env:DMVPN_PSK}
devices:
  hub:
    role: hub
    wan:
      - {interface: Ethernet0, address: 172.17.0.1/24}
      - {interface: Ethernet1, address: 192.0.2.171/24}
    clouds:
      BLUE: {tunnel_address: 10.0.0.1, wan: Ethernet0}
      RED: {tunnel_address: 10.0.0.1, wan: Ethernet1}
  s1:
    role: spoke
    wan: {interface: Ethernet0, address: 172.17.0.2/24}
    clouds: [BLUE]
  s2:
    role: spoke
    wan: {interface: Ethernet0, address: 192.0.2.2/24}
    clouds: [RED]
"""


def test_guide_vrf_design_with_a_wan_per_cloud(tmp_path: Path) -> None:
    """The guide's VRF-aware hub: one WAN interface per VRF cloud, one subnet reused, no key,
    no `shared` (the tunnels do not share a source)."""
    result = generate(write_inventory(tmp_path, SEPARATE_SOURCES), environ=ENV)
    assert result.errors == ()
    hub = result.files["hub.cfg"]
    assert " tunnel source Ethernet0\n" in hub and " tunnel source Ethernet1\n" in hub
    assert "shared" not in hub and "tunnel key" not in hub
    assert " ip nhrp map 10.0.0.1 192.0.2.171\n" in result.files["s2.cfg"]
    assert [result.allocations[c].network_id.value for c in ("BLUE", "RED")] == [100, 101]


def test_a_changed_subnet_renumbers_and_a_bad_summary_is_explained(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = generate(write_inventory(tmp_path / "v1", inventory(["a"])), out_dir=str(out),
                     environ=ENV)
    write_output(first, str(out))
    moved = generate(write_inventory(tmp_path / "v2", inventory(["a"], subnet="10.9.0.0/24",
                                                                hub="10.9.0.1")),
                     out_dir=str(out), environ=ENV)
    assert addresses(moved) == {"hub": "10.9.0.1", "a": "10.9.0.2"}
    assert moved.allocations["C"].addresses["a"].source == "allocated"
    (out / "allocation.yaml").write_text("version: 7\n")
    with pytest.raises(GenerateError) as caught:
        generate(write_inventory(tmp_path / "v2", inventory(["a"])), out_dir=str(out),
                 environ=ENV)
    assert str(caught.value) == (
        f"{out / 'allocation.yaml'}: cannot read the previous allocation (version 7, expected 1);"
        " fix or delete it to allocate anew"
    )
