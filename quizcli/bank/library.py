"""Loading banks: read, parse, check each file, check them together, build the model.

The happy path is fast: the content-keyed cache (warm) or yaml_rs (cold),
then the checks on plain data. Only a file that has problems is parsed a
second time, with positions, so every problem names its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from quizcli.bank import cache, yamlio
from quizcli.errors import Problem
from quizcli.model import Bank, Choice, Claim, Library, Question, QuestionType, Text, Verdict

if TYPE_CHECKING:
    from quizcli.bank.validate import Issue

# quizcli.bank.validate is imported where it is used: a warm load (every
# bank from the cache, no problem) never needs it.

BANK_SUFFIXES = (".yaml", ".yml")


def bank_files(path: Path) -> list[Path]:
    """The bank files in a folder (not its subfolders), or the file itself.

    README files and hidden files (editor backups) are not banks.
    """
    path = Path(path)
    if path.is_dir():
        return sorted(
            p for p in path.iterdir()
            if p.suffix.lower() in BANK_SUFFIXES and not p.name.startswith(".")
            and not p.name.upper().startswith("README") and p.is_file()
        )
    return [path]


@dataclass
class Source:
    path: Path
    builtin: bool
    report: bool = True       # False: loaded only as context for cross-bank checks


@dataclass
class _File:
    source: Source
    text: str | None = None
    raw: bytes | None = None          # kept for a cached file, decoded only if needed
    bank: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    _located: yamlio.Parsed | None = None

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


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _read(f: _File) -> bytes | None:
    path = f.source.path
    try:
        if path.is_dir():
            f.problems.append(Problem(f.name, None, None, "", "is a folder with no bank files (*.yaml, *.yml)",
                                      "point at a bank file, or put banks in the folder"))
            return None
        with open(path, "rb") as fh:
            data = fh.read(yamlio.MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        f.problems.append(Problem(f.name, None, None, "", "no such file or folder", "check the path"))
        return None
    except PermissionError:
        f.problems.append(Problem(f.name, None, None, "", "cannot be read: permission denied",
                                  "check the file's permissions"))
        return None
    except OSError as err:
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


def _check_file(f: _File) -> None:
    """Per-file work: read, parse, check; from the cache when the content is known."""
    data = _read(f)
    if data is None:
        return
    parser = yamlio.parser_name()
    k = cache.key(data, f.source.builtin, parser)
    cached = cache.get(k)
    if cached is not None:
        f.bank = cached
        f.raw = data  # decoded only if a cross-bank problem needs locating
        return
    text = _decode(f, data)
    if text is None:
        return
    from quizcli.bank.validate import check_bank, path_str

    f.text = text
    parsed = yamlio.parse(text)
    for sp in parsed.problems:
        f.problems.append(Problem(f.name, sp.line, sp.column, path_str(sp.path) if sp.path else "",
                                  sp.message, sp.hint))
    if parsed.problems and parsed.data is None:
        return
    checked = check_bank(parsed.data, f.source.builtin)
    f.bank = checked.bank
    f.issues.extend(checked.issues)
    if checked.bank is not None:
        _record_lines(f, checked.bank)
    if not parsed.problems and not checked.issues and checked.bank is not None:
        cache.put(k, checked.bank)


# A question item as banks are written: `- id: ...` on the item's first line.
# The leading newline is a literal `re` scans for at C speed (`^` with re.M is not).
_ITEM_ID = re.compile(r"\n[ \t]*- id:[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s#]+))")


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
        for m in _ITEM_ID.finditer(text, start):
            line += text.count("\n", last, m.start()) + 1    # + 1: the newline the match starts with
            last = m.start() + 1
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
    from quizcli.demo.registry import demo_ids

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

    question_ids: dict[str, tuple[_File, tuple]] = {}
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

    for f in loaded:
        bank_dir_demos = user_demo_ids(f.source.path.parent) if not f.source.builtin else set()
        for q in f.bank.get("questions", ()):
            if q is None:
                continue
            base = ("questions", q["index"])
            qid = q.get("id")
            if qid:
                if qid in question_ids:
                    first_f, first_path = question_ids[qid]
                    issue(f, base + ("id",), f"question id `{qid}` is already used at {first_f.where(first_path)}",
                          "ids must be unique across all banks; give this question another id")
                else:
                    question_ids[qid] = (f, base + ("id",))
            claim = q.get("claim")
            if claim and claim not in recorded:
                issue(f, base + ("claim",), f"claim `{claim}` is not recorded in any loaded bank",
                      "add it under `claims:` with its verdict and summary, or fix the id")
            demo = q.get("demo")
            if demo and claim in no_demo:
                # Reported at the question: that is the file to change when a
                # user bank links a demo to a claim a built-in bank says none can back.
                nd_f, nd_path = no_demo[claim]
                issue(f, base + ("demo",),
                      f"claim `{claim}` gives a reason why no demo backs it ({nd_f.where(nd_path)}), "
                      f"yet this question names demo `{demo}`",
                      "a claim has a demo or a `no_demo` reason, not both: remove `no_demo` from the claim "
                      "if the demo backs it, or remove `demo:` here")
            if demo and demo not in known_demos and demo not in bank_dir_demos:
                from quizcli.bank.validate import closest

                close = closest(demo, sorted(known_demos | bank_dir_demos))
                issue(f, base + ("demo",), f"there is no demo `{demo}`",
                      (f"did you mean `{close}`? " if close else "")
                      + "see `quizcli demos list`, or remove the key")


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
    for f in files:
        _check_file(f)
    _cross_checks(files)
    for f in files:   # context files are never located: their problems are not shown
        if not f.source.report:
            f.issues = []
    _locate_issues(files)
    problems = [p for f in files if f.source.report for p in f.problems]
    return files, problems


def expand(roots: Iterable[Path], builtin: bool | None = None, report: bool = True) -> tuple[list[Source], list[Problem]]:
    """Sources for files and folders; a folder without banks is a problem."""
    from quizcli import paths

    content = paths.builtin_content_dir()
    sources, problems = [], []
    for root in roots:
        root = Path(root)
        files = bank_files(root)
        if root.is_dir() and not files:
            problems.append(Problem(str(root), None, None, "", "is a folder with no bank files (*.yaml, *.yml)",
                                    "point at a bank file, or put banks in the folder"))
        for p in files:
            is_builtin = builtin if builtin is not None else _is_under(p, content)
            sources.append(Source(p, is_builtin, report))
    return sources, problems


def _dedupe(sources: list[Source]) -> list[Source]:
    seen: dict[Path, int] = {}
    out: list[Source] = []
    for s in sources:
        try:
            k = s.path.resolve()
        except OSError:
            k = s.path
        if k in seen:
            # Reported beats context: a built-in file named on the command line is checked.
            if s.report:
                out[seen[k]].report = True
            continue
        seen[k] = len(out)
        out.append(s)
    return out


# --- the model ------------------------------------------------------------------------


_QUESTION_TYPES = {t.value: t for t in QuestionType}


def _text(t: tuple | list | None) -> Text | None:
    return None if t is None else Text(en=t[0], zh=t[1])


def build_bank(b: dict[str, Any], source: str, builtin: bool) -> Bank:
    """Model objects from a checked (or cached) bank.

    Frozen dataclasses are built here without their generated __init__, which
    sets each field through object.__setattr__: filling __dict__ directly is
    several times faster, and building the 80,000 objects of a 10,000-question
    library is most of the 0.3 s a warm load may take. Every field is set.
    """
    new = object.__new__
    qs = []
    for q in b["questions"]:
        texts = []
        for t in (q["prompt"], q["explanation"], q["answer_text"]):
            if t is None:
                texts.append(None)
            else:
                obj = new(Text)
                obj.__dict__.update(en=t[0], zh=t[1])
                texts.append(obj)
        choices = []
        for text, correct, why in q["choices"]:
            ct = new(Text)
            ct.__dict__.update(en=text[0], zh=text[1])
            choice = new(Choice)
            choice.__dict__.update(text=ct, correct=correct, why=_text(why))
            choices.append(choice)
        question = new(Question)
        question.__dict__.update(
            id=q["id"], type=_QUESTION_TYPES[q["type"]], prompt=texts[0], explanation=texts[1],
            bank_id=b["id"], tags=tuple(q["tags"]), difficulty=q["difficulty"], demo=q["demo"],
            refs=tuple(q["refs"]), claim=q["claim"], choices=tuple(choices), answer_bool=q["answer_bool"],
            answer_number=q["answer_number"], tolerance=q["tolerance"] or 0.0, unit=q["unit"],
            accept=tuple(q["accept"]), answer_text=texts[2], source=source, line=q.get("line"),
        )
        qs.append(question)
    claims = tuple(Claim(id=c["id"], verdict=Verdict(c["verdict"]), summary=_text(c["summary"]),
                         refs=tuple(c["refs"]), no_demo=_text(c.get("no_demo"))) for c in b["claims"])
    return Bank(id=b["id"], title=_text(b["title"]), description=_text(b["description"]),
                questions=tuple(qs), claims=claims, format_version=b["format_version"],
                source=source, builtin=builtin)


def build_library(files: list[_File]) -> Library:
    return Library(banks=tuple(build_bank(f.bank, f.name, f.source.builtin) for f in files if f.bank is not None))
