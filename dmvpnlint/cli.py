"""The `dmvpnlint` command: lint a fleet, list the rules, explain one rule.

`main(argv)` returns the exit code instead of exiting, so tests run it in-process. Exit codes
are a promise to CI (INTERFACES.md): 0 nothing at or above `--fail-on`, 1 findings at or above
it, 2 a usage error, bad input, no readable config, or a bug in dmvpnlint. A bug never shows
the user a traceback (set DMVPNLINT_DEBUG=1 to get one); Ctrl-C exits 130 without a word.

The front end, topology and checks are imported when `lint` runs, not at start-up: they pull
in lark, networkx and z3, which `--version`, `rules` and `explain` do not need.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from dmvpnlint import __version__
from dmvpnlint.engine.config import Settings
from dmvpnlint.engine.findings import Finding, Severity
from dmvpnlint.engine.rules import Rule, load_rules, select_rules
from dmvpnlint.report import LintReport, build_report
from dmvpnlint.report.github import write_github
from dmvpnlint.report.gitlab import write_gitlab
from dmvpnlint.report.json import write_json
from dmvpnlint.report.junit import write_junit
from dmvpnlint.report.markdown import write_markdown
from dmvpnlint.report.sarif import write_sarif
from dmvpnlint.report.text import make_console, write_renderable, write_text

PROG = "dmvpnlint"
ISSUES_HINT = "this is a bug in dmvpnlint; please report it with the output of DMVPNLINT_DEBUG=1"
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

Reporter = Callable[..., None]
# In the order `--help` offers them; more formats come with their reporters.
REPORTERS: dict[str, Reporter] = {
    "text": write_text,
    "json": write_json,
    "sarif": write_sarif,
    "junit": write_junit,
    "github": write_github,
    "gitlab": write_gitlab,
    "markdown": write_markdown,
}

MAIN_EPILOG = """\
examples:
  dmvpnlint lint configs/                     lint every *.cfg/*.conf/*.txt/*.ios under configs/
  dmvpnlint lint hub1.cfg spoke*.cfg --inventory inventory.yaml
  dmvpnlint lint configs/ --format json --output report.json
  dmvpnlint rules                             every rule with its id, severity and summary
  dmvpnlint explain DMV101                    what a rule checks, why, and how to fix it
"""

LINT_EPILOG = """\
exit codes:
  0  no finding at or above --fail-on     1  findings at or above --fail-on
  2  usage error, bad inventory, no readable config, or an internal error

examples:
  dmvpnlint lint configs/
  dmvpnlint lint configs/ --select DMV1,DMV2 --ignore DMV118     NHRP and IPsec rules only
  dmvpnlint lint configs/ --fail-on warning --quiet              strict CI gate, findings only
  dmvpnlint lint configs/ --format json --output report.json
  dmvpnlint lint configs/ --format sarif --output dmvpnlint.sarif     GitHub code scanning
  dmvpnlint lint configs/ --write-baseline .dmvpnlint-baseline.json  accept today's findings
  dmvpnlint lint configs/ --baseline .dmvpnlint-baseline.json        then report new ones only

project configuration:
  [tool.dmvpnlint] in pyproject.toml, or .dmvpnlint.toml, the nearest one above the linted
  paths: select, extend-select, ignore, per-file-ignores, severity, fail-on, inventory.
  Command-line options override it.
"""


class UsageError(Exception):
    """Something the user can fix on the command line: one line on stderr, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Static verifier for Cisco DMVPN fleets: reads the running-configs of\n"
        "hubs and spokes and checks the documented DMVPN constraints across the fleet.",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lint = commands.add_parser(
        "lint",
        help="check a fleet's configs and report the findings",
        description="Check the configs of a DMVPN fleet (hubs and spokes together) and\n"
        "report every finding with its device, file and line.",
        epilog=LINT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    lint.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="a config file, or a directory searched recursively for *.cfg, *.conf, *.txt, *.ios",
    )
    lint.add_argument(
        "--inventory", metavar="FILE",
        help="inventory YAML (roles, platforms, releases, NAT); an inventory.yaml beside the "
        "configs is used without this option",
    )
    lint.add_argument("--format", choices=list(REPORTERS), default="text",
                      help="report format (default: text)")
    lint.add_argument("--output", metavar="FILE",
                      help="write the report to FILE instead of standard output (no colour)")
    lint.add_argument("--select", action="append", metavar="IDS",
                      help="only these rules: comma-separated ids or prefixes (DMV1 = the whole "
                      "NHRP family); default: the project configuration's selection, else all "
                      "rules")
    lint.add_argument("--ignore", action="append", metavar="IDS",
                      help="skip these rules: comma-separated ids or prefixes")
    lint.add_argument("--fail-on", choices=[s.value for s in Severity], default=None,
                      help="lowest severity that makes the exit code 1 (default: the project "
                      "configuration's fail-on, else error)")
    lint.add_argument("--baseline", metavar="FILE",
                      help="report only findings that are not in this baseline file, and say "
                      "how many of its entries are stale")
    lint.add_argument("--write-baseline", metavar="FILE",
                      help="record the current findings in FILE as the baseline (the run then "
                      "reports none of them)")
    lint.add_argument("--quiet", action="store_true",
                      help="text format: print the findings only, no summary")
    lint.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                      help="parse files in N processes (default: the CPU count; fleets under "
                      "2,000 files are parsed in one process, which is faster there)")
    lint.add_argument("--cache-dir", metavar="DIR",
                      help="cache of parsed files (default: $XDG_CACHE_HOME/dmvpnlint or "
                      "~/.cache/dmvpnlint); an unchanged file is not parsed again")
    lint.add_argument("--no-cache", action="store_true",
                      help="parse every file; neither read nor write the cache")
    lint.set_defaults(handler=run_lint)

    rules = commands.add_parser(
        "rules",
        help="list every rule (id, name, severity, scope, summary)",
        description="List every rule dmvpnlint knows, in id order.",
        epilog="examples:\n  dmvpnlint rules\n  dmvpnlint rules --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    rules.add_argument("--format", choices=["text", "json"], default="text",
                       help="output format (default: text)")
    rules.set_defaults(handler=run_rules)

    explain = commands.add_parser(
        "explain",
        help="show one rule's page: what it checks, why (guide section), bad and good example",
        description="Show the documentation page of one rule.",
        epilog="examples:\n  dmvpnlint explain DMV101\n  dmvpnlint explain "
        "nhrp-network-id-mismatch",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    explain.add_argument("rule", metavar="RULE", help="a rule id (DMV101) or name")
    explain.set_defaults(handler=run_explain)
    add_generate_parser(commands)
    return parser


# --- lint -------------------------------------------------------------------------------------


def split_ids(values: Sequence[str] | None) -> list[str] | None:
    """`--select DMV1,DMV2 --select DMV301` -> ['DMV1', 'DMV2', 'DMV301']; None when unused."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def resolve_selection(
    rules: dict[str, Rule], select: list[str] | None, ignore: list[str] | None
) -> set[str]:
    """The selected rule ids; an unknown id or prefix is a usage error naming the option."""
    for option, values in (("--select", select), ("--ignore", ignore)):
        if values:
            try:
                select_rules(rules, values, None)
            except ValueError as exc:
                raise UsageError(f"{option}: {exc}; see '{PROG} rules'") from None
    return select_rules(rules, select, ignore)


def exit_code(report: LintReport, fail_on: Severity) -> int:
    failing = any(f.severity.rank >= fail_on.rank for f in report.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The model of a large fleet is millions of small acyclic objects: the cyclic collector
    would rescan them again and again while they are built (topology 4x slower on 10,000
    spokes) and free nothing. Paused for the run, restored after (tests call `main` in-process);
    what the run built is frozen first, so that the report written next does not pay one full
    collection over the whole model (about 1 s on 10,000 spokes). Frozen objects are still
    freed by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def run_lint(args: argparse.Namespace) -> int:
    """Load, check, report; the report is written even when a check failed, then the failures
    go to stderr (exit 2): a bug in one check must not hide what the others found."""
    from dmvpnlint.checks import ALL_CHECKS
    from dmvpnlint.engine.config import apply_per_file_ignores
    from dmvpnlint.engine.runner import LintContext, run
    from dmvpnlint.engine.suppressions import apply_suppressions
    from dmvpnlint.frontend import InputError, load_fleet
    from dmvpnlint.frontend.cache import DeviceCache
    from dmvpnlint.topology import build_topology

    rules = load_rules()
    settings = lint_settings(args, rules)
    cache = None if args.no_cache else DeviceCache(args.cache_dir)
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    with cyclic_gc_paused(), progress_bar(args) as progress:
        try:
            fleet = load_fleet(args.paths, inventory=settings.inventory, jobs=jobs, cache=cache,
                               progress=progress)
        except InputError as exc:
            raise UsageError(str(exc)) from None
        topology = build_topology(fleet)
        result = run(LintContext(fleet, topology), ALL_CHECKS, rules, set(settings.selected),
                     dict(settings.severity_overrides))
        findings = apply_suppressions(result.findings, fleet, rules, settings.selected,
                                      dict(settings.severity_overrides))
        findings = apply_baseline(args, apply_per_file_ignores(findings, settings))
        report = build_report(fleet, topology, findings)

    write = REPORTERS[args.format]
    if args.output:
        buffer = io.StringIO()
        write(report, buffer, color=False, quiet=args.quiet)
        try:
            Path(args.output).write_text(buffer.getvalue(), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        write(report, sys.stdout, color=None, quiet=args.quiet)
        sys.stdout.flush()

    for failure in result.failures:
        error(f"internal error in check {failure.check} ({failure.rule}) on {failure.where}: "
              f"{failure.error}")
    if result.failures:
        error(ISSUES_HINT)
        return EXIT_USAGE
    if not fleet.devices:  # the front end raises InputError first; the promise holds anyway
        error("no readable config among: " + ", ".join(args.paths))
        return EXIT_USAGE
    return exit_code(report, settings.fail_on)


def positive_int(text: str) -> int:
    """`--jobs` value: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


# A fleet smaller than this loads in about a second: no progress bar for it.
PROGRESS_MIN_FILES = 500


@contextmanager
def progress_bar(args: argparse.Namespace) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr while a large fleet loads, for a person at a terminal
    reading the text format; None (no bar, no cost) otherwise, so machine formats, pipes and
    CI logs get nothing extra."""
    if args.format != "text" or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("parsing configs"), BarColumn(), MofNCompleteColumn(),
                   console=Console(stderr=True), transient=True)
    task: list[object] = []

    def update(done: int, total: int) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        if not task:
            bar.start()
            task.append(bar.add_task("parse", total=total))
        bar.update(task[0], completed=done)  # type: ignore[arg-type]

    try:
        yield update
    finally:
        bar.stop()


def lint_settings(args: argparse.Namespace, rules: dict[str, Rule]) -> Settings:
    """The project configuration nearest the linted paths, overridden by the command line."""
    from dmvpnlint.engine.config import ConfigError, discover, resolve_settings

    select, ignore = split_ids(args.select), split_ids(args.ignore)
    resolve_selection(rules, select, ignore)  # unknown ids on the command line: exit 2
    try:
        config = discover(args.paths, rules)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return resolve_settings(config, rules, select=select, ignore=ignore,
                            fail_on=args.fail_on, inventory=args.inventory)


def apply_baseline(args: argparse.Namespace, findings: list[Finding]) -> list[Finding]:
    """`--write-baseline` records `findings`; `--baseline` (or the baseline just written)
    removes the known ones. What happened goes to stderr, so machine formats stay clean."""
    from dmvpnlint.engine.baseline import BaselineError, compare, read_baseline, write_baseline

    if not args.baseline and not args.write_baseline:
        return findings
    try:
        baseline = read_baseline(args.baseline) if args.baseline else None
        if args.write_baseline:
            written = write_baseline(findings, args.write_baseline)
            error(f"wrote {plural(len(written.entries), 'finding')} to baseline "
                  f"{args.write_baseline}")
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    if baseline is None:
        return []
    outcome = compare(findings, baseline)
    message = (f"baseline {args.baseline}: {plural(outcome.known, 'known finding')} not "
               f"reported, {plural(len(outcome.new), 'new finding')}")
    if outcome.stale:
        message += (f"; {plural(len(outcome.stale), 'baseline entry', 'baseline entries')} "
                    "stale (no longer found): refresh it with --write-baseline")
    error(message)
    return list(outcome.new)


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


# --- rules and explain --------------------------------------------------------------------------


def rule_to_dict(rule: Rule) -> dict[str, str]:
    return {
        "id": rule.id,
        "name": rule.name,
        "severity": rule.severity.value,
        "scope": rule.scope.value,
        "status": rule.status,
        "since": rule.since,
        "summary": rule.summary,
    }


def run_rules(args: argparse.Namespace) -> int:
    rules = load_rules()
    if args.format == "json":
        document = {"version": 1, "rules": [rule_to_dict(r) for r in rules.values()]}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return EXIT_OK
    table = Table(box=None, pad_edge=False)
    for column in ("id", "name", "severity", "scope", "summary"):
        table.add_column(column)
    for rule in rules.values():
        table.add_row(Text(rule.id), Text(rule.name), Text(rule.severity.value),
                      Text(rule.scope.value), Text(" ".join(rule.summary.split())))
    write_renderable(sys.stdout, table)
    return EXIT_OK


def find_rule(rules: dict[str, Rule], wanted: str) -> Rule:
    key = wanted.strip()
    rule = rules.get(key.upper()) or next((r for r in rules.values() if r.name == key), None)
    if rule is None:
        raise UsageError(f"unknown rule '{wanted}'; see '{PROG} rules'")
    return rule


def rule_header(rule: Rule) -> list[str]:
    """The front matter of a rule page as `key: value` lines, shown above its documentation."""
    return [
        f"{rule.id} {rule.name}",
        f"severity: {rule.severity.value}",
        f"scope: {rule.scope.value}",
        f"status: {rule.status} (since {rule.since})",
        f"check: {rule.check}",
        f"summary: {' '.join(rule.summary.split())}",
    ]


def run_explain(args: argparse.Namespace) -> int:
    rule = find_rule(load_rules(), args.rule)
    console = make_console(sys.stdout)
    header = rule_header(rule)
    if console.is_terminal:
        console.print(Text(header[0], style="bold"))
        for line in header[1:]:
            console.print(Text(line, style="dim"))
        console.print()
        console.print(Markdown(rule.doc))
    else:
        sys.stdout.write("\n".join(header) + "\n\n" + rule.doc)
    return EXIT_OK


# --- generate -----------------------------------------------------------------------------------

GENERATE_EPILOG = """\
exit codes:
  0  configs written (the round trip found no error)
  1  not written: the generated configs have error findings (shown)
  2  bad inventory, impossible request (the reason is shown), or a missing secret variable

examples:
  DMVPN_PSK=... dmvpnlint generate samples/gen-guide-hub-spoke/inventory.yaml --out out/
  dmvpnlint generate inventory.yaml --target ios --out configs/   (keeps configs/allocation.yaml)
"""


def add_generate_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    generate = commands.add_parser(
        "generate",
        help="compile hub and spoke configs from an inventory, proven by the linter",
        description="Compile an inventory (clouds and devices) into one config per device,\n"
        "allocate what it leaves out, lint the result and write it when it has no error.",
        epilog=GENERATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    generate.add_argument("inventory", metavar="INVENTORY", help="the generation inventory (YAML)")
    generate.add_argument("--target", default="ios", help="back end to render (default: ios)")
    generate.add_argument("--out", required=True, metavar="DIR",
                          help="folder for the configs and allocation.yaml (an allocation.yaml "
                          "already there is kept: existing assignments do not move)")
    generate.set_defaults(handler=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    """Generate, show what was allocated and what the round trip found, write when clean."""
    from dmvpnlint.generate import GenerateError, InventoryError, generate, write_output
    from dmvpnlint.generate.describe import describe

    with cyclic_gc_paused():
        try:
            result = generate(args.inventory, target=args.target, out_dir=args.out)
        except (GenerateError, InventoryError) as exc:
            raise UsageError(str(exc)) from None
    for line in describe(result):
        sys.stdout.write(line + "\n")
    if result.findings:
        report = build_report(result.verification.fleet, result.verification.topology,
                              result.findings)
        write_text(report, sys.stdout, color=None, quiet=True)
    sys.stdout.flush()
    for failure in result.verification.failures:
        error(f"internal error in check {failure.check} ({failure.rule}) on {failure.where}: "
              f"{failure.error}")
    if result.verification.failures:
        error(ISSUES_HINT)
        return EXIT_USAGE
    if result.errors:
        error(f"not written: the generated configs have {len(result.errors)} error finding(s)")
        return EXIT_FINDINGS
    try:
        written = write_output(result, args.out)
    except OSError as exc:
        raise UsageError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {len(written)} configs, allocation.yaml and inventory.yaml to "
                     f"{args.out}\n")
    return EXIT_OK


# --- entry point --------------------------------------------------------------------------------


def error(message: str, stream: TextIO | None = None) -> None:
    print(f"{PROG}: {message}", file=stream or sys.stderr)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and argparse's own usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.handler(args))
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (the console script exits with it)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's exit-time flush
        # of stdout from raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as exc:
        if os.environ.get("DMVPNLINT_DEBUG") == "1":
            raise
        error(f"internal error: {type(exc).__name__}: {exc}")
        error(ISSUES_HINT)
        return EXIT_USAGE
