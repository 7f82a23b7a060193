"""Interview question: the article says to train G with flipped labels (fakes
labelled real, and real images labelled fake). What does that do?

Two parts. (1) Labelling G's fakes as real in G's BCE loss is exactly the
non-saturating loss -log D(G(z)) (Goodfellow et al. 2014): the gradients are
identical, and unlike the minimax loss they do not vanish when D is
confident. This half is sound and is how every GAN codebase trains G.
(2) Labelling the real images as fake as well: if D is trained with swapped
labels and G still aims at the label "real", G is pulled towards what D now
calls real, its own fakes, and never reaches the data. Swapping every label
consistently (G aiming at D's new "real" label) is only a renaming and trains
like the standard GAN. A one-dimensional GAN: data N(2, 0.5), affine G from
N(-2, 0.5), MLP D, SGD for G.
"""
from __future__ import annotations


META = {
    "id": "gan_flip_labels_for_g",
    "title": {"en": "Flipped labels for G: the non-saturating loss, not a swap of real and fake",
              "zh": "为生成器反转标签：就是非饱和损失，而不是真假互换"},
    "claim": {"en": "In practice it is more convenient to train the generator with flipped labels: label generated images as real, and real images as fake.",
              "zh": "实际工程中用反转标签来训练生成器更加方便，即把生成的图片当成 real 的标签来训练，把真实的图片当成 fake 来训练。"},
    "claims": ["gan_flip_labels_for_g"],
    "verdict": "nuanced",
    "treatment": {"en": "G's loss is BCE with its fakes labelled real (off: G ascends D's loss, the minimax loss)",
                  "zh": "生成器的损失是把生成样本标为真的 BCE（关闭：生成器最大化判别器的损失，即 minimax 损失）"},
    "long": False,
}

STEPS = 150         # G steps, one D step each
PRETRAIN = 100      # D steps before G starts: D already rejects the fakes
LR_G = 0.05         # plain SGD for G
BATCH, HIDDEN = 64, 16
# Part 1 compares the gradients of the expected losses, so it averages over many z, not one
# batch: the minimax gradient sigma(l) comes from the few fakes D is least sure of (the
# right tail of G's samples), so over one batch of 64 its size hangs on the batch's largest z
# (seed 34: 83 x, against 465 x over 16384 draws; seeds 0-59 over 16384: 425 x at the least).
GRAD_SAMPLES = 16384


def _toy():
    """demos/_gan_toy.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_gan_toy.py")


def run(ctx):
    import torch

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    toy = _toy()
    flip_loss = "flip" if ctx.treatment else "minimax"

    # Part 1: the same confident D and the same G, three G losses, their gradients.
    torch.manual_seed(ctx.seed)
    d = toy.train(toy.ToyConfig(steps=0, batch=BATCH, hidden=HIDDEN, d_pretrain=PRETRAIN), kit.generator(ctx, 1))["d"]
    z = torch.randn(GRAD_SAMPLES, 1, generator=kit.generator(ctx, 2))

    def g_grad(loss: str) -> torch.Tensor:
        g = toy.AffineG(-2.0, 0.5)
        toy.g_loss_fn(loss, d(g(z))).sum().backward()
        return torch.cat([g.b.grad.flatten(), g.s.grad.flatten()])

    g_mm, g_ns, g_flip = g_grad("minimax"), g_grad("ns"), g_grad(flip_loss)
    gap = (g_flip - g_ns).abs().max().item()
    ctx.progress(0.2, "gradients of the three G losses")

    # Part 2: training with the labels swapped for D too.
    base = dict(steps=STEPS, batch=BATCH, hidden=HIDDEN, d_pretrain=PRETRAIN, opt_g="sgd", lr_g=LR_G)
    arms = {
        "standard: D real=1 fake=0, G fakes labelled real": toy.ToyConfig(g_loss=flip_loss, **base),
        "article: D real=0 fake=1, G fakes labelled real": toy.ToyConfig(
            g_loss=flip_loss, real_label=(0.0, 0.0), fake_label=(1.0, 1.0), **base),
        "renaming: D real=0 fake=1, G fakes labelled 0": toy.ToyConfig(
            g_loss=flip_loss, g_target=0.0, real_label=(0.0, 0.0), fake_label=(1.0, 1.0), **base),
    }
    runs = {}
    for i, (name, cfg) in enumerate(arms.items()):
        torch.manual_seed(ctx.seed)
        runs[name] = toy.train(cfg, kit.generator(ctx, 3))
        ctx.progress(0.2 + 0.8 * (i + 1) / len(arms), name)
    w1 = {n: toy.tail_mean(r["w1"]) for n, r in runs.items()}
    std, article, renamed = (w1[n] for n in arms)
    w1_start = runs[next(iter(arms))]["w1"][0]

    rows = [[{"en": "gradient: minimax log(1 - D(G(z)))", "zh": "梯度：minimax log(1 - D(G(z)))"}, f"{g_mm.norm().item():.2e}", "-"],
            [{"en": "gradient: BCE, fakes labelled real", "zh": "梯度：BCE，生成样本标为真"}, f"{g_flip.norm().item():.2e}", "-"],
            [{"en": "gradient: non-saturating -log D(G(z))", "zh": "梯度：非饱和 -log D(G(z))"}, f"{g_ns.norm().item():.2e}", "-"]]
    names = {"standard: D real=1 fake=0, G fakes labelled real":
             {"en": "standard: D real=1 fake=0, G fakes labelled real", "zh": "标准做法：判别器 真=1 假=0，生成器把生成样本标为真"},
             "article: D real=0 fake=1, G fakes labelled real":
             {"en": "article: D real=0 fake=1, G fakes labelled real", "zh": "原文做法：判别器 真=0 假=1，生成器把生成样本标为真"},
             "renaming: D real=0 fake=1, G fakes labelled 0":
             {"en": "renaming: D real=0 fake=1, G fakes labelled 0", "zh": "改名：判别器 真=0 假=1，生成器把生成样本标为 0"}}
    rows += [[{"en": f"training: {n}", "zh": f"训练：{names[n]['zh']}"}, "-", round(w1[n], 3)] for n in arms]
    checks = [
        Check({"en": "fakes-labelled-real BCE and -log D(G(z)) give the same gradient: max |difference| < 1e-6", "zh": "把生成样本标为真的 BCE 与 -log D(G(z)) 梯度相同：最大 |差值| < 1e-6"},
              gap, "<", 1e-6),
        Check({"en": "its gradient > 100 x the minimax gradient (confident D)", "zh": "其梯度 > 100 × minimax 的梯度（判别器很自信时）"}, g_flip.norm().item(), ">",
              g_mm.norm().item(), factor=100),
        Check({"en": "real images labelled fake for D as well: W1 to data stays > 0.9 x start", "zh": "训练判别器时也把真实图片标为假：到数据的 W1 仍 > 0.9 × 起点"}, article, ">", w1_start, factor=0.9),
        Check({"en": "all labels swapped consistently (a renaming): W1 < 0.1 x start", "zh": "所有标签一致地互换（只是改名）：W1 < 0.1 × 起点"}, renamed, "<", w1_start, factor=0.1),
    ]
    return DemoResult(
        settings={"data": toy.DATA, "G": toy.G_AFFINE,
                  "D": toy.mlp_d(HIDDEN, toy.d_ahead(PRETRAIN)),
                  "G optimizer": toy.sgd(LR_G), "steps": STEPS, "batch": BATCH,
                  "gradients": {"en": f"of the mean loss over {GRAD_SAMPLES} draws of z",
                                "zh": f"对 {GRAD_SAMPLES} 个 z 样本的平均损失求梯度"},
                  "distance": toy.DISTANCE},
        table=Table(columns=[{"en": "what", "zh": "对象"}, {"en": "|gradient of G|", "zh": "|生成器梯度|"}, toy.W1_END], rows=rows),
        labels={**toy.LABELS, **names, "gradients": {"en": "gradients", "zh": "梯度"}},
        checks=checks,
        finding={
            "en": (f"Labelling fakes as real in G's BCE gives the gradient of -log D(G(z)) (largest difference "
                   f"{gap:.1e}); against a confident D its size is {g_flip.norm().item():.1e} against "
                   f"{g_mm.norm().item():.1e} for the minimax loss. Also labelling real images as fake when training D "
                   f"leaves G at W1 = {article:.2f} from the data (start {w1_start:.2f}): G chases what D now calls real, "
                   f"its own fakes. Swapping every label consistently is a renaming (W1 = {renamed:.3f}, standard "
                   f"{std:.3f}). Flip the labels in G's loss only."),
            "zh": (f"在生成器的 BCE 中把生成样本标为真，得到的就是 -log D(G(z)) 的梯度（最大差 {gap:.1e}）；面对自信的判别器，"
                   f"它的大小为 {g_flip.norm().item():.1e}，而 minimax 损失只有 {g_mm.norm().item():.1e}。如果训练判别器时也把真实图片"
                   f"标为假，生成器最终距数据 W1 = {article:.2f}（起点 {w1_start:.2f}）：它追逐的是判别器现在称为真的东西，也就是它自己的"
                   f"生成样本。把所有标签一致地互换只是改了名字（W1 = {renamed:.3f}，标准做法 {std:.3f}）。只在生成器的损失里反转标签。"),
        },
        curves=[Curve(title=toy.W1_TITLE, x_label=toy.G_STEP, y_label=toy.W1,
                      x=toy.x_axis(STEPS), series={n: toy.thin(r["w1"], STEPS) for n, r in runs.items()})],
    )
