"""The runner's preconditions (`@check(..., needs=...)`): which tunnels and devices a check is
called for, and that declaring them never changes what the rules find."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from dmvpnlint.checks import ALL_CHECKS
from dmvpnlint.engine import load_rules
from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import Check, check
from dmvpnlint.engine.runner import LintContext, run
from dmvpnlint.frontend import load_fleet
from dmvpnlint.model import Device, Interface
from dmvpnlint.topology import build_topology
from tests.fleets import clean_fleet, edit
from tests.helpers import REPO, write_fleet

SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.is_dir() and any(p.glob("*.cfg")))


def test_an_unknown_precondition_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match=r"DMV999: unknown precondition\(s\) \['hubs'\] for interface scope"):
        check("DMV999", Scope.INTERFACE, needs=("hubs",))
    with pytest.raises(ValueError, match=r"\['spoke'\] for device scope"):
        check("DMV999", Scope.DEVICE, needs=("spoke",))
    with pytest.raises(ValueError, match=r"for cloud scope"):
        check("DMV999", Scope.CLOUD, needs=("dmvpn",))


def _recorder(calls: list[tuple[str, ...]], label: str, scope: Scope) -> object:
    if scope is Scope.DEVICE:
        def on_device(ctx: LintContext, device: Device) -> Iterator[Hit]:
            calls.append((label, device.name))
            return iter(())
        return on_device

    def on_interface(ctx: LintContext, device: Device, interface: Interface) -> Iterator[Hit]:
        calls.append((label, device.name, interface.name))
        return iter(())
    return on_interface


def test_a_check_is_called_only_where_its_preconditions_hold(tmp_path: Path) -> None:
    files = clean_fleet()
    # spoke1 also has a plain point-to-point GRE tunnel (not DMVPN, not protected) and a
    # physical interface; spoke2's DMVPN tunnel loses its protection
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "interface GigabitEthernet0/0\n",
                               "interface Tunnel9\n ip address 172.16.0.1 255.255.255.252\n"
                               " tunnel source GigabitEthernet0/0\n tunnel destination 198.51.100.7\n!\n"
                               "interface GigabitEthernet0/0\n")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " tunnel protection ipsec profile DMVPN\n", "")
    write_fleet(tmp_path, files)
    fleet = load_fleet([str(tmp_path)])
    calls: list[tuple[str, ...]] = []
    probes = [
        ("any", Scope.INTERFACE, ()),
        ("dmvpn", Scope.INTERFACE, ("dmvpn",)),
        ("hub", Scope.INTERFACE, ("hub",)),
        ("spoke", Scope.INTERFACE, ("spoke",)),
        ("protected-spoke", Scope.INTERFACE, ("spoke", "protected")),
        ("nat", Scope.INTERFACE, ("nat",)),
        ("device", Scope.DEVICE, ()),
        ("dmvpn-device", Scope.DEVICE, ("dmvpn",)),
        ("nat-device", Scope.DEVICE, ("nat",)),
    ]
    rules = load_rules()
    checks = [
        Check("DMV101", scope, _recorder(calls, label, scope), frozenset(needs))  # type: ignore[arg-type]
        for label, scope, needs in probes
    ]
    result = run(LintContext(fleet, build_topology(fleet)), checks, rules, {"DMV101"})
    assert result.findings == [] and result.failures == []
    by_label: dict[str, list[tuple[str, ...]]] = {}
    for label, *where in calls:
        by_label.setdefault(label, []).append(tuple(where))
    tunnels = [("hub1", "Tunnel0"), ("hub2", "Tunnel0"), ("spoke1", "Tunnel0"), ("spoke1", "Tunnel9"),
               ("spoke2", "Tunnel0")]
    assert sorted(by_label["any"]) == tunnels
    assert sorted(by_label["dmvpn"]) == [t for t in tunnels if t != ("spoke1", "Tunnel9")]
    assert sorted(by_label["hub"]) == [("hub1", "Tunnel0"), ("hub2", "Tunnel0")]
    assert sorted(by_label["spoke"]) == [("spoke1", "Tunnel0"), ("spoke2", "Tunnel0")]
    assert by_label["protected-spoke"] == [("spoke1", "Tunnel0")]
    assert "nat" not in by_label and "nat-device" not in by_label
    devices = [("hub1",), ("hub2",), ("spoke1",), ("spoke2",)]
    assert sorted(by_label["device"]) == devices
    assert sorted(by_label["dmvpn-device"]) == devices


def test_nat_preconditions_follow_the_inventory() -> None:
    fleet = load_fleet([str(REPO / "samples" / "broken-nat")])
    natted = sorted(d.name for d in fleet.devices if d.inventory.nat is not None)
    assert natted  # the sample puts devices behind NAT
    calls: list[tuple[str, ...]] = []
    checks = [
        Check("DMV101", Scope.DEVICE, _recorder(calls, "nat-device", Scope.DEVICE), frozenset({"nat"})),  # type: ignore[arg-type]
    ]
    run(LintContext(fleet, build_topology(fleet)), checks, load_rules(), {"DMV101"})
    assert sorted(name for _, name in calls) == natted


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_preconditions_never_change_the_findings(sample: Path) -> None:
    """Each declared precondition only spares calls that would find nothing: the same run with
    every `needs` removed finds exactly the same (the sample fleets break every rule family)."""
    assert any(c.needs for c in ALL_CHECKS)
    fleet = load_fleet([str(sample)])
    topology = build_topology(fleet)
    rules = load_rules()
    selected = set(rules)
    declared = run(LintContext(fleet, topology), ALL_CHECKS, rules, selected)
    unguarded = [dataclasses.replace(c, needs=frozenset()) for c in ALL_CHECKS]
    everywhere = run(LintContext(fleet, topology), unguarded, rules, selected)
    assert declared.failures == [] and everywhere.failures == []
    assert declared.findings == everywhere.findings
