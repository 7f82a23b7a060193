"""The Chinese text of the demos uses full-width punctuation (，：；？！（）), as the banks do."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parent.parent / "demos"

IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff"
FULL_WIDTH = "\u3000-\u303f\uff01-\uff60"   # 。、「」 and ，：；？！（）
# , : ; ? ! beside an ideograph or a full-width mark (one space allowed between),
# ( ) touching an ideograph. "N(0,1)，" and "Norm2d(0) 有" are formulas, and pass.
ASCII_NEXT_TO_CJK = re.compile(
    rf"[{IDEOGRAPH}{FULL_WIDTH}] ?[,:;?!]|[,:;?!] ?[{IDEOGRAPH}{FULL_WIDTH}]"
    rf"|[{IDEOGRAPH}][()]|[()][{IDEOGRAPH}]")


def texts(tree: ast.AST):
    """(line, text) of every string literal; an f-string as one text, its values as '0'."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                parts.append(v.value if isinstance(v, ast.Constant) else "0")
                for sub in ast.walk(v):
                    inside.add(id(sub))
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside:
            yield node.lineno, node.value


def zh_problems(source: str) -> list[str]:
    found = []
    for line, text in texts(ast.parse(source)):
        if not re.search(f"[{IDEOGRAPH}]", text):
            continue
        for m in ASCII_NEXT_TO_CJK.finditer(text):
            found.append(f"line {line}: {text[max(0, m.start() - 8):m.end() + 8]!r}")
    return found


@pytest.mark.parametrize("path", sorted(DEMOS.glob("*.py")), ids=lambda p: p.stem)
def test_demo_chinese_uses_full_width_punctuation(path):
    assert zh_problems(path.read_text(encoding="utf-8")) == []


def test_the_scan_finds_ascii_punctuation_and_lets_formulas_be():
    assert zh_problems('x = {"zh": "准确率,损失(关闭)"}')
    assert zh_problems('x = f"准确率 {a:.3f};" "随后"')
    assert zh_problems('x = "方法:网格"')
    assert not zh_problems('x = {"zh": "强行拉回 N(0,1)，这就是"}')
    assert not zh_problems('x = f"损失为 {a:.4f}，log D(G(z))（关闭：无）"')
