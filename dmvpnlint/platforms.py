"""Platform facts from the inventory: which family a device is, and which supervisor it has.

The guide's Catalyst 6500 / 7600 restrictions apply to a family, whatever model number the
user typed (`WS-C6509-E`, `c7600`, `CISCO7609-S`, `cat6500`). Anything that is not one of the
two families is a generic IOS router, to which none of those restrictions apply.
"""

from __future__ import annotations

import re
from typing import Literal

from dmvpnlint.model import Device

Family = Literal["cat6500", "cat7600", "generic"]

_CAT6500 = re.compile(r"^(?:cat(?:alyst)?[-_ ]?|c|ws-c)?65(?:\d\d|xx)(?:\b|[-_a-z].*)?$")
_CAT7600 = re.compile(r"^(?:cat(?:alyst)?[-_ ]?|c|cisco[-_ ]?)?76(?:\d\d|xx)(?:\b|[-_a-z].*)?$")
_SUP720 = re.compile(r"(?:sup(?:ervisor)?[-_ ]?(?:engine[-_ ]?)?|rsp|s)720", re.I)


def platform_family(text: str | None) -> Family:
    """`c6500`, `6500`, `WS-C6509-E`, `cat6500` -> cat6500; `7600`, `CISCO7609-S`, `cat7600`
    -> cat7600; anything else (or nothing) -> generic."""
    if not text:
        return "generic"
    word = text.strip().lower().replace(" ", "")
    if _CAT6500.match(word):
        return "cat6500"
    if _CAT7600.match(word):
        return "cat7600"
    return "generic"


def family_of(device: Device) -> Family:
    platform = device.inventory.platform
    return platform_family(platform.value if platform else None)


def is_c6500_class(device: Device) -> bool:
    """A Catalyst 6500 or a 7600: the platforms of the guide's hardware restrictions."""
    return family_of(device) != "generic"


def platform_label(device: Device) -> str:
    """`hub1 (cat6500, inventory platform WS-C6509-E)` style text for messages."""
    platform = device.inventory.platform
    family = family_of(device)
    if platform is None:
        return device.name
    if platform.value.lower() == family:
        return f"{device.name} ({family})"
    return f"{device.name} ({family}: {platform.value})"


def is_sup720(text: str) -> bool:
    """`sup720`, `Supervisor Engine 720`, `WS-SUP720-3BXL`, `VS-S720-10G`: a Sup720 (also the
    7600's RSP720, which is built on it). `sup2`, `sup32`, `sup2t` are not."""
    return bool(_SUP720.search(text.replace(" ", "")) or _SUP720.search(text))


__all__ = ["Family", "family_of", "is_c6500_class", "is_sup720", "platform_family", "platform_label"]
