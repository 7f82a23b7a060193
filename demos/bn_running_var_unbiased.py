"""Interview question: in BN, which variance is biased and which unbiased?

Training normalizes each batch with the BIASED batch variance (divide by m),
as in Ioffe & Szegedy's Algorithm 1. The running variance used at test time
is accumulated from the UNBIASED batch variance (divide by m - 1, i.e. times
m/(m-1)), Algorithm 2. This demo checks both in PyTorch with tiny batches
(m = 4, where the factor 4/3 is large) and shows why the correction matters:
averaged over many batches, the biased variance underestimates the true
variance by (m-1)/m, the corrected one does not.
"""

from __future__ import annotations

META = {
    "id": "bn_running_var_unbiased",
    "title": {"en": "BN's biased and unbiased variances",
              "zh": "BN 中的有偏与无偏方差"},
    "claim": {"en": "For the test-time statistics, the mean is the average of the batch means, and the "
                    "variance uses the unbiased estimate of each batch's variance.",
              "zh": "测试时的统计量：均值取各 batch 均值的平均，方差采用每个 batch 方差的无偏估计。"},
    "claims": ["bn_running_var_unbiased"],
    "verdict": "true",
    "treatment": {"en": "the m/(m-1) correction of the running variance (off: the biased batch variances "
                        "are averaged instead)",
                  "zh": "滑动方差中的 m/(m-1) 修正（关闭：改为平均有偏的 batch 方差）"},
    "long": False,
}

M = 4             # batch size: small, so that m/(m-1) = 4/3 is far from 1
FEATURES = 16
TRUE_STD = 2.0    # data ~ N(3, 2^2) per feature
BATCHES = 800     # batches averaged by the cumulative running statistics


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)
    true_var = TRUE_STD ** 2

    def batch() -> torch.Tensor:
        return 3.0 + TRUE_STD * torch.randn(M, FEATURES, generator=g)

    # 1. One batch through a BN layer with momentum=1 (running stats = this batch's).
    bn = nn.BatchNorm1d(FEATURES, momentum=1.0, affine=False)
    b = batch()
    out = bn(b)
    biased = b.var(0, unbiased=False)
    unbiased = b.var(0, unbiased=True)
    to_unbiased = (bn.running_var - unbiased).abs().max().item()
    to_biased = (bn.running_var - biased).abs().max().item()
    # The normalized batch has biased variance 1 (up to eps): it was divided by the biased std.
    out_var = out.var(0, unbiased=False).mean().item()
    ctx.progress(0.2, "one batch")

    # 2. Many batches: momentum=None makes PyTorch keep a plain cumulative average.
    bn_avg = nn.BatchNorm1d(FEATURES, momentum=None, affine=False)
    biased_sum = torch.zeros(FEATURES)
    for i in range(BATCHES):
        b = batch()
        bn_avg(b)
        biased_sum += b.var(0, unbiased=False)
        if i % 200 == 0:
            ctx.progress(0.2 + 0.8 * i / BATCHES, "averaging batches")
    biased_avg = (biased_sum / BATCHES).mean().item()
    torch_avg = bn_avg.running_var.mean().item()
    # The treatment arm: PyTorch's corrected running variance; off: the biased average.
    estimate = torch_avg if ctx.treatment else biased_avg
    ctx.progress(1.0, "done")

    checks = [
        Check({"en": "running_var after one batch = unbiased batch variance (max diff)",
               "zh": "一个 batch 后的 running_var = batch 的无偏方差（最大差）"}, to_unbiased, "<", 1e-5),
        Check({"en": "running_var after one batch differs from the biased one (max diff)",
               "zh": "一个 batch 后的 running_var 与有偏方差不同（最大差）"}, to_biased, ">", 1e-2),
        Check({"en": "training output: biased variance = 1 (|var - 1|)", "zh": "训练时的输出：有偏方差 = 1（|var − 1|）"},
              abs(out_var - 1), "<", 1e-3),
        Check({"en": "averaged running variance / true variance, |ratio - 1|", "zh": "平均后的滑动方差 / 真实方差，|比值 − 1|"},
              abs(estimate / true_var - 1), "<", 0.05),
    ]
    rows = [
        [{"en": "true variance", "zh": "真实方差"}, round(true_var, 4)],
        [{"en": f"average of the biased batch variances (m={M})", "zh": f"batch 有偏方差的平均（m={M}）"}, round(biased_avg, 4)],
        [{"en": "expected bias factor (m-1)/m x true", "zh": "预期的偏差：(m-1)/m × 真实方差"}, round(true_var * (M - 1) / M, 4)],
        [{"en": "PyTorch running_var, cumulative average", "zh": "PyTorch 的 running_var（累积平均）"}, round(torch_avg, 4)],
        [{"en": "one batch: max |running_var - unbiased var|", "zh": "一个 batch：max |running_var − 无偏方差|"},
         f"{to_unbiased:.1e}"],
        [{"en": "one batch: max |running_var - biased var|", "zh": "一个 batch：max |running_var − 有偏方差|"}, f"{to_biased:.3f}"],
        [{"en": "training output's biased variance", "zh": "训练时输出的有偏方差"}, round(out_var, 5)],
    ]
    finding = {
        "en": (f"With batches of {M}, the biased batch variance averages {biased_avg:.3f} against a true "
               f"{true_var:.1f} (the factor (m-1)/m = {(M - 1) / M:.2f}); PyTorch's running_var, built from "
               f"the unbiased batch variance, averages {torch_avg:.3f}. Training itself divides by the biased "
               f"std: the normalized batch has biased variance {out_var:.4f}."),
        "zh": (f"batch 大小为 {M} 时，有偏 batch 方差的平均值为 {biased_avg:.3f}，真实方差为 {true_var:.1f}"
               f"（相差因子 (m-1)/m = {(M - 1) / M:.2f}）；PyTorch 的 running_var 由无偏 batch 方差累积，平均为 "
               f"{torch_avg:.3f}。训练时的标准化本身除以有偏标准差：标准化后 batch 的有偏方差为 {out_var:.4f}。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "m": M, "features": FEATURES,
                  "true_std": TRUE_STD, "batches": BATCHES},
        table=Table([{"en": "quantity", "zh": "量"}, {"en": "value", "zh": "数值"}], rows),
        checks=checks, finding=finding,
        labels={"m": {"en": "m", "zh": "batch 大小 m"}, "features": {"en": "features", "zh": "特征数"},
                "true_std": {"en": "true_std", "zh": "真实标准差"}, "batches": {"en": "batches", "zh": "batch 数"}},
    )
