"""Interface-name normalisation: `Tu0`, `tunnel 0` and `Tunnel0` are one interface.

Names are normalised once, where they are read (interface headers and every reference:
`tunnel source`, `update-source`, `af-interface`, `passive-interface`, static routes), so that
checks compare plain strings. IOS accepts any unambiguous prefix of an interface type; configs
and scripts use the conventional short forms (`Gi`, `Fa`, `Te`, `Po`, `Lo`, `Tu`), which this
table resolves the way IOS does. A name we cannot split into type and number is kept as written.
"""

from __future__ import annotations

from functools import lru_cache

# Canonical type names, in the order a bare prefix is resolved: the first type that starts
# with the prefix wins, so the common types come before rarer ones sharing a first letter.
INTERFACE_TYPES: tuple[str, ...] = (
    "Tunnel",
    "GigabitEthernet",
    "FastEthernet",
    "Ethernet",
    "Loopback",
    "TenGigabitEthernet",
    "TwentyFiveGigE",
    "FortyGigabitEthernet",
    "HundredGigE",
    "Port-channel",
    "Serial",
    "Vlan",
    "Dialer",
    "Cellular",
    "Virtual-Template",
    "Virtual-Access",
    "VirtualPortGroup",
    "Multilink",
    "BDI",
    "BVI",
    "ATM",
    "Async",
    "POS",
    "NVI",
    "Null",
    "Embedded-Service-Engine",
    "AppGigabitEthernet",
    "Wlan-GigabitEthernet",
    "Group-Async",
    "MFR",
)

# Short forms whose first-prefix resolution would be wrong or ambiguous.
_ALIASES: dict[str, str] = {
    "e": "Ethernet",
    "eth": "Ethernet",
    "te": "TenGigabitEthernet",
    "ten": "TenGigabitEthernet",
    "tengig": "TenGigabitEthernet",
    "twe": "TwentyFiveGigE",
    "fo": "FortyGigabitEthernet",
    "hu": "HundredGigE",
    "po": "Port-channel",
    "portchannel": "Port-channel",
    "vt": "Virtual-Template",
    "vi": "Virtual-Access",
    "mu": "Multilink",
    "nu": "Null",
    "a": "ATM",
}

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")


def _resolve_type(word: str) -> str | None:
    low = word.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    for kind in INTERFACE_TYPES:
        if kind.lower().startswith(low):
            return kind
    return None


@lru_cache(maxsize=8192)
def normalize_interface(name: str) -> str:
    """`tu0` -> `Tunnel0`, `GigabitEthernet 0/0/0` -> `GigabitEthernet0/0/0`.

    A name with no recognisable type and number (a hostname, `default`) is returned stripped
    but otherwise as written, so that a reference to it still reads like the config.
    """
    text = name.strip()
    i = 0
    while i < len(text) and text[i] in _NAME_CHARS:
        i += 1
    word, number = text[:i], text[i:].strip()
    if not word or not number or not number[0].isdigit() or " " in number:
        return text
    kind = _resolve_type(word)
    return f"{kind}{number}" if kind else text


def is_interface_keyword(word: str) -> bool:
    """True for `interface` and the abbreviations a script uses (`int`, `inter`, ...)."""
    low = word.lower()
    return len(low) >= 3 and "interface".startswith(low)
