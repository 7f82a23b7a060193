"""The results cache of demos (quizcli.demo.cache): a CPU run already made
is shown at once, marked as cached; anything that changes the numbers misses."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from cli_run import run  # tests/ is on sys.path

from quizcli import paths
from quizcli.demo import cache, engine, registry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def demos(tmp_path, monkeypatch):
    """The fixture demos in a folder of their own (some tests edit them)."""
    folder = tmp_path / "demos"
    shutil.copytree(FIXTURES / "demos", folder)
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: folder)
    return folder


def _run(demo_id="fx_pass", **kw):
    kw.setdefault("device", "cpu")
    return engine.run_demo(demo_id, **kw)


def test_a_cpu_run_is_stored_and_found_with_its_date(demos):
    outcome = _run(seed=3)
    assert outcome.status == engine.OK and cache.store(outcome)
    info = registry.load_demo("fx_pass")
    hit = cache.lookup(info, seed=3, device="cpu", treatment=True)
    assert hit is not None and hit.cached_at is not None
    assert hit.result.to_dict() == outcome.result.to_dict()
    assert (hit.status, hit.verdict, hit.run_s) == (outcome.status, outcome.verdict, outcome.run_s)
    assert cache.when(hit)[:4].isdigit()
    # Stored once, never re-stored as if measured now.
    assert not cache.store(hit)


def test_what_changes_the_numbers_misses(demos):
    assert cache.store(_run(seed=3))
    info = registry.load_demo("fx_pass")
    assert cache.lookup(info, seed=4, device="cpu", treatment=True) is None
    assert cache.lookup(info, seed=3, device="cpu", treatment=False) is None
    assert cache.lookup(info, seed=3, device="cuda", treatment=True) is None     # never a GPU
    assert cache.lookup(info, seed=3, device="cpu", treatment=True) is not None
    # An edit anywhere in the demo's folder (a helper too) is a miss.
    (demos / "_helper.py").write_text("X = 1\n")
    assert cache.lookup(info, seed=3, device="cpu", treatment=True) is None


def test_a_failed_check_is_kept_but_a_crash_hang_or_gpu_run_is_not(demos):
    failed = _run("fx_fail")
    assert failed.status == engine.FAILED_CHECKS and cache.store(failed)
    assert not cache.store(_run("fx_raise"))
    assert not cache.store(_run("fx_hang", timeout=1.0))
    ok = _run()
    ok.device_used = "cuda"
    assert not cache.store(ok)


def test_auto_is_cached_only_where_it_can_only_mean_the_cpu(monkeypatch):
    cpu_build = b"__version__ = '2.13.0+cpu'\ncuda: Optional[str] = None\nhip: Optional[str] = None\nxpu = None\n"
    cuda_build = b"__version__ = '2.13.0'\ncuda: Optional[str] = '12.4'\nhip: Optional[str] = None\nxpu = None\n"
    monkeypatch.setattr(cache.sys, "platform", "linux")
    monkeypatch.setattr(cache, "_version_file", lambda name: cpu_build)
    assert cache.cache_device("auto") == "cpu"
    monkeypatch.setattr(cache, "_version_file", lambda name: cuda_build)
    assert cache.cache_device("auto") is None and cache.cache_device("cpu") == "cpu"
    monkeypatch.setattr(cache.sys, "platform", "darwin")
    monkeypatch.setattr(cache, "_version_file", lambda name: cpu_build)
    assert cache.cache_device("auto") is None                                    # mps may be there
    assert cache.cache_device("mps") is None and cache.cache_device("cuda") is None


def test_damaged_or_foreign_entries_are_misses(demos):
    assert cache.store(_run(seed=3))
    info = registry.load_demo("fx_pass")
    (entry,) = cache.folder().glob("*.json")
    data = json.loads(entry.read_text())
    entry.write_text(json.dumps({**data, "key": "0" * 64}))
    assert cache.lookup(info, seed=3, device="cpu", treatment=True) is None
    entry.write_text("{not json")
    assert cache.lookup(info, seed=3, device="cpu", treatment=True) is None


def test_the_folder_is_trimmed_least_recently_used_first(demos, monkeypatch):
    outcome = _run(seed=0)
    for seed in range(4):
        outcome.seed = seed
        assert cache.store(outcome)
    entries = sorted(cache.folder().glob("*.json"), key=lambda p: p.stat().st_mtime)
    assert len(entries) == 4
    size = entries[0].stat().st_size
    for age, p in enumerate(entries):   # oldest first, a second apart
        os.utime(p, (1_000_000 + age, 1_000_000 + age))
    info = registry.load_demo("fx_pass")
    used = cache.lookup(info, seed=0, device="cpu", treatment=True)   # the oldest, now used
    assert used is not None
    assert cache.trim(max_bytes=2 * size + size // 2) == 2
    left = {json.loads(p.read_text())["seed"] for p in cache.folder().glob("*.json")}
    assert left == {0, 3}


def test_two_sessions_writing_at_once_leave_a_whole_entry(demos):
    outcome = _run(seed=1)
    threads = [threading.Thread(target=cache.store, args=(outcome,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.name for p in cache.folder().iterdir() if p.name.endswith(".tmp")] == []
    info = registry.load_demo("fx_pass")
    assert cache.lookup(info, seed=1, device="cpu", treatment=True) is not None


def test_explain_shows_a_cached_run_and_fresh_runs_it_again(demos, monkeypatch):
    calls = []
    real = engine.run_demo
    monkeypatch.setattr(engine, "run_demo", lambda *a, **k: calls.append(a) or real(*a, **k))
    code, first, _ = run(["explain", "fx_pass", "--device", "cpu", "--lang", "en"])
    assert code == 0 and "Cached" not in first and len(calls) == 1
    code, second, _ = run(["explain", "fx_pass", "--device", "cpu", "--lang", "en"])
    assert code == 0 and "Cached: this run" in second and "--fresh" in second and len(calls) == 1
    assert "cached 2" in second                                         # the footer's date
    code, fresh, _ = run(["explain", "fx_pass", "--device", "cpu", "--fresh", "--lang", "en"])
    assert code == 0 and "Cached" not in fresh and len(calls) == 2
    code, out, _ = run(["explain", "fx_pass", "--device", "cpu", "--json"])
    assert code == 0 and json.loads(out)["cached_at"] is not None and len(calls) == 2
    code, out, _ = run(["demos", "clear-cache"])
    assert code == 0 and "Removed 1 cached demo outcome" in out
    code, out, _ = run(["explain", "fx_pass", "--device", "cpu", "--json"])
    assert code == 0 and json.loads(out)["cached_at"] is None and len(calls) == 3


def test_the_d_key_shows_the_cached_run_and_d_again_runs_it_afresh(demos, monkeypatch):
    from quizcli.ui import keys
    from quizcli.ui.text import make_console

    calls = []
    real = engine.run_demo
    monkeypatch.setattr(engine, "run_demo", lambda *a, **k: calls.append(a) or real(*a, **k))
    console = make_console()
    key = keys.DemoKey("en", 0)
    assert key.press(console, "fx_pass") is False        # measured (with the default device, auto)
    auto_cached = cache.cache_device("auto") == "cpu"
    assert key.press(console, "fx_pass") is auto_cached   # then from the cache where auto means the CPU
    assert key.press(console, "fx_pass") is False         # d again: afresh
    assert len(calls) == (2 if auto_cached else 3)
