"""Load `inventory.yaml` (INTERFACES.md, "Inventory") into located model values.

The inventory is composed with PyYAML's node API rather than `yaml.safe_load`, because only
nodes keep their marks: every fact of `model.InventoryFacts` must point at its inventory line,
and every mistake must be reported as `file:line: message` (the CLI exits 2 on it). Nothing
here raises anything but `InventoryError`, whatever the file holds.

Semantics worth knowing:
- `defaults:` apply to every device unless the device sets the key itself; a default keeps the
  span of the `defaults:` line that set it.
- A key whose value is null (`platform:` or `platform: ~`) is absent for that device and
  clears any default.
- YAML merge keys (`<<: *base`) work as in any YAML loader; merged values point at the lines
  of the anchored mapping they come from.
- Platform and supervisor names stay as written (stripped); aliases are normalised later.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address
from typing import Any, Literal, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dmvpnlint.model import InventoryFacts, L, NatFacts, Release, Span

TOP_LEVEL_KEYS = ("defaults", "devices", "clouds")
DEVICE_KEYS = ("config", "role", "platform", "supervisor", "ios", "nat")
DEFAULT_KEYS = ("role", "platform", "supervisor", "ios", "nat")  # `config` is per device
NAT_KEYS = ("outside", "type")
ROLES = ("hub", "spoke")
NAT_TYPES = ("static", "pat")

_TAG = "tag:yaml.org,2002:"
_TAG_WORDS = {
    _TAG + "str": "a string",
    _TAG + "int": "an integer",
    _TAG + "float": "a number",
    _TAG + "bool": "a boolean",
    _TAG + "null": "null",
    _TAG + "timestamp": "a date",
    _TAG + "binary": "binary data",
}


class InventoryError(Exception):
    """A bad inventory, located: `str(e)` is `file:line: message`."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class InventoryDevice:
    """One entry of `devices:` with the defaults already applied."""

    name: str
    span: Span  # the line of the device's key in the inventory
    config: str | None  # joined with the inventory's folder; None when absent
    config_span: Span | None
    facts: InventoryFacts


@dataclass(frozen=True, slots=True)
class Inventory:
    """A loaded inventory: devices by name, in file order, and the clouds left raw."""

    file: str
    devices: dict[str, InventoryDevice]
    clouds: dict[str, Any]  # the raw `clouds:` mapping, for the generator; {} when absent


def load_inventory(path: str) -> Inventory:
    """Read, compose and validate the inventory at `path` (spans use `path` as given)."""
    text = _read_text(path)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as e:  # a control character: checked before any parsing
        raise _reader_error(path, text, e) from None
    try:
        return _Reader(path, loader).inventory()
    except RecursionError:  # PyYAML composes recursively: `[[[[...` thousands deep
        raise InventoryError(path, 1, "YAML nesting too deep") from None
    finally:
        loader.dispose()


def _reader_error(path: str, text: str, e: yaml.reader.ReaderError) -> InventoryError:
    line = text[: e.position].count("\n") + 1
    return InventoryError(path, line, f"YAML syntax error: {e.reason} (#x{e.character:04x})")


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as e:
        raise InventoryError(path, 1, f"cannot read inventory: {e.strerror or e}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InventoryError(
            path, line, f"not UTF-8 text (byte 0x{data[e.start]:02x})"
        ) from None


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _kind(node: Node) -> str:
    """What a node is, in words, for "expected X, got Y" messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return _TAG_WORDS.get(node.tag, "a scalar")


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null"


class _Reader:
    """One pass over the composed node tree of one inventory file."""

    def __init__(self, path: str, loader: yaml.SafeLoader) -> None:
        self.path = path
        self.loader = loader
        # id(mapping node) -> (duplicate key node, first key node), found before merging
        self.duplicates: dict[int, tuple[Node, Node]] = {}

    def error(self, node: Node | int, message: str) -> InventoryError:
        line = node if isinstance(node, int) else _line(node)
        return InventoryError(self.path, line, message)

    def span(self, node: Node) -> Span:
        return Span(self.path, _line(node))

    # --- YAML level ---------------------------------------------------------------------

    def compose(self) -> Node | None:
        try:
            root = self.loader.get_single_node()
            if root is not None:
                self.find_duplicates(root, set(), set())
            return root
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            problem = e.problem or "invalid YAML"
            if e.context and e.context.startswith("while"):
                problem = f"{problem} ({e.context})"
            elif e.context:
                problem = f"{e.context}, {problem}"
            raise InventoryError(
                self.path, mark.line + 1 if mark else 1, f"YAML syntax error: {problem}"
            ) from None
        except yaml.reader.ReaderError as e:
            raise _reader_error(self.path, self.loader.buffer, e) from None
        except yaml.YAMLError as e:
            raise InventoryError(self.path, 1, f"YAML syntax error: {e}") from None

    def find_duplicates(self, node: Node, done: set[int], path: set[int]) -> None:
        """Note the first key written twice in each mapping of the file; refuse cycles.

        Runs before merge keys are flattened (a key that overrides a merged one is no
        duplicate); `pairs` raises with the mapping's name when it reads one. `done` guards
        against aliases visiting a node twice; `path` finds an alias inside its own anchor
        (`&a {<<: *a}`), which would send PyYAML's merge and construction into endless recursion.
        """
        if id(node) in path:
            raise self.error(node, "YAML syntax error: an alias refers to a node that contains it")
        if id(node) in done:
            return
        done.add(id(node))
        path.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[tuple[str, str], Node] = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.tag != _TAG + "merge":
                    earlier = first.setdefault((key.tag, key.value), key)
                    if earlier is not key:
                        self.duplicates.setdefault(id(node), (key, earlier))
                self.find_duplicates(key, done, path)
                self.find_duplicates(value, done, path)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                self.find_duplicates(item, done, path)
        path.discard(id(node))

    def refuse_duplicates(self, node: Node, where: str) -> None:
        """Raise for a duplicate key in `node` or in a mapping merged into it."""
        if isinstance(node, SequenceNode):
            for item in node.value:
                self.refuse_duplicates(item, where)
            return
        if not isinstance(node, MappingNode):
            return
        if found := self.duplicates.get(id(node)):
            key, earlier = found
            raise self.error(
                key, f"duplicate key '{key.value}' in {where} (first at line {_line(earlier)})"
            )
        for key, value in node.value:
            if key.tag == _TAG + "merge":
                self.refuse_duplicates(value, where)

    def pairs(self, node: Node | None, where: str) -> list[tuple[str, Node, Node]]:
        """A mapping's (key text, key node, value node), merge keys resolved, last wins."""
        if node is None or _is_null(node):
            return []
        if not isinstance(node, MappingNode):
            raise self.error(node, f"expected a mapping for {where}, got {_kind(node)}")
        self.refuse_duplicates(node, where)
        try:
            self.loader.flatten_mapping(node)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or node.start_mark
            raise InventoryError(
                self.path, mark.line + 1, f"bad merge key in {where}: {e.problem}"
            ) from None
        result: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                raise self.error(key, f"expected a string key in {where}, got {_kind(key)}")
            result[key.value] = (key, value)
        return [(text, key, value) for text, (key, value) in result.items()]

    # --- inventory level ----------------------------------------------------------------

    def inventory(self) -> Inventory:
        root = self.compose()
        if root is None or _is_null(root):
            raise self.error(1, "empty inventory (expected a mapping with 'devices:')")
        top = self.pairs(root, "the inventory")
        for text, key, _ in top:
            if text not in TOP_LEVEL_KEYS:
                raise self.error(
                    key, f"unknown top-level key '{text}' (known: {', '.join(TOP_LEVEL_KEYS)})"
                )
        sections = {text: value for text, _, value in top}
        defaults = self.defaults(sections.get("defaults"))
        devices: dict[str, InventoryDevice] = {}
        for _, key, value in self.pairs(sections.get("devices"), "devices"):
            name = self.device_name(key)
            devices[name] = self.device(name, key, value, defaults)
        return Inventory(self.path, devices, self.clouds(sections.get("clouds")))

    def defaults(self, node: Node | None) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        for text, key, value in self.pairs(node, "defaults"):
            if text not in DEFAULT_KEYS:
                raise self.error(
                    key, f"unknown key '{text}' in defaults (known: {', '.join(DEFAULT_KEYS)})"
                )
            facts[text] = self.fact(text, key, value, "defaults")
        return facts

    def device_name(self, key: Node) -> str:
        if not isinstance(key, ScalarNode) or key.tag != _TAG + "str":
            shown = f" {key.value}" if isinstance(key, ScalarNode) else ""
            hint = f" (quote it: \"{key.value}\")" if isinstance(key, ScalarNode) else ""
            raise self.error(
                key, f"device name{shown} is {_kind(key)}, not a string{hint}"
            )
        if not key.value.strip():
            raise self.error(key, "empty device name")
        return cast(str, key.value)

    def device(
        self, name: str, key: Node, node: Node, defaults: dict[str, Any]
    ) -> InventoryDevice:
        where = f"device '{name}'"
        facts = dict(defaults)
        config: str | None = None
        config_span: Span | None = None
        for text, fact_key, value in self.pairs(node, where):
            if text not in DEVICE_KEYS:
                raise self.error(
                    fact_key,
                    f"unknown key '{text}' in {where} (known: {', '.join(DEVICE_KEYS)})",
                )
            if text == "config":
                relative = self.text(value, "config", where)
                if relative is not None:
                    config = os.path.join(os.path.dirname(self.path), relative)
                    config_span = self.span(fact_key)
            else:
                facts[text] = self.fact(text, fact_key, value, where)
        return InventoryDevice(
            name=name,
            span=self.span(key),
            config=config,
            config_span=config_span,
            facts=InventoryFacts(**facts),
        )

    def clouds(self, node: Node | None) -> dict[str, Any]:
        if node is None or _is_null(node):
            return {}
        if not isinstance(node, MappingNode):
            raise self.error(node, f"expected a mapping for clouds, got {_kind(node)}")
        self.refuse_nested_duplicates(node, "clouds", set())
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or node.start_mark
            raise InventoryError(self.path, mark.line + 1, f"bad clouds: {e.problem}") from None
        return cast(dict[str, Any], value)

    def refuse_nested_duplicates(self, node: Node, where: str, seen: set[int]) -> None:
        """`refuse_duplicates` over a whole subtree that is kept raw (clouds)."""
        if id(node) in seen:
            return
        seen.add(id(node))
        self.refuse_duplicates(node, where)
        children: list[Node] = []
        if isinstance(node, MappingNode):
            children = [value for _, value in node.value]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        for child in children:
            self.refuse_nested_duplicates(child, where, seen)

    # --- values -------------------------------------------------------------------------

    def text(self, node: Node, what: str, where: str) -> str | None:
        """A scalar as written and stripped (`platform: 6500` is the text '6500'); None for null."""
        if _is_null(node):
            return None
        if not isinstance(node, ScalarNode):
            raise self.error(node, f"expected a string for {what} of {where}, got {_kind(node)}")
        value = cast(str, node.value).strip()
        if not value:
            raise self.error(node, f"empty value for {what} of {where}")
        return value

    def choice(self, node: Node, what: str, where: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(node, what, where)
        if value is not None and value not in allowed:
            raise self.error(
                node, f"bad value '{value}' for {what} of {where} (expected: {', '.join(allowed)})"
            )
        return value

    def fact(self, name: str, key: Node, node: Node, where: str) -> Any:
        """The located model value of one inventory key (None when the value is null)."""
        if name == "nat":
            return self.nat(key, node, where)
        if name == "role":
            value: Any = self.choice(node, "role", where, ROLES)
        elif name == "ios":
            text = self.text(node, "ios", where)
            value = None if text is None else self.release(node, text, where)
        else:
            value = self.text(node, name, where)
        return None if value is None else L(value, self.span(key))

    def release(self, node: Node, text: str, where: str) -> Release:
        try:
            return Release.parse(text)
        except ValueError:
            raise self.error(
                node,
                f"bad release '{text}' for ios of {where}"
                " (expected e.g. 12.4(6)T, 15.9(3)M6 or 17.11.1a)",
            ) from None

    def nat(self, key: Node, node: Node, where: str) -> NatFacts | None:
        if _is_null(node):
            return None
        found: dict[str, Node] = {}
        for text, sub_key, value in self.pairs(node, f"nat of {where}"):
            if text not in NAT_KEYS:
                raise self.error(
                    sub_key,
                    f"unknown key '{text}' in nat of {where} (known: {', '.join(NAT_KEYS)})",
                )
            found[text] = value
        for required in NAT_KEYS:
            if required not in found or _is_null(found[required]):
                raise self.error(key, f"missing key '{required}' in nat of {where}")
        outside_node = found["outside"]
        outside = self.text(outside_node, "nat.outside", where)
        try:
            address = IPv4Address(outside)
        except AddressValueError:
            raise self.error(
                outside_node, f"bad address '{outside}' for nat.outside of {where}"
            ) from None
        nat_type = self.choice(found["type"], "nat.type", where, NAT_TYPES)
        return NatFacts(address, cast(Literal["static", "pat"], nat_type), self.span(key))
