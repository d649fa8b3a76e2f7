"""The check side of the rule table: `@check("DMV101", Scope.CLOUD)` turns a function into a
`Check` value. `dmvpnlint.checks.ALL_CHECKS` lists them; a test pairs them with `rules/`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from dmvpnlint.engine.findings import Hit, Scope

CheckFunction = Callable[..., Iterable[Hit]]

#: Preconditions a check may declare with `@check(..., needs=...)`. The runner tests each once
#: per tunnel (or device) and calls the check only where all hold, so that ~50 checks x 10,000
#: devices are not called just to return at once. A check must still be correct without them
#: (tests call check functions directly); `needs` only spares calls that yield nothing.
#: interface scope: "dmvpn" (`Interface.is_dmvpn`), "hub" / "spoke" (a DMVPN tunnel with that
#: topology role), "protected" (has `tunnel protection`), "nat" (the device is behind NAT in
#: the inventory); device scope: "dmvpn" (the device has a DMVPN tunnel), "nat".
NEEDS: dict[Scope, frozenset[str]] = {
    Scope.INTERFACE: frozenset({"dmvpn", "hub", "spoke", "protected", "nat"}),
    Scope.DEVICE: frozenset({"dmvpn", "nat"}),
    Scope.CLOUD: frozenset(),
    Scope.FLEET: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Check:
    """A check function bound to its rule id and the scope the runner calls it for.

    Signatures by scope: device `f(ctx, device)`, interface `f(ctx, device, interface)`,
    cloud `f(ctx, cloud)`, fleet `f(ctx)`; each yields `Hit`s and never prints.
    """

    rule: str
    scope: Scope
    function: CheckFunction
    needs: frozenset[str] = field(default=frozenset())

    @property
    def name(self) -> str:
        return self.function.__name__

    def __call__(self, *args: Any) -> Iterable[Hit]:
        return self.function(*args)


def check(rule: str, scope: Scope, needs: Iterable[str] = ()) -> Callable[[CheckFunction], Check]:
    wanted = frozenset(needs)
    unknown = wanted - NEEDS[scope]
    if unknown:
        raise ValueError(f"{rule}: unknown precondition(s) {sorted(unknown)} for {scope.value} scope")

    def wrap(function: CheckFunction) -> Check:
        return Check(rule=rule, scope=scope, function=function, needs=wanted)

    return wrap
