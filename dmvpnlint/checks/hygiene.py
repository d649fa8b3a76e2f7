"""Device security hygiene the guide's own examples get wrong (DMV701)."""

from __future__ import annotations

from collections.abc import Iterator

from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device


@check("DMV701", Scope.DEVICE)
def vty_without_login(ctx: LintContext, device: Device) -> Iterator[Hit]:
    for line in device.vty_lines:
        if line.login is None or line.login.value:
            continue
        yield Hit(
            device=device.name,
            span=line.login.span,
            message=(
                f"line vty {line.first} {line.last} on {device.name} has 'no login': anyone "
                "who reaches the router gets a shell without a password"
            ),
            hint="use 'login local' (with usernames) or AAA, and 'transport input ssh'",
            subject=(f"vty {line.first} {line.last}",),
        )
