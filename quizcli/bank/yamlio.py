"""Reading bank YAML as plain data, safely and fast, with positions on demand.

Two parsers, one meaning:

- The fast path is `yaml_rs` (Rust, YAML 1.2, ~10x faster than PyYAML's C
  loader on a large corpus; see bench/bench_load.py). It only ever builds
  plain data and caps alias expansion. It knows no positions, and it crashes
  the process on absurdly deep nesting, so it is used only on text that passes
  a cheap screen (`_needs_slow_path`).
- The slow path walks PyYAML's event stream (libyaml when available) with an
  explicit stack: it records where every node starts, rejects tags, caps
  nesting depth and alias expansion, and reports duplicate keys. It parses
  files the fast path cannot take, locates the problems found in any file,
  and is the whole loader when yaml_rs is not installed.

Both resolve plain scalars with the YAML 1.2 core schema (`yes`, `no`, `on`
and dates stay strings; only true/false are booleans), so a bank means the
same thing whichever parser read it; tests/test_bank_yaml.py keeps them in
agreement.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

# Limits, documented in content/README.md.
MAX_FILE_BYTES = 16 * 1024 * 1024     # a real bank is well under 1 MiB
MAX_ALIAS_NODES = 100_000             # nodes that aliases may replay, per file ("billion laughs")
# What aliases may add to a file's size once expanded (characters of the
# scalars they replay, plus one per node), per file: a few aliased long
# strings can make a small file huge without many nodes. With the file size
# cap this bounds a bank's expanded size (MAX_EXPANDED_CHARS).
MAX_ALIAS_CHARS = 2 * 1024 * 1024
MAX_EXPANDED_CHARS = MAX_FILE_BYTES + MAX_ALIAS_CHARS
MAX_DEPTH = 64                        # nesting levels; a bank needs 6

Path_ = tuple  # a field path: ("questions", 3, "choices", 1)


class SyntaxProblem(NamedTuple):
    """A problem found while parsing, before any field is known."""

    line: int | None
    column: int | None
    message: str
    hint: str
    path: Path_ | None = None        # set for problems that belong to a field (duplicate key)


class Parsed:
    """What a parse gave: the data, the problems, and where nodes are when asked."""

    # Plain classes here and in quizcli.bank.library, not dataclasses: the
    # dataclasses module imports inspect, a tenth of a warm load's time.
    __slots__ = ("data", "problems", "positions", "key_positions")

    def __init__(self, data: Any = None, problems: list[SyntaxProblem] | None = None,
                 positions: dict[Path_, tuple[int, int]] | None = None,
                 key_positions: dict[Path_, tuple[int, int]] | None = None) -> None:
        self.data = data
        self.problems = [] if problems is None else problems
        # path -> (line, column) of the node, and of its key for mapping values.
        self.positions = positions
        self.key_positions = key_positions


# --- scalars: the YAML 1.2 core schema -------------------------------------------------

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
# Numbers as yaml_rs reads them: the core schema, plus `_` separators
# anywhere in a decimal number and 0b binary, as it does.
_PREFIXED = re.compile(r"[-+]?(?:0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = {".nan", ".NaN", ".NAN"}


def resolve_plain(value: str) -> Any:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _PREFIXED.fullmatch(value):
        text = value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        body = text.lstrip("+-")
        return sign * int(body[2:], {"0o": 8, "0x": 16, "0b": 2}[body[:2]])
    digits = value.replace("_", "")
    if _INT.fullmatch(digits):
        # Python refuses to convert more than 4,300 digits; such a "number"
        # becomes a float (inf), which the checks then reject by name.
        return int(digits) if len(digits) <= 4000 else float(digits)
    if _FLOAT.fullmatch(digits):
        return float(digits)
    if _INF.fullmatch(value):
        return -math.inf if value.startswith("-") else math.inf
    if value in _NAN:
        return math.nan
    return value


# --- the fast path --------------------------------------------------------------------

# A tag can only start after whitespace or a flow indicator. A line of 2,000
# characters or more could hide nesting deep enough to overflow yaml_rs's
# stack (nesting needs indentation or `- ` on one line, so depth is bounded by
# line length; flow nesting yaml_rs caps itself). Either sends a file to the
# slow path, which handles both; a false alarm only costs time. Each regex
# starts with its literal, which `re` scans for at C speed; what may come
# before it is checked in Python, at each hit only (a leading alternation
# made `re` try every position: 53 ms for a 3 MB bank).
_TAG = re.compile(r"!")
_TAG_BEFORE = "[{,:"
# An anchor (`&name`): aliases are counted by expanded size on the slow path
# only (yaml_rs counts nodes), so a file that defines one goes there.
_ANCHOR = re.compile(r"&[^\s\[\]{},]")
_ANCHOR_BEFORE = "[{,"
_LONG_LINE = re.compile(r"\n[^\n]{2000}")
_RS_LOCATION = re.compile(r"line (\d+), column (\d+)")


_fast_parser: bool | None = None


def fast_parser_available() -> bool:
    # find_spec, not import: a warm load (all from the cache) never parses,
    # and importing yaml_rs would cost it 30 ms. Once per process: every
    # bank's cache key asks.
    global _fast_parser
    if _fast_parser is None:
        from importlib.util import find_spec

        _fast_parser = find_spec("yaml_rs") is not None
    return _fast_parser


def parser_name() -> str:
    return "yaml_rs" if fast_parser_available() else "pyyaml"


def _starts_a_token(text: str, pattern: re.Pattern, before: str) -> bool:
    """Whether `pattern` matches at the start of the text or after whitespace or one of `before`."""
    for m in pattern.finditer(text):
        i = m.start()
        if i == 0 or text[i - 1].isspace() or text[i - 1] in before:
            return True
    return False


def _needs_slow_path(text: str) -> bool:
    if "!" in text and _starts_a_token(text, _TAG, _TAG_BEFORE):
        return True
    if "&" in text and _starts_a_token(text, _ANCHOR, _ANCHOR_BEFORE):
        return True
    return _LONG_LINE.search("\n" + text[:2001]) is not None or _LONG_LINE.search(text) is not None


def parse(text: str) -> Parsed:
    """Parse one bank file's text into plain data; never raises for bad input.

    Positions are not recorded here (the fast path has none); call
    `parse_with_positions` for a file that has problems to locate.
    """
    if not fast_parser_available() or _needs_slow_path(text):
        return parse_with_positions(text)
    import yaml_rs

    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=MAX_ALIAS_NODES),
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except Exception as err:  # yaml_rs raises YAMLDecodeError; anything else is as bad
        message = str(err)
        where = _RS_LOCATION.search(message)
        if where:
            last = message.strip().splitlines()[-1].strip()
            return Parsed(problems=[SyntaxProblem(
                int(where.group(1)), int(where.group(2)), f"YAML syntax error: {last}",
                "fix the YAML at that spot: check indentation, quotes and brackets")])
        # Duplicate keys, alias limits and the like: the slow path says where.
        slow = parse_with_positions(text)
        if slow.problems:
            return slow
        return Parsed(problems=[SyntaxProblem(None, None, f"cannot parse the YAML: {message}",
                                              "fix the YAML syntax")])
    if not isinstance(data, dict):
        # A list can also mean several documents; the slow path tells them apart.
        return parse_with_positions(text)
    return Parsed(data=data)


# --- the slow path --------------------------------------------------------------------

_SYNTAX_HINT = "fix the YAML at that spot: check indentation, quotes and brackets"


class _Stop(Exception):
    """Parsing cannot usefully go on (the problem is already recorded)."""


class _Frame:
    __slots__ = ("container", "path", "key", "has_key", "key_mark", "nodes", "size", "anchor", "is_key")

    def __init__(self, container: Any, path: Path_ | None, anchor: str | None = None, is_key: bool = False) -> None:
        self.container = container      # list or dict
        self.path = path                # None inside a complex key (not addressable)
        self.key: Any = None
        self.has_key = False
        self.key_mark: tuple[int, int] | None = None
        self.nodes = 1                  # nodes in this subtree, for alias accounting
        self.size = 1                   # its expanded size: nodes + characters of its scalars
        self.anchor = anchor
        self.is_key = is_key            # this collection is itself a mapping key


def parse_with_positions(text: str) -> Parsed:
    """Parse with PyYAML's event stream, recording where each node starts."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = Parsed(positions={}, key_positions={})
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int, int]] = {}
    budget = [MAX_ALIAS_NODES, MAX_ALIAS_CHARS]
    documents = 0
    root: list[Any] = []

    def mark(ev: Any) -> tuple[int, int]:
        return ev.start_mark.line + 1, ev.start_mark.column + 1

    def fail(ev: Any, message: str, hint: str) -> None:
        line, col = mark(ev)
        out.problems.append(SyntaxProblem(line, col, message, hint))
        raise _Stop

    def check_tag(ev: Any) -> None:
        tag = getattr(ev, "tag", None)
        if tag is not None and tag != "!":
            fail(ev, f"YAML tag `{tag}` is not allowed: a bank is plain data",
                 "remove the tag (quote the value if you meant a string)")

    def child_path(ev: Any) -> Path_ | None:
        if not stack:
            return ()
        top = stack[-1]
        if top.path is None or top.is_key:
            return None
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        if not top.has_key:
            return None   # this node is a key
        if isinstance(top.key, (dict, list)):
            return None
        return top.path + (top.key,)

    def add(value: Any, nodes: int, ev: Any, size: int = 1) -> None:
        """Attach a finished node to its parent (or make it the document)."""
        if not stack:
            root.append(value)
            return
        top = stack[-1]
        top.nodes += nodes
        top.size += size
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if not top.has_key:
            top.key, top.has_key, top.key_mark = value, True, mark(ev)
            return
        key = top.key
        top.has_key = False
        if isinstance(key, (dict, list)):
            line, col = top.key_mark
            out.problems.append(SyntaxProblem(line, col, "a mapping key must be a plain value, not a list or mapping",
                                              "write the key as text", path=top.path))
            return
        if key in top.container:
            line, col = top.key_mark
            first = out.key_positions.get(top.path + (key,)) if top.path is not None else None
            at = f" (first at line {first[0]})" if first else ""
            out.problems.append(SyntaxProblem(
                line, col, f"duplicate key `{key if isinstance(key, str) else type(key).__name__}`{at}",
                "remove one of them: YAML would silently keep only one", path=top.path))
            return
        top.container[key] = value
        if top.path is not None and top.key_mark is not None:
            out.key_positions[top.path + (key,)] = top.key_mark

    try:
        events = yaml.parse(text, Loader=loader)
        for ev in events:
            kind = type(ev).__name__
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    fail(ev, "more than one YAML document in the file (a second `---`)",
                         "keep one bank per file: remove the `---` line and what follows, or split the file")
            elif kind == "ScalarEvent":
                check_tag(ev)
                plain = not ev.style and ev.implicit[0]  # libyaml says "" for plain, PyYAML None
                value = resolve_plain(ev.value) if plain else ev.value
                path = child_path(ev)
                if path is not None:
                    out.positions[path] = mark(ev)
                size = 1 + len(ev.value)
                if ev.anchor is not None:
                    anchors[ev.anchor] = (value, 1, size)
                add(value, 1, ev, size)
            elif kind in ("SequenceStartEvent", "MappingStartEvent"):
                check_tag(ev)
                if len(stack) >= MAX_DEPTH:
                    fail(ev, f"nested more than {MAX_DEPTH} levels deep",
                         "a bank needs only a few levels; check the indentation")
                path = child_path(ev)
                is_key = bool(stack) and isinstance(stack[-1].container, dict) and not stack[-1].has_key
                if path is not None:
                    out.positions[path] = mark(ev)
                container: Any = [] if kind == "SequenceStartEvent" else {}
                stack.append(_Frame(container, path, anchor=ev.anchor, is_key=is_key))
            elif kind in ("SequenceEndEvent", "MappingEndEvent"):
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.nodes, frame.size)
                add(frame.container, frame.nodes, ev, frame.size)
            elif kind == "AliasEvent":
                if ev.anchor not in anchors:
                    fail(ev, f"alias `*{ev.anchor}` refers to no anchor defined before it",
                         f"define `&{ev.anchor}` earlier in the file, or write the value out")
                value, nodes, size = anchors[ev.anchor]
                budget[0] -= nodes
                budget[1] -= size
                if budget[0] < 0:
                    fail(ev, f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?)",
                         "write the values out instead of nesting aliases")
                if budget[1] < 0:
                    fail(ev, f"aliases expand the file by more than {MAX_ALIAS_CHARS:,} characters "
                             f"(an alias bomb?): a bank may be at most {MAX_EXPANDED_CHARS:,} characters "
                             "once its aliases are expanded",
                         "write the values out instead of repeating long ones through aliases")
                path = child_path(ev)
                if path is not None:
                    out.positions[path] = mark(ev)
                add(value, nodes, ev, size)
    except _Stop:
        return out
    except yaml.MarkedYAMLError as err:
        where = err.problem_mark or err.context_mark
        line, col = (where.line + 1, where.column + 1) if where else (None, None)
        what = " ".join(p for p in (err.context, err.problem) if p)
        out.problems.append(SyntaxProblem(line, col, f"YAML syntax error: {what}", _SYNTAX_HINT))
        return out
    except yaml.YAMLError as err:  # reader errors (control characters) carry a position too
        line = getattr(err, "line", None)
        col = getattr(err, "column", None)
        out.problems.append(SyntaxProblem(
            None if line is None else line + 1, None if col is None else col + 1,
            f"not valid YAML text: {err}", "remove control characters; save the file as UTF-8 text"))
        return out
    except RecursionError:  # pure-Python PyYAML only; libyaml is not recursive here
        out.problems.append(SyntaxProblem(None, None, "nested too deeply", "check the indentation"))
        return out
    out.data = root[0] if root else None
    return out


def load_data_file(path: Any, parse_data: Any, hint: str) -> Any:
    """A content data file that is not a bank (the article, the tag vocabulary):
    `parse_data(data)` of its YAML, or None when the file is not there. A file
    that cannot be read, is not plain YAML or fails `parse_data` (ValueError)
    is an error with exit status 3 naming the file (and line) and `hint`."""
    from quizcli.errors import ExitCode, QuizcliError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise QuizcliError(f"cannot read {path}: {err}", exit_code=ExitCode.BAD_INPUT) from None
    parsed = parse(text)
    if parsed.problems:
        p = parsed.problems[0]
        raise QuizcliError(f"{path}:{p.line}:{p.column}: {p.message}", hint=hint, exit_code=ExitCode.BAD_INPUT)
    try:
        return parse_data(parsed.data)
    except ValueError as err:
        raise QuizcliError(f"{path}: {err}", hint=hint, exit_code=ExitCode.BAD_INPUT) from None
