"""Interview question: write the BN formula. Why the learnable gamma and beta?

Part 1 computes Algorithm 1 of Ioffe & Szegedy 2015 by hand (batch mean,
biased batch variance, normalize, scale and shift) and compares it with
torch.nn.BatchNorm1d in training mode. Part 2 shows why gamma and beta are
there: the layer sigmoid(BN(w.x)) must fit targets sigmoid(3 z + 1.5), whose
best pre-activation is not N(0, 1). Without gamma and beta the normalized
value is stuck at mean 0, std 1; with them the layer learns the scale and
shift. Gamma and beta can even undo the normalization (the identity).
"""

from __future__ import annotations

ARMS = {"no gamma/beta": {"en": "no gamma/beta", "zh": "无 gamma/beta"},
        "gamma/beta": {"en": "gamma/beta", "zh": "有 gamma/beta"}}

META = {
    "id": "bn_formula_gamma_beta",
    "title": {"en": "The BN formula and why gamma and beta are learned",
              "zh": "BN 公式，以及为何要学习 gamma 和 beta"},
    "claim": {"en": "BN normalizes with the batch mean and variance, then scales and shifts with two learnable "
                    "parameters, because zero mean and unit variance is not necessarily the best distribution.",
              "zh": "BN 用 batch 的均值和方差做标准化，再用两个可学习参数缩放和平移，因为减均值除方差后的分布未必最好。"},
    "claims": ["bn_formula_gamma_beta"],
    "verdict": "true",
    "treatment": {"en": "learnable gamma and beta (off: BatchNorm1d(affine=False) in both arms)",
                  "zh": "可学习的 gamma 和 beta（关闭：两组都用 affine=False）"},
    "long": False,
}

N, DIM = 256, 8        # data points, input size
STEPS, LR = 300, 1.0   # full-batch SGD on the binary cross-entropy
TARGET_SCALE, TARGET_SHIFT = 3.0, 1.5   # targets = sigmoid(3 z + 1.5), z standardized


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)

    # Part 1: Algorithm 1 by hand vs nn.BatchNorm1d (training mode).
    eps = 1e-5
    h = 2.0 + 3.0 * torch.randn(32, 5, generator=g)
    bn = nn.BatchNorm1d(5, eps=eps)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(5, generator=g) + 0.5)
        bn.bias.copy_(torch.randn(5, generator=g))
    mu = h.mean(0)
    var = ((h - mu) ** 2).mean(0)                   # biased: divides by m
    by_hand = bn.weight.detach() * (h - mu) / torch.sqrt(var + eps) + bn.bias.detach()
    formula_err = (bn(h) - by_hand).abs().max().item()
    # gamma = sqrt(var + eps), beta = mu turns BN into the identity.
    with torch.no_grad():
        bn.weight.copy_(torch.sqrt(var + eps))
        bn.bias.copy_(mu)
        identity_err = (bn(h) - h).abs().max().item()
    ctx.progress(0.1, "formula checked")

    # Part 2: a layer that needs a pre-activation other than N(0, 1).
    x = torch.randn(N, DIM, generator=g)
    w_true = torch.randn(DIM, generator=g)
    z = x @ w_true
    z = (z - z.mean()) / z.std()
    target = torch.sigmoid(TARGET_SCALE * z + TARGET_SHIFT)
    # Best possible BCE = the targets' own entropy; report the excess over it.
    floor = nn.functional.binary_cross_entropy(target, target).item()

    results = {}
    for i, (arm, affine) in enumerate((("no gamma/beta", False), ("gamma/beta", ctx.treatment))):
        with kit.fork_rng(ctx, 1):
            model = nn.Sequential(nn.Linear(DIM, 1, bias=False), nn.BatchNorm1d(1, affine=affine))
        params = list(model.parameters())
        losses = []
        for step in range(STEPS):
            loss = nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(1), target)
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= LR * p.grad
            # Clamped: the excess is drawn on a log axis and can round below 0.
            losses.append(max(loss.item() - floor, 1e-9))
        ctx.progress(0.1 + 0.45 * (i + 1), arm)
        bnl = model[1]
        results[arm] = {
            "losses": losses,
            "excess": losses[-1],
            "gamma": bnl.weight.item() if affine else 1.0,
            "beta": bnl.bias.item() if affine else 0.0,
        }
    plain, learned = results["no gamma/beta"], results["gamma/beta"]
    checks = [
        Check({"en": "hand-written Algorithm 1 = nn.BatchNorm1d (max abs diff)",
               "zh": "手写的算法 1 = nn.BatchNorm1d（最大绝对差）"}, formula_err, "<", 1e-5),
        Check({"en": "gamma=sqrt(var+eps), beta=mean gives the identity (max abs diff)",
               "zh": "gamma=sqrt(var+eps)、beta=mean 时还原恒等映射（最大绝对差）"}, identity_err, "<", 1e-4),
        Check({"en": "excess loss with gamma/beta < 0.1 x without", "zh": "有 gamma/beta 的超额损失 < 0.1 × 没有时"},
              learned["excess"], "<", plain["excess"], factor=0.1),
    ]
    rows = [[ARMS[arm], f"{r['excess']:.4f}", round(r["gamma"], 3), round(r["beta"], 3)] for arm, r in results.items()]
    rows.append([{"en": "target", "zh": "目标"}, "0", TARGET_SCALE, TARGET_SHIFT])
    curves = [kit.curve({"en": "excess BCE over the best possible", "zh": "超出最优值的 BCE"}, {"en": "step", "zh": "步数"},
                        {"en": "excess loss", "zh": "超额损失"},
                        {arm: r["losses"] for arm, r in results.items()}, log_y=True)]
    finding = {
        "en": (f"Algorithm 1 by hand matches nn.BatchNorm1d to {formula_err:.1e}. The target needs the "
               f"pre-activation 3z + 1.5: with gamma and beta the layer learned gamma={learned['gamma']:.2f}, "
               f"beta={learned['beta']:.2f} and an excess loss of {learned['excess']:.4f}; without them the "
               f"output is stuck at mean 0, std 1 and the excess loss stays at {plain['excess']:.4f}."),
        "zh": (f"手写的算法 1 与 nn.BatchNorm1d 的差为 {formula_err:.1e}。目标需要的预激活是 3z+1.5："
               f"有 gamma/beta 时学到 gamma={learned['gamma']:.2f}、beta={learned['beta']:.2f}，超额损失 "
               f"{learned['excess']:.4f}；没有它们时输出被固定为均值 0、方差 1，超额损失停在 {plain['excess']:.4f}。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "n": N, "dim": DIM, "steps": STEPS, "lr": LR,
                  "eps": eps},
        table=Table([{"en": "BN layer", "zh": "BN 层"}, {"en": "excess BCE", "zh": "超额 BCE"},
                     {"en": "gamma", "zh": "gamma"}, {"en": "beta", "zh": "beta"}], rows),
        checks=checks, finding=finding, curves=curves,
        labels={**ARMS, "n": {"en": "n", "zh": "样本数"}, "eps": {"en": "eps", "zh": "eps"}},
    )
