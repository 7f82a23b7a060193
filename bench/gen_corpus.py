"""Write a synthetic, valid corpus of question banks for the loading benchmark.

    python bench/gen_corpus.py OUT_DIR [--questions 10000] [--banks 20]

Every question type appears, texts are bilingual and of realistic length,
so 10,000 questions come to about 7 MB of YAML, like a large real library.
The corpus is deterministic (no randomness), so runs are comparable.
"""

from __future__ import annotations

import argparse
from pathlib import Path

_TYPES = ("single_choice", "multiple_choice", "true_false", "numeric", "short_answer", "flashcard")

_EN = "Why does batch normalization behave differently in training and evaluation mode?"
_ZH = "为什么批归一化在训练和评估模式下的行为不同？"


def _q(s: str) -> str:
    """A double-quoted YAML scalar (our texts contain no quotes or backslashes)."""
    return '"' + s + '"'


def _question(bank: str, i: int) -> str:
    qtype = _TYPES[i % len(_TYPES)]
    lines = [
        f"  - id: {bank}-q{i:05d}",
        f"    type: {qtype}",
        "    prompt:",
        f"      en: {_q(f'Question {i}: {_EN}')}",
        f"      zh: {_q(f'第 {i} 题：{_ZH}')}",
    ]
    if qtype in ("single_choice", "multiple_choice"):
        lines.append("    choices:")
        for c in range(4):
            correct = c == 0 or (qtype == "multiple_choice" and c == 1)
            lines.append(f"      - text: {{en: {_q(f'Choice {c} of question {i}')}, "
                         f"zh: {_q(f'第 {i} 题的选项 {c}')}}}")
            if correct:
                lines.append("        correct: true")
            if c == 2:
                lines.append(f"        why: {{en: {_q('Because the statistics are per channel.')}, "
                             f"zh: {_q('因为统计量按通道计算。')}}}")
    elif qtype == "true_false":
        lines.append(f"    answer: {'true' if i % 2 else 'false'}")
    elif qtype == "numeric":
        lines += [f"    answer: {i * 2}", "    tolerance: 0.5", "    unit: params"]
    elif qtype == "short_answer":
        lines.append(f'    accept: ["H, W", "HW", "answer {i}"]')
    else:
        lines += ["    answer:",
                  f"      en: {_q(f'Card {i}: running mean and variance.')}",
                  f"      zh: {_q(f'卡片 {i} 的背面：滑动均值和方差，按动量更新。')}"]
    lines += [
        "    explanation:",
        f"      en: {_q(f'Explanation {i}: training uses batch statistics; eval uses running averages (momentum 0.1).')}",
        f"      zh: {_q(f'解释 {i}：训练用批次统计量；评估用滑动平均（动量 0.1）。')}",
        "    tags: [bn, synthetic, bench]",
        f"    difficulty: {1 + i % 5}",
        '    refs: ["Ioffe & Szegedy 2015, Batch Normalization, arXiv:1502.03167"]',
    ]
    return "\n".join(lines)


def bank_text(bank: str, start: int, count: int) -> str:
    head = [
        "format_version: 1",
        f"id: {bank}",
        f"title: {{en: {_q('Synthetic bank ' + bank)}, zh: {_q('合成题库 ' + bank)}}}",
        "description:",
        f"  en: {_q('Generated for the loading benchmark.')}",
        f"  zh: {_q('为加载基准测试生成。')}",
        "questions:",
    ]
    return "\n".join(head + [_question(bank, i) for i in range(start, start + count)]) + "\n"


def write_corpus(out: Path, questions: int = 10_000, banks: int = 20) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    per = -(-questions // banks)
    files = []
    for b in range(banks):
        start, count = b * per, max(0, min(per, questions - b * per))
        if count == 0:
            break
        path = out / f"bench{b:02d}.yaml"
        path.write_text(bank_text(f"bench{b:02d}", start, count), encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--banks", type=int, default=20)
    args = parser.parse_args()
    files = write_corpus(args.out, args.questions, args.banks)
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {args.questions} questions in {len(files)} banks, {size / 1e6:.1f} MB, under {args.out}")


if __name__ == "__main__":
    main()
