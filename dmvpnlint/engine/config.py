"""Project configuration: `[tool.dmvpnlint]` in `pyproject.toml`, or `.dmvpnlint.toml`.

A team writes its rule selection down once, beside its configs, instead of in every CI job.
The nearest file wins, as with ruff: from the directory of the linted paths (their common
directory when there are several) upward, the first directory with a `.dmvpnlint.toml`, or a
`pyproject.toml` that has a `[tool.dmvpnlint]` table, gives the whole configuration (files are
not merged). In `.dmvpnlint.toml` the keys sit at the top level (a `[tool.dmvpnlint]` table
there is read too). Keys:

    select = ["DMV1", "DMV7"]          rules to run (ids or prefixes); default: all
    extend-select = ["DMV001"]         added to `select`
    ignore = ["DMV118"]                removed from the selection
    per-file-ignores = {"legacy/*.cfg" = ["DMV7"]}   globs relative to the config's directory
    severity = {DMV118 = "error"}      per-rule (or prefix) severity overrides
    fail-on = "warning"                lowest severity that fails the run
    inventory = "inventory.yaml"       relative to the config's directory

Command-line options override the file: `--select` replaces its select, extend-select and
ignore; `--ignore` adds to its ignore; `--fail-on` and `--inventory` replace its values.
Mistakes (unknown keys, wrong types, unknown rule ids, bad severities) are `ConfigError`s that
name the file and the line: tomllib reports no positions, so the line is found in the text.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.engine.rules import Rule, select_rules

DEDICATED_FILE = ".dmvpnlint.toml"
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "dmvpnlint")
KNOWN_KEYS = ("select", "extend-select", "ignore", "per-file-ignores", "severity", "fail-on",
              "inventory")


class ConfigError(ValueError):
    """A project configuration the user must fix; the message starts with `file:line:`."""


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """One configuration file's settings, validated; `path` is None for the defaults."""

    path: str | None = None
    root: str = "."
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity | None = None
    inventory: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """What a lint run uses once the file and the command line are combined."""

    selected: frozenset[str]
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    inventory: str | None = None
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    root: str = "."
    config_path: str | None = None


# --- discovery ------------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is below it, else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def start_directory(paths: Sequence[str]) -> Path:
    """The directory the search starts from: the linted paths' common directory."""
    dirs = []
    for given in paths or ["."]:
        path = Path(given).resolve()
        dirs.append(path if path.is_dir() else path.parent)
    return Path(os.path.commonpath(dirs))


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "dmvpnlint" not in text:  # most pyproject.toml files: no parse needed
        return False
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True  # it means to configure us: let load_config report the syntax error
    return isinstance(document.get("tool"), dict) and "dmvpnlint" in document["tool"]


def find_config(paths: Sequence[str]) -> Path | None:
    """The nearest configuration file above the linted paths, or None."""
    start = start_directory(paths)
    for directory in (start, *start.parents):
        dedicated = directory / DEDICATED_FILE
        if dedicated.is_file():
            return dedicated
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


# --- locating keys in the text ------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?([^\]]*)\]\]?")
_KEY_PART = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+')
_ASSIGNMENT = re.compile(r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\s-])+?)\s*=""")


def _parts(text: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _KEY_PART.findall(text))


def locate(text: str, table: tuple[str, ...], key: str | None = None) -> int:
    """The 1-based line that defines `table`.`key` (or the table itself when `key` is None);
    the line of the nearest enclosing definition that exists, or 1."""
    wanted = table + ((key,) if key is not None else ())
    best = (0, 1)  # (how many parts matched, line)
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = _parts(header.group(1))
            path = current
        else:
            assignment = _ASSIGNMENT.match(line)
            if not assignment:
                continue
            path = current + _parts(assignment.group(1))
        if path == wanted:
            return number
        depth = len(path)
        if depth > best[0] and wanted[:depth] == path:
            best = (depth, number)
    return best[1]


# --- loading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    """A configuration file being validated: where its keys are and how to name a line."""

    shown: str
    text: str
    table: tuple[str, ...]

    def error(self, message: str, *keys: str) -> ConfigError:
        table = self.table + keys[:-1]
        line = locate(self.text, table, keys[-1] if keys else None)
        return ConfigError(f"{self.shown}:{line}: {message}")


def _string_list(source: _Source, value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise source.error(f"{key} must be a list of rule ids or prefixes, such as "
                           f'["DMV1", "DMV701"]', key)
    return tuple(value)


def _rule_ids(source: _Source, rules: Mapping[str, Rule], ids: Iterable[str],
              *keys: str) -> None:
    for rule_id in ids:
        try:
            select_rules(dict(rules), [rule_id], None)
        except ValueError as exc:
            raise source.error(f"{'.'.join(keys)}: {exc}; see 'dmvpnlint rules'",
                               *keys) from None


def _severity(source: _Source, value: Any, *keys: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise source.error(f"{'.'.join(keys)} = {value!r}: expected one of "
                           f"{', '.join(s.value for s in Severity)}", *keys) from None


def _table(path: Path, document: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Where our keys are in the document: `[tool.dmvpnlint]`, or the top of a dedicated file."""
    tool = document.get("tool")
    nested = tool.get("dmvpnlint") if isinstance(tool, dict) else None
    if path.name == PYPROJECT or (set(document) == {"tool"} and nested is not None):
        return TABLE, nested if isinstance(nested, dict) else {}
    return (), document


def load_config(path: Path, rules: Mapping[str, Rule]) -> ProjectConfig:
    """Read and validate one configuration file against the known rules."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read: {getattr(exc, 'strerror', None) or exc}")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: not valid TOML: {exc}") from None
    table, values = _table(path, document)
    source = _Source(shown, text, table)
    where = f"[{'.'.join(table)}]" if table else shown
    for key in values:
        if key not in KNOWN_KEYS:
            raise source.error(f"unknown key {key!r} in {where}; known keys: "
                               f"{', '.join(KNOWN_KEYS)}", key)

    select = extend = ignore = None
    if "select" in values:
        select = _string_list(source, values["select"], "select")
        _rule_ids(source, rules, select, "select")
    if "extend-select" in values:
        extend = _string_list(source, values["extend-select"], "extend-select")
        _rule_ids(source, rules, extend, "extend-select")
    if "ignore" in values:
        ignore = _string_list(source, values["ignore"], "ignore")
        _rule_ids(source, rules, ignore, "ignore")

    per_file: list[tuple[str, tuple[str, ...]]] = []
    raw = values.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        raise source.error('per-file-ignores must be a table of glob = [rule ids], such as '
                           '{"legacy/*.cfg" = ["DMV7"]}', "per-file-ignores")
    for pattern, ids in raw.items():
        if not isinstance(ids, list) or not all(isinstance(v, str) for v in ids):
            raise source.error(f"per-file-ignores.{pattern!r} must be a list of rule ids",
                               "per-file-ignores", pattern)
        _rule_ids(source, rules, ids, "per-file-ignores", pattern)
        per_file.append((pattern, tuple(ids)))

    overrides: list[tuple[str, Severity]] = []
    raw = values.get("severity", {})
    if not isinstance(raw, dict):
        raise source.error('severity must be a table of rule = severity, such as '
                           '{DMV118 = "error"}', "severity")
    for rule_id, level in raw.items():
        _rule_ids(source, rules, [rule_id], "severity", rule_id)
        overrides.append((rule_id, _severity(source, level, "severity", rule_id)))

    fail_on = _severity(source, values["fail-on"], "fail-on") if "fail-on" in values else None
    inventory = values.get("inventory")
    if inventory is not None:
        if not isinstance(inventory, str):
            raise source.error("inventory must be a path (a string)", "inventory")
        inventory = display_path(path.parent / inventory)
    return ProjectConfig(
        path=shown,
        root=str(path.parent.resolve()),
        select=select,
        extend_select=extend or (),
        ignore=ignore or (),
        per_file_ignores=tuple(per_file),
        severity=tuple(overrides),
        fail_on=fail_on,
        inventory=inventory,
    )


def discover(paths: Sequence[str], rules: Mapping[str, Rule]) -> ProjectConfig:
    """The configuration for a run over `paths`: the nearest file's, or the defaults."""
    found = find_config(paths)
    return load_config(found, rules) if found is not None else ProjectConfig()


# --- combining with the command line -------------------------------------------------------


def resolve_settings(
    config: ProjectConfig,
    rules: Mapping[str, Rule],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    inventory: str | None = None,
) -> Settings:
    """Combine the file with the command line (already validated ids); the CLI wins."""
    catalog = dict(rules)
    if select:
        selected = select_rules(catalog, select, ignore)
    else:
        chosen = [*(config.select or ["ALL"]), *config.extend_select]
        selected = select_rules(catalog, chosen, [*config.ignore, *(ignore or [])])
    overrides: dict[str, Severity] = {}
    for prefix, level in config.severity:  # in file order: a later, narrower entry wins
        for rule_id in select_rules(catalog, [prefix], None):
            overrides[rule_id] = level
    per_file = tuple((pattern, frozenset(select_rules(catalog, list(ids), None)))
                     for pattern, ids in config.per_file_ignores)
    return Settings(
        selected=frozenset(selected),
        severity_overrides=overrides,
        fail_on=Severity(fail_on) if fail_on else (config.fail_on or Severity.ERROR),
        inventory=inventory if inventory is not None else config.inventory,
        per_file_ignores=per_file,
        root=config.root,
        config_path=config.path,
    )


def relative_to_root(file: str, root: str, dirs: dict[str, str | None] | None = None) -> str:
    """A finding's file as per-file-ignores patterns see it: relative to the config's
    directory, `/`-separated; a file outside that directory keeps its path as given.

    `dirs` caches each directory's relative form: a fleet is thousands of files in a few
    directories, and resolving a path is several system calls."""
    path = Path(file)
    cache: dict[str, str | None] = {} if dirs is None else dirs
    parent = str(path.parent)
    if parent not in cache:
        try:
            cache[parent] = path.parent.resolve().relative_to(root).as_posix()
        except ValueError:
            cache[parent] = None
    relative = cache[parent]
    if relative is None:
        return path.as_posix()
    return path.name if relative == "." else f"{relative}/{path.name}"


def matches(pattern: str, relative: str) -> bool:
    """A pattern without `/` matches a file name anywhere; one with `/` the relative path
    (`*` also crosses `/`, as in fnmatch)."""
    if "/" not in pattern:
        return fnmatchcase(relative.rsplit("/", 1)[-1], pattern)
    return fnmatchcase(relative, pattern.removeprefix("./"))


def apply_per_file_ignores(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """The findings that no per-file-ignores entry removes; one path lookup per file."""
    if not settings.per_file_ignores:
        return list(findings)
    ignored_by_file: dict[str, frozenset[str]] = {}
    dirs: dict[str, str | None] = {}

    def ignored(file: str) -> frozenset[str]:
        if file not in ignored_by_file:
            relative = relative_to_root(file, settings.root, dirs)
            ids: set[str] = set()
            for pattern, rule_ids in settings.per_file_ignores:
                if matches(pattern, relative):
                    ids |= rule_ids
            ignored_by_file[file] = frozenset(ids)
        return ignored_by_file[file]

    return [f for f in findings if f.rule not in ignored(f.file)]
