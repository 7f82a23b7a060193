"""Interview question: what does PyTorch's nn.InstanceNorm2d do by default, and
how does it differ from nn.BatchNorm2d?

Measured on the modules themselves: by default InstanceNorm2d has
affine=False (no gamma, beta: 0 parameters) and track_running_stats=False
(no buffers), so model.eval() changes nothing: it still normalizes each
instance with its own statistics. BatchNorm2d has 2C parameters and switches
to running statistics in eval mode. InstanceNorm2d(affine=True,
track_running_stats=True) behaves like BN at eval time: it then uses running
averages and no longer normalizes each instance.
"""

from __future__ import annotations

META = {
    "id": "in_pytorch_defaults",
    "title": {"en": "PyTorch InstanceNorm2d defaults",
              "zh": "PyTorch 中 InstanceNorm2d 的默认设置"},
    "claim": {"en": "IN normalizes each channel of each image on its own, with the formula given per image t and "
                    "feature map i; it is used as a layer, like BN.",
              "zh": "IN 对单张图片的单个通道单独归一化，公式按图片 t、特征图 i 计算；像 BN 一样作为一层使用。"},
    "claims": ["in_pytorch_defaults"],
    "verdict": "nuanced",
    "treatment": {"en": "the defaults affine=False, track_running_stats=False (off: both set to True)",
                  "zh": "默认 affine=False、track_running_stats=False（关闭：二者都设为 True）"},
    "long": False,
}

C, SIZE = 8, 6
WARMUP = 20    # training-mode batches seen before switching to eval()


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)

    def batch() -> torch.Tensor:
        return 2 + 3 * torch.rand(4, C, 1, 1, generator=g) * torch.randn(4, C, SIZE, SIZE, generator=g)

    default = not ctx.treatment
    modules = {
        "InstanceNorm2d()": nn.InstanceNorm2d(C, affine=default, track_running_stats=default),
        "InstanceNorm2d(affine=True, track_running_stats=True)": nn.InstanceNorm2d(
            C, affine=True, track_running_stats=True),
        "BatchNorm2d()": nn.BatchNorm2d(C),
    }
    test = batch()
    rows = []
    measured = {}
    for name, m in modules.items():
        m.train()
        for _ in range(WARMUP):
            m(batch())
        with torch.no_grad():
            train_out = m(test)
            m.eval()
            eval_out = m(test)
        params = sum(p.numel() for p in m.parameters())
        buffers = sum(b.numel() for b in m.buffers())
        diff = (train_out - eval_out).abs().max().item()
        mean_eval = eval_out.mean(dim=(2, 3)).abs().max().item()
        measured[name] = {"params": params, "buffers": buffers, "diff": diff, "mean_eval": mean_eval}
        # The module's code: the same in both languages.
        rows.append([{"en": name, "zh": name}, params, buffers, f"{diff:.2e}", f"{mean_eval:.2e}"])
    ctx.progress(1.0, "done")

    d = measured["InstanceNorm2d()"]
    t = measured["InstanceNorm2d(affine=True, track_running_stats=True)"]
    b = measured["BatchNorm2d()"]
    checks = [
        Check({"en": "InstanceNorm2d(): learnable parameters", "zh": "InstanceNorm2d()：可学习参数数"}, d["params"], "<", 0.5),
        Check({"en": "InstanceNorm2d(): buffers (running statistics)", "zh": "InstanceNorm2d()：缓冲区（滑动统计量）"},
              d["buffers"], "<", 0.5),
        Check({"en": "InstanceNorm2d(): |eval - train| output", "zh": "InstanceNorm2d()：输出的 |eval − train|"},
              d["diff"], "<", 1e-6),
        Check({"en": "BatchNorm2d(): |eval - train| output", "zh": "BatchNorm2d()：输出的 |eval − train|"}, b["diff"], ">", 0.1),
        Check({"en": "InstanceNorm2d(track_running_stats=True): |eval - train| output",
               "zh": "InstanceNorm2d(track_running_stats=True)：输出的 |eval − train|"}, t["diff"], ">", 0.1),
    ]
    finding = {
        "en": (f"InstanceNorm2d({C}) has {d['params']} parameters and {d['buffers']} buffers: no gamma/beta, no "
               f"running statistics, and eval() changes its output by {d['diff']:.1e}. BatchNorm2d({C}) has "
               f"{b['params']} parameters and its eval output differs by {b['diff']:.2f}. With affine=True and "
               f"track_running_stats=True, IN's eval output differs by {t['diff']:.2f} and per-instance means are "
               f"no longer 0 (up to {t['mean_eval']:.2f}): the article's formula is IN's computation, but a "
               f"layer's behaviour depends on these flags."),
        "zh": (f"InstanceNorm2d({C}) 有 {d['params']} 个参数和 {d['buffers']} 个缓冲值：没有 gamma/beta，没有滑动统计量，"
               f"eval() 后输出变化 {d['diff']:.1e}。BatchNorm2d({C}) 有 {b['params']} 个参数，eval 输出相差 "
               f"{b['diff']:.2f}。设置 affine=True、track_running_stats=True 后，IN 的 eval 输出相差 {t['diff']:.2f}，"
               f"单个实例的均值不再为 0（可达 {t['mean_eval']:.2f}）：文章的公式是 IN 的计算方式，但层的行为取决于这些参数。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "channels": C, "size": SIZE, "warmup": WARMUP},
        table=Table([{"en": "module", "zh": "模块"}, {"en": "parameters", "zh": "参数数"},
                     {"en": "buffer values", "zh": "缓冲区数值个数"}, {"en": "max |eval - train|", "zh": "max |eval − train|"},
                     {"en": "max |mean| per instance, eval", "zh": "eval 时每个实例 |均值| 的最大值"}], rows),
        checks=checks, finding=finding,
        labels={"channels": {"en": "channels", "zh": "通道数"}, "size": {"en": "size", "zh": "尺寸"},
                "warmup": {"en": "warmup", "zh": "预热 batch 数"}},
    )
