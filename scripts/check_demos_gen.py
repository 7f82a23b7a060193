"""Check the generalization and hyperparameter demos (demos/gen_*.py, demos/hp_*.py).

For each demo: every check passes for seeds 0, 1 and 2; the same seed gives
the same numbers twice; with the treatment off at least one check fails; and
the time of one run (torch already imported) is printed.

    .venv/bin/python scripts/check_demos_gen.py [ID ...]
"""

from __future__ import annotations

import ast
import importlib.util
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"
VERDICTS = Path("/tmp/plan/verdicts.md")


def load(path: Path):
    # As the engine does: the demo's folder is on sys.path for its helpers.
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"demo_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def literal_meta(path: Path) -> dict:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "META" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{path}: no literal META")


def agreed_verdicts() -> dict[str, str]:
    out: dict[str, str] = {}
    if not VERDICTS.is_file():
        return out
    for line in VERDICTS.read_text(encoding="utf-8").splitlines():
        head = line.split("(")[0].strip()
        if ":" in head:
            key, _, value = head.partition(":")
            out[key.strip()] = value.strip()
    return out


def fresh_seconds(path: Path) -> tuple[float, float]:
    """Wall and CPU time of one seed-0 run in a new process, torch import included.

    On a shared machine the wall time depends on the load; the CPU time
    (user + system) of the child process much less.
    """
    code = (f"import importlib.util, sys; sys.path.insert(0, {str(path.parent)!r}); "
            "from quizcli.demo.api import DemoContext; "
            f"spec = importlib.util.spec_from_file_location('d', {str(path)!r}); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); m.run(DemoContext(seed=0))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(ids: list[str]) -> int:
    t0 = time.perf_counter()
    import torch  # noqa: F401  (timed once, apart from the demos)

    print(f"torch import {time.perf_counter() - t0:.2f}s")
    from quizcli.demo.api import DemoContext, DemoResult

    verdicts = agreed_verdicts()
    paths = sorted(p for p in DEMOS.glob("*.py") if p.stem.startswith(("gen_", "hp_")))
    if ids:
        paths = [p for p in paths if p.stem in ids]
    failures = 0
    covered: set[str] = set()
    for path in paths:
        meta = literal_meta(path)
        problems: list[str] = []
        if meta["id"] != path.stem:
            problems.append("META id != file stem")
        for claim in meta["claims"]:
            covered.add(claim)
            if verdicts and verdicts.get(claim) != meta["verdict"]:
                problems.append(f"verdict {meta['verdict']} != agreed {verdicts.get(claim)} for {claim}")
        module = load(path)
        times = []
        for seed in (0, 1, 2):
            start = time.perf_counter()
            result: DemoResult = module.run(DemoContext(seed=seed))
            times.append(time.perf_counter() - start)
            failed = [c for c in result.checks if not c.passed]
            for c in failed:
                problems.append(f"seed {seed}: FAILED {c.name}: {c.value:.4g} {c.op} {c.threshold:.4g}")
            margins = ", ".join(f"{c.value:.3g}{c.op}{c.threshold:.3g}" for c in result.checks)
            print(f"  {path.stem} seed {seed}: {times[-1]:.2f}s  {margins}")
            if seed == 0:
                again = module.run(DemoContext(seed=0))
                if again.to_dict() != result.to_dict():
                    problems.append("seed 0 is not deterministic")
                print("    en:", result.finding["en"])
        off = module.run(DemoContext(seed=0, treatment=False))
        if off.all_passed:
            problems.append("treatment off: every check still passes")
        else:
            print("    treatment off fails:", [c.name for c in off.checks if not c.passed])
        fresh, cpu = fresh_seconds(path)
        if cpu >= 5.0:
            problems.append(f"fresh process used {cpu:.2f}s of CPU (budget 5 s)")
        status = "ok" if not problems else "PROBLEMS"
        print(f"{path.stem}: {status}  fresh process {fresh:.2f}s wall, {cpu:.2f}s CPU  max run {max(times):.2f}s  claims={meta['claims']} verdict={meta['verdict']}")
        for p in problems:
            print("   -", p)
        failures += bool(problems)
    wanted = {k for k in verdicts if k.startswith(("gen_", "hp_"))}
    if not ids and wanted - covered:
        print("claims without a demo:", sorted(wanted - covered))
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
