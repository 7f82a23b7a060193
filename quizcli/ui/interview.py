"""The mock interview in the terminal (#17): ask, read, mark, confirm, debrief, report.

The session (quizcli.sessions.interview) decides and records; this module
renders and reads. Line-based input, so it runs the same in a terminal and
in a pipe:

- An answer is one or more lines; an empty line (or Ctrl-D) ends it. As the
  first line, `e` opens $VISUAL/$EDITOR on a temporary file, `s` skips the
  question, `q` quits, `?` shows help; `\\e`, `\\s`, `\\q` answer those letters.
- Then the key points, with the matcher's marks. Enter accepts them; digits
  toggle points (`2` or `13`), `y` marks every point covered, `n` none.
- In a pipe (stdin not a terminal) nothing waits for a key that a script
  would not type: after an answer's empty line, a line that starts with `!`
  is read as the confirmation keys (`!` accepts, `!13` toggles points 1
  and 3, `!y` all, `!n` none); without one the matcher's marks are accepted.
- The model answer and the explanation come after the follow-ups of a
  question (a debrief of the whole chain); in a terminal, `d` runs the
  demo behind an answer there.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.model import Question
from quizcli.sessions.interview import Asked, Confirmed, InterviewSession, Marked
from quizcli.ui.keys import HELP_WORDS, QUIT_WORDS, SKIP_WORDS, Reader, kicking, run_demo
from quizcli.ui.text import bitext, plain

# Every string of this screen, in both languages (bank text comes from banks).
STRINGS = {
    "en": {
        "question": "Question {n}", "follow": "follow-up of {parent}", "of_plan": "{main} planned",
        "elapsed": "{elapsed} of {budget}",
        "answer_keys": "type your answer; an empty line or Ctrl-D ends it · e editor · s skip · q quit · ? help",
        "answered": "answered in {time}", "skipped": "skipped", "empty": "no answer typed: type one, or s to skip",
        "points": "Key points (✓ = your answer says it)",
        "confirm_keys": "Enter accept · 1-{n} toggle a point (several: 13) · y all · n none",
        "said": "you said: ", "blocked": "said the wrong way: ",
        "result": "{covered}/{total} key points · rated {rating} for review",
        "model": "Model answer", "missed": "Missed", "explanation": "Explanation",
        "demo": "Demo: {demo} measures this claim in a small PyTorch run.",
        "demo_keys": "d run the demo · Enter go on · q quit", "next_follow": "Follow-up:",
        "editor_failed": "the editor failed ({why}); type the answer here instead",
        "time_up": "Time is up ({budget}).", "bad_key": "unknown key {key!r}: {keys}",
        "report": "Interview report", "question_col": "question", "points_col": "points", "time_col": "time",
        "missed_col": "missed", "topic_col": "topic", "share_col": "covered", "weakest": "Weakest points",
        "total": "Total: {covered}/{total} key points ({pct}) in {time}",
        "nothing": "No question was answered.", "saved": "Report written to {path}",
        "study": "study:",
        "help": ("Type your answer over several lines; an empty line or Ctrl-D ends it.\n"
                 "e as the first line opens your editor ($VISUAL, $EDITOR) for a long answer.\n"
                 "s skips the question, q ends the interview with the report (Ctrl-C too).\n"
                 "After the answer: Enter accepts the marks, digits toggle points, y all, n none."),
    },
    "zh": {
        "question": "第 {n} 题", "follow": "追问自 {parent}", "of_plan": "计划 {main} 道主问题",
        "elapsed": "已用 {elapsed} / {budget}",
        "answer_keys": "输入回答；空行或 Ctrl-D 结束 · e 编辑器 · s 跳过 · q 退出 · ? 帮助",
        "answered": "用时 {time}", "skipped": "已跳过", "empty": "没有输入回答：请输入，或按 s 跳过",
        "points": "要点（✓ = 你的回答提到了）",
        "confirm_keys": "回车 确认 · 1-{n} 切换某一要点（多个：13）· y 全部 · n 全不",
        "said": "你说：", "blocked": "说法有误：",
        "result": "{covered}/{total} 个要点 · 复习评分 {rating}",
        "model": "参考答案", "missed": "遗漏", "explanation": "解析",
        "demo": "演示：{demo} 用一个小型 PyTorch 实验验证这一点。",
        "demo_keys": "d 运行演示 · 回车 继续 · q 退出", "next_follow": "追问：",
        "editor_failed": "编辑器失败（{why}）；请直接在这里输入回答",
        "time_up": "时间到（{budget}）。", "bad_key": "无效按键 {key!r}：{keys}",
        "report": "面试报告", "question_col": "问题", "points_col": "要点", "time_col": "用时",
        "missed_col": "遗漏", "topic_col": "主题", "share_col": "覆盖", "weakest": "最薄弱的要点",
        "total": "合计：{covered}/{total} 个要点（{pct}），用时 {time}",
        "nothing": "没有回答任何问题。", "saved": "报告已写入 {path}",
        "study": "复习：",
        "help": ("回答可以写多行；空行或 Ctrl-D 结束。\n"
                 "第一行输入 e 会打开编辑器（$VISUAL、$EDITOR）写长回答。\n"
                 "s 跳过本题，q 结束面试并显示报告（Ctrl-C 也可以）。\n"
                 "回答之后：回车确认标记，数字切换要点，y 全部，n 全不。"),
    },
}
RATING_NAMES = {"en": {1: "again", 2: "hard", 3: "good"}, "zh": {1: "重来", 2: "困难", 3: "良好"}}

_QUIT, _SKIP, _HELP = QUIT_WORDS, SKIP_WORDS, HELP_WORDS     # the quiz's and the review's words
_EDIT = {"e", "edit", ":e", "编辑"}


class _Quit(Exception):
    """The candidate asked to stop."""


def t(lang: str, name: str, **kw: object) -> str:
    """The interface string `name` in `lang`, filled in."""
    table = STRINGS.get(lang, STRINGS["en"])
    return table[name].format(**kw) if kw else table[name]


def clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def _fold(raw: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", raw).strip().lower()


# --------------------------------------------------------------------------
# Rendering


def render_question(console: Console, asked: Asked, session: InterviewSession, lang: str) -> None:
    q = asked.question
    title = Text(t(lang, "question", n=asked.number) + " · ") + plain(q.bank_id)
    if asked.follow_up_of:
        title += Text(" · ") + plain(t(lang, "follow", parent=asked.follow_up_of))
    title += Text(" · " + t(lang, "elapsed", elapsed=clock(session.elapsed), budget=clock(session.minutes * 60)))
    console.print()
    console.print(Panel(bitext(q.prompt, lang, "bold"), title=title, title_align="left",
                        border_style="cyan" if asked.follow_up_of else "blue", expand=True))
    console.print(Text("  " + t(lang, "answer_keys"), style="dim"))


def point_table(marked: Marked, marks: set[str], lang: str) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    by_id = {m.id: m for m in marked.matches}
    for i, p in enumerate(marked.asked.question.key_points, 1):
        on = p.id in marks
        mark = Text(f"{i}) ", style="bold") + (Text("[✓]", style="green") if on else Text("[ ]", style="dim"))
        text = bitext(p.text, lang, "" if on else "dim")
        m = by_id.get(p.id)
        if m is not None and m.covered and m.evidence:
            text += Text("\n") + Text(t(lang, "said"), style="dim italic") + plain(_short(m.evidence), "dim italic")
        elif m is not None and m.blocked:
            text += Text("\n") + Text(t(lang, "blocked"), style="yellow italic") + plain(_short(m.blocked), "yellow italic")
        grid.add_row(mark, text)
    return grid


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_marks(console: Console, marked: Marked, marks: set[str], lang: str) -> None:
    n = len(marked.asked.question.key_points)
    body = Group(Text(t(lang, "points"), style="bold"), point_table(marked, marks, lang))
    console.print(Text("  " + t(lang, "answered", time=clock(marked.seconds)), style="dim"))
    console.print(Panel(body, border_style="magenta", expand=True))
    console.print(Text("  " + t(lang, "confirm_keys", n=n), style="dim"))


def render_result(console: Console, result: Confirmed, lang: str) -> None:
    rating = RATING_NAMES.get(lang, RATING_NAMES["en"])[result.rating]
    style = {1: "red", 2: "yellow", 3: "green"}[result.rating]
    console.print(Text("  " + t(lang, "result", covered=len(result.covered), total=len(result.point_ids),
                                rating=rating), style=f"bold {style}"))


def render_debrief(console: Console, result: Confirmed, lang: str) -> None:
    """The model answer, what was missed and the explanation of one answered question."""
    q = result.asked.question
    body: list = [plain(q.id, "bold"), Text(""), Text(t(lang, "model"), style="bold"), bitext(q.answer_text, lang)]
    missed = [p for p in q.key_points if p.id not in result.covered]
    if missed:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for p in missed:
            grid.add_row(Text("  ✗", style="red"), bitext(p.text, lang))
        body += [Text(""), Text(t(lang, "missed"), style="bold red"), grid]
    body += [Text(""), Text(t(lang, "explanation"), style="bold"), bitext(q.explanation, lang)]
    if q.refs:
        body += [plain("; ".join(q.refs), "dim")]
    console.print(Panel(Group(*body), border_style="green" if not missed else "yellow", expand=True))


# --------------------------------------------------------------------------
# Reading


class _Lines:
    """Line input with a look at the next line (the pipe's optional `!` line).

    In a pipe nothing echoes what was read: each line is printed when it is
    taken, so that the transcript reads like a terminal session.
    """

    def __init__(self, read: Reader, interactive: bool, echo: Console | None = None) -> None:
        self._read, self.interactive, self._echo = read, interactive, echo
        self._next: str | None = None

    def __call__(self, prompt: str) -> str:
        if self._next is not None:
            line, self._next = self._next, None
        else:
            line = self._read(prompt)
        if self._echo is not None:
            self._echo.print(plain(prompt + line), soft_wrap=True)
        return line

    def peek(self) -> str:
        """The next line, left to be read (EOFError at the end)."""
        if self._next is None:
            self._next = self._read("")
        return self._next


def _editor_answer(console: Console, q: Question, lang: str) -> str | None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    header = "".join(f"# {line}\n" for line in q.prompt.get(lang).splitlines())
    header += "# Lines starting with # are ignored. Save and close the editor to submit.\n"
    fd, path = tempfile.mkstemp(prefix="quizcli-answer-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(header + "\n")
        try:
            rc = subprocess.run([*shlex.split(editor), path]).returncode
        except (OSError, ValueError) as err:
            console.print(Text("  " + t(lang, "editor_failed", why=str(err)), style="yellow"))
            return None
        if rc != 0:
            console.print(Text("  " + t(lang, "editor_failed", why=f"exit status {rc}"), style="yellow"))
            return None
        with open(path, encoding="utf-8", errors="replace") as f:
            return "\n".join(line for line in f.read().splitlines() if not line.startswith("#")).strip()
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def read_answer(console: Console, read: _Lines, q: Question, lang: str) -> str | None:
    """The typed answer; None to skip. Raises _Quit, EOFError (nothing typed) or KeyboardInterrupt."""
    lines: list[str] = []
    while True:
        try:
            line = read("> " if not lines else "  ")
        except EOFError:
            if lines:
                break
            raise
        if not lines:
            cmd = _fold(line)
            if line.strip().startswith("\\") and cmd[1:] in (_QUIT | _SKIP | _EDIT | _HELP):
                line = line.strip()[1:]
            elif cmd in _QUIT:
                raise _Quit
            elif cmd in _SKIP:
                return None
            elif cmd in _HELP:
                console.print(Text(t(lang, "help"), style="dim"))
                continue
            elif cmd in _EDIT:
                text = _editor_answer(console, q, lang)
                if text:
                    console.print(plain(text, "dim"))
                    return text
                continue
            elif not line.strip():
                console.print(Text("  " + t(lang, "empty"), style="yellow"))
                continue
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines)


_ALL_OR_NONE = {"y", "yes", "a", "all", "是", "n", "no", "none", "否"}


def apply_keys(keys: str, marks: set[str], ids: tuple[str, ...]) -> set[str] | None:
    """Confirmation keys -> the new marks; None if a key is not understood."""
    keys = _fold(keys)
    if keys in ("y", "yes", "a", "all", "是"):
        return set(ids)
    if keys in ("n", "no", "none", "否"):
        return set()
    out = set(marks)
    for ch in keys.replace(",", "").replace(" ", ""):
        if not ch.isdigit() or not 1 <= int(ch) <= len(ids):
            return None
        out ^= {ids[int(ch) - 1]}
    return out


def confirm_marks(console: Console, read: _Lines, marked: Marked, lang: str) -> set[str]:
    ids = tuple(p.id for p in marked.asked.question.key_points)
    marks = set(marked.auto)
    render_marks(console, marked, marks, lang)
    if not read.interactive:
        try:
            if not read.peek().startswith("!"):
                return marks
        except EOFError:
            return marks
        new = apply_keys(read("")[1:], marks, ids)
        return marks if new is None else new
    while True:
        raw = read("? ")
        if not raw.strip():
            return marks
        if _fold(raw) in _QUIT:
            raise _Quit
        new = apply_keys(raw, marks, ids)
        if new is None:
            console.print(Text("  " + t(lang, "bad_key", key=raw.strip(), keys=t(lang, "confirm_keys", n=len(ids))),
                               style="yellow"))
            continue
        marks = new
        if _fold(raw) in _ALL_OR_NONE:
            return marks
        console.print(point_table(marked, marks, lang))    # toggled: show, then Enter accepts


# --------------------------------------------------------------------------
# The loop


def _debrief(console: Console, done: list[Confirmed], read: _Lines, lang: str, demo_seed: int) -> None:
    """Each answered question of the chain, in order; taken off the list as shown (q stops here)."""
    while done:
        result = done.pop(0)
        render_debrief(console, result, lang)
        demo = result.asked.question.demo
        if demo and read.interactive:
            console.print(Text("  " + t(lang, "demo", demo=demo), style="dim"))
            console.print(Text("  " + t(lang, "demo_keys"), style="dim"))
            cmd = _fold(read("> "))
            if cmd in _QUIT:
                raise _Quit
            if cmd == "d":
                run_demo(console, demo, lang, demo_seed)


def _pipe_read(prompt: str) -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n").rstrip("\r")


def run(session: InterviewSession, console: Console, *, lang: str, demo_seed: int = 0,
        read: Reader | None = None, interactive: bool | None = None) -> None:
    """Run the interview to its end (plan done, time up, q, Ctrl-C or Ctrl-D).

    `read` and `interactive` are for tests; by default a terminal is read
    with input() (and readline), a pipe line by line, echoed.
    """
    if read is None:
        if sys.stdin.isatty():
            try:
                import readline  # noqa: F401  (line editing for input(), incl. CJK input methods)
            except ImportError:
                pass
            lines = _Lines(kicking(input), True)
        else:
            lines = _Lines(kicking(_pipe_read), False, echo=console)
    else:
        lines = _Lines(read, bool(interactive), echo=None if interactive else console)
    chain: list[Confirmed] = []     # answered, debrief after the follow-ups
    try:
        while not session.finished:
            if chain and not session.next_is_follow_up:
                _debrief(console, chain, lines, lang, demo_seed)    # before the next clock starts
            asked = session.show()
            render_question(console, asked, session, lang)
            text = read_answer(console, lines, asked.question, lang)
            if text is None:
                session.skip()
                console.print(Text("  " + t(lang, "skipped"), style="yellow"))
                continue
            marked = session.submit(text)
            covered = confirm_marks(console, lines, marked, lang)
            result = session.confirm(covered)
            render_result(console, result, lang)
            chain.append(result)
            if result.next_id:
                console.print(Text("  " + t(lang, "next_follow") + " ", style="cyan") + plain(result.next_id))
        if session.over_time:
            console.print(Text(t(lang, "time_up", budget=clock(session.minutes * 60)), style="bold yellow"))
        if chain:
            _debrief(console, chain, lines, lang, demo_seed)
    except _Quit:
        session.end("quit")
    except EOFError:
        console.print()
        session.end("eof")
    except KeyboardInterrupt:
        console.print()
        session.end("interrupt")
    if chain and session.ended_by in ("quit", "eof"):
        try:
            _debrief(console, chain, _Lines(lambda p: "", False), lang, demo_seed)
        except (_Quit, EOFError, KeyboardInterrupt):
            pass
