"""Loading banks: read, parse, check each file, check them together, build the model.

The happy path is fast: the content-keyed cache (warm) or yaml_rs (cold),
then the checks on plain data. Only a file that has problems is parsed a
second time, with positions, so every problem names its line and column.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from quizcli.bank import cache, yamlio
from quizcli.errors import Problem
from quizcli.files import NotRegularFile, read_regular
from quizcli.model import (Bank, Choice, Claim, FollowUp, KeyPoint, Library, Phrases, Question, QuestionType, Text,
                           Verdict)

if TYPE_CHECKING:
    from quizcli.bank.validate import Issue

# quizcli.bank.validate is imported where it is used: a warm load (every
# bank from the cache, no problem) never needs it.

from quizcli.bank.sources import (BANK_SUFFIXES, Source, _dedupe, bank_files, expand,  # noqa: E402,F401 (public here)
                                  library_sources)

class _File:
    """One bank file as the checks go: what was read, parsed, found."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text: str | None = None
        self.raw: bytes | None = None          # kept for a cached file, decoded only if needed
        self.key: str | None = None            # the file's entry in the bank cache (quizcli.bank.cache)
        self.bank: dict[str, Any] | None = None
        self.problems: list[Problem] = []
        self.issues: list[Issue] = []
        self._located: yamlio.Parsed | None = None

    @property
    def name(self) -> str:
        return str(self.source.path)

    def locate(self, path: tuple, at_key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of a field, or of its nearest ancestor that exists."""
        if self.text is None and self.raw is not None:   # a cached file: decode it now
            self.text = self.raw.decode("utf-8-sig")
        if self.text is None:
            return None, None
        if self._located is None:
            self._located = yamlio.parse_with_positions(self.text)
        positions = self._located.positions or {}
        keys = self._located.key_positions or {}
        if at_key and path in keys:
            return keys[path]
        while True:
            if path in positions:
                return positions[path]
            if not path:
                return None, None
            path = path[:-1]

    def where(self, path: tuple) -> str:
        line, _ = self.locate(path)
        return f"{self.name}:{line}" if line else self.name


def _read(f: _File) -> bytes | None:
    path = f.source.path
    try:
        if path.is_dir():
            f.problems.append(Problem(f.name, None, None, "", "is a folder with no bank files (*.yaml, *.yml)",
                                      "point at a bank file, or put banks in the folder"))
            return None
        data = read_regular(path, yamlio.MAX_FILE_BYTES)
    except NotRegularFile as err:
        f.problems.append(Problem(f.name, None, None, "", f"{err.strerror}, so it cannot be a bank",
                                  "point at a bank file (*.yaml) or a folder of them"))
        return None
    except FileNotFoundError:
        f.problems.append(Problem(f.name, None, None, "", "no such file or folder", "check the path"))
        return None
    except PermissionError:
        f.problems.append(Problem(f.name, None, None, "", "cannot be read: permission denied",
                                  "check the file's permissions"))
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            f.problems.append(Problem(f.name, None, None, "", "is a symlink loop (it points, in the end, at itself)",
                                      "point the link at a bank file, or give the file itself"))
            return None
        f.problems.append(Problem(f.name, None, None, "", f"cannot be read: {err.strerror or err}",
                                  "check the path"))
        return None
    if len(data) > yamlio.MAX_FILE_BYTES:
        f.problems.append(Problem(f.name, None, None, "",
                                  f"is larger than {yamlio.MAX_FILE_BYTES // (1024 * 1024)} MiB, the limit for a bank",
                                  "split it into several banks"))
        return None
    return data


def _decode(f: _File, data: bytes) -> str | None:
    if b"\0" in data:
        f.problems.append(Problem(f.name, None, None, "", "is a binary file, not YAML text",
                                  "point at a .yaml bank; check the path"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        f.problems.append(Problem(f.name, line, col, "", "is not valid UTF-8 text",
                                  "save the file as UTF-8"))
        return None


def _read_or_cached(f: _File) -> tuple[str, str] | None:
    """Read a file; a cached bank is done, otherwise (cache key, text) to parse."""
    data = _read(f)
    if data is None:
        return None
    k = f.key = cache.key(data, f.source.builtin, yamlio.parser_name())
    cached = cache.get(k)
    if cached is not None:
        f.bank = cached
        f.raw = data  # decoded only if a cross-bank problem needs locating
        return None
    text = _decode(f, data)
    return None if text is None else (k, text)


# Files smaller than this are parsed in the caller's thread: a thread costs
# more than parsing a small bank (a folder of 5,000 small banks spent more
# time starting threads than parsing).
_THREAD_MIN_CHARS = 32_000


def _parsed_ahead(texts: list[str]) -> Iterator[yamlio.Parsed]:
    """Each text parsed, a large next one in a thread while the caller checks this one.

    yaml_rs lets go of the GIL while it parses, so on two cores the parsing
    of one file overlaps the checks of the one before: a cold load of
    bench/bench_load.py's 10,000 questions took 0.8 s instead of 1.1 s. One
    file ahead at most, so no more than two parse trees are held at once.
    """
    if len(texts) < 2:
        yield from map(yamlio.parse, texts)
        return
    import threading

    def parse(i: int) -> None:
        try:
            results[i] = yamlio.parse(texts[i])
        except BaseException as err:   # a bug or MemoryError: raised again in the caller's thread
            results[i] = err

    results: list[Any] = [None] * len(texts)
    parse(0)
    for i in range(len(texts)):
        worker = None
        if i + 1 < len(texts):
            if len(texts[i + 1]) >= _THREAD_MIN_CHARS:
                worker = threading.Thread(target=parse, args=(i + 1,), daemon=True)
                worker.start()
        result, results[i] = results[i], None
        if isinstance(result, BaseException):
            raise result
        yield result
        if worker is not None:
            worker.join()
        elif i + 1 < len(texts):
            parse(i + 1)


def _check_parsed(f: _File, k: str, text: str, parsed: yamlio.Parsed) -> None:
    from quizcli.bank.validate import check_bank, path_str

    f.text = text
    for sp in parsed.problems:
        f.problems.append(Problem(f.name, sp.line, sp.column, path_str(sp.path) if sp.path else "",
                                  sp.message, sp.hint))
    if parsed.problems and parsed.data is None:
        return
    checked = check_bank(parsed.data, f.source.builtin)
    ok = not parsed.problems and not checked.issues and checked.bank is not None
    # The parse tree shares its strings with the checked bank: dropped now,
    # marshal has no references to track and writes the cache faster.
    parsed.data = None
    f.bank = checked.bank
    f.issues.extend(checked.issues)
    if checked.bank is not None:
        _record_lines(f, checked.bank)
    if ok:
        cache.put(k, checked.bank)


# A question item as banks are written: `- id: ...` on the item's first line.
# The leading newline is a literal `re` scans for at C speed (`^` with re.M is not).
_ITEM_ID = re.compile(r"\n([ \t]*)- id:[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s#]+))")


def _record_lines(f: _File, bank: dict[str, Any]) -> None:
    """Store each question's line in the checked bank (and so in the cache).

    yaml_rs gives no positions, and parsing again with them costs more than
    the fast parse saved; one regex scan from `questions:` on finds the
    `- id:` lines (about 30 ms of CPU for the 10,000 questions of
    bench/bench_load.py; a warm load reads the lines from the cache). The
    first `- id: X` there is question X's: claims recorded after the
    questions come later. Only a bank written otherwise (a flow list, `id`
    not first) pays for the slow parse with positions.
    """
    questions = [q for q in bank["questions"] if q is not None and q.get("id")]
    if not questions:
        return
    text = f.text or ""
    start = 0 if text.startswith("questions:") else text.find("\nquestions:")
    lines: dict[str, int] = {}
    if start >= 0:
        line, last = text.count("\n", 0, start) + 1, start
        indent = None     # the questions' own items; deeper `- id:` lines are key points or follow-ups (#17)
        for m in _ITEM_ID.finditer(text, start):
            line += text.count("\n", last, m.start()) + 1    # + 1: the newline the match starts with
            last = m.start() + 1
            if indent is None:
                indent = m[1]
            if m[1] == indent:
                lines.setdefault(m[m.lastindex], line)      # the one alternative that matched
    if any(q["id"] not in lines for q in questions):
        for q in questions:
            q["line"] = f.locate(("questions", q["index"]))[0]
        return
    for q in questions:
        q["line"] = lines[q["id"]]


def _ensure_text(f: _File) -> None:
    if f.text is None and f.raw is not None:
        f.text = f.raw.decode("utf-8-sig")


def _cross_checks(files: list[_File]) -> None:
    """Checks across banks: ids unique, claims recorded once and referenced, demos known."""
    from quizcli.demo.folders import demo_ids

    loaded = [f for f in files if f.bank is not None]
    known_demos = demo_ids()

    def issue(f: _File, path: tuple, message: str, hint: str) -> None:
        from quizcli.bank.validate import Issue

        f.issues.append(Issue(path, message, hint))

    # Later duplicates are reported: built-in banks come first, so a user bank
    # that reuses a built-in id is the one told to change.
    bank_ids: dict[str, _File] = {}
    for f in loaded:
        bid = f.bank.get("id")
        if not bid:
            continue
        if bid in bank_ids:
            first = bank_ids[bid]
            issue(f, ("id",), f"bank id `{bid}` is already used by {first.where(('id',))}",
                  "give this bank another id")
        else:
            bank_ids[bid] = f

    recorded: dict[str, list[tuple[_File, tuple]]] = {}
    no_demo: dict[str, tuple[_File, tuple]] = {}     # claim id -> where its `no_demo` reason is
    for f in loaded:
        for claim in f.bank.get("claims", ()):
            recorded.setdefault(claim["id"], []).append((f, ("claims", claim["index"], "id")))
            if claim.get("no_demo") is not None:
                no_demo.setdefault(claim["id"], (f, ("claims", claim["index"], "no_demo")))
    for cid, records in recorded.items():
        # A user bank may record a claim a built-in bank records (the built-in
        # verdict wins when both load); within each kind, once per claim.
        for builtin in (True, False):
            same = [r for r in records if r[0].source.builtin == builtin]
            for f, path in same[1:]:
                first_f, first_path = same[0]
                issue(f, path, f"claim `{cid}` is already recorded at {first_f.where(first_path)}",
                      "record each claim once; remove this record or merge the two")

    # This loop runs over every question on every load, cache hits included:
    # paths are built only for a problem.
    question_ids: dict[str, tuple[_File, int]] = {}
    for f in loaded:
        bank_dir_demos = user_demo_ids(f.source.path.parent) if not f.source.builtin else set()
        for q in f.bank.get("questions", ()):
            if q is None:
                continue
            qid, claim, demo = q.get("id"), q.get("claim"), q.get("demo")
            if qid:
                first = question_ids.setdefault(qid, (f, q["index"]))
                if first[0] is not f or first[1] != q["index"]:
                    first_f, first_i = first
                    issue(f, ("questions", q["index"], "id"),
                          f"question id `{qid}` is already used at {first_f.where(('questions', first_i, 'id'))}",
                          "ids must be unique across all banks; give this question another id")
            if claim and claim not in recorded:
                issue(f, ("questions", q["index"], "claim"), f"claim `{claim}` is not recorded in any loaded bank",
                      "add it under `claims:` with its verdict and summary, or fix the id")
            if q.get("exercise"):   # code exercises (#18): the exercise's files exist
                from quizcli.bank.validate_code import exercise_problem

                problem = exercise_problem(q["exercise"], f.source.path, f.source.builtin)
                if problem:
                    issue(f, ("questions", q["index"], "exercise"), *problem)
            if not demo:
                continue
            if claim in no_demo:
                # Reported at the question: that is the file to change when a
                # user bank links a demo to a claim a built-in bank says none can back.
                nd_f, nd_path = no_demo[claim]
                issue(f, ("questions", q["index"], "demo"),
                      f"claim `{claim}` gives a reason why no demo backs it ({nd_f.where(nd_path)}), "
                      f"yet this question names demo `{demo}`",
                      "a claim has a demo or a `no_demo` reason, not both: remove `no_demo` from the claim "
                      "if the demo backs it, or remove `demo:` here")
            if demo not in known_demos and demo not in bank_dir_demos:
                from quizcli.bank.validate import closest

                close = closest(demo, sorted(known_demos | bank_dir_demos))
                issue(f, ("questions", q["index"], "demo"), f"there is no demo `{demo}`",
                      (f"did you mean `{close}`? " if close else "")
                      + "see `quizcli demos list`, or remove the key")
    from quizcli.bank.open_checks import follow_up_checks

    follow_up_checks(loaded, issue)


def user_demo_ids(bank_folder: Path) -> set[str]:
    """Demos that user banks bring in a `demos/` folder beside them (run only once trusted)."""
    folder = bank_folder / "demos"
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.glob("*.py") if not p.name.startswith("_")}


def _locate_issues(files: list[_File]) -> None:
    from quizcli.bank.validate import path_str

    for f in files:
        if not f.issues:
            continue
        _ensure_text(f)
        for it in f.issues:
            line, col = f.locate(it.path, it.at_key)
            f.problems.append(Problem(f.name, line, col, path_str(it.path), it.message, it.hint))
        f.issues = []
        f.problems.sort(key=lambda p: (p.line or 0, p.column or 0))


def run(sources: list[Source]) -> tuple[list[_File], list[Problem]]:
    """Check every source alone and all together; the problems of reported sources."""
    files = [_File(s) for s in sources]
    to_parse = [(f, *todo) for f in files if (todo := _read_or_cached(f)) is not None]
    parsed = _parsed_ahead([text for _, _, text in to_parse])
    for (f, k, text), result in zip(to_parse, parsed):
        _check_parsed(f, k, text, result)
    _cross_checks(files)
    for f in files:   # context files are never located: their problems are not shown
        if not f.source.report:
            f.issues = []
    _locate_issues(files)
    if to_parse:
        cache.prune()
    problems = [p for f in files if f.source.report for p in f.problems]
    return files, problems


def check(paths_: Iterable[Path], against_builtin: bool = True) -> tuple[list[_File], list[Problem]]:
    """The bank files under `paths_` checked alone and together, beside the
    built-in banks as they are at quiz time (read as context, their problems
    not reported): every file read, and the problems."""
    from quizcli import paths

    given, problems = expand(list(paths_))
    context: list[Source] = []
    content = paths.builtin_content_dir()
    if against_builtin and content.is_dir():
        context, _ = expand([content], builtin=True, report=False)
    # Context first, so a user bank reusing a built-in id is the one reported.
    files, found = run(_dedupe(context + given))
    return files, problems + found


# --- the model ------------------------------------------------------------------------


_QUESTION_TYPES = {t.value: t for t in QuestionType}


def _text(t: tuple | list | None) -> Text | None:
    return None if t is None else _make(Text, t)


# tuple.__new__ fills a NamedTuple from a tuple in one C call, without the
# generated __new__'s argument parsing: most of a warm load is building the
# model, about 80,000 records for 10,000 questions.
_make = tuple.__new__


# The order in which build_bank fills a Question, by position (see _make).
# tests/test_bank.py pins it to Question._fields: a field added to the model
# must be added here and in build_bank's tuple, in the same place.
QUESTION_FIELDS = ("id", "type", "prompt", "explanation", "bank_id", "tags", "difficulty", "demo", "refs", "claim",
                   "choices", "answer_bool", "answer_number", "tolerance", "unit", "accept", "answer_text",
                   "exercise", "hints",                   # code exercises (#18)
                   "source", "line", "unordered", "key_points", "follow_ups")


def build_bank(b: dict[str, Any], source: str, builtin: bool) -> Bank:
    """Model objects from a checked (or cached) bank; every field in order
    (QUESTION_FIELDS)."""
    make, types, bank_id = _make, _QUESTION_TYPES, b["id"]
    qs = []
    for q in b["questions"]:
        answer = q["answer_text"]
        choices = tuple([make(Choice, (make(Text, text), correct, None if why is None else make(Text, why)))
                         for text, correct, why in q["choices"]])
        qs.append(make(Question, (
            q["id"], types[q["type"]], make(Text, q["prompt"]), make(Text, q["explanation"]), bank_id,
            tuple(q["tags"]), q["difficulty"], q["demo"], tuple(q["refs"]), q["claim"], choices,
            q["answer_bool"], q["answer_number"], q["tolerance"] or 0.0, q["unit"], tuple(q["accept"]),
            None if answer is None else make(Text, answer),
            q.get("exercise"), tuple([make(Text, h) for h in q.get("hints", ())]),   # code exercises (#18)
            source, q.get("line"), q.get("unordered", False),
            _key_points(q.get("key_points")), _follow_ups(q.get("follow_ups")),
        )))
    claims = tuple(Claim(id=c["id"], verdict=Verdict(c["verdict"]), summary=_text(c["summary"]),
                         refs=tuple(c["refs"]), no_demo=_text(c.get("no_demo"))) for c in b["claims"])
    return Bank(id=b["id"], title=_text(b["title"]), description=_text(b["description"]),
                questions=tuple(qs), claims=claims, format_version=b["format_version"],
                source=source, builtin=builtin)


def _key_points(points: tuple | None) -> tuple[KeyPoint, ...]:
    """Open questions (#17): (id, text, (phrases en, zh), (avoid en, zh)) -> KeyPoint."""
    if not points:
        return ()
    make = _make
    return tuple([make(KeyPoint, (pid, make(Text, text), make(Phrases, (tuple(ph[0]), tuple(ph[1]))),
                                  make(Phrases, (tuple(av[0]), tuple(av[1])))))
                  for pid, text, ph, av in points])


def _follow_ups(items: tuple | None) -> tuple[FollowUp, ...]:
    return tuple([_make(FollowUp, tuple(item)) for item in items]) if items else ()


def build_library(files: list[_File]) -> Library:
    return Library(banks=tuple(build_bank(f.bank, f.name, f.source.builtin) for f in files if f.bank is not None))
