"""Files and directories -> Fleet: bad inputs are located problems, usage errors raise."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from dmvpnlint.frontend import InputError, load_fleet
from dmvpnlint.frontend import loader
from dmvpnlint.frontend.commands import LineParser
from dmvpnlint.model import L, Release, Span

HUB = "hostname hub1\ninterface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n ip nhrp network-id 7\n"
SPOKE = "hostname spoke1\ninterface Tunnel0\n ip address 10.0.0.2 255.255.255.0\n"


def write(folder: Path, name: str, data: str | bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return str(path)


def messages(fleet) -> list[tuple[str, str, int, str]]:  # type: ignore[no-untyped-def]
    return [(p.rule, p.file, p.line, p.message) for p in fleet.problems]


def test_directory_is_expanded_recursively_sorted_by_suffix(tmp_path: Path) -> None:
    write(tmp_path, "b.cfg", SPOKE.replace("spoke1", "b"))
    write(tmp_path, "a.conf", SPOKE.replace("spoke1", "a"))
    write(tmp_path, "sub/c.ios", SPOKE.replace("spoke1", "c"))
    write(tmp_path, "sub/d.txt", SPOKE.replace("spoke1", "d"))
    write(tmp_path, "notes.md", SPOKE.replace("spoke1", "ignored"))
    fleet = load_fleet([str(tmp_path)])
    assert [(d.name, os.path.relpath(d.file, tmp_path)) for d in fleet.devices] == [
        ("a", "a.conf"),
        ("b", "b.cfg"),
        ("c", os.path.join("sub", "c.ios")),
        ("d", os.path.join("sub", "d.txt")),
    ]
    assert fleet.problems == ()


def test_file_path_is_kept_as_given_and_any_suffix_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "hub1", HUB)
    monkeypatch.chdir(tmp_path)
    fleet = load_fleet(["hub1"])
    (hub,) = fleet.devices
    assert (hub.name, hub.file) == ("hub1", "hub1")
    assert hub.interfaces["Tunnel0"].nhrp.network_id == L(7, Span("hub1", 4))  # type: ignore[union-attr]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.cfg")
    with pytest.raises(InputError) as error:
        load_fleet([missing])
    assert str(error.value) == f"{missing}: no such file or directory"


def test_bad_files_are_problems_and_the_rest_still_loads(tmp_path: Path) -> None:
    good = write(tmp_path, "a-good.cfg", HUB)
    empty = write(tmp_path, "b-empty.cfg", "  \n\n")
    binary = write(tmp_path, "c-spoke3.cfg", b"\x7fELF\x02\x01\x00\x00binary")
    noise = write(tmp_path, "d-noise.cfg", bytes(range(1, 32)) * 20)
    prose = write(tmp_path, "e-letter.txt", "Dear team,\nplease find the configs attached.\n")
    bad_utf8 = write(tmp_path, "f-bad.cfg", b"hostname x\n" + bytes(range(0x80, 0xA0)) * 4)
    fleet = load_fleet([str(tmp_path)])
    assert [d.file for d in fleet.devices] == [good]
    assert messages(fleet) == [
        ("DMV005", empty, 0, f"{empty}: empty file, not an IOS configuration"),
        ("DMV005", binary, 0, f"{binary}: binary data, not an IOS configuration"),
        ("DMV005", noise, 0, f"{noise}: binary data, not an IOS configuration"),
        ("DMV005", prose, 0, f"{prose}: no IOS command found, not an IOS configuration"),
        ("DMV005", bad_utf8, 2,
         f"{bad_utf8}:2: text in an unknown encoding (not UTF-8 or Latin-1)"),
    ]


def test_unreadable_file_and_directory_are_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "x.cfg"
    folder.mkdir()
    assert loader.load_one(str(folder), LineParser()).problem.message == (  # type: ignore[union-attr]
        f"{folder}: is a directory, not a configuration file"
    )
    locked = write(tmp_path, "locked.cfg", HUB)
    if os.geteuid() == 0:
        # root (CI) reads files whatever their mode bits: make the open fail as it would for
        # a user without permission, so the case runs everywhere instead of being skipped
        def refuse(path: str, *args: object, **kwargs: object) -> object:
            raise PermissionError(13, "Permission denied", path)

        monkeypatch.setattr(loader, "open", refuse, raising=False)
        problem = loader.load_one(locked, LineParser()).problem
    else:
        os.chmod(locked, 0)
        try:
            problem = loader.load_one(locked, LineParser()).problem
        finally:
            os.chmod(locked, 0o644)
    assert problem is not None
    assert problem.message == f"{locked}: cannot read: Permission denied"


def test_latin1_bom_and_utf16_text_are_decoded(tmp_path: Path) -> None:
    latin1 = write(tmp_path, "a.cfg", "hostname caf\xe9\ninterface Tunnel0\n description d\xe9j\xe0\n".encode("latin-1"))
    bom = write(tmp_path, "b.cfg", b"\xef\xbb\xbf" + HUB.encode())
    utf16 = write(tmp_path, "c.cfg", SPOKE.encode("utf-16-le"))
    utf16_bom = write(tmp_path, "d.cfg", SPOKE.replace("spoke1", "spoke9").encode("utf-16"))
    fleet = load_fleet([latin1, bom, utf16, utf16_bom])
    assert fleet.problems == ()
    assert [d.name for d in fleet.devices] == ["caf\xe9", "hub1", "spoke1", "spoke9"]
    assert fleet.devices[0].interfaces["Tunnel0"].description == "d\xe9j\xe0"


def test_nothing_readable_is_a_usage_error(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.cfg", "")
    with pytest.raises(InputError) as error:
        load_fleet([empty])
    assert str(error.value) == (
        f"no readable IOS configuration: {empty}: empty file, not an IOS configuration"
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub, "readme.md", HUB)
    with pytest.raises(InputError) as error:
        load_fleet([str(sub)])
    assert str(error.value) == f"no configuration files (*.cfg, *.conf, *.txt, *.ios) in {sub}"


def test_duplicate_device_names(tmp_path: Path) -> None:
    first = write(tmp_path, "a.cfg", HUB)
    second = write(tmp_path, "b.cfg", "!\n" + HUB)
    fleet = load_fleet([str(tmp_path)])
    assert [(d.name, d.file) for d in fleet.devices] == [("hub1", first), ("hub1@b", second)]
    assert messages(fleet) == [
        ("DMV004", second, 2,
         f"{second}:2: device name hub1 is already used by {first}:1; "
         "this config is checked as hub1@b"),
    ]
    assert fleet.problems[0].device == "hub1"


INVENTORY = """\
defaults:
  ios: "15.9(3)M6"
devices:
  hub1:
    config: hub1.cfg
    role: hub
  spoke1:
    role: spoke
  ghost:
    config: ghost.cfg
"""


def test_inventory_beside_the_configs_is_applied(tmp_path: Path) -> None:
    write(tmp_path, "hub1.cfg", HUB.replace("hostname hub1", "hostname HUB-1"))
    write(tmp_path, "spoke1.cfg", SPOKE)
    inventory = write(tmp_path, "inventory.yaml", INVENTORY)
    fleet = load_fleet([str(tmp_path)])
    assert fleet.inventory_file == inventory
    hub, spoke = fleet.devices
    # matched by the inventory's config path even though the hostname differs
    assert (hub.name, hub.inventory.role.value) == ("HUB-1", "hub")  # type: ignore[union-attr]
    assert hub.release == Release.parse("15.9(3)M6")
    # matched by hostname when the inventory gives no config
    assert (spoke.name, spoke.inventory.role.value) == ("spoke1", "spoke")  # type: ignore[union-attr]
    (problem,) = fleet.problems
    assert (problem.rule, problem.file, problem.line, problem.device) == ("DMV004", inventory, 10, "ghost")
    assert problem.message == (
        f"{inventory}:10: device ghost: config file {os.path.join(str(tmp_path), 'ghost.cfg')} "
        "does not exist"
    )


def test_bad_inventory_is_a_usage_error_with_its_location(tmp_path: Path) -> None:
    config = write(tmp_path, "hub1.cfg", HUB)
    inventory = write(tmp_path, "inv.yaml", "devices:\n  hub1:\n    colour: blue\n")
    with pytest.raises(InputError) as error:
        load_fleet([config], inventory=inventory)
    assert str(error.value).startswith(f"{inventory}:3: ")
    with pytest.raises(InputError) as error:
        load_fleet([config], inventory=str(tmp_path / "none.yaml"))
    assert str(error.value) == f"{tmp_path / 'none.yaml'}: no such file or directory"


def test_parallel_path_gives_the_same_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        write(tmp_path, f"spoke{i}.cfg", SPOKE.replace("spoke1", f"spoke{i}") + " ip nhrp holdtime 300\n")
    write(tmp_path, "broken.cfg", b"\x00\x01")
    sequential = load_fleet([str(tmp_path)], jobs=1)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 2)
    parallel = load_fleet([str(tmp_path)], jobs=2)
    assert parallel == sequential
    assert len(parallel.devices) == 6 and len(parallel.problems) == 1


def _failing_worker(chunks: list[list[str]], results: Any) -> None:
    results.put("ValueError: boom")


def _silent_worker(chunks: list[list[str]], results: Any) -> None:
    os._exit(3)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the patched worker reaches the child process only through fork",
)
@pytest.mark.parametrize(
    ("worker", "message"),
    [
        (_failing_worker, "front-end worker failed: ValueError: boom"),
        (_silent_worker, "front-end worker exited early"),
    ],
)
def test_a_failed_worker_falls_back_to_loading_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: Any, message: str
) -> None:
    for i in range(5):
        write(tmp_path, f"spoke{i}.cfg", SPOKE.replace("spoke1", f"spoke{i}"))
    sequential = load_fleet([str(tmp_path)], jobs=1)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(loader, "_split_chunks", worker)
    with pytest.raises(RuntimeError) as error:
        loader._load_parallel(sorted(str(p) for p in tmp_path.iterdir()), 2)
    assert str(error.value) == message
    assert load_fleet([str(tmp_path)], jobs=2) == sequential  # the fallback, same fleet
