"""How fast banks load: a generated corpus of 10,000 questions (~7 MB).

    .venv/bin/python bench/bench_load.py [--questions 10000] [--repeat 3] [--parsers]

Measures, each in a fresh process so imports and caches count as a user
meets them:
- cold: validate and load the corpus with an empty cache: the full model
  of every question (`load_library`)
- warm: the same again, with the content-keyed cache filled by the cold run
- the same two as `quizcli quiz` loads: the bank index (`load_index`, which
  validates with `load_library` on a miss) and the ten questions a quiz asks
- baseline: PyYAML's CSafeLoader alone on the same files (no validation)
- with --parsers: every candidate parser that is installed, parse only

Targets (issue 2): cold under 1 s, warm under 0.3 s. The built-in banks are
left out (QUIZCLI_CONTENT points at an empty folder) so the corpus is all
that is measured. The children may write bytecode (PYTHONDONTWRITEBYTECODE
is dropped), as an installed package has its .pyc files from pip; an untimed
first run writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_LOAD = """
import sys, time
t0, c0 = time.perf_counter(), time.process_time()
from pathlib import Path
if sys.argv[3] == "library":
    from quizcli.bank import load_library
    lib = load_library([Path(sys.argv[1])], include_builtin=False)
    assert len(lib.questions) == int(sys.argv[2]), len(lib.questions)
else:
    from quizcli.bank.index import load_index
    index = load_index([Path(sys.argv[1])], include_builtin=False)
    assert len(index.questions) == int(sys.argv[2]), len(index.questions)
    step = len(index.questions) // 10
    asked = [index.question(q.id) for q in index.questions[::step][:10]]   # spread over the banks
    assert len(asked) == 10 and all(q.prompt for q in asked)
    assert index.hit == (sys.argv[4] == "warm"), "the index must be read when warm, written when cold"
print(time.perf_counter() - t0, time.process_time() - c0)
"""

_REFERENCE = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import typer, rich.console, yaml
print(time.perf_counter() - t0, time.process_time() - c0)
"""

_PARSE = """
import sys, time, glob
files = sorted(glob.glob(sys.argv[1] + "/*.yaml"))
texts = [open(f, encoding="utf-8").read() for f in files]
name = sys.argv[2]
t0, c0 = time.perf_counter(), time.process_time()
if name == "pyyaml-CSafeLoader":
    import yaml
    out = [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts]
elif name == "pyyaml-SafeLoader (pure Python)":
    import yaml
    out = [yaml.load(t, Loader=yaml.SafeLoader) for t in texts]
elif name == "yaml_rs":
    import yaml_rs
    out = [yaml_rs.loads(t, parse_datetime=False) for t in texts]
elif name == "ryaml":
    import ryaml
    out = [ryaml.loads(t) for t in texts]
elif name == "quizcli slow path (events + positions)":
    from quizcli.bank.yamlio import parse_with_positions
    out = [parse_with_positions(t) for t in texts]
print(time.perf_counter() - t0, time.process_time() - c0)
"""

PARSERS = ("pyyaml-CSafeLoader", "yaml_rs", "ryaml", "quizcli slow path (events + positions)")


def _time(code: str, *args: str, env: dict[str, str]) -> tuple[float, float] | None:
    """(wall, cpu) seconds of the measured part of `code`, run in a fresh process."""
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return None
    wall, cpu = proc.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parsers", action="store_true", help="also time every installed candidate parser")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from gen_corpus import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        files = write_corpus(corpus, args.questions)
        # Dated back: the index is not written for files changed just now (quizcli.bank.index._RACY_NS).
        for f in files:
            st = f.stat()
            os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        empty = tmp_path / "no-content"
        empty.mkdir()
        results: dict[str, list[tuple[float, float]]] = {}
        base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base_env.pop("QUIZCLI_BANKS", None)
        for how in ("library", "index"):
            _time(_LOAD, str(corpus), str(args.questions), how, "cold",
                  env={**base_env, "QUIZCLI_HOME": str(tmp_path / f"warmup-{how}"), "QUIZCLI_CONTENT": str(empty)})
        for i in range(args.repeat):
            # The machine's speed at the moment (about 0.09 s when it is not
            # slowed down), interleaved so that a slow spell hits every row.
            t = _time(_REFERENCE, env=base_env)
            if t is not None:
                results.setdefault("reference", []).append(t)
            for how in ("library", "index"):
                env = {**base_env, "QUIZCLI_HOME": str(tmp_path / f"home-{how}{i}"), "QUIZCLI_CONTENT": str(empty)}
                for phase in ("cold", "warm"):
                    t = _time(_LOAD, str(corpus), str(args.questions), how, phase, env=env)
                    if t is None:
                        sys.exit(f"loading ({how}) failed in the {phase} run")
                    results.setdefault(f"{phase} {how}", []).append(t)
        names = ("pyyaml-CSafeLoader",) + (PARSERS[1:] if args.parsers else ())
        for name in names:
            t = _time(_PARSE, str(corpus), name, env=base_env)
            if t is not None:
                results[f"parse only: {name}"] = [t]

    from quizcli.bank.yamlio import parser_name

    # Median wall time, and the CPU time of the same runs: on a shared machine
    # wall time also counts waiting for a core, CPU time does not. The best
    # run is the least disturbed one.
    summary = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in results.items()}
    if args.json:
        print(json.dumps({"questions": args.questions, "megabytes": round(size_mb, 1), "parser": parser_name(),
                          "median_wall_cpu": summary, "best_wall_cpu": best, "load_average": os.getloadavg()},
                         indent=2))
        return
    print(f"corpus: {args.questions} questions, {size_mb:.1f} MB; quizcli parser: {parser_name()}")
    load = os.getloadavg()[0]
    print(f"  wall / CPU seconds in fresh processes, import of quizcli.bank included; load average {load:.1f}")
    print(f"  {'':<48} {'median of ' + str(args.repeat):>15}   {'best':>13}")
    labels = {"cold library": "cold: validate + load all (target < 1 s)",
              "warm library": "warm: cache hit, load all (target < 0.3 s)",
              "cold index": "cold, as quiz loads: index + 10 questions",
              "warm index": "warm, as quiz loads: index + 10 questions",
              "reference": "reference: import typer, rich.console, yaml"}
    for key in summary:
        label = labels.get(key, key)
        (mw, mc), (bw, bc) = summary[key], best[key]
        print(f"  {label:<48} {mw:6.3f} / {mc:6.3f}   {bw:6.3f} / {bc:6.3f}")


if __name__ == "__main__":
    main()
