"""One IOS command line -> one small immutable command value, through `ios.lark`.

A command value is a tuple `(tag, *values)`: the tag is the grammar alias (`"nhrp_nhs"`) and the
values are plain Python values (int, str, ipaddress objects, nested command tuples). It carries
no location, so the result of parsing a (start symbol, text) pair can be reused for every line
of every device that has the same text: fleets repeat themselves, and this memo is what makes a
10,000-spoke fleet fast. The Span is attached by the caller after the lookup.

A line the grammar does not understand gives a `Rejected` value whose `comment` says, in words,
what the grammar expected; it never raises.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, ip_address
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from dmvpnlint.frontend.fastpath import fast_parse

Command = tuple[Any, ...]

START_SYMBOLS: tuple[str, ...] = (
    "header_cmd",
    "global_cmd",
    "interface_cmd",
    "isakmp_policy_cmd",
    "isakmp_profile_cmd",
    "keyring_cmd",
    "transform_set_cmd",
    "ipsec_profile_cmd",
    "crypto_map_cmd",
    "ikev2_proposal_cmd",
    "ikev2_policy_cmd",
    "ikev2_keyring_cmd",
    "ikev2_peer_cmd",
    "ikev2_profile_cmd",
    "ip_vrf_cmd",
    "vrf_definition_cmd",
    "vrf_af_cmd",
    "eigrp_cmd",
    "eigrp_af_interface_cmd",
    "bgp_cmd",
    "ospf_cmd",
    "route_map_cmd",
    "line_vty_cmd",
)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A line the grammar did not accept, and why, in words (the DMV001 comment)."""

    comment: str


ParseResult = Command | Rejected


def _tagged(tag: str, children: list[Any]) -> Command:
    return (tag, *children)


def _ipv6(text: str) -> Any:
    return ip_address(text.split("/", 1)[0])


@v_args(inline=True)
class IosToCommand(Transformer):
    """Terminal callbacks turn tokens into plain values; every aliased rule becomes a tagged
    tuple without needing one method per alias (`__getattr__` below)."""

    def INT(self, token: Token) -> int:
        return int(token)

    def IPV4(self, token: Token) -> IPv4Address:
        return IPv4Address(str(token))

    def IPV6(self, token: Token) -> Any:
        return _ipv6(str(token))

    def WORD(self, token: Token) -> str:
        return str(token)

    def REST(self, token: Token) -> str:
        return " ".join(str(token).split())

    def SECONDARY(self, token: Token) -> bool:
        return True

    SHARED = NO_XAUTH = UNICAST = REQUIRE = SECONDARY

    def NAT_SIDE(self, token: Token) -> str:
        return str(token)

    SP_DIRECTION = RM_ACTION = RM_DIRECTION = ROUTE_MAP_KW = NAT_SIDE

    def ip_address(
        self, ip: IPv4Address, mask: IPv4Address, secondary: bool | None
    ) -> Command:
        # Built here, not in the fold, so that the memo keeps the made value.
        return ("ip_address", IPv4Interface(f"{ip}/{mask}"), bool(secondary))

    def ip_route(
        self, vrf: str | None, prefix: IPv4Address, mask: IPv4Address, *rest: str
    ) -> Command:
        return ("ip_route", vrf, IPv4Network(f"{prefix}/{mask}", strict=False), *rest)

    def tunnel_source(self, source: str, number: int | None) -> Command:
        # `tunnel source tunnel 0`: an interface name written with a space
        return ("tunnel_source", source if number is None else f"{source}{number}")

    def bgp_update_source(self, neighbor: str, source: str, number: int | None) -> Command:
        return ("bgp_update_source", neighbor, source if number is None else f"{source}{number}")

    def __getattr__(self, name: str) -> Callable[[list[Any]], Command]:
        # Rule names are lower case; terminal names are upper case and must stay unresolved
        # here, or lark would install a callback for every keyword.
        if name.startswith("_") or not name.islower():
            raise AttributeError(name)
        return partial(_tagged, name)


def _cache_path() -> str | bool:
    """A grammar cache file in the user's cache dir; False (no cache) if it cannot be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "dmvpnlint"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    return str(folder / "ios-lark.cache")


@cache
def ios_parser() -> Lark:
    """The one LALR parser for every block kind, loaded once per process (from cache)."""
    return Lark.open_from_package(
        "dmvpnlint.frontend",
        "ios.lark",
        ("",),
        parser="lalr",
        lexer="contextual",
        start=list(START_SYMBOLS),
        transformer=IosToCommand(),
        maybe_placeholders=True,
        cache=_cache_path(),
    )


@cache
def _terminal_words() -> dict[str, str]:
    words = {
        "WORD": "a name",
        "INT": "a number",
        "IPV4": "an IPv4 address",
        "IPV6": "an IPv6 address",
        "REST": "more text",
        "$END": "the end of the line",
        "<END-OF-FILE>": "the end of the line",
    }
    for term in ios_parser().terminals:
        if term.name not in words and term.pattern.type == "str":
            words[term.name] = repr(term.pattern.value)
    return words


def _expected_words(expected: set[str]) -> str:
    names = _terminal_words()
    said = sorted({names.get(e, e.lower()) for e in expected})
    if len(said) > 6:
        return f"one of {len(said)} keywords, such as {', '.join(said[:4])}"
    if len(said) == 1:
        return said[0]
    return ", ".join(said[:-1]) + " or " + said[-1]


_END_NAMES = frozenset({"$END", "<END-OF-FILE>"})


def explain(error: UnexpectedInput, text: str = "") -> str:
    """Turn a lark error into the DMV001 comment: what came, what was expected."""
    if isinstance(error, UnexpectedToken):
        expected = set(error.expected or ())
        if error.token.type == "$END":
            return f"incomplete command: expected {_expected_words(expected)}"
        if expected <= _END_NAMES:
            return f"unexpected text after the command: {str(error.token)!r}"
        if len(expected) > 6 and error.column == 1:
            return "unknown command"
        return f"expected {_expected_words(expected)}, not {str(error.token)!r}"
    if isinstance(error, UnexpectedCharacters):
        allowed = set(error.allowed or ())
        rest = text[error.pos_in_stream :].split()
        word = rest[0] if rest else ""
        if not allowed or allowed <= _END_NAMES:
            return f"unexpected text after the command: {word!r}"
        if len(allowed) > 6 and error.column == 1:
            return "unknown command"
        return f"expected {_expected_words(allowed)}, not {word!r}"
    return "not understood"


# Abbreviations scripts use in commands we parse; tried only after a line fails as written.
_ABBREVIATIONS: dict[str, str] = {
    "add": "address",
    "addr": "address",
    "sh": "shutdown",
    "shut": "shutdown",
    "net": "network",
    "desc": "description",
    "tun": "tunnel",
    "prot": "protection",
    "dest": "destination",
    "enc": "encryption",
    "auth": "authentication",
}


def _expand(text: str) -> str | None:
    words = text.split()
    expanded = [_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(expanded) if expanded != words else None


def parse_line(start: str, text: str) -> ParseResult:
    """Parse one command with the block kind's start symbol; never raises.

    The frequent per-device commands are read by `fastpath` (25 times faster); everything
    else, and anything the fast path is not sure about, goes to lark.
    """
    found = fast_parse(start, text)
    return found if found is not None else lark_parse_line(start, text)


def lark_parse_line(start: str, text: str) -> ParseResult:
    """Parse one command with lark alone: the reference the fast path is tested against."""
    parser = ios_parser()
    try:
        return parser.parse(text, start=start)
    except UnexpectedInput as error:
        retry = _expand(text)
        if retry is not None:
            try:
                return parser.parse(retry, start=start)
            except (LarkError, ValueError):
                pass
        return Rejected(explain(error, text))
    except ValueError as error:  # a terminal callback refused a value (999.1.1.1)
        return Rejected(f"invalid value: {error}")
    except LarkError as error:
        return Rejected(f"not understood: {type(error).__name__}")


class LineParser:
    """Parses lines through a memo local to one loading run: (start, text) -> result.

    `lark_keys` lists, in order, the keys whose results came from lark: a worker process sends
    only those to the process that builds the Devices, which redoes the fast-path lines itself
    (cheaper than unpickling their ipaddress values).
    """

    __slots__ = ("memo", "lark_keys")

    def __init__(self) -> None:
        self.memo: dict[tuple[str, str], ParseResult] = {}
        self.lark_keys: list[tuple[str, str]] = []

    def __call__(self, start: str, text: str) -> ParseResult:
        key = (start, text)
        found = self.memo.get(key)
        if found is None:
            found = fast_parse(start, text)
            if found is None:
                found = lark_parse_line(start, text)
                self.lark_keys.append(key)
            self.memo[key] = found
        return found
