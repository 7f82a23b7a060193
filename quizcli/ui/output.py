"""The one way a command's result reaches the user: as text or as JSON.

A command builds a result record below (from what the core returned) and
hands it to `emit`, which prints it as text (the screen modules, Rich) or as
JSON (one encoder: UTF-8, indented, never styled or wrapped). So `--json`
means the same everywhere, and the JSON of every command is written here,
where tests/test_json_contract.py pins its keys (the README, "JSON output").

JSON objects carry `"schema": SCHEMA` beside their keys; `topics`, `list` and
`demos list` print arrays, which carry none (an array has no place for it
without breaking the scripts that read it). A key is never renamed or
removed without raising SCHEMA; new keys may appear.

No Rich at module level: `--json` of the demo commands never imports it.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

if TYPE_CHECKING:
    from rich.console import Console

    from quizcli.model import Bank, Claim, Library, Question
    from quizcli.model import Text as BiText

SCHEMA = 1


# --------------------------------------------------------------------------
# The results


class Topics(NamedTuple):
    """`quizcli topics`"""
    library: Library


class Questions(NamedTuple):
    """`quizcli list`"""
    questions: Sequence[Question]
    empty: str = ""                # said instead of an empty table (translated): why nothing is listed


class Shown(NamedTuple):
    """`quizcli show ID`"""
    question: Question
    library: Library
    article: Any = None            # quizcli.bank.article.Article, when the question has a claim


class Statistics(NamedTuple):
    """`quizcli stats`"""
    stats: Any                     # quizcli.stats.Stats
    forecast: Sequence = ()
    interviews: Sequence = ()      # quizcli.sessions.interview_report's trends per topic (#17)


class Calibration(NamedTuple):
    """`quizcli stats --calibration`"""
    bins: Sequence[Any]            # quizcli.fit.Bin
    reviews: int
    parameters: str                # "fitted" or "default"
    log_loss: float
    rmse_bins: float


class Demos(NamedTuple):
    """`quizcli demos list`"""
    infos: Sequence[Any]           # quizcli.demo.registry.DemoInfo
    links: dict[str, list[str]]    # demo id -> the questions that name it


class Verified(NamedTuple):
    """`quizcli demos verify`"""
    outcomes: Sequence[Any]        # quizcli.demo.engine.DemoOutcome
    wall_s: float
    jobs: int
    seed: int
    skipped: Sequence[str]
    problems: Sequence[Any]        # quizcli.demo.registry's problems with a demo's META
    seeds: Sequence[int] | None = None   # a sweep (`--seeds`): one row per demo over these seeds


class Explained(NamedTuple):
    """`quizcli explain ID`: the demo's outcome (the question's answer is shown before it runs)."""
    question_id: str | None
    outcome: Any                   # quizcli.demo.engine.DemoOutcome
    error: BaseException | None = None   # why the demo did not start (quizcli.demo.play.Played.error)


class Validated(NamedTuple):
    """`quizcli bank validate`"""
    report: Any                    # quizcli.bank.Report


class Linted(NamedTuple):
    """`quizcli bank lint`"""
    report: Any                    # quizcli.authoring.lint.LintReport


def emit(result: NamedTuple, *, as_json: bool, lang: str = "en", console: Console | None = None) -> None:
    """Print a result: as JSON, or as text in `lang` on `console` (the default one if None)."""
    to_json, to_text = _VIEWS[type(result)]
    if as_json:
        data = to_json(result)
        if isinstance(data, dict):
            data = {"schema": SCHEMA, **data}
        # Plain write: JSON must not be wrapped, highlighted or styled.
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
        return
    if console is None:
        from quizcli.ui.text import make_console

        console = make_console()
    to_text(result, console, lang)


# --------------------------------------------------------------------------
# JSON: both languages, every field


def _bi(text: BiText | None) -> dict[str, str | None] | None:
    return None if text is None else {"en": text.en, "zh": text.zh}


def bank_dict(bank: Bank) -> dict[str, Any]:
    from quizcli.selection import type_counts

    return {
        "id": bank.id, "title": _bi(bank.title), "description": _bi(bank.description),
        "builtin": bank.builtin, "source": bank.source,
        "questions": len(bank.questions), "by_type": type_counts(bank),
    }


def claim_dict(claim: Claim) -> dict[str, Any]:
    return {"id": claim.id, "verdict": claim.verdict.value, "label": claim.verdict.label,
            "summary": _bi(claim.summary), "refs": list(claim.refs), "no_demo": _bi(claim.no_demo)}


def question_summary_dict(q: Question) -> dict[str, Any]:
    return {"id": q.id, "topic": q.bank_id, "type": q.type.value, "difficulty": q.difficulty,
            "tags": list(q.tags), "prompt": _bi(q.prompt), "demo": q.demo, "claim": q.claim}


def article_dict(claim: Any) -> dict[str, Any] | None:
    """What the source article said of a claim (quizcli.bank.article.ArticleClaim)."""
    if claim is None:
        return None
    return {"section": claim.section.number, "section_title": _bi(claim.section.title),
            "quotes": list(claim.quotes), "statement": claim.statement, "implicit": claim.implicit}


def question_dict(q: Question, library: Library, article: Any = None) -> dict[str, Any]:
    from quizcli import answers
    from quizcli.model import QuestionType

    data = question_summary_dict(q)
    if q.choices:
        # In the stable order `show` prints them in (letters as shown).
        shown = [q.choices[i] for i in q.display_order]
        data["choices"] = [{"letter": answers.LETTERS[i], "text": _bi(c.text), "correct": c.correct, "why": _bi(c.why)}
                           for i, c in enumerate(shown)]
        data["answer"] = [answers.LETTERS[i] for i, c in enumerate(shown) if c.correct]
    elif q.type is QuestionType.TRUE_FALSE:
        data["answer"] = q.answer_bool
    elif q.type is QuestionType.NUMERIC:
        data.update(answer=q.answer_number, tolerance=q.tolerance, unit=q.unit)
    elif q.type is QuestionType.SHORT_ANSWER:
        data.update(accept=list(q.accept), unordered=q.unordered, answer=_bi(q.answer_text))
    elif q.type is QuestionType.CODE:       # code exercises (#18)
        data.update(exercise=q.exercise, hints=[_bi(h) for h in q.hints])
    else:
        data["answer"] = _bi(q.answer_text)
    if q.type is QuestionType.OPEN:
        data["key_points"] = [{"id": p.id, "text": _bi(p.text),
                               "phrases": {"en": list(p.phrases.en), "zh": list(p.phrases.zh)},
                               "avoid": {"en": list(p.avoid.en), "zh": list(p.avoid.zh)}} for p in q.key_points]
        data["follow_ups"] = [{"id": f.id, "when": f.when, "point": f.point} for f in q.follow_ups]
    claim = library.claim(q.claim) if q.claim else None
    data.update(explanation=_bi(q.explanation), refs=list(q.refs),
                claim_verdict=claim_dict(claim) if claim else None,
                article=article_dict(article.claim(q.claim)) if article is not None and q.claim else None,
                source=q.source, line=q.line)
    return data


def problem_dict(p: Any) -> dict[str, Any]:
    """A bank problem (quizcli.errors.Problem)."""
    return {"file": p.file, "line": p.line, "column": p.column, "field": p.field,
            "message": p.message, "hint": p.hint}


def _stats_json(r: Statistics) -> dict[str, Any]:
    from quizcli import stats

    out = stats.to_json(r.stats, r.forecast)
    out["interviews"] = [{"topic": t.topic, "interviews": [{"date": d, "covered": c, "total": n}
                                                          for d, c, n in t.interviews]} for t in r.interviews]
    return out


def _calibration_text(r: Calibration, console: Console, lang: str) -> None:
    from quizcli.ui.calibration import render_calibration

    render_calibration(console, r.bins, r.reviews)


def _verified_json(r: Verified) -> dict[str, Any]:
    if r.seeds is not None:   # a sweep: per demo, the seeds that passed and the worst margin
        from quizcli.demo.sweep import summarize

        rows = summarize(r.outcomes)
        return {"ok": all(row.ok for row in rows) and not r.problems, "wall_s": round(r.wall_s, 3), "jobs": r.jobs,
                "seeds": list(r.seeds), "skipped": list(r.skipped), "problems": [str(p) for p in r.problems],
                "demos": [row.to_dict() for row in rows]}
    return {
        "ok": all(o.ok for o in r.outcomes) and not r.problems,
        "wall_s": round(r.wall_s, 3), "jobs": r.jobs, "seed": r.seed, "skipped": list(r.skipped),
        "problems": [str(p) for p in r.problems],
        "demos": [o.to_dict() for o in r.outcomes],
    }


def _validated_json(r: Validated) -> dict[str, Any]:
    report = r.report
    return {"ok": report.ok, "files": report.files, "banks": report.banks, "questions": report.questions,
            "problems": [problem_dict(p) for p in report.problems]}


def _linted_json(r: Linted) -> dict[str, Any]:
    report = r.report
    return {"ok": not report.errors and not report.findings, "files": report.files,
            "errors": [problem_dict(p) for p in report.errors],
            "findings": [{"rule": f.rule, **problem_dict(f.problem)} for f in report.findings]}


# --------------------------------------------------------------------------
# Text: the screen modules, imported only when text is printed


def _topics_text(r: Topics, console: Console, lang: str) -> None:
    from quizcli.ui.browse import render_topics

    render_topics(console, r.library, lang)


def _questions_text(r: Questions, console: Console, lang: str) -> None:
    from quizcli.ui.browse import render_list

    if not r.questions and r.empty:
        from rich.text import Text

        console.print(Text(r.empty, style="yellow"))
        return
    render_list(console, list(r.questions), lang)


def _shown_text(r: Shown, console: Console, lang: str) -> None:
    from quizcli.ui.browse import render_question

    render_question(console, r.question, r.library, lang, r.article)


def _stats_text(r: Statistics, console: Console, lang: str) -> None:
    from quizcli.ui.stats import render_stats

    render_stats(console, r.stats, r.forecast)
    if r.interviews:
        from quizcli.ui.interview_report import render_trends

        render_trends(console, r.interviews)


def _demos_text(r: Demos, console: Console, lang: str) -> None:
    from quizcli.ui.demo import render_demo_list

    render_demo_list(console, r.infos, r.links, lang=lang)


def _verified_text(r: Verified, console: Console, lang: str) -> None:
    from quizcli.ui.demo import render_sweep, render_verify

    if r.seeds is not None:
        from quizcli.demo.sweep import summarize

        render_sweep(console, summarize(r.outcomes), seeds=r.seeds, wall_s=r.wall_s, skipped=r.skipped)
    else:
        render_verify(console, r.outcomes, wall_s=r.wall_s, skipped=r.skipped)
    if r.problems:
        from quizcli.demo.registry import DemoMetaError
        from quizcli.ui.errors import print_error
        from quizcli.ui.text import make_console

        print_error(DemoMetaError(list(r.problems)), make_console(stderr=True))


def _explained_text(r: Explained, console: Console, lang: str) -> None:
    from quizcli.ui.demo import render_played

    render_played(console, r.outcome, r.error, lang=lang)


def _validated_text(r: Validated, console: Console, lang: str) -> None:
    from quizcli.ui.bank import print_problems, summary

    report = r.report
    print_problems(console, report.problems)
    console.print(summary(report.problems, len(report.files), report.banks, report.questions))


def _linted_text(r: Linted, console: Console, lang: str) -> None:
    from quizcli.ui.bank import print_findings, print_problems, summary

    report = r.report
    if report.errors:
        print_problems(console, report.errors)
        console.print(summary(report.errors, len(report.files), report.banks, report.questions))
    else:
        print_findings(console, report.findings)
        console.print(summary([f.problem for f in report.findings], len(report.files), report.banks,
                              report.questions, noun="finding"))


_VIEWS: dict[type, tuple[Callable[[Any], Any], Callable[[Any, Console, str], None]]] = {
    Topics: (lambda r: [bank_dict(b) for b in r.library.banks], _topics_text),
    Questions: (lambda r: [question_summary_dict(q) for q in r.questions], _questions_text),
    Shown: (lambda r: question_dict(r.question, r.library, r.article), _shown_text),
    Statistics: (_stats_json, _stats_text),
    Calibration: (lambda r: {"reviews": r.reviews, "parameters": r.parameters, "log_loss": r.log_loss,
                             "rmse_bins": r.rmse_bins, "bins": [b._asdict() for b in r.bins]}, _calibration_text),
    Demos: (lambda r: [{**info.to_dict(), "questions": r.links.get(info.id, [])} for info in r.infos], _demos_text),
    Verified: (_verified_json, _verified_text),
    Explained: (lambda r: {"question": r.question_id, **r.outcome.to_dict()}, _explained_text),
    Validated: (_validated_json, _validated_text),
    Linted: (_linted_json, _linted_text),
}
