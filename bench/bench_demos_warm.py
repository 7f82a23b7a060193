"""What `d` costs in a session with a warm worker, from the cache, and cold.

    python bench/bench_demos_warm.py [--repeat 3] [--demo ID] [--baseline DIR]

Targets (issue 21), each as a ratio against a bare `python -c "import torch"`
timed in the same run, interleaved with the other rows so that a slow spell
of this shared machine hits them alike:

  - `d` with a warm worker: from the key to the demo's first line of output
    (its outcome, which starts with its settings and table), less the
    demo's own compute (`run_s`), within 0.3 s;
  - `d` on a demo already run (results cache): within 0.2 s;
  - cold `quizcli explain ID --fresh` (no worker, no cache) no slower than
    before: with --baseline DIR (a checkout of the code before, e.g.
    `git worktree add /tmp/base main`), both are timed, interleaved.

`d` is timed in this process, as the session runs it (quizcli.ui.demo.show_demo
into a console that writes to memory); the worker is a fork server started
at the session's low priority and given time to finish its imports, as a
candidate reading the first question gives it. The cold `d` row (no worker:
a spawned process that imports torch) is what `d` cost before.
Exit status: 0 when every target was met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_OVERHEAD_S = 0.3
CACHED_S = 0.2


def bare_torch(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True, env=env)
    return time.perf_counter() - t0


def time_d(demo: str, *, server=None, fresh: bool) -> tuple[float, float | None, bool]:
    """(seconds from the key to the first line of the outcome, run_s, cached)."""
    from rich.console import Console

    from quizcli.ui import demo as ui_demo

    first: list[float] = []
    real = ui_demo.render_outcome

    def render_outcome(console, outcome, *, lang):
        first.append(time.perf_counter())
        real(console, outcome, lang=lang)

    ui_demo.render_outcome = render_outcome
    try:
        console = Console(file=io.StringIO(), width=100, color_system=None)
        t0 = time.perf_counter()
        outcome = ui_demo.show_demo(console, demo, lang="en", seed=0, fresh=fresh, server=server)
    finally:
        ui_demo.render_outcome = real
    if outcome.status != "ok":
        sys.exit(f"{demo}: {outcome.status}: {outcome.message}")
    return first[0] - t0, outcome.run_s, outcome.cached_at is not None


def explain(root: Path, demo: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "quizcli", "explain", demo, "--device", "cpu", "--json",
                           *(["--fresh"] if root == ROOT else [])],
                          capture_output=True, env={**env, "PYTHONPATH": str(root)}, cwd=str(root))
    if proc.returncode != 0:
        sys.exit(f"explain {demo} from {root} failed:\n{proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", default="sn_conv_reshape", help="a typical quick demo")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code before, for cold explain")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="quizcli-bench-")
    os.environ["QUIZCLI_HOME"] = home
    env = {**os.environ, "NO_COLOR": "1"}
    from quizcli.demo import engine, forkserver, warm

    rows: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        rows.setdefault(name, []).append(value)

    for _ in range(args.repeat):
        add("bare", bare_torch(env))
        # Cold d: a spawned process imports torch (what d cost before the worker).
        seconds, run_s, _ = time_d(args.demo, fresh=True)
        add("cold d", seconds)
        add("cold run_s", run_s or 0.0)
        # Warm d: the worker has done its imports while the question was read.
        server = forkserver.ForkServer(env=engine.child_env(), nice=warm.NICE)
        try:
            if not server.wait_ready(300):
                sys.exit("the warm worker did not finish its imports")
            seconds, run_s, _ = time_d(args.demo, server=server, fresh=True)
        finally:
            server.close()
        add("warm d", seconds)
        add("warm d overhead", seconds - (run_s or 0.0))
        add("run_s", run_s or 0.0)
        # Cached d: the run above is in the cache.
        seconds, _, cached = time_d(args.demo, fresh=False)
        if not cached:
            sys.exit("the second run was not served from the cache")
        add("cached d", seconds)
        add("cold explain", explain(ROOT, args.demo, env))
        if args.baseline:
            add("cold explain before", explain(args.baseline, args.demo, {**env, "QUIZCLI_HOME": tempfile.mkdtemp()}))

    med = {k: statistics.median(v) for k, v in rows.items()}
    bare = med["bare"]
    print(f"demo {args.demo}; median of {args.repeat}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"machine's speed: bare `python -c \"import torch\"` {bare:.2f} s")
    labels = [
        ("cold d", "d, no worker (a spawned process imports torch)"),
        ("cold run_s", "  of which in run() (lazy torch imports included)"),
        ("warm d", "d with a warm worker, to the first line of output"),
        ("warm d overhead", f"  less the demo's own compute (target <= {WARM_OVERHEAD_S} s)"),
        ("run_s", "the demo's own compute (run_s)"),
        ("cached d", f"d on a demo already run, from the cache (target <= {CACHED_S} s)"),
        ("cold explain", "cold `quizcli explain ID --fresh`, whole command"),
        ("cold explain before", "the same, the code before (--baseline)"),
    ]
    for key, label in labels:
        if key in med:
            print(f"  {label:<62} {med[key]:7.3f} s  = {med[key] / bare:5.2f} x bare import")
    met = med["warm d overhead"] <= WARM_OVERHEAD_S and med["cached d"] <= CACHED_S
    if "cold explain before" in med:
        ratio = med["cold explain"] / med["cold explain before"]
        print(f"  cold explain, now / before: {ratio:.2f} (target: no slower, within the noise of 10%)")
        met = met and ratio <= 1.10
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
