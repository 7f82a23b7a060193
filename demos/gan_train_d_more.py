"""Interview question: should the discriminator be trained more often than
the generator?

The Dirac-GAN of Mescheder et al. 2018 (real data at 0, G a point mass at
theta, a linear D(x) = psi * x), with 1 or 5 D steps per G step, in two
games. Unregularized, 5 D steps do not make it converge: the optimal D is at
infinity and a stronger D only pushes G harder around the circle. In a game
that is stable (R1 penalty, a small D learning rate), 5 D steps let D keep up
and converge much faster. More D steps help a game that can converge; they do
not repair one that cannot (WGAN's n_critic = 5 exists because its critic
must be near-optimal, Arjovsky et al. 2017).
"""

from __future__ import annotations


META = {
    "id": "gan_train_d_more",
    "title": {"en": "More D steps help a stable game, not an unstable one",
              "zh": "多训练判别器只帮助本身稳定的博弈"},
    "claim": {"en": "Train the discriminator more than the generator, especially when noise is added.",
              "zh": "多训练判别器，尤其是加了噪声的时候。"},
    "claims": ["gan_train_d_more"],
    "verdict": "nuanced",
    "treatment": {"en": "5 D steps per G step (off: 1 D step per G step)",
                  "zh": "每个生成器步训练判别器 5 步（关闭：每步 1 步）"},
    "long": False,
}

STEPS = 600       # G steps
LR_G = 0.1        # G learning rate
LR_D_PLAIN = 0.1  # D learning rate in the unregularized game
LR_D_R1 = 0.02    # D learning rate in the R1 game: small, so D lags behind G
R1 = 0.3          # gamma of the R1 penalty
N_D = 5           # D steps per G step in the treatment arms

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
    n_d = N_D if ctx.treatment else 1
    arms = {
        "plain, 1 D step": dirac.DiracConfig(steps=STEPS, lr_g=LR_G, lr_d=LR_D_PLAIN, alternating=True, **start),
        f"plain, {N_D} D steps": dirac.DiracConfig(steps=STEPS, lr_g=LR_G, lr_d=LR_D_PLAIN, n_d=n_d,
                                                   alternating=True, **start),
        "R1, 1 D step": dirac.DiracConfig(steps=STEPS, lr_g=LR_G, lr_d=LR_D_R1, r1=R1, alternating=True, **start),
        f"R1, {N_D} D steps": dirac.DiracConfig(steps=STEPS, lr_g=LR_G, lr_d=LR_D_R1, r1=R1, n_d=n_d,
                                                alternating=True, **start),
    }
    runs = dirac.run_arms(ctx, arms, kit.generator(ctx, 2))
    plain1, plain5, r1_1, r1_5 = (dirac.tail_mean(runs[n]["dist"]) for n in arms)
    table, curve, scatter = dirac.report(runs, STEPS)
    checks = [
        Check(f"plain game, {N_D} D steps: final distance > 0.5 (start: 1; still not converging)", plain5, ">", 0.5),
        Check(f"R1 game, {N_D} D steps: final distance < 0.1 x with 1 D step", r1_5, "<", r1_1, factor=0.1),
    ]
    return DemoResult(
        settings={"game": "Dirac-GAN (Mescheder et al. 2018), zero-sum BCE loss, alternating updates (D first)",
                  "g_steps": STEPS, "lr_g": LR_G, "lr_d_plain": LR_D_PLAIN, "lr_d_r1": LR_D_R1,
                  "r1_gamma": R1, "d_steps_treatment": N_D,
                  "start": f"theta={start['theta0']:.3f}, psi={start['psi0']:.3f} (distance 1)"},
        table=table,
        checks=checks,
        finding={
            "en": (f"Unregularized, the distance to the equilibrium ends at {plain1:.2f} with 1 D step and "
                   f"{plain5:.2f} with {N_D} (from 1): more D steps do not make it converge. With an R1 "
                   f"penalty and a slow D, {N_D} D steps reach {r1_5:.1e} against {r1_1:.2f} with 1. Training D "
                   "more helps when the game is stable and D lags behind; it is no cure for non-convergence."),
            "zh": (f"不加正则时，1 步判别器的最终距离为 {plain1:.2f}，{N_D} 步为 {plain5:.2f}（从 1 出发）：多训练判别器并不能"
                   f"让它收敛。加 R1 惩罚且判别器学习率较小时，{N_D} 步达到 {r1_5:.1e}，1 步只有 {r1_1:.2f}。"
                   "当博弈本身稳定而判别器跟不上时，多训练判别器有帮助；它治不了不收敛。"),
        },
        curves=[curve],
        scatters=[scatter],
    )
