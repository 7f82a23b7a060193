"""`quizcli bank lint`: what makes a valid bank worse, with where and what to do.

Lint runs on banks that validate (it reports validation problems instead
otherwise) and works on the validator's normalized data, which keeps each
question's index, so every finding names its field and line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterable

from quizcli.errors import Problem

NEAR_DUPLICATE = 0.95       # SequenceMatcher ratio of two normalized prompts ("eps" vs "momentum" in
                            # a 50-character prompt is 0.91: a different question)
MIN_ANSWER_CHARS = 4        # shorter answers ("H, W", "2") appear in prompts by accident
LONG_CORRECT_RATIO = 1.5    # a correct choice longer than 1.5x every wrong one stands out ...
LONG_CORRECT_GAP = 8        # ... when it is also this many characters longer ("0.02" vs "2" is no hint)
LONGEST_SHARE = 1 / 3       # per bank: the correct choice may be the longest in at most this share
POSITION_SHARE = 1 / 2      # per bank: at most this share of correct choices at one position
MIN_CHOICE_QUESTIONS = 3    # per-bank choice rules need this many questions of the type

# Rules whose findings depend on demos, which are written apart from banks.
DEMO_RULES = ("claim-without-demo", "unlinked-demo")
RULES = ("missing-translation", "duplicate-prompt", "near-duplicate-prompt", "identical-choices",
         "explanation-repeats-answer", "answer-in-prompt", "long-correct-choice", "correct-longest-too-often",
         "correct-position-fixed", "unknown-tag", "near-duplicate-tag", "redundant-accept",
         "key-point-unmatched", "avoid-blocks-key-point", "phrases-one-language", "placeholder-explanation",
         *DEMO_RULES)   # open: #17
LANGS = ("en", "zh")


@dataclass(frozen=True)
class Finding:
    rule: str
    problem: Problem


@dataclass
class LintReport:
    errors: list[Problem]               # validation problems: lint did not run
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    banks: int = 0
    questions: int = 0


def normalize(text: str) -> str:
    """For comparing texts: NFKC, case-folded, spaces collapsed, end punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(text.split())
    return text.rstrip(" .。!！?？:：")


def _answer_texts(q: dict[str, Any]) -> list[tuple[str, str]]:
    """(language, text) pairs of the answer, as a learner would see it."""
    out: list[tuple[str, str]] = []
    t = q["type"]
    if t in ("single_choice", "multiple_choice"):
        for text, correct, _ in q["choices"]:
            if correct:
                out += [(lang, s) for lang, s in zip(("en", "zh"), text) if s]
    elif t == "numeric" and q["answer_number"] is not None:
        n = q["answer_number"]
        out.append(("", str(int(n)) if float(n).is_integer() else repr(n)))
    elif t == "short_answer":
        out += [("", a) for a in q["accept"]]
        if q["answer_text"]:
            out += [(lang, s) for lang, s in zip(("en", "zh"), q["answer_text"]) if s]
    elif t == "flashcard" and q["answer_text"]:
        out += [(lang, s) for lang, s in zip(("en", "zh"), q["answer_text"]) if s]
    # code (#18): the answer is the exercise's reference solution, not text to compare
    return out


class _Linter:
    def __init__(self, files: list[Any]):
        self.files = files
        self.findings: list[Finding] = []

    def add(self, f: Any, path: tuple, rule: str, message: str, hint: str) -> None:
        from quizcli.bank.validate import path_str

        line, col = f.locate(path)
        self.findings.append(Finding(rule, Problem(f.name, line, col, path_str(path), message, hint)))

    def texts(self, f: Any, bank: dict[str, Any]) -> Iterable[tuple[tuple, tuple]]:
        yield ("title",), bank["title"]
        yield ("description",), bank["description"]
        for c in bank["claims"]:
            yield ("claims", c["index"], "summary"), c["summary"]
        for q in bank["questions"]:
            base = ("questions", q["index"])
            yield base + ("prompt",), q["prompt"]
            yield base + ("explanation",), q["explanation"]
            if q["answer_text"]:
                yield base + ("answer",), q["answer_text"]
            for i, (text, _, why) in enumerate(q["choices"]):
                yield base + ("choices", i, "text"), text
                if why:
                    yield base + ("choices", i, "why"), why
            for i, point in enumerate(q.get("key_points") or ()):
                yield base + ("key_points", i, "text"), point[1]
            for i, hint in enumerate(q.get("hints") or ()):     # code exercises (#18)
                yield base + ("hints", i), hint

    def missing_translation(self, f: Any, bank: dict[str, Any]) -> None:
        if bank.get("lang"):          # `lang: zh`: a bank written in one language on purpose
            return
        for path, (en, zh) in self.texts(f, bank):
            if en is None or zh is None:
                missing, has = ("en", "zh") if en is None else ("zh", "en")
                self.add(f, path, "missing-translation", f"no `{missing}` translation",
                         f"add `{missing}: ...`; until then `--lang {missing}` shows the {has} text with a [{has}] marker")

    def prompts(self, banks: list[tuple[Any, dict[str, Any]]]) -> None:
        seen: dict[tuple[str, str], tuple[Any, tuple]] = {}
        by_lang: dict[str, list[tuple[str, Any, tuple]]] = {"en": [], "zh": []}
        for f, bank in banks:
            for q in bank["questions"]:
                path = ("questions", q["index"], "prompt")
                for lang, text in zip(("en", "zh"), q["prompt"]):
                    if not text:
                        continue
                    key = (lang, normalize(text))
                    if key in seen:
                        first_f, first_path = seen[key]
                        self.add(f, path, "duplicate-prompt",
                                 f"the same {lang} prompt as {first_f.where(first_path)}",
                                 "remove one question, or make them ask different things")
                        break
                    seen[key] = (f, path)
                    by_lang[lang].append((key[1], f, path))
        reported = {(fi.problem.file, fi.problem.field) for fi in self.findings if fi.rule == "duplicate-prompt"}
        for lang, items in by_lang.items():
            # Sorted by length, so each prompt meets only those short enough to
            # reach the ratio (2 * shorter / total >= NEAR_DUPLICATE).
            order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
            for pos, j in enumerate(order):
                text, f, path = items[j]
                if (f.name, _field(path)) in reported:
                    continue
                matcher = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(text)     # SequenceMatcher caches what it learns of seq2
                for i in reversed(order[:pos]):
                    other, first_f, first_path = items[i]
                    if 2 * len(other) < NEAR_DUPLICATE * (len(other) + len(text)):
                        break
                    matcher.set_seq1(other)
                    if matcher.real_quick_ratio() >= NEAR_DUPLICATE and matcher.quick_ratio() >= NEAR_DUPLICATE \
                            and matcher.ratio() >= NEAR_DUPLICATE:
                        earlier = (first_f, first_path) if i < j else (f, path)
                        later = (f, path) if i < j else (first_f, first_path)
                        if (later[0].name, _field(later[1])) in reported:
                            continue
                        self.add(later[0], later[1], "near-duplicate-prompt",
                                 f"nearly the same {lang} prompt as {earlier[0].where(earlier[1])}",
                                 "merge the two, or make the difference the point of the question")
                        reported.add((later[0].name, _field(later[1])))
                        break

    def choices(self, f: Any, q: dict[str, Any]) -> None:
        for lang_i, lang in enumerate(("en", "zh")):
            seen: dict[str, int] = {}
            for i, (text, _, _) in enumerate(q["choices"]):
                if not text[lang_i]:
                    continue
                key = normalize(text[lang_i])
                if key in seen:
                    self.add(f, ("questions", q["index"], "choices", i, "text"), "identical-choices",
                             f"the same {lang} text as choices[{seen[key]}]",
                             "make every choice say something different")
                    return
                seen[key] = i

    def long_correct_choice(self, f: Any, q: dict[str, Any]) -> None:
        """A correct choice that is much longer than every wrong one gives the answer away."""
        for lang_i, lang in enumerate(LANGS):
            right, wrong = _choice_lengths(q, lang_i)
            if not right or not wrong:
                continue
            shortest, longest_wrong = min(right), max(wrong)
            if shortest > LONG_CORRECT_RATIO * longest_wrong and shortest - longest_wrong >= LONG_CORRECT_GAP:
                what = "the correct choice is" if len(right) == 1 else "every correct choice is"
                self.add(f, ("questions", q["index"], "choices"), "long-correct-choice",
                         f"{what} more than {LONG_CORRECT_RATIO:g}x as long as the longest wrong one in {lang} "
                         f"({shortest} against {longest_wrong} characters)",
                         "tighten the right answer and make the wrong ones as specific as it is "
                         "(plausible but wrong detail), so length gives nothing away")
                return

    def choice_habits(self, f: Any, bank: dict[str, Any]) -> None:
        """Per bank: is the correct choice the longest too often, or always at one position?"""
        singles = [q for q in bank["questions"] if q["type"] == "single_choice" and len(q["choices"]) > 1]
        multis = [q for q in bank["questions"] if q["type"] == "multiple_choice"
                  and any(not c[1] for c in q["choices"])]
        for lang_i, lang in enumerate(LANGS):
            for kind, qs, longer in (("single-choice", singles, "the correct choice is the longest"),
                                     ("multiple-choice", multis, "every correct choice is longer than every wrong one")):
                if len(qs) < MIN_CHOICE_QUESTIONS:
                    continue
                hits = [q for q in qs if _correct_longest(q, lang_i)]
                if len(hits) > LONGEST_SHARE * len(qs):
                    self.add(f, ("questions", hits[0]["index"], "choices"), "correct-longest-too-often",
                             f"in {len(hits)} of {len(qs)} {kind} questions {longer} in {lang} "
                             f"(at most {LONGEST_SHARE:.0%} is allowed); a test-wise candidate picks the longest",
                             "make wrong choices as long and specific as the right one in these questions: "
                             + ", ".join(q["id"] for q in hits[:8]) + (" ..." if len(hits) > 8 else ""))
                    break
        if len(singles) >= MIN_CHOICE_QUESTIONS:
            positions = Counter(next(i for i, c in enumerate(q["choices"]) if c[1]) for q in singles)
            pos, n = positions.most_common(1)[0]
            if n == len(singles) or (len(singles) > MIN_CHOICE_QUESTIONS and n > POSITION_SHARE * len(singles)):
                first = next(q for q in singles if q["choices"][pos][1])
                self.add(f, ("questions", first["index"], "choices"), "correct-position-fixed",
                         f"the correct choice is choice {chr(ord('a') + pos)} in {n} of {len(singles)} "
                         "single-choice questions",
                         "vary where the correct choice stands (exports and `show` keep the bank's order "
                         "unless they shuffle)")
        if len(multis) >= MIN_CHOICE_QUESTIONS:
            leading = [q for q in multis if all(c[1] for c in q["choices"][:sum(c[1] for c in q["choices"])])]
            if len(leading) == len(multis) or (len(multis) > MIN_CHOICE_QUESTIONS
                                               and len(leading) > POSITION_SHARE * len(multis)):
                self.add(f, ("questions", leading[0]["index"], "choices"), "correct-position-fixed",
                         f"the correct choices come first in {len(leading)} of {len(multis)} multiple-choice questions",
                         "mix correct and wrong choices in the list")

    def tags(self, banks: list[tuple[Any, dict[str, Any]]], vocabulary: Any) -> None:
        """Tags of the built-in banks come from the vocabulary; no tag anywhere spells another differently."""
        from quizcli.bank.vocabulary import spelling_key

        uses: dict[str, list[tuple[Any, tuple]]] = {}
        for f, bank in banks:
            for q in bank["questions"]:
                for tag in q["tags"]:
                    uses.setdefault(tag, []).append((f, ("questions", q["index"], "tags")))
        # One spelling per tag: group by the spelling key (or the vocabulary entry an alias belongs to).
        # Spellings of one tag: the same spelling key, among the tags used and the vocabulary's.
        by_key = {spelling_key(t): t for t in vocabulary.tags} if vocabulary is not None else {}
        groups: dict[str, set[str]] = {}
        for tag in uses:
            key = spelling_key(tag)
            groups.setdefault(by_key.get(key, key), set()).add(tag)
        for key, spellings in groups.items():
            preferred = key if vocabulary is not None and key in vocabulary.tags else \
                max(spellings, key=lambda t: (len(uses[t]), -len(t)))
            if spellings == {preferred}:
                continue
            for tag in sorted(spellings - {preferred}):
                f, path = uses[tag][0]
                self.add(f, path, "near-duplicate-tag",
                         f"tag `{tag}` ({len(uses[tag])} question{'s' if len(uses[tag]) != 1 else ''}) "
                         f"spells `{preferred}` differently",
                         f"use `{preferred}`, so that `--tag {preferred}` finds these questions too")
        if vocabulary is None:
            return
        import difflib

        for tag, where in sorted(uses.items()):
            builtin = [(f, path) for f, path in where if f.source.builtin]
            if not builtin or tag in vocabulary.tags or spelling_key(tag) in by_key:
                continue     # a known tag, or a spelling of one (reported above)
            target = vocabulary.canonical(tag)
            close = [target] if target else difflib.get_close_matches(tag, list(vocabulary.tags), n=3, cutoff=0.6)
            f, path = builtin[0]
            self.add(f, path, "unknown-tag",
                     f"tag `{tag}` ({len(builtin)} question{'s' if len(builtin) != 1 else ''}) is not in the "
                     "vocabulary of the built-in banks" + (f" (the vocabulary merges it into `{target}`)" if target else ""),
                     (f"use `{target}`; " if target else f"did you mean {', '.join(f'`{c}`' for c in close)}? " if close
                      else "") + "built-in banks use only the tags of content/vocabulary/tags.yaml (listed in "
                     "content/README.md); add a tag there only for a concept none of them covers")

    def explanation(self, f: Any, q: dict[str, Any]) -> None:
        answers = _answer_texts(q)
        for lang_i, lang in enumerate(("en", "zh")):
            expl = q["explanation"][lang_i]
            if not expl:
                continue
            e = normalize(expl)
            for alang, answer in answers:
                if alang not in ("", lang):
                    continue
                a = normalize(answer)
                if e == a or (len(e) <= len(a) and e in a):
                    self.add(f, ("questions", q["index"], "explanation"), "explanation-repeats-answer",
                             f"the {lang} explanation only repeats the answer",
                             "say why the answer is right: the reason, the formula, the source")
                    return
        for lang_i, lang in enumerate(("en", "zh")):
            expl = q["explanation"][lang_i]
            if expl and (PLACEHOLDER_EXPLANATION.search(expl) or _one_word(normalize(expl))):
                what = "a placeholder" if PLACEHOLDER_EXPLANATION.search(expl) else "one word"
                self.add(f, ("questions", q["index"], "explanation"), "placeholder-explanation",
                         f"the {lang} explanation is {what}, not an explanation",
                         "say why the answer is right: the reason, the formula, the source")
                return

    def accepts(self, f: Any, q: dict[str, Any]) -> None:
        """An accepted answer that the comparison already folds into an earlier
        one (spacing, width, 、 or −, and for a set answer the order)."""
        if q["type"] != "short_answer":
            return
        from quizcli.answers import normalize_text_answer, same_set

        unordered = q.get("unordered")
        kept: list[str] = []
        for i, accept in enumerate(q["accept"]):
            norm = normalize_text_answer(accept)
            first = next((k for k in kept if normalize_text_answer(k) == norm
                          or (unordered and same_set(accept, k))), None)
            if first is None:
                kept.append(accept)
                continue
            why = "in any order, as the answer is a set" if unordered else "spacing, width, 、 and − do not matter"
            self.add(f, ("questions", q["index"], "accept", i), "redundant-accept",
                     f"{accept!r} is already accepted as {first!r} ({why})", "remove it")

    def answer_in_prompt(self, f: Any, q: dict[str, Any]) -> None:
        prompts = {lang: normalize(p) for lang, p in zip(("en", "zh"), q["prompt"]) if p}
        for alang, answer in _answer_texts(q):
            a = normalize(answer)
            if len(a.replace(" ", "")) < MIN_ANSWER_CHARS and not (q["type"] == "numeric" and len(a) >= 2):
                continue
            for lang, prompt in prompts.items():
                if alang not in ("", lang):
                    continue
                # Whole words only: "128" is not in "1280", "norm" is not in "normalize".
                edge = r"(?<![\w.])" if a[:1].isalnum() else ""
                tail = r"(?![\w])" if a[-1:].isalnum() else ""
                if re.search(edge + re.escape(a) + tail, prompt):
                    self.add(f, ("questions", q["index"], "prompt"), "answer-in-prompt",
                             f"the answer {answer!r} appears word for word in the {lang} prompt",
                             "reword the prompt so it does not give the answer away")
                    return

    def key_points(self, f: Any, q: dict[str, Any]) -> None:
        """Open questions (#17): each point's own statement should earn it, never be blocked by `avoid`."""
        from quizcli.matching import match
        from quizcli.model import KeyPoint, Phrases, Text

        for i, (pid, text, phrases, avoid) in enumerate(q.get("key_points") or ()):
            path = ("questions", q["index"], "key_points", i)
            point = KeyPoint(pid, Text(*text), Phrases(*phrases), Phrases(*avoid))
            if bool(phrases[0]) != bool(phrases[1]):
                missing = "zh" if phrases[0] else "en"
                self.add(f, path + ("phrases",), "phrases-one-language", f"no `{missing}` phrases",
                         f"an answer in {missing} (or mixed) is never marked; add `{missing}: [...]`")
            for lang, statement in zip(("en", "zh"), text):
                if not statement:
                    continue
                m = match(statement, [point])[0]
                if m.blocked:
                    self.add(f, path + ("avoid",), "avoid-blocks-key-point",
                             f"an `avoid` phrase blocks the point's own {lang} text",
                             "narrow the `avoid` phrase so that only the wrong version matches it")
                elif not m.covered:
                    self.add(f, path + ("phrases",), "key-point-unmatched",
                             f"no phrase matches the point's own {lang} text",
                             "add a phrase in the words of the statement; if the phrases are right, reword the text")

    def demos(self, banks: list[tuple[Any, dict[str, Any]]], every_bank: list[dict[str, Any]]) -> None:
        from quizcli.bank.library import user_demo_ids
        from quizcli.demo.registry import demo_ids

        linked_claims = {q["claim"] for b in every_bank for q in b["questions"] if q["claim"] and q["demo"]}
        for f, bank in banks:
            for c in bank["claims"]:
                if c["id"] not in linked_claims and c.get("no_demo") is None:
                    self.add(f, ("claims", c["index"], "id"), "claim-without-demo",
                             f"no question that tests claim `{c['id']}` links a demo",
                             "add `demo: ID` to such a question if a small experiment can back the verdict; "
                             "if none can speak to it honestly, say why in the claim's `no_demo: {en: ..., zh: ...}`")
        linked = {q["demo"] for b in every_bank for q in b["questions"] if q["demo"]}
        if any(f.source.builtin for f, _ in banks):
            from quizcli import paths

            folder = paths.builtin_demos_dir()
            for demo in sorted(demo_ids() - linked):
                self.findings.append(Finding("unlinked-demo", Problem(
                    str(folder / f"{demo}.py"), None, None, "", f"demo `{demo}` is linked by no question",
                    f"add `demo: {demo}` to the question it answers, or remove the demo")))
        for folder in sorted({f.source.path.parent for f, _ in banks if not f.source.builtin}):
            for demo in sorted(user_demo_ids(folder) - linked):
                self.findings.append(Finding("unlinked-demo", Problem(
                    str(folder / "demos" / f"{demo}.py"), None, None, "", f"demo `{demo}` is linked by no question",
                    f"add `demo: {demo}` to the question it answers, or remove the demo")))


# What `quizcli import` writes where a card has no explanation (quizcli.authoring.importer), in either language.
PLACEHOLDER_EXPLANATION = re.compile(r"^\s*[(（](No explanation: imported from|无解析：导入自)")


def _one_word(text: str) -> bool:
    """One word: no space, and a short word (`BN`, `对`, `正确`), not a Chinese sentence without spaces."""
    return bool(text) and " " not in text and (len(text) <= 4 if not text.isascii() else True)


def _choice_lengths(q: dict[str, Any], lang_i: int) -> tuple[list[int], list[int]]:
    """Lengths (NFKC characters, spaces collapsed) of the correct and the wrong choices in one language."""
    right: list[int] = []
    wrong: list[int] = []
    for text, correct, _ in q["choices"]:
        s = text[lang_i]
        if s is None:
            return [], []
        n = len(" ".join(unicodedata.normalize("NFKC", s).split()))
        (right if correct else wrong).append(n)
    return right, wrong


def _correct_longest(q: dict[str, Any], lang_i: int) -> bool:
    """The correct choices are all strictly longer than every wrong one."""
    right, wrong = _choice_lengths(q, lang_i)
    return bool(right and wrong) and min(right) > max(wrong)


def _field(path: tuple) -> str:
    from quizcli.bank.validate import path_str

    return path_str(path)


def lint_paths(paths_: Iterable[Path], against_builtin: bool = True) -> LintReport:
    from quizcli.bank import library

    files, errors = library.check(paths_, against_builtin)
    checked = [f for f in files if f.source.report]
    report = LintReport(errors=errors, files=[f.name for f in checked])
    banks = [(f, f.bank) for f in checked if f.bank is not None]
    report.banks = len(banks)
    report.questions = sum(len(b["questions"]) for _, b in banks)
    if report.errors:
        return report
    for f, _ in banks:
        library._ensure_text(f)
    linter = _Linter(checked)
    for f, bank in banks:
        linter.missing_translation(f, bank)
        linter.choice_habits(f, bank)
        for q in bank["questions"]:
            linter.choices(f, q)
            if q["type"] in ("single_choice", "multiple_choice"):
                linter.long_correct_choice(f, q)
            linter.explanation(f, q)
            linter.answer_in_prompt(f, q)
            linter.accepts(f, q)
            linter.key_points(f, q)
    linter.prompts(banks)
    from quizcli.bank.vocabulary import load_vocabulary

    linter.tags(banks, load_vocabulary() if any(f.source.builtin for f, _ in banks) or against_builtin else None)
    linter.demos(banks, [f.bank for f in files if f.bank is not None])
    report.findings = sorted(linter.findings, key=lambda fi: (fi.problem.file, fi.problem.line or 0,
                                                               fi.problem.column or 0))
    return report
