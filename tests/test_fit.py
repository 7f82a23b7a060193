"""FSRS fitted to the candidate (`progress optimize`) and calibration (`stats --calibration`)."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from quizcli import fit
from quizcli.scheduler import Scheduler
from quizcli.sessions.settings import FITTED, fitted_parameters, scheduler_from_settings
from quizcli.store import open_store
from tests.cli_run import run
from tests.synthetic_reviews import TRUE_PARAMETERS, as_answers, synthetic_reviews


def _store_with(reviews):
    with open_store() as store:
        store.import_({"format": "quizcli-progress", "version": 1, "answers": as_answers(reviews), "cards": {}})


def test_only_scheduled_reviews_count():
    answers = as_answers(synthetic_reviews(3, 4))
    answers[0] = {**answers[0], "mode": "cram", "rating": None}
    answers[1] = {**answers[1], "mode": "quiz", "rating": None}
    assert len(fit.scheduled_reviews(answers)) == len(answers) - 2


def test_calibration_bins_on_synthetic_data():
    rng = random.Random(1)
    good = [(p, int(rng.random() < p)) for p in (rng.uniform(0.3, 0.8) for _ in range(20000))]
    bins = fit.bins(good, 10)
    assert [round(b.low, 1) for b in bins] == [0.3, 0.4, 0.5, 0.6, 0.7]
    assert all(abs(b.actual - b.predicted) < 0.03 for b in bins)
    assert fit.rmse_bins(good, 10) < 0.015
    optimistic = [(min(1.0, p + 0.2), y) for p, y in good]        # predicts 20 points too high
    assert fit.rmse_bins(optimistic, 10) == pytest.approx(0.2, abs=0.02)
    assert fit.log_loss(optimistic) > fit.log_loss(good)


def test_not_enough_reviews_says_how_many():
    reviews = synthetic_reviews(20, 5)
    with pytest.raises(fit.NotEnough) as err:
        fit.optimize(reviews, None)
    assert err.value.counted == fit.counted(fit.split(reviews)[0]) and err.value.needed == fit.MIN_REVIEWS
    _store_with(reviews)
    code, out, err_text = run(["progress", "optimize"])
    text = " ".join((out + err_text).split())
    assert code == 1 and f"the optimizer needs {fit.MIN_REVIEWS}" in text
    assert f"not enough reviews to fit: {err.value.counted} scheduled reviews" in text


@pytest.mark.slow
def test_the_fit_recovers_known_parameters_and_beats_the_defaults():
    reviews = synthetic_reviews(260, 7, seed=3)
    report = fit.optimize(reviews, None)
    _, test = fit.split(reviews)
    truth = fit.evaluate(test, TRUE_PARAMETERS)
    assert report.kept and report.after.log_loss < report.before.log_loss
    assert report.after.log_loss < truth.log_loss + 0.01       # as good as the parameters that made the data
    # Close to the known parameters where it matters: the recall they predict on held-out reviews.
    fitted = fit.predictions(test, report.parameters)
    true = fit.predictions(test, TRUE_PARAMETERS)
    default = fit.predictions(test, None)
    gap = sum(abs(a[0] - b[0]) for a, b in zip(fitted, true)) / len(true)
    gap_default = sum(abs(a[0] - b[0]) for a, b in zip(default, true)) / len(true)
    print(f"mean |R_fitted - R_true| {gap:.4f}, defaults {gap_default:.4f}; log loss fitted"
          f" {report.after.log_loss:.4f}, true {truth.log_loss:.4f}, defaults {report.before.log_loss:.4f}")
    assert gap < 0.04 and gap < 0.7 * gap_default, (gap, gap_default)
    # (Not each parameter: py-fsrs's optimizer trains 5 epochs from the defaults and moves some,
    # such as the initial stabilities, only part of the way; the predictions are what the
    # schedule uses, and they come back close.)


def test_the_scheduler_uses_the_stored_parameters(tmp_path):
    from datetime import datetime, timezone

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open_store() as store:
        assert fitted_parameters(store) is None
        store.set_setting(FITTED, json.dumps({"parameters": list(TRUE_PARAMETERS), "fitted": "2026-01-01",
                                              "reviews": 600}))
        sched = scheduler_from_settings(store, now)
    assert sched.parameters == TRUE_PARAMETERS
    card, _ = sched.review(None, 4, now)          # easy: the initial stability is w3
    assert card.stability == pytest.approx(TRUE_PARAMETERS[3])
    assert Scheduler().review(None, 4, now)[0].stability != pytest.approx(TRUE_PARAMETERS[3])


def test_stats_calibration_in_the_terminal_and_as_a_figure(tmp_path):
    pytest.importorskip("matplotlib")
    _store_with(synthetic_reviews(40, 6))
    code, out, err = run(["stats", "--calibration", "--plot", str(tmp_path / "cal.png")])
    assert code == 0, out + err
    assert "predicted recall" in out and "passed" in out and "reviews: predicted" in out
    assert (tmp_path / "cal.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, _ = run(["stats", "--calibration", "--json"])
    data = json.loads(out.split("saved")[0] if "saved" in out else out)
    assert data["parameters"] == "default" and sum(b["reviews"] for b in data["bins"]) == data["reviews"]


def test_stats_calibration_without_reviews_says_so():
    code, out, err = run(["stats", "--calibration"])
    assert code == 1 and "no scheduled review" in " ".join((out + err).split())
