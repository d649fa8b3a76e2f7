"""Secrets for generation: read from the environment, rendered into configs, never reported.

The inventory names a variable (`psk: env:DMVPN_PSK`); the value exists only inside
`SecretText`, whose `repr`/`str` are redacted, so that an allocation summary, an error message or
a log line cannot show it by accident. Templates call `reveal()`: a config is the one place a
key must be written.

An NHRP authentication string the inventory leaves out is derived from the cloud's pre-shared
key and the cloud's name (HMAC-SHA256): stable across runs, different for every cloud (so two
clouds on one hub never share one, rule DMV116), 8 characters (IOS keeps 8, rule DMV209), and
not guessable from the inventory alone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from dmvpnlint.generate.errors import GenerateError
from dmvpnlint.generate.spec import SecretRef
from dmvpnlint.model import Secret

NHRP_AUTH_LENGTH = 8
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class SecretText:
    """A secret value that prints as `<redacted>`; `reveal()` is for templates only."""

    _text: str
    origin: str  # `env:DMVPN_PSK` or `derived`: what a report may say of it

    def reveal(self) -> str:
        return self._text

    @property
    def digest(self) -> Secret:
        return Secret.of(self._text)

    @property
    def length(self) -> int:
        return len(self._text)

    def __repr__(self) -> str:
        return f"SecretText(<redacted>, origin={self.origin!r})"

    __str__ = __repr__


def resolve(ref: SecretRef, environ: Mapping[str, str], what: str) -> SecretText:
    """The value of `env:VAR`; a GenerateError at the inventory line when it is unset or empty."""
    value = environ.get(ref.variable)
    if not value:
        state = "is not set" if value is None else "is empty"
        raise GenerateError(
            f"{ref.span}: {what} comes from environment variable {ref.variable}, which {state}; "
            f"export {ref.variable}=... before running generate"
        )
    if any(c.isspace() for c in value):
        raise GenerateError(
            f"{ref.span}: {what} from environment variable {ref.variable} contains white space, "
            "which an IOS command line cannot carry"
        )
    return SecretText(value, str(ref))


def derive_nhrp_authentication(psk: SecretText, cloud: str) -> SecretText:
    """An 8-character NHRP authentication string for `cloud`, derived from its pre-shared key."""
    mac = hmac.new(psk.reveal().encode(), f"dmvpnlint nhrp-auth {cloud}".encode(), hashlib.sha256)
    number = int.from_bytes(mac.digest(), "big")
    chars = []
    for _ in range(NHRP_AUTH_LENGTH):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return SecretText("".join(chars), "derived")
