"""Does starting the longest demos first shorten `demos verify --all`? (issue 21)

    python bench/bench_verify_order.py [--jobs 2] [--write] [--rounds 1]

Runs every demo (long ones included) with engine.run_many, first in the
listed order, then longest first by the durations that run measured, and
prints both wall times and the gain. --write records the measured durations
(seconds of each demo's run, torch's import left out when forked) in
demos/durations.json, which `demos verify` reads to start the longest first.
Numbers from a busy machine mean little: the load average is printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
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
    parser.add_argument("--write", action="store_true", help="record the durations in demos/durations.json")
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
        wall, _ = timed(infos, args.jobs, measured)
        best.append(wall)
        print(f"round {r + 1}: longest first  {wall:6.1f} s")
    a, b = min(listed), min(best)
    print(f"best of {args.rounds}: listed {a:.1f} s, longest first {b:.1f} s: {100 * (b - a) / a:+.0f}% wall time")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.write:
        path = REPO / "demos" / registry.DURATIONS_FILE
        data = {"what": "seconds of one run of each demo on the CPU, torch's import left out when forked; "
                        "`demos verify` starts the longest first (written by bench/bench_verify_order.py --write)",
                "measured": datetime.date.today().isoformat(), "jobs": args.jobs,
                "seconds": dict(sorted(measured.items()))}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
