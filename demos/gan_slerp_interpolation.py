"""Interview question: why interpolate between latent vectors along a great
circle (slerp) rather than a straight line (lerp)?

Pure geometry, no training: in high dimension a Gaussian z almost surely has
norm close to sqrt(d) (the "typical shell"). The straight-line midpoint of
two such vectors has norm close to sqrt(d / 2), a region the generator never
saw during training (White 2016). Slerp keeps the norm on the shell. The demo
draws pairs of z in d = 2, 100 and 512, and checks how often the midpoint's
norm falls inside the central 99% of the prior's norms.
"""

from __future__ import annotations

META = {
    "id": "gan_slerp_interpolation",
    "title": {"en": "Slerp keeps interpolated latents on the typical shell",
              "zh": "球面插值让插值后的隐变量留在典型壳层上"},
    "claim": {"en": "Interpolate between latent vectors along a great circle (spherical interpolation), not a straight line.",
              "zh": "在隐向量之间沿大圆插值（球面插值），而不是沿直线插值。"},
    "claims": ["gan_slerp_interpolation"],
    "verdict": "true",
    "treatment": {"en": "slerp (off: the slerp arm interpolates linearly too)",
                  "zh": "球面插值（关闭：该分支也做线性插值）"},
    "long": False,
}

DIMS = (2, 100, 512)     # latent dimensions compared
PAIRS = 2000             # random pairs of latent vectors per dimension
PRIOR = 20000            # samples that estimate the prior's norm interval
TS = 21                  # points along each path for the norm curve


def run(ctx):
    import torch

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    gen = kit.generator(ctx, 1)

    def lerp(a, b, t):
        return (1 - t) * a + t * b

    def slerp(a, b, t):
        # Along the great circle through a and b (White 2016), with the norm interpolated too.
        an, bn = a.norm(dim=-1, keepdim=True), b.norm(dim=-1, keepdim=True)
        cos = ((a / an) * (b / bn)).sum(-1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7)
        omega = torch.arccos(cos)
        return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)

    sphere = slerp if ctx.treatment else lerp
    rows, inside, curves = [], {}, {}
    ts = torch.linspace(0, 1, TS)
    for i, d in enumerate(DIMS):
        norms = torch.randn(PRIOR, d, generator=gen).norm(dim=1)
        lo, hi = torch.quantile(norms, 0.005).item(), torch.quantile(norms, 0.995).item()
        a, b = torch.randn(PAIRS, d, generator=gen), torch.randn(PAIRS, d, generator=gen)
        mids = {"lerp": lerp(a, b, 0.5).norm(dim=1), "slerp": sphere(a, b, 0.5).norm(dim=1)}
        for kind, m in mids.items():
            inside[(d, kind)] = ((m >= lo) & (m <= hi)).float().mean().item()
        span = f"{lo:.2f} - {hi:.2f}"
        rows.append([d, {"en": span, "zh": span}, round(mids["lerp"].mean().item(), 2),
                     round(inside[(d, "lerp")], 3), round(mids["slerp"].mean().item(), 2),
                     round(inside[(d, "slerp")], 3)])
        if d == 100:
            root = d ** 0.5
            curves = {"lerp": [lerp(a, b, t).norm(dim=1).mean().item() / root for t in ts],
                      "slerp": [sphere(a, b, t).norm(dim=1).mean().item() / root for t in ts]}
        ctx.progress((i + 1) / len(DIMS), f"d = {d}")
    checks = [
        Check({"en": "d = 100: lerp midpoints inside the prior's central 99% of norms < 5%",
               "zh": "d = 100：线性插值中点落在先验范数中间 99% 范围内的比例 < 5%"}, inside[(100, "lerp")], "<", 0.05),
        Check({"en": "d = 512: lerp midpoints inside it < 1%", "zh": "d = 512：线性插值中点落在该范围内的比例 < 1%"}, inside[(512, "lerp")], "<", 0.01),
        # As the share outside, so that the margin is relative to the 5% allowed.
        Check({"en": "d = 100: slerp midpoints outside it < 5%", "zh": "d = 100：球面插值中点落在该范围外的比例 < 5%"}, 1 - inside[(100, "slerp")], "<", 0.05),
        Check({"en": "d = 512: slerp midpoints outside it < 5%", "zh": "d = 512：球面插值中点落在该范围外的比例 < 5%"}, 1 - inside[(512, "slerp")], "<", 0.05),
    ]
    return DemoResult(
        settings={"prior": {"en": "z ~ N(0, I_d)", "zh": "z ~ N(0, I_d)"}, "dims": list(DIMS), "pairs": PAIRS,
                  "typical norms": {"en": f"central 99% of {PRIOR} prior samples",
                                    "zh": f"{PRIOR} 个先验样本范数的中间 99%"}},
        labels={"prior": {"en": "prior", "zh": "先验"}, "dims": {"en": "dims", "zh": "维度"},
                "pairs": {"en": "pairs", "zh": "样本对数"}, "typical norms": {"en": "typical norms", "zh": "典型范数"},
                "lerp": {"en": "lerp", "zh": "线性插值（lerp）"}, "slerp": {"en": "slerp", "zh": "球面插值（slerp）"}},
        table=Table(columns=[{"en": "d", "zh": "d"}, {"en": "prior norms (99%)", "zh": "先验范数（99%）"},
                             {"en": "lerp midpoint norm", "zh": "线性插值中点范数"},
                             {"en": "lerp inside", "zh": "线性插值落在范围内"},
                             {"en": "slerp midpoint norm", "zh": "球面插值中点范数"},
                             {"en": "slerp inside", "zh": "球面插值落在范围内"}], rows=rows),
        checks=checks,
        finding={
            "en": (f"In d = 100, {100 * inside[(100, 'lerp')]:.1f}% of straight-line midpoints have a norm the prior "
                   f"produces (central 99%), against {100 * inside[(100, 'slerp')]:.1f}% for slerp; in d = 512, "
                   f"{100 * inside[(512, 'lerp')]:.1f}% against {100 * inside[(512, 'slerp')]:.1f}%. In d = 2 the "
                   f"difference is small ({100 * inside[(2, 'lerp')]:.0f}% against {100 * inside[(2, 'slerp')]:.0f}%): "
                   "the typical shell is a high-dimensional effect, and that is where slerp matters."),
            "zh": (f"d = 100 时，直线插值中点的范数落在先验常见范围（中间 99%）内的只有 {100 * inside[(100, 'lerp')]:.1f}%，"
                   f"球面插值为 {100 * inside[(100, 'slerp')]:.1f}%；d = 512 时分别为 {100 * inside[(512, 'lerp')]:.1f}% 和 "
                   f"{100 * inside[(512, 'slerp')]:.1f}%。d = 2 时差别很小（{100 * inside[(2, 'lerp')]:.0f}% 对 "
                   f"{100 * inside[(2, 'slerp')]:.0f}%）：典型壳层是高维现象，球面插值正是在高维时才重要。"),
        },
        curves=[Curve(title={"en": "Norm along the path, d = 100 (1 = the typical shell)",
                             "zh": "沿插值路径的范数，d = 100（1 = 典型壳层）"}, x_label={"en": "t", "zh": "t"},
                      y_label={"en": "|z(t)| / sqrt(d)", "zh": "|z(t)| / sqrt(d)"}, x=ts.tolist(), series=curves)],
    )
