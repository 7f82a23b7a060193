"""Run every GAN demo the way the engine's tests do, and time it.

For each demos/gan_*.py (the lab only with --all): seeds 0, 1 and 2 must pass
every check, and seed 0 with the treatment switched off must fail at least
one; each run is timed in a fresh process, torch import included.

    .venv/bin/python scripts/check_demos_gan.py [--all] [ID ...]
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"

# Runs one demo in a fresh interpreter, so the time includes the torch import.
CHILD = r"""
import importlib.util, json, sys, time
t0 = time.perf_counter()
from quizcli.demo.api import DemoContext
path, seed, treatment = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
spec = importlib.util.spec_from_file_location("demo_" + path.split("/")[-1][:-3], path)
mod = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = mod
spec.loader.exec_module(mod)
import torch  # timed apart from the run: the import dominates on a busy machine
t1 = time.perf_counter()
c1 = time.process_time()
res = mod.run(DemoContext(seed=seed, treatment=treatment))
t2 = time.perf_counter()
c2 = time.process_time()
res2 = mod.run(DemoContext(seed=seed, treatment=treatment)) if "--det" in sys.argv else res
same = json.dumps(res.to_dict(), sort_keys=True, default=str) == json.dumps(res2.to_dict(), sort_keys=True, default=str)
json.dump({"checks": [[c.name, c.value, c.op, c.threshold, c.passed] for c in res.checks],
           "finding": res.finding["en"], "total_s": time.perf_counter() - t0 - (time.perf_counter() - t2 if res2 is not res else 0),
           "run_s": t2 - t1, "cpu_s": c2 - c1, "import_s": t1 - t0, "deterministic": same}, sys.stdout)
"""


def meta(path: Path) -> dict:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "META" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{path}: no META")


def run(path: Path, seed: int, treatment: bool, det: bool = False) -> dict:
    t = time.perf_counter()
    args = [sys.executable, "-c", CHILD, str(path), str(seed), "1" if treatment else "0"] + (["--det"] if det else [])
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:], "wall_s": wall}
    out = json.loads(proc.stdout)
    out["wall_s"] = wall
    return out


def main() -> int:
    want_all = "--all" in sys.argv
    ids = [a for a in sys.argv[1:] if not a.startswith("--")]
    paths = sorted(DEMOS.glob("gan_*.py"))
    if ids:
        paths = [p for p in paths if p.stem in ids]
    bad = 0
    for path in paths:
        m = meta(path)
        assert m["id"] == path.stem, f"{path}: META id {m['id']!r} != file stem"
        if m["long"] and not want_all and not ids:
            print(f"{path.stem}: long, skipped (use --all)")
            continue
        problems = []
        times, runs = [], []
        for seed in (0, 1, 2):
            r = run(path, seed, True, det=(seed == 0))
            if "error" in r:
                problems.append(f"seed {seed} raised:\n{r['error']}")
                continue
            times.append(r["wall_s"])
            runs.append(r["cpu_s"])
            if not r["deterministic"]:
                problems.append(f"seed {seed}: two runs differ")
            for name, value, op, thr, passed in r["checks"]:
                if not passed:
                    problems.append(f"seed {seed}: FAIL {name}: {value:.4g} {op} {thr:.4g}")
            if seed == 0:
                finding = r["finding"]
        r = run(path, 0, False)
        if "error" in r:
            problems.append(f"treatment off raised:\n{r['error']}")
        elif all(c[4] for c in r["checks"]):
            problems.append("treatment off: every check still passes")
        status = "ok" if not problems else "FAILED"
        bad += bool(problems)
        slow = max(times) if times else float("nan")
        compute = max(runs) if runs else float("nan")
        print(f"{path.stem}: {status}  run CPU max {compute:.2f}s, wall max (busy machine, torch import included) {slow:.2f}s  [{m['verdict']}] {m['claims']}")
        for p in problems:
            print("   ", p)
        if not problems:
            print("    ", finding[:400])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
