"""Grader: conv with the folded weights against bn_eval(conv(x)) with PyTorch's ops."""

import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "fold_bn_into_conv"
FORBIDDEN = ("fusion", "fuse_conv_bn_weights", "fuse_conv_bn_eval")   # torch.nn.utils.fusion does the folding


def _case(c_out, c_in, k, seed, with_bias, var_low=0.5):
    w = kit.randn(c_out, c_in, k, k, seed=seed, scale=0.3)
    b = kit.randn(c_out, seed=seed + 1) if with_bias else None
    gamma = kit.randn(c_out, seed=seed + 2, scale=0.5, shift=1.0)
    beta = kit.randn(c_out, seed=seed + 3)
    rm = kit.randn(c_out, seed=seed + 4)
    rv = kit.rand(c_out, seed=seed + 5, low=var_low, high=var_low * 3)
    return w, b, gamma, beta, rm, rv


def _check(candidate, c_out, c_in, k, seed, with_bias=True, eps=1e-5, var_low=0.5, pure=False):
    args = _case(c_out, c_in, k, seed, with_bias, var_low)
    x = kit.randn(2, c_in, 6, 6, seed=seed + 9)
    inputs = (f"conv weight ({c_out}, {c_in}, {k}, {k}), bias {'(%d,)' % c_out if with_bias else 'None'}, "
              f"seed {seed}, eps {eps:g}")
    w, b, gamma, beta, rm, rv = args
    call_args = [a.clone() if a is not None else None for a in args] + [eps]
    if pure:
        got = kit.call_pure(candidate, *call_args,
                            names=("weight", "bias", "gamma", "beta", "running_mean", "running_var"), inputs=inputs)
    else:
        got = candidate(*call_args)
    nw, nb = kit.as_tuple(got, 2, ("new_weight", "new_bias"), inputs)
    kit.assert_tensor(nw, "new_weight", inputs)
    if tuple(nw.shape) != tuple(w.shape):
        raise kit.fail(kit._("{what}: expected shape {expected}, got {got}").format(
            what="new_weight", expected=tuple(w.shape), got=tuple(nw.shape)), inputs)
    kit.assert_tensor(nb, "new_bias", inputs)
    want = F.batch_norm(F.conv2d(x, w, b), rm.clone(), rv.clone(), gamma, beta, training=False, eps=eps)
    kit.assert_close(F.conv2d(x, nw, nb), want, atol=1e-4, rtol=1e-4,
                     what=kit._("conv2d(x, new_weight, new_bias) against bn(conv2d(x, weight, bias))"),
                     inputs=inputs + "; x (2, %d, 6, 6)" % c_in)


def test_square_with_bias(candidate, reference):
    """C_out = C_in, a conv with a bias: the folded conv gives bn(conv(x))."""
    _check(candidate, 4, 4, 3, seed=0)


def test_output_channels(candidate, reference):
    """C_out != C_in: the BN scale multiplies the weight along the output-channel axis."""
    _check(candidate, 5, 2, 3, seed=1)


def test_without_bias(candidate, reference):
    """A conv with bias=False (the usual one before BN): the folded conv gets a bias."""
    _check(candidate, 3, 3, 1, seed=2, with_bias=False)


def test_eps_inside_sqrt(candidate, reference):
    """Tiny running variances: eps goes inside the square root."""
    _check(candidate, 3, 2, 3, seed=3, eps=1e-3, var_low=1e-5)


def test_no_inplace(candidate, reference):
    """The conv's and the BN's tensors are left as they were."""
    _check(candidate, 3, 2, 3, seed=4, pure=True)
