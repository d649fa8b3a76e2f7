"""The one error `generate` raises for a request it cannot fulfil (CLI exit code 2).

Its text is the whole message: it starts with `file:line:` when one inventory line is to blame,
names the devices, clouds and values involved, and never holds a secret.
"""

from __future__ import annotations


class GenerateError(Exception):
    """An impossible or incomplete generation request, explained."""
