"""The IOS front end: running-config text -> `model.Device`, files and directories -> `Fleet`.

`parse_config` never raises on any text; `load_fleet` raises `InputError` for usage errors only
and reports every other bad input as a `Fleet.problems` entry (DMV004/DMV005).
"""

from __future__ import annotations

from dmvpnlint.frontend.build import build_device
from dmvpnlint.frontend.loader import InputError, load_fleet
from dmvpnlint.frontend.names import normalize_interface
from dmvpnlint.model import Device


def parse_config(text: str, file: str, default_name: str) -> Device:
    """One config's text -> Device; `file` goes into every Span, `default_name` is used when
    the config has no `hostname`. Never raises on any text."""
    return build_device(text, file, default_name)


__all__ = ["InputError", "load_fleet", "normalize_interface", "parse_config"]
