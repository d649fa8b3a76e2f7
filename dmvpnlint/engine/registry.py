"""The check side of the rule table: `@check("DMV101", Scope.CLOUD)` turns a function into a
`Check` value. `dmvpnlint.checks.ALL_CHECKS` lists them; a test pairs them with `rules/`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dmvpnlint.engine.findings import Hit, Scope

CheckFunction = Callable[..., Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Check:
    """A check function bound to its rule id and the scope the runner calls it for.

    Signatures by scope: device `f(ctx, device)`, interface `f(ctx, device, interface)`,
    cloud `f(ctx, cloud)`, fleet `f(ctx)`; each yields `Hit`s and never prints.
    """

    rule: str
    scope: Scope
    function: CheckFunction

    @property
    def name(self) -> str:
        return self.function.__name__

    def __call__(self, *args: Any) -> Iterable[Hit]:
        return self.function(*args)


def check(rule: str, scope: Scope) -> Callable[[CheckFunction], Check]:
    def wrap(function: CheckFunction) -> Check:
        return Check(rule=rule, scope=scope, function=function)

    return wrap
