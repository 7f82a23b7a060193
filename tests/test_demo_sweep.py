"""`demos verify --seeds`: a sweep over seeds, margins, formats, and the longest demos first."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from quizcli import paths
from quizcli.demo import engine, registry, sweep
from quizcli.demo.api import Check, DemoResult, Table
from quizcli.ui.demo import fmt_check, fmt_column

from cli_run import run  # tests/ is on sys.path

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fixture_demos(monkeypatch):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "demo_content"))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")


# --- margins and formats ------------------------------------------------------------


def test_margin_is_the_relative_distance_to_the_threshold():
    assert Check("a", 1.2, ">", 1.0).margin == pytest.approx(0.2)
    assert Check("a", 0.9, ">", 1.0).margin == pytest.approx(-0.1)
    assert Check("a", 0.5, "<", 1.0).margin == pytest.approx(0.5)
    assert Check("a", -3.0, "<", -2.0).margin == pytest.approx(0.5)   # relative to |threshold|
    assert Check("a", -0.9, "<", 0.0).margin == pytest.approx(1.0)    # threshold 0: the value's size
    assert Check("a", 1.0, "<", 1.0).margin == 0 and not Check("a", 1.0, "<", 1.0).passed
    assert math.isnan(Check("a", float("nan"), "<", 1.0).margin)


def test_a_factor_is_kept_for_display_and_the_threshold_is_the_bound():
    c = Check("BN < 0.5 x no BN", 0.2, "<", 0.61, factor=0.5)
    assert (c.threshold, c.base, c.factor) == (pytest.approx(0.305), 0.61, 0.5) and c.passed
    assert fmt_check(c) == "0.2000 < 0.5 x 0.6100"
    back = DemoResult.from_dict(DemoResult(settings={}, table=Table(["a"], [[1]]), checks=[c],
                                           finding={"en": "e", "zh": "z"}).to_dict()).checks[0]
    assert (back.threshold, back.base, back.factor) == (c.threshold, 0.61, 0.5)
    assert fmt_check(Check("x", 4.227, ">", 0.1075, factor=100)) == "4.227 > 100 x 0.1075"
    assert fmt_check(Check("x", 4.227, ">", 10.75)) == "4.227 > 10.75"


def test_one_format_per_column():
    assert fmt_column([0.73, 0.623]) == ["0.7300", "0.6230"]
    assert fmt_column([1e-6, 0.001]) == ["1.000e-06", "1.000e-03"]
    assert fmt_column(["BN", 3, 12.5, float("nan")]) == ["BN", "3", "12.50", "NaN"]
    assert fmt_column([1234.5, 2.0]) == ["1234", "2.000"] or fmt_column([1234.5, 2.0]) == ["1235", "2.000"]


# --- seeds and summaries ------------------------------------------------------------


def test_parse_seeds():
    assert sweep.parse_seeds("0-3") == [0, 1, 2, 3]
    assert sweep.parse_seeds("0,3,7") == [0, 3, 7]
    assert sweep.parse_seeds("5, 0-2, 1") == [5, 0, 1, 2]
    for bad, why in (("3-1", "empty"), ("a", "not a seed"), ("0-5000", "more than"), ("", "not a seed")):
        with pytest.raises(ValueError, match=why):
            sweep.parse_seeds(bad)


def _outcome(demo_id, seed, checks, status=engine.OK):
    result = DemoResult(settings={}, table=Table(["a"], [[1]]), checks=checks, finding={"en": "e", "zh": "z"})
    return engine.DemoOutcome(demo_id=demo_id, status=status, message="", verdict=None, result=result,
                              elapsed_s=0.1, seed=seed)


def test_summarize_counts_passes_and_keeps_the_worst_margin():
    rows = sweep.summarize([
        _outcome("a", 0, [Check("wide", 2.0, ">", 1.0), Check("thin", 1.05, ">", 1.0)]),
        _outcome("a", 1, [Check("wide", 1.5, ">", 1.0), Check("thin", 0.9, ">", 1.0)], engine.FAILED_CHECKS),
        _outcome("b", 0, [Check("x", 0.5, "<", 1.0)]),
        engine.DemoOutcome(demo_id="b", status=engine.TIMEOUT, message="too slow", verdict=None, result=None,
                           elapsed_s=1.0, seed=1),
    ])
    a, b = rows
    assert (a.runs, a.passed, a.worst_check, a.worst_seed) == (2, 1, "thin", 1)
    assert a.worst_margin == pytest.approx(-0.1) and not a.ok
    assert (b.runs, b.passed, b.worst_margin) == (2, 1, pytest.approx(0.5)) and b.problems == ["seed 1: timeout (too slow)"]
    assert sweep.fmt_seeds([0, 1, 2, 3, 7, 12345]) == "0-3, 7, 12345" and sweep.fmt_seeds([5]) == "5"
    assert sweep.fmt_margin(0.123) == "+12%" and sweep.fmt_margin(-0.051) == "-5.1%" and sweep.fmt_margin(None) == "-"


# --- the engine: seeds, and the longest first -----------------------------------------


def test_run_many_with_seeds_runs_every_demo_once_per_seed(fixture_demos, monkeypatch):
    monkeypatch.setenv(engine.FORK_ENV, "0")
    infos = [registry.load_demo("fx_pass"), registry.load_demo("fx_fail")]
    outcomes = engine.run_many(infos, jobs=2, seeds=[4, 9], device="cpu")
    assert [(o.demo_id, o.seed) for o in outcomes] == [("fx_pass", 4), ("fx_fail", 4), ("fx_pass", 9), ("fx_fail", 9)]
    assert outcomes[0].result.settings["seed"] == 4 and outcomes[2].result.settings["seed"] == 9


def test_start_order_is_longest_first_and_outcomes_keep_their_order(fixture_demos, monkeypatch):
    monkeypatch.setenv(engine.FORK_ENV, "0")
    infos = [registry.load_demo(i) for i in ("fx_pass", "fx_fail", "fx_raise")]
    assert engine.start_order(infos, {"fx_fail": 3.0, "fx_raise": 9.0}) == [2, 1, 0]
    started: list[str] = []
    outcomes = engine.run_many(infos, jobs=1, device="cpu", durations={"fx_fail": 3.0, "fx_raise": 9.0},
                               on_start=lambda info: started.append(info.id))
    assert started == ["fx_raise", "fx_fail", "fx_pass"]
    assert [o.demo_id for o in outcomes] == ["fx_pass", "fx_fail", "fx_raise"]


def test_verify_starts_the_longest_measured_demos_first():
    measured = registry.durations()
    ids = {p.stem for p in (REPO / "demos").glob("[a-z]*.py")}
    assert measured and set(measured) <= ids and all(v > 0 for v in measured.values())
    infos, _ = registry.list_demos(strict=False)
    order = [infos[i].id for i in engine.start_order(infos, measured)]
    known = [i for i in order if i in measured]
    assert [measured[i] for i in known] == sorted((measured[i] for i in known), reverse=True)
    assert order[:len(known)] == known   # the unmeasured ones come after


def test_durations_is_empty_without_a_file(fixture_demos):
    assert registry.durations() == {}


# --- the command ------------------------------------------------------------------------


def test_verify_seeds_shows_one_row_per_demo_with_passes_and_worst_margin(fixture_demos):
    code, out, err = run(["demos", "verify", "fx_pass", "fx_fail", "--seeds", "0,3", "--jobs", "2"])
    assert code == 1, out + err
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("fx_")}
    assert "2/2" in lines["fx_pass"] and "0/2" in lines["fx_fail"]
    assert "1 of 2 demos failed on some of seeds 0, 3" in out
    code, out, err = run(["demos", "verify", "fx_pass", "--seeds", "0-2", "--json"])
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["seeds"] == [0, 1, 2]
    (row,) = data["demos"]
    assert row["runs"] == 3 and row["passed"] == 3 and row["worst_margin"] > 0


def test_verify_seeds_rejects_a_bad_range(fixture_demos):
    code, out, err = run(["demos", "verify", "fx_pass", "--seeds", "9-2"])
    assert code == 2 and "--seeds '9-2'" in out + err and "empty" in out + err


needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")


@needs_torch
def test_a_short_sweep_of_real_quick_demos_passes():
    # Seeds 0-2 are the contract test's; a sweep takes others. Three quick demos, three seeds.
    code, out, err = run(["demos", "verify", "bn_param_count_2c", "hp_preprocessing", "sn_lipschitz_linear_kmin",
                          "--seeds", "5,11,17", "--json"])
    data = json.loads(out)
    assert code == 0, [d for d in data["demos"] if not d["ok"]]
    assert all(d["passed"] == 3 and d["worst_margin"] >= 0.1 for d in data["demos"]), data["demos"]


@needs_torch
def test_bn_solves_ics_keeps_a_margin_on_the_seeds_where_one_run_per_net_was_thin():
    # One run per net: +9.5% on seed 16 and +4.4% on seed 36 (the loss check);
    # three runs per net (RUNS in the demo): +17% and +14%.
    code, out, err = run(["demos", "verify", "bn_solves_ics", "--seeds", "16,36", "--json"])
    data = json.loads(out)
    assert code == 0, data["demos"]
    assert data["demos"][0]["passed"] == 2 and data["demos"][0]["worst_margin"] >= 0.1, data["demos"]


@needs_torch
def test_demos_that_were_thin_or_failed_on_seeds_20_59_keep_a_margin_there():
    # Before: hp_epochs_early_stopping failed on seed 36 (one label-noise problem, gain 0.025 < 0.03),
    # hp_nas +1% on 41 (raw loss, noise floor included), hp_weight_init +7.7% on 27 (one network),
    # gen_suitable_optimizer +8.8% on 22 (a ratio near 1 measured against the test error).
    ids = ["hp_epochs_early_stopping", "hp_nas", "hp_weight_init", "gen_suitable_optimizer"]
    code, out, err = run(["demos", "verify", *ids, "--seeds", "22,27,36,41", "--json"])
    data = json.loads(out)
    assert code == 0, [d for d in data["demos"] if not d["ok"]]
    assert sorted(d["id"] for d in data["demos"]) == sorted(ids)
    assert all(d["passed"] == 4 and d["worst_margin"] >= 0.1 for d in data["demos"]), data["demos"]
