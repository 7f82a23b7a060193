"""Grader: the std against PyTorch's own calculate_gain and fan computation, and a measured draw."""

import math

import torch

from quizcli.exercise import kit

ENTRY = "kaiming_std"
FORBIDDEN = ("init", "calculate_gain", "kaiming_normal_", "kaiming_uniform_")   # the ops the exercise is about


def _want(shape, mode, nl, a):
    w = torch.empty(*shape)
    fan = torch.nn.init._calculate_correct_fan(w, mode)
    gain = torch.nn.init.calculate_gain(nl, a)
    return gain / math.sqrt(fan)


def _check(candidate, shape, mode="fan_in", nl="relu", a=0.0):
    inputs = f"weight_shape {shape}, mode {mode}, nonlinearity {nl}, a {a:g}"
    kit.assert_scalar(candidate(shape, mode, nl, a), _want(shape, mode, nl, a), atol=1e-9, rtol=1e-7, what="std",
                      inputs=inputs)


def test_linear_relu(candidate, reference):
    """A Linear layer with ReLU: sqrt(2 / fan_in)."""
    _check(candidate, (64, 256))


def test_conv_receptive_field(candidate, reference):
    """A 3x3 conv: the fan counts kh * kw, fan_in = C_in * 9."""
    _check(candidate, (32, 16, 3, 3))


def test_fan_out(candidate, reference):
    """mode fan_out: C_out * kh * kw."""
    _check(candidate, (32, 16, 3, 3), mode="fan_out")


def test_gains(candidate, reference):
    """The gains: leaky_relu sqrt(2 / (1 + a^2)), linear 1, tanh 5/3."""
    _check(candidate, (20, 50), nl="leaky_relu", a=0.2)
    _check(candidate, (20, 50), nl="linear")
    _check(candidate, (20, 50), nl="tanh")


def test_matches_a_draw(candidate, reference):
    """The std measured on kaiming_normal_ (fan_in, relu) on a 512 x 2048 weight agrees within 1%."""
    torch.manual_seed(0)
    w = torch.empty(512, 2048)
    torch.nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")
    kit.assert_scalar(candidate((512, 2048), "fan_in", "relu", 0.0), w.std().item(), atol=0, rtol=0.01,
                      what="std", inputs="weight_shape (512, 2048), fan_in, relu; measured on a draw")
