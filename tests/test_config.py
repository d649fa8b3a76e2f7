"""Project configuration: discovery (nearest file wins), every key, errors with file and line,
and the command line overriding the file, in-process and through `dmvpnlint lint`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dmvpnlint.cli import main
from dmvpnlint.engine import load_rules
from dmvpnlint.engine.config import (
    ConfigError,
    ProjectConfig,
    Settings,
    apply_per_file_ignores,
    discover,
    find_config,
    load_config,
    locate,
    resolve_settings,
)
from dmvpnlint.engine.findings import Finding, Severity
from tests.fleets import clean_fleet, edit

RULES = load_rules()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint_json(*argv: str) -> tuple[int, dict]:
    out_file = Path(argv[0]).parent / "report.out.json"
    code = main(["lint", *argv, "--format", "json", "--output", str(out_file)])
    return code, json.loads(out_file.read_text(encoding="utf-8")) if out_file.exists() else {}


# --- discovery --------------------------------------------------------------------------------


def test_the_nearest_file_wins(tmp_path: Path) -> None:
    top = write(tmp_path / "pyproject.toml", '[tool.dmvpnlint]\nselect = ["DMV1"]\n')
    near = write(tmp_path / "fleet" / ".dmvpnlint.toml", 'select = ["DMV7"]\n')
    write(tmp_path / "fleet" / "site" / "hub1.cfg", "hostname hub1\n")
    assert find_config([str(tmp_path / "fleet" / "site" / "hub1.cfg")]) == near
    assert find_config([str(tmp_path / "fleet" / "site")]) == near
    assert find_config([str(tmp_path / "other.cfg")]) == top


def test_dedicated_file_beats_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.dmvpnlint]\nselect = ["DMV1"]\n')
    dedicated = write(tmp_path / ".dmvpnlint.toml", 'select = ["DMV7"]\n')
    assert find_config([str(tmp_path)]) == dedicated


def test_a_pyproject_without_our_table_is_passed_over(tmp_path: Path) -> None:
    top = write(tmp_path / ".dmvpnlint.toml", "fail-on = \"warning\"\n")
    write(tmp_path / "repo" / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\n')
    assert find_config([str(tmp_path / "repo")]) == top


def test_several_paths_start_from_their_common_directory(tmp_path: Path) -> None:
    common = write(tmp_path / "fleet" / ".dmvpnlint.toml", "")
    write(tmp_path / "fleet" / "hubs" / ".dmvpnlint.toml", "")
    paths = [str(tmp_path / "fleet" / "hubs" / "hub1.cfg"), str(tmp_path / "fleet" / "spokes")]
    assert find_config(paths) == common


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    assert discover([str(tmp_path)], RULES) == ProjectConfig()


# --- keys -------------------------------------------------------------------------------------


FULL = """\
[project]
name = "network"

[tool.dmvpnlint]
select = ["DMV1", "DMV7"]
extend-select = ["DMV001"]
ignore = ["DMV118"]
fail-on = "warning"
inventory = "fleet/inventory.yaml"

[tool.dmvpnlint.per-file-ignores]
"legacy/*.cfg" = ["DMV7"]
"spoke9.cfg" = ["DMV117"]

[tool.dmvpnlint.severity]
DMV1 = "warning"
DMV101 = "error"
"""


def test_every_key_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(write(tmp_path / "pyproject.toml", FULL), RULES)
    assert config == ProjectConfig(
        path="pyproject.toml",
        root=str(tmp_path.resolve()),
        select=("DMV1", "DMV7"),
        extend_select=("DMV001",),
        ignore=("DMV118",),
        per_file_ignores=(("legacy/*.cfg", ("DMV7",)), ("spoke9.cfg", ("DMV117",))),
        severity=(("DMV1", Severity.WARNING), ("DMV101", Severity.ERROR)),
        fail_on=Severity.WARNING,
        inventory="fleet/inventory.yaml",
    )


def test_settings_from_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "pyproject.toml", FULL), RULES)
    settings = resolve_settings(config, RULES)
    family = {r for r in RULES if r.startswith(("DMV1", "DMV7"))}
    assert settings.selected == (family | {"DMV001"}) - {"DMV118"}
    assert settings.severity_overrides["DMV102"] is Severity.WARNING
    assert settings.severity_overrides["DMV101"] is Severity.ERROR  # the later, narrower entry
    assert "DMV001" not in settings.severity_overrides
    assert settings.fail_on is Severity.WARNING
    assert settings.inventory is not None and settings.inventory.endswith("fleet/inventory.yaml")


def test_the_command_line_overrides_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "pyproject.toml", FULL), RULES)
    settings = resolve_settings(config, RULES, select=["DMV118", "DMV101"], ignore=["DMV101"],
                                fail_on="info", inventory="other.yaml")
    assert settings.selected == {"DMV118"}  # --select replaces select, extend-select, ignore
    assert settings.fail_on is Severity.INFO and settings.inventory == "other.yaml"
    ignored = resolve_settings(config, RULES, ignore=["DMV7"])  # --ignore adds to the file's
    assert not any(r.startswith("DMV7") or r == "DMV118" for r in ignored.selected)
    assert "DMV001" in ignored.selected


def test_dedicated_file_keys_are_top_level_or_in_a_tool_table(tmp_path: Path) -> None:
    top = load_config(write(tmp_path / "a" / ".dmvpnlint.toml", 'ignore = ["DMV7"]\n'), RULES)
    nested = load_config(write(tmp_path / "b" / ".dmvpnlint.toml",
                               '[tool.dmvpnlint]\nignore = ["DMV7"]\n'), RULES)
    assert top.ignore == nested.ignore == ("DMV7",)


def finding(rule: str, file: str) -> Finding:
    return Finding(rule, "x", Severity.ERROR, "d", file, 1, "m", fingerprint=rule + file)


def test_per_file_ignores_match_names_and_relative_paths(tmp_path: Path) -> None:
    settings = Settings(
        selected=frozenset(RULES),
        per_file_ignores=(("legacy/*.cfg", frozenset({"DMV701"})),
                          ("spoke9.cfg", frozenset({"DMV117"}))),
        root=str(tmp_path.resolve()),
    )
    findings = [
        finding("DMV701", str(tmp_path / "legacy" / "old.cfg")),  # removed: path pattern
        finding("DMV702", str(tmp_path / "legacy" / "old.cfg")),  # kept: other rule
        finding("DMV701", str(tmp_path / "current" / "new.cfg")),  # kept: other file
        finding("DMV117", str(tmp_path / "deep" / "er" / "spoke9.cfg")),  # removed: a name
        finding("DMV117", str(tmp_path / "spoke90.cfg")),  # kept
    ]
    kept = apply_per_file_ignores(findings, settings)
    assert [(f.rule, Path(f.file).name) for f in kept] == [
        ("DMV702", "old.cfg"), ("DMV701", "new.cfg"), ("DMV117", "spoke90.cfg")]


# --- errors with file and line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.dmvpnlint]\nselect = ["DMV1"]\n\nselct = ["DMV7"]\n',
         "pyproject.toml:4: unknown key 'selct' in [tool.dmvpnlint]; known keys: select, "
         "extend-select, ignore, per-file-ignores, severity, fail-on, inventory"),
        ('[tool.dmvpnlint]\nselect = "DMV1"\n',
         'pyproject.toml:2: select must be a list of rule ids or prefixes, such as '
         '["DMV1", "DMV701"]'),
        ('[tool.dmvpnlint]\nignore = ["DMV118", "DMV999"]\n',
         "pyproject.toml:2: ignore: unknown rule or prefix 'DMV999'; see 'dmvpnlint rules'"),
        ('[tool.dmvpnlint]\nfail-on = "fatal"\n',
         "pyproject.toml:2: fail-on = 'fatal': expected one of error, warning, info"),
        ('[tool.dmvpnlint]\n\n[tool.dmvpnlint.severity]\nDMV101 = "info"\nDMV118 = "loud"\n',
         "pyproject.toml:5: severity.DMV118 = 'loud': expected one of error, warning, info"),
        ('[tool.dmvpnlint]\nseverity = { DMV101 = "info", DMV9 = "info" }\n',
         "pyproject.toml:2: severity.DMV9: unknown rule or prefix 'DMV9'; see 'dmvpnlint rules'"),
        ('[tool.dmvpnlint.per-file-ignores]\n"a/*.cfg" = ["DMV7"]\n"b/*.cfg" = "DMV7"\n',
         "pyproject.toml:3: per-file-ignores.'b/*.cfg' must be a list of rule ids"),
        ('[tool.dmvpnlint]\ninventory = 3\n',
         "pyproject.toml:2: inventory must be a path (a string)"),
        ('[tool.dmvpnlint]\nselect = [\n',
         "pyproject.toml: not valid TOML: "),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path / "pyproject.toml", text), RULES)
    assert str(caught.value).startswith(message)
    assert message.endswith(": ") or str(caught.value) == message


def test_unknown_key_in_a_dedicated_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^\.dmvpnlint\.toml:2: unknown key 'colour' in "
                                          r"\.dmvpnlint\.toml; known keys"):
        load_config(write(tmp_path / ".dmvpnlint.toml", 'select = ["DMV1"]\ncolour = 1\n'),
                    RULES)


def test_locate_finds_dotted_quoted_and_nested_keys() -> None:
    text = ('[project]\nselect = 1\n[tool.dmvpnlint]\n  select = ["DMV1"]\n'
            'severity.DMV101 = "info"\n[tool.dmvpnlint."per-file-ignores"]\n"x.cfg" = []\n')
    assert locate(text, ("tool", "dmvpnlint"), "select") == 4
    assert locate(text, ("tool", "dmvpnlint", "severity"), "DMV101") == 5
    assert locate(text, ("tool", "dmvpnlint", "per-file-ignores"), "x.cfg") == 7
    assert locate(text, ("tool", "dmvpnlint"), "absent") == 3  # the table's header
    assert locate(text, ("nowhere",), "x") == 1


# --- through the command line ---------------------------------------------------------------


def broken_fleet(tmp_path: Path, config: str) -> Path:
    """The clean fleet with two findings: DMV101 (error) on spoke1, DMV118 (warning) on
    spoke2; and `config` as the project's pyproject.toml."""
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "ip nhrp network-id 100",
                               "ip nhrp network-id 101")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], "ip nhrp holdtime 300",
                               "ip nhrp holdtime 7200")
    for name, text in files.items():
        write(tmp_path / "fleet" / name, text)
    write(tmp_path / "pyproject.toml", config)
    return tmp_path / "fleet"


def found(document: dict) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["device"], f["severity"]) for f in document["findings"]]


def test_lint_without_a_table_reports_both(tmp_path: Path) -> None:
    code, document = lint_json(str(broken_fleet(tmp_path, '[project]\nname = "n"\n')))
    assert code == 1
    assert found(document) == [("DMV101", "spoke1", "error"), ("DMV118", "spoke2", "warning")]


def test_lint_reads_ignore_and_fail_on(tmp_path: Path) -> None:
    fleet = broken_fleet(tmp_path, '[tool.dmvpnlint]\nignore = ["DMV101"]\nfail-on = "warning"\n')
    code, document = lint_json(str(fleet))
    assert (code, found(document)) == (1, [("DMV118", "spoke2", "warning")])
    code, _ = lint_json(str(fleet), "--fail-on", "error")  # the command line wins
    assert code == 0


def test_lint_reads_severity_and_per_file_ignores(tmp_path: Path) -> None:
    fleet = broken_fleet(tmp_path, '[tool.dmvpnlint]\nseverity = {DMV101 = "info"}\n'
                                   '[tool.dmvpnlint.per-file-ignores]\n"fleet/spoke2.cfg" = '
                                   '["DMV118"]\n')
    code, document = lint_json(str(fleet))
    assert (code, found(document)) == (0, [("DMV101", "spoke1", "info")])


def test_command_line_select_replaces_the_files_selection(tmp_path: Path) -> None:
    fleet = broken_fleet(tmp_path, '[tool.dmvpnlint]\nselect = ["DMV7"]\nignore = ["DMV118"]\n')
    assert found(lint_json(str(fleet))[1]) == []
    assert found(lint_json(str(fleet), "--select", "DMV118")[1]) == [
        ("DMV118", "spoke2", "warning")]


def test_lint_uses_the_files_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = broken_fleet(tmp_path, '[tool.dmvpnlint]\ninventory = "inv/inventory.yaml"\n')
    write(tmp_path / "inv" / "inventory.yaml", "devices:\n  hub1:\n    colour: blue\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "fleet"]) == 2
    assert "inv/inventory.yaml:3" in capsys.readouterr().err


def test_lint_exits_2_on_a_config_mistake(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    broken_fleet(tmp_path, '[tool.dmvpnlint]\nselect = ["DMV1"]\nfail_on = "warning"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "fleet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("dmvpnlint: pyproject.toml:3: unknown key 'fail_on' in "
                            "[tool.dmvpnlint]; known keys: select, extend-select, ignore, "
                            "per-file-ignores, severity, fail-on, inventory\n")


def test_the_readme_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    [example] = [b for b in readme.split("```toml\n")[1:]]
    config = load_config(write(tmp_path / "pyproject.toml", example.split("```")[0]), RULES)
    assert config.select == ("DMV1", "DMV7") and config.fail_on is Severity.WARNING
    assert dict(config.severity) == {"DMV1": Severity.WARNING, "DMV101": Severity.ERROR}
