"""The inventory loader: located facts, defaults, and one exact located error per mistake."""

from __future__ import annotations

import os
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmvpnlint.frontend.inventory import Inventory, InventoryError, load_inventory
from dmvpnlint.model import L, NatFacts, Release, Span

GOOD = """\
defaults:
  platform: " isr4451 "
  ios: "15.9(3)M6"
devices:
  hub1:
    config: hub1.cfg
    role: hub
    platform: 6500
    supervisor: sup720
    ios: "12.2(18)SXF"
  spoke1:
    config: branches/spoke1.cfg
    role: spoke
    nat:
      outside: 198.51.100.7
      type: pat
  spoke2:
  spoke3:
    role: spoke
    platform: ~
clouds:
  dmvpn1: {hubs: [hub1], network-id: 100}
"""


def write(tmp_path: Path, text: str | bytes, name: str = "inventory.yaml") -> str:
    """Write the inventory and return its name relative to tmp_path (the test's cwd)."""
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return name


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(in_tmp: Path, text: str | bytes) -> Inventory:
    return load_inventory(write(in_tmp, text))


def error_of(in_tmp: Path, text: str | bytes) -> str:
    with pytest.raises(InventoryError) as info:
        load(in_tmp, text)
    return str(info.value)


# --- good inventories ---------------------------------------------------------------------


def test_device_facts_are_located_at_their_lines(in_tmp: Path) -> None:
    inventory = load(in_tmp, GOOD)
    span = lambda line: Span("inventory.yaml", line)  # noqa: E731
    hub = inventory.devices["hub1"]
    assert hub.name == "hub1"
    assert hub.span == span(5)
    assert hub.config == "hub1.cfg"
    assert hub.config_span == span(6)
    assert hub.facts.role == L("hub", span(7))
    assert hub.facts.platform == L("6500", span(8))  # as written, aliases are not resolved
    assert hub.facts.supervisor == L("sup720", span(9))
    assert hub.facts.ios == L(Release.parse("12.2(18)SXF"), span(10))
    assert hub.facts.nat is None


def test_nat_facts(in_tmp: Path) -> None:
    spoke = load(in_tmp, GOOD).devices["spoke1"]
    assert spoke.facts.nat == NatFacts(
        IPv4Address("198.51.100.7"), "pat", Span("inventory.yaml", 14)
    )


def test_defaults_apply_unless_the_device_overrides_them(in_tmp: Path) -> None:
    devices = load(in_tmp, GOOD).devices
    span = lambda line: Span("inventory.yaml", line)  # noqa: E731
    # spoke1 says nothing of platform or ios: the defaults, located at the defaults lines
    assert devices["spoke1"].facts.platform == L("isr4451", span(2))  # stripped
    assert devices["spoke1"].facts.ios == L(Release.parse("15.9(3)M6"), span(3))
    # an empty device entry takes every default and has no config
    assert devices["spoke2"].facts.platform == L("isr4451", span(2))
    assert devices["spoke2"].facts.role is None
    assert devices["spoke2"].config is None and devices["spoke2"].config_span is None
    # a null value clears the default
    assert devices["spoke3"].facts.platform is None
    assert devices["spoke3"].facts.ios == L(Release.parse("15.9(3)M6"), span(3))
    assert list(devices) == ["hub1", "spoke1", "spoke2", "spoke3"]


def test_clouds_are_kept_raw(in_tmp: Path) -> None:
    assert load(in_tmp, GOOD).clouds == {"dmvpn1": {"hubs": ["hub1"], "network-id": 100}}
    assert load(in_tmp, "devices: {}\n").clouds == {}


def test_config_path_is_joined_with_the_inventory_folder(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = write(tmp_path, GOOD, "site/inventory.yaml")
    inventory = load_inventory(name)
    assert inventory.file == "site/inventory.yaml"
    assert inventory.devices["hub1"].config == os.path.join("site", "hub1.cfg")
    assert inventory.devices["spoke1"].config == os.path.join("site", "branches/spoke1.cfg")
    assert inventory.devices["hub1"].span == Span("site/inventory.yaml", 5)
    absolute = load_inventory(str(tmp_path / "site" / "inventory.yaml"))
    assert absolute.devices["hub1"].config == str(tmp_path / "site" / "hub1.cfg")


def test_merge_keys_resolve_with_the_anchor_lines(in_tmp: Path) -> None:
    text = """\
devices:
  spoke1: &spoke
    role: spoke
    platform: isr4331
  spoke2:
    <<: *spoke
    platform: isr1111
"""
    spoke2 = load(in_tmp, text).devices["spoke2"]
    assert spoke2.facts.role == L("spoke", Span("inventory.yaml", 3))
    assert spoke2.facts.platform == L("isr1111", Span("inventory.yaml", 7))


# --- errors: each exact, each located -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "devices:\n  hub1:\n    config: hub1.cfg\n    platfrom: isr4451\n",
            "inventory.yaml:4: unknown key 'platfrom' in device 'hub1'"
            " (known: config, role, platform, supervisor, ios, nat)",
            id="unknown-device-key",
        ),
        pytest.param(
            "device:\n  hub1: {}\n",
            "inventory.yaml:1: unknown top-level key 'device' (known: defaults, devices, clouds)",
            id="unknown-top-level-key",
        ),
        pytest.param(
            "defaults:\n  config: all.cfg\n",
            "inventory.yaml:2: unknown key 'config' in defaults"
            " (known: role, platform, supervisor, ios, nat)",
            id="config-in-defaults",
        ),
        pytest.param(
            "devices:\n  hub1:\n    role: router\n",
            "inventory.yaml:3: bad value 'router' for role of device 'hub1' (expected: hub, spoke)",
            id="bad-role",
        ),
        pytest.param(
            "devices:\n  hub1:\n    ios: 15.x(3)\n",
            "inventory.yaml:3: bad release '15.x(3)' for ios of device 'hub1'"
            " (expected e.g. 12.4(6)T, 15.9(3)M6 or 17.11.1a)",
            id="bad-release",
        ),
        pytest.param(
            "defaults:\n  ios: 15.4\n",
            "inventory.yaml:2: bad release '15.4' for ios of defaults"
            " (expected e.g. 12.4(6)T, 15.9(3)M6 or 17.11.1a)",
            id="bad-release-in-defaults",
        ),
        pytest.param(
            "devices:\n  hub1: {}\n  spoke1:\n    role: spoke\n    nat:\n      type: pat\n"
            "      # translated by the ISP\n\n      outside: 198.51.100.300\n",
            "inventory.yaml:9: bad address '198.51.100.300' for nat.outside of device 'spoke1'",
            id="bad-nat-address",
        ),
        pytest.param(
            "devices:\n  spoke1:\n    nat: {outside: '2001:db8::1', type: pat}\n",
            "inventory.yaml:3: bad address '2001:db8::1' for nat.outside of device 'spoke1'",
            id="ipv6-nat-address",
        ),
        pytest.param(
            "devices:\n  spoke1:\n    nat:\n      outside: 198.51.100.7\n",
            "inventory.yaml:3: missing key 'type' in nat of device 'spoke1'",
            id="nat-without-type",
        ),
        pytest.param(
            "devices:\n  spoke1:\n    nat:\n      type: static\n",
            "inventory.yaml:3: missing key 'outside' in nat of device 'spoke1'",
            id="nat-without-outside",
        ),
        pytest.param(
            "devices:\n  spoke1:\n    nat: {outside: 198.51.100.7, type: dynamic}\n",
            "inventory.yaml:3: bad value 'dynamic' for nat.type of device 'spoke1'"
            " (expected: static, pat)",
            id="bad-nat-type",
        ),
        pytest.param(
            "devices:\n  spoke1:\n    nat:\n      outside: 198.51.100.7\n      type: pat\n"
            "      inside: 10.1.1.1\n",
            "inventory.yaml:6: unknown key 'inside' in nat of device 'spoke1'"
            " (known: outside, type)",
            id="unknown-nat-key",
        ),
        pytest.param(
            "devices:\n  - hub1\n  - spoke1\n",
            "inventory.yaml:2: expected a mapping for devices, got a list",
            id="devices-as-list",
        ),
        pytest.param(
            "devices:\n  hub1:\n    - role: hub\n",
            "inventory.yaml:3: expected a mapping for device 'hub1', got a list",
            id="device-as-list",
        ),
        pytest.param(
            "devices:\n  spoke1:\n    nat: [198.51.100.7, pat]\n",
            "inventory.yaml:3: expected a mapping for nat of device 'spoke1', got a list",
            id="nat-as-list",
        ),
        pytest.param(
            "devices:\n  hub1:\n    platform: {name: c6500}\n",
            "inventory.yaml:3: expected a string for platform of device 'hub1', got a mapping",
            id="platform-as-mapping",
        ),
        pytest.param(
            "devices:\n  hub1:\n    config: '  '\n",
            "inventory.yaml:3: empty value for config of device 'hub1'",
            id="empty-config",
        ),
        pytest.param(
            "- hub1\n- spoke1\n",
            "inventory.yaml:1: expected a mapping for the inventory, got a list",
            id="top-level-list",
        ),
        pytest.param(
            "clouds: [a, b]\n",
            "inventory.yaml:1: expected a mapping for clouds, got a list",
            id="clouds-as-list",
        ),
        pytest.param(
            "devices:\n  hub1:\n    role: hub\n  spoke1: {}\n  hub1:\n    role: spoke\n",
            "inventory.yaml:5: duplicate key 'hub1' in devices (first at line 2)",
            id="duplicate-device",
        ),
        pytest.param(
            "devices:\n  hub1:\n    role: hub\n    platform: isr4451\n    role: spoke\n",
            "inventory.yaml:5: duplicate key 'role' in device 'hub1' (first at line 3)",
            id="duplicate-device-key",
        ),
        pytest.param(
            "devices: {}\ndefaults: {}\ndevices: {}\n",
            "inventory.yaml:3: duplicate key 'devices' in the inventory (first at line 1)",
            id="duplicate-top-level-key",
        ),
        pytest.param(
            "clouds:\n  c1:\n    hubs: [hub1]\n    hubs: [hub2]\n",
            "inventory.yaml:4: duplicate key 'hubs' in clouds (first at line 3)",
            id="duplicate-cloud-key",
        ),
        pytest.param(
            "devices:\n  hub1:\n    role: hub\n   platform: x\n",
            "inventory.yaml:4: YAML syntax error: expected <block end>, but found"
            " '<block mapping start>' (while parsing a block mapping)",
            id="bad-indent",
        ),
        pytest.param(
            "devices:\n  hub1: {role: hub\n  spoke1: {}\n",
            "inventory.yaml:3: YAML syntax error: expected ',' or '}', but got ':'"
            " (while parsing a flow mapping)",
            id="unclosed-flow-mapping",
        ),
        pytest.param(
            "devices: {}\n---\ndevices: {}\n",
            "inventory.yaml:2: YAML syntax error: expected a single document in the stream,"
            " but found another document",
            id="two-documents",
        ),
        pytest.param(
            "devices:\n  hub1:\n    <<: *base\n",
            "inventory.yaml:3: YAML syntax error: found undefined alias 'base'",
            id="undefined-alias",
        ),
        pytest.param(
            "devices:\n  hub1:\n    role: hub\x07\n",
            "inventory.yaml:3: YAML syntax error: special characters are not allowed (#x0007)",
            id="control-character",
        ),
        pytest.param(
            "devices:\n  123:\n    role: hub\n",
            "inventory.yaml:2: device name 123 is an integer, not a string (quote it: \"123\")",
            id="device-name-integer",
        ),
        pytest.param(
            "devices:\n  hub1: {}\n  yes: {}\n",
            "inventory.yaml:3: device name yes is a boolean, not a string (quote it: \"yes\")",
            id="device-name-boolean",
        ),
        pytest.param(
            "devices:\n  ? [hub1, hub2]\n  : {}\n",
            "inventory.yaml:2: expected a string key in devices, got a list",
            id="device-name-list",
        ),
        pytest.param(
            "devices:\n  '': {}\n",
            "inventory.yaml:2: empty device name",
            id="device-name-empty",
        ),
        pytest.param("", "inventory.yaml:1: empty inventory (expected a mapping with 'devices:')",
                     id="empty-file"),
        pytest.param(
            "# nothing yet\n\n",
            "inventory.yaml:1: empty inventory (expected a mapping with 'devices:')",
            id="only-comments",
        ),
    ],
)
def test_error_is_exact_and_located(in_tmp: Path, text: str, message: str) -> None:
    assert error_of(in_tmp, text) == message


def test_error_carries_file_line_and_message(in_tmp: Path) -> None:
    with pytest.raises(InventoryError) as info:
        load(in_tmp, "devices:\n  hub1:\n    role: router\n")
    assert (info.value.file, info.value.line) == ("inventory.yaml", 3)
    assert info.value.message.startswith("bad value 'router' for role")


def test_not_utf8(in_tmp: Path) -> None:
    text = b"devices:\n  hub1:\n    platform: c\xe96500\n"
    assert error_of(in_tmp, text) == "inventory.yaml:3: not UTF-8 text (byte 0xe9)"


def test_missing_file(in_tmp: Path) -> None:
    with pytest.raises(InventoryError) as info:
        load_inventory("missing.yaml")
    assert str(info.value) == "missing.yaml:1: cannot read inventory: No such file or directory"


def test_directory_is_unreadable(in_tmp: Path) -> None:
    (in_tmp / "inv.yaml").mkdir()
    with pytest.raises(InventoryError) as info:
        load_inventory("inv.yaml")
    assert str(info.value) == "inv.yaml:1: cannot read inventory: Is a directory"


YAML_PIECES = st.sampled_from(
    ["devices:", "defaults:", "clouds:", "  hub1:", "    role: hub", "    nat:", "      type: pat",
     "      outside: 1.2.3.4", "  - x", "<<: *a", "&a", "{", "}", "[", "]", ": ", "? ", "~", "'",
     "\"", "\t", "ios: 12.4(6)T", "platform: 6500", "---", "!!binary", "!!python/object:os.system",
     "%YAML 1.1", "@", "\x00", "1: 2"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(YAML_PIECES, st.text(max_size=8)), max_size=12))
def test_any_text_loads_or_raises_inventory_error(in_tmp: Path, pieces: list[str]) -> None:
    """Whatever the file holds, the loader returns an Inventory or raises InventoryError."""
    text = "\n".join(pieces)
    try:
        inventory = load(in_tmp, text.encode("utf-8", "surrogatepass"))
    except InventoryError as e:
        assert e.line >= 1 and str(e).startswith(f"inventory.yaml:{e.line}: ")
    else:
        assert isinstance(inventory, Inventory)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("devices:\n  a: &a {<<: *a}\n",
         "inventory.yaml:2: YAML syntax error: an alias refers to a node that contains it"),
        ("clouds:\n  c1: &c {peer: *c}\n",
         "inventory.yaml:2: YAML syntax error: an alias refers to a node that contains it"),
        ("clouds: " + "[" * 5000 + "]" * 5000 + "\n", "inventory.yaml:1: YAML nesting too deep"),
    ],
    ids=["recursive-merge", "recursive-cloud", "deep-nesting"],
)
def test_hostile_structure_is_an_inventory_error(in_tmp: Path, text: str, message: str) -> None:
    assert error_of(in_tmp, text) == message
