"""Interview question: which tricks actually stabilize GAN training and fight
mode collapse? The GAN lab.

The benchmark of the Unrolled GAN (Metz et al. 2017), VEEGAN (Srivastava et
al. 2017) and PacGAN (Lin et al. 2018) papers: a mixture of 8 Gaussians on a
ring of radius 2, each with standard deviation 0.02. A small MLP GAN is
trained as a baseline (the original minimax loss, Adam), then with one trick
switched on at a time: the non-saturating loss, the R1 gradient penalty,
spectral normalization of D, instance noise, TTUR, and packing (PacGAN2).
Every variant runs for several seeds at once (independent networks trained
side by side as one batched computation).

Scored as in VEEGAN (section 5.1): a sample is high quality when it lies
within 3 standard deviations (0.06) of the nearest mode; a mode counts as
covered when at least one high-quality sample is nearest to it.
"""

from __future__ import annotations

META = {
    "id": "gan_lab",
    "title": {"en": "GAN lab: 8 Gaussians on a ring, tricks one at a time",
              "zh": "GAN 实验室：环上 8 个高斯，逐个开启技巧"},
    "claim": {"en": "Use several GANs, generators or discriminators (or packed samples, PacGAN) to make GAN training more stable and avoid mode collapse.",
              "zh": "可以使用多个 GAN / 多生成器 / 多判别器结构（或打包样本，PacGAN）来让 GAN 训练更稳定，避免 mode collapse。"},
    "claims": ["gan_multiple_gans_mode_collapse"],
    "verdict": "nuanced",
    "treatment": {"en": "the tricks (off: every variant trains as the baseline)",
                  "zh": "各项技巧（关闭：每个变体都按基线训练）"},
    "long": True,
}

MODES, RADIUS, STD = 8, 2.0, 0.02   # the ring of Metz et al. 2017
SEEDS = 3            # independent runs per variant, trained side by side
STEPS = 1200         # G steps (one D step each)
BATCH = 128
WIDTH = 64           # hidden units of G and D (two hidden layers each)
Z_DIM = 16
LR = 1e-3            # Adam, betas (0.5, 0.999), for G and D unless a variant changes it
N_EVAL = 2500        # samples scored per run (VEEGAN scores 2500)
R1_GAMMA = 0.1
NOISE0 = 0.1         # instance noise std at the start, annealed linearly to 0
PUBLISHED = "VEEGAN Table 1, 2D ring: GAN 1.0 modes / 99.3% high quality; Unrolled GAN 7.6 / 35.6%; VEEGAN 8.0 / 52.9%"

VARIANTS = {
    # name: (loss, r1, spectral norm, instance noise, (lr_g, lr_d), pack)
    "baseline (minimax)": ("minimax", 0.0, False, False, (LR, LR), 1),
    "non-saturating loss": ("ns", 0.0, False, False, (LR, LR), 1),
    "R1 gradient penalty": ("minimax", R1_GAMMA, False, False, (LR, LR), 1),
    "spectral norm in D": ("minimax", 0.0, True, False, (LR, LR), 1),
    "instance noise": ("minimax", 0.0, False, True, (LR, LR), 1),
    "TTUR (G lr/2, D lr*2)": ("minimax", 0.0, False, False, (LR / 2, LR * 2), 1),
    "packing (PacGAN2)": ("minimax", 0.0, False, False, (LR, LR), 2),
}


def run(ctx):
    import math

    import torch
    import torch.nn.functional as F

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Scatter, Table

    kit.setup(ctx)
    angles = torch.arange(MODES, dtype=torch.float32) * 2 * math.pi / MODES
    centers = torch.stack([RADIUS * torch.cos(angles), RADIUS * torch.sin(angles)], dim=1)

    def real_batch(n: int, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(MODES, (SEEDS, n), generator=gen)
        return centers[idx] + STD * torch.randn(SEEDS, n, 2, generator=gen)

    def param(*shape: int, fan_in: int) -> torch.Tensor:
        bound = 1 / math.sqrt(fan_in)
        return (torch.rand(SEEDS, *shape) * 2 - 1).mul_(bound).requires_grad_()

    def mlp(sizes: list[int]) -> list[list[torch.Tensor]]:
        # SEEDS independent MLPs: per layer a weight [SEEDS, in, out] and a bias [SEEDS, 1, out].
        return [[param(a, b, fan_in=a), param(1, b, fan_in=a)] for a, b in zip(sizes, sizes[1:])]

    def forward(layers, x, act, sn_state=None):
        for i, (w, b) in enumerate(layers):
            if sn_state is not None:
                # Spectral normalization (Miyato et al. 2018): divide W by its largest singular
                # value, estimated by one power iteration per step with a persistent vector u.
                with torch.no_grad():
                    v = F.normalize(torch.bmm(w, sn_state[i].unsqueeze(2)).squeeze(2), dim=1)
                    u = F.normalize(torch.bmm(v.unsqueeze(1), w).squeeze(1), dim=1)
                sn_state[i] = u   # a new tensor, not an in-place update: the graph keeps the old one
                sigma = torch.bmm(v.unsqueeze(1), torch.bmm(w, u.unsqueeze(2))).reshape(SEEDS, 1, 1)
                w = w / sigma
            x = torch.baddbmm(b, x, w)
            if i < len(layers) - 1:
                x = act(x)
        return x

    def score(samples: torch.Tensor) -> tuple[list[int], list[float]]:
        # VEEGAN's measures, per seed: modes with a high-quality sample, share of high-quality samples.
        dist = torch.cdist(samples, centers.expand(SEEDS, -1, -1))     # [SEEDS, N, MODES]
        nearest, which = dist.min(dim=2)
        good = nearest < 3 * STD
        modes = [int(torch.unique(which[s][good[s]]).numel()) for s in range(SEEDS)]
        quality = good.float().mean(dim=1).tolist()
        return modes, quality

    leaky = lambda x: F.leaky_relu(x, 0.2)   # noqa: E731
    results = {}
    variants = list(VARIANTS.items())
    for vi, (name, spec) in enumerate(variants):
        if not ctx.treatment:
            spec = VARIANTS["baseline (minimax)"]
        loss_kind, r1, sn, noise, (lr_g, lr_d), pack = spec
        # The same initial networks and data stream for every variant (the first layer of a
        # packed D is wider, so only its other layers match).
        torch.manual_seed(ctx.seed)
        g_layers = mlp([Z_DIM, WIDTH, WIDTH, 2])
        d_layers = mlp([2 * pack, WIDTH, WIDTH, 1])
        sn_state = [F.normalize(torch.randn(SEEDS, w.shape[2]), dim=1) for w, _ in d_layers] if sn else None
        g_params = [p for layer in g_layers for p in layer]
        d_params = [p for layer in d_layers for p in layer]
        opt_g, opt_d = kit.Adam(g_params, lr_g, betas=(0.5, 0.999)), kit.Adam(d_params, lr_d, betas=(0.5, 0.999))
        gen = kit.generator(ctx, 1)

        def d_logits(x: torch.Tensor) -> torch.Tensor:
            if pack > 1:   # PacGAN: D judges `pack` samples at once, concatenated
                x = x.reshape(SEEDS, x.shape[1] // pack, 2 * pack)
            return forward(d_layers, x, leaky, sn_state)

        for step in range(STEPS):
            sigma = NOISE0 * (1 - step / STEPS) if noise else 0.0
            real = real_batch(BATCH, gen)
            fake = forward(g_layers, torch.randn(SEEDS, BATCH, Z_DIM, generator=gen), torch.relu)
            if sigma > 0:
                real = real + sigma * torch.randn(real.shape, generator=gen)
                fake = fake + sigma * torch.randn(fake.shape, generator=gen)
            real.requires_grad_(r1 > 0)
            l_real, l_fake = d_logits(real), d_logits(fake.detach())
            d_loss = F.softplus(-l_real).mean(dim=(1, 2)) + F.softplus(l_fake).mean(dim=(1, 2))
            if r1 > 0:
                (grad,) = torch.autograd.grad(l_real.sum(), real, create_graph=True)
                d_loss = d_loss + r1 / 2 * grad.pow(2).sum(dim=2).mean(dim=1)
            d_loss.sum().backward()
            opt_d.step()
            opt_d.zero_grad()
            for p in g_params:
                p.grad = None
            l_fake = d_logits(fake)
            if loss_kind == "ns":
                g_loss = F.softplus(-l_fake).mean(dim=(1, 2))
            else:   # minimax: G minimizes log(1 - D(G(z)))
                g_loss = -F.softplus(l_fake).mean(dim=(1, 2))
            g_loss.sum().backward()
            for p in d_params:
                p.grad = None
            opt_g.step()
            opt_g.zero_grad()
            if step % 100 == 0:
                ctx.progress((vi + step / STEPS) / len(variants), f"{name}: step {step}/{STEPS}")
        with torch.no_grad():
            samples = forward(g_layers, torch.randn(SEEDS, N_EVAL, Z_DIM, generator=kit.generator(ctx, 2)),
                              torch.relu)
        finite = bool(torch.isfinite(samples).all())
        modes, quality = score(samples) if finite else ([0] * SEEDS, [0.0] * SEEDS)
        results[name] = {"modes": modes, "quality": quality, "samples": samples[0, :400].tolist()}

    def mean(xs):
        return sum(xs) / len(xs)

    rows = [[name, " ".join(str(m) for m in r["modes"]), round(mean(r["modes"]), 2),
             round(100 * mean(r["quality"]), 1)] for name, r in results.items()]
    base = results["baseline (minimax)"]
    pac = results["packing (PacGAN2)"]
    base_modes, base_q = mean(base["modes"]), mean(base["quality"])
    best_name = max(results, key=lambda n: (mean(results[n]["quality"]), mean(results[n]["modes"])))
    best = results[best_name]
    tricks = [n for n in results if n != "baseline (minimax)"]
    slower = [n for n in tricks if mean(results[n]["quality"]) < base_q]
    checks = [
        Check("baseline: mean modes covered >= 7 of 8 (this small setup does not collapse)", base_modes, ">=", 7),
        Check("packing (PacGAN2): mean modes covered >= 7 of 8 too (no coverage left to gain)",
              mean(pac["modes"]), ">=", 7),
        Check("packing (PacGAN2): share of high-quality samples < baseline's (its cost at this budget)",
              mean(pac["quality"]), "<", base_q),
    ]
    scatter = Scatter(
        title=f"Samples (seed {ctx.seed}, first run of each variant) and the 8 modes",
        series={"modes": [tuple(c) for c in centers.tolist()],
                **{n: [tuple(p) for p in results[n]["samples"]] for n in ("baseline (minimax)", "packing (PacGAN2)")}},
    )
    extra = Scatter(title="Samples of every variant (first run)",
                    series={n: [tuple(p) for p in r["samples"][:200]] for n, r in results.items()})
    return DemoResult(
        settings={"data": f"{MODES} Gaussians on a ring, radius {RADIUS}, std {STD} (Metz et al. 2017)",
                  "G": f"MLP {Z_DIM}-{WIDTH}-{WIDTH}-2 ReLU, z ~ N(0, I)",
                  "D": f"MLP 2-{WIDTH}-{WIDTH}-1 LeakyReLU 0.2",
                  "optimizer": f"Adam lr {LR}, betas (0.5, 0.999)", "steps": STEPS, "batch": BATCH,
                  "runs per variant": SEEDS, "r1_gamma": R1_GAMMA, "instance noise": f"std {NOISE0} -> 0",
                  "scoring": "VEEGAN: high quality = within 3 std of the nearest mode; a mode is covered "
                             f"when one of {N_EVAL} samples is a high-quality sample of it",
                  "published": PUBLISHED},
        table=Table(columns=["variant", "modes covered per run", "mean modes (of 8)", "high quality %"], rows=rows),
        checks=checks,
        finding={
            "en": (f"Over {SEEDS} runs each, the baseline covers {base_modes:.1f} of 8 modes with {100 * base_q:.0f}% "
                   f"high-quality samples; packing (PacGAN2) covers {mean(pac['modes']):.1f} with "
                   f"{100 * mean(pac['quality']):.0f}%; the highest quality here comes from {best_name} "
                   f"({100 * mean(best['quality']):.0f}%). Published ({PUBLISHED}) the plain GAN collapses to one sharp "
                   f"mode. Ours does not: {STEPS} steps, small networks, Adam with beta1 = 0.5 and a LeakyReLU D, against "
                   "tens of thousands of steps in the papers, where collapse (mode hopping) sets in late. At this budget "
                   f"the tricks mostly change how fast samples sharpen, and {len(slower)} of {len(tricks)} slow it: a "
                   "mode-collapse fix such as packing buys coverage the baseline already has, at a cost in quality."),
            "zh": (f"每个变体 {SEEDS} 次运行：基线覆盖 8 个模式中的 {base_modes:.1f} 个，高质量样本占 {100 * base_q:.0f}%；打包（PacGAN2）"
                   f"覆盖 {mean(pac['modes']):.1f} 个，高质量样本 {100 * mean(pac['quality']):.0f}%；这里样本质量最高的是 {best_name}"
                   f"（{100 * mean(best['quality']):.0f}%）。已发表的结果（{PUBLISHED}）中，朴素 GAN 坍缩到一个清晰的模式。我们的没有："
                   f"只训练 {STEPS} 步、网络很小、Adam beta1 = 0.5、判别器用 LeakyReLU，而论文训练数万步，坍缩（在模式间跳动）出现得较晚。"
                   f"在这个预算下，各技巧主要改变样本变清晰的速度，{len(tricks)} 个技巧中有 {len(slower)} 个会减慢它："
                   "像打包这样针对 mode collapse 的方法，换来的覆盖率基线本来就有，代价是样本质量。"),
        },
        scatters=[scatter, extra],
    )
