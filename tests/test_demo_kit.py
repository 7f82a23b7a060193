"""Helpers for demo authors (quizcli.demo.kit)."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from quizcli.demo import kit  # noqa: E402
from quizcli.demo.api import DemoContext  # noqa: E402


def test_setup_seeds_and_returns_the_device():
    ctx = DemoContext(seed=5)
    assert kit.setup(ctx) == torch.device("cpu")
    a = torch.rand(3)
    kit.setup(ctx)
    assert torch.equal(a, torch.rand(3))
    assert torch.get_num_threads() == 1


def test_generator_depends_on_seed_and_offset():
    ctx = DemoContext(seed=1)
    x = torch.rand(4, generator=kit.generator(ctx))
    assert torch.equal(x, torch.rand(4, generator=kit.generator(ctx)))
    assert not torch.equal(x, torch.rand(4, generator=kit.generator(ctx, 1)))
    assert not torch.equal(x, torch.rand(4, generator=kit.generator(DemoContext(seed=2))))


def test_fork_rng_gives_both_arms_the_same_weights_and_restores_the_stream():
    ctx = DemoContext(seed=3)
    kit.setup(ctx)
    with kit.fork_rng(ctx, 1):
        a = torch.nn.Linear(4, 4).weight.detach().clone()
    after_first = torch.rand(2)
    kit.setup(ctx)
    with kit.fork_rng(ctx, 1):
        b = torch.nn.Linear(4, 4).weight.detach().clone()
    assert torch.equal(a, b)
    assert torch.equal(after_first, torch.rand(2))   # the global stream was left alone


def test_steps_reports_progress_within_its_span():
    seen = []
    ctx = DemoContext(progress=lambda done, msg: seen.append((round(done, 3), msg)))
    assert list(kit.steps(ctx, 10, "arm", span=(0.5, 1.0), reports=5)) == list(range(10))
    assert seen == [(0.6, "arm"), (0.7, "arm"), (0.8, "arm"), (0.9, "arm"), (1.0, "arm")]


def test_curve_converts_and_thins():
    c = kit.curve("loss", "step", "loss", {"a": torch.arange(1000.0), "b": list(range(1000))}, log_y=True)
    assert len(c.x) == 200 and c.x[0] == 0.0 and c.x[-1] == 999.0
    assert all(isinstance(v, float) for v in c.series["a"]) and c.series["a"] == c.series["b"]
    assert c.log_y
    assert kit.downsample(5, 200) == [0, 1, 2, 3, 4]


def test_mlp():
    net = kit.mlp([2, 8, 8, 1], norm="bn")
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Linear", "BatchNorm1d", "ReLU", "Linear"]
    with pytest.raises(ValueError):
        kit.mlp([2, 2], norm="gn")


def test_train_reduces_the_loss_and_pads_a_divergence_with_nan():
    ctx = DemoContext(seed=0)
    kit.setup(ctx)
    g = kit.generator(ctx)
    x = torch.randn(64, 2, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0]])
    losses = kit.train(torch.nn.Linear(2, 1), x, y, torch.nn.functional.mse_loss, n_steps=50, lr=0.1)
    assert len(losses) == 50 and losses[-1] < 0.1 * losses[0]
    blown = kit.train(torch.nn.Linear(2, 1), 100 * x, y, torch.nn.functional.mse_loss, n_steps=50, lr=10.0)
    assert len(blown) == 50 and math.isnan(blown[-1])
    batched = kit.train(torch.nn.Linear(2, 1), x, y, torch.nn.functional.mse_loss, n_steps=20, lr=0.1,
                        optimizer="adam", batch_size=16, g=g)
    assert len(batched) == 20


def test_accuracy():
    assert kit.accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0])) == 0.5
    assert kit.accuracy(torch.tensor([1.0, -1.0]), torch.tensor([1, 0])) == 1.0


def test_toy_data():
    g = torch.Generator().manual_seed(0)
    x, y = kit.blobs(10, [[0, 0], [5, 5]], 0.1, g)
    assert x.shape == (20, 2) and y.tolist() == [0] * 10 + [1] * 10
    samples, centers = kit.ring_of_gaussians(100, g, modes=8, radius=2.0)
    assert samples.shape == (100, 2) and centers.shape == (8, 2)
    assert torch.allclose(centers.norm(dim=1), torch.full((8,), 2.0))
    x, y = kit.spirals(50, g)
    assert x.shape == (100, 2) and y.sum() == 50


def _problem():
    """A small regression whose weights every optimizer below starts from."""
    torch.manual_seed(0)
    x, y = torch.randn(32, 3), torch.randn(32, 1)
    w = torch.randn(3, 1)
    return x, y, w


@pytest.mark.parametrize("ours, theirs", [
    (lambda p: kit.Adam(p, lr=0.05), lambda p: torch.optim.Adam(p, lr=0.05)),
    (lambda p: kit.Adam(p, lr=0.05, betas=(0.5, 0.999)), lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.5, 0.999))),
    (lambda p: kit.SGD(p, lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
], ids=["adam", "adam-dcgan-betas", "sgd"])
def test_optimizers_follow_torch_optim(ours, theirs):
    x, y, w0 = _problem()
    runs = []
    for make, by_grads in ((ours, False), (ours, True), (theirs, False)):
        w = w0.clone().requires_grad_()
        opt = make([w])
        for _ in range(50):
            loss = ((x @ w - y) ** 2).mean()
            if by_grads:
                opt.step(torch.autograd.grad(loss, [w]))
            else:
                opt.zero_grad()
                loss.backward()
                opt.step()
        runs.append(w.detach())
    assert torch.equal(runs[0], runs[1])                       # .grad or the grads given: one rule
    assert torch.allclose(runs[0], runs[2], rtol=1e-5, atol=1e-6)   # torch.optim orders its float ops otherwise
    assert not torch.allclose(runs[0], w0)


def test_a_parameter_without_a_gradient_stays():
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = kit.Adam([a, b], lr=0.1)
    (a.sum() * 2).backward()
    opt.step()
    assert b.grad is None and torch.equal(b, torch.ones(2)) and not torch.equal(a, torch.ones(2))
