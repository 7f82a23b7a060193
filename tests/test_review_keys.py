"""Keys a candidate reaches for in `quizcli review` (#14): I was right,
suspend, bury, flag, unknown keys; leeches suspended, listed by `stats`
with the command that brings them back."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cli_run import run
from quizcli import answers
from quizcli.bank import load_library
from quizcli.selection import choice_order
from quizcli.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "review" / "content"
NOW = "2026-11-26T09:00:00Z"
LIB = load_library([FIXTURES], include_builtin=False)
Q = {q.id: q for q in LIB.questions}


@pytest.fixture(autouse=True)
def _env(monkeypatch, local_tz):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES))
    monkeypatch.setenv("QUIZCLI_NOW", NOW)
    local_tz("UTC")


def review(*args: str, input: str = "") -> tuple[int, str, str]:
    return run(["review", "--seed", "1", "--lang", "en", "--topic", "rv", *args], input=input)


def wrong_letter(qid: str) -> str:
    q = Q[qid]
    return next(answers.LETTERS[p] for p, i in enumerate(choice_order(q, 1)) if not q.choices[i].correct)


def rows(sql: str) -> list[tuple]:
    with open_store() as st:
        return st.query(sql)


def test_i_was_right_in_review():
    # rv-card (flashcard) good, then rv-single wrong, r, Enter keeps good.
    code, out, _ = review(input=f"\n3\n{wrong_letter('rv-single')}\nr\n\nq\n")
    assert code == 0
    assert "r I was right" in out and "Overridden: you were right." in out, out[-3000:]
    assert rows("SELECT question_id, correct, rating, overridden FROM answers ORDER BY id") == [
        ("rv-card", 1, 3, 0), ("rv-single", 1, 3, 1)]


def test_unknown_key_after_a_wrong_answer_asks_again():
    code, out, _ = review(input=f"\n3\n{wrong_letter('rv-single')}\nzz\n?\n\nq\n")
    assert code == 0 and "'zz' is not a key here" in out and "r says \"I was right\"" in out
    assert rows("SELECT correct, overridden FROM answers WHERE question_id = 'rv-single'") == [(0, 0)]


def test_suspend_bury_and_flag_keys():
    code, out, _ = review(input="*\n!\n-\nq\n")
    assert code == 0
    assert "flagged" in out and "suspended: rv-card" in out and "buried until 2026-11-27 00:00" in out
    with open_store() as st:
        holds = st.holds()
    assert holds["rv-card"][0] == 1 and holds["rv-card"][3] is True
    assert holds["rv-single"][2] == datetime(2026, 11, 27, tzinfo=timezone.utc)
    assert rows("SELECT count(*) FROM answers") == [(0,)]
    # Stats lists the suspended card with the command that brings it back.
    code, out, _ = run(["stats"])
    assert "Suspended" in out and "quizcli progress unsuspend rv-card" in out
    code, out, _ = run(["progress", "unsuspend", "rv-card"])
    assert code == 0 and "back in review" in out
    code, out, err = run(["progress", "unsuspend", "rv-card"])
    assert code == 4 and "not suspended" in err
    code, out, _ = review(input="q\n")
    assert "rv-card" in out or "1/" in out


def test_a_leech_is_suspended_with_a_message_and_listed(monkeypatch):
    from datetime import timedelta

    from quizcli.scheduler import Scheduler
    from quizcli.sessions.quiz import AnswerEvent

    sched = Scheduler()
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    card = None
    with open_store() as st:
        while card is None or card.lapses < 7 or card.state != 2:
            rating = 1 if card is not None and card.state == 2 and card.lapses < 7 else 3
            before = card
            card, _ = sched.review(card, rating, at)
            st.record_review(AnswerEvent("rv-card", at, str(rating), rating > 1, rating, 1.0, "review"),
                             rating, before, card)
            at = max(at, card.due) + timedelta(minutes=1)
    monkeypatch.setenv("QUIZCLI_NOW", (max(at, card.due) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    code, out, _ = review("--new", "0", input="\n1\n\nq\n")
    assert code == 0
    assert "Leech: forgotten 8 times, so it is suspended" in out
    assert "quizcli progress unsuspend rv-card" in out
    code, out, _ = run(["stats", "--json"])
    import json

    data = json.loads(out)
    assert [(x["question_id"], x["why"]) for x in data["suspended"]] == [("rv-card", "leech")]


# -- flags: shown when asked, listed, practised, counted


def _hold(qid: str, **kw) -> None:
    with open_store() as st:
        st.hold(qid, **kw)


def _title(out: str, qid_prompt: str) -> str:
    """The title line of the panel whose question starts with `qid_prompt`."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if qid_prompt in line)
    return lines[at - 1]


def test_a_flagged_card_says_so_when_asked_in_review_and_quiz():
    _hold("rv-tf", flagged=True)
    code, out, _ = review(input="s\ns\ns\nq\n")
    assert code == 0
    assert "flagged" in _title(out, "In eval mode BatchNorm") and "flagged" not in _title(out, "Why does BatchNorm")
    code, out, _ = run(["quiz", "--flagged", "--lang", "en", "--topic", "rv"], input="q\n")
    assert code == 0 and "1/1" in out and "flagged" in _title(out, "In eval mode BatchNorm")
    code, out, _ = run(["quiz", "--flagged", "--lang", "zh", "--topic", "rv"], input="q\n",
                       env={"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"})
    assert code == 0 and "已标记" in out and "flagged" not in out


def test_flagging_in_review_shows_at_once_and_unflagging_clears_it():
    # * flags rv-card; s skips; it is not asked again. A new session shows the flag; * again takes it away.
    code, out, _ = review(input="*\ns\nq\n")
    assert "  flagged" in out
    code, out, _ = review(input="*\nq\n")
    assert "flagged" in _title(out, "Why does BatchNorm") and "flag removed" in out
    with open_store() as st:
        assert st.flagged_ids() == set() and st.holds() == {}     # no empty hold row is left


def test_star_flags_in_a_quiz_too():
    """`*` before answering flags the question in a quiz as in review: stored at once, shown, and
    `quiz --flagged` asks it; `*` again takes the flag away."""
    code, out, _ = run(["quiz", "--lang", "en", "--topic", "rv", "-n", "1", "--seed", "3"], input="*\nq\n")
    assert code == 0 and "  flagged" in out
    with open_store() as st:
        (flagged,) = st.flagged_ids()
    code, out, _ = run(["quiz", "--flagged", "--lang", "en", "--topic", "rv"], input="*\nq\n")
    assert code == 0 and "1/1" in out and "flag removed" in out
    with open_store() as st:
        assert st.flagged_ids() == set()
    code, out, _ = run(["quiz", "--lang", "en", "--topic", "rv", "-n", "1"], input="?\nq\n")
    assert "* flags the question" in out and "unflags" in out


def test_list_flagged_and_suspended():
    code, out, _ = run(["list", "--flagged", "--topic", "rv"])
    assert code == 0 and "No flagged card matches" in out and "`*` flags a card" in out
    code, out, _ = run(["list", "--suspended", "--json"])
    assert code == 0 and json.loads(out) == []
    _hold("rv-tf", flagged=True)
    _hold("rv-num", suspended=1)
    _hold("rv-card", suspended=2, flagged=True)
    _hold("rv-multi", buried_until=datetime(2030, 1, 1, tzinfo=timezone.utc))   # buried only: in neither list
    ids = lambda *a: [q["id"] for q in json.loads(run(["list", "--json", *a])[1])]
    assert ids("--flagged") == ["rv-card", "rv-tf"]
    assert ids("--suspended") == ["rv-card", "rv-num"]
    assert ids("--flagged", "--suspended") == ["rv-card", "rv-num", "rv-tf"]        # either
    assert ids("--flagged", "--type", "true_false") == ["rv-tf"]                   # and the usual filters
    code, out, _ = run(["list", "--flagged"])
    assert code == 0 and "rv-card" in out and "rv-tf" in out and "rv-num" not in out


def test_quiz_flagged_with_nothing_flagged_says_what_to_do():
    code, _out, err = run(["quiz", "--flagged", "--topic", "rv"])
    assert code == 4 and "no questions match" in err and "--flagged" in err


def test_quiz_flagged_joins_the_other_history_filters():
    from quizcli.commands.quiz import _by_history

    _hold("rv-tf", flagged=True)
    with open_store() as st:
        st.record_skip("rv-num", datetime(2026, 11, 25, tzinfo=timezone.utc))
        got = _by_history(LIB.questions, st, missed=True, unseen=False, due=False, flagged=True)
        assert sorted(q.id for q in got) == ["rv-num", "rv-tf"]
        got = _by_history(LIB.questions, st, missed=False, unseen=False, due=False, flagged=True)
        assert [q.id for q in got] == ["rv-tf"]


def test_stats_counts_the_held_cards():
    code, out, _ = run(["stats", "--json"])
    assert json.loads(out)["held"] == {"suspended": 0, "buried": 0, "flagged": 0}
    code, out, _ = run(["stats"])
    assert "Held:" not in out
    _hold("rv-card", suspended=1, flagged=True)
    _hold("rv-tf", flagged=True)
    _hold("rv-num", buried_until=datetime(2026, 11, 27, tzinfo=timezone.utc))
    _hold("rv-multi", buried_until=datetime(2026, 11, 25, tzinfo=timezone.utc))   # in the past: not buried now
    code, out, _ = run(["stats", "--json"])
    assert json.loads(out)["held"] == {"suspended": 1, "buried": 1, "flagged": 2}
    code, out, _ = run(["stats"])
    assert "Held: 1 suspended · 1 buried · 2 flagged" in " ".join(out.replace("│", " ").split())
    assert "quizcli list --flagged" in out
