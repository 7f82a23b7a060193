"""`quizcli bank new NAME`: a valid bank to start from, one question of every type."""

from __future__ import annotations

import json
import re

SCHEMA_FILE = "quizcli-bank.schema.json"


def bank_id_for(name: str) -> str | None:
    """A valid bank id from what the user typed ("My Notes" -> my_notes, "Café" -> cafe).

    None when the name has no Latin letter or digit to make one from ("笔记"):
    a made-up id such as `bank` would surprise the user later, in `--topic`,
    so the caller asks for one instead.
    """
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    bid = re.sub(r"[^a-z0-9_]+", "_", ascii_name.strip().lower()).strip("_")
    if not bid:
        return None
    if not bid[0].isalpha():
        bid = "bank_" + bid
    return bid


def new_bank_text(name: str, schema: str | None = SCHEMA_FILE, bid: str | None = None) -> str:
    bid = bid or bank_id_for(name) or "my_bank"
    title = json.dumps(name.strip() or bid, ensure_ascii=False)   # a JSON string is a YAML double-quoted one
    qid = bid.replace("_", "-")
    modeline = (f"# yaml-language-server: $schema={schema}\n"
                "# (that line lets an editor with the YAML language server check this file as you type;\n"
                f"#  `quizcli bank schema -o {schema}` writes the schema it points to)\n") if schema else ""
    return f"""{modeline}# A quizcli question bank (format v1: see content/README.md of quizcli).
# Check it with:  quizcli bank validate {bid}.yaml   and improve it with:  quizcli bank lint {bid}.yaml
# Quiz on it with: quizcli quiz --bank {bid}.yaml --topic {bid}

format_version: 1          # always 1 for this format
id: {bid}                  # the bank id, [a-z][a-z0-9_]*; `quizcli quiz --topic {bid}` picks this bank
title: {{en: {title}, zh: {title}}}
description:               # every text is {{en: ..., zh: ...}}; a user bank may give one language only
  en: My own interview notes, one question of every type to start from.
  zh: 我自己的面试笔记，每种题型各一道，可以照着改。

# Optional: what the literature says of claims your questions test, once per claim.
# claims:
#   - id: {bid}_dropout_scaling          # [a-z][a-z0-9_]*
#     verdict: "true"                    # "true" | nuanced | "false" (quote true and false)
#     summary:
#       en: Inverted dropout scales kept activations by 1/(1-p) during training.
#       zh: 反向 dropout 在训练时把保留的激活乘以 1/(1-p)。
#     refs: ["Srivastava et al. 2014, Dropout, JMLR"]

questions:
  # Every question has: id, type, prompt, explanation, tags, difficulty;
  # optional: demo, refs, claim. The answer keys depend on the type.
  - id: {qid}-dropout-scale            # stable and unique across all banks: progress is keyed by it
    type: single_choice                # 2-8 choices, exactly one with correct: true
    prompt:
      en: With inverted dropout (p = 0.5), what happens to the kept activations during training?
      zh: 使用反向 dropout（p = 0.5）时，训练中被保留的激活会怎样？
    choices:                           # shuffled when asked
      - text: {{en: They are multiplied by 2, zh: 乘以 2}}
        correct: true
      - text: {{en: They are left unchanged, zh: 保持不变}}
        why: {{en: "That is the original (non-inverted) dropout, which rescales at test time instead.", zh: 这是原始（非反向）dropout，它在测试时才缩放。}}
      - text: {{en: They are multiplied by 0.5, zh: 乘以 0.5}}
    explanation:                       # teach the reason, give the formula
      en: Scaling by 1/(1-p) keeps the expected activation equal to its test-time value, so nothing changes at test time.
      zh: 乘以 1/(1-p) 使激活的期望与测试时相同，因此测试时无需任何改动。
    tags: [dropout, regularization]    # lower case, may be empty: []
    difficulty: 2                      # 1 (warm-up) to 5 (hardest follow-up)
    refs: ["Srivastava et al. 2014, Dropout, JMLR"]
    # claim: {bid}_dropout_scaling     # the id of a claim recorded under claims:
    # demo: my_dropout_demo           # a demo in demos/ beside this file (runs only once you trust it)

  - id: {qid}-relu-grads
    type: multiple_choice              # at least one correct; the user must pick exactly the correct set
    prompt:
      en: Which activations have a gradient of exactly zero for all negative inputs?
      zh: 哪些激活函数对所有负输入的梯度恰好为零？
    choices:
      - {{text: {{en: ReLU, zh: ReLU}}, correct: true}}
      - {{text: {{en: ReLU6, zh: ReLU6}}, correct: true}}
      - {{text: {{en: Leaky ReLU, zh: Leaky ReLU}}}}
      - {{text: {{en: GELU, zh: GELU}}}}
    explanation:
      en: ReLU and ReLU6 are flat (zero) below 0; Leaky ReLU keeps a small slope and GELU is smooth with non-zero gradient for most negative inputs.
      zh: ReLU 和 ReLU6 在 0 以下是平的（梯度为零）；Leaky ReLU 保留小斜率，GELU 是平滑的，大多数负输入处梯度不为零。
    tags: [activations]
    difficulty: 2

  - id: {qid}-adam-bias
    type: true_false                   # answer: true or false, unquoted
    prompt:
      en: Adam's bias correction matters most in the first steps of training.
      zh: Adam 的偏差修正在训练最初几步最重要。
    answer: true
    explanation:
      en: The moment estimates start at zero; dividing by 1 - beta^t undoes that bias, and the factor tends to 1 as t grows.
      zh: 一阶和二阶矩估计从零开始；除以 1 - beta^t 可消除这一偏差，随着 t 增大该因子趋近于 1。
    tags: [optimizers]
    difficulty: 3

  - id: {qid}-conv-params
    type: numeric                      # answer: a number; tolerance: absolute (default 0); unit: shown after it
    prompt:
      en: How many learnable parameters does nn.Conv2d(3, 16, kernel_size=3) have, bias included?
      zh: nn.Conv2d(3, 16, kernel_size=3)（含偏置）有多少个可学习参数？
    answer: 448
    tolerance: 0
    unit: parameters
    explanation:
      en: 16 filters of 3 x 3 x 3 weights, 16 x 27 = 432, plus one bias per filter, 432 + 16 = 448.
      zh: 16 个 3 × 3 × 3 的卷积核共 16 × 27 = 432 个权重，再加每个卷积核一个偏置，432 + 16 = 448。
    tags: [cnn, parameters]
    difficulty: 2

  - id: {qid}-softmax-name
    type: short_answer                 # accept: accepted answers; case, spaces and full-width characters do not matter
                                       # (add `unordered: true` when the answer is a set whose items may come in any order)
    prompt:
      en: Which function turns a vector of logits into a probability distribution?
      zh: 哪个函数把 logits 向量变成概率分布？
    accept: [softmax, soft max, 软最大值]
    explanation:
      en: softmax(z)_i = exp(z_i) / sum_j exp(z_j); subtracting max(z) first avoids overflow without changing the result.
      zh: softmax(z)_i = exp(z_i) / Σ_j exp(z_j)；先减去 max(z) 可以避免溢出，结果不变。
    tags: [basics]
    difficulty: 1

  - id: {qid}-residual-why
    type: flashcard                    # answer: shown on the back; the user grades themselves
    prompt:
      en: Why do residual connections make very deep networks trainable?
      zh: 为什么残差连接能让很深的网络可以训练？
    answer:
      en: The identity path lets gradients reach early layers undiminished, and each block only has to learn a correction to the identity.
      zh: 恒等路径让梯度几乎无衰减地传到前面的层，而每个块只需学习相对恒等映射的修正。
    explanation:
      en: He et al. 2016 showed plain 56-layer nets train worse than 20-layer ones, while residual nets keep improving with depth.
      zh: He 等人 2016 年发现普通 56 层网络的训练误差反而高于 20 层，而残差网络随深度增加持续变好。
    tags: [resnet]
    difficulty: 3
    refs: ["He et al. 2016, Deep Residual Learning for Image Recognition, CVPR"]

  - id: {qid}-iv-residual
    type: open                         # quizcli interview: answered in your own words, graded on key points
    prompt:
      en: What problem do residual connections solve, and how?
      zh: 残差连接解决了什么问题？怎么解决的？
    answer:                            # the model answer, shown after the follow-ups
      en: Very deep plain networks train worse than shallow ones (degradation); an identity shortcut lets each block learn only a residual and lets gradients flow to early layers.
      zh: 很深的普通网络反而比浅的训练得更差（退化问题）；恒等捷径让每个块只学残差，并让梯度顺畅地传到前面的层。
    key_points:                        # 1-8 points; each earned when one of its phrases is said
      - id: degradation
        text: {{en: Deeper plain networks can have higher training error (degradation)., zh: 更深的普通网络训练误差可能更高（退化问题）。}}
        phrases:                       # terms in one sentence, any order; a|b is either; write base forms
          en: ["degradation", "deep|deeper plain network worse|higher"]
          zh: ["退化", "更深 误差 更高|更大"]
      - id: gradient-flow
        text: {{en: The identity path carries gradients to early layers., zh: 恒等路径把梯度传到前面的层。}}
        phrases:
          en: ["gradient flow|carry|reach|propagate", "vanishing gradient"]
          zh: ["梯度 传|回传|流", "梯度消失"]
        avoid:                         # optional: a sentence with the wrong version earns nothing
          en: ["more parameter"]
          zh: ["更多 参数"]
    follow_ups: []                     # ids of other open questions; `when: missed|covered` with `point: ID`
    explanation:
      en: He et al. 2016, Figure 1 and Section 3.1.
      zh: 见 He 等人 2016 年论文图 1 与 3.1 节。
    tags: [resnet]
    difficulty: 3

  - id: {qid}-code-softmax
    type: code                         # graded by running code: `quizcli practice {qid}-code-softmax`
    exercise: {bid}_softmax            # the folder demos/exercises/{bid}_softmax/ beside this file:
                                       #   starter.py, solution.py, grader.py (quizcli bank new writes them;
                                       #   they run only once you trust them: quizcli bank trust {bid}.yaml)
    prompt:
      en: Write a numerically stable softmax over the last axis.
      zh: 实现沿最后一维、数值稳定的 softmax。
    hints:                             # 1-5, shown one at a time, each more specific than the one before
      - en: Subtracting a constant from every logit does not change the result.
        zh: 每个 logit 都减去同一个常数，结果不变。
      - en: Subtract the maximum along the last axis (keepdim=True) before exp.
        zh: 在取 exp 之前，先减去最后一维上的最大值（keepdim=True）。
    explanation:
      en: exp overflows for logits above about 88 in float32; subtracting max(z) keeps every exponent at most 0.
      zh: float32 中 logit 超过约 88 时 exp 会溢出；先减去 max(z)，所有指数都不超过 0。
    tags: [basics]
    difficulty: 1
"""


# The exercise of the template's code question: demos/exercises/<bid>_softmax/ beside the bank.
_STARTER = '''"""A numerically stable softmax."""

import torch


def softmax(x: torch.Tensor) -> torch.Tensor:
    """softmax over the last axis of x (any shape, float32), finite for logits as large as 1000.

    Returns a tensor of x's shape whose last axis sums to 1. Do not use torch.softmax.
    """
    raise NotImplementedError
'''
_SOLUTION = '''"""Reference: subtract the maximum, then exp and normalize."""


def softmax(x):
    z = x - x.max(dim=-1, keepdim=True).values
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)
'''
_GRADER = '''"""Grader: softmax against torch.softmax (tests run in order; see demos/exercises/README.md of quizcli)."""

import torch

from quizcli.exercise import kit

ENTRY = "softmax"


def test_values(candidate, reference):
    """Random logits: the same as torch.softmax over the last axis."""
    x = kit.randn(4, 5, seed=0)
    kit.assert_close(candidate(x.clone()), torch.softmax(x, dim=-1), what="output", inputs="x (4, 5) seed 0")


def test_large_logits(candidate, reference):
    """Logits of 1000: no overflow (NaN) when the maximum is subtracted first."""
    x = torch.tensor([[1000.0, 999.0, 0.0]])
    kit.assert_close(candidate(x.clone()), torch.softmax(x, dim=-1), what="output", inputs="x [[1000, 999, 0]]")
'''


def new_exercise_files(bid: str) -> dict[str, str]:
    """The template's exercise files, by path relative to the bank's folder."""
    folder = f"demos/exercises/{bid}_softmax"
    return {f"{folder}/starter.py": _STARTER, f"{folder}/solution.py": _SOLUTION, f"{folder}/grader.py": _GRADER}
