"""How fast review and stats start with a big history: 20,000 cards, 200,000 reviews.

    .venv/bin/python bench/bench_review.py [--cards 20000] [--reviews 200000] [--repeat 5]

Builds, in a temporary folder, a generated corpus of banks with one question
per card (bench/gen_corpus.py) and a progress database holding a card for
every question and the reviews, written with one bulk insert. Then times,
each in a fresh process as a user meets it (imports, the bank index from
the cache, opening the database):

- `quizcli review`: from starting the process to the first card on screen
  (target < 0.3 s);
- `quizcli stats`: the whole command (target < 0.5 s);
- the parts in one process (imports, the index, the review's queue and
  summary, the stats' sums), to show which part is the store's.

Wall time on a shared machine includes waiting for a core; CPU time is
printed beside it. The children may write bytecode (PYTHONDONTWRITEBYTECODE
is dropped), as an installed package has its .pyc files from pip, and an
untimed first run of each command writes them and the bank index.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def build_db(path: Path, qids: list[str], reviews: int, seed: int = 0) -> None:
    """A realistic history, fast: schema through the store, rows in one transaction."""
    from quizcli.scheduler import REVIEW
    from quizcli.store import create_aggregate_triggers, drop_aggregate_triggers, fmt_time, open_store, \
        recount_aggregates

    open_store(path).close()          # schema, application_id, user_version
    rng = random.Random(seed)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")     # 256 MB: the random uid index fits
    db.execute("BEGIN")
    # Triggers per row are the slow part of a bulk load: count once at the end.
    drop_aggregate_triggers(db)
    per_card = reviews // len(qids)
    extra = reviews - per_card * len(qids)
    answers = []
    cards = []
    for n, qid in enumerate(qids):
        k = per_card + (1 if n < extra else 0)
        first = NOW - timedelta(days=rng.uniform(30, 365))
        times = sorted(first + timedelta(days=rng.uniform(0, (NOW - first).days)) for _ in range(k))
        for j, at in enumerate(times):
            correct = rng.random() < 0.85
            answers.append((uuid.uuid4().hex, qid, fmt_time(at), "a", int(correct), None, 3.5,
                            "review" if j % 5 else "quiz", (3 if correct else 1) if j % 5 else None,
                            REVIEW if j > 1 else None, None, None))
        stability = rng.uniform(1, 200)
        last = times[-1] if times else first
        due = last + timedelta(days=stability * rng.uniform(0.5, 1.2))
        cards.append((qid, REVIEW, None, stability, rng.uniform(1, 10), fmt_time(due), fmt_time(last), k,
                      rng.randrange(3), fmt_time(first)))
    db.executemany("INSERT INTO answers (uid, question_id, at, given, correct, grade, seconds, mode, rating,"
                   " state_before, card_before, due_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", answers)
    db.executemany("INSERT INTO cards (question_id, state, step, stability, difficulty, due, last_review, reps,"
                   " lapses, first_review) VALUES (?,?,?,?,?,?,?,?,?,?)", cards)
    recount_aggregates(db)
    create_aggregate_triggers(db)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _cpu_now(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_first_card(env: dict[str, str], corpus: Path) -> tuple[float, float, float]:
    """Seconds from spawning `quizcli review` to its first card on stdout; its
    CPU seconds up to that moment (10 ms resolution); and its CPU seconds in
    all (the summary after `q` included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "quizcli", "review", "--seed", "1", "--lang", "en",
                             "--bank", str(corpus)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdout and proc.stdin
    seen = b""
    while b"1/" not in seen:
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            sys.exit("review ended before showing a card:\n" + seen.decode() + proc.stderr.read().decode())
        seen += chunk
    wall = time.perf_counter() - t0
    cpu_first = _cpu_now(proc.pid)
    proc.stdin.write(b"q\n")
    proc.stdin.close()
    proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, cpu_first, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def time_command(env: dict[str, str], args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "quizcli", *args], capture_output=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"quizcli {' '.join(args)} failed:\n{proc.stderr.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def time_reference(env: dict[str, str]) -> tuple[float, float]:
    """The machine's speed at the moment: the bare imports every command pays
    (about 0.09 s on this 2-core machine when it is not slowed down; the same
    reference as bench/bench_startup.py)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import typer, rich.console, yaml"], check=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


_PARTS = r"""
import sys, time
t_start = time.process_time()
import quizcli.cli, quizcli.sessions.review, quizcli.ui.review     # what `quizcli review` imports before its first card
t_imports = time.process_time() - t_start
from pathlib import Path
from datetime import datetime, timezone
from quizcli.bank.index import load_index
from quizcli.gcpause import bulk_objects
from quizcli.sessions.queue import load_queue
from quizcli.sessions.review import ReviewSession
from quizcli.sessions.settings import scheduler_from_settings
from quizcli.store import open_store
from quizcli import stats
clock = time.process_time
t0 = clock()
with bulk_objects():            # as the review and stats commands load it
    lib = load_index([Path(sys.argv[1])], include_builtin=True)
assert lib.hit, "the bank index was not used"
t_load = clock() - t0
now = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
questions = lib.questions       # no filter given: the command selects nothing
t0 = clock()
st = open_store()
sched = scheduler_from_settings(st, now)
queue = load_queue(st, questions, now, seed=1, scheduler=sched)
session = ReviewSession(queue, st, sched, questions=questions, now=lambda: now)
session.show().item
t_review = clock() - t0
t0 = clock()
session.summary()
t_summary = clock() - t0
t0 = clock()
s = stats.compute(lib, st, now, sched)
t_stats = clock() - t0
print(t_imports, t_load, t_review, t_summary, t_stats, len(queue.items), queue.due, s.total.answers)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from gen_corpus import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        files = write_corpus(corpus, args.cards)
        empty = tmp_path / "no-content"
        empty.mkdir()
        home = tmp_path / "home"
        env = {**os.environ, "QUIZCLI_HOME": str(home), "QUIZCLI_CONTENT": str(empty),
               "QUIZCLI_NOW": NOW.isoformat(), "NO_COLOR": "1", "COLUMNS": "100"}
        for name in ("QUIZCLI_BANKS", "QUIZCLI_DB", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)

        os.environ.update({k: env[k] for k in ("QUIZCLI_HOME", "QUIZCLI_CONTENT")})
        from quizcli.bank import load_library

        qids = [q.id for q in load_library([corpus], include_builtin=False).questions]   # also warms the bank cache
        assert len(qids) == args.cards, len(qids)
        t0 = time.perf_counter()
        db = home / "progress.sqlite3"
        build_db(db, qids, args.reviews)
        build_s = time.perf_counter() - t0
        size_mb = db.stat().st_size / 1e6
        print(f"corpus: {args.cards} questions in {len(files)} banks; progress: {args.cards} cards, "
              f"{args.reviews} reviews, {size_mb:.1f} MB (built in {build_s:.1f} s)")

        # Untimed: writes the bytecode and the bank index the timed runs read.
        time_first_card(env, corpus)
        time_command(env, ["stats", "--bank", str(corpus)])
        # Interleaved, so that a machine slowed down for a while slows every row alike.
        review_runs, stats_runs, json_runs, reference = [], [], [], []
        for _ in range(args.repeat):
            reference.append(time_reference(env))
            review_runs.append(time_first_card(env, corpus))
            stats_runs.append(time_command(env, ["stats", "--bank", str(corpus)]))
            json_runs.append(time_command(env, ["stats", "--json", "--bank", str(corpus)]))
        parts = []
        for _ in range(args.repeat):
            out = subprocess.run([sys.executable, "-c", _PARTS, str(corpus)], capture_output=True, text=True,
                                 env=env, cwd=ROOT)
            if out.returncode != 0:
                sys.exit(out.stderr)
            parts.append([float(x) for x in out.stdout.split()])

    def med(runs, i):
        return statistics.median(r[i] for r in runs)

    print(f"(median of {args.repeat} fresh processes; load average {os.getloadavg()[0]:.2f} at the end)")
    print(f"  {'':<52} {'wall':>6}  {'CPU':>6}")
    print(f"  {'quizcli review: first card (target < 0.3 s)':<52} {med(review_runs, 0):6.3f}  {med(review_runs, 1):6.3f}"
          f"   (CPU to the end, summary included: {med(review_runs, 2):.3f})")
    print(f"  {'quizcli stats (target < 0.5 s)':<52} {med(stats_runs, 0):6.3f}  {med(stats_runs, 1):6.3f}")
    print(f"  {'quizcli stats --json':<52} {med(json_runs, 0):6.3f}  {med(json_runs, 1):6.3f}")
    print(f"  {'reference: import typer, rich.console, yaml':<52} {med(reference, 0):6.3f}  {med(reference, 1):6.3f}"
          "   (about 0.09 s when the machine is not slowed down)")
    print("  in-process parts (CPU seconds):")
    print(f"    {'imports (quizcli.cli, review, ui.review)':<50} {med(parts, 0):.3f}")
    print(f"    {'load the bank index (GC paused, as the commands do)':<50} {med(parts, 1):.3f}")
    print(f"    {'review: open store, queue, first card':<50} {med(parts, 2):.3f}   "
          f"({int(parts[0][5])} queued, {int(parts[0][6])} due)")
    print(f"    {'review: summary':<50} {med(parts, 3):.3f}")
    print(f"    {'stats: compute':<50} {med(parts, 4):.3f}   ({int(parts[0][7])} answers)")


if __name__ == "__main__":
    main()
