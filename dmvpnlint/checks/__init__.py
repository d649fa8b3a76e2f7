"""The check functions that `rules/` names, one module per family."""

from dmvpnlint.engine.registry import Check

ALL_CHECKS: tuple[Check, ...] = ()
