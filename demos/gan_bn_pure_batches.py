"""Interview question: with BatchNorm in the discriminator, why keep each
mini-batch all-real or all-fake, and what are the alternatives?

A discriminator with BatchNorm (in training mode, as during GAN training)
normalizes each batch with that batch's own mean and variance. With pure
batches, whatever differs between the real batch and the fake batch at the
level of those statistics is normalized away before D can use it; with mixed
batches D's answer for one sample depends on the other samples in its batch.
Here fake data differ from real data by a mean shift only. The same D is
trained with BatchNorm on pure batches, with BatchNorm on mixed batches, and
with LayerNorm (per sample, as WGAN-GP recommends for the critic), and each
is checked for two things: can it tell real from fake, and does its output
for one sample change when the rest of the batch changes?
"""

from __future__ import annotations

META = {
    "id": "gan_bn_pure_batches",
    "title": {"en": "BatchNorm in D: pure batches hide batch statistics, mixed batches couple samples",
              "zh": "判别器中的 BN：纯批次隐藏批统计量，混合批次让样本相互耦合"},
    "claim": {"en": "Use BatchNorm with mini-batches of only real or only fake data, never mixed; if BatchNorm is not possible, use instance normalization.",
              "zh": "一个 mini-batch 中必须只有 real 数据或者 fake 数据，不要混在一起训练；能用 BatchNorm 就用，不能用则用 instance normalization。"},
    "claims": ["gan_bn_pure_batches"],
    "verdict": "nuanced",
    "treatment": {"en": "BatchNorm in D (off: LayerNorm in every arm)",
                  "zh": "判别器中使用 BatchNorm（关闭：所有分支都用 LayerNorm）"},
    "long": False,
}

DIM = 8          # data dimension
SHIFT = 1.0      # fake = real-like data shifted by SHIFT in every coordinate
WIDTH = 32
BATCH = 64
STEPS = 200      # D training steps
LR = 0.01        # Adam


def run(ctx):
    import torch
    import torch.nn.functional as F
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    gen = kit.generator(ctx, 1)

    def real(n):
        return torch.randn(n, DIM, generator=gen)

    def fake(n):
        return torch.randn(n, DIM, generator=gen) + SHIFT

    def make(norm: str) -> nn.Module:
        torch.manual_seed(ctx.seed)   # the same weights for every arm
        layer = nn.BatchNorm1d(WIDTH) if norm == "bn" else nn.LayerNorm(WIDTH)
        return nn.Sequential(nn.Linear(DIM, WIDTH), layer, nn.LeakyReLU(0.2), nn.Linear(WIDTH, 1))

    bn = "bn" if ctx.treatment else "ln"
    arms = {"BatchNorm, pure batches": (bn, "pure"), "BatchNorm, mixed batches": (bn, "mixed"),
            "LayerNorm": ("ln", "pure")}
    out = {}
    for ai, (name, (norm, batching)) in enumerate(arms.items()):
        d = make(norm).train()
        params = list(d.parameters())
        opt = kit.Adam(params, LR, betas=(0.5, 0.999))

        def logits(r, f):
            if batching == "pure":          # two forward passes: each batch normalized on its own
                return d(r), d(f)
            both = d(torch.cat([r, f]))     # one forward pass over the mixed batch
            return both[: len(r)], both[len(r):]

        for _ in range(STEPS):
            l_r, l_f = logits(real(BATCH), fake(BATCH))
            loss = F.softplus(-l_r).mean() + F.softplus(l_f).mean()
            opt.step(torch.autograd.grad(loss, params))
        with torch.no_grad():
            # Accuracy on fresh batches, fed the way D was trained (training-mode normalization).
            correct = total = 0
            for _ in range(20):
                l_r, l_f = logits(real(BATCH), fake(BATCH))
                correct += (l_r > 0).sum().item() + (l_f < 0).sum().item()
                total += 2 * BATCH
            # Coupling: one fixed real sample, two different batches of companions.
            x0 = real(1)
            a = d(torch.cat([x0, real(BATCH - 1)]))[0].item()
            b = d(torch.cat([x0, real(BATCH - 1) + SHIFT]))[0].item()
        out[name] = {"acc": correct / total, "coupling": abs(a - b)}
        ctx.progress((ai + 1) / len(arms), name)

    pure, mixed, ln = (out[n] for n in arms)
    rows = [[n, round(o["acc"], 3), f"{o['coupling']:.2e}"] for n, o in out.items()]
    checks = [
        Check("BatchNorm, pure batches: accuracy real vs fake < 0.65 (the mean shift is normalized away)",
              pure["acc"], "<", 0.65),
        # As an error rate, so that the margin is relative to the 15% allowed.
        Check("LayerNorm: error < 0.15", 1 - ln["acc"], "<", 0.15),
        Check("BatchNorm, mixed batches: a sample's logit moves > 0.01 when its batch-mates change",
              mixed["coupling"], ">", 0.01),
        Check("LayerNorm: a sample's logit does not depend on its batch-mates (< 1e-5)", ln["coupling"], "<", 1e-5),
    ]
    return DemoResult(
        settings={"real": f"N(0, I_{DIM})", "fake": f"N({SHIFT}, I_{DIM}): a mean shift only",
                  "D": f"Linear {DIM}-{WIDTH} -> norm -> LeakyReLU -> Linear {WIDTH}-1, training mode",
                  "steps": STEPS, "batch": f"{BATCH} real + {BATCH} fake", "optimizer": f"Adam lr {LR}"},
        table=Table(columns=["D", "accuracy real vs fake", "logit change of one sample, other batch"], rows=rows),
        checks=checks,
        finding={
            "en": (f"With BatchNorm on pure batches D reaches {100 * pure['acc']:.0f}% accuracy: the only difference "
                   f"between real and fake, a mean shift, is removed by each batch's own normalization. With mixed "
                   f"batches it reaches {100 * mixed['acc']:.0f}%, but one sample's logit moves by {mixed['coupling']:.2f} "
                   f"when its batch-mates change. LayerNorm reaches {100 * ln['acc']:.0f}% with no coupling "
                   f"({ln['coupling']:.0e}). Pure batches are the DCGAN practice and work when deeper layers see other "
                   "differences, but BatchNorm in D has real costs; per-sample norms (layer norm, as in WGAN-GP) or "
                   "virtual BN avoid them."),
            "zh": (f"BatchNorm 配合纯批次时，判别器准确率只有 {100 * pure['acc']:.0f}%：真假数据唯一的差别（均值平移）被每个批次"
                   f"各自的归一化抹掉了。混合批次时准确率为 {100 * mixed['acc']:.0f}%，但同一样本的 logit 会随批内其他样本变化 "
                   f"{mixed['coupling']:.2f}。LayerNorm 准确率为 {100 * ln['acc']:.0f}%，且没有耦合（{ln['coupling']:.0e}）。"
                   "纯批次是 DCGAN 的做法，在更深的层能看到其他差异时可行；但判别器中的 BatchNorm 确有代价，"
                   "逐样本的归一化（如 WGAN-GP 用的 layer norm）或 virtual BN 可以避免。"),
        },
    )
