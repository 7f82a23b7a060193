"""Interview question: for f(x) = Ax, what is the smallest Lipschitz constant,
and how does spectral normalization make a layer 1-Lipschitz?

For a random 20 x 30 matrix A: sqrt of the largest eigenvalue of A^T A (the
article writes "A_T A") equals the largest singular value sigma_1, and the
gain |Ax| / |x| reaches it at the top right-singular vector v_1, so no
smaller K can work; random directions stay below it. Dividing A by sigma_1
gives spectral norm 1: a 1-Lipschitz map. PyTorch's
nn.utils.parametrizations.spectral_norm does this with power iteration.
"""

from __future__ import annotations

META = {
    "id": "sn_lipschitz_linear_kmin",
    "title": {"en": "Smallest Lipschitz constant of a linear map, and dividing by it",
              "zh": "线性映射的最小 Lipschitz 常数，以及除以它"},
    "claim": {"en": "For A: R^n -> R^m to be K-Lipschitz, the smallest K is sqrt(lambda_1), lambda_1 the largest "
                    "eigenvalue of A^T A; dividing every entry of A by sqrt(lambda_1) (the spectral norm) makes "
                    "it 1-Lipschitz.",
              "zh": "矩阵 A: R^n→R^m 满足 K-Lipschitz 连续时，K 的最小值为 sqrt(lambda_1)（A^T A 的最大特征值）；"
                    "A 的所有元素同时除以 sqrt(lambda_1)（谱范数）即满足 1-Lipschitz。"},
    "claims": ["sn_lipschitz_linear_kmin", "sn_divide_by_sigma"],
    "verdict": "true",
    "treatment": {"en": "probing A with its top right-singular vector and dividing by sigma_1 (off: random "
                        "probes only, no division)",
                  "zh": "用最大右奇异向量探测 A 并除以 sigma_1（关闭：只用随机方向探测，不做除法）"},
    "long": False,
}

M, N = 20, 30          # A maps R^30 -> R^20
PROBES = 5000          # random directions tried
SN_STEPS = 200         # forward passes of the PyTorch spectral_norm layer (one power iteration each)


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)
    a = torch.randn(M, N, generator=g, dtype=torch.float64)

    lam_max = torch.linalg.eigvalsh(a.T @ a).max().item()
    k_min = lam_max ** 0.5
    sigmas = torch.linalg.svdvals(a)
    sigma1 = sigmas[0].item()
    frob = torch.linalg.matrix_norm(a).item()
    _, _, vh = torch.linalg.svd(a)
    v1 = vh[0]

    x = torch.randn(PROBES, N, generator=g, dtype=torch.float64)
    gains = (x @ a.T).norm(dim=1) / x.norm(dim=1)
    random_max = gains.max().item()
    # The treatment probes the top right-singular vector; off, the best random probe stands in for it.
    attained = ((a @ v1).norm() / v1.norm()).item() if ctx.treatment else random_max
    ctx.progress(0.4, "sigma and probes")

    a_sn = a / sigma1 if ctx.treatment else a
    sn_sigma = torch.linalg.svdvals(a_sn)[0].item()
    y = torch.randn(PROBES, N, generator=g, dtype=torch.float64)
    pairs = ((x - y) @ a_sn.T).norm(dim=1) / (x - y).norm(dim=1)
    worst_ratio = pairs.max().item()

    # PyTorch's layer: power iteration, one step per training-mode forward pass.
    layer = nn.Linear(N, M, bias=False)
    with torch.no_grad():
        layer.weight.copy_(a.float())
    if ctx.treatment:
        layer = nn.utils.parametrizations.spectral_norm(layer)
        for _ in range(SN_STEPS):
            layer(torch.zeros(1, N))
    torch_sigma = torch.linalg.svdvals(layer.weight.detach().double())[0].item()
    ctx.progress(1.0, "done")

    checks = [
        Check({"en": "|sqrt(lambda_max(A^T A)) - sigma_1| / sigma_1", "zh": "|sqrt(lambda_max(A^T A)) − sigma_1| / sigma_1"},
              abs(k_min - sigma1) / sigma1, "<", 1e-9),
        Check({"en": "gain at the probe |Av|/|v| reaches sigma_1 (relative gap)",
               "zh": "探测方向上的增益 |Av|/|v| 达到 sigma_1（相对差）"}, (sigma1 - attained) / sigma1, "<", 1e-9),
        Check({"en": "random directions never exceed sigma_1 (max gain / sigma_1)",
               "zh": "随机方向的增益从不超过 sigma_1（最大增益 / sigma_1）"}, random_max / sigma1, "<=", 1 + 1e-9),
        Check({"en": "spectral norm of A / sigma_1", "zh": "A / sigma_1 的谱范数"}, abs(sn_sigma - 1), "<", 1e-9),
        Check({"en": "worst |f(x)-f(y)| / |x-y| after dividing", "zh": "相除之后最坏的 |f(x)-f(y)| / |x-y|"},
              worst_ratio, "<=", 1 + 1e-9),
        Check({"en": f"PyTorch spectral_norm after {SN_STEPS} steps: |sigma - 1|",
               "zh": f"PyTorch 的 spectral_norm 迭代 {SN_STEPS} 步后：|sigma − 1|"}, abs(torch_sigma - 1), "<", 1e-3),
    ]
    rows = [
        [{"en": "sqrt(lambda_max(A^T A))", "zh": "sqrt(lambda_max(A^T A))"}, round(k_min, 6)],
        [{"en": "sigma_1 (SVD)", "zh": "sigma_1（SVD）"}, round(sigma1, 6)],
        [{"en": "sigma_2", "zh": "sigma_2"}, round(sigmas[1].item(), 6)],
        [{"en": "|A v_1| / |v_1|", "zh": "|A v_1| / |v_1|"}, round(((a @ v1).norm() / v1.norm()).item(), 6)],
        [{"en": f"best of {PROBES} random directions", "zh": f"{PROBES} 个随机方向中的最大值"}, round(random_max, 6)],
        [{"en": "Frobenius norm (a looser bound)", "zh": "Frobenius 范数（更松的上界）"}, round(frob, 6)],
        [{"en": "sigma_1 after dividing", "zh": "相除之后的 sigma_1"}, round(sn_sigma, 6)],
        [{"en": "PyTorch spectral_norm layer's sigma_1", "zh": "PyTorch spectral_norm 层的 sigma_1"}, round(torch_sigma, 6)],
    ]
    finding = {
        "en": (f"sqrt(lambda_max(A^T A)) = {k_min:.4f} = sigma_1 = {sigma1:.4f}; the gain |Ax|/|x| reaches it at "
               f"v_1, so no smaller K works, while the best of {PROBES} random directions only gets "
               f"{random_max:.4f} (the Frobenius norm, {frob:.2f}, is a looser bound). After dividing by sigma_1 "
               f"the spectral norm is {sn_sigma:.6f} and PyTorch's spectral_norm layer reaches {torch_sigma:.5f}."),
        "zh": (f"sqrt(lambda_max(A^T A)) = {k_min:.4f}，等于 sigma_1 = {sigma1:.4f}；增益 |Ax|/|x| 在 v_1 处达到它，"
               f"所以不存在更小的 K，而 {PROBES} 个随机方向中最大只有 {random_max:.4f}（Frobenius 范数 {frob:.2f} "
               f"是更松的上界）。除以 sigma_1 后谱范数为 {sn_sigma:.6f}，PyTorch 的 spectral_norm 层达到 {torch_sigma:.5f}。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "shape": [M, N], "probes": PROBES,
                  "sn_steps": SN_STEPS},
        table=Table([{"en": "quantity", "zh": "量"}, {"en": "value", "zh": "数值"}], rows),
        checks=checks, finding=finding,
        labels={"shape": {"en": "shape", "zh": "形状"}, "probes": {"en": "probes", "zh": "随机方向数"},
                "sn_steps": {"en": "sn_steps", "zh": "谱归一化迭代步数"}},
    )
