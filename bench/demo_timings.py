"""Measure how long each demo takes as `quizcli explain ID` runs it, and what
it plots; write demos/timings.json, which quizcli reads to say how long a
demo usually takes before one of more than 5 s starts, and to refuse
`explain --plot` on a demo without curves before it runs.

    python bench/demo_timings.py              # run every demo (long ones too), one at a time; ~8 min
    python bench/demo_timings.py --from FILE  # from the JSON of an earlier `quizcli demos verify --json --all`

Each demo runs in a fresh process (QUIZCLI_DEMO_FORK=0), so the time
includes starting Python and importing torch, as `explain` sees it. The load
average at the start and the end is recorded beside the figures: a busy
machine makes them longer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demos" / "timings.json"


def machine(load: float | None, load_after: float | None) -> str:
    """The machine and its load average (1 min) when the run started and, when measured here, ended."""
    text = f"{platform.machine()}, {os.cpu_count()} cores"
    if load is None:
        return text
    text += f", load average {load:.1f} at the start"
    return text + (f", {load_after:.1f} at the end" if load_after is not None else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="a `demos verify --json --all` output")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if args.source:
        data = json.loads(args.source.read_text(encoding="utf-8"))
    else:
        env = {**os.environ, "NO_COLOR": "1", "QUIZCLI_DEMO_FORK": "0"}
        cmd = [sys.executable, "-m", "quizcli", "demos", "verify", "--json", "--all", "--jobs", "1"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        data = json.loads(proc.stdout)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") and not args.source else None
    demos = {}
    for row in data["demos"]:
        if row["status"] != "ok" or row.get("forked"):
            continue          # a failed run, or a forked one (its time leaves torch's import out)
        result = row.get("result") or {}
        demos[row["id"]] = {"seconds": round(row["elapsed_s"], 1),
                            "plots": len(result.get("curves") or []) + len(result.get("scatters") or [])}
    out = {
        "about": "Measured by bench/demo_timings.py: seconds of `quizcli explain ID` (a fresh process, torch's "
                 "import included) and the number of plots each demo draws. Regenerate after changing a demo.",
        "measured": time.strftime("%Y-%m-%d"),
        "machine": machine(load, load_after),
        "demos": dict(sorted(demos.items())),
    }
    args.output.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(demos)} demos to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
