"""Does starting the longest demos first shorten `demos verify --all`? (issue 21)

    python bench/bench_verify_order.py [--jobs 2] [--rounds 1]

Runs every demo (long ones included) with engine.run_many, first in the
listed order, then longest first by the recorded durations
(demos/timings.json, written by bench/demo_timings.py, which `demos verify`
reads), and prints both wall times and the gain.
Numbers from a busy machine mean little: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from quizcli.demo import engine, registry  # noqa: E402


def timed(infos, jobs: int, durations: dict[str, float] | None) -> tuple[float, list[engine.DemoOutcome]]:
    start = time.monotonic()
    outcomes = engine.run_many(infos, jobs=jobs, device="cpu", durations=durations)
    return time.monotonic() - start, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two orders this many times")
    args = parser.parse_args()
    infos, _ = registry.list_demos(strict=False)
    infos = [i for i in infos if i.builtin]
    print(f"load average before: {os.getloadavg()[0]:.2f}; {len(infos)} demos, --jobs {args.jobs}")
    listed, best, measured = [], [], {}
    for r in range(args.rounds):
        wall, outcomes = timed(infos, args.jobs, None)
        listed.append(wall)
        measured = {o.demo_id: round(o.elapsed_s, 2) for o in outcomes if o.elapsed_s > 0}
        bad = [o.demo_id for o in outcomes if not o.ok]
        print(f"round {r + 1}: listed order   {wall:6.1f} s" + (f"  (not ok: {', '.join(bad)})" if bad else ""))
        wall, _ = timed(infos, args.jobs, registry.durations() or measured)
        best.append(wall)
        print(f"round {r + 1}: longest first  {wall:6.1f} s")
    a, b = min(listed), min(best)
    print(f"best of {args.rounds}: listed {a:.1f} s, longest first {b:.1f} s: {100 * (b - a) / a:+.0f}% wall time")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
