"""Interview question: why do GANs need stabilizing tricks at all? Does plain
gradient descent on the GAN game converge?

The Dirac-GAN of Mescheder et al. 2018: real data at x = 0, G a point mass at
theta, a linear D(x) = psi * x. The equilibrium (0, 0) is unique, yet the
unregularized game is a rotation around it: simultaneous gradient descent
spirals outwards and alternating gradient descent circles for ever. The
reference arm adds the R1 gradient penalty and converges, so the failure is
the game's, not the step size's.
"""

from __future__ import annotations


META = {
    "id": "gan_plain_gd_nonconvergence",
    "title": {"en": "Plain GAN gradient descent need not converge (Dirac-GAN)",
              "zh": "朴素的 GAN 梯度下降未必收敛（Dirac-GAN）"},
    "claim": {"en": "Unregularized GAN training by gradient descent need not converge; this is why the stabilizing tricks exist.",
              "zh": "不加正则的 GAN 梯度下降训练未必收敛；这正是各种稳定训练技巧存在的原因。"},
    "claims": ["gan_plain_gd_nonconvergence"],
    "verdict": "true",
    "treatment": {"en": "no regularization in the two plain arms (off: they get the R1 penalty of the reference arm)",
                  "zh": "两个朴素分支不加正则（关闭：它们也加上参照分支的 R1 惩罚）"},
    "long": False,
}

STEPS = 600     # G steps
LR = 0.1        # the same learning rate for G and D
R1 = 0.3        # gamma of the reference arm's R1 penalty


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
    plain_r1 = 0.0 if ctx.treatment else R1
    arms = {
        "simultaneous GD": dirac.DiracConfig(steps=STEPS, lr_g=LR, lr_d=LR, r1=plain_r1, **start),
        "alternating GD": dirac.DiracConfig(steps=STEPS, lr_g=LR, lr_d=LR, r1=plain_r1, alternating=True, **start),
        "simultaneous GD + R1 (reference)": dirac.DiracConfig(steps=STEPS, lr_g=LR, lr_d=LR, r1=R1, **start),
    }
    runs = dirac.run_arms(ctx, arms, kit.generator(ctx, 2))
    names = {"simultaneous GD": {"en": "simultaneous GD", "zh": "同步梯度下降"},
             "alternating GD": {"en": "alternating GD", "zh": "交替梯度下降"},
             "simultaneous GD + R1 (reference)": {"en": "simultaneous GD + R1 (reference)", "zh": "同步梯度下降 + R1（参照）"}}
    sim, alt, ref = (dirac.tail_mean(runs[n]["dist"]) for n in arms)
    table, curve, scatter = dirac.report(runs, STEPS, names)
    checks = [
        Check({"en": "simultaneous GD: final distance to equilibrium > 1.2 (start: 1)",
               "zh": "同步梯度下降：到均衡点的最终距离 > 1.2（起点：1）"}, sim, ">", 1.2),
        Check({"en": "alternating GD: final distance > 0.8 (circles, does not converge)",
               "zh": "交替梯度下降：最终距离 > 0.8（绕圈，不收敛）"}, alt, ">", 0.8),
        Check({"en": "with R1 the same steps converge: final distance < 0.01",
               "zh": "加 R1 后同样的步骤收敛：最终距离 < 0.01"}, ref, "<", 0.01),
    ]
    return DemoResult(
        settings={"game": dirac.game(),
                  "steps": STEPS, "lr_g": LR, "lr_d": LR, "r1_gamma_reference": R1,
                  "start": dirac.start_label(start)},
        labels={**dirac.LABELS, **names,
                "r1_gamma_reference": {"en": "r1_gamma_reference", "zh": "参照组的 R1 惩罚系数 gamma"}},
        table=table,
        checks=checks,
        finding={
            "en": (f"From distance 1 to the equilibrium, simultaneous gradient descent ends at {sim:.2f} "
                   f"(spirals out) and alternating gradient descent at {alt:.2f} (circles); the same game "
                   f"with an R1 penalty reaches {ref:.1e}. Without regularization the GAN game rotates "
                   "around its equilibrium instead of descending into it."),
            "zh": (f"从距均衡点 1 的位置出发，同步梯度下降最终距离为 {sim:.2f}（向外螺旋），交替梯度下降为 "
                   f"{alt:.2f}（绕圈）；同一博弈加上 R1 惩罚后降到 {ref:.1e}。不加正则时，GAN 博弈围绕均衡点"
                   "旋转，而不是收敛到它。"),
        },
        curves=[curve],
        scatters=[scatter],
    )
