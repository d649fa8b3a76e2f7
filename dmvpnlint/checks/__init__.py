"""The check functions that `rules/` names, one module per family.

`ALL_CHECKS` is the check side of the rule table; a test pairs it with the files in `rules/`
(every rule has a check, every check a rule page).
"""

from dmvpnlint.checks import cloud, hygiene, inputs, nhrp, references, tunnel
from dmvpnlint.checks import crypto, mtu, nat
from dmvpnlint.checks import platform, routing
from dmvpnlint.engine.registry import Check


def _collect(*modules: object) -> tuple[Check, ...]:
    found = [v for m in modules for v in vars(m).values() if isinstance(v, Check)]
    return tuple(sorted(found, key=lambda c: c.rule))


ALL_CHECKS: tuple[Check, ...] = _collect(
    inputs, references, cloud, nhrp, tunnel, hygiene, crypto, nat, mtu, platform, routing
)
