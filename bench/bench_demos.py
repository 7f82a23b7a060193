"""How long the demos take: `quizcli demos verify --jobs N`, timed per demo and in total.

    python bench/bench_demos.py [--jobs 2] [--all] [--spawn] [--standalone N] [IDS...]

Targets (issue 4 and 6), on a 2-core machine:
  - each quick demo under 5 s, torch import included, as `quizcli explain ID`
    sees it: with --spawn, the "time" column (each demo's own process);
    otherwise `verify` forks its demos from servers that imported torch once,
    so "time" leaves the import out, and --standalone N (default 5) times
    `quizcli explain ID --json` alone for the N slowest demos;
  - all quick demos together under 3 minutes with --jobs 2 (the total);
  - the BN, IN and SN demos together under 60 s with --jobs 2 (their subtotal).
"run" is the time inside run() alone, without starting Python; it includes
torch's import for demos that import torch inside run() rather than at the top.
--spawn starts a process per demo (QUIZCLI_DEMO_FORK=0), as before the fork
server; run it back to back with the default to compare.
Numbers from a busy machine mean little: the load average is printed before
and after the run.
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
    parser.add_argument("--spawn", action="store_true", help="a process per demo, no fork server")
    parser.add_argument("--standalone", type=int, default=5, metavar="N",
                        help="time `quizcli explain` alone for the N slowest demos (0: none)")
    parser.add_argument("ids", nargs="*")
    args = parser.parse_args()

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    env = {**os.environ, "NO_COLOR": "1", "QUIZCLI_DEMO_FORK": "0" if args.spawn else ""}
    cmd = [sys.executable, "-m", "quizcli", "demos", "verify", "--json", "--jobs", str(args.jobs), *args.ids]
    if args.all:
        cmd.append("--all")
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.monotonic() - start
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        return 1

    demos = sorted(data["demos"], key=lambda d: -d["elapsed_s"])
    forked = sum(1 for d in demos if d.get("forked"))
    print(f"{'demo':34} {'status':14} {'time':>7} {'run':>7}  process")
    slow = []
    for d in demos:
        run_s = "-" if d["run_s"] is None else f"{d['run_s']:.2f}"
        long_ = bool(d["meta"] and d["meta"]["long"])
        # A forked demo's time leaves torch's import out: judged alone below.
        flag = "  > 5 s" if d["elapsed_s"] > EACH_S and not long_ and not d.get("forked") else ""
        if flag:
            slow.append(d["id"])
        how = "forked" if d.get("forked") else "spawned"
        print(f"{d['id']:34} {d['status']:14} {d['elapsed_s']:7.2f} {run_s:>7}  {how}{flag}")
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    alone = []
    quick = [d for d in demos if not (d["meta"] and d["meta"]["long"])]
    if args.standalone > 0 and forked:
        print(f"\nalone: `quizcli explain ID --json --device cpu`, one at a time, torch import included")
        for d in quick[:args.standalone]:
            t0 = time.monotonic()
            one = subprocess.run([sys.executable, "-m", "quizcli", "explain", d["id"], "--json", "--device", "cpu",
                                  "--seed", str(data["seed"])], capture_output=True, text=True, env=env)
            total = time.monotonic() - t0
            try:
                demo_s = json.loads(one.stdout)["elapsed_s"]
            except (json.JSONDecodeError, KeyError):
                demo_s = float("nan")
            flag = "  > 5 s" if demo_s > EACH_S else ""
            if flag:
                slow.append(d["id"])
            alone.append((d["id"], demo_s, total))
            print(f"{d['id']:34} demo process {demo_s:6.2f} s   whole command {total:6.2f} s{flag}")
    norm = [d for d in demos if d["id"].startswith(NORM_PREFIXES)]
    # A subtotal from per-demo times, divided over the jobs: an estimate of
    # the wall time `verify bn_* in_* sn_*` alone would take.
    norm_est = sum(d["elapsed_s"] for d in norm) / max(1, args.jobs)
    failed = [d["id"] for d in demos if d["status"] != "ok"]
    print()
    if load_before is not None:
        print(f"load average (1 min) before the run {load_before:.1f}, after it {load_after:.1f}, "
              f"on {os.cpu_count()} cores")
    print(f"demos: {len(demos)} ({forked} forked from a fork server), skipped (long): {len(data['skipped'])}, "
          f"jobs: {args.jobs}")
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
