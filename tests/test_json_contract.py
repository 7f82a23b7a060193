"""The JSON contract: the keys of every `--json` output, pinned (the README,
"JSON output"). A renamed, removed or added key fails here, so it cannot
change silently: change the README's table and, for a rename or a removal,
quizcli.ui.output.SCHEMA with it.

Every command that takes --json is listed (a test finds them all in the
command tree), and each is run through the real entry point on the test
fixtures, so the keys checked are the keys printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from quizcli import paths
from quizcli.ui.output import SCHEMA

from cli_run import run  # tests/ is on sys.path

FIXTURES = Path(__file__).parent / "fixtures"
BANKS = FIXTURES / "banks"

# Objects whose keys are data (languages, question types, dates, a demo's
# own settings), not part of the contract: their keys are not followed.
DATA_KEYED = {"title", "description", "summary", "prompt", "explanation", "no_demo", "text", "why", "section_title",
              "by_type", "activity", "settings", "finding", "claim", "treatment", "answer", "curves", "scatter",
              "phrases", "avoid", "name", "columns", "rows", "labels"}


def shape(data, path: str = "") -> dict[str, list[str]]:
    """Path -> sorted keys of every object in `data` (a list's items merged under `path[]`)."""
    out: dict[str, list[str]] = {}

    def walk(value, where: str) -> None:
        if isinstance(value, dict):
            out[where or "."] = sorted(set(out.get(where or ".", [])) | set(value))
            for k, v in value.items():
                if k not in DATA_KEYED:
                    walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for item in value:
                walk(item, where + "[]")

    walk(data, path)
    return out


def test_shape_follows_objects_and_lists():
    assert shape([{"a": 1, "b": {"c": 2}, "title": {"en": "x"}}, {"a": 2, "d": [{"e": 1}]}]) == {
        "[]": ["a", "b", "d", "title"], "[].b": ["c"], "[].d[]": ["e"]}


PROBLEM = ["column", "field", "file", "hint", "line", "message"]
DEMO_META = ["builtin", "claim", "claims", "id", "long", "path", "refs", "timeout", "title", "treatment", "trusted",
             "verdict"]
OUTCOME = ["cached_at", "device", "device_used", "elapsed_s", "forked", "id", "message", "meta", "meta_verdict", "result", "run_s",
           "seed", "status", "treatment", "verdict"]
RESULT = {"result": ["checks", "curves", "finding", "labels", "scatters", "settings", "table"],
          "result.table": ["columns", "rows"],
          "result.checks[]": ["base", "factor", "name", "op", "passed", "threshold", "value"],
          "result.scatters[]": ["series", "title"],
          "result.scatters[].series": ["points"]}
TOPIC_STATS = ["accuracy", "answers", "cards", "correct", "mean_recall", "scheduled", "seen", "topic"]
QUESTION = ["claim", "demo", "difficulty", "id", "prompt", "tags", "topic", "type"]

# command -> path -> keys. "." is the top level; "[]" a list's items.
CONTRACT: dict[str, dict[str, list[str]]] = {
    "topics": {"[]": ["builtin", "by_type", "description", "id", "questions", "source", "title"]},
    "list": {"[]": QUESTION},
    "show": {
        ".": sorted([*QUESTION, "answer", "article", "choices", "claim_verdict", "explanation", "follow_ups",
                     "key_points", "line", "refs", "schema", "source"]),
        ".choices[]": ["correct", "letter", "text", "why"],
        ".key_points[]": ["avoid", "id", "phrases", "text"],
        ".follow_ups[]": ["id", "point", "when"],
        ".claim_verdict": ["id", "label", "no_demo", "refs", "summary", "verdict"],
        ".article": ["implicit", "quotes", "section", "section_title", "statement"],
    },
    "stats": {
        ".": ["activity", "activity_days", "answered_today", "due", "forecast", "held", "interviews", "leeches",
              "now", "overdue", "retention", "schema", "streak", "suspended", "today", "topics", "total", "until"],
        ".held": ["buried", "flagged", "suspended"],
        ".interviews[]": ["interviews", "topic"], ".interviews[].interviews[]": ["covered", "date", "total"],
        ".topics[]": TOPIC_STATS, ".total": TOPIC_STATS, ".due[]": ["count", "date"],
        ".retention": ["desired", "reviews", "true"],
        ".leeches[]": ["answers", "failures", "question_id", "topic"],
        ".suspended[]": ["question_id", "since", "topic", "unsuspend", "why"],
        ".forecast[]": ["at_target", "cards", "recall", "seen", "topic"],
    },
    "stats --calibration": {".": ["bins", "log_loss", "parameters", "reviews", "rmse_bins", "schema"],
                            ".bins[]": ["actual", "high", "low", "predicted", "reviews"]},
    "demos list": {"[]": sorted([*DEMO_META, "questions"])},
    "demos verify": {
        ".": ["demos", "jobs", "ok", "problems", "schema", "seed", "skipped", "wall_s"],
        ".demos[]": OUTCOME, ".demos[].meta": DEMO_META, **{f".demos[].{k}": v for k, v in RESULT.items()},
    },
    "explain": {
        ".": sorted([*OUTCOME, "question", "schema"]), ".meta": DEMO_META, **{f".{k}": v for k, v in RESULT.items()},
    },
    "bank validate": {".": ["banks", "files", "ok", "problems", "questions", "schema"], ".problems[]": PROBLEM},
    "bank lint": {".": ["errors", "files", "findings", "ok", "schema"], ".errors[]": PROBLEM,
                  ".findings[]": sorted([*PROBLEM, "rule"])},
}


def _commands_with_json() -> set[str]:
    from quizcli.cli import app

    found = set()

    def walk(cmd, name: str) -> None:
        if hasattr(cmd, "commands"):     # a group (Typer's own click, or click)
            for sub_name, sub in cmd.commands.items():
                walk(sub, f"{name} {sub_name}".strip())
        elif any("--json" in p.opts for p in cmd.params):
            found.add(name)

    walk(typer.main.get_command(app), "")
    return found


def test_every_json_output_is_in_the_contract():
    assert _commands_with_json() == {c.split(" --")[0] for c in CONTRACT}


@pytest.fixture
def fixtures(monkeypatch):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "demo_content"))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")


def _json(args: list[str]):
    code, out, err = run([*args, "--json"])
    assert out, err
    return json.loads(out)


def _merged(*outputs) -> dict[str, list[str]]:
    merged: dict[str, set[str]] = {}
    for data in outputs:
        for path, keys in shape(data).items():
            merged.setdefault(path, set()).update(keys)
    return {path: sorted(keys) for path, keys in merged.items()}


def _pinned(command: str, found: dict[str, list[str]]) -> None:
    assert found == CONTRACT[command], f"the JSON keys of `quizcli {command} --json` changed"


def test_browse(monkeypatch):
    builtin = _json(["show", "bn-batch-of-one"])   # the built-in banks: choices, and the article on a claim
    assert builtin["article"] is not None and builtin["choices"]
    open_ = _json(["show", "bn-iv-formula"])       # an open question: key points and follow-ups
    assert open_["key_points"] and open_["follow_ups"]
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "demo_content"))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")
    _pinned("topics", _merged(_json(["topics"])))
    _pinned("list", _merged(_json(["list"])))
    _pinned("show", _merged(_json(["show", "fx-pass-q"]), builtin, open_))


def test_demos(fixtures):
    _pinned("demos list", _merged(_json(["demos", "list"])))
    # fx_pass draws curves and a scatter; fx_fail fails a check.
    _pinned("demos verify", _merged(_json(["demos", "verify", "fx_pass", "fx_fail"])))
    _pinned("explain", _merged(_json(["explain", "fx-pass-q", "--device", "cpu"])))


def test_bank():
    _pinned("bank validate", _merged(_json(["bank", "validate", str(BANKS / "invalid" / "numeric_not_number.yaml")])))
    _pinned("bank lint", _merged(_json(["bank", "lint", str(BANKS / "lint" / "findings.yaml")]),
                                 _json(["bank", "lint", str(BANKS / "invalid" / "numeric_not_number.yaml")])))


def test_stats(capsys):
    # From the command: the top level and what an empty history fills in ...
    cli = _json(["stats"])
    assert cli["schema"] == SCHEMA
    # ... and, through the same renderer, a history with a leech, a suspended
    # card, a forecast and an interview (the lists an empty history leaves empty).
    from datetime import datetime, timezone

    from quizcli import stats as stats_mod
    from quizcli.sessions.forecast import TopicForecast
    from quizcli.sessions.interview_report import TopicTrend
    from quizcli.ui.output import Statistics, emit

    now = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    topic = stats_mod.TopicStats("bn", 1, 1, 9, 1, 1 / 9, 1, 0.5)
    full = stats_mod.Stats(now, now.date(), (topic,), topic, ((now.date(), 9),), 1, 9, ((now.date(), 1),), 0, 9,
                           0.1, 0.9, (stats_mod.Leech("bn-q", "bn", 8, 9),), now,
                           (stats_mod.Suspended("bn-q", "bn", "leech", now),))
    emit(Statistics(full, (TopicForecast("bn", 1, 1, 0.5, 0),), (TopicTrend("bn", (("2026-01-02", 2, 3),)),)),
         as_json=True)
    _pinned("stats", _merged(cli, json.loads(capsys.readouterr().out)))


def test_stats_calibration():
    from synthetic_reviews import as_answers, synthetic_reviews

    from quizcli.store import open_store

    with open_store() as store:
        store.import_({"format": "quizcli-progress", "version": 1, "answers": as_answers(synthetic_reviews(40, 6)),
                       "cards": {}})
    _pinned("stats --calibration", _merged(_json(["stats", "--calibration"])))


def test_objects_carry_the_schema_version_and_arrays_stay_arrays(fixtures):
    assert isinstance(_json(["topics"]), list) and isinstance(_json(["demos", "list"]), list)
    assert _json(["show", "fx-pass-q"])["schema"] == SCHEMA == 1
