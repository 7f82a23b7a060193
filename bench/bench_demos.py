"""How long the demos take: `quizcli demos verify --jobs N`, timed per demo and in total.

    python bench/bench_demos.py [--jobs 2] [--all] [IDS...]

Targets (issue 4 and 6), on a 2-core machine:
  - each quick demo under 5 s, torch import included (the "time" column:
    wall time of the demo's own process, as `quizcli explain` would see it);
  - all quick demos together under 3 minutes with --jobs 2 (the total);
  - the BN, IN and SN demos together under 60 s with --jobs 2 (their subtotal).
"run" is the time inside run() alone, without starting Python; it includes
torch's import for demos that import torch inside run() rather than at the top.
Numbers from a busy machine mean little: check `uptime` (load average) first.
Exit status: 0 when every demo passed and every target was met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

EACH_S = 5.0
ALL_QUICK_S = 180.0
NORM_S = 60.0
NORM_PREFIXES = ("bn_", "in_", "sn_")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--all", action="store_true", help="include the long demos")
    parser.add_argument("ids", nargs="*")
    args = parser.parse_args()

    cmd = [sys.executable, "-m", "quizcli", "demos", "verify", "--json", "--jobs", str(args.jobs), *args.ids]
    if args.all:
        cmd.append("--all")
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    wall = time.monotonic() - start
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        return 1

    demos = sorted(data["demos"], key=lambda d: -d["elapsed_s"])
    print(f"{'demo':34} {'status':14} {'time':>7} {'run':>7}")
    slow = []
    for d in demos:
        run_s = "-" if d["run_s"] is None else f"{d['run_s']:.2f}"
        long_ = bool(d["meta"] and d["meta"]["long"])
        flag = "  > 5 s" if d["elapsed_s"] > EACH_S and not long_ else ""
        if flag:
            slow.append(d["id"])
        print(f"{d['id']:34} {d['status']:14} {d['elapsed_s']:7.2f} {run_s:>7}{flag}")
    norm = [d for d in demos if d["id"].startswith(NORM_PREFIXES)]
    # A subtotal from per-demo times, divided over the jobs: an estimate of
    # the wall time `verify bn_* in_* sn_*` alone would take.
    norm_est = sum(d["elapsed_s"] for d in norm) / max(1, args.jobs)
    failed = [d["id"] for d in demos if d["status"] != "ok"]
    print()
    if hasattr(os, "getloadavg"):
        print(f"load average during the run (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"demos: {len(demos)}, skipped (long): {len(data['skipped'])}, jobs: {args.jobs}")
    print(f"total wall time: {data['wall_s']:.1f} s (target < {ALL_QUICK_S:.0f} s); with quizcli start-up {wall:.1f} s")
    print(f"sum of per-demo times: {sum(d['elapsed_s'] for d in demos):.1f} s; "
          f"mean {sum(d['elapsed_s'] for d in demos) / max(1, len(demos)):.2f} s")
    if norm:
        print(f"BN/IN/SN demos: {len(norm)}, estimated wall time with --jobs {args.jobs}: {norm_est:.1f} s (target < {NORM_S:.0f} s)")
    if slow:
        print(f"over {EACH_S:.0f} s: {', '.join(slow)}")
    if failed:
        print(f"not ok: {', '.join(failed)}")
    met = not slow and not failed and data["wall_s"] < ALL_QUICK_S and norm_est < NORM_S
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
