"""Interview question: does weight regularization (L2) improve generalization?

Two experiments, one treatment (an L2 penalty):

1. A plain over-parameterized model: regression on 100 random ReLU features
   with 100 noisy training points (the interpolation threshold, where an
   unregularized fit is at its worst). Least squares without a penalty
   (control) against ridge with the penalty picked on a validation set.
2. The same penalty in front of BatchNorm: Linear -> BN -> ReLU -> Linear.
   BN makes the network's output independent of the scale of the first
   layer's weights, so L2 on them cannot restrict the function; what it does
   change is the weight norm, and with it the effective learning rate
   lr / ||w||^2 (van Laarhoven 2017). Trained with gradient descent with and
   without weight decay on those weights.

With the treatment off the penalty is 0 in every arm.
"""

from __future__ import annotations

import torch
from torch import nn

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

META = {
    "id": "gen_weight_regularization",
    "title": {"en": "L2: what it does to a plain model, and what it does in front of BatchNorm",
              "zh": "L2：对普通模型的作用，以及在 BatchNorm 之前的作用"},
    "claim": {"en": "Weight regularization improves generalization.",
              "zh": "权值正则化。"},
    "claims": ["gen_weight_regularization"],
    "verdict": "nuanced",
    "treatment": {"en": "an L2 penalty (ridge; weight decay before BN); off: no penalty anywhere",
                  "zh": "L2 惩罚（岭回归；BN 之前的权重衰减）；关闭后处处无惩罚"},
    "long": False,
    "refs": [
        "van Laarhoven 2017, L2 regularization versus batch and weight normalization",
        "Zhang et al. 2019, Three mechanisms of weight decay regularization",
    ],
}

# Part 1: random-feature regression at the interpolation threshold.
DIM = 5              # input dimension
FEATURES = 100       # random ReLU features = parameters of the linear model
N_TRAIN = 100        # = FEATURES: the unregularized fit interpolates the noise
N_VAL, N_TEST = 200, 2000
NOISE = 0.5          # label noise std
LAMBDAS = [10.0 ** e for e in range(-6, 3)]  # ridge penalties tried on the validation set

# Part 2: weight decay in front of BatchNorm.
BN_N, BN_DIM, BN_HIDDEN = 256, 20, 64
BN_STEPS = 150
BN_LR = 0.1
BN_WD = 0.1          # weight decay on the pre-BN weights (treatment)
SCALE = 10.0         # the pre-BN weights are multiplied by this to test scale invariance


def _ridge(phi: torch.Tensor, y: torch.Tensor, lam: float) -> torch.Tensor:
    if lam == 0.0:
        return torch.linalg.pinv(phi) @ y     # minimum-norm least squares
    a = phi.T @ phi + lam * len(y) * torch.eye(phi.shape[1], dtype=phi.dtype)
    return torch.linalg.solve(a, phi.T @ y)


def _plain_model(ctx: DemoContext, g: torch.Generator) -> dict:
    w_feat = torch.randn(DIM, FEATURES, generator=g, dtype=torch.float64) / DIM ** 0.5
    b_feat = torch.randn(FEATURES, generator=g, dtype=torch.float64)
    # The target is a smooth function of x: a random combination of many more
    # random ReLU features than the model has, scaled to unit variance.
    w_teach = torch.randn(DIM, 10 * FEATURES, generator=g, dtype=torch.float64) / DIM ** 0.5
    b_teach = torch.randn(10 * FEATURES, generator=g, dtype=torch.float64)
    c_teach = torch.randn(10 * FEATURES, generator=g, dtype=torch.float64)

    def teacher(x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x @ w_teach + b_teach) @ c_teach

    scale = teacher(torch.randn(5000, DIM, generator=g, dtype=torch.float64)).std()

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(n, DIM, generator=g, dtype=torch.float64)
        y = teacher(x) / scale + NOISE * torch.randn(n, generator=g, dtype=torch.float64)
        return torch.relu(x @ w_feat + b_feat), y

    (phi, y), (phi_v, y_v), (phi_t, y_t) = sample(N_TRAIN), sample(N_VAL), sample(N_TEST)
    mse = lambda p, t, c: ((p @ c - t) ** 2).mean().item()  # noqa: E731
    curve = {"train": [], "validation": [], "test": []}
    for lam in LAMBDAS:
        c = _ridge(phi, y, lam)
        curve["train"].append(mse(phi, y, c))
        curve["validation"].append(mse(phi_v, y_v, c))
        curve["test"].append(mse(phi_t, y_t, c))
    c0 = _ridge(phi, y, 0.0)
    best = min(range(len(LAMBDAS)), key=lambda i: curve["validation"][i])
    lam = LAMBDAS[best] if ctx.treatment else 0.0
    c1 = _ridge(phi, y, lam)
    return {"lambda": lam, "curve": curve, "target_var": y_t.var().item(),
            "control": (mse(phi, y, c0), mse(phi_t, y_t, c0), c0.norm().item()),
            "treatment": (mse(phi, y, c1), mse(phi_t, y_t, c1), c1.norm().item())}


def _bn_net() -> nn.Module:
    return nn.Sequential(nn.Linear(BN_DIM, BN_HIDDEN, bias=False), nn.BatchNorm1d(BN_HIDDEN), nn.ReLU(),
                         nn.Linear(BN_HIDDEN, 1))


def _before_bn(ctx: DemoContext, g: torch.Generator) -> dict:
    x = torch.randn(BN_N, BN_DIM, generator=g)
    y = (torch.tanh(x[:, :5]).sum(1) > 0).float()

    # Scale invariance: the same network with its pre-BN weights x SCALE.
    torch.manual_seed(ctx.seed)
    net = _bn_net()
    with torch.no_grad():
        out = net(x)
        net[0].weight.mul_(SCALE)
        out_scaled = net(x)
    invariance = ((out_scaled - out).abs().max() / out.abs().max()).item()

    runs = {}
    for arm, wd in (("control", 0.0), ("treatment", BN_WD if ctx.treatment else 0.0)):
        torch.manual_seed(ctx.seed)
        net = _bn_net()
        w = net[0].weight
        norms, eff_lr, losses = [], [], []
        for _ in range(BN_STEPS):
            loss = nn.functional.binary_cross_entropy_with_logits(net(x).squeeze(1), y)
            net.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p in net.parameters():
                    # Weight decay (= an L2 penalty under plain GD) on the pre-BN weights only.
                    p -= BN_LR * (p.grad + (wd * p if p is w else 0.0))
            n = w.norm().item()
            norms.append(n)
            eff_lr.append(BN_LR / n ** 2)
            losses.append(loss.item())
        runs[arm] = {"norm": norms, "eff_lr": eff_lr, "loss": losses}
    return {"invariance": invariance, "runs": runs}


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    ctx.progress(0.0, "random-feature regression")
    plain = _plain_model(ctx, g)
    ctx.progress(0.3, "weight decay in front of BatchNorm")
    bn = _before_bn(ctx, g)
    ctx.progress(1.0, "done")

    tr0, te0, n0 = plain["control"]
    tr1, te1, n1 = plain["treatment"]
    r0, r1 = bn["runs"]["control"], bn["runs"]["treatment"]
    checks = [
        Check({"en": "plain model: test MSE with L2 < 0.5 x without", "zh": "普通模型：加 L2 的测试 MSE < 0.5 × 不加"},
              te1, "<", te0, factor=0.5),
        Check({"en": "plain model: test MSE with L2 < 0.6 x the target's variance (it learned, not just shrank)",
               "zh": "普通模型：加 L2 的测试 MSE < 0.6 × 目标的方差（确实学到了东西，而不只是收缩）"},
              te1, "<", plain["target_var"], factor=0.6),
        Check({"en": f"BN: relative output change when the pre-BN weights are x{SCALE:g} < 1e-3",
               "zh": f"BN：BN 之前的权重乘以 {SCALE:g} 时输出的相对变化 < 1e-3"},
              bn["invariance"], "<", 1e-3),
        Check({"en": "BN: final pre-BN weight norm with weight decay < 0.7 x without",
               "zh": "BN：有权重衰减时 BN 之前权重的最终范数 < 0.7 × 没有时"}, r1["norm"][-1], "<",
              r0["norm"][-1], factor=0.7),
        Check({"en": "BN: final effective learning rate lr/||w||^2 with weight decay > 1.5 x without",
               "zh": "BN：有权重衰减时的最终有效学习率 lr/||w||^2 > 1.5 × 没有时"},
              r1["eff_lr"][-1], ">", r0["eff_lr"][-1], factor=1.5),
    ]
    rows = [
        [{"en": "plain model, no penalty", "zh": "普通模型，无惩罚"}, round(tr0, 4), round(te0, 4), round(n0, 2), "", ""],
        [{"en": f"plain model, L2 lambda={plain['lambda']:g}", "zh": f"普通模型，L2 lambda={plain['lambda']:g}"}, round(tr1, 4), round(te1, 4), round(n1, 2), "", ""],
        [{"en": "BN net, no weight decay", "zh": "BN 网络，无权重衰减"}, round(r0["loss"][-1], 4), "", round(r0["norm"][-1], 3),
         round(r0["eff_lr"][-1], 4), ""],
        [{"en": f"BN net, weight decay {BN_WD if ctx.treatment else 0.0:g}",
          "zh": f"BN 网络，权重衰减 {BN_WD if ctx.treatment else 0.0:g}"}, round(r1["loss"][-1], 4), "",
         round(r1["norm"][-1], 3), round(r1["eff_lr"][-1], 4), f"{bn['invariance']:.1e}"],
    ]
    finding = {
        "en": (f"On the plain over-parameterized model, L2 cut the test MSE from {te0:.3f} to {te1:.3f} (train MSE "
               f"{tr0:.3f} -> {tr1:.3f}): it stops the fit from chasing the noise. In front of BatchNorm, scaling the "
               f"weights by {SCALE:g} changed the output by {bn['invariance']:.1e} (relative), so L2 cannot restrict "
               f"the function there; weight decay shrank the weight norm from {r0['norm'][-1]:.2f} to "
               f"{r1['norm'][-1]:.2f} and so raised the effective learning rate from {r0['eff_lr'][-1]:.3f} to "
               f"{r1['eff_lr'][-1]:.3f}. True for plain models; in front of normalization L2 is a learning-rate knob."),
        "zh": (f"在普通的过参数化模型上，L2 把测试 MSE 从 {te0:.3f} 降到 {te1:.3f}（训练 MSE {tr0:.3f} -> {tr1:.3f}）："
               f"它阻止模型去拟合噪声。在 BatchNorm 之前，把权重放大 {SCALE:g} 倍，输出只变化了 {bn['invariance']:.1e}"
               f"（相对值），所以 L2 在那里约束不了函数；权重衰减把权重范数从 {r0['norm'][-1]:.2f} 压到 "
               f"{r1['norm'][-1]:.2f}，从而把有效学习率从 {r0['eff_lr'][-1]:.3f} 提高到 {r1['eff_lr'][-1]:.3f}。"
               "对普通模型成立；在归一化层之前，L2 其实是调学习率的旋钮。"),
    }
    steps = [float(s) for s in range(1, BN_STEPS + 1)]
    return DemoResult(
        settings={"features": FEATURES, "n_train": N_TRAIN, "noise": NOISE, "lambda": plain["lambda"],
                  "bn_steps": BN_STEPS, "bn_lr": BN_LR, "bn_weight_decay": BN_WD if ctx.treatment else 0.0,
                  "treatment": ctx.treatment},
        table=Table([{"en": "model", "zh": "模型"}, {"en": "train loss", "zh": "训练损失"}, {"en": "test MSE", "zh": "测试 MSE"},
                     {"en": "weight norm", "zh": "权重范数"}, {"en": "effective lr", "zh": "有效学习率"},
                     {"en": "output change x10", "zh": "权重 ×10 时输出的变化"}], rows),
        labels={"features": {"en": "features", "zh": "随机特征数"}, "noise": {"en": "noise", "zh": "标签噪声标准差"},
                "lambda": {"en": "lambda", "zh": "L2 系数 lambda"}, "bn_steps": {"en": "bn_steps", "zh": "BN 网络训练步数"},
                "bn_lr": {"en": "bn_lr", "zh": "BN 网络学习率"}, "bn_weight_decay": {"en": "bn_weight_decay", "zh": "BN 网络权重衰减"},
                "train": {"en": "train", "zh": "训练"}, "validation": {"en": "validation", "zh": "验证"},
                "test": {"en": "test", "zh": "测试"}, "no weight decay": {"en": "no weight decay", "zh": "无权重衰减"},
                "weight decay": {"en": "weight decay", "zh": "权重衰减"}},
        checks=checks,
        finding=finding,
        curves=[
            Curve({"en": "Random-feature regression: error vs L2 penalty", "zh": "随机特征回归：误差与 L2 惩罚"},
                  {"en": "log10 lambda", "zh": "log10 lambda"}, {"en": "MSE", "zh": "MSE"},
                  [float(e) for e in range(-6, 3)], plain["curve"], log_y=True),
            Curve({"en": "Pre-BN weight norm", "zh": "BN 之前的权重范数"}, {"en": "step", "zh": "步数"}, {"en": "||w||", "zh": "||w||"},
                  steps, {"no weight decay": r0["norm"],
                                                                "weight decay": r1["norm"]}),
            Curve({"en": "Effective learning rate lr/||w||^2", "zh": "有效学习率 lr/||w||^2"}, {"en": "step", "zh": "步数"},
                  {"en": "lr / ||w||^2", "zh": "lr / ||w||^2"}, steps,
                  {"no weight decay": r0["eff_lr"], "weight decay": r1["eff_lr"]}),
        ],
    )
