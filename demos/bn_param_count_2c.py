"""Interview question: how many parameters does a BN layer over C channels have?

Counted by PyTorch itself: nn.BatchNorm2d(C) has 2C learnable parameters
(gamma and beta, one per channel, because a conv feature map shares its
statistics across positions), plus 2C + 1 buffers (running_mean, running_var,
num_batches_tracked) that are saved in the state_dict but are not
parameters: no gradient, no optimizer. At inference BN can be folded into the
preceding convolution, leaving no extra weights at all.
"""

from __future__ import annotations

META = {
    "id": "bn_param_count_2c",
    "title": {"en": "Parameter count of a BN layer",
              "zh": "BN 层的参数量"},
    "claim": {"en": "gamma and beta are learned per feature map, so a BN layer over c feature maps has c x 2 "
                    "parameters.",
              "zh": "gamma 和 beta 以特征图为单位学习，特征图数量为 c 时，BN 的参数量为 c × 2。"},
    "claims": ["bn_param_count_2c"],
    "verdict": "true",
    "treatment": {"en": "affine=True, PyTorch's default (off: affine=False, no gamma and beta)",
                  "zh": "affine=True（PyTorch 默认；关闭：affine=False，没有 gamma 和 beta）"},
    "long": False,
}

CHANNELS = (3, 16, 64)   # the C values counted
IMAGE = 8                # feature-map size for the folding check


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    rows = []
    counts = {}
    for c in CHANNELS:
        bn = nn.BatchNorm2d(c, affine=ctx.treatment)
        params = sum(p.numel() for p in bn.parameters())
        buffers = sum(b.numel() for b in bn.buffers())
        state = sum(v.numel() for v in bn.state_dict().values())
        counts[c] = params
        names = ", ".join(n for n, _ in bn.named_buffers())     # identifiers: the same in both languages
        rows.append([c, params, 2 * c, buffers, state, {"en": names, "zh": names}])

    # Gradients reach gamma and beta only; the running statistics are updated by the forward pass.
    g = kit.generator(ctx, 1)
    c = CHANNELS[1]
    bn = nn.BatchNorm2d(c)
    bn(torch.randn(8, c, IMAGE, IMAGE, generator=g)).pow(2).sum().backward()
    with_grad = sorted(n for n, p in bn.named_parameters() if p.grad is not None)

    # Fold a trained-looking BN into the conv before it: eval outputs identical, no extra weights.
    conv = nn.Conv2d(4, c, 3, padding=1)
    bn = nn.BatchNorm2d(c)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(c, generator=g) + 0.5)
        bn.bias.copy_(torch.randn(c, generator=g))
        bn.running_mean.copy_(torch.randn(c, generator=g))
        bn.running_var.copy_(torch.rand(c, generator=g) + 0.5)
    bn.eval()
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    folded = nn.Conv2d(4, c, 3, padding=1)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale[:, None, None, None])
        folded.bias.copy_((conv.bias - bn.running_mean) * scale + bn.bias)
        xin = torch.randn(2, 4, IMAGE, IMAGE, generator=g)
        fold_err = (bn(conv(xin)) - folded(xin)).abs().max().item()
    extra = sum(p.numel() for p in folded.parameters()) - sum(p.numel() for p in conv.parameters())
    ctx.progress(1.0, "counted")

    checks = [Check({"en": f"C={c}: |learnable parameters - 2C|", "zh": f"C={c}：|可学习参数数 − 2C|"},
                    abs(counts[c] - 2 * c), "<", 0.5) for c in CHANNELS]
    checks.append(Check({"en": "BN folded into the conv at inference: max output diff",
                         "zh": "推理时把 BN 折叠进卷积：输出的最大差"}, fold_err, "<", 1e-4))
    finding = {
        "en": (f"PyTorch counts {counts[CHANNELS[1]]} parameters for BatchNorm2d({CHANNELS[1]}) (gamma and beta), "
               f"plus {2 * CHANNELS[1] + 1} buffer values (running_mean, running_var, num_batches_tracked) that "
               f"are saved but not learned; gradients reach only {with_grad}. At inference BN folds into the "
               f"preceding conv (max difference {fold_err:.1e}) with {extra} extra weights."),
        "zh": (f"PyTorch 统计 BatchNorm2d({CHANNELS[1]}) 有 {counts[CHANNELS[1]]} 个参数（gamma 和 beta），另有 "
               f"{2 * CHANNELS[1] + 1} 个缓冲值（running_mean、running_var、num_batches_tracked），会被保存但不参与学习；"
               f"只有 {with_grad} 得到梯度。推理时 BN 可以折叠进前面的卷积（最大差 {fold_err:.1e}），额外权重为 {extra}。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "channels": list(CHANNELS)},
        table=Table([{"en": "C", "zh": "C"}, {"en": "parameters", "zh": "参数数"}, {"en": "2C", "zh": "2C"},
                     {"en": "buffer values", "zh": "缓冲区数值个数"}, {"en": "state_dict values", "zh": "state_dict 数值个数"},
                     {"en": "buffers", "zh": "缓冲区"}], rows),
        checks=checks, finding=finding, labels={"channels": {"en": "channels", "zh": "通道数"}},
    )
