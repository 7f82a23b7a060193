"""Finding demos by id, without importing torch or the demo files.

A demo is `demos/<id>.py` (files starting with `_` are helpers, not demos).
Its `META` literal is read with `ast`, never by importing the file, so
listing demos and validating banks stays cheap and runs no demo code.

Where demos are found is quizcli.demo.folders (re-exported here). A user's
demos are code, so they run only once their bank is trusted
     (`quizcli bank trust PATH`); until then they are listed, and running one
     says why it did not run.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizcli.demo.folders import (  # noqa: F401  (re-exported: the registry's public names)
    DemoDir, demo_dirs, demo_folders, demo_ids, use_banks, _files)
from quizcli.errors import ExitCode, Problem, QuizcliError
from quizcli.model import Verdict

LANG_KEYS = ("en", "zh")
# The verdicts a demo may state: those of the banks (quizcli.demo.api, whose
# classes cost start-up time, is not imported for this).
VERDICTS = tuple(v.value for v in Verdict)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# key -> (required, what it must be). Unknown keys are errors: a typo such
# as "verdit" must not silently drop a field.
META_FIELDS: dict[str, tuple[bool, str]] = {
    "id": (True, "the file name without .py, lower_snake_case"),
    "title": (True, 'a dict {"en": ..., "zh": ...} of non-empty strings'),
    "claim": (True, 'a dict {"en": ..., "zh": ...} of non-empty strings'),
    "claims": (True, "a non-empty list of claim ids from shared/claims.md"),
    "verdict": (True, 'one of "true", "nuanced", "false"'),
    "treatment": (True, 'a dict {"en": ..., "zh": ...}: what --no-treatment switches off'),
    "long": (True, "True or False (True: `demos verify` skips it unless --all)"),
    # Optional additions.
    "timeout": (False, "seconds before the engine stops the demo (a number > 0)"),
    "refs": (False, "a list of strings: the papers the demo follows"),
}


class DemoMetaError(QuizcliError):
    """One or more demo files have an invalid META (or no run function)."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        lines = "\n".join("  " + str(p) for p in self.problems)
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} in demo files:\n{lines}",
            hint="fix them as demos/README.md describes",
        )


class UntrustedDemoError(QuizcliError):
    """A demo that comes with a user bank that the user has not trusted."""

    exit_code = ExitCode.FAILURE


@dataclass(frozen=True)
class DemoInfo:
    """A demo's registration, as read from its META literal."""

    id: str
    path: Path
    title: dict[str, str]
    claim: dict[str, str]
    claims: tuple[str, ...]
    verdict: str
    treatment: dict[str, str]
    long: bool = False
    timeout: float | None = None
    refs: tuple[str, ...] = ()
    builtin: bool = True
    trusted: bool = True
    # Why it may not run (untrusted user demo); "" when it may.
    blocked: str = field(default="", compare=False)

    def text(self, key: str, lang: str) -> str:
        """A bilingual META field in `lang`, else the other language."""
        value: dict[str, str] = getattr(self, key)
        other = "zh" if lang == "en" else "en"
        return value.get(lang) or value.get(other) or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": str(self.path), "title": self.title, "claim": self.claim,
            "claims": list(self.claims), "verdict": self.verdict, "treatment": self.treatment,
            "long": self.long, "timeout": self.timeout, "refs": list(self.refs),
            "builtin": self.builtin, "trusted": self.trusted,
        }


def demo_paths() -> dict[str, tuple[Path, DemoDir]]:
    """id -> (file, folder); the first folder that has an id wins."""
    found: dict[str, tuple[Path, DemoDir]] = {}
    for folder in demo_folders():
        for p in _files(folder.path):
            found.setdefault(p.stem, (p, folder))
    return found


# --- reading and validating META -------------------------------------------------


def _meta_node(tree: ast.Module) -> ast.Assign | ast.AnnAssign | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "META" for t in node.targets):
            return node
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "META":
            return node
    return None


def _has_run(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.FunctionDef) and n.name == "run" for n in tree.body)


def _bilingual(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a dict with the keys en and zh"
    missing = [k for k in LANG_KEYS if not (isinstance(value.get(k), str) and value[k].strip())]
    extra = sorted(str(k) for k in value if k not in LANG_KEYS)
    if missing:
        return f"needs a non-empty string for {', '.join(missing)}"
    if extra:
        return f"has unknown language keys {', '.join(extra)} (use en and zh)"
    return None


def validate_meta(meta: Any, path: Path, lines: dict[str, int] | None = None, line: int | None = None) -> list[Problem]:
    """Every problem with a META dict; `lines` maps keys to their line numbers."""
    lines = lines or {}
    file = str(path)

    def problem(key: str, message: str, hint: str = "") -> Problem:
        return Problem(file, lines.get(key, line), None, f"META.{key}" if key else "META", message, hint)

    if not isinstance(meta, dict):
        return [problem("", "must be a dict literal", 'write META = {"id": ..., ...}')]
    problems: list[Problem] = []
    for key in meta:
        if key not in META_FIELDS:
            known = ", ".join(META_FIELDS)
            problems.append(problem(str(key), "unknown key", f"known keys: {known}"))
    for key, (required, what) in META_FIELDS.items():
        if key not in meta:
            if required:
                problems.append(problem(key, "is missing", f"add it: {what}"))
            continue
        value = meta[key]
        error: str | None = None
        hint = f"it must be {what}"
        if key == "id":
            if not isinstance(value, str) or not _ID.match(value):
                error = "must be a lower_snake_case string"
            elif value != path.stem:
                error = f"is {value!r} but the file is {path.name}"
                hint = f"make them equal: rename the file to {value}.py or set id to {path.stem!r}"
        elif key in ("title", "claim", "treatment"):
            error = _bilingual(value)
        elif key == "claims":
            if not isinstance(value, list) or not value:
                error = "must be a non-empty list"
            else:
                bad = [c for c in value if not (isinstance(c, str) and _ID.match(c))]
                if bad:
                    error = f"has invalid claim ids {bad!r}"
                elif len(set(value)) != len(value):
                    error = "lists a claim twice"
        elif key == "verdict":
            if value not in VERDICTS:
                error = f"is {value!r}"
        elif key == "long":
            if not isinstance(value, bool):
                error = f"is {value!r}, not True or False"
        elif key == "timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                error = f"is {value!r}"
        elif key == "refs":
            if not isinstance(value, list) or not all(isinstance(r, str) and r.strip() for r in value):
                error = "must be a list of non-empty strings"
        if error:
            problems.append(problem(key, error, hint))
    return problems


def read_meta(path: Path) -> dict[str, Any]:
    """The META literal of a demo file, validated; raises DemoMetaError."""
    meta, problems = _read(path)
    if problems:
        raise DemoMetaError(problems)
    return meta


def _read(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    file = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return {}, [Problem(file, None, None, "", f"cannot read: {err}")]
    try:
        tree = ast.parse(source, filename=file)
    except SyntaxError as err:
        return {}, [Problem(file, err.lineno, err.offset, "", f"syntax error: {err.msg}")]
    problems: list[Problem] = []
    if not _has_run(tree):
        problems.append(Problem(file, None, None, "run", "is missing",
                                "define a module-level `def run(ctx: DemoContext) -> DemoResult`"))
    node = _meta_node(tree)
    if node is None or node.value is None:
        problems.insert(0, Problem(file, None, None, "META", "is missing",
                                   "add a module-level META = {...} literal (see demos/README.md)"))
        return {}, problems
    try:
        meta = ast.literal_eval(node.value)
    except (ValueError, SyntaxError, TypeError) as err:
        bad = _first_non_literal(node.value)
        where = bad.lineno if bad is not None else node.lineno
        problems.insert(0, Problem(file, where, None, "META", f"is not a plain literal ({err})",
                                   "META is read without running the file: use only strings, numbers, "
                                   "True/False/None, lists and dicts, no names or calls"))
        return {}, problems
    lines: dict[str, int] = {}
    if isinstance(node.value, ast.Dict):
        for k, v in zip(node.value.keys, node.value.values):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                lines[k.value] = v.lineno
    return meta, validate_meta(meta, path, lines, node.lineno) + problems


def _first_non_literal(node: ast.AST) -> ast.AST | None:
    for child in ast.walk(node):
        if isinstance(child, (ast.Name, ast.Call, ast.Attribute, ast.BinOp, ast.JoinedStr, ast.Subscript)):
            return child
    return None


def _info(meta: dict[str, Any], path: Path, folder: DemoDir) -> DemoInfo:
    blocked = ""
    if not folder.trusted:
        blocked = (f"demo {meta['id']!r} comes with the bank {folder.bank}, {_untrusted_why(folder)}; "
                   "a demo is code that runs on your machine")
    timeout = meta.get("timeout")
    return DemoInfo(
        id=meta["id"], path=path, title=dict(meta["title"]), claim=dict(meta["claim"]),
        claims=tuple(meta["claims"]), verdict=meta["verdict"], treatment=dict(meta["treatment"]),
        long=meta["long"], timeout=float(timeout) if timeout is not None else None,
        refs=tuple(meta.get("refs", ())), builtin=folder.builtin, trusted=folder.trusted, blocked=blocked,
    )


def _untrusted_why(folder: DemoDir) -> str:
    """Why a user bank's demos may not run: never trusted, or changed since."""
    try:
        from quizcli.demo.trust import status

        if status(folder.path).changed:
            return "whose demo files changed since you trusted them"
    except Exception:   # an unreadable folder or trust file: the plain reason
        pass
    return "which you have not trusted"


def trust_hint(info: DemoInfo) -> str:
    """What to do about an untrusted demo."""
    folder = next((d for d in demo_folders() if d.path == info.path.parent), None)
    target = folder.bank if folder is not None and folder.bank is not None else info.path.parent
    if folder is not None and _untrusted_why(folder).startswith("whose"):
        return f"review the changes, then run `quizcli bank trust {target}` again"
    return f"if you trust its author, run `quizcli bank trust {target}`"


def load_demo(demo_id: str) -> DemoInfo:
    """The demo with this id; NotFoundError or DemoMetaError otherwise."""
    from quizcli.errors import NotFoundError

    entry = demo_paths().get(demo_id)
    if entry is None:
        known = sorted(demo_ids())
        close = [k for k in known if demo_id in k or k in demo_id][:5]
        hint = f"did you mean {', '.join(close)}?" if close else "see `quizcli demos list`"
        raise NotFoundError(f"no demo with the id {demo_id!r}", hint=hint)
    path, folder = entry
    meta, problems = _read(path)
    if problems:
        raise DemoMetaError(problems)
    return _info(meta, path, folder)


def list_demos(*, strict: bool = True) -> tuple[list[DemoInfo], list[Problem]]:
    """Every demo (sorted by id) and every problem found.

    With strict=True any problem raises DemoMetaError listing all of them.
    """
    infos: list[DemoInfo] = []
    problems: list[Problem] = []
    for demo_id, (path, folder) in sorted(demo_paths().items()):
        meta, found = _read(path)
        if found:
            problems += found
        else:
            infos.append(_info(meta, path, folder))
    if strict and problems:
        raise DemoMetaError(problems)
    return infos, problems


def check_file(path: Path) -> list[Problem]:
    """Every problem with one demo file (for authors and tests)."""
    return _read(Path(path))[1]


def info_for_file(path: Path) -> DemoInfo:
    """A DemoInfo for a demo file anywhere (tests, authors trying a draft)."""
    path = Path(path)
    meta = read_meta(path)
    return _info(meta, path, DemoDir(path.parent, builtin=False, trusted=True))


# --- measured durations (for `demos verify`: the longest start first) -------------


def durations() -> dict[str, float]:
    """Demo id -> seconds one run took, as measured (demos/timings.json, written by bench/demo_timings.py).

    Only the order matters (the longest demos start first), so a missing or
    malformed file is no error: the demos then start in the listed order,
    long demos first.
    """
    from quizcli.demo import timings

    return {demo_id: m.seconds for demo_id, m in timings._table().items()}
