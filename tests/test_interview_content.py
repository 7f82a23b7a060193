"""The open interview questions of issue #17 and their labelled answers, checked as plain YAML.

These tests read the bank files with yaml.safe_load only, so they hold whether
or not the engine's model classes know the `open` type yet.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BANKS = ("bn", "gan", "generalization", "hyperparameters", "in", "spectral_norm")
KEY_POINT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
HALF_WIDTH_NEXT_TO_CJK = re.compile(r"[\u4e00-\u9fff][,:;?!()]|[,:;?!(][\u4e00-\u9fff]")


@functools.lru_cache(maxsize=None)
def _open_questions() -> dict[str, tuple[str, dict]]:
    found: dict[str, tuple[str, dict]] = {}
    for bank in BANKS:
        data = yaml.safe_load((ROOT / "content" / f"{bank}.yaml").read_text(encoding="utf-8"))
        for q in data["questions"]:
            if q.get("type") == "open":
                found[q["id"]] = (bank, q)
    return found


def _graph() -> dict[str, list[str]]:
    return {qid: [f["id"] for f in q.get("follow_ups") or []] for qid, (_, q) in _open_questions().items()}


def _depth(graph: dict[str, list[str]]) -> dict[str, int]:
    depth: dict[str, int] = {}

    def visit(node: str) -> int:
        if node not in depth:
            depth[node] = 1 + max((visit(n) for n in graph.get(node, [])), default=-1)
        return depth[node]

    for node in graph:
        visit(node)
    return depth


def test_at_least_60_open_questions_over_all_six_banks():
    per_bank = Counter(bank for bank, _ in _open_questions().values())
    assert sum(per_bank.values()) >= 60
    assert set(per_bank) == set(BANKS)
    assert min(per_bank.values()) >= 7


def test_open_questions_come_last_in_their_bank():
    for bank in BANKS:
        types = [q["type"] for q in yaml.safe_load((ROOT / "content" / f"{bank}.yaml").read_text(encoding="utf-8"))["questions"]]
        first_open = types.index("open")
        assert all(t == "open" for t in types[first_open:]), bank


@pytest.mark.parametrize("qid", sorted(_open_questions()))
def test_open_question_shape(qid):
    bank, q = _open_questions()[qid]
    assert qid.startswith(f"{bank}-iv-")
    for field in ("prompt", "answer", "explanation"):
        assert set(q[field]) == {"en", "zh"} and all(q[field][lang].strip() for lang in ("en", "zh"))
        assert not HALF_WIDTH_NEXT_TO_CJK.search(q[field]["zh"]), (field, q[field]["zh"])
    points = q["key_points"]
    assert 3 <= len(points) <= 6
    ids = [p["id"] for p in points]
    assert len(set(ids)) == len(ids)
    for p in points:
        assert KEY_POINT_ID.fullmatch(p["id"])
        assert set(p) <= {"id", "text", "phrases", "avoid"}
        assert p["text"]["en"].strip() and p["text"]["zh"].strip()
        for lang in ("en", "zh"):
            assert p["phrases"][lang], (p["id"], lang)
            for phrase in p["phrases"][lang] + (p.get("avoid") or {}).get(lang, []):
                assert phrase.strip()
                for term in phrase.split():
                    assert all(term.split("|")), (p["id"], phrase)


def test_every_follow_up_names_an_open_question_and_a_point_of_its_own():
    questions = _open_questions()
    for qid, (_, q) in questions.items():
        points = {p["id"] for p in q["key_points"]}
        for follow in q.get("follow_ups") or []:
            assert follow["id"] in questions, (qid, follow["id"])
            assert follow["id"] != qid
            if "when" in follow:
                assert follow["when"] in ("missed", "covered")
                assert follow["point"] in points, (qid, follow)
            else:
                assert "point" not in follow


def test_follow_ups_have_no_cycle():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            assert state.get(nxt) != 1, " -> ".join(path + [node, nxt])
            if nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])


def test_at_least_25_chains_two_levels_deep():
    depth = _depth(_graph())
    assert sum(1 for d in depth.values() if d >= 2) >= 25


def test_the_articles_own_questions_are_asked():
    asked = {qid: q["prompt"]["zh"] for qid, (_, q) in _open_questions().items()}
    for qid in (
        "generalization-iv-how-improve",  # 有哪些方法能提升CNN模型的泛化能力
        "bn-iv-what-problem",  # BN层解决了什么问题
        "bn-iv-formula",  # BN的公式
        "bn-iv-gamma-beta",  # 为什么要用 γ 和 β
        "bn-iv-train-vs-test",  # BN层训练和测试的不同
        "bn-iv-why-not-dataset-stats",  # BN训练时为什么不用整个训练集的均值和方差
        "bn-iv-why-not-moving-avg-train",  # 为什么训练时不采用移动平均
        "bn-iv-placement",  # BN层用在哪里
        "bn-iv-param-count",  # BN层的参数量
        "bn-iv-pros-cons",  # BN的优缺点
        "in-iv-what-role",  # Instance Normalization的作用
        "gan-iv-tricks-overview",  # 有哪些提高GAN训练稳定性的Tricks
        "hyperparameters-iv-which",  # 深度学习炼丹可以调节的一些超参数
        "spectral_norm-iv-what",  # Spectral Normalization的相关知识
    ):
        assert qid in asked, qid


def test_labelled_answers():
    questions = _open_questions()
    answers = yaml.safe_load((ROOT / "tests" / "data" / "interview_answers.yaml").read_text(encoding="utf-8"))
    assert len(answers) >= 150
    assert len({a["question"] for a in answers}) >= 30
    assert {a["kind"] for a in answers} == {"good", "partial", "wrong"}
    assert {a["lang"] for a in answers} == {"en", "zh", "mixed"}
    for a in answers:
        assert set(a) == {"question", "lang", "kind", "text", "covers"}
        _, q = questions[a["question"]]
        points = {p["id"] for p in q["key_points"]}
        assert set(a["covers"]) <= points, (a["question"], a["covers"])
        assert len(set(a["covers"])) == len(a["covers"])
        assert a["text"].strip()
        if a["kind"] == "good":
            assert a["covers"], a["text"]
