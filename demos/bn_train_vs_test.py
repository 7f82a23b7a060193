"""Interview question: how does BN differ between training and testing? What
does `momentum` mean in PyTorch, and in Keras?

A small BN MLP is trained, then tested two ways on small test batches: in
eval mode (running mean and variance, the treatment) and, as if someone forgot
`model.eval()`, in train mode (each test batch's own statistics). Eval mode
gives every sample the same output whatever batch it comes in; train mode
makes a sample's prediction depend on its batch mates. Then the running
averages are replayed by hand: PyTorch's momentum=0.1 weights the NEW batch
(r <- 0.9 r + 0.1 b); Keras's momentum=0.99 weights the OLD value
(r <- 0.99 r + 0.01 b). Copying Keras's 0.99 into PyTorch makes the running
mean nearly the last batch's mean.
"""

from __future__ import annotations


META = {
    "id": "bn_train_vs_test",
    "title": {"en": "BN at training time vs test time",
              "zh": "BN 在训练和测试时的区别"},
    "claim": {"en": "In training BN normalizes with each batch's mean and variance; at test time it uses the "
                    "mean and variance of the whole training set, estimated by a moving average.",
              "zh": "训练时 BN 用每个 batch 的均值和方差；测试时用整个训练集的均值和方差，通过滑动平均求得。"},
    "claims": ["bn_train_vs_test"],
    "verdict": "true",
    "treatment": {"en": "model.eval() at test time, i.e. the running statistics (off: test in train mode, "
                        "with each test batch's statistics)",
                  "zh": "测试时调用 model.eval()，即用滑动平均统计量（关闭：以训练模式测试，用每个测试 batch 的统计量）"},
    "long": False,
}

TEST_BATCH = 4          # a small test batch, as in serving
TRAIN_STEPS, LR, BATCH = 150, 0.3, 32
EMA_BATCHES = 100       # batches replayed through a BN layer to check the momentum convention


def _common():
    """demos/_norm_common.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_norm_common.py")


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    common = _common()
    x, y, x_test, y_test = common.teacher_task(kit.generator(ctx, 1), 1024, 512)
    model = common.mlp(16, 32, 3, 4, norm="bn")
    common.train(model, x, y, TRAIN_STEPS, LR, BATCH, kit.generator(ctx, 2))
    ctx.progress(0.5, "trained")

    def predict(eval_mode: bool, xb: torch.Tensor) -> torch.Tensor:
        model.train(not eval_mode)
        with torch.no_grad():
            return model(xb)

    # Treatment arm: eval mode (unless switched off); control: train mode at test time.
    use_eval = ctx.treatment
    arms = {"eval mode (running stats)": use_eval, "train mode (batch stats)": False}
    arm_zh = {"eval mode (running stats)": "eval 模式（滑动统计量）", "train mode (batch stats)": "train 模式（batch 统计量）"}
    rows = []
    measured = {}
    for arm, eval_mode in arms.items():
        # Sample 0 alone, then in two different batches of TEST_BATCH: same output?
        if eval_mode:
            alone = predict(True, x_test[:1])
        else:
            alone = None   # train-mode BN cannot normalize a batch of one sample
        out_a = predict(eval_mode, x_test[0:TEST_BATCH])[0]
        out_b = predict(eval_mode, torch.cat([x_test[:1], x_test[-(TEST_BATCH - 1):]]))[0]
        spread = (out_a - out_b).abs().max().item()
        if alone is not None:
            spread = max(spread, (alone[0] - out_a).abs().max().item())
        correct = 0
        for start in range(0, len(x_test), TEST_BATCH):
            xb = x_test[start:start + TEST_BATCH]
            correct += (predict(eval_mode, xb).argmax(1) == y_test[start:start + TEST_BATCH]).sum().item()
        measured[arm] = {"spread": spread, "acc": correct / len(x_test)}
        rows.append([{"en": arm, "zh": arm_zh[arm]}, f"{spread:.2e}", round(correct / len(x_test), 3)])
    model.eval()
    ctx.progress(0.7, "tested")

    # The momentum conventions, replayed by hand on batches with a known mean.
    g = kit.generator(ctx, 3)
    true_mean = torch.randn(16, generator=g)
    batches = [true_mean + torch.randn(BATCH, 16, generator=g) for _ in range(EMA_BATCHES)]
    bn_torch = nn.BatchNorm1d(16, momentum=0.1)       # PyTorch default
    bn_keras_like = nn.BatchNorm1d(16, momentum=0.01)  # = Keras momentum 0.99
    bn_misported = nn.BatchNorm1d(16, momentum=0.99)   # Keras's number copied into PyTorch
    r_torch = torch.zeros(16)
    r_keras = torch.zeros(16)
    for b in batches:
        for layer in (bn_torch, bn_keras_like, bn_misported):
            layer(b)
        r_torch = (1 - 0.1) * r_torch + 0.1 * b.mean(0)       # PyTorch: weight 0.1 on the new batch
        r_keras = 0.99 * r_keras + (1 - 0.99) * b.mean(0)     # Keras: weight 0.99 on the old value
    torch_err = (bn_torch.running_mean - r_torch).abs().max().item()
    keras_err = (bn_keras_like.running_mean - r_keras).abs().max().item()
    est_err = (bn_torch.running_mean - true_mean).abs().mean().item()
    mis_err = (bn_misported.running_mean - true_mean).abs().mean().item()
    last_err = (batches[-1].mean(0) - true_mean).abs().mean().item()
    ctx.progress(1.0, "done")

    ev, tr = measured["eval mode (running stats)"], measured["train mode (batch stats)"]
    checks = [
        Check({"en": "eval mode: sample 0's output spread across batches", "zh": "eval 模式：样本 0 的输出在不同 batch 间的波动"},
              ev["spread"], "<", 1e-5),
        # Stated as the gap, so that the margin is relative to the 0.05 asked for.
        Check({"en": f"test accuracy, batches of {TEST_BATCH}: eval mode - train mode > 0.05",
               "zh": f"测试准确率，batch 大小 {TEST_BATCH}：eval 模式 − train 模式 > 0.05"}, ev["acc"] - tr["acc"], ">", 0.05),
        Check({"en": "PyTorch running_mean = 0.9 r + 0.1 batch (max diff)", "zh": "PyTorch 的 running_mean = 0.9 r + 0.1 batch（最大差）"},
              torch_err, "<", 1e-5),
        Check({"en": "PyTorch momentum=0.01 = Keras momentum=0.99 (max diff)",
               "zh": "PyTorch 的 momentum=0.01 = Keras 的 momentum=0.99（最大差）"}, keras_err, "<", 1e-5),
        Check({"en": "error of running mean: momentum 0.99 in PyTorch > 2 x momentum 0.1",
               "zh": "滑动均值的误差：PyTorch 中用 momentum 0.99 > 2 × momentum 0.1"}, mis_err, ">", est_err, factor=2),
    ]
    rows.append([{"en": "running mean error, PyTorch momentum 0.1", "zh": "滑动均值误差，PyTorch momentum 0.1"},
                 f"{est_err:.3f}", "-"])
    rows.append([{"en": "running mean error, momentum 0.99 copied from Keras", "zh": "滑动均值误差，照搬 Keras 的 momentum 0.99"},
                 f"{mis_err:.3f}", "-"])
    rows.append([{"en": "error of the last batch's mean alone", "zh": "只用最后一个 batch 均值的误差"}, f"{last_err:.3f}", "-"])
    finding = {
        "en": (f"In eval mode a test sample's output does not depend on its batch (spread {ev['spread']:.1e}) "
               f"and accuracy on batches of {TEST_BATCH} is {ev['acc']:.3f}; testing in train mode makes the "
               f"output depend on the batch mates (spread {tr['spread']:.2f}) and accuracy drops to "
               f"{tr['acc']:.3f}. PyTorch's momentum weights the new batch: 0.1 gives a running-mean error of "
               f"{est_err:.3f}, while Keras's 0.99 copied into PyTorch gives {mis_err:.3f}, about the last "
               f"batch's own error ({last_err:.3f})."),
        "zh": (f"eval 模式下测试样本的输出与所在 batch 无关（差异 {ev['spread']:.1e}），在大小为 {TEST_BATCH} 的 "
               f"batch 上准确率 {ev['acc']:.3f}；以训练模式测试时输出依赖同 batch 的其他样本（差异 "
               f"{tr['spread']:.2f}），准确率降到 {tr['acc']:.3f}。PyTorch 的 momentum 是新 batch 的权重："
               f"0.1 时滑动均值误差 {est_err:.3f}；把 Keras 的 0.99 照搬到 PyTorch，误差为 {mis_err:.3f}，"
               f"接近只用最后一个 batch 的误差（{last_err:.3f}）。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "test_batch": TEST_BATCH,
                  "train_steps": TRAIN_STEPS, "lr": LR, "batch": BATCH, "ema_batches": EMA_BATCHES},
        table=Table([{"en": "test mode / estimate", "zh": "测试模式 / 估计"},
                     {"en": "output spread across batches / error", "zh": "输出在 batch 间的波动 / 误差"},
                     {"en": "test acc", "zh": "测试准确率"}], rows),
        checks=checks, finding=finding,
        labels={"test_batch": {"en": "test_batch", "zh": "测试 batch 大小"}, "train_steps": {"en": "train_steps", "zh": "训练步数"},
                "ema_batches": {"en": "ema_batches", "zh": "滑动平均 batch 数"}},
    )
