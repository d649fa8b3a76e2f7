"""The on-disk cache of parsed files: a changed file is parsed again, an unchanged one is not,
a new dmvpnlint version (or front-end code) invalidates every entry, and a broken cache is a
miss, never an error. Parses are counted at `device_from_split`, where a Device is built."""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import sys
from pathlib import Path

import pytest

import dmvpnlint
from dmvpnlint.cli import PROGRESS_MIN_FILES, main, progress_bar
from dmvpnlint.frontend import cache as cache_module
from dmvpnlint.frontend import loader
from dmvpnlint.frontend.cache import DeviceCache, default_cache_dir
from tests.fleets import clean_fleet, edit
from tests.helpers import write_fleet


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader builds a Device for, in order."""
    calls: list[str] = []
    real = loader.device_from_split

    def counting(split, file, default_name, parse):  # type: ignore[no-untyped-def]
        calls.append(Path(file).name)
        return real(split, file, default_name, parse)

    monkeypatch.setattr(loader, "device_from_split", counting)
    return calls


def fleet_dir(tmp_path: Path, spokes: int = 3) -> Path:
    files = clean_fleet(spokes)
    files["spoke1.cfg"] = "! dmvpnlint: disable-file=DMV7 -- lab\n" + files["spoke1.cfg"]
    return write_fleet(tmp_path / "fleet", files)


def load(folder: Path, cache_dir: Path, jobs: int | None = None) -> tuple[DeviceCache, object]:
    cache = DeviceCache(cache_dir)
    return cache, loader.load_fleet([str(folder)], jobs=jobs, cache=cache)


def test_unchanged_files_are_not_parsed_again(tmp_path: Path, parsed: list[str]) -> None:
    folder = fleet_dir(tmp_path)
    cold_cache, cold = load(folder, tmp_path / "c")
    names = sorted(p.name for p in folder.iterdir())
    assert sorted(parsed) == names and (cold_cache.hits, cold_cache.misses) == (0, len(names))
    parsed.clear()
    warm_cache, warm = load(folder, tmp_path / "c")
    assert parsed == [] and (warm_cache.hits, warm_cache.misses) == (len(names), 0)
    assert warm == cold  # the same Devices, suppressions included
    assert warm.devices[[d.name for d in warm.devices].index("spoke1")].suppressions  # type: ignore[attr-defined]


def test_a_changed_file_is_parsed_again(tmp_path: Path, parsed: list[str]) -> None:
    folder = fleet_dir(tmp_path)
    load(folder, tmp_path / "c")
    spoke2 = folder / "spoke2.cfg"
    spoke2.write_text(edit(spoke2.read_text(), "ip nhrp holdtime 300", "ip nhrp holdtime 600"))
    parsed.clear()
    cache, fleet = load(folder, tmp_path / "c")
    assert parsed == ["spoke2.cfg"] and cache.misses == 1
    device = next(d for d in fleet.devices if d.name == "spoke2")  # type: ignore[attr-defined]
    assert device.interfaces["Tunnel0"].nhrp.holdtime.value == 600
    assert device == next(d for d in loader.load_fleet([str(folder)]).devices if d.name == "spoke2")


def test_the_path_as_given_is_part_of_the_key(tmp_path: Path, parsed: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fleet_dir(tmp_path)
    load(folder, tmp_path / "c")
    parsed.clear()
    monkeypatch.chdir(folder)
    cache, fleet = load(Path("."), tmp_path / "c")
    names = sorted(p.name for p in folder.iterdir())
    assert sorted(parsed) == names and cache.hits == 0
    assert sorted(d.file for d in fleet.devices) == [f"./{n}" for n in names]  # type: ignore[attr-defined]


def test_a_new_version_invalidates_every_entry(tmp_path: Path, parsed: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fleet_dir(tmp_path)
    load(folder, tmp_path / "c")
    parsed.clear()
    monkeypatch.setattr(dmvpnlint, "__version__", "99.0.0")
    cache, _ = load(folder, tmp_path / "c")
    assert len(parsed) == len(list(folder.iterdir())) and cache.hits == 0


def test_changed_front_end_code_invalidates_every_entry(tmp_path: Path, parsed: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fleet_dir(tmp_path)
    load(folder, tmp_path / "c")
    parsed.clear()
    monkeypatch.setattr(cache_module, "_sources_digest", lambda: "another grammar")
    cache, _ = load(folder, tmp_path / "c")
    assert cache.hits == 0 and len(parsed) == len(list(folder.iterdir()))


def test_corrupt_entries_are_misses(tmp_path: Path, parsed: list[str]) -> None:
    folder = fleet_dir(tmp_path)
    _, cold = load(folder, tmp_path / "c")
    entries = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert len(entries) == len(list(folder.iterdir()))
    entries[0].write_bytes(b"not a pickle")
    entries[1].write_bytes(b"")
    parsed.clear()
    cache, warm = load(folder, tmp_path / "c")
    assert len(parsed) == 2 and cache.misses == 2 and warm == cold
    parsed.clear()
    assert load(folder, tmp_path / "c")[0].hits == len(entries)  # rewritten


def test_an_unwritable_cache_never_fails_the_run(tmp_path: Path) -> None:
    folder = fleet_dir(tmp_path)
    blocker = tmp_path / "c"
    blocker.write_text("a file where the cache folder should be")
    cache, fleet = load(folder, blocker)
    assert cache.misses == len(list(folder.iterdir()))
    assert fleet == loader.load_fleet([str(folder)])


def test_parallel_loading_fills_and_reads_the_cache(tmp_path: Path, parsed: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fleet_dir(tmp_path, spokes=6)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 2)
    _, cold = load(folder, tmp_path / "c", jobs=2)
    assert cold == loader.load_fleet([str(folder)], jobs=1)
    parsed.clear()
    cache, warm = load(folder, tmp_path / "c", jobs=2)
    assert parsed == [] and warm == cold


def test_progress_reports_every_file(tmp_path: Path) -> None:
    folder = fleet_dir(tmp_path)
    seen: list[tuple[int, int]] = []
    loader.load_fleet([str(folder)], progress=lambda done, total: seen.append((done, total)))
    count = len(list(folder.iterdir()))
    assert seen == [(n, count) for n in range(1, count + 1)]


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "dmvpnlint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "dmvpnlint"


def test_cli_cache_dir_and_no_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = fleet_dir(tmp_path)
    out = tmp_path / "r.json"
    assert main(["lint", str(folder), "--no-cache", "--cache-dir", str(tmp_path / "none"),
                 "--format", "json", "--output", str(out)]) == 0
    assert not (tmp_path / "none").exists()
    first = json.loads(out.read_text())
    assert main(["lint", str(folder), "--cache-dir", str(tmp_path / "c"), "--jobs", "2",
                 "--format", "json", "--output", str(out)]) == 0
    assert len([p for p in (tmp_path / "c").rglob("*") if p.is_file()]) == len(
        list(folder.iterdir()))
    assert main(["lint", str(folder), "--cache-dir", str(tmp_path / "c"),
                 "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text()) == first
    assert capsys.readouterr().err == ""  # no progress bar, no word about the cache


def test_cli_rejects_a_bad_jobs_value(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["lint", str(tmp_path), "--jobs", "0"]) == 2
    assert "--jobs: 0 is less than 1" in capsys.readouterr().err


def test_device_pickles_to_an_equal_device(tmp_path: Path) -> None:
    import pickle

    fleet = loader.load_fleet([str(fleet_dir(tmp_path))])
    for device in fleet.devices:
        again = pickle.loads(cache_module.dumps(device))
        assert again == device and dataclasses.fields(again) == dataclasses.fields(device)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(fmt: str) -> argparse.Namespace:
    return argparse.Namespace(format=fmt)


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "gitlab", "markdown"])
def test_no_progress_bar_for_machine_formats(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress_bar(_args(fmt)) as update:
        assert update is None


def test_no_progress_bar_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar(_args("text")) as update:
        assert update is None


def test_progress_bar_on_a_terminal_for_large_fleets_only(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(_args("text")) as update:
        assert update is not None
        update(10, PROGRESS_MIN_FILES - 1)
        assert terminal.getvalue() == ""
    with progress_bar(_args("text")) as update:
        assert update is not None
        update(PROGRESS_MIN_FILES, PROGRESS_MIN_FILES)
    assert "parsing configs" in terminal.getvalue()
    assert f"{PROGRESS_MIN_FILES}/{PROGRESS_MIN_FILES}" in terminal.getvalue()
