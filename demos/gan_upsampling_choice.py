"""Interview question: how should a generator upsample: PixelShuffle, strided
transposed convolution, or resize + convolution?

Checkerboard artifacts (Odena, Dumoulin & Olah 2016) show up before any
training: feed a constant image to each upsampler and see whether the
output is constant. A stride-2 transposed convolution with kernel 3 overlaps
unevenly (output pixels get 1, 2 or 4 kernel taps), so even a uniform kernel
paints a checkerboard; with random weights every stride-2 transposed
convolution does. PixelShuffle (sub-pixel convolution, Shi et al. 2016)
with a standard random init also does, because its 4 sub-pixel kernels
differ; the ICNR init of Aitken et al. 2017 makes them equal and removes
it. Nearest-neighbour resize + convolution has no checkerboard at all.
"""

from __future__ import annotations

META = {
    "id": "gan_upsampling_choice",
    "title": {"en": "Upsampling without checkerboards: resize-conv, or PixelShuffle with ICNR",
              "zh": "无棋盘格的上采样：先缩放再卷积，或用 ICNR 初始化的 PixelShuffle"},
    "claim": {"en": "For upsampling, use PixelShuffle or a strided transposed convolution.",
              "zh": "对于上采样，最好使用 PixelShuffle 或者转置卷积 + stride。"},
    "claims": ["gan_upsampling_choice"],
    "verdict": "nuanced",
    "treatment": {"en": "the article's upsamplers as usually built (off: they are replaced by resize + conv)",
                  "zh": "文章推荐的上采样方式的常见构造（关闭：替换为先缩放再卷积）"},
    "long": False,
}

CH = 8          # channels in and out
SIZE = 16       # input height and width (output: 32)
INITS = 16      # random initializations averaged


def run(ctx):
    import torch
    import torch.nn.functional as F
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    x = torch.ones(1, CH, SIZE, SIZE)

    def artifact(y: torch.Tensor) -> float:
        # Checkerboard strength: how much the 4 pixel phases of the 2x upsampled output differ,
        # relative to the output's size; borders (padding effects) are cut off.
        y = y[:, :, 4:-4, 4:-4]
        phases = torch.stack([y[:, :, a::2, b::2].mean(dim=(2, 3)) for a in (0, 1) for b in (0, 1)])
        return (phases.std(dim=0).mean() / (y.abs().mean() + 1e-12)).item()

    class ResizeConv(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(CH, CH, 3, padding=1)

        def forward(self, v):
            return self.conv(F.interpolate(v, scale_factor=2, mode="nearest"))

    class SubPixel(nn.Module):
        def __init__(self, icnr: bool):
            super().__init__()
            self.conv = nn.Conv2d(CH, 4 * CH, 3, padding=1)
            if icnr:
                # ICNR (Aitken et al. 2017): init a CH-channel kernel and copy it to all 4 sub-pixels,
                # so the layer starts as nearest-neighbour resize + conv.
                with torch.no_grad():
                    k = nn.Conv2d(CH, CH, 3, padding=1)
                    self.conv.weight.copy_(k.weight.repeat_interleave(4, dim=0))
                    self.conv.bias.copy_(k.bias.repeat_interleave(4))

        def forward(self, v):
            return F.pixel_shuffle(self.conv(v), 2)

    treat = ctx.treatment
    makers = {
        "transposed conv, k=3, stride 2": (lambda: nn.ConvTranspose2d(CH, CH, 3, 2, 1, output_padding=1))
        if treat else ResizeConv,
        "transposed conv, k=4, stride 2": (lambda: nn.ConvTranspose2d(CH, CH, 4, 2, 1)) if treat else ResizeConv,
        "PixelShuffle, standard init": (lambda: SubPixel(False)) if treat else ResizeConv,
        "PixelShuffle, ICNR init": lambda: SubPixel(True),
        "nearest resize + conv 3x3": ResizeConv,
    }
    random_init = {}
    for i, (name, make) in enumerate(makers.items()):
        values = []
        for _ in range(INITS):
            with torch.no_grad():
                values.append(artifact(make()(x)))
        random_init[name] = sum(values) / INITS
        ctx.progress((i + 1) / (len(makers) + 1), name)

    # Uniform kernels: the artifact that comes from the geometry alone (uneven overlap).
    uniform = {}
    for name, (k, out_pad) in {"transposed conv, k=3, stride 2": (3, 1), "transposed conv, k=4, stride 2": (4, 0)}.items():
        up = nn.ConvTranspose2d(CH, CH, k, 2, 1, output_padding=out_pad, bias=False) if treat else ResizeConv()
        with torch.no_grad():
            for p in up.parameters():
                p.fill_(1.0 / (CH * k * k))
            uniform[name] = artifact(up(x))
    ctx.progress(1.0, "uniform kernels")

    t3, t4 = random_init["transposed conv, k=3, stride 2"], random_init["transposed conv, k=4, stride 2"]
    ps, icnr = random_init["PixelShuffle, standard init"], random_init["PixelShuffle, ICNR init"]
    rc = random_init["nearest resize + conv 3x3"]
    names = {"transposed conv, k=3, stride 2": {"en": "transposed conv, k=3, stride 2", "zh": "转置卷积，k=3，stride 2"},
             "transposed conv, k=4, stride 2": {"en": "transposed conv, k=4, stride 2", "zh": "转置卷积，k=4，stride 2"},
             "PixelShuffle, standard init": {"en": "PixelShuffle, standard init", "zh": "PixelShuffle，标准初始化"},
             "PixelShuffle, ICNR init": {"en": "PixelShuffle, ICNR init", "zh": "PixelShuffle，ICNR 初始化"},
             "nearest resize + conv 3x3": {"en": "nearest resize + conv 3x3", "zh": "最近邻上采样 + 3x3 卷积"}}
    rows = [[names[n], f"{v:.4f}", f"{uniform[n]:.4f}" if n in uniform else "-"] for n, v in random_init.items()]
    checks = [
        Check({"en": "transposed conv k=3 s=2, uniform kernel: checkerboard > 0.2 (uneven overlap)",
               "zh": "转置卷积 k=3 s=2，均匀卷积核：棋盘格强度 > 0.2（重叠不均匀）"},
              uniform["transposed conv, k=3, stride 2"], ">", 0.2),
        Check({"en": "transposed conv k=4 s=2, random init: checkerboard > 100 x resize-conv's",
               "zh": "转置卷积 k=4 s=2，随机初始化：棋盘格强度 > 100 × 先缩放再卷积的"}, t4, ">", 100 * rc + 1e-6),
        Check({"en": "PixelShuffle standard init: checkerboard > 100 x with ICNR init",
               "zh": "PixelShuffle 标准初始化：棋盘格强度 > 100 × ICNR 初始化的"}, ps, ">", 100 * icnr + 1e-6),
    ]
    return DemoResult(
        settings={"input": {"en": f"constant image, {CH} channels, {SIZE}x{SIZE} -> {2 * SIZE}x{2 * SIZE}",
                            "zh": f"常数图像，{CH} 个通道，{SIZE}x{SIZE} -> {2 * SIZE}x{2 * SIZE}"},
                  "random inits averaged": INITS,
                  "checkerboard": {"en": "std of the 4 pixel-phase means / mean |output|, borders cut (0 = none)",
                                   "zh": "4 个像素相位均值的标准差 / 平均 |输出|，去掉边缘（0 = 无棋盘格伪影）"}},
        labels={"input": {"en": "input", "zh": "输入"},
                "random inits averaged": {"en": "random inits averaged", "zh": "取平均的随机初始化次数"},
                "checkerboard": {"en": "checkerboard", "zh": "棋盘格强度"}},
        table=Table(columns=[{"en": "upsampler", "zh": "上采样方式"},
                             {"en": "checkerboard, random init", "zh": "棋盘格强度，随机初始化"},
                             {"en": "checkerboard, uniform kernel", "zh": "棋盘格强度，均匀卷积核"}], rows=rows),
        checks=checks,
        finding={
            "en": (f"On a constant input, the checkerboard strength at random init is {t3:.3f} for a k=3 stride-2 "
                   f"transposed conv, {t4:.3f} for k=4, {ps:.3f} for PixelShuffle with a standard init, {icnr:.1e} "
                   f"for PixelShuffle with ICNR and {rc:.1e} for resize + conv. Even a uniform k=3 kernel gives "
                   f"{uniform['transposed conv, k=3, stride 2']:.3f}: the uneven overlap is built in (k=4: "
                   f"{uniform['transposed conv, k=4, stride 2']:.1e}). So the article's two choices are the ones that "
                   "cause checkerboards unless handled: prefer resize + conv, or PixelShuffle with ICNR."),
            "zh": (f"输入为常数图像时，随机初始化下的棋盘格强度：k=3、stride 2 的转置卷积为 {t3:.3f}，k=4 为 {t4:.3f}，"
                   f"标准初始化的 PixelShuffle 为 {ps:.3f}，ICNR 初始化的 PixelShuffle 为 {icnr:.1e}，先缩放再卷积为 {rc:.1e}。"
                   f"即使 k=3 的卷积核是均匀的，也有 {uniform['transposed conv, k=3, stride 2']:.3f}：不均匀重叠是结构性的"
                   f"（k=4：{uniform['transposed conv, k=4, stride 2']:.1e}）。所以文章推荐的两种方式恰恰是会产生棋盘格的方式，"
                   "除非另加处理：优先用先缩放再卷积，或 ICNR 初始化的 PixelShuffle。"),
        },
    )
