"""Interview question: the article recommends soft labels, real in [0.7, 1.2]
and fake in [0, 0.3]. Is that a good recipe?

No, as written. Two measurements. (1) A BCE target above 1 makes the loss
unbounded below: for a sample labelled 1.2 the gradient on its logit,
sigmoid(l) - 1.2, is never 0, so a D that can tell its training samples
apart drives their logits to infinity and its loss below 0, which no valid
BCE can reach. (2) Smoothing the fake labels moves D's optimum to
(a p_data + b p_model) / (p_data + p_model): where G puts samples, D's
target is pulled towards "real", and G is not pushed to the data (Salimans
et al. 2016, section 3.4). Training a one-dimensional GAN (data N(2, 0.5),
affine G from N(-2, 0.5), MLP D) with the article's labels is measured
against hard labels and against one-sided smoothing (real 0.9, fake 0), the
recipe of Salimans et al. 2016 and Goodfellow 2016.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

META = {
    "id": "gan_soft_labels_range",
    "title": {"en": "Soft labels in [0.7, 1.2] and [0, 0.3]: use one-sided smoothing instead",
              "zh": "[0.7, 1.2] 与 [0, 0.3] 的软标签：应改用单边平滑"},
    "claim": {"en": "Use soft labels: random values in [0.7, 1.2] for real and [0, 0.3] for fake instead of hard labels.",
              "zh": "使用软标签，即用 [0.7, 1.2] 和 [0, 0.3] 两个区间的随机值来代替正样本和负样本的硬标签。"},
    "claims": ["gan_soft_labels_range"],
    "verdict": "false",
    "treatment": {"en": "the article's labels: real ~ U[0.7, 1.2], fake ~ U[0, 0.3] (off: one-sided smoothing, real 0.9, fake 0)",
                  "zh": "文章的标签：真 ~ U[0.7, 1.2]，假 ~ U[0, 0.3]（关闭：单边平滑，真 0.9，假 0）"},
    "long": False,
}

STEPS = 200          # G steps in the GAN runs, one D step each
BATCH, HIDDEN = 64, 16
REPLICAS = 4         # independent GAN runs per arm, trained side by side; W1 is their mean
MEMO_STEPS = 600     # D steps in the memorization test (300: seed 14 had not memorized yet)
MEMO_N, MEMO_DIM = 64, 16   # a fixed training set that a small MLP can memorize
# D's loss in the memorization test is the median over its last MEMO_TAIL steps, not the last
# step's: as the logits grow, Adam now and then overshoots and the full-batch loss jumps up for
# a few steps before it falls again (seed 32: -0.35 at step 500, +0.43 at step 600, median of
# the last 100 steps -0.54). With targets in [0, 1] no step can go below 0, so neither can the median.
MEMO_TAIL = 100


def _toy():
    """demos/_gan_toy.py, loaded by path like the demo itself."""
    name = "_quizcli_demos_gan_toy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("_gan_toy.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def run(ctx):
    import torch

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    toy = _toy()

    article = ((0.7, 1.2), (0.0, 0.3)) if ctx.treatment else ((0.9, 0.9), (0.0, 0.0))

    # (1) A D that can memorize its samples, each with the label drawn for it once.
    gen = kit.generator(ctx, 2)
    real = torch.randn(MEMO_N, MEMO_DIM, generator=gen) + 0.5
    fake = torch.randn(MEMO_N, MEMO_DIM, generator=gen) - 0.5
    memo_arms = {"article's labels, fixed per sample": (article, False),
                 "article's labels, redrawn every step": (article, True),
                 "one-sided: real 0.9, fake 0": (((0.9, 0.9), (0.0, 0.0)), False)}
    # The three Ds train side by side as one batched computation, each from the same initialization.
    A = len(memo_arms)
    torch.manual_seed(ctx.seed)
    init = torch.nn.Sequential(torch.nn.Linear(MEMO_DIM, 64), torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 1))
    w1_, b1_, w2_, b2_ = (t.detach().unsqueeze(0).repeat(A, 1, 1).requires_grad_()
                          for t in (init[0].weight.T, init[0].bias[None], init[2].weight.T, init[2].bias[None]))

    def d_memo(x):
        h = torch.nn.functional.leaky_relu(torch.baddbmm(b1_, x.expand(A, -1, -1), w1_), 0.2)
        return torch.baddbmm(b2_, h, w2_)

    opt = toy.optimizer("adam", [w1_, b1_, w2_, b2_], 0.01)
    label_gen = kit.generator(ctx, 3)
    ranges = [labs for labs, _ in memo_arms.values()]
    redraw = torch.tensor([r for _, r in memo_arms.values()]).view(A, 1, 1)

    def draw():
        y_r = torch.stack([toy.labels(MEMO_N, r, label_gen) for r, _ in ranges])
        y_f = torch.stack([toy.labels(MEMO_N, f, label_gen) for _, f in ranges])
        return y_r, y_f

    y_r, y_f = draw()
    losses = []        # D's loss per arm at each step
    for _ in range(MEMO_STEPS):
        new_r, new_f = draw()
        y_r, y_f = torch.where(redraw, new_r, y_r), torch.where(redraw, new_f, y_f)
        loss = toy.bce(d_memo(real), y_r).mean(dim=(1, 2)) + toy.bce(d_memo(fake), y_f).mean(dim=(1, 2))
        opt.zero_grad()
        loss.sum().backward()      # the arms share no parameter: each gets its own gradient
        opt.step()
        losses.append(loss.detach())
    max_logit = d_memo(real).amax(dim=(1, 2))
    tail_loss = torch.stack(losses[-MEMO_TAIL:]).median(dim=0).values
    memo = {name: {"loss": tail_loss[i].item(), "max_logit": max_logit[i].item()} for i, name in enumerate(memo_arms)}
    ctx.progress(0.3, "memorization test")

    # (2) GAN training with three labelling schemes.
    arms = {
        "hard: real 1, fake 0": ((1.0, 1.0), (0.0, 0.0)),
        "one-sided: real 0.9, fake 0": ((0.9, 0.9), (0.0, 0.0)),
        "article: real U[0.7,1.2], fake U[0,0.3]": article,
    }
    # All arms' GANs (REPLICAS each) train side by side as one batched computation: replica r
    # belongs to arm r // REPLICAS, and each label bound is a per-replica [R, 1, 1] tensor.
    R = REPLICAS * len(arms)

    def bound(side, end):
        return torch.tensor([labs[side][end] for labs in arms.values()]).repeat_interleave(REPLICAS).view(R, 1, 1)

    real_lo, real_hi, fake_lo, fake_hi = bound(0, 0), bound(0, 1), bound(1, 0), bound(1, 1)
    cfg = toy.ToyConfig()      # G's start and the learning rates
    torch.manual_seed(ctx.seed)
    d = toy.ReplicaMLP(R, HIDDEN)
    with torch.no_grad():      # every arm starts from the same REPLICAS discriminators
        for p in d.parameters():
            p.copy_(p[:REPLICAS].repeat(len(arms), 1, 1))
    g = toy.AffineG(cfg.g_mean0, cfg.g_std0, R)
    opt_d, opt_g = toy.optimizer("adam", d.parameters(), cfg.lr_d), toy.optimizer("adam", g.parameters(), cfg.lr_g)
    gen = kit.generator(ctx, 1)

    def noise():
        # One draw per replica of an arm, repeated for every arm: all arms see the same data stream.
        return torch.randn(REPLICAS, BATCH, 1, generator=gen).repeat(len(arms), 1, 1)

    curves = {n: [] for n in arms}
    for step in range(STEPS):
        real = toy.REAL_MEAN + toy.REAL_STD * noise()
        with torch.no_grad():
            fake = g(noise())
        u_r, u_f = (torch.rand(REPLICAS, BATCH, 1, generator=gen).repeat(len(arms), 1, 1) for _ in range(2))
        y_r, y_f = real_lo + (real_hi - real_lo) * u_r, fake_lo + (fake_hi - fake_lo) * u_f
        d_loss = toy.bce(d(real), y_r).mean(dim=(1, 2)) + toy.bce(d(fake), y_f).mean(dim=(1, 2))
        opt_d.zero_grad()
        d_loss.sum().backward()    # replicas share no parameters: each gets its own gradient
        opt_d.step()
        logits = d(g(noise()))
        opt_g.zero_grad()
        toy.g_loss_fn("ns", logits).sum().backward()
        each = [toy.w1_to_data(b, s) for b, s in zip(g.b.detach().flatten().tolist(), g.s.detach().flatten().tolist())]
        for i, n in enumerate(arms):
            curves[n].append(sum(each[i * REPLICAS:(i + 1) * REPLICAS]) / REPLICAS)
        opt_g.step()
        if (step + 1) % 50 == 0:
            ctx.progress(0.3 + 0.7 * (step + 1) / STEPS, "GAN training")
    w1 = {n: toy.tail_mean(c) for n, c in curves.items()}
    hard, one_sided, art = (w1[n] for n in arms)
    fixed, redrawn, os_memo = (memo[n] for n in memo)
    zh = {"article's labels, fixed per sample": "文章的标签，每个样本固定",
          "article's labels, redrawn every step": "文章的标签，每步重新抽取",
          "one-sided: real 0.9, fake 0": "单边平滑：真 0.9，假 0",
          "hard: real 1, fake 0": "硬标签：真 1，假 0",
          "article: real U[0.7,1.2], fake U[0,0.3]": "文章：真 U[0.7,1.2]，假 U[0,0.3]"}
    names = {n: {"en": n, "zh": zh[n]} for n in arms}
    rows = [[{"en": f"D alone, {n}", "zh": f"只训练判别器，{zh[n]}"}, round(m["loss"], 3), round(m["max_logit"], 1), "-"]
            for n, m in memo.items()]
    rows += [[{"en": f"GAN, {n}", "zh": f"GAN，{zh[n]}"}, "-", "-", round(w1[n], 3)] for n in arms]
    checks = [
        Check({"en": f"labels > 1 fixed per sample: D's BCE (median of the last {MEMO_TAIL} steps) goes below 0 "
                     "(impossible for targets in [0, 1])",
               "zh": f"每个样本固定、标签 > 1：判别器的 BCE（最后 {MEMO_TAIL} 步的中位数）降到 0 以下（目标在 [0, 1] 内时不可能）"},
              fixed["loss"], "<", 0.0),
        Check({"en": "labels > 1 fixed per sample: largest real logit > 10 x one-sided's",
               "zh": "每个样本固定、标签 > 1：真实样本的最大 logit > 10 × 单边平滑的"},
              fixed["max_logit"], ">", os_memo["max_logit"], factor=10),
        Check({"en": "GAN: W1 to data with the article's labels > 2 x with one-sided smoothing",
               "zh": "GAN：用文章的标签时到数据的 W1 > 2 × 单边标签平滑时"}, art, ">", one_sided, factor=2),
    ]
    return DemoResult(
        settings={"data": toy.DATA, "G": toy.G_AFFINE,
                  "D": {"en": f"MLP 1-{HIDDEN}-{HIDDEN}-1 LeakyReLU", "zh": f"MLP 1-{HIDDEN}-{HIDDEN}-1，LeakyReLU"},
                  "steps": STEPS, "batch": BATCH,
                  "distance": toy.DISTANCE,
                  "runs per arm": toy.runs_per_arm(REPLICAS), "D optimizer": toy.adam(0.02), "G optimizer": toy.adam(0.02),
                  "memorization test": {"en": f"{MEMO_N} real and {MEMO_N} fake points in {MEMO_DIM}-D, MLP {MEMO_DIM}-64-1, "
                                              f"{MEMO_STEPS} Adam steps, loss: median of the last {MEMO_TAIL}",
                                        "zh": f"{MEMO_DIM} 维中 {MEMO_N} 个真实点和 {MEMO_N} 个生成点，MLP {MEMO_DIM}-64-1，"
                                              f"{MEMO_STEPS} 步 Adam，损失取最后 {MEMO_TAIL} 步的中位数"}},
        labels={**toy.LABELS, **names, "memorization test": {"en": "memorization test", "zh": "记忆测试"}},
        table=Table(columns=[{"en": "run", "zh": "运行"},
                             {"en": f"D loss, median of the last {MEMO_TAIL} steps",
                              "zh": f"判别器损失，最后 {MEMO_TAIL} 步的中位数"},
                             {"en": "largest real logit", "zh": "真实样本的最大 logit"}, toy.W1_END], rows=rows),
        checks=checks,
        finding={
            "en": (f"With labels up to 1.2 kept per sample, D's BCE falls to {fixed['loss']:.2f} (median of the last "
                   f"{MEMO_TAIL} steps, below 0) and a real logit "
                   f"reaches {fixed['max_logit']:.0f}, against {os_memo['max_logit']:.1f} with one-sided smoothing; redrawn "
                   f"every step the labels average 0.95 and the logit stays at {redrawn['max_logit']:.1f}, so the part above "
                   f"1 is at best pointless. In GAN training the article's labels leave G at W1 = {art:.2f} from the data, "
                   f"against {one_sided:.2f} with one-sided smoothing and {hard:.2f} with hard labels: smoothing the fake "
                   "labels tells D that G's samples are partly real. Use one-sided smoothing (real 0.9, fake 0)."),
            "zh": (f"标签最高到 1.2 且每个样本固定时，判别器的 BCE 降到 {fixed['loss']:.2f}（最后 "
                   f"{MEMO_TAIL} 步的中位数，低于 0），真实样本的 logit 达到 "
                   f"{fixed['max_logit']:.0f}，而单边平滑只有 {os_memo['max_logit']:.1f}；若每步重新抽取，标签均值为 0.95，logit 停在 "
                   f"{redrawn['max_logit']:.1f}，所以大于 1 的部分充其量毫无意义。在 GAN 训练中，文章的标签使生成器最终距数据 "
                   f"W1 = {art:.2f}，单边平滑为 {one_sided:.2f}，硬标签为 {hard:.2f}：平滑假标签等于告诉判别器生成样本部分是真的。"
                   "应使用单边平滑（真 0.9，假 0）。"),
        },
        curves=[Curve(title=toy.W1_TITLE, x_label=toy.G_STEP, y_label=toy.W1,
                      x=toy.x_axis(STEPS), series={n: toy.thin(c, STEPS) for n, c in curves.items()})],
    )
