"""What the front end could not read: unparsed commands (DMV001), duplicate or missing
devices (DMV004), unreadable files (DMV005), suppression comments that are wrong (DMV006).
Located like any other finding, so a broken file never stops the rest of the fleet from being
checked."""

from __future__ import annotations

from collections.abc import Iterator

from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.rules import load_rules
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Span, Suppression
from dmvpnlint.redact import redact


@check("DMV001", Scope.DEVICE)
def unparsed_command(ctx: LintContext, device: Device) -> Iterator[Hit]:
    for note in device.notes:
        text = redact(note.text.strip())
        inside = f" in {note.context}" if note.context else ""
        comment = f": {note.comment}" if note.comment else ""
        yield Hit(
            device=device.name,
            span=note.span,
            message=f"'{text}'{inside} was not understood{comment}",
            subject=(note.context, text),
        )


def _problems(ctx: LintContext, rule: str) -> Iterator[Hit]:
    for problem in ctx.fleet.problems:
        if problem.rule == rule:
            yield Hit(
                device=problem.device or problem.file,
                span=Span(problem.file, max(1, problem.line)),
                message=problem.message,
                subject=(problem.file, problem.message),
            )


@check("DMV004", Scope.FLEET)
def duplicate_device(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "DMV004")


@check("DMV005", Scope.FLEET)
def unreadable_input(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "DMV005")


def _directive(suppression: Suppression) -> str:
    verb = {"file": "disable-file", "enable": "enable"}.get(suppression.kind, "disable")
    return f"{verb}={','.join(suppression.rules)}" if suppression.rules else verb


@check("DMV006", Scope.DEVICE)
def unused_suppression(ctx: LintContext, device: Device) -> Iterator[Hit]:
    """The suppression comments that are wrong on their own: not a directive, an unknown rule
    id, an `enable` that ends no range. Those that suppress nothing are only known after every
    check ran: `engine/suppressions.py` reports them under this rule."""
    if not device.suppressions:
        return
    known = load_rules()
    for s in device.suppressions:
        where = f"{device.name} ({s.span})"
        if s.kind == "invalid":
            yield Hit(device.name, s.span,
                      f"dmvpnlint comment on {where} not understood: {s.problem}",
                      subject=("invalid", s.problem))
            continue
        unknown = [sel for sel in s.rules if not any(rid.startswith(sel) for rid in known)]
        if unknown:
            yield Hit(device.name, s.span,
                      f"suppression {_directive(s)} on {where} names unknown rule id "
                      f"{', '.join(unknown)}; see 'dmvpnlint rules'",
                      subject=("unknown", *unknown))
        if s.kind == "enable" and s.first == 0:
            yield Hit(device.name, s.span,
                      f"{_directive(s)} on {where} ends no disable range above it",
                      subject=("enable", *s.rules))
