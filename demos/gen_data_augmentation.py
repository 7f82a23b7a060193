"""Interview question: does data augmentation improve generalization?

Four letter glyphs drawn in code, b, d, p and q, on an 11x11 canvas with
noise. The few training images show each letter in the centre; the test
images show it anywhere on the canvas. The same MLP is trained three ways:
without augmentation (control), with random shifts (label-preserving
treatment), and with random shifts plus random horizontal flips
(label-changing treatment: a flipped b is a d, a flipped p is a q). With the
treatment off neither augmented arm augments.
"""

from __future__ import annotations


import torch
from torch import nn

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

ARMS = {"none (control)": {"en": "none (control)", "zh": "不增强（对照）"},
        "shift (label-preserving)": {"en": "shift (label-preserving)", "zh": "平移（不改变标签）"},
        "shift + flip (label-changing)": {"en": "shift + flip (label-changing)", "zh": "平移 + 翻转（改变标签）"}}

META = {
    "id": "gen_data_augmentation",
    "title": {"en": "Augmentation: label-preserving shifts vs label-changing flips",
              "zh": "数据增强：保持标签的平移与改变标签的翻转"},
    "claim": {"en": "Data augmentation improves generalization.",
              "zh": "数据增强。"},
    "claims": ["gen_data_augmentation"],
    "verdict": "nuanced",
    "treatment": {"en": "random shifts (label-preserving) and shifts plus horizontal flips (label-changing); off: no augmentation",
                  "zh": "随机平移（保持标签）以及平移加水平翻转（改变标签）；关闭后不做增强"},
    "long": False,
    "refs": [
        "Krizhevsky et al. 2012, ImageNet classification with deep CNNs",
        "Shorten & Khoshgoftaar 2019, A survey on image data augmentation",
    ],
}

CANVAS = 11          # image side
PER_CLASS = 8        # training images per letter, all centred
N_TEST = 800         # test images, letter anywhere on the canvas
NOISE = 0.3          # pixel noise std
STEPS = 300          # Adam steps, full batch, a fresh augmentation each step
LR = 0.01
MAX_DR, MAX_DC = 2, 3  # shift range: the 7x5 glyph moves anywhere on the canvas

_B = [[1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [1, 1, 1, 1, 0],
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 1, 1, 1, 0]]
_P = [[1, 1, 1, 1, 0],
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 1, 1, 1, 0],
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0]]
# b and d, p and q are mirror images: that is the whole point.
LETTERS = ("b", "d", "p", "q")


def _glyphs() -> list[torch.Tensor]:
    """The letters' pixels, made in the run (on its device), in LETTERS' order."""
    b, p = torch.tensor(_B, dtype=torch.float32), torch.tensor(_P, dtype=torch.float32)
    return [b, b.flip(1), p, p.flip(1)]


def _render(labels: torch.Tensor, dr: torch.Tensor, dc: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    x = NOISE * torch.randn(len(labels), CANVAS * CANVAS, generator=g)
    glyphs = _glyphs()
    img = x.view(-1, CANVAS, CANVAS)
    for i, (k, r, c) in enumerate(zip(labels.tolist(), dr.tolist(), dc.tolist())):
        img[i, MAX_DR + r:MAX_DR + r + 7, MAX_DC + c:MAX_DC + c + 5] += glyphs[k]
    return x


def _augment(x: torch.Tensor, shift: bool, flip: bool, g: torch.Generator) -> torch.Tensor:
    n = len(x)
    img = x.view(n, CANVAS, CANVAS)
    dr = torch.randint(-MAX_DR, MAX_DR + 1, (n,), generator=g)
    dc = torch.randint(-MAX_DC, MAX_DC + 1, (n,), generator=g)
    flips = torch.rand(n, generator=g) < 0.5
    if flip:
        img = torch.where(flips[:, None, None], img.flip(2), img)
    if shift:
        # A roll by (dr, dc), one per image, as one gather. The centred glyph
        # has a margin of MAX_DR/MAX_DC, so rolling never wraps it.
        idx = torch.arange(CANVAS)
        rows = (idx[None, :] - dr[:, None]) % CANVAS
        cols = (idx[None, :] - dc[:, None]) % CANVAS
        img = img[torch.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return img.reshape(n, -1)


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    k = len(LETTERS)
    y = torch.arange(k).repeat(PER_CLASS)
    zeros = torch.zeros(len(y), dtype=torch.long)
    x = _render(y, zeros, zeros, g)
    y_test = torch.randint(0, k, (N_TEST,), generator=g)
    x_test = _render(y_test, torch.randint(-MAX_DR, MAX_DR + 1, (N_TEST,), generator=g),
                     torch.randint(-MAX_DC, MAX_DC + 1, (N_TEST,), generator=g), g)

    on = ctx.treatment
    arms = {"none (control)": (False, False),
            "shift (label-preserving)": (on, False),
            "shift + flip (label-changing)": (on, on)}
    rows, curves, acc = [], {}, {}
    for i, (name, (shift, flip)) in enumerate(arms.items()):
        ctx.progress(i / len(arms), f"training: {name}")
        torch.manual_seed(ctx.seed)
        aug_g = kit.generator(ctx, offset=1)  # the same augmentation stream in every arm
        net = nn.Sequential(nn.Linear(CANVAS * CANVAS, 64), nn.ReLU(), nn.Linear(64, k))
        opt = kit.Adam(net.parameters(), lr=LR)
        curve = []
        for step in range(STEPS):
            xb = _augment(x, shift, flip, aug_g) if (shift or flip) else x
            opt.zero_grad()
            nn.functional.cross_entropy(net(xb), y).backward()
            opt.step()
            if step % 10 == 9:
                with torch.no_grad():
                    curve.append((net(x_test).argmax(1) == y_test).float().mean().item())
        with torch.no_grad():
            pred = net(x_test).argmax(1)
            train_acc = (net(x).argmax(1) == y).float().mean().item()
        test_acc = (pred == y_test).float().mean().item()
        # How often a letter is mistaken for its own mirror image (b<->d, p<->q).
        mirror = (pred == (y_test ^ 1)).float().mean().item()
        acc[name] = test_acc
        curves[name] = curve
        rows.append([ARMS[name], round(train_acc, 4), round(test_acc, 4), round(mirror, 4)])
    ctx.progress(1.0, "done")

    a0, a1, a2 = acc.values()
    mirror_flip = rows[2][3]
    checks = [
        Check({"en": "test accuracy: shift augmentation > none + 0.15", "zh": "测试准确率：平移增强 > 不增强 + 0.15"},
              a1, ">", a0 + 0.15),
        Check({"en": "test accuracy: shift + flip < shift - 0.2", "zh": "测试准确率：平移 + 翻转 < 平移 − 0.2"}, a2, "<", a1 - 0.2),
    ]
    finding = {
        "en": (f"Trained on centred letters and tested anywhere on the canvas, the MLP scores {a0:.1%} without "
               f"augmentation and {a1:.1%} with random shifts, which do not change the label. Adding horizontal "
               f"flips, which turn b into d and p into q, drops it to {a2:.1%}: {mirror_flip:.0%} of the test letters "
               "are now read as their mirror image. Augmentation helps only when it preserves the label."),
        "zh": (f"用居中的字母训练、在画布任意位置测试：不做增强时 MLP 准确率 {a0:.1%}，加上不改变标签的随机平移后为 "
               f"{a1:.1%}。再加上水平翻转（b 变 d，p 变 q）后降到 {a2:.1%}：{mirror_flip:.0%} 的测试字母被认成了镜像字母。"
               "只有保持标签不变的增强才有帮助。"),
    }
    return DemoResult(
        settings={"canvas": CANVAS, "letters": list(LETTERS), "per_class": PER_CLASS, "n_test": N_TEST,
                  "noise": NOISE, "steps": STEPS, "lr": LR, "treatment": ctx.treatment},
        table=Table([{"en": "augmentation", "zh": "数据增强"}, {"en": "train accuracy", "zh": "训练准确率"},
                     {"en": "test accuracy", "zh": "测试准确率"}, {"en": "read as mirror letter", "zh": "被认成镜像字母"}], rows),
        checks=checks,
        finding=finding,
        curves=[Curve({"en": "Test accuracy (letters anywhere)", "zh": "测试准确率（字母位置任意）"}, {"en": "step", "zh": "步数"},
                      {"en": "accuracy", "zh": "准确率"}, [float(s) for s in range(10, STEPS + 1, 10)], curves)],
        labels={**ARMS, "canvas": {"en": "canvas", "zh": "画布边长"}, "letters": {"en": "letters", "zh": "字母"},
                "per_class": {"en": "per_class", "zh": "每类训练图数"}, "noise": {"en": "noise", "zh": "噪声标准差"}},
    )
