"""Remove secret values from raw config text before it can reach a report.

The model keeps secrets as digests; raw text only survives in parse notes (DMV001), whose line
may be an unusual form of a secret-bearing command. Anything after a secret-introducing keyword
is replaced, so a note says which command it was without saying the value.
"""

from __future__ import annotations

import re

_SECRET_AFTER = re.compile(
    r"(?P<head>(?<!tunnel )\b(?:authentication|key-string|key|password|secret|community|pre-shared-key"
    r"(?:\s+(?:local|remote))?|psk)\b(?:\s+[0-9])?)\s+\S.*$",
    re.IGNORECASE,
)


def redact(line: str) -> str:
    """`ip nhrp authentication foo bar` -> `ip nhrp authentication <redacted>`."""
    return _SECRET_AFTER.sub(lambda m: f"{m['head']} <redacted>", line)
