"""How well the key-point matcher (quizcli/matching.py) marks typed answers.

    .venv/bin/python bench/bench_matcher.py [--answers tests/data/interview_answers.yaml]
                                            [--content DIR] [--json] [--show-errors]

Reads labelled answers (a list of {question, lang, kind, text, covers}; the
format is in content/README.md, "Open questions"), runs the matcher on each
answer against its question's key points from the loaded banks (the built-in
ones, or those in --content) and counts, per key point and overall:

    precision = points marked that the label says were covered / points marked
    recall    = points marked that the label says were covered / points covered

Overall figures are micro-averaged (each (answer, point) pair counts once).
Also per answer language (en, zh, mixed) and the matcher's speed. The labels
are the truth: an error is the matcher's, never the label's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_ANSWERS = ROOT / "tests" / "data" / "interview_answers.yaml"


class Counts:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0

    def add(self, said: bool, marked: bool) -> None:
        if said and marked:
            self.tp += 1
        elif marked:
            self.fp += 1
        elif said:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": self.precision, "recall": self.recall}


def load_answers(path: Path) -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of labelled answers")
    return data


def evaluate(answers: list[dict[str, Any]], library: Any) -> dict[str, Any]:
    """Counts per point, per language and overall; the errors made."""
    from quizcli.matching import match

    overall, per_point, per_lang = Counts(), {}, {}
    errors, problems = [], []
    seconds = 0.0
    for i, a in enumerate(answers):
        q = library.question(a.get("question"))
        if q is None or not q.key_points:
            problems.append(f"answer {i}: no open question {a.get('question')!r}")
            continue
        ids = {p.id for p in q.key_points}
        covers = set(a.get("covers") or ())
        if covers - ids:
            problems.append(f"answer {i} ({q.id}): `covers` names no key point: {sorted(covers - ids)}")
            continue
        t0 = time.perf_counter()
        marks = match(str(a.get("text", "")), q.key_points)
        seconds += time.perf_counter() - t0
        lang = a.get("lang", "?")
        for m in marks:
            said = m.id in covers
            overall.add(said, m.covered)
            per_point.setdefault(f"{q.id}/{m.id}", Counts()).add(said, m.covered)
            per_lang.setdefault(lang, Counts()).add(said, m.covered)
            if said != m.covered:
                errors.append({"answer": i, "question": q.id, "point": m.id, "lang": lang,
                               "error": "false positive" if m.covered else "false negative",
                               "evidence": m.evidence, "text": a.get("text", "").strip()})
    n = len(answers) - len(problems)
    return {"answers": n, "questions": len({a.get("question") for a in answers}),
            "overall": overall.as_dict(), "per_lang": {k: v.as_dict() for k, v in sorted(per_lang.items())},
            "per_point": {k: v.as_dict() for k, v in sorted(per_point.items())},
            "ms_per_answer": 1000 * seconds / n if n else None, "errors": errors, "problems": problems}


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--answers", type=Path, default=DEFAULT_ANSWERS, help="the labelled answers (YAML)")
    ap.add_argument("--content", type=Path, help="bank folder to use as the built-in content")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--show-errors", action="store_true", help="list every wrong mark")
    args = ap.parse_args(argv)
    if args.content:
        os.environ["QUIZCLI_CONTENT"] = str(args.content)
    from quizcli.bank import load_library

    result = evaluate(load_answers(args.answers), load_library())
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    o = result["overall"]
    print(f"{args.answers}: {result['answers']} answers, {result['questions']} questions, "
          f"{o['tp'] + o['fn']} points said, {o['tp'] + o['fp']} marked")
    print(f"{'point':<52} {'prec':>6} {'recall':>6}  tp  fp  fn")
    for name, c in result["per_point"].items():
        print(f"{name[:52]:<52} {_fmt(c['precision']):>6} {_fmt(c['recall']):>6} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}")
    for lang, c in result["per_lang"].items():
        print(f"{'language ' + lang:<52} {_fmt(c['precision']):>6} {_fmt(c['recall']):>6} "
              f"{c['tp']:>3} {c['fp']:>3} {c['fn']:>3}")
    print(f"{'OVERALL':<52} {_fmt(o['precision']):>6} {_fmt(o['recall']):>6} {o['tp']:>3} {o['fp']:>3} {o['fn']:>3}")
    print(f"matcher: {result['ms_per_answer']:.2f} ms per answer" if result["ms_per_answer"] else "")
    for p in result["problems"]:
        print("problem:", p)
    if args.show_errors:
        for e in result["errors"]:
            print(f"- {e['error']}: {e['question']}/{e['point']} [{e['lang']}] {e['text'][:160]!r}"
                  + (f"\n    evidence: {e['evidence']!r}" if e["evidence"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
