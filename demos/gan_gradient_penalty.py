"""Interview question: what does a gradient penalty on the discriminator do
for GAN training?

The Dirac-GAN of Mescheder et al. 2018: real data at 0, G a point mass at
theta, a linear D(x) = psi * x, simultaneous gradient descent. Without
regularization it spirals away from the equilibrium; the R1 penalty
gamma/2 * |grad_x D(x_real)|^2 (Mescheder et al. 2018; a zero-centred
relative of the WGAN-GP penalty of Gulrajani et al. 2017) makes it converge,
for two values of gamma.
"""

from __future__ import annotations


META = {
    "id": "gan_gradient_penalty",
    "title": {"en": "A gradient penalty makes the Dirac-GAN converge",
              "zh": "梯度惩罚让 Dirac-GAN 收敛"},
    "claim": {"en": "A gradient penalty greatly improves GAN stability and reduces mode collapse.",
              "zh": "使用梯度惩罚机制可以极大增强 GAN 的稳定性，尽可能减少 mode collapse 问题的产生。"},
    "claims": ["gan_gradient_penalty"],
    "verdict": "true",
    "treatment": {"en": "the R1 gradient penalty on D at real data (off: no penalty)",
                  "zh": "在真实数据处对判别器加 R1 梯度惩罚（关闭：不加惩罚）"},
    "long": False,
}

STEPS = 600            # G steps (simultaneous gradient descent)
LR = 0.1               # the same learning rate for G and D
GAMMAS = (0.3, 1.0)    # R1 weights tried

def _dirac():
    """demos/_gan_dirac.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_gan_dirac.py")


def run(ctx):
    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult

    kit.setup(ctx)
    dirac = _dirac()
    start = dirac.start_point(kit.generator(ctx, 1))
    arms = {"no penalty": dirac.DiracConfig(steps=STEPS, lr_g=LR, lr_d=LR, **start)}
    for gamma in GAMMAS:
        arms[f"R1 gamma={gamma}"] = dirac.DiracConfig(steps=STEPS, lr_g=LR, lr_d=LR,
                                                     r1=gamma if ctx.treatment else 0.0, **start)
    runs = dirac.run_arms(ctx, arms, kit.generator(ctx, 2))
    names = {"no penalty": {"en": "no penalty", "zh": "无惩罚"},
             **{f"R1 gamma={g}": {"en": f"R1 gamma={g}", "zh": f"R1 gamma={g}"} for g in GAMMAS}}
    final = {n: dirac.tail_mean(r["dist"]) for n, r in runs.items()}
    plain = final["no penalty"]
    penalized = [final[f"R1 gamma={g}"] for g in GAMMAS]
    table, curve, scatter = dirac.report(runs, STEPS, names)
    checks = [Check({"en": f"R1 gamma={g}: final distance to equilibrium < 0.01 (start: 1)",
                     "zh": f"R1 gamma={g}：到均衡点的最终距离 < 0.01（起点：1）"}, v, "<", 0.01)
              for g, v in zip(GAMMAS, penalized)]
    checks.append(Check({"en": "no penalty: final distance > 1 (diverges)", "zh": "无惩罚：最终距离 > 1（发散）"},
                        plain, ">", 1.0))
    return DemoResult(
        settings={"game": dirac.game(dirac.SIMULTANEOUS),
                  "steps": STEPS, "lr_g": LR, "lr_d": LR, "r1_gammas": list(GAMMAS),
                  "start": dirac.start_label(start),
                  "mode collapse": {"en": "not measured here; see the GAN lab (gan_lab) on 8 Gaussians",
                                    "zh": "此处不测量；见 GAN 实验室（gan_lab）中的 8 个高斯分布"}},
        labels={**dirac.LABELS, **names, "r1_gammas": {"en": "r1_gammas", "zh": "R1 惩罚系数 gamma"},
                "mode collapse": {"en": "mode collapse", "zh": "模式崩溃"}},
        table=table,
        checks=checks,
        finding={
            "en": (f"Without a penalty the distance to the equilibrium grows from 1 to {plain:.2f}; with R1 "
                   f"(gamma {GAMMAS[0]} and {GAMMAS[1]}) it falls to {penalized[0]:.1e} and {penalized[1]:.1e}. "
                   "Penalizing D's gradient on real data stops D from pushing ever harder, which turns the "
                   "rotation into convergence (Mescheder et al. 2018). Its effect on mode collapse is shown "
                   "by the GAN lab."),
            "zh": (f"不加惩罚时，到均衡点的距离从 1 增长到 {plain:.2f}；加 R1（gamma {GAMMAS[0]} 与 {GAMMAS[1]}）后降到 "
                   f"{penalized[0]:.1e} 和 {penalized[1]:.1e}。惩罚判别器在真实数据上的梯度，阻止判别器无限加码，把旋转变为收敛"
                   "（Mescheder 等 2018）。它对 mode collapse 的作用见 GAN 实验室（gan_lab）。"),
        },
        curves=[curve],
        scatters=[scatter],
    )
