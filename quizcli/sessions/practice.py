"""The practice session: one code exercise, from a fresh starter to a rating.

    pick(questions, cards, now)      -> the next due (or new) code question, or None
    PracticeSession(...).start()     -> the candidate's file in the workspace
    .check() -> Grade                   grade the file (in a child process)
    .hint() / .solution()               the next hint; the reference (counts as a fail)
    .finish() -> Attempt | None         rate it for FSRS and store it

The rating: passed without hints is good, passed after a hint is hard; the
solution shown, or given up (quit without passing after trying), is again.
A session that never graded anything nor took a hint records nothing.
Never prints; quizcli.ui.practice shows it.

The workspace is `practice/` in the user folder: `<id>.py` is the current
attempt, `<id>.last.py` the attempt before it (kept when a new attempt starts
from a fresh starter, and reopened with `reopen_last`).
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Sequence

from quizcli.exercise import folders
from quizcli.model import Question, QuestionType, Text

if TYPE_CHECKING:
    from quizcli.exercise.runner import Grade
    from quizcli.scheduler import CardState, Scheduler
    from quizcli.store import Store

AGAIN, HARD, GOOD = 1, 2, 3
MODE = "practice"


def workspace() -> Path:
    from quizcli import paths

    return paths.user_dir() / "practice"


def is_code(q: object) -> bool:
    return getattr(q, "type", None) is QuestionType.CODE


def pick(questions: Iterable, cards: dict[str, CardState], now: datetime) -> tuple[object | None, str]:
    """The next code exercise: the most overdue due one, else the easiest new one.

    Returns (question or index entry, "due" | "new"), or (None, "") when none is due or new.
    """
    code = [q for q in questions if is_code(q)]
    due = sorted((cards[q.id].due, q.id, q) for q in code if q.id in cards and cards[q.id].due <= now)
    if due:
        return due[0][2], "due"
    new = sorted(((q.difficulty, q.id), q) for q in code if q.id not in cards)
    if new:
        return new[0][1], "new"
    return None, ""


def next_due(questions: Iterable, cards: dict[str, CardState]) -> datetime | None:
    dues = [cards[q.id].due for q in questions if is_code(q) and q.id in cards]
    return min(dues) if dues else None


class Attempt(NamedTuple):
    """What a practice session stored (mode "practice" in the answer log)."""

    question_id: str
    at: datetime
    given: str                 # JSON: tests passed, hints used, solution shown, gradings
    correct: bool              # passed
    grade: int | None
    seconds: float
    mode: str
    rating: int
    due: datetime


def rating_for(passed: bool, hints: int, shown: bool) -> int:
    if shown or not passed:
        return AGAIN
    return HARD if hints else GOOD


class PracticeSession:
    """One exercise. `grade` runs the grader (quizcli.exercise.runner.grade, replaced in tests)."""

    def __init__(self, question: Question, store: Store | None, scheduler: Scheduler | None,
                 now: Callable[[], datetime], *, grade: Callable[[Path, folders.ExerciseFiles], Grade] | None = None,
                 folder: Path | None = None) -> None:
        if not is_code(question):
            raise ValueError(f"{question.id} is not a code exercise")
        self.question = question
        self.files = folders.for_question(question)
        self.store, self.scheduler, self.now = store, scheduler, now
        self.folder = folder or workspace()
        self._grade = grade
        self.hints_shown = 0
        self.solution_shown = False
        self.gradings = 0
        self.last: Grade | None = None
        self.passed = False
        self.recorded: Attempt | None = None
        self.uid: str | None = None         # the stored answer's uid (`u` in review undoes it)
        self._started = time.monotonic()
        self._prepared = None     # a grading child started ahead (quizcli.exercise.runner.Prepared)

    # -- the file

    @property
    def path(self) -> Path:
        return self.folder / f"{self.question.id}.py"

    @property
    def last_path(self) -> Path:
        return self.folder / f"{self.question.id}.last.py"

    def start(self, resume: bool = False) -> Path:
        """Write a fresh starter (the attempt before kept as .last.py); `resume` keeps the current file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if resume and self.path.is_file():
            return self.path
        if self.path.is_file():
            self.path.replace(self.last_path)
        shutil.copyfile(self.files.starter, self.path)
        return self.path

    def reopen_last(self) -> bool:
        """Put the last attempt back in the file (the current one becomes the last); False if there is none."""
        if not self.last_path.is_file():
            return False
        current = self.path.read_bytes() if self.path.is_file() else None
        shutil.copyfile(self.last_path, self.path)
        if current is not None:
            self.last_path.write_bytes(current)
        return True

    def mtime(self) -> float | None:
        try:
            return self.path.stat().st_mtime_ns / 1e9
        except OSError:
            return None

    # -- grading, hints, the solution

    def warm_up(self) -> None:
        """Start the next grading's child now, so torch is imported while the candidate edits."""
        if self._grade is None and self._prepared is None:
            from quizcli.exercise import runner

            try:
                self._prepared = runner.prepare(self.folder)
            except OSError:      # cannot start a process now: the grading will start its own, or say why
                self._prepared = None

    def close(self) -> None:
        """Let an unused child go."""
        if self._prepared is not None:
            self._prepared.close()
            self._prepared = None

    def check(self) -> Grade:
        if self._grade is not None:
            result = self._grade(self.path, self.files)
        else:
            from quizcli.exercise import runner

            prepared, self._prepared = self._prepared, None
            result = runner.grade(self.path, self.files, prepared=prepared)
        self.gradings += 1
        self.last = result
        self.passed = self.passed or result.passed
        return result

    @property
    def hints(self) -> Sequence[Text]:
        return self.question.hints

    def hint(self) -> tuple[int, Text] | None:
        """The next hint (1-based number, text), or None when all are shown."""
        if self.hints_shown >= len(self.hints):
            return None
        self.hints_shown += 1
        return self.hints_shown, self.hints[self.hints_shown - 1]

    def solution(self) -> str:
        self.solution_shown = True
        return self.files.solution.read_text(encoding="utf-8")

    # -- the end

    @property
    def rating(self) -> int:
        return rating_for(self.passed, self.hints_shown, self.solution_shown)

    def finish(self) -> Attempt | None:
        """Rate and store the attempt (once); None when there is nothing to rate."""
        if self.recorded is not None:
            return self.recorded
        if not (self.gradings or self.hints_shown or self.solution_shown):
            return None
        at = self.now()
        passed_tests, total = self.last.counts if self.last is not None else (0, 0)
        given = json.dumps({"passed": self.passed, "tests": f"{passed_tests}/{total}", "hints": self.hints_shown,
                            "solution_shown": self.solution_shown, "gradings": self.gradings}, sort_keys=True)
        rating = self.rating
        seconds = round(time.monotonic() - self._started, 1)
        due = at
        if self.store is not None and self.scheduler is not None:
            before = self.store.card(self.question.id)
            after, _log = self.scheduler.review(before, rating, at)
            due = after.due
            attempt = Attempt(self.question.id, at, given, self.passed and not self.solution_shown, None, seconds,
                              MODE, rating, due)
            self.uid = self.store.record_review(attempt, rating, before, after)
        else:
            attempt = Attempt(self.question.id, at, given, self.passed and not self.solution_shown, None, seconds,
                              MODE, rating, due)
        self.recorded = attempt
        return attempt
