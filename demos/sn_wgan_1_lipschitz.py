"""Interview question: why does WGAN need a 1-Lipschitz critic, and what does
spectral normalization have to do with it?

Kantorovich-Rubinstein duality: W1(P, Q) = sup over 1-Lipschitz f of
E_P f - E_Q f. Over K-Lipschitz critics the same sup is K * W1: any K works,
it only rescales the distance. Without any constraint the sup is infinite.
This demo trains three small critics on two 1-D distributions whose W1 is
known exactly (from sorted samples): spectral-normalized (1-Lipschitz by the
per-layer bound), the same critic with its output times K = 3, and an
unconstrained one. It also measures the SN critic's actual slope, which is
below the per-layer bound: the bound is an upper bound, and a ReLU critic
under it does not reach the full W1.
"""

from __future__ import annotations

import math

META = {
    "id": "sn_wgan_1_lipschitz",
    "title": {"en": "WGAN's critic: 1-Lipschitz, K-Lipschitz, unconstrained",
              "zh": "WGAN 的判别器：1-Lipschitz、K-Lipschitz 与无约束"},
    "claim": {"en": "In WGAN the Wasserstein distance can only be turned into a tractable dual problem when the "
                    "critic satisfies the 1-Lipschitz constraint; spectral normalization is one way to enforce it.",
              "zh": "在 WGAN 中，只有满足 1-Lipschitz 约束时，W 距离才能转换成较好求解的对偶问题；谱归一化是满足该约束的方式之一。"},
    "claims": ["sn_wgan_1_lipschitz"],
    "verdict": "nuanced",
    "treatment": {"en": "the K = 3 critic (off: K = 1 for both constrained critics)",
                  "zh": "K = 3 的判别器（关闭：两个受约束判别器都用 K = 1）"},
    "long": False,
}

N = 256            # samples per distribution
WIDTH = 16         # hidden units of the critic
STEPS, LR = 200, 0.3
K = 3.0


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    class Critic(nn.Module):
        """1 -> WIDTH -> WIDTH -> 1 ReLU MLP; with `sn`, each weight is divided by its
        spectral norm (power iteration with a persistent u, as Miyato et al.)."""

        def __init__(self, sn: bool, scale: float) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(1, WIDTH), nn.Linear(WIDTH, WIDTH), nn.Linear(WIDTH, 1)])
            self.sn, self.scale = sn, scale
            self.us = [torch.randn(l.weight.shape[0]) for l in self.layers]

        def weight(self, i: int) -> torch.Tensor:
            w = self.layers[i].weight
            if not self.sn:
                return w
            with torch.no_grad():
                u = self.us[i]
                for _ in range(1 if self.training else 30):   # one per step, as Miyato et al.
                    v = w.T @ u
                    v = v / v.norm()
                    u = w @ v
                    u = u / u.norm()
                self.us[i] = u
            return w / (u @ w @ v)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for i, layer in enumerate(self.layers):
                x = nn.functional.linear(x, self.weight(i), layer.bias)
                if i < len(self.layers) - 1:
                    x = torch.relu(x)
            return self.scale * x

    kit.setup(ctx)
    g = kit.generator(ctx, 1)
    p = torch.randn(N, 1, generator=g)
    pick = torch.rand(N, 1, generator=g) < 0.5
    q = torch.where(pick, -2 + 0.5 * torch.randn(N, 1, generator=g), 2.5 + 0.5 * torch.randn(N, 1, generator=g))
    # W1 between two equal-size empirical distributions in 1-D: match sorted samples.
    w1 = (p.sort(0).values - q.sort(0).values).abs().mean().item()

    arms = {"SN, K = 1": (True, 1.0), f"SN, K = {K:g}": (True, K if ctx.treatment else 1.0),
            "unconstrained": (False, 1.0)}
    results = {}
    for j, (arm, (sn, scale)) in enumerate(arms.items()):
        with kit.fork_rng(ctx, 2):
            critic = Critic(sn, scale)
        params = list(critic.parameters())
        value = float("nan")
        both = torch.cat([p, q])
        for step in range(STEPS):
            f_both = critic(both)       # one forward pass (one power iteration) per step
            gap = f_both[:N].mean() - f_both[N:].mean()
            if not torch.isfinite(gap):
                break
            value = gap.item()
            if not sn and value > 100 * w1:
                break   # unbounded: no need to watch it run off to infinity
            for w in params:
                w.grad = None
            (-gap).backward()
            with torch.no_grad():
                for w in params:
                    w -= LR * w.grad      # descent on -(E_P f - E_Q f), i.e. ascent on the gap
        critic.eval()
        with torch.no_grad():
            grid = torch.linspace(-5, 5, 2001)[:, None]
            f = critic(grid).squeeze(1)
            slope = ((f[1:] - f[:-1]).abs() / (grid[1, 0] - grid[0, 0])).max().item()
            value_eval = (critic(p).mean() - critic(q).mean()).item() if sn else value
        results[arm] = {"value": value_eval, "slope": slope, "bound": scale if sn else float("inf")}
        ctx.progress((j + 1) / len(arms), arm)

    v1 = results["SN, K = 1"]["value"]
    vk = results[f"SN, K = {K:g}"]["value"]
    free = results["unconstrained"]["value"]
    checks = [
        Check("1-Lipschitz critic's value <= W1 (duality bound)", v1, "<=", 1.001 * w1),
        Check("1-Lipschitz critic's value >= 0.4 x W1 (it measures the distance)", v1, ">=", 0.4 * w1),
        Check(f"K={K:g} critic's value / K=1 critic's > 0.75 K", vk / v1, ">", 0.75 * K),
        Check(f"K={K:g} critic's value / K=1 critic's < 1.33 K", vk / v1, "<", 1.33 * K),
        Check(f"K={K:g} critic's value <= K x W1", vk, "<=", 1.001 * K * w1),
        Check("unconstrained critic's value > 10 x W1 (no finite sup)", free, ">", 10 * w1),
    ]
    rows = [[arm, f"{r['value']:.4g}", f"{r['value'] / w1:.4g}",
             f"{r['slope']:.3f}" if math.isfinite(r["slope"]) else "not finite",
             "none" if r["bound"] == float("inf") else r["bound"]] for arm, r in results.items()]
    rows.append(["exact W1 (sorted samples)", round(w1, 3), 1.0, "-", "-"])
    finding = {
        "en": (f"Exact W1 = {w1:.3f}. The spectral-normalized critic reached {v1:.3f} (max slope "
               f"{results['SN, K = 1']['slope']:.2f}, below its bound 1, so it is a lower estimate of W1); "
               f"with its output times {K:g} it reached {vk:.3f}, {vk / v1:.2f} x as much: a K-Lipschitz "
               f"critic estimates K x W1, which is just as usable. Unconstrained, the value passed {free:.3g} "
               f"({free / w1:.0f} x W1) and kept growing."),
        "zh": (f"精确的 W1 = {w1:.3f}。谱归一化判别器达到 {v1:.3f}（最大斜率 {results['SN, K = 1']['slope']:.2f}，"
               f"低于上界 1，所以是 W1 的下估计）；输出乘以 {K:g} 后达到 {vk:.3f}，是前者的 {vk / v1:.2f} 倍："
               f"K-Lipschitz 判别器估计的是 K×W1，同样可用。无约束时，该值超过 {free:.3g}"
               f"（W1 的 {free / w1:.0f} 倍）并持续增长。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "n": N, "width": WIDTH, "steps": STEPS, "lr": LR,
                  "K": K, "P": "N(0,1)", "Q": "0.5 N(-2, 0.5^2) + 0.5 N(2.5, 0.5^2)"},
        table=Table(["critic", "E_P f - E_Q f", "/ W1", "max slope", "Lipschitz bound"], rows),
        checks=checks, finding=finding,
    )
