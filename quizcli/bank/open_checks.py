"""The checks of open interview questions (#17): key points, phrases, follow-ups.

`open_question` and its helpers run inside the per-file checker
(quizcli.bank.validate._Checker, passed as `self`), `follow_up_checks`
with the cross-bank checks (quizcli.bank.library). The format is in
content/README.md, "Open questions".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from quizcli.bank.checkkit import LANGS, QUESTION_ID, Path_, Spec, closest, kind
from quizcli.matching import phrase_problem

if TYPE_CHECKING:
    from quizcli.bank.validate import _Checker

KEY_POINT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
KEY_POINT_KEYS = {"id": True, "text": True, "phrases": True, "avoid": False}
FOLLOW_UP_KEYS = {"id": True, "when": False, "point": False}
FOLLOW_UP_WHEN = ("missed", "covered")
KEY_POINTS_BUILTIN, KEY_POINTS_USER = (3, 6), (1, 8)
KEY_POINT_SPEC, FOLLOW_UP_SPEC = Spec(KEY_POINT_KEYS), Spec(FOLLOW_UP_KEYS)


def open_question(self: _Checker, raw: dict, path: Path_, q: dict) -> None:
    if "answer" in raw:
        q["answer_text"] = self.text(raw["answer"], path + ("answer",), "the model answer")
    points: tuple | None = None
    if "key_points" in raw:
        points = check_key_points(self, raw["key_points"], path + ("key_points",))
        q["key_points"] = points
    if "follow_ups" in raw:
        ids = {p[0] for p in points} if points is not None else None
        q["follow_ups"] = check_follow_ups(self, raw["follow_ups"], path + ("follow_ups",), ids)


def check_key_points(self: _Checker, raw: Any, path: Path_) -> tuple | None:
    low, high = KEY_POINTS_BUILTIN if self.builtin else KEY_POINTS_USER
    if not isinstance(raw, list):
        self.issue(path, f"key_points must be a list, not {kind(raw)}",
                   "write each key point as a `- id: ...` item with `text:` and `phrases:`")
        return None
    if not low <= len(raw) <= high:
        where = "a built-in bank" if self.builtin else "a user bank"
        self.issue(path, f"an open question in {where} needs {low} to {high} key points, not {len(raw)}",
                   "add or remove key points")
    out, seen, ok = [], set(), True
    for i, item in enumerate(raw):
        point = check_key_point(self, item, path + (i,))
        if point is None:
            ok = False
            continue
        if point[0] in seen:
            self.issue(path + (i, "id"), f"the key point id `{point[0]}` is used twice in this question",
                       "give each key point of a question its own id")
            ok = False
        seen.add(point[0])
        out.append(point)
    return tuple(out) if ok else None


def check_key_point(self: _Checker, raw: Any, path: Path_) -> tuple | None:
    raw = self.mapping(raw, path, "a key point")
    if raw is None:
        return None
    self.keys(raw, path, KEY_POINT_SPEC, "a key point")
    pid = (self.string(raw["id"], path + ("id",), "the key point id", KEY_POINT_ID, "[a-z0-9][a-z0-9_-]*")
           if "id" in raw else None)
    text = self.text(raw["text"], path + ("text",), "the key point's text") if "text" in raw else None
    phrases = check_phrases(self, raw["phrases"], path + ("phrases",), "phrases", required=True) if "phrases" in raw else None
    avoid: tuple | None = ((), ())
    if "avoid" in raw:
        avoid = check_phrases(self, raw["avoid"], path + ("avoid",), "avoid", required=False)
    if pid is None or text is None or phrases is None or avoid is None:
        return None
    return pid, text, phrases, avoid


def check_phrases(self: _Checker, raw: Any, path: Path_, what: str, required: bool) -> tuple | None:
    """`{en: [...], zh: [...]}` -> ((en...), (zh...)); each phrase checked for its syntax."""
    if not isinstance(raw, dict):
        self.issue(path, f"`{what}` must be a mapping with `en:` and `zh:` lists, not {kind(raw)}",
                   f'write it as `{what}: {{en: ["..."], zh: ["..."]}}`')
        return None
    ok = True
    out: dict[str, tuple[str, ...]] = {"en": (), "zh": ()}
    for key, value in raw.items():
        if key not in LANGS:
            self.issue(path + (key,) if isinstance(key, str) else path,
                       f"unknown language `{key}` in `{what}`", "use `en` and `zh`", at_key=True)
            ok = False
            continue
        items = self.strings(value, path + (key,), f"`{what}` in `{key}`")
        if items is None:
            ok = False
            continue
        for i, phrase in enumerate(items):
            problem = phrase_problem(phrase)
            if problem:
                self.issue(path + (key, i), f"the phrase {phrase!r} {problem}",
                           "a phrase is terms separated by spaces; `a|b` is either a or b")
                ok = False
        out[key] = items
    if not ok:
        return None
    if required:
        if self.builtin:
            for lang in LANGS:
                if not out[lang]:
                    self.issue(path, f"`{what}` has no `{lang}` phrases; built-in banks need both languages",
                               f"add `{lang}: [...]` with the words a candidate would use")
                    ok = False
        elif not out["en"] and not out["zh"]:
            self.issue(path, f"`{what}` gives no phrase", "add at least one phrase under `en:` or `zh:`")
            ok = False
    return (out["en"], out["zh"]) if ok else None


def check_follow_ups(self: _Checker, raw: Any, path: Path_, point_ids: set[str] | None) -> tuple | None:
    if not isinstance(raw, list):
        self.issue(path, f"follow_ups must be a list, not {kind(raw)}",
                   "write each follow-up as a `- id: ...` item")
        return None
    out, ok = [], True
    for i, item in enumerate(raw):
        item = self.mapping(item, path + (i,), "a follow-up")
        if item is None:
            ok = False
            continue
        self.keys(item, path + (i,), FOLLOW_UP_SPEC, "a follow-up")
        fid = (self.string(item["id"], path + (i, "id"), "the follow-up's question id", QUESTION_ID,
                           "[a-z0-9][a-z0-9_.-]*") if "id" in item else None)
        when = item.get("when")
        point = item.get("point")
        if when is not None and when not in FOLLOW_UP_WHEN:
            self.issue(path + (i, "when"), f"`when` must be missed or covered, not {kind(when)}",
                       "write `when: missed` (ask it when the point was missed) or `when: covered`")
            ok = False
        if "when" in item and when is None:
            self.issue(path + (i, "when"), "`when` is empty", "write `when: missed` or `when: covered`, or remove it")
            ok = False
        if when is not None and point is None:
            self.issue(path + (i,), "a follow-up with `when` needs `point`",
                       "add `point: ID`, the key point of this question whose absence or presence triggers it")
            ok = False
        if point is not None and when is None and "when" not in item:
            self.issue(path + (i, "point"), "`point` is given without `when`",
                       "add `when: missed` or `when: covered`, or remove `point`")
            ok = False
        if point is not None:
            if not isinstance(point, str):
                self.issue(path + (i, "point"), f"`point` must be a key point id, not {kind(point)}",
                           "write the id of a key point of this question")
                ok = False
            elif point_ids is not None and point not in point_ids:
                close = closest(point, sorted(point_ids))
                self.issue(path + (i, "point"), f"`{point}` is not a key point of this question",
                           (f"did you mean `{close}`? " if close else "")
                           + "the key points are " + (", ".join(sorted(point_ids)) or "(none)"))
                ok = False
        if fid is None:
            ok = False
        out.append((fid, when, point))
    return tuple(out) if ok else None

def follow_up_checks(loaded: list, issue: Callable[[Any, tuple, str, str], None]) -> None:
    """Open questions (#17): each follow-up names an open question; no cycle of follow-ups."""
    types: dict[str, str | None] = {}
    edges: dict[str, list[tuple[str, _File, tuple]]] = {}
    for f in loaded:
        for q in f.bank.get("questions", ()):
            if q is None or not q.get("id"):
                continue
            types.setdefault(q["id"], q.get("type"))
            for i, (fid, _when, _point) in enumerate(q.get("follow_ups") or ()):
                edges.setdefault(q["id"], []).append((fid, f, ("questions", q["index"], "follow_ups", i, "id")))
    if not edges:
        return
    for qid, targets in edges.items():
        for fid, f, path in targets:
            if fid not in types:
                close = closest(fid, sorted(i for i, t in types.items() if t == "open"))
                issue(f, path, f"follow-up to a missing id `{fid}`",
                      (f"did you mean `{close}`? " if close else "") + "name an open question of a loaded bank")
            elif types[fid] != "open":
                issue(f, path, f"the follow-up `{fid}` is a {types[fid]} question, not an open one",
                      "follow-ups are open questions (type: open)")
    # Cycles: a depth-first walk; each cycle is reported once, at the edge that closes it.
    state: dict[str, int] = {}          # 1: on the current path, 2: done
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for fid, f, path in edges.get(node, ()):
            if state.get(fid) == 1:
                cycle = stack[stack.index(fid):] + [fid]
                issue(f, path, "a cycle of follow-ups: " + " -> ".join(cycle),
                      "follow-ups must lead on, never back: remove one of these follow-ups")
            elif fid in edges and state.get(fid) is None:
                walk(fid)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if state.get(node) is None:
            walk(node)
