"""`explain` refuses what it cannot do before anything is printed (#14), and
says how long a long demo usually takes; demos/timings.json is measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import run

ROOT = Path(__file__).resolve().parent.parent


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.skipif(_cuda_available(), reason="this machine has a CUDA GPU")
def test_device_cuda_without_a_gpu_is_refused_before_anything_prints():
    pytest.importorskip("torch")
    code, out, err = run(["explain", "bn_param_count_2c", "--device", "cuda"])
    assert code == 2
    assert out == ""
    assert err.startswith("error: --device cuda") and "hint: " in err


def test_plot_on_a_demo_without_curves_is_refused_before_the_run(tmp_path):
    figure = tmp_path / "f.png"
    code, out, err = run(["explain", "bn_param_count_2c", "--plot", str(figure)])
    assert code == 2
    assert out == ""
    assert "no curves" in err and "hint: " in err
    assert not figure.exists()
    # A question id whose demo has no curves: refused too, before its answer is shown.
    code, out, err = run(["explain", "bn-param-count", "--plot", str(figure)])
    assert code == 2 and out == "" and "no curves" in err


def test_timings_cover_every_builtin_demo_and_were_measured():
    from quizcli.demo import registry

    data = json.loads((ROOT / "demos" / "timings.json").read_text(encoding="utf-8"))
    assert data["machine"] and data["measured"]
    assert set(data["demos"]) == set(registry.demo_ids())
    assert all(v["seconds"] > 0 and v["plots"] >= 0 for v in data["demos"].values())


def test_a_long_demo_says_how_long_it_usually_takes(monkeypatch):
    from quizcli.demo import timings

    long_id = max(timings._table(), key=lambda k: timings._table()[k].seconds)
    assert timings.usual_time_note(long_id).startswith("usually takes about ")
    short = timings.Measured(1.0, 0)
    monkeypatch.setattr(timings, "_table", lambda: {"quick": short, "slow": timings.Measured(12.4, 1)})
    assert timings.usual_time_note("quick") is None and timings.usual_time_note("unknown") is None
    assert timings.usual_time_note("slow") == "usually takes about 12 s"
