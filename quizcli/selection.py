"""Which questions: filters from the command line, the selection they
make, and the seeded order of a question's choices. Pure; no I/O."""

from __future__ import annotations

import random
from operator import attrgetter
from typing import Iterable, NamedTuple, Sequence

from quizcli.errors import ExitCode, NotFoundError, QuizcliError
from quizcli.i18n import _, ngettext
from quizcli.model import Bank, Library, Question, QuestionType

TYPE_ALIASES = {t.value: t for t in QuestionType} | {t.value.replace("_", "-"): t for t in QuestionType} | {
    "single": QuestionType.SINGLE_CHOICE,
    "multiple": QuestionType.MULTIPLE_CHOICE,
    "tf": QuestionType.TRUE_FALSE,
    "short": QuestionType.SHORT_ANSWER,
    "card": QuestionType.FLASHCARD,
}


class Filters(NamedTuple):
    """What to ask. Within one kind the values are alternatives (any topic
    given); different kinds must all hold."""

    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    types: tuple[QuestionType, ...] = ()
    difficulty: tuple[int, int] | None = None     # inclusive range

    def matches(self, q: Question) -> bool:
        return (
            (not self.topics or q.bank_id in self.topics)
            and (not self.tags or any(t in q.tags for t in self.tags))
            and (not self.types or q.type in self.types)
            and (self.difficulty is None or self.difficulty[0] <= q.difficulty <= self.difficulty[1])
        )


def _usage(message: str, hint: str) -> QuizcliError:
    return QuizcliError(message, hint=hint, exit_code=ExitCode.USAGE)


def parse_difficulty(raw: str | None) -> tuple[int, int] | None:
    """ "2" -> (2, 2); "1-3" -> (1, 3)."""
    if raw is None or raw.strip() == "":
        return None
    parts = raw.replace(" ", "").split("-")
    try:
        low, high = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (0, 0)
    except ValueError:
        low, high = 0, 0
    if not (1 <= low <= high <= 5):
        raise _usage(_("--difficulty {value} is not a level or a range of levels").format(value=repr(raw)),
                     _("use a level 1-5 such as `2`, or a range such as `1-3`"))
    return low, high


def parse_types(raw: Iterable[str]) -> tuple[QuestionType, ...]:
    out = []
    for value in raw:
        qtype = TYPE_ALIASES.get(value.strip().lower())
        if qtype is None:
            raise _usage(_("unknown question type {value}").format(value=repr(value)),
                         _("use one of: {types}").format(types=", ".join(t.value for t in QuestionType)))
        out.append(qtype)
    return tuple(out)


def make_filters(library: Library, topics: Sequence[str] = (), tags: Sequence[str] = (),
                 types: Sequence[str] = (), difficulty: str | None = None) -> Filters:
    """Build filters from command-line values; unknown topics or tags are errors
    that list the valid ones (a typo must not silently select nothing)."""
    known_topics = [b.id for b in library.banks]
    unknown = [t for t in topics if t not in known_topics]
    if unknown:
        raise NotFoundError(ngettext("unknown topic: {topics}", "unknown topics: {topics}", len(unknown)).format(
                                topics=", ".join(unknown)),
                            hint=_("topics are bank ids: {ids}").format(
                                ids=", ".join(sorted(known_topics)) or _("(no banks loaded)")))
    # Every question's tags, only when tags were given (100,000 questions: 15 ms).
    known_tags = sorted({t for q in library.questions for t in q.tags}) if tags else []
    unknown = [t for t in tags if t not in known_tags]
    if unknown:
        raise NotFoundError(ngettext("unknown tag: {tags}", "unknown tags: {tags}", len(unknown)).format(
                                tags=", ".join(unknown)),
                            hint=_tag_hint(unknown, known_tags))
    return Filters(tuple(topics), tuple(tags), parse_types(types), parse_difficulty(difficulty))


FEW_TAGS = 12   # up to this many known tags, a hint may list them all


def _tag_hint(unknown: Sequence[str], known_tags: list[str]) -> str:
    """Did you mean: the vocabulary tag an old or other spelling stands for, then difflib's near
    matches; never the whole list of a large library."""
    import difflib

    from quizcli.bank.vocabulary import load_vocabulary

    try:
        vocabulary = load_vocabulary()
    except QuizcliError:
        vocabulary = None
    close: list[str] = []
    for tag in unknown:
        target = vocabulary.canonical(tag.casefold()) if vocabulary is not None else None
        if target in known_tags and target not in close:
            close.append(target)
        for m in difflib.get_close_matches(tag.casefold(), known_tags, n=3, cutoff=0.6):
            if m not in close:
                close.append(m)
    if close:
        return _("did you mean: {tags}?").format(tags=", ".join(close))
    if len(known_tags) <= FEW_TAGS:
        return _("known tags: {tags}").format(tags=", ".join(known_tags) or _("(none)"))
    return _("no tag is close to it; `quizcli list --json` shows each question's tags "
             "({n} in all; the built-in ones are listed in content/README.md)").format(n=len(known_tags))


def select(library: Library, filters: Filters) -> list[Question]:
    """The matching questions in a stable order (by id).

    A bank index (quizcli.bank.index.Index) serves as `library` as well: its
    entries have the fields filters read.
    """
    if filters == Filters():     # no filter: no call per question
        return sorted(library.questions, key=attrgetter("id"))
    return sorted((q for q in library.questions if filters.matches(q)), key=attrgetter("id"))


def type_counts(bank: Bank) -> dict[str, int]:
    """How many questions of each type a bank holds (every type, zeros too)."""
    counts = {t.value: 0 for t in QuestionType}
    for q in bank.questions:
        counts[q.type.value] += 1
    return counts


def choice_order(question: Question, seed: int) -> tuple[int, ...]:
    """The shuffled order of a question's choices for this seed.

    Seeded by question id as well, so a question's choices come out the same
    for a seed whatever else is selected.
    """
    order = list(range(len(question.choices)))
    random.Random(f"{seed}:{question.id}").shuffle(order)
    return tuple(order)


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 10**6)

