"""Interview question: how does the choice of activation function matter?

Gradient flow through a deep network at initialization: a 20-layer MLP of
width 128, one backward pass of a cross-entropy loss, and the gradient norm
of every layer's weights. Control: sigmoid (with Xavier initialization, its
usual partner); treatment: ReLU (with He initialization). sigmoid'(z) is at
most 1/4, so the gradient shrinks layer by layer on its way back to the
input; ReLU passes it unchanged where the unit is active. tanh (Xavier) is
shown for reference. With the treatment off both arms use sigmoid.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

META = {
    "id": "hp_activation",
    "title": {"en": "Activations and gradient flow: sigmoid vs ReLU in a deep network",
              "zh": "激活函数与梯度流：深层网络中的 sigmoid 与 ReLU"},
    "claim": {"en": "Hyperparameters one can tune when training deep networks include the activation function.",
              "zh": "深度学习炼丹可以调节的一些超参数：激活函数。"},
    "claims": ["hp_activation"],
    "verdict": "true",
    "treatment": {"en": "ReLU with He initialization instead of sigmoid with Xavier (off: sigmoid in both arms)",
                  "zh": "用 ReLU（He 初始化）代替 sigmoid（Xavier 初始化）（关闭后两组都用 sigmoid）"},
    "long": False,
    "refs": [
        "Glorot & Bengio 2010, Understanding the difficulty of training deep feedforward networks",
        "He et al. 2015, Delving deep into rectifiers",
    ],
}

DEPTH = 20
WIDTH = 128
BATCH = 256
CLASSES = 4


def _net(act: str) -> nn.Sequential:
    layers: list[nn.Module] = []
    for _ in range(DEPTH):
        lin = nn.Linear(WIDTH, WIDTH)
        if act == "ReLU":
            nn.init.normal_(lin.weight, std=math.sqrt(2 / WIDTH))       # He
        else:
            nn.init.normal_(lin.weight, std=math.sqrt(1 / WIDTH))       # Xavier (fan_in = fan_out)
        nn.init.zeros_(lin.bias)
        layers += [lin, {"ReLU": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}[act]()]
    layers.append(nn.Linear(WIDTH, CLASSES))
    return nn.Sequential(*layers)


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    x = torch.randn(BATCH, WIDTH, generator=g)
    # Labels from a random linear teacher (any labels would do for gradient flow).
    y = (x @ torch.randn(WIDTH, CLASSES, generator=g)).argmax(1)
    t_act = "ReLU" if ctx.treatment else "sigmoid"
    arms = {"control: sigmoid": "sigmoid", f"treatment: {t_act}": t_act, "for reference: tanh": "tanh"}
    arm_zh = {"control: sigmoid": "对照组：sigmoid", f"treatment: {t_act}": f"处理组：{t_act}",
              "for reference: tanh": "参照：tanh"}
    grads, rows = {}, []
    for i, (name, act) in enumerate(arms.items()):
        ctx.progress(i / len(arms), name)
        torch.manual_seed(ctx.seed)
        net = _net(act)
        nn.functional.cross_entropy(net(x), y).backward()
        gr = [m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)][:DEPTH]
        grads[name] = gr
        rows.append([{"en": name, "zh": arm_zh[name]}, f"{gr[0]:.3g}", f"{gr[-1]:.3g}", f"{gr[0] / gr[-1]:.3g}"])
    ctx.progress(1.0, "done")

    c_name, t_name, r_name = arms
    c_ratio = grads[c_name][0] / grads[c_name][-1]
    t_ratio = grads[t_name][0] / grads[t_name][-1]
    r_ratio = grads[r_name][0] / grads[r_name][-1]
    checks = [
        Check({"en": f"sigmoid: gradient norm layer 1 / layer {DEPTH} < 1e-6 (vanishes)",
               "zh": f"sigmoid：第 1 层 / 第 {DEPTH} 层的梯度范数 < 1e-6（梯度消失）"}, c_ratio, "<", 1e-6),
        Check({"en": f"treatment: gradient norm layer 1 / layer {DEPTH} > 0.1", "zh": f"处理组：第 1 层 / 第 {DEPTH} 层的梯度范数 > 0.1"},
              t_ratio, ">", 0.1),
    ]
    finding = {
        "en": (f"At initialization the first layer of the {DEPTH}-layer sigmoid network gets {c_ratio:.1e} of the "
               f"last layer's gradient norm: each sigmoid multiplies the backward signal by at most 1/4, so the "
               f"early layers barely learn. With {t_act} the ratio is {t_ratio:.2f} (tanh, whose slope at 0 is 1: "
               f"{r_ratio:.2f}). The activation, together with its initialization, decides whether gradients reach "
               "the early layers of a deep network."),
        "zh": (f"初始化时，{DEPTH} 层 sigmoid 网络第一层的梯度范数只有最后一层的 {c_ratio:.1e}：每个 sigmoid 把反向信号至多乘以 "
               f"1/4，前面的层几乎学不动。换成 {t_act}，这个比值是 {t_ratio:.2f}（tanh 在 0 处斜率为 1：{r_ratio:.2f}）。"
               "激活函数连同初始化一起，决定了梯度能否到达深层网络的前几层。"),
    }
    return DemoResult(
        settings={"depth": DEPTH, "width": WIDTH, "batch": BATCH, "classes": CLASSES, "treatment": ctx.treatment},
        table=Table([{"en": "arm", "zh": "组别"}, {"en": "grad norm layer 1", "zh": "第 1 层梯度范数"},
                     {"en": f"grad norm layer {DEPTH}", "zh": f"第 {DEPTH} 层梯度范数"}, {"en": f"ratio 1/{DEPTH}", "zh": f"比值 1/{DEPTH}"}],
                    rows),
        labels={**{k: {"en": k, "zh": v} for k, v in arm_zh.items()}, "classes": {"en": "classes", "zh": "类别数"}},
        checks=checks,
        finding=finding,
        curves=[Curve({"en": "Gradient norm per layer at initialization", "zh": "初始化时各层的梯度范数"}, {"en": "layer", "zh": "层"},
                      {"en": "||dL/dW||", "zh": "||dL/dW||"},
                      [float(i) for i in range(1, DEPTH + 1)], grads, log_y=True)],
    )
