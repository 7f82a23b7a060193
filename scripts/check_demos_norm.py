"""Check the normalization demos (demos/bn_*.py, demos/in_*.py, demos/sn_*.py).

For each demo: every check passes for seeds 0, 1 and 2; the same seed gives
the same numbers twice; with the treatment off at least one check fails; and
the time of one run (torch already imported) is printed.

    .venv/bin/python scripts/check_demos_norm.py [ID ...]
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"
PREFIXES = ("bn_", "in_", "sn_")
VERDICTS = Path("/tmp/plan/verdicts.md")


def load(path: Path):
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


def main(ids: list[str]) -> int:
    t0 = time.perf_counter()
    import torch  # noqa: F401  (timed once, apart from the demos)

    print(f"torch import {time.perf_counter() - t0:.2f}s")
    from quizcli.demo.api import DemoContext, DemoResult

    verdicts = agreed_verdicts()
    paths = sorted(p for p in DEMOS.glob("*.py") if p.stem.startswith(PREFIXES))
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
        status = "ok" if not problems else "PROBLEMS"
        print(f"{path.stem}: {status}  max run {max(times):.2f}s  claims={meta['claims']} verdict={meta['verdict']}")
        for p in problems:
            print("   -", p)
        failures += bool(problems)
    wanted = {k for k in verdicts if k.startswith(PREFIXES)}
    if not ids and wanted - covered:
        print("claims without a demo:", sorted(wanted - covered))
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
