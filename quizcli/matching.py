"""The key-point matcher of open interview questions (#17). Pure, standard library only.

Which key points of an open question does a typed answer already cover?
The contract (content/README.md, "Open questions"):

- A phrase is terms separated by whitespace; it matches when every term
  occurs in the same sentence of the answer, in any order. A term `a|b`
  matches either alternative.
- Matching is on normalized text: NFKC (full-width to half-width), lower
  case, dashes folded to `-`, Greek letters and their names alike (γ and
  gamma, ε, eps and epsilon), whitespace next to CJK removed, English words
  stemmed (authors write the base form: "statistic" matches "statistics").
  A Chinese term (any term with CJK in it) matches as a substring; an English
  term matches whole words, a hyphenated one ("mini-batch") the words in a
  row or joined ("minibatch"), and a long word (6 letters or more) also with
  one typo. Symbols alone ("x - mu = 0": `-`, `=`) are not terms: the
  phrase is x, mu and 0.
- An `avoid` pattern uses the same syntax: a sentence it matches earns no
  point from its phrases.
- Negation: a term negated in its clause ("BN does not use the batch mean",
  "不依赖 batch", "ICS is not a myth" for `myth ics`) does not count. A
  negation the phrase itself names ("not|n't ics", "不 依赖") is the
  phrase's own; it must be a real one ("not only" is none), and any other
  negation in the clause still counts against it ("it is not true that BN
  is not about ICS"). A negated `avoid` pattern blocks nothing ("BN does
  not reduce ICS" is no claim that it does); a doubly negated one blocks.

Precision first: the candidate confirms every mark, and a mark must never
flatter them. Measured on labelled answers by bench/bench_matcher.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice, product
from typing import Iterable, NamedTuple, Protocol, Sequence

# --------------------------------------------------------------------------
# Normalization

_CJK_RANGES = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_RANGES}]")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK_RANGES}])\\s+|\\s+(?=[{_CJK_RANGES}])")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "η": "eta",
    "θ": "theta", "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega", "π": "pi",
    "∇": "nabla", "√": "sqrt", "∞": "infinity",
}
_GREEK_RE = re.compile("[" + "".join(_GREEK) + "]")
# Word forms that are the same thing (after stemming).
_ALIASES = {"eps": "epsilon", "var": "variance", "stddev": "deviation", "inf": "infinity"}
_ABBREV_ANY_CASE = re.compile(r"\b(e\.g|i\.e|vs|etc|cf)\.", re.I)


def normalize(text: str) -> str:
    """NFKC, lower case, dashes, Greek names, no space next to CJK."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_DASHES)
    text = _GREEK_RE.sub(lambda m: f" {_GREEK[m[0]]} ", text)
    text = re.sub(r"n[’'`]t\b", " not", text)        # doesn't -> does not
    text = re.sub(r"(?<=\w)[’'`]s\b", "", text)          # ReLU's -> relu (a possessive)
    text = re.sub(r"[’'`]", "", text)
    return _SPACE_NEAR_CJK.sub("", text)


def stem(word: str) -> str:
    """A light English stemmer: both sides of a comparison go through it,
    so it needs to be consistent, not linguistically right."""
    w = _ALIASES.get(word, word)
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, keep in (("ization", "iz"), ("isation", "iz"), ("ational", "ate"), ("ation", ""),
                         ("ities", "ity"), ("ness", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)] + keep
            break
    else:
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("sses"):
            w = w[:-2]
        elif w.endswith("es") and len(w) > 4 and (w[-3] in "sxz" or w[-4:-2] in ("ch", "sh")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is", "ias")) and len(w) > 3:
            w = w[:-1]
        if w.endswith("ing") and len(w) >= 6:
            w = w[:-3]
        elif w.endswith("ed") and len(w) >= 5:
            w = w[:-2]
        if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1].isalpha() and w[-1] not in "aeiou":
            w = w[:-1]          # running -> runn -> run
    if w.endswith("e") and len(w) >= 5:
        w = w[:-1]              # normalize -> normaliz, as normalized -> normaliz
    if w.endswith("y") and len(w) >= 5:
        w = w[:-1] + "i"        # stability/stabilities agree; study -> studi
    return w


# --------------------------------------------------------------------------
# Sentences and clauses

_SENTENCE_END = re.compile(r"[!?;。！？；…]+|(?<!\d)\.|\.(?!\d)")
_CLAUSE_EN = re.compile(r"[,:、，：()（）\[\]]|\b(?:but|however|whereas|while|instead|rather|although|though|yet)\b")
# "A 而不是 B": the negation that starts the second clause is B's, not A's.
_CLAUSE_ZH = re.compile("但是|但|而不是|而非|而是|然而|不过|却|反而|只是|否则")


_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)、]))")


def sentences(text: str) -> list[str]:
    """The sentences of an answer, normalized, in either language.

    A line break alone is no sentence end (a long sentence typed over two
    lines is one sentence); a blank line or a list item is.
    """
    return [s for _, s in _split(text)]


def _split(text: str) -> list[tuple[str, str]]:
    """(as written, normalized) for each sentence."""
    text = _BREAK.sub("\n。", text).replace("\n。", "\0").replace("\n", " ").replace("\0", "。")
    text = unicodedata.normalize("NFKC", text)          # full-width 。！？ are split on as . ! ?
    text = _ABBREV_ANY_CASE.sub(lambda m: m[1].replace(".", ""), text)
    out = []
    for raw in _SENTENCE_END.split(text):
        norm = normalize(raw).strip()
        if norm:
            out.append((" ".join(raw.split()), norm))
    return out


def _clause_starts(sentence: str) -> list[int]:
    starts = {0}
    for rx in (_CLAUSE_EN, _CLAUSE_ZH):
        for m in rx.finditer(sentence):
            starts.add(m.start())
    return sorted(starts)


# --------------------------------------------------------------------------
# Negation

_NEG_EN = {"not", "no", "never", "neither", "nor", "without", "cannot", "none", "nothing", "hardly",
           "barely", "dont", "doesnt", "isnt", "arent", "wasnt", "cant", "wont", "didnt", "shouldnt"}
# Words that deny what they speak of ("ICS is a myth", "I doubt it"), as
# beginnings: "debunked", "refuted", "disproven" too. A negation next to
# one cancels it ("not a myth", "no doubt").
_DENY_EN = ("myth", "doubt", "debunk", "refut", "disprov", "misconception", "fallac")
_NOT_NEG_EN = re.compile(r"\b(?:not only|not just|no matter|whether or not|not necessarily wrong)\b")
_NEG_ZH = re.compile("并非|并不|不是|没有|没|无法|无需|不|未|非|无|勿|误解|谬误|质疑|存疑")
# Words that hold a negation character without negating anything here.
_NOT_NEG_ZH = re.compile("不同|不变|不断|不仅|不只|不少|不管|不论|不过|不但|无论|非常|非线性|非饱和|非零|"
                         "未来|无穷|除非|差不多|并且")


# "Without any constraint the critic scales without bound": a preposition
# negates its object, not the clause.
_NEG_PREPOSITION = {"without"}
_PREPOSITION_REACH = 3


def _negation_spans(sentence: str, tokens: Sequence[tuple[str, int, int]],
                    reach: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """The negations of a sentence; `reach` gets where a preposition's one ends
    (the others reach the whole clause)."""
    spans = []
    skip = [(m.start(), m.end()) for m in _NOT_NEG_EN.finditer(sentence)]
    skip += [(m.start(), m.end()) for m in _NOT_NEG_ZH.finditer(sentence)]

    def skipped(a: int, b: int) -> bool:
        return any(s <= a and b <= e for s, e in skip)

    for i, (word, a, b) in enumerate(tokens):
        if (word in _NEG_EN or word.startswith(_DENY_EN)) and not skipped(a, b):
            spans.append((a, b))
            if word in _NEG_PREPOSITION:        # its reach: the next few words
                reach[(a, b)] = tokens[min(i + _PREPOSITION_REACH, len(tokens) - 1)][2]
    for m in _NEG_ZH.finditer(sentence):
        if not skipped(m.start(), m.end()):
            spans.append((m.start(), m.end()))
    return spans


def _is_negation_term(alternative: str) -> bool:
    norm = normalize(alternative)
    if _CJK.search(norm):
        return bool(_NEG_ZH.search(_NOT_NEG_ZH.sub("", norm)))
    return any(w in _NEG_EN or w.startswith(_DENY_EN) for w in re.findall(r"[a-z0-9]+", norm))


# --------------------------------------------------------------------------
# Phrases

_WORD = re.compile(r"[a-z0-9]+")


class _Alt(NamedTuple):
    """One alternative of a term: a substring (CJK) or a run of stemmed words."""

    substring: str | None
    words: tuple[str, ...]
    joined: str              # the words written as one ("minibatch")
    negative: bool = False   # a negation itself ("not", "n't", "不是")


class _Phrase(NamedTuple):
    source: str
    terms: tuple[tuple[_Alt, ...], ...]


def phrase_problem(phrase: str) -> str | None:
    """Why `phrase` is not a valid phrase, or None (for the validator)."""
    if not phrase.strip():
        return "is empty"
    for term in phrase.split():
        alts = term.split("|")
        if any(not a for a in alts):
            return f"has an empty alternative in `{term}` (write `a|b`, no `|` at an end or doubled)"
    if not _compile(phrase).terms:
        return "has nothing to match: no letters, digits or Chinese characters"
    return None


@lru_cache(maxsize=4096)
def _compile(phrase: str) -> _Phrase:
    terms = []
    for term in phrase.split():
        alts = []
        for a in term.split("|"):
            neg = _is_negation_term(a)
            norm = normalize(a)
            if _CJK.search(norm):
                alts.append(_Alt(norm.replace(" ", ""), (), "", neg))
            else:
                words = tuple(stem(w) for w in _WORD.findall(norm))
                if words:
                    alts.append(_Alt(None, words, stem("".join(_WORD.findall(norm))), neg))
        if alts:
            terms.append(tuple(alts))
    return _Phrase(phrase, tuple(terms))


class _Sentence:
    """One normalized sentence, with its stemmed words and clauses."""

    __slots__ = ("text", "raw", "tokens", "clauses", "negations", "reach")

    def __init__(self, text: str, raw: str | None = None) -> None:
        self.text = text
        self.raw = raw if raw is not None else text     # as the candidate wrote it, for showing
        self.tokens = [(stem(m[0]), m.start(), m.end()) for m in _WORD.finditer(text)]
        self.clauses = _clause_starts(text)
        self.reach: dict[tuple[int, int], int] = {}
        self.negations = _negation_spans(text, [(m[0], m.start(), m.end()) for m in _WORD.finditer(text)],
                                         self.reach)

    def flips(self, flip: tuple[int, int], pos: int) -> bool:
        """Whether the negation at `flip` reaches the word at `pos`: the same
        clause, and for a preposition ("without") the few words after it."""
        if self.clause_of(flip[0]) != self.clause_of(pos):
            return False
        end = self.reach.get(flip)
        return end is None or flip[1] <= pos < end

    def clause_of(self, pos: int) -> int:
        c = 0
        for i, start in enumerate(self.clauses):
            if start <= pos:
                c = i
        return c

    def occurrences(self, alt: _Alt) -> list[tuple[int, int]]:
        if alt.substring is not None:
            out, i = [], self.text.find(alt.substring)
            while i >= 0:
                out.append((i, i + len(alt.substring)))
                i = self.text.find(alt.substring, i + 1)
            return out
        out = []
        toks, n = self.tokens, len(alt.words)
        for i in range(len(toks) - n + 1):
            if all(_word_eq(alt.words[k], toks[i + k][0]) for k in range(n)):
                out.append((toks[i][1], toks[i + n - 1][2]))
        if n > 1:
            out += [(a, b) for w, a, b in toks if _word_eq(alt.joined, w)]
        return out


def _word_eq(want: str, got: str) -> bool:
    if want == got:
        return True
    # One typo in a long word (insert, delete, substitute or swap), same first letter.
    if (len(want) < 6 or want[0] != got[0] or abs(len(want) - len(got)) > 1 or not got.isalpha()
            or not want.isalpha()):
        return False
    return _within_one(want, got)


def _within_one(a: str, b: str) -> bool:
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if diff and diff[-1] == len(a) - 1:
            return False            # variance/variant: a different ending is a different word
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                   and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if len(a) < len(b):
        a, b = b, a
    for i in range(len(b) + 1):
        if a[:i] + a[i + 1:] == b:
            return True
    return False


_MAX_CHOICES = 256     # occurrences tried together, per phrase and sentence


def _phrase_in(phrase: _Phrase, s: _Sentence, avoid: bool = False) -> bool:
    """Every term in the sentence, in a clause whose negations cancel out.

    A negation word that a term of the phrase itself matched ("not" of
    "not|n't ics", "不是") is the phrase's own: it must be a live negation
    (the "not" of "not only" is none) and it negates nothing else. Any
    other negation in the clause of a term flips what the sentence says
    there: "BN does not use the batch mean", "it is not true that BN is
    not about ICS" for `not ics`. The other words of a term that names a
    negation stand for one too: "ICS is not a myth" and "there is no doubt
    BN reduces ICS" earn nothing from `not|doubt|myth ics`. A phrase counts where its terms' clauses have no other
    negation (precision first: a double negation earns no point); an
    `avoid` pattern blocks where they have an even number of them ("I
    would not say it does not reduce ICS" says that it does).
    """
    found: list[list[tuple[int, int, bool]]] = []
    for alts in phrase.terms:
        negating = any(alt.negative for alt in alts)
        spans = []
        for alt in alts:
            for a, b in s.occurrences(alt):
                if alt.negative and not any(a < n1 and n0 < b for n0, n1 in s.negations):
                    continue            # "not only", "不仅": no negation for the phrase to stand on
                spans.append((a, b, negating))
        if not spans:
            return False
        found.append(spans)
    # What flips a clause: its negations, and the words a negating term
    # offers in their place ("doubt", "myth" of `not|doubt|myth ics`).
    flips = list(s.negations) + [(a, b) for spans in found for a, b, negating in spans if negating
                                 and not any(a < n1 and n0 < b for n0, n1 in s.negations)]
    if not flips:
        return True
    for choice in islice(product(*found), _MAX_CHOICES):
        own = [(a, b) for a, b, negating in choice if negating]
        live = [f for f in flips if not any(a < f[1] and f[0] < b for a, b in own)]  # "并不是" holds "不是"
        counts = [sum(s.flips(f, a) for f in live) for a, _, _ in choice]
        if all(n % 2 == 0 if avoid else n == 0 for n in counts):
            return True
    return False


# --------------------------------------------------------------------------
# Points


class PointLike(Protocol):
    """quizcli.model.KeyPoint, as far as matching reads it."""

    @property
    def id(self) -> str: ...
    @property
    def phrases(self) -> object: ...
    @property
    def avoid(self) -> object: ...


class PointMatch(NamedTuple):
    id: str
    covered: bool
    evidence: str | None = None      # the sentence that earned it, as written
    blocked: str | None = None       # a sentence that said it the wrong way (an `avoid` pattern matched)


def _all(phrases: object) -> tuple[str, ...]:
    return tuple(getattr(phrases, "en", ())) + tuple(getattr(phrases, "zh", ()))


def match_point(point: PointLike, answer: str | Sequence[_Sentence]) -> PointMatch:
    sents = _prepare(answer) if isinstance(answer, str) else answer
    phrases = [_compile(p) for p in _all(point.phrases)]
    avoid = [_compile(p) for p in _all(point.avoid)]
    blocked = None
    for s in sents:
        if any(_phrase_in(a, s, avoid=True) for a in avoid):
            blocked = blocked or s.raw
            continue
        if any(_phrase_in(p, s) for p in phrases):
            return PointMatch(point.id, True, s.raw, blocked)
    return PointMatch(point.id, False, None, blocked)


def _prepare(answer: str) -> list[_Sentence]:
    return [_Sentence(norm, raw) for raw, norm in _split(answer)]


def match(answer: str, points: Iterable[PointLike]) -> tuple[PointMatch, ...]:
    """Each point of a question, covered by `answer` or not."""
    sents = _prepare(answer)
    return tuple(match_point(p, sents) for p in points)


def covered(answer: str, points: Iterable[PointLike]) -> frozenset[str]:
    return frozenset(m.id for m in match(answer, points) if m.covered)
