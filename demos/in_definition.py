"""Interview question: what does Instance Normalization normalize over, compared
with BatchNorm (and LayerNorm, GroupNorm)? Does it keep the instances of a
batch independent?

On a batch of feature maps (N, C, H, W) whose samples and channels have very
different means and scales: IN computed by hand (mean and variance over H, W
for each sample and channel) is compared with nn.InstanceNorm2d and with
GroupNorm with one channel per group; BN's statistics pool over N, H, W
instead. Then samples 1..N-1 are replaced by new data: IN's output for
sample 0 does not change at all, BN's (in training mode) does.
"""

from __future__ import annotations

META = {
    "id": "in_definition",
    "title": {"en": "What IN normalizes over, and why instances stay independent",
              "zh": "IN 在哪些维度上归一化，以及为何样本之间保持独立"},
    "claim": {"en": "BN normalizes the same channel of all images in a batch together, IN normalizes each "
                    "channel of each image on its own, which keeps every image instance independent.",
              "zh": "BN 对 batch 中所有图片的同一通道一起归一化，IN 对单张图片的单个通道单独归一化，从而保持每个图像实例之间的独立性。"},
    "claims": ["in_definition", "in_instance_independence"],
    "verdict": "true",
    "treatment": {"en": "InstanceNorm2d (off: BatchNorm2d in its place)",
                  "zh": "InstanceNorm2d（关闭：换成 BatchNorm2d）"},
    "long": False,
}

N, C, H, W = 8, 4, 6, 6


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)

    def feature_maps() -> torch.Tensor:
        # Every (sample, channel) gets its own offset and scale, as real feature maps do.
        offset = 3 * torch.randn(N, C, 1, 1, generator=g)
        scale = torch.rand(N, C, 1, 1, generator=g) * 4 + 0.5
        return offset + scale * torch.randn(N, C, H, W, generator=g)

    x = feature_maps()
    eps = 1e-5
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), unbiased=False, keepdim=True)
    by_hand = (x - mean) / torch.sqrt(var + eps)

    norm = nn.InstanceNorm2d(C) if ctx.treatment else nn.BatchNorm2d(C, affine=False)
    out = norm(x)
    err_hand = (out - by_hand).abs().max().item()
    err_gn = (nn.GroupNorm(C, C, affine=False)(x) - by_hand).abs().max().item()
    bn_out = nn.BatchNorm2d(C, affine=False)(x)
    ln_out = nn.GroupNorm(1, C, affine=False)(x)   # LayerNorm over (C, H, W)
    ctx.progress(0.5, "definitions")

    def per_instance_mean(t: torch.Tensor) -> float:
        return t.mean(dim=(2, 3)).abs().max().item()

    # Independence: new data for samples 1..N-1, sample 0 unchanged.
    x2 = feature_maps()
    x2[0] = x[0]
    changed = (norm(x2)[0] - out[0]).abs().max().item()
    bn = nn.BatchNorm2d(C, affine=False)
    bn_changed = (bn(x2)[0] - bn(x)[0]).abs().max().item()
    ctx.progress(1.0, "independence")

    checks = [
        Check({"en": "nn.InstanceNorm2d = IN by hand (mean/var over H, W per sample and channel)",
               "zh": "nn.InstanceNorm2d = 手写的 IN（对每个样本、每个通道在 H、W 上求均值/方差）"}, err_hand, "<", 1e-4),
        Check({"en": "GroupNorm with one channel per group = IN by hand", "zh": "每组一个通道的 GroupNorm = 手写的 IN"},
              err_gn, "<", 1e-4),
        Check({"en": "after IN, largest |mean| of any (sample, channel) map", "zh": "IN 之后，各（样本，通道）特征图 |均值| 的最大值"},
              per_instance_mean(out), "<", 1e-4),
        Check({"en": "sample 0's output change when the other samples change", "zh": "其他样本改变时，样本 0 输出的变化"},
              changed, "<", 1e-6),
    ]
    rows = [
        [{"en": "BatchNorm", "zh": "BatchNorm"}, {"en": "N, H, W (per channel)", "zh": "N、H、W（每个通道）"},
         f"{per_instance_mean(bn_out):.3f}", f"{bn_changed:.3f}"],
        [{"en": "LayerNorm (GroupNorm, 1 group)", "zh": "LayerNorm（GroupNorm，1 组）"},
         {"en": "C, H, W (per sample)", "zh": "C、H、W（每个样本）"}, f"{per_instance_mean(ln_out):.3f}", "0"],
        [{"en": "GroupNorm (G groups)", "zh": "GroupNorm（G 组）"}, {"en": "C/G, H, W", "zh": "C/G、H、W"}, "-", "0"],
        [{"en": "InstanceNorm", "zh": "InstanceNorm"} if ctx.treatment else
         {"en": "InstanceNorm (off: BatchNorm)", "zh": "InstanceNorm（关闭：BatchNorm）"},
         {"en": "H, W (per sample and channel)", "zh": "H、W（每个样本、每个通道）"}, f"{per_instance_mean(out):.1e}",
         f"{changed:.1e}"],
    ]
    finding = {
        "en": (f"nn.InstanceNorm2d matches the hand-written per-sample, per-channel normalization to {err_hand:.1e} "
               f"and equals GroupNorm with one channel per group ({err_gn:.1e}); every (sample, channel) map ends "
               f"with mean 0, while BN leaves per-sample means up to {per_instance_mean(bn_out):.2f}. Replacing the "
               f"other samples changed sample 0's IN output by {changed:.1e}, its BN output by {bn_changed:.2f}."),
        "zh": (f"nn.InstanceNorm2d 与手写的逐样本、逐通道归一化相差 {err_hand:.1e}，与每组一个通道的 GroupNorm 相同"
               f"（{err_gn:.1e}）；每个（样本，通道）特征图均值都为 0，而 BN 后单个样本的均值可达 "
               f"{per_instance_mean(bn_out):.2f}。替换其他样本后，样本 0 的 IN 输出变化 {changed:.1e}，BN 输出变化 "
               f"{bn_changed:.2f}。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "shape": [N, C, H, W]},
        table=Table([{"en": "norm", "zh": "归一化"}, {"en": "statistics over", "zh": "统计量的计算范围"},
                     {"en": "max |mean| of a (sample, channel) map", "zh": "（样本，通道）特征图 |均值| 的最大值"},
                     {"en": "sample 0 change when others change", "zh": "其他样本改变时样本 0 的变化"}], rows),
        checks=checks, finding=finding, labels={"shape": {"en": "shape", "zh": "形状"}},
    )
