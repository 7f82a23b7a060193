"""Shell completion of values: topics, tags, question types, question ids
and demo ids (Typer's own completion: `quizcli --install-completion`).

Each function runs only while the shell asks for completions (with
_QUIZCLI_COMPLETE set), never on an ordinary start: the bank index and the
demo registry are imported inside. A bank that does not load completes
nothing rather than print an error into the shell.
"""

from __future__ import annotations

from typing import Iterable


def _matching(values: Iterable[str], incomplete: str) -> list[str]:
    return sorted(v for v in set(values) if v.startswith(incomplete))


def _index():
    from quizcli.bank.index import load_index

    try:
        return load_index(extra=[], include_builtin=True)
    except Exception:        # a broken user bank: no completions, no traceback in the shell
        return None


def topics(incomplete: str) -> list[str]:
    index = _index()
    return _matching((b.id for b in index.banks), incomplete) if index else []


def tags(incomplete: str) -> list[str]:
    index = _index()
    return _matching((t for q in index.questions for t in q.tags), incomplete) if index else []


def types(incomplete: str) -> list[str]:
    from quizcli.model import QuestionType

    return _matching((t.value for t in QuestionType), incomplete)


def question_ids(incomplete: str) -> list[str]:
    index = _index()
    return _matching((q.id for q in index.questions), incomplete) if index else []


def demo_ids(incomplete: str) -> list[str]:
    from quizcli.demo import registry

    try:
        return _matching(registry.demo_ids(), incomplete)
    except Exception:
        return []


def question_or_demo_ids(incomplete: str) -> list[str]:
    return sorted(set(question_ids(incomplete)) | set(demo_ids(incomplete)))
