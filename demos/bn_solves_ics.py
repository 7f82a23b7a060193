"""Interview question: what problem does BatchNorm solve? Does it work because
it reduces internal covariate shift (ICS)?

Santurkar et al. 2018's test, at toy size: three 6-layer ReLU MLPs trained
with the same SGD settings: no BN, BN, and BN followed by random noise (a
per-unit scale and shift, drawn afresh at every step) that shifts every
layer's input distribution on purpose. At every step the distribution of each
layer's pre-activations on a fixed probe batch is measured; "instability" is
the mean change of its per-unit mean and std from one step to the next,
relative to the std. If BN worked by removing ICS, the noisy-BN net, whose
layer inputs shift far more than the plain net's, should train no better
than the plain net. It trains better.

What Santurkar et al. credit instead is a smoother loss landscape, and that is
measured too: every few steps, from the current weights w with gradient g on
a fixed batch, the demo looks along the update direction at w - t g for
several step sizes t (0.25 to 2 x the learning rate) and records the
"effective beta-smoothness" max_t |grad(w - t g) - g| / |t g| (how fast the
gradient changes per unit moved; a small value means a step can be long and
still trusted). Like a smoothness constant it is a worst case: the largest
value over the run is compared. Both arms are measured at the same steps,
from the same init, with the same batches.
"""

from __future__ import annotations


ARMS = {"no BN": {"en": "no BN", "zh": "无 BN"}, "BN": {"en": "BN", "zh": "BN"},
        "BN + noise": {"en": "BN + noise", "zh": "BN + 噪声"}}

META = {
    "id": "bn_solves_ics",
    "title": {"en": "BatchNorm and internal covariate shift",
              "zh": "BN 与内部协变量偏移（ICS）"},
    "claim": {"en": "BN solves internal covariate shift: it pulls each layer's input distribution back to "
                    "N(0, 1), and that is why it works.",
              "zh": "BN 解决了内部协变量偏移（ICS）问题：把每层输入分布强行拉回 N(0,1)，这就是它起作用的原因。"},
    "claims": ["bn_solves_ics"],
    "verdict": "false",
    "treatment": {"en": "BatchNorm in the two BN nets (off: both are the plain net, one with the noise)",
                  "zh": "两个 BN 网络中的 BN（关闭：二者都是无 BN 网络，其中一个加噪声）"},
    "long": False,
}

DEPTH, WIDTH = 6, 32
STEPS, LR, BATCH = 80, 0.5, 32
NOISE_SCALE = 0.25  # per-step scale drawn from U(1 - 0.25, 1 + 0.25)
NOISE_SHIFT = 0.25  # per-step shift drawn from N(0, 0.25^2)
PROBE = 128         # fixed probe batch for the distribution measurements
SMOOTH_EVERY = 8    # measure the landscape along the update direction every 8 steps
SMOOTH_T = (0.25, 0.5, 1.0, 2.0)   # step sizes looked at, in units of LR
SMOOTH_BATCH = 256  # the fixed batch of the smoothness measurement
# Threshold of the smoothness checks, from a sweep over seeds 0-19 on the CPU:
# beta(BN or BN + noise) / beta(no BN) had a median of 0.41 and a maximum of
# 0.73 (the mean over the run instead of the max: up to 0.72, the median up to
# 1.08, too noisy to call); the checks ask for < 0.85. With BN off the BN arm
# is the plain net, the ratio is 1, and the check fails.


def _common():
    """demos/_norm_common.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_norm_common.py")


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    class NoisyShift(nn.Module):
        """x * scale + shift, per unit, with scale and shift redrawn every step:
        a non-stationary input distribution for the next layer, made on purpose."""

        def __init__(self, width: int, gen: torch.Generator) -> None:
            super().__init__()
            self.width, self.gen = width, gen
            self.resample()

        def resample(self) -> None:
            self.scale = 1 + NOISE_SCALE * (2 * torch.rand(self.width, generator=self.gen) - 1)
            self.shift = NOISE_SHIFT * torch.randn(self.width, generator=self.gen)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.scale + self.shift

    def landscape(model: nn.Module, xb: torch.Tensor, yb: torch.Tensor) -> float:
        """Effective beta-smoothness along the gradient direction at the current weights."""
        params = [p for p in model.parameters() if p.requires_grad]
        saved = {k: v.detach().clone() for k, v in model.state_dict().items()}
        loss0 = nn.functional.cross_entropy(model(xb), yb)
        g0 = torch.autograd.grad(loss0, params)
        g_norm = torch.sqrt(sum((g * g).sum() for g in g0)).item()
        betas = []
        for t in SMOOTH_T:
            with torch.no_grad():
                for p, g in zip(params, g0):
                    p.sub_(t * LR * g)
            loss = nn.functional.cross_entropy(model(xb), yb)
            gt = torch.autograd.grad(loss, params)
            diff = torch.sqrt(sum(((a - b) ** 2).sum() for a, b in zip(gt, g0))).item()
            betas.append(diff / (t * LR * g_norm + 1e-12))
            model.load_state_dict(saved)   # back to w (BN's running stats too)
        return max(betas)

    kit.setup(ctx)
    common = _common()
    x, y, _, _ = common.teacher_task(kit.generator(ctx, 1), 1024, 0)
    probe = x[:PROBE]
    smooth_x, smooth_y = x[-SMOOTH_BATCH:], y[-SMOOTH_BATCH:]

    def build(bn: bool, noise: bool) -> nn.Sequential:
        layers: list[nn.Module] = []
        d = 16
        noise_gen = kit.generator(ctx, 3)
        for _ in range(DEPTH):
            layers.append(nn.Linear(d, WIDTH))
            if bn:
                layers.append(nn.BatchNorm1d(WIDTH))
            if noise:
                layers.append(NoisyShift(WIDTH, noise_gen))
            layers.append(nn.ReLU())
            d = WIDTH
        layers.append(nn.Linear(d, 4))
        return common.he_init(nn.Sequential(*layers))

    arms = {"no BN": (False, False), "BN": (ctx.treatment, False), "BN + noise": (ctx.treatment, True)}
    results = {}
    for i, (arm, (bn, noise)) in enumerate(arms.items()):
        torch.manual_seed(ctx.seed)
        model = build(bn, noise)
        relus = [m for m in model if isinstance(m, nn.ReLU)]
        noises = [m for m in model if isinstance(m, NoisyShift)]
        record = {"on": False}
        beta: list[float] = []
        stats: list[list[tuple[torch.Tensor, torch.Tensor]]] = [[] for _ in relus]

        def hook(module, inputs, output, k):
            if record["on"]:
                z = inputs[0]
                stats[k].append((z.mean(0), z.std(0)))

        handles = [r.register_forward_hook(lambda m, a, o, k=k: hook(m, a, o, k)) for k, r in enumerate(relus)]

        def on_step(step: int) -> None:
            # Measure the layer inputs on the probe under this step's weights
            # and noise, then draw the next step's noise.
            record["on"] = True
            with torch.no_grad():
                model(probe)
            record["on"] = False
            if step % SMOOTH_EVERY == 0:
                beta.append(landscape(model, smooth_x, smooth_y))
            for n in noises:
                n.resample()
            if step % 20 == 0:
                ctx.progress((i + step / STEPS) / len(arms), arm)

        losses = common.train(model, x, y, STEPS, LR, BATCH, kit.generator(ctx, 2), on_step=on_step)
        for h in handles:
            h.remove()
        per_layer = []
        for layer in stats:
            moves = [(((m1 - m0).abs() + (s1 - s0).abs()) / (s0 + 1e-3)).mean().item()
                     for (m0, s0), (m1, s1) in zip(layer[:-1], layer[1:])]
            per_layer.append(sum(moves) / len(moves))
        results[arm] = {"losses": losses, "final": common.tail_mean(losses),
                        "instability": sum(per_layer) / len(per_layer), "per_layer": per_layer,
                        "beta": max(beta), "beta_curve": beta}
    ctx.progress(1.0, "done")

    plain, bn, noisy = results["no BN"], results["BN"], results["BN + noise"]
    checks = [
        # Trains better than no BN at all, the claim of Santurkar et al.; a
        # margin of 10% failed on a GPU's random stream (ratio 0.91), where
        # seeds 0-11 on the CPU gave 0.71-0.90, and 1.16-1.57 with BN off.
        # Seeds 0-29 and 12345 on the CPU: 0.62-0.905 (seed 16; the only check
        # of a quick demo under a 10% margin). Tried to widen it, same seeds:
        # 60 steps (worst 0.88, but the instability check's margin falls to
        # 8%), 100 or 120 steps (0.92, 0.95), lr 0.7 (0.83, but the
        # instability check fails on seed 4), noise 0.2 (instability fails on
        # 3 seeds), depth 8 (the plain net diverges on seed 5), the loss on the
        # whole training set instead of the last 20 batches (0.91): none
        # widens every check, so the setting and the bound stay.
        Check({"en": "BN + noise: final loss < no BN's", "zh": "BN + 噪声：最终损失 < 无 BN 的"}, noisy["final"], "<", plain["final"]),
        # The noise (0.25; it was 0.4) and the factor 1.1 (it was 2) from a sweep
        # over seeds 0-19: with 0.4 the noisy net's loss was up to 0.97 x the
        # plain net's (margin 3%); with 0.25 at most 0.905 x, and its layer
        # inputs moved 1.26-1.89 x as much as the plain net's. Treatment off the
        # noise still shifts them: this check is about the noise, not BN.
        Check({"en": "BN + noise: layer-input instability > 1.1 x no BN's", "zh": "BN + 噪声：层输入分布的不稳定度 > 1.1 × 无 BN 的"},
              noisy["instability"], ">",
              plain["instability"], factor=1.1),
        # What BN does instead: a smoother landscape along the update direction.
        Check({"en": "effective beta-smoothness along the update (max over the run): BN < 0.85 x no BN",
               "zh": "沿更新方向的有效 beta 光滑度（全程最大值）：BN < 0.85 × 无 BN"}, bn["beta"], "<",
              plain["beta"], factor=0.85),
        Check({"en": "the same with the noise: BN + noise < 0.85 x no BN", "zh": "加噪声后同样成立：BN + 噪声 < 0.85 × 无 BN"},
              noisy["beta"], "<", plain["beta"], factor=0.85),
    ]
    rows = [[ARMS[arm], r["final"], r["instability"], r["per_layer"][-1], r["beta"]]
            for arm, r in results.items()]
    steps = list(range(STEPS))
    curves = [Curve({"en": "training loss, mean of 10 steps (same lr, same init)", "zh": "训练损失（10 步均值；学习率与初始化相同）"},
                    {"en": "step", "zh": "步数"}, {"en": "cross-entropy", "zh": "交叉熵"}, steps,
                    {arm: common.smooth(r["losses"]) for arm, r in results.items()}),
              Curve({"en": "effective beta-smoothness along the update direction (lower: smoother)",
                     "zh": "沿更新方向的有效 beta 光滑度（越低越光滑）"}, {"en": "step", "zh": "步数"},
                    {"en": "max |grad change| / distance", "zh": "max |梯度变化| / 距离"}, list(range(0, STEPS, SMOOTH_EVERY)),
                    {arm: r["beta_curve"] for arm, r in results.items()}, log_y=True)]
    finding = {
        "en": (f"The noisy-BN net's layer inputs moved {noisy['instability']:.2f} (relative change per step) "
               f"vs {plain['instability']:.2f} without BN: far more covariate shift, yet it reached a loss of "
               f"{noisy['final']:.3f} vs {plain['final']:.3f} without BN (plain BN: {bn['final']:.3f}). "
               f"Reducing ICS is not why BN helps. What BN does change is the landscape: along the update direction "
               f"the gradient changed by at most {bn['beta']:.3g} per unit moved with BN ({noisy['beta']:.3g} with "
               f"the noise) against {plain['beta']:.3g} without: the smoother landscape (smaller beta-smoothness) "
               f"that Santurkar et al. 2018 credit."),
        "zh": (f"加噪声的 BN 网络各层输入分布每步的相对变化为 {noisy['instability']:.2f}，不加 BN 为 "
               f"{plain['instability']:.2f}：协变量偏移大得多，但损失却降到 {noisy['final']:.3f}，不加 BN 为 "
               f"{plain['final']:.3f}（普通 BN 为 {bn['final']:.3f}）。BN 的作用并非来自减少 ICS；"
               f"BN 真正改变的是损失曲面：沿更新方向每移动单位距离，梯度的变化在 BN 下至多为 {bn['beta']:.3g}"
               f"（加噪声为 {noisy['beta']:.3g}），不加 BN 为 {plain['beta']:.3g}。"
               f"这正是 Santurkar 等（2018）所说的更平滑的损失曲面（更小的 β-平滑常数）。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "depth": DEPTH, "width": WIDTH, "steps": STEPS,
                  "lr": LR, "batch": BATCH, "noise_scale": NOISE_SCALE, "noise_shift": NOISE_SHIFT,
                  "probe": PROBE, "smooth_every": SMOOTH_EVERY, "smooth_t": list(SMOOTH_T)},
        table=Table([{"en": "net", "zh": "网络"}, {"en": "final train loss", "zh": "最终训练损失"},
                     {"en": "instability (mean over layers)", "zh": "不稳定度（各层平均）"},
                     {"en": "instability (last layer)", "zh": "不稳定度（最后一层）"},
                     {"en": "beta-smoothness (max)", "zh": "beta 光滑度（最大值）"}], rows),
        checks=checks, finding=finding, curves=curves,
        labels={**ARMS, "noise_scale": {"en": "noise_scale", "zh": "噪声缩放幅度"},
                "noise_shift": {"en": "noise_shift", "zh": "噪声平移幅度"}, "probe": {"en": "probe", "zh": "探测 batch 大小"},
                "smooth_every": {"en": "smooth_every", "zh": "光滑度测量间隔"},
                "smooth_t": {"en": "smooth_t", "zh": "光滑度测量步长"}},
    )
