"""Start-up benchmark: `quizcli --help` against the bare imports it needs,
and the time from launch to the first question of a quiz on the built-in banks.

    .venv/bin/python bench/bench_startup.py [--runs 15]

Targets (issue 2): --help within 1.3x of `python -c "import typer,
rich.console, yaml"`, measured side by side in this one run (interleaved, so
machine load hits both alike); first question in under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
QUIZCLI = BIN / ("quizcli.exe" if os.name == "nt" else "quizcli")
BASELINE = [sys.executable, "-c", "import typer, rich.console, yaml"]
HELP = [str(QUIZCLI), "--help"]
PROMPT = b"> "   # the answer prompt: the first question is on screen


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


CPU: dict[str, list[float]] = {}   # CPU seconds per run: less sensitive to a busy machine than wall time


def timed(cmd: list[str], env: dict[str, str], name: str = "") -> float:
    cpu = _child_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    elapsed = time.perf_counter() - start
    CPU.setdefault(name, []).append(_child_cpu() - cpu)
    return elapsed


def first_question(env: dict[str, str]) -> float:
    """Launch a quiz and time until its answer prompt appears, then quit."""
    cmd = [str(QUIZCLI), "quiz", "--seed", "0", "-n", "5", "--lang", "en"]
    cpu = _child_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    fd = proc.stdout.fileno()
    while PROMPT not in seen:
        ready, _, _ = select.select([fd], [], [], 10)
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            proc.kill()
            raise RuntimeError(f"no question appeared: {seen[-500:]!r} {proc.stderr.read()[-500:]!r}")
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.communicate(b"q\n", timeout=10)
    # The whole session's CPU (start, first question, q, summary): an upper bound.
    CPU.setdefault("first", []).append(_child_cpu() - cpu)
    return elapsed


def summary(name: str, times: list[float], cpu: list[float] | None = None) -> str:
    line = f"{name:<44} median {statistics.median(times) * 1000:7.1f} ms   min {min(times) * 1000:7.1f} ms"
    if cpu:
        line += f"   cpu median {statistics.median(cpu) * 1000:6.1f} ms"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="quizcli-bench-")
    env = {k: v for k, v in os.environ.items() if k not in ("QUIZCLI_CONTENT", "QUIZCLI_BANKS")}
    env.update(QUIZCLI_HOME=home, NO_COLOR="1")

    # Warm the OS file cache and the bank cache once, as a user's second run would be.
    timed(BASELINE, env, "warm"), timed(HELP, env, "warm"), first_question(env)
    CPU.clear()
    base, help_, first = [], [], []
    for _ in range(args.runs):        # interleaved: load changes hit all three alike
        base.append(timed(BASELINE, env, "base"))
        help_.append(timed(HELP, env, "help"))
        first.append(first_question(env))

    ratio = statistics.median(help_) / statistics.median(base)
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, interleaved; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(summary('python -c "import typer, rich.console, yaml"', base, CPU["base"]))
    print(summary("quizcli --help", help_, CPU["help"]))
    print(f"{'  ratio (median)':<44} {ratio:7.2f}x   target <= 1.30x   {'OK' if ratio <= 1.3 else 'MISSED'}")
    fq = statistics.median(first)
    print(summary("quizcli quiz: launch to first question", first, CPU["first"]))
    print(f"{'  target':<44} < 300 ms           {'OK' if fq < 0.3 else 'MISSED'} (wall-clock median)")

    # Cold: an empty user folder, so no bank cache (if the loader keeps one).
    cold = []
    for _ in range(max(3, args.runs // 3)):
        env_cold = dict(env, QUIZCLI_HOME=tempfile.mkdtemp(prefix="quizcli-bench-cold-"))
        cold.append(first_question(env_cold))
    print(summary("  same, empty user folder (cold cache)", cold))


if __name__ == "__main__":
    main()
