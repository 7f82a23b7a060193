"""Banks at 100,000 questions: what a candidate and an author wait for.

    python bench/bench_100k.py [--questions 100000] [--banks 20] [--repeat 3] [--baseline DIR]
    python bench/bench_100k.py --questions 5000 --banks 5000     # a folder of 5,000 small banks

Targets (issue 21), with 100,000 generated questions (bench/gen_corpus.py,
20 bank files) beside the built-in banks, in fresh processes, warm (the
caches written by an earlier run):

  - the first question of `quizcli quiz`                      <= 0.25 s
  - `quizcli topics`, `list` (one topic, one type, one level)
    and `show ID`                                              <= 0.3 s each
  - the first question after one bank file was edited          <= 0.6 s

Each row is the median wall time of --repeat runs, interleaved with the
machine's speed (the bare `python -c "import typer, rich.console, yaml"`
the other bench scripts time: about 0.09 s on this 2-core machine when it
is not slowed down), so that a slow spell of this shared machine hits
every row alike; the ratio to it is printed too. With --baseline DIR (a
checkout of the code before, e.g. `git worktree add /tmp/base main`) every
row is also timed with that code, interleaved, and the ratio now / before
printed. Exit status: 0 when every target was met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

PROMPT = b"> "
TARGETS = {"first question": 0.25, "topics": 0.3, "list": 0.3, "show": 0.3, "first question, one file edited": 0.6}


def reference(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import typer, rich.console, yaml"], check=True, env=env)
    return time.perf_counter() - t0


def command(root: Path, args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "quizcli", *args], capture_output=True, cwd=str(root),
                          env={**env, "PYTHONPATH": str(root)})
    if proc.returncode != 0:
        sys.exit(f"quizcli {' '.join(args)} ({root}) failed:\n{proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - t0


def first_question(root: Path, corpus: Path, env: dict[str, str]) -> float:
    """Launch a quiz, time until its answer prompt appears, then quit."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "quizcli", "quiz", "--bank", str(corpus), "--seed", "0", "-n", "5",
                             "--lang", "en"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=str(root), env={**env, "PYTHONPATH": str(root)})
    seen = b""
    fd = proc.stdout.fileno()
    while PROMPT not in seen:
        ready, _, _ = select.select([fd], [], [], 120)
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            proc.kill()
            sys.exit(f"no question appeared ({root}): {seen[-500:]!r} {proc.stderr.read()[-1000:]!r}")
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.communicate(b"q\n", timeout=60)
    return elapsed


def date_back(path: Path, seconds: int = 60) -> None:
    """As a file edited a minute ago (one changed just now writes no index: quizcli.bank.index._RACY_NS)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--banks", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()

    from gen_corpus import write_corpus

    tmp = Path(tempfile.mkdtemp(prefix="quizcli-100k-"))
    corpus = tmp / "corpus"
    files = write_corpus(corpus, args.questions, args.banks)
    for f in files:
        date_back(f)
    edited = files[len(files) // 2]
    original = edited.read_text(encoding="utf-8")
    topic = edited.stem
    per = -(-args.questions // args.banks)
    some_id = f"{topic}-q{(len(files) // 2) * per + min(7, per - 1):05d}"
    # PYTHONDONTWRITEBYTECODE dropped: an installed quizcli has its bytecode
    # (pip compiles it), and compiling the modules again in every process
    # would be timed as quizcli's own work (40 ms of the first question here).
    base_env = {k: v for k, v in os.environ.items()
                if k not in ("QUIZCLI_BANKS", "QUIZCLI_CONTENT", "PYTHONDONTWRITEBYTECODE")}
    base_env.update(NO_COLOR="1", COLUMNS="100")
    trees = {"now": ROOT}
    if args.baseline:
        trees["before"] = args.baseline.resolve()
    envs = {name: {**base_env, "QUIZCLI_HOME": str(tmp / f"home-{name}")} for name in trees}
    bank = ["--bank", str(corpus)]
    rows: dict[tuple[str, str], list[float]] = {}
    speed: list[float] = []

    def add(tree: str, what: str, seconds: float) -> None:
        rows.setdefault((tree, what), []).append(seconds)

    for name, root in trees.items():   # cold: the caches and indexes written
        command(root, ["topics", *bank], envs[name])
        command(root, ["topics", *bank], envs[name])
    for i in range(args.repeat):
        speed.append(reference(base_env))
        for name, root in trees.items():
            env = envs[name]
            add(name, "first question", first_question(root, corpus, env))
            add(name, "topics", command(root, ["topics", *bank], env))
            add(name, "list", command(root, ["list", *bank, "--topic", topic, "--type", "numeric",
                                             "--difficulty", "3"], env))
            add(name, "show", command(root, ["show", some_id, *bank], env))
        # One question's text changed (a different edit each run), dated back a
        # minute; the same state for every tree, so that each next run is warm again.
        edited.write_text(original.replace("Explanation ", f"Explanation (edit {i}) ", 1), encoding="utf-8")
        date_back(edited)
        for name, root in trees.items():
            add(name, "first question, one file edited", first_question(root, corpus, envs[name]))
    edited.write_text(original, encoding="utf-8")

    ref = statistics.median(speed)
    print(f"{args.questions} questions in {len(files)} files (+ the built-in banks); median of {args.repeat} "
          f"fresh processes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"machine's speed: `python -c \"import typer, rich.console, yaml\"` {ref:.3f} s "
          "(about 0.09 s when the machine is not slowed down)")
    header = f"  {'':<34} {'target':>7} {'now':>8} {'x speed':>8}"
    if args.baseline:
        header += f" {'before':>8} {'now/before':>10}"
    print(header)
    met = True
    for what, target in TARGETS.items():
        now = statistics.median(rows[("now", what)])
        ok = now <= target
        met = met and ok
        line = f"  {what:<34} {target:6.2f}s {now:7.3f}s {now / ref:7.2f}x"
        if args.baseline:
            before = statistics.median(rows[("before", what)])
            line += f" {before:7.3f}s {now / before:10.2f}"
        print(line + ("" if ok else "   (over the target)"))
    print("targets met" if met else "targets NOT met (at this machine's speed)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
