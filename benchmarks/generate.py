"""Time `dmvpnlint generate` (inventory -> allocation -> templates -> parse back -> lint -> write)
on a synthetic dual-hub inventory of N spokes. Not a test.

The inventory has the shape of `samples/gen-500-spokes`: two hubs, one Phase 2 cloud with EIGRP,
IKEv1, a static /30 WAN and a /24 LAN per spoke; tunnel addresses, network-id, tunnel key and
NHRP authentication are allocated. Each size is run twice per repeat: into an empty folder (every
address allocated) and again into the same folder (every address kept from allocation.yaml).

    python benchmarks/generate.py --spokes 1000 [--repeats 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import math
import resource
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def inventory_text(spokes: int) -> str:
    hosts = spokes + 2
    prefix = 32 - math.ceil(math.log2(hosts + 2))
    lines = [
        "defaults:",
        "  platform: isr4331",
        '  ios: "17.9.4"',
        "clouds:",
        "  DMVPN:",
        f"    subnet: 10.0.0.0/{prefix}",
        "    routing: {protocol: eigrp, as: 100}",
        "    psk: env:DMVPN_PSK",
        "devices:",
    ]
    for h in (1, 2):
        lines += [
            f"  hub{h}:",
            "    role: hub",
            f"    wan: {{interface: Gi0/0/0, address: 100.127.255.{h}/24}}",
            f"    lans: [{{interface: Gi0/0/1, address: 10.255.{h}.1/24}}]",
            "    clouds: [DMVPN]",
        ]
    for i in range(spokes):
        wan = f"100.{64 + i // 16384}.{(i // 64) % 256}.{(i % 64) * 4 + 1}"
        lan = f"{11 + i // 65536}.{(i // 256) % 256}.{i % 256}.1"
        lines += [
            f"  spoke{i + 1:05d}:",
            "    role: spoke",
            f"    wan: {{interface: Gi0/0/0, address: {wan}/30}}",
            f"    lans: [{{interface: Gi0/0/1, address: {lan}/24}}]",
            "    clouds: [DMVPN]",
        ]
    return "\n".join(lines) + "\n"


def command() -> list[str]:
    found = shutil.which("dmvpnlint")
    return [found] if found else [sys.executable, "-m", "dmvpnlint"]


def run_once(inventory: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system); CPU time stays meaningful on a
    busy machine, where wall time also counts the waiting."""
    env = {**os.environ, "DMVPN_PSK": "Bench-Only-Psk",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*command(), "generate", str(inventory), "--out", str(out)],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr)
        raise SystemExit(f"generate exited {done.returncode}")
    return elapsed, cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="dmvpnlint-gen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'spokes':>7} {'fresh wall s':>13} {'fresh cpu s':>12} {'kept wall s':>12} "
          f"{'kept cpu s':>11}   (medians over {args.repeats} runs)")
    for spokes in args.spokes:
        inventory = work / f"inventory-{spokes}.yaml"
        inventory.write_text(inventory_text(spokes), encoding="utf-8")
        fresh, kept = [], []
        for _ in range(args.repeats):
            out = work / f"out-{spokes}"
            shutil.rmtree(out, ignore_errors=True)
            fresh.append(run_once(inventory, out))
            kept.append(run_once(inventory, out))
        print(f"{spokes:>7} {statistics.median(w for w, _ in fresh):>13.2f} "
              f"{statistics.median(c for _, c in fresh):>12.2f} "
              f"{statistics.median(w for w, _ in kept):>12.2f} "
              f"{statistics.median(c for _, c in kept):>11.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
