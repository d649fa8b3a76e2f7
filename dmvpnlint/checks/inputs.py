"""What the front end could not read: unparsed commands (DMV001), duplicate or missing
devices (DMV004), unreadable files (DMV005). Located like any other finding, so a broken file
never stops the rest of the fleet from being checked."""

from __future__ import annotations

from collections.abc import Iterator

from dmvpnlint.engine.findings import Hit, Scope
from dmvpnlint.engine.registry import check
from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import Device, Span
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
