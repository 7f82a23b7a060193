"""What graders are written with: `Fail` and the checks that raise it.

Imported by graders, in the grading child process only (it imports torch).
A check that finds a difference raises `Fail` with a message that says what
was expected, what came, and on which input, so the candidate can act on it:

    output: max abs error 3.1e-02 at [2, 1] (expected 0.5124, got 0.4813); tolerance 1e-05 + 1e-04 * |expected|
      input: x (8, 3) seed 0

The messages are in the interface's language (the runner passes it as
$QUIZCLI_UI_LANG); a grader marks its own with `kit._("... {n}").format(n=...)`
(babel.cfg extracts demos/exercises/*/grader.py too).

Graders are documented in demos/exercises/README.md.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import torch

from quizcli.i18n import _   # graders translate their own messages with kit._


# Every normalization op of PyTorch: one can stand in for another (layer norm
# over a transposed batch gives batch statistics; batch norm over a (1, N*C,
# H, W) view gives instance norm), so a normalization exercise forbids them all.
NORM_OPS = ("batch_norm", "instance_norm", "layer_norm", "group_norm", "native_batch_norm",
            "native_layer_norm", "native_group_norm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
            "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LayerNorm", "GroupNorm")


class Fail(AssertionError):
    """A test found the candidate's code wrong; the message says how."""


def fail(message: str, inputs: str = "") -> Fail:
    return Fail(message + ("\n  " + _("input: {inputs}").format(inputs=inputs) if inputs else ""))


def randn(*shape: int, seed: int, scale: float = 1.0, shift: float = 0.0,
          dtype: torch.dtype = torch.float32, requires_grad: bool = False) -> torch.Tensor:
    """Seeded normal noise: the same tensor for the same seed, on any machine (CPU generator)."""
    g = torch.Generator().manual_seed(seed)
    t = torch.randn(*shape, generator=g, dtype=torch.float64) * scale + shift
    return t.to(dtype).requires_grad_(requires_grad)


def rand(*shape: int, seed: int, low: float = 0.0, high: float = 1.0,
         dtype: torch.dtype = torch.float32) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(*shape, generator=g, dtype=torch.float64) * (high - low) + low).to(dtype)


def _shape(t: torch.Tensor) -> str:
    return "(" + ", ".join(str(d) for d in t.shape) + ")"


def _num(x: float) -> str:
    return f"{x:.6g}"


def assert_tensor(got: Any, what: str = "output", inputs: str = "") -> torch.Tensor:
    if not isinstance(got, torch.Tensor):
        raise fail(_("{what}: expected a torch.Tensor, got {got}").format(what=what, got=type(got).__name__), inputs)
    return got


def assert_finite(got: torch.Tensor, what: str = "output", inputs: str = "") -> None:
    bad = ~torch.isfinite(got.detach())
    if bad.any():
        idx = [int(i) for i in bad.nonzero()[0]]
        value = got.detach().reshape(-1)[int(bad.reshape(-1).nonzero()[0])].item()
        raise fail(_("{what}: {bad} of {n} values are NaN or infinite (the first at {at}: {value}); look for a "
                     "division by zero, a log of 0 or an exp that overflows").format(
                       what=what, bad=int(bad.sum()), n=got.numel(), at=idx, value=value), inputs)


def assert_close(got: Any, expected: torch.Tensor, *, atol: float = 1e-5, rtol: float = 1e-4,
                 what: str = "output", inputs: str = "", check_dtype: bool = True) -> None:
    """`got` is a tensor of expected's shape and dtype, finite, within atol + rtol * |expected|."""
    got = assert_tensor(got, what, inputs)
    expected = expected.detach()
    if tuple(got.shape) != tuple(expected.shape):
        raise fail(_("{what}: expected shape {expected}, got {got}").format(
            what=what, expected=_shape(expected), got=_shape(got)), inputs)
    if check_dtype and got.dtype != expected.dtype:
        raise fail(_("{what}: expected dtype {expected}, got {got}").format(
            what=what, expected=expected.dtype, got=got.dtype), inputs)
    assert_finite(got, what, inputs)
    g, e = got.detach().double(), expected.double()
    err = (g - e).abs()
    allowed = atol + rtol * e.abs()
    if (err > allowed).any():
        flat = int((err - allowed).reshape(-1).argmax())
        idx = list(torch.unravel_index(torch.tensor(flat), tuple(e.shape))) if e.dim() else []
        at = _(" at {index}").format(index=[int(i) for i in idx]) if idx else ""
        raise fail(_("{what}: max abs error {error}{at} (expected {expected}, got {got}); "
                     "tolerance {atol} + {rtol} * |expected|").format(
                       what=what, error=f"{float(err.max()):.3g}", at=at, expected=_num(float(e.reshape(-1)[flat])),
                       got=_num(float(g.reshape(-1)[flat])), atol=f"{atol:g}", rtol=f"{rtol:g}"), inputs)


def assert_scalar(got: Any, expected: float, *, atol: float = 1e-6, rtol: float = 1e-6,
                  what: str = "output", inputs: str = "") -> None:
    """A Python number, or a one-element tensor, close to `expected`."""
    if isinstance(got, torch.Tensor):
        if got.numel() != 1:
            raise fail(_("{what}: expected a single number, got a tensor of shape {shape}").format(
                what=what, shape=_shape(got)), inputs)
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise fail(_("{what}: expected a number, got {got}").format(what=what, got=type(got).__name__), inputs)
    if not math.isfinite(got):
        raise fail(_("{what}: expected {expected}, got {got}").format(what=what, expected=_num(expected), got=got), inputs)
    if abs(got - expected) > atol + rtol * abs(expected):
        raise fail(_("{what}: expected {expected}, got {got} (off by {off})").format(
            what=what, expected=_num(expected), got=_num(got), off=f"{abs(got - expected):.3g}"), inputs)


def assert_scalar_tensor(got: Any, what: str = "loss", inputs: str = "") -> torch.Tensor:
    """A 0-dim tensor (a loss to call .backward() on)."""
    got = assert_tensor(got, what, inputs)
    if got.dim() != 0:
        raise fail(_("{what}: expected a scalar (0-dim) tensor, got shape {shape}; "
                     "reduce it with .mean() (or as the contract says)").format(what=what, shape=_shape(got)), inputs)
    return got


def as_tuple(got: Any, n: int, names: Sequence[str], inputs: str = "") -> tuple:
    """The candidate returned a tuple or list of n things."""
    if not isinstance(got, (tuple, list)) or len(got) != n:
        what = type(got).__name__ + (_(" of {n}").format(n=len(got)) if isinstance(got, (tuple, list)) else "")
        raise fail(_("expected a tuple of {n} ({names}), got {got}").format(n=n, names=", ".join(names), got=what),
                   inputs)
    return tuple(got)


def clone_all(args: Sequence[Any]) -> list[Any]:
    """Deep copies of the tensor arguments (others as they are)."""
    return [a.detach().clone().requires_grad_(a.requires_grad) if isinstance(a, torch.Tensor) else a for a in args]


def call_pure(fn: Callable[..., Any], *args: Any, names: Sequence[str] = (), inputs: str = "") -> Any:
    """Call fn and check it changed none of its tensor arguments in place."""
    before = [a.detach().clone() if isinstance(a, torch.Tensor) else None for a in args]
    out = fn(*args)
    for i, (a, b) in enumerate(zip(args, before)):
        if b is not None and (a.shape != b.shape or not torch.equal(a.detach(), b)):
            name = names[i] if i < len(names) else _("argument {n}").format(n=i + 1)
            raise fail(_("your function changed its input `{name}` in place; the contract asks for new tensors "
                         "(use out-of-place ops: x - m, not x.sub_(m); return new running statistics)").format(
                           name=name), inputs)
    return out


def grad_of(output: torch.Tensor, wrt: Sequence[torch.Tensor], *, what: str = "output",
            inputs: str = "") -> list[torch.Tensor | None]:
    """d(sum of output)/d(each of wrt); None where no gradient flows."""
    if not output.requires_grad:
        return [None] * len(wrt)
    return list(torch.autograd.grad(output.sum(), list(wrt), allow_unused=True, retain_graph=True))


def assert_grad_flows(output: torch.Tensor, wrt: torch.Tensor, *, what: str, to: str, inputs: str = "") -> torch.Tensor:
    """A gradient reaches `wrt` from `output` (not cut by a detach or torch.no_grad)."""
    (g,) = grad_of(output, [wrt])
    if g is None:
        raise fail(_("{what}: no gradient reaches {to}: something detached it (.detach(), .item(), "
                     "torch.no_grad(), or a graph not built with create_graph=True)").format(what=what, to=to), inputs)
    return g


def assert_no_grad(output: torch.Tensor, wrt: torch.Tensor, *, what: str, to: str, inputs: str = "") -> None:
    """No gradient flows from `output` to `wrt` (it should be detached there)."""
    (g,) = grad_of(output, [wrt])
    if g is not None and g.abs().max() > 0:
        raise fail(_("{what}: a gradient flows to {to}, which should be treated as a constant "
                     "(detach it, or compute it under torch.no_grad())").format(what=what, to=to), inputs)
