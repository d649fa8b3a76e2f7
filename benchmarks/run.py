"""Time `dmvpnlint lint` end to end on synthetic fleets of growing size.

Each measurement is the whole command as a user runs it in CI (interpreter start-up, imports,
reading, parsing, topology, checks and the JSON report), not a function call: that is what the
performance budget in ARCHITECTURE.md promises. Each run happens inside a fresh Python wrapper
process, so that `getrusage(RUSAGE_CHILDREN).ru_maxrss` is the peak RSS of that one run (the
largest process of its tree) and not of every run so far.

    python benchmarks/run.py                              # 100, 1000 and 10000 spokes
    python benchmarks/run.py --sizes 100 1000 --repeats 5 --json results.json

Fleets are written by make_fleet.py into `--work` (a temporary folder by default) and reused
while their manifest matches; the linter runs from this checkout (PYTHONPATH is set to it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import make_fleet  # this folder is sys.path[0] when run as `python benchmarks/run.py`

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (100, 1000, 10000)
LINT_OK = (0, 1)  # 1 only means findings at or above --fail-on

# Runs one command and reports its wall time and peak RSS as JSON. A fresh interpreter per run:
# RUSAGE_CHILDREN accumulates the maximum over every child a process has waited for.
WRAPPER = """\
import json, resource, subprocess, sys, time
command = json.loads(sys.argv[1])
start = time.perf_counter()
done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"seconds": seconds, "max_rss_kib": usage.ru_maxrss, "returncode": done.returncode,
           "stderr": done.stderr.decode("utf-8", "replace")[-4000:]}, sys.stdout)
"""


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    max_rss_kib: int  # Linux reports KiB (macOS would report bytes)
    returncode: int


@dataclass(frozen=True, slots=True)
class SizeResult:
    spokes: int
    devices: int
    lines: int
    bytes: int
    runs: tuple[float, ...]
    best_s: float
    median_s: float
    lines_per_s: float  # lines / median
    peak_rss_mib: float  # the largest over the runs
    exit_code: int


class BenchmarkError(Exception):
    """The linter failed (exit code 2 or worse): the numbers would mean nothing."""


def lint_command(fleet: Path, extra: Sequence[str]) -> list[str]:
    """`dmvpnlint lint DIR --format json --output /dev/null`, or `python -m dmvpnlint` without
    the console script (e.g. a checkout that is not installed)."""
    script = shutil.which("dmvpnlint") or shutil.which("dmvpnlint", path=str(Path(sys.executable).parent))
    prefix = [script] if script else [sys.executable, "-m", "dmvpnlint"]
    return [*prefix, "lint", str(fleet), "--format", "json", "--output", os.devnull, *extra]


def child_env() -> dict[str, str]:
    """The environment of the linter: this checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def measure_once(command: Sequence[str], timeout: float) -> tuple[Run, str]:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps(list(command))],
        capture_output=True, text=True, env=child_env(), timeout=timeout, check=True,
    )
    data = json.loads(done.stdout)
    return Run(data["seconds"], data["max_rss_kib"], data["returncode"]), data["stderr"]


def ensure_fleet(work: Path, spokes: int, seed: int) -> tuple[Path, make_fleet.FleetSummary]:
    """The fleet for (spokes, seed) under `work`, written unless a complete one is there."""
    fleet = work / f"fleet-{spokes}-seed{seed}"
    summary = make_fleet.read_manifest(fleet)
    if summary is not None and (summary.spokes, summary.seed) == (spokes, seed):
        return fleet, summary
    started = time.perf_counter()
    summary = make_fleet.write_fleet(fleet, spokes, seed)
    print(f"wrote {fleet} ({summary.lines} lines) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return fleet, summary


def benchmark_size(work: Path, spokes: int, seed: int, repeats: int, extra: Sequence[str],
                   timeout: float) -> SizeResult:
    fleet, summary = ensure_fleet(work, spokes, seed)
    command = lint_command(fleet, extra)
    runs: list[Run] = []
    for _ in range(repeats):
        run, stderr = measure_once(command, timeout)
        if run.returncode not in LINT_OK:
            raise BenchmarkError(
                f"{' '.join(command)} exited {run.returncode}:\n{stderr.strip()}"
            )
        runs.append(run)
        print(f"{spokes} spokes: {run.seconds:.2f} s, {run.max_rss_kib / 1024:.0f} MiB",
              file=sys.stderr)
    seconds = [r.seconds for r in runs]
    median = statistics.median(seconds)
    return SizeResult(
        spokes=spokes,
        devices=summary.files,
        lines=summary.lines,
        bytes=summary.bytes,
        runs=tuple(round(s, 4) for s in seconds),
        best_s=round(min(seconds), 4),
        median_s=round(median, 4),
        lines_per_s=round(summary.lines / median),
        peak_rss_mib=round(max(r.max_rss_kib for r in runs) / 1024, 1),
        exit_code=runs[-1].returncode,
    )


def growth(results: Sequence[SizeResult]) -> list[dict[str, float | int]]:
    """Median-time ratio against size ratio for each pair of consecutive sizes (linear: equal)."""
    ordered = sorted(results, key=lambda r: r.spokes)
    return [
        {"from": a.spokes, "to": b.spokes, "size_ratio": round(b.lines / a.lines, 2),
         "time_ratio": round(b.median_s / a.median_s, 2)}
        for a, b in zip(ordered, ordered[1:])
    ]


def markdown(results: Sequence[SizeResult], ratios: Sequence[dict[str, float | int]]) -> str:
    by_target = {int(r["to"]): r for r in ratios}
    rows = [
        "| spokes | devices | lines | best s | median s | lines/s | peak RSS MiB | growth (time × for lines ×) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in sorted(results, key=lambda r: r.spokes):
        ratio = by_target.get(r.spokes)
        grew = f"×{ratio['time_ratio']} for ×{ratio['size_ratio']}" if ratio else ""
        rows.append(
            f"| {r.spokes:,} | {r.devices:,} | {r.lines:,} | {r.best_s:.2f} | {r.median_s:.2f} "
            f"| {r.lines_per_s:,.0f} | {r.peak_rss_mib:.0f} | {grew} |"
        )
    return "\n".join(rows)


def environment() -> dict[str, str | int | None]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        metavar="N", help="spoke counts (default: 100 1000 10000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per size (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="fleet seed (default 1)")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "dmvpnlint-bench",
                        help="where fleets are written and reused")
    parser.add_argument("--lint-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `dmvpnlint lint` (repeatable), e.g. --lint-arg=--jobs=2")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--generate-only", action="store_true",
                        help="write the fleets and stop (no timing)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the results here")
    args = parser.parse_args(argv)
    if args.repeats < 1 or any(not 1 <= n <= make_fleet.MAX_SPOKES for n in args.sizes):
        parser.error(f"--repeats must be at least 1 and sizes 1..{make_fleet.MAX_SPOKES}")

    if args.generate_only:
        for spokes in args.sizes:
            fleet, summary = ensure_fleet(args.work, spokes, args.seed)
            print(f"{fleet}: {summary.files} configs, {summary.lines} lines")
        return 0

    try:
        results = [benchmark_size(args.work, n, args.seed, args.repeats, args.lint_arg,
                                  args.timeout) for n in args.sizes]
    except BenchmarkError as e:
        print(f"benchmark aborted: {e}", file=sys.stderr)
        return 2
    except subprocess.TimeoutExpired as e:
        print(f"benchmark aborted: a run took longer than {e.timeout} s", file=sys.stderr)
        return 2
    ratios = growth(results)
    print(markdown(results, ratios))
    ten_k = {r.spokes: r.median_s for r in results}
    if 1000 in ten_k and 10000 in ten_k:
        print(f"\ngrowth 10k/1k: ×{ten_k[10000] / ten_k[1000]:.2f} (linear ≈ 10)")
    if args.json:
        document = {
            "command": lint_command(Path("FLEET"), args.lint_arg),
            "environment": environment(),
            "repeats": args.repeats,
            "seed": args.seed,
            "results": [asdict(r) for r in results],
            "growth": ratios,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
