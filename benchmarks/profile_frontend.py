"""Time the IOS front end alone: `load_fleet` in this process, and where its time goes.

Not a test. `run.py` times the whole `dmvpnlint lint` command; this script times the step that
dominates it, so that a change to the splitter, the parser or the builder can be measured on
its own:

    python benchmarks/profile_frontend.py FLEET                  # load_fleet, best of 3
    python benchmarks/profile_frontend.py FLEET --jobs 1         # without worker processes
    python benchmarks/profile_frontend.py FLEET --stages         # CPU time of each stage
    python benchmarks/profile_frontend.py FLEET --profile        # cProfile, top functions

FLEET is a folder written by `make_fleet.py`. Wall times on a shared machine vary with its
load; the CPU times of `--stages` vary much less. Peak RSS is this process's (the workers'
is printed apart: they are separate processes).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dmvpnlint.frontend import load_fleet  # noqa: E402
from dmvpnlint.frontend import loader  # noqa: E402
from dmvpnlint.frontend.build import device_from_split, prime  # noqa: E402
from dmvpnlint.frontend.commands import LineParser  # noqa: E402
from dmvpnlint.frontend.splitter import SplitMemo, split_config  # noqa: E402


def time_load(fleet: str, jobs: int | None, repeats: int) -> None:
    """load_fleet `repeats` times: wall and main-process CPU seconds, peak RSS."""
    walls: list[float] = []
    cpus: list[float] = []
    devices = 0
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        fleet_model = load_fleet([fleet], jobs=jobs)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        devices = len(fleet_model.devices)
        del fleet_model
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(
        f"load_fleet {fleet} (jobs={jobs or 'default'}, {devices} devices): "
        f"best {min(walls):.2f} s, median {statistics.median(walls):.2f} s wall; "
        f"main process CPU best {min(cpus):.2f} s; peak RSS {own} MiB "
        f"(largest worker {workers} MiB)"
    )


def time_stages(fleet: str) -> None:
    """CPU seconds of each front-end stage over the whole fleet, in this process."""
    files, _, _ = loader.collect_files([fleet])
    gc.disable()
    clock = time.process_time
    start = clock()
    data = [Path(p).read_bytes() for p in files]
    read = clock()
    texts = [loader.decode_config(p, d) for p, d in zip(files, data)]
    decoded = clock()
    memo = SplitMemo()
    splits = [split_config(t, memo) for t in texts if isinstance(t, str)]
    split = clock()
    parse = LineParser()
    for s in splits:
        prime(s, parse)
    parsed = clock()
    for s, p in zip(splits, files):
        device_from_split(s, p, Path(p).stem, parse)
    built = clock()
    gc.enable()
    lines = sum(s.line_count for s in splits)
    relevant = sum(1 + len(b.children) for s in splits for b in s.blocks)
    print(f"{len(files)} files, {lines:,} lines, {relevant:,} in relevant blocks")
    print(f"  read    {read - start:6.2f} s")
    print(f"  decode  {decoded - read:6.2f} s")
    print(f"  split   {split - decoded:6.2f} s  ({len(memo.lines):,} distinct line texts)")
    print(
        f"  parse   {parsed - split:6.2f} s  ({len(parse.memo):,} distinct commands, "
        f"{len(parse.lark_keys):,} of them through lark)"
    )
    print(f"  build   {built - parsed:6.2f} s")
    print(f"  total   {built - start:6.2f} s CPU")


def profile(fleet: str, top: int) -> None:
    """cProfile of an in-process load (jobs=1), by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(load_fleet, [fleet], jobs=1)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fleet", help="a folder of configs (benchmarks/make_fleet.py --out)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: 2)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stages", action="store_true", help="CPU time of each stage")
    parser.add_argument("--profile", action="store_true", help="cProfile of one load")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    args = parser.parse_args()
    if args.stages:
        time_stages(args.fleet)
    elif args.profile:
        profile(args.fleet, args.top)
    else:
        time_load(args.fleet, args.jobs, args.repeats)


if __name__ == "__main__":
    main()
