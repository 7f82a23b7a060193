"""Interview question: why is BN considered unsuitable for RNNs?

A tiny tanh RNN (16 units, 8 steps) normalizes its pre-activation
W_x x_t + W_h h_{t-1} in three ways: one BatchNorm layer shared by every time
step (the naive way), one BatchNorm per time step (recurrent BN, Cooijmans et
al. 2017), and LayerNorm (Ba et al. 2016). The input's scale changes over
the sequence (from 0.1 to 10, as with a signal that ramps up), so each time
step has its own statistics. In training, the shared BN normalizes each
step with that step's batch statistics and looks fine; at test time it must
use ONE set of running averages pooled over all steps, which fits none of
them. Per-step statistics fix it; LayerNorm needs no batch statistics at all.
"""

from __future__ import annotations

META = {
    "id": "bn_rnn_unsuitable",
    "title": {"en": "BN in recurrent networks",
              "zh": "RNN 中的 BN"},
    "claim": {"en": "BN is unsuitable for RNNs.",
              "zh": "BN 不适用于 RNN。"},
    "claims": ["bn_rnn_unsuitable"],
    "verdict": "nuanced",
    "treatment": {"en": "one BatchNorm shared by all time steps in the naive net (off: it gets one BatchNorm per "
                        "step too)",
                  "zh": "朴素网络中所有时间步共用一个 BatchNorm（关闭：也为每个时间步单独使用 BatchNorm）"},
    "long": False,
}

T, HIDDEN = 8, 16
STEPS, LR, BATCH = 100, 0.1, 32
TEST = 512


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    class TinyRNN(nn.Module):
        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind
            self.wx = nn.Linear(1, HIDDEN)
            self.wh = nn.Linear(HIDDEN, HIDDEN, bias=False)
            self.out = nn.Linear(HIDDEN, 1)
            if kind == "shared BN":
                self.norms = nn.ModuleList([nn.BatchNorm1d(HIDDEN)])
            elif kind == "per-step BN":
                self.norms = nn.ModuleList([nn.BatchNorm1d(HIDDEN) for _ in range(T)])
            else:
                self.norms = nn.ModuleList([nn.LayerNorm(HIDDEN)])

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = torch.zeros(x.shape[0], HIDDEN)
            outs = []
            for t in range(x.shape[1]):
                a = self.wx(x[:, t:t + 1]) + self.wh(h)
                h = torch.tanh(self.norms[t if self.kind == "per-step BN" else 0](a))
                outs.append(self.out(h))
            return torch.cat(outs, dim=1)

    kit.setup(ctx)
    g = kit.generator(ctx, 1)
    scale = torch.logspace(-1, 1, T)       # the input's scale at each step: 0.1 ... 10

    def sequences(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        e = torch.randn(n, T, generator=g)
        x = e * scale
        return x, torch.tanh(x.cumsum(1) / scale)   # a bounded running sum, in each step's own units

    x_test, y_test = sequences(TEST)
    naive = "shared BN" if ctx.treatment else "per-step BN"
    arms = {"shared BN": naive, "per-step BN": "per-step BN", "LayerNorm": "LayerNorm"}
    results = {}
    for j, (arm, kind) in enumerate(arms.items()):
        with kit.fork_rng(ctx, 2):
            model = TinyRNN(kind)
        params = list(model.parameters())
        for _ in range(STEPS):
            x, y = sequences(BATCH)
            loss = ((model(x) - y) ** 2).mean()
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= LR * p.grad
        with torch.no_grad():
            model.train()
            train_mode = ((model(x_test) - y_test) ** 2).mean().item()
            model.eval()
            per_step = ((model(x_test) - y_test) ** 2).mean(0)
        results[arm] = {"train_mode": train_mode, "eval": per_step.mean().item(), "first": per_step[0].item(),
                        "last": per_step[-1].item()}
        ctx.progress((j + 1) / len(arms), arm)

    shared, step, ln = results["shared BN"], results["per-step BN"], results["LayerNorm"]
    checks = [
        Check({"en": "shared BN: test MSE in eval mode > 3 x in train mode",
               "zh": "共享 BN：eval 模式的测试 MSE > 3 × train 模式"}, shared["eval"], ">", shared["train_mode"], factor=3),
        Check({"en": "test MSE in eval mode: shared BN > 2 x per-step BN", "zh": "eval 模式的测试 MSE：共享 BN > 2 × 逐时间步 BN"},
              shared["eval"], ">", step["eval"], factor=2),
        Check({"en": "per-step BN: eval-mode MSE < 1.5 x train-mode MSE",
               "zh": "逐时间步 BN：eval 模式的 MSE < 1.5 × train 模式的 MSE"}, step["eval"], "<", step["train_mode"], factor=1.5),
    ]
    arm_zh = {"shared BN": "共享 BN", "per-step BN": "逐时间步 BN", "LayerNorm": "LayerNorm"}
    rows = [[{"en": arm, "zh": arm_zh[arm]}, round(r["train_mode"], 4), round(r["eval"], 4), round(r["first"], 4), round(r["last"], 4)]
            for arm, r in results.items()]
    finding = {
        "en": (f"With batch statistics (train mode) the shared-BN RNN has a test MSE of {shared['train_mode']:.3f}, "
               f"but with its running averages (eval mode, how it is deployed) {shared['eval']:.3f}: one set of "
               f"statistics pooled over time fits no step. Per-step BN gets {step['eval']:.3f} in eval mode "
               f"(Cooijmans et al. 2017), at the cost of statistics per step and a batch at training time; "
               f"LayerNorm, which needs neither, gets {ln['eval']:.3f} on this task, whose per-step scale suits "
               f"per-step BN. Naive BN is unsuitable; BN done per step works."),
        "zh": (f"用 batch 统计量（训练模式）时，共享 BN 的 RNN 测试 MSE 为 {shared['train_mode']:.3f}；用滑动平均（eval 模式，"
               f"即部署方式）时为 {shared['eval']:.3f}：跨时间步汇总的一组统计量不适合任何一个时间步。逐时间步 BN 在 eval 模式下"
               f"为 {step['eval']:.3f}（Cooijmans 等，2017），代价是每步一套统计量、训练时需要 batch；LayerNorm 两者都不需要，"
               f"在这个按时间步改变尺度、偏向逐步 BN 的任务上为 {ln['eval']:.3f}。朴素的 BN 不适用，逐时间步的 BN 可行。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "T": T, "hidden": HIDDEN, "steps": STEPS, "lr": LR,
                  "batch": BATCH, "input_scale": {"en": "0.1 to 10, log-spaced over the steps",
                                                  "zh": "0.1 到 10，随时间步按对数均匀增长"}},
        table=Table([{"en": "normalization", "zh": "归一化"}, {"en": "test MSE, train mode", "zh": "测试 MSE，train 模式"},
                     {"en": "test MSE, eval mode", "zh": "测试 MSE，eval 模式"},
                     {"en": "eval MSE at step 1", "zh": "第 1 步的 eval MSE"},
                     {"en": f"eval MSE at step {T}", "zh": f"第 {T} 步的 eval MSE"}], rows),
        checks=checks, finding=finding,
        labels={"T": {"en": "T", "zh": "序列长度 T"}, "hidden": {"en": "hidden", "zh": "隐藏单元数"},
                "input_scale": {"en": "input_scale", "zh": "输入幅度"}},
    )
