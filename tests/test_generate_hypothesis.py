"""Hypothesis: any valid inventory of a few clouds, hubs and spokes (some on DHCP, some behind
PAT, in VRFs or not, any phase, IKE version and routing) generates configs that lint
without errors, with unique tunnel addresses inside each cloud's subnet, and a spoke added
later never moves the others."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from ipaddress import IPv4Network
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmvpnlint.engine import Severity
from dmvpnlint.generate import generate, write_output
from tests.generate_helpers import ENV


@dataclass(frozen=True)
class Shape:
    clouds: int
    vrf: bool
    phase: int
    hubs: int
    spokes: tuple[tuple[int, bool, bool], ...]  # (cloud index, dhcp WAN, behind PAT)
    ike: int
    routing: str
    xe: bool


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    phase = draw(st.sampled_from([1, 2, 3]))
    clouds = draw(st.integers(1, 2))
    hubs = 1 if phase == 1 else draw(st.integers(1, 2))
    spokes = tuple(draw(st.lists(
        st.tuples(st.integers(0, clouds - 1), st.booleans(), st.booleans()),
        min_size=1, max_size=5)))
    return Shape(clouds, draw(st.booleans()), phase, hubs, spokes,
                 draw(st.sampled_from([1, 2])), draw(st.sampled_from(["eigrp", "bgp", "none"])),
                 draw(st.booleans()))


def inventory_text(shape: Shape, extra_spoke: bool = False) -> str:
    release = "17.9.4" if shape.xe else "15.9(3)M6"
    lines = [f'defaults:\n  ios: "{release}"\nclouds:']
    for c in range(shape.clouds):
        lines.append(f"  C{c}:\n    subnet: 10.{c}.0.0/24\n    phase: {shape.phase}\n"
                     f"    ike: {{version: {shape.ike}}}\n    psk: env:DMVPN_PSK")
        if shape.vrf:
            lines.append(f"    vrf: V{c}")
        if shape.routing != "none":
            lines.append(f"    routing: {{protocol: {shape.routing}, as: 65001}}")
    lines.append("devices:")
    members = ", ".join(f"C{c}" for c in range(shape.clouds))
    for h in range(shape.hubs):
        lines.append(f"  hub{h}:\n    role: hub\n"
                     f"    wan: {{interface: Gi0/0, address: 192.0.2.{h + 1}/24}}\n"
                     f"    lans: [{{interface: Gi0/1, address: 172.16.{h}.1/24"
                     + (", vrf: V0" if shape.vrf else "") + "}]\n"
                     f"    clouds: [{members}]")
    spokes = list(shape.spokes) + ([(0, False, False)] if extra_spoke else [])
    for i, (cloud, dhcp, nat) in enumerate(spokes):
        wan = "dhcp" if dhcp else f"198.51.100.{i + 1}/24"
        vrf = f", vrf: V{cloud}" if shape.vrf else ""
        if nat and not dhcp:
            lines.append(f"  s{i}:\n    nat: {{outside: 203.0.113.{i + 1}, type: pat}}")
        else:
            lines.append(f"  s{i}:")
        lines.append(f"    role: spoke\n    wan: {{interface: Gi0/0, address: {wan}}}\n"
                     f"    lans: [{{interface: Gi0/1, address: 172.17.{i}.1/24{vrf}}}]\n"
                     f"    clouds: [C{cloud}]")
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes())
def test_generated_inventories_round_trip_and_allocate_stably(shape: Shape) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "inventory.yaml"
        path.write_text(inventory_text(shape), encoding="utf-8")
        out = folder / "out"
        result = generate(str(path), out_dir=str(out), environ=ENV)

        assert not result.verification.failures
        assert result.errors == (), [f.message for f in result.errors]
        allowed = {"DMV117"} if shape.hubs == 1 else set()
        if any(dhcp for _, dhcp, _ in shape.spokes):
            allowed.add("DMV206")
        warnings = {f.rule for f in result.findings if f.severity is Severity.WARNING}
        assert warnings <= allowed, [f.message for f in result.findings]
        assert not [f for f in result.findings if f.rule in ("DMV001", "DMV002", "DMV003")]
        for name, cloud in result.inventory.clouds.items():
            values = [a.value for a in result.allocations[name].addresses.values()]
            assert len(set(values)) == len(values)
            assert all(v in IPv4Network(cloud.subnet) for v in values)
        if shape.clouds == 2:
            ids = {result.allocations[c].network_id.value for c in ("C0", "C1")}
            assert len(ids) == 2

        write_output(result, str(out))
        path.write_text(inventory_text(shape, extra_spoke=True), encoding="utf-8")
        again = generate(str(path), out_dir=str(out), environ=ENV)
        for name, allocation in result.allocations.items():
            for device, address in allocation.addresses.items():
                assert again.allocations[name].addresses[device].value == address.value
            assert again.allocations[name].network_id.value == allocation.network_id.value
            assert again.allocations[name].tunnel_key.value == allocation.tunnel_key.value
